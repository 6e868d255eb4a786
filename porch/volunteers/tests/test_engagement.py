"""Engagement: who has not been active in 30 days; thanks and nudges through
messaging's content-free notifications (issue 5 item 8)."""

import datetime

import pytest

from porch.messaging.models import OutboxMessage
from porch.volunteers import actions

pytestmark = pytest.mark.django_db


def url(org, tail=""):
    return f"/volunteers/orgs/{org.code}/engagement/{tail}"


@pytest.fixture
def pat_was_on_a_shift(people, drop_off, monday_morning):
    # Pat signed up for Monday 2 March; the page is read ten days later.
    actions.do_sign_up(drop_off, datetime.date(2026, 3, 2), volunteer=people.pat, actor=people.pat)
    monday_morning.move_to(datetime.datetime(2026, 3, 12, 9, 0))


def test_it_lists_who_has_not_been_active_for_coordinators(people, signed_in, pat_was_on_a_shift):
    client = signed_in(people.ana)
    response = client.get(url(people.org_a))
    assert response.status_code == 200
    active = [p.handle for p in response.context["active"]]
    inactive = [p.handle for p in response.context["inactive"]]
    assert active == ["pat"]
    assert "quinn" in inactive and "pat" not in inactive
    assert "<li>quinn</li>" in response.content.decode()


def test_the_list_costs_the_same_queries_for_more_people(people, signed_in, pat_was_on_a_shift):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from porch.accounts.roles import Role
    from porch.core.testing import make_member

    client = signed_in(people.ana)
    client.get(url(people.org_a))  # warm the session's first-request reads
    with CaptureQueriesContext(connection) as before:
        client.get(url(people.org_a))
    for n in range(5):
        make_member(f"extra{n}", people.org_a, Role.PATROL)
    with CaptureQueriesContext(connection) as after:
        client.get(url(people.org_a))
    assert len(after) == len(before)


def test_a_shift_over_30_days_ago_no_longer_counts(
    people, signed_in, pat_was_on_a_shift, monday_morning
):
    monday_morning.move_to(datetime.datetime(2026, 4, 2, 9, 0))
    response = signed_in(people.ana).get(url(people.org_a))
    assert "pat" in [p.handle for p in response.context["inactive"]]


def test_thanks_and_nudges_go_content_free_once_a_week(
    people, signed_in, pat_was_on_a_shift, django_capture_on_commit_callbacks, audit_actions
):
    client = signed_in(people.ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(people.org_a, "send/"), {"kind": "thanks"})
    assert response.status_code == 302
    assert list(OutboxMessage.objects.values_list("user__handle", "template_key")) == [
        ("pat", "notification")
    ]
    assert "engagement.thanks_sent" in audit_actions()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(people.org_a, "send/"), {"kind": "thanks"})
    assert OutboxMessage.objects.count() == 1  # same week: nothing new
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(people.org_a, "send/"), {"kind": "reengage"})
    nudged = set(
        OutboxMessage.objects.exclude(user=people.pat).values_list("user__handle", flat=True)
    )
    assert "quinn" in nudged and "ana" not in nudged


def test_it_refuses_an_unknown_kind_and_other_people(people, signed_in, pat_was_on_a_shift):
    response = signed_in(people.ana).post(url(people.org_a, "send/"), {"kind": "spam"})
    assert response.status_code == 400
    assert "Choose thanks or a re-engagement nudge" in response.content.decode()
    assert signed_in(people.pat).get(url(people.org_a)).status_code == 404
    assert signed_in(people.ana).get(url(people.org_b)).status_code == 404
    assert signed_in(people.ana).get(url(people.org_a, "send/")).status_code == 405
    assert not OutboxMessage.objects.exists()
