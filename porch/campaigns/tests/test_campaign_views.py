"""Organisers create, open, edit and end campaigns; ending erases every contact."""

import datetime

import pytest
from django.utils import timezone

from porch.campaigns.models import Campaign, Pledge

pytestmark = pytest.mark.django_db


def _new(client, org_code, **overrides):
    today = timezone.localdate()
    data = {
        "organisation": org_code,
        "title": "General strike",
        "slogan": "No work, no school, no shopping",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=1)).isoformat(),
        **overrides,
    }
    return client.post("/campaigns/new/", data)


def test_it_creates_opens_and_ends_a_campaign(cast, signed_in, client, audit_actions):
    manager = signed_in(cast.ana)
    response = _new(manager, cast.org_a.code)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.code}/"
    assert campaign.state == Campaign.State.DRAFT and campaign.organisation == cast.org_a
    # A draft is not public.
    assert client.get(f"/public/campaigns/{campaign.code}/").status_code == 404
    assert manager.post(f"/campaigns/{campaign.code}/open/").status_code == 302
    assert client.get(f"/public/campaigns/{campaign.code}/").status_code == 200
    assert manager.post(f"/campaigns/{campaign.code}/end/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.ENDED
    assert audit_actions()[-3:] == ["campaign.created", "campaign.opened", "campaign.ended"]


def test_it_lets_a_coalition_admin_run_a_campaign_for_the_whole_coalition(cast, signed_in):
    response = _new(signed_in(cast.gus), "coalition")
    assert response.status_code == 302
    assert Campaign.objects.get().organisation is None


def test_it_refuses_the_whole_coalition_to_a_coordinator(cast, signed_in):
    assert _new(signed_in(cast.ana), "coalition").status_code == 400
    assert _new(signed_in(cast.ana), cast.org_b.code).status_code == 400
    assert not Campaign.objects.exists()


def test_it_refuses_a_last_day_before_the_first(cast, signed_in):
    today = timezone.localdate()
    response = _new(
        signed_in(cast.ana),
        cast.org_a.code,
        ends_on=(today - datetime.timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 400
    assert "The last day cannot come before the first day." in response.content.decode()
    assert not Campaign.objects.exists()


def test_it_refuses_to_open_an_ended_campaign(cast, signed_in, strike):
    client = signed_in(cast.ana)
    client.post(f"/campaigns/{strike.code}/end/")
    response = client.post(f"/campaigns/{strike.code}/open/")
    assert response.status_code == 400
    assert "Only a draft campaign can be opened." in response.content.decode()


def test_it_edits_a_campaign(cast, signed_in, strike):
    data = {
        "title": "General strike, day two",
        "slogan": "",
        "description": "",
        "starts_on": strike.starts_on.isoformat(),
        "ends_on": strike.ends_on.isoformat(),
    }
    response = signed_in(cast.ana).post(f"/campaigns/{strike.code}/edit/", data)
    assert response.status_code == 302
    strike.refresh_from_db()
    assert strike.title == "General strike, day two"


@pytest.mark.parametrize("who", ["ben", "cal", "hal"])
def test_it_is_not_found_for_people_who_do_not_organise_it(cast, signed_in, strike, who):
    client = signed_in(getattr(cast, who))
    if who != "hal":
        assert client.get("/campaigns/").status_code == 404
        assert client.get("/campaigns/new/").status_code == 404
    for url in (f"/campaigns/{strike.code}/", f"/campaigns/{strike.code}/edit/"):
        assert client.get(url).status_code == (200 if who == "hal" else 404)
    if who != "hal":
        assert client.post(f"/campaigns/{strike.code}/end/").status_code == 404
        strike.refresh_from_db()
        assert strike.state == Campaign.State.OPEN


def test_it_is_not_found_for_another_organisations_manager(cast, signed_in, strike):
    from porch.accounts.roles import TrustLevel
    from porch.coalition.models import Membership

    cast.cal.trust_level = TrustLevel.COORDINATOR
    cast.cal.save()
    Membership.objects.create(user=cast.cal, organisation=cast.org_b, role="coordinator")
    client = signed_in(cast.cal)
    assert client.get("/campaigns/").status_code == 200
    assert client.get(f"/campaigns/{strike.code}/").status_code == 404
    assert client.post(f"/campaigns/{strike.code}/end/").status_code == 404


def test_it_refuses_get_on_state_changes(cast, signed_in, strike):
    client = signed_in(cast.ana)
    assert client.get(f"/campaigns/{strike.code}/open/").status_code == 405
    assert client.get(f"/campaigns/{strike.code}/end/").status_code == 405


def test_it_shows_counts_and_how_many_asked_for_updates(cast, signed_in, strike, pledges):
    from porch.campaigns.actions import do_make_pledge

    pledges("business", 12)
    do_make_pledge(strike, kind="family", contact_kind="email", contact="a@example.org", actor=None)
    html = signed_in(cast.ana).get(f"/campaigns/{strike.code}/").content.decode()
    assert "12" in html and "1 person asked for updates." in html
    assert "a@example.org" not in html
    assert Pledge.objects.count() == 13
