"""The private per-volunteer calendar feed (issue 5 item 7)."""

import datetime

import pytest

from porch.accounts.models import hash_token
from porch.volunteers import actions
from porch.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def feed_path(url: str) -> str:
    return url.removeprefix("http://testserver")


def issue(client) -> str:
    response = client.post("/volunteers/calendar/issue/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return feed_path(response.context["feed_url"])


def test_it_issues_a_feed_shown_once_and_stores_only_its_hash(people, signed_in, audit_actions):
    client = signed_in(people.pat)
    path = issue(client)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43
    assert Volunteer.objects.get(user=people.pat).calendar_token_hash == hash_token(token)
    page = client.get("/volunteers/calendar/").content.decode()
    assert token not in page
    assert "Turn the feed off" in page
    assert audit_actions()[-1] == "calendar.issued"


def test_the_feed_lists_only_ones_own_shifts_without_family_data(
    people, signed_in, drop_off, pick_up, client
):
    from porch.volunteers.models import WalkingGroup

    WalkingGroup.objects.create(slot=drop_off, label="Blue group Maple", age_band="7-9", children=5)
    actions.do_sign_up(drop_off, datetime.date(2026, 3, 3), volunteer=people.pat, actor=people.pat)
    actions.do_sign_up(
        pick_up, datetime.date(2026, 3, 3), volunteer=people.quinn, actor=people.quinn
    )
    path = issue(signed_in(people.pat))
    response = client.get(path)  # no session: calendar apps have none
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Maple and 5th · Drop-off" in body
    # 07:15 in Chicago on 3 March 2026 is 13:15 UTC.
    assert "DTSTART:20260303T131500Z" in body and "DTEND:20260303T141500Z" in body
    for absent in ("Blue group", "East doors", "quinn", "pat", "Pick-up"):
        assert absent not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_rotating_kills_the_old_address_and_revoking_kills_the_new(
    people, signed_in, client, audit_actions
):
    owner = signed_in(people.pat)
    first = issue(owner)
    second = issue(owner)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert owner.post("/volunteers/calendar/revoke/").status_code == 302
    assert client.get(second).status_code == 404
    assert audit_actions()[-3:] == ["calendar.issued", "calendar.rotated", "calendar.revoked"][-3:]
    # Nothing left to revoke: a clear refusal.
    response = owner.post("/volunteers/calendar/revoke/")
    assert response.status_code == 400
    assert "no calendar feed to revoke" in response.content.decode()


def test_locking_the_account_kills_the_feed(
    people, signed_in, client, django_capture_on_commit_callbacks
):
    from porch.accounts.actions import do_lock_account

    path = issue(signed_in(people.pat))
    with django_capture_on_commit_callbacks(execute=True):
        do_lock_account(people.pat, actor=people.ana)
    assert client.get(path).status_code == 404
    assert Volunteer.objects.get(user=people.pat).calendar_token_hash == ""


def test_unknown_or_short_tokens_are_404(people, client):
    assert client.get("/volunteers/calendar/feed/abc.ics").status_code == 404
    assert client.get("/volunteers/calendar/feed/" + "x" * 43 + ".ics").status_code == 404


def test_wrong_methods_are_405(people, signed_in, client):
    path = issue(signed_in(people.pat))
    assert client.post(path).status_code == 405
    assert signed_in(people.pat).get("/volunteers/calendar/issue/").status_code == 405


def test_only_the_volunteer_issues_their_feed(people):
    with pytest.raises(actions.PermissionDenied):
        actions.do_issue_calendar_feed(people.pat, actor=people.ana)
