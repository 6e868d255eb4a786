"""Coverage: the next seven days' uncovered and understaffed shifts per site,
a button that tells the site's team, and the daily job that does the same."""

import datetime

import pytest

from porch.core.periodic import JOBS
from porch.messaging.models import OutboxMessage
from porch.volunteers import actions, tasks
from porch.volunteers.models import Site, Slot

from .conftest import MONDAY, weekday_slot

pytestmark = pytest.mark.django_db


def coverage_url(cast):
    return f"/volunteers/orgs/{cast.org_a.code}/coverage/"


def outbox_handles():
    return sorted(OutboxMessage.objects.values_list("user__handle", flat=True))


def test_it_flags_uncovered_and_understaffed_shifts(people, signed_in, drop_off):
    actions.do_sign_up(drop_off, MONDAY, volunteer=people.pat, actor=people.pat)
    actions.do_sign_up(drop_off, MONDAY, volunteer=people.quinn, actor=people.quinn)
    actions.do_sign_up(
        drop_off, MONDAY + datetime.timedelta(days=1), volunteer=people.pat, actor=people.pat
    )
    response = signed_in(people.ana).get(coverage_url(people))
    assert response.status_code == 200
    (entry,) = response.context["entries"]
    levels = [(row.day.isoformat(), row.level) for row in entry.rows]
    assert levels == [
        ("2026-03-02", "covered"),
        ("2026-03-03", "understaffed"),
        ("2026-03-04", "uncovered"),
        ("2026-03-05", "uncovered"),
        ("2026-03-06", "uncovered"),
    ]  # Saturday and Sunday have no drop-off
    assert response.context["gap_count"] == 4
    assert "4 shifts need people." in response.content.decode()


def test_it_keeps_the_query_count_flat_as_sites_grow(
    people, signed_in, drop_off, django_assert_num_queries
):
    client = signed_in(people.ana)
    client.get(coverage_url(people))  # warm the session
    with django_assert_num_queries(9):
        client.get(coverage_url(people))
    for n in range(6):
        site = Site.objects.create(organisation=people.org_a, kind="school", name=f"School {n}")
        weekday_slot(site, Slot.Purpose.DROP_OFF, (7, 15), (8, 15))
        weekday_slot(site, Slot.Purpose.PICK_UP, (14, 45), (15, 45))
    with django_assert_num_queries(9):
        response = client.get(coverage_url(people))
    assert len(response.context["entries"]) == 7


def test_it_hides_coverage_from_volunteers_and_other_organisations(people, signed_in, drop_off):
    assert signed_in(people.pat).get(coverage_url(people)).status_code == 404
    assert signed_in(people.cal).get(coverage_url(people)).status_code == 404
    assert signed_in(people.gus).get(coverage_url(people)).status_code == 404  # counts only
    assert signed_in(people.ana).post(coverage_url(people)).status_code == 405


def test_it_tells_the_team_about_gaps_once_a_day(
    people, signed_in, drop_off, django_capture_on_commit_callbacks, audit_actions
):
    url = f"/volunteers/sites/{drop_off.site.code}/notify/"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(people.ana).post(url)
    assert response.status_code == 302
    assert outbox_handles() == ["pat", "quinn"]  # the team of the bus stop
    assert set(OutboxMessage.objects.values_list("template_key", flat=True)) == {"notification"}
    assert "coverage.team_notified" in audit_actions()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(people.ana).post(url)
    assert outbox_handles() == ["pat", "quinn"]  # pressing again queues nothing new


def test_it_tells_the_coordinators_when_a_site_has_no_team(
    people, signed_in, drop_off, django_capture_on_commit_callbacks
):
    Site.objects.filter(pk=drop_off.site.pk).update(team=None)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(people.ana).post(f"/volunteers/sites/{drop_off.site.code}/notify/")
    assert outbox_handles() == ["ana", "eve", "fay"]  # its coordinators and admins


def test_it_tells_nobody_when_every_shift_is_covered(
    people, signed_in, stop, django_capture_on_commit_callbacks
):
    slot = weekday_slot(stop, Slot.Purpose.DROP_OFF, (7, 15), (8, 15), min_staff=1)
    for n in range(5):
        day = MONDAY + datetime.timedelta(days=n)
        actions.do_sign_up(slot, day, volunteer=people.pat, actor=people.pat)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(people.ana).post(f"/volunteers/sites/{stop.code}/notify/")
    assert outbox_handles() == []


def test_it_refuses_the_notify_button_to_others(people, signed_in, drop_off):
    url = f"/volunteers/sites/{drop_off.site.code}/notify/"
    assert signed_in(people.pat).post(url).status_code == 404
    assert signed_in(people.cal).post(url).status_code == 404
    assert signed_in(people.ana).get(url).status_code == 405
    assert not OutboxMessage.objects.exists()


def test_it_runs_the_daily_gap_job(people, drop_off, django_capture_on_commit_callbacks):
    assert JOBS["volunteers.coverage-gaps"].every == datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        told = JOBS["volunteers.coverage-gaps"].run()
    assert told == 2
    assert outbox_handles() == ["pat", "quinn"]


def test_it_reminds_tomorrows_volunteers(people, drop_off):
    actions.do_sign_up(
        drop_off, MONDAY + datetime.timedelta(days=1), volunteer=people.quinn, actor=people.quinn
    )
    actions.do_sign_up(drop_off, MONDAY, volunteer=people.pat, actor=people.pat)
    assert tasks.remind_tomorrows_shifts() == 1
    assert outbox_handles() == ["quinn"]


def test_it_shows_coalition_admins_counts_only(people, signed_in, drop_off):
    actions.do_sign_up(drop_off, MONDAY, volunteer=people.pat, actor=people.pat)
    response = signed_in(people.gus).get("/volunteers/counts/")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["organisation"] == people.org_a)
    assert (row["sites"], row["slots"], row["gaps"]) == (2, 1, 5)
    assert "pat" not in response.content.decode()
    assert signed_in(people.ana).get("/volunteers/counts/").status_code == 404
    assert signed_in(people.gus).post("/volunteers/counts/").status_code == 405
