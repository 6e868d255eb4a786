"""The home page: a public landing, then "what do I need to do now?"."""

import pytest

from porch.accounts import actions
from porch.core import home

pytestmark = pytest.mark.django_db


def test_it_shows_a_public_landing_to_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Porch helps neighbours look after each other" in response.text
    assert 'href="/signup/"' in response.text


def test_it_shows_an_active_member_their_roles_per_organisation(
    cast, signed_in, django_assert_max_num_queries
):
    client = signed_in(cast.ben)
    # Session, user, roles, last-active, then one or two queries per app's
    # home panel (accounts, coalition, volunteers, aid, response).
    with django_assert_max_num_queries(15):
        response = client.get("/")
    assert response.status_code == 200
    assert f"{cast.org_a.name}: Driver" in response.text


def test_it_includes_every_registered_panel(cast, signed_in):
    panel = home.register(
        lambda request: {"template": "accounts/_approvals_panel.html", "count": 7}
    )
    try:
        response = signed_in(cast.cal).get("/")
    finally:
        home.PANELS.remove(panel)
    assert "7 requests need a second admin." in response.text


def test_it_shows_the_landing_once_an_account_is_locked(cast, signed_in):
    client = signed_in(cast.cal)
    actions.do_lock_account(cast.cal, actor=cast.hal)
    response = client.get("/")
    assert "Porch helps neighbours look after each other" in response.text


def test_it_refuses_other_methods_on_home(client):
    assert client.post("/").status_code == 405
