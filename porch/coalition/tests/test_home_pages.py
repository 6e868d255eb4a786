"""The "Your pages" panel on the home page: links to the pages a person's
roles open, found by keyboard from the home page (issue 9's keyboard journey)."""

import pytest

from porch.accounts.roles import Role
from porch.coalition.models import Membership
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db


def links(response) -> set[str]:
    body = response.content.decode()
    names = ("aid-index", "response-index", "volunteers-index", "messaging-notifications")
    return {name for name in names if f'id="home-{name}"' in body}


def test_an_intake_volunteer_gets_links_to_the_aid_pages(cast, signed_in):
    ida = make_member("ida", cast.org_a, Role.INTAKE)
    response = signed_in(ida).get("/")
    assert response.status_code == 200
    assert 'id="home-aid-index" href="/aid/"' in response.text
    assert links(response) == {"aid-index", "volunteers-index", "messaging-notifications"}
    # Every link opens.
    client = signed_in(ida)
    for url in ("/aid/", "/volunteers/", "/messaging/notifications/"):
        assert client.get(url).status_code == 200, url


def test_a_volunteer_gets_shifts_and_notifications_only(cast, signed_in):
    response = signed_in(cast.cal).get("/")
    assert links(response) == {"volunteers-index", "messaging-notifications"}


def test_a_dispatcher_gets_rapid_response_and_a_coordinator_gets_both(cast, signed_in):
    dot = make_member("dot", cast.org_b, Role.DISPATCHER)
    assert "response-index" in links(signed_in(dot).get("/"))
    assert "aid-index" not in links(signed_in(dot).get("/"))
    assert {"aid-index", "response-index"} <= links(signed_in(cast.ana).get("/"))


def test_a_role_that_does_not_count_opens_no_link(cast, signed_in):
    ida = make_member("ida", cast.org_a, Role.INTAKE)
    Membership.objects.filter(user=ida, role=Role.INTAKE).update(status=Membership.Status.REVOKED)
    assert "aid-index" not in links(signed_in(ida).get("/"))
