"""/coalition/settings/: the coalition's name, hotline and vouches required."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/coalition/settings/"


def test_it_lets_a_coalition_admin_change_the_settings(cast, signed_in, audit_actions):
    client = signed_in(cast.gus)
    assert client.get(URL).status_code == 200
    data = {"name": "Riverbend Network", "hotline": "555-0111", "vouches_required": 3}
    assert client.post(URL, data).status_code == 302
    cast.coalition.refresh_from_db()
    assert cast.coalition.name == "Riverbend Network"
    assert cast.coalition.hotline == "555-0111"
    assert cast.coalition.vouches_required == 3
    assert audit_actions()[-1] == "coalition.updated"


@pytest.mark.parametrize("vouches", ["0", "6", "two", ""])
def test_it_refuses_vouches_outside_one_to_five(cast, signed_in, vouches):
    data = {"name": "Riverbend Network", "vouches_required": vouches}
    response = signed_in(cast.gus).post(URL, data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    cast.coalition.refresh_from_db()
    assert cast.coalition.vouches_required == 2
    assert cast.coalition.name == "Riverbend Mutual Aid Coalition"


def test_it_hides_the_settings_from_organisation_admins(cast, signed_in):
    assert signed_in(cast.eve).get(URL).status_code == 404
    data = {"name": "Mine", "vouches_required": 1}
    assert signed_in(cast.eve).post(URL, data).status_code == 404
    cast.coalition.refresh_from_db()
    assert cast.coalition.vouches_required == 2


def test_it_refuses_other_methods_on_the_settings(cast, signed_in):
    assert signed_in(cast.gus).delete(URL).status_code == 405
