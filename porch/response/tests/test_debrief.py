"""The debrief (times and outcomes per incident, reports by zone, day and
outcome with "<5"), kept after the 72-hour purge; the coalition's answer
time before escalation; the false-alarm all-clear."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from porch.accounts.actions import do_create_api_token
from porch.core.models import AuditEntry
from porch.core.testing import sign_in
from porch.messaging.models import OutboxMessage
from porch.response import actions
from porch.response.models import Alert, Debrief, Dispatch, Outcome, Report, ResponseSettings
from porch.response.tests.fixtures import new_report, verifiers
from porch.vault.erasure import purge

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0)


def _run_one(cast, outcome=Outcome.CONFIRMED):
    """A report answered 90 s after intake, accepted at 150 s, outcome at 600 s."""
    with time_machine.travel(START, tick=False) as clock:
        report = new_report(cast, details="private words")
        actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
        clock.shift(90)
        first, second = actions.do_dispatch_verifiers(report, actor=cast.ana)
        clock.shift(60)
        actions.do_answer_dispatch(first, accept=True, actor=first.verifier)
        actions.do_answer_dispatch(second, accept=True, actor=second.verifier)
        clock.shift(450)
        actions.do_report_outcome(first, outcome=outcome, actor=first.verifier)
        actions.do_report_outcome(second, outcome=outcome, actor=second.verifier)
    return report


def test_the_debrief_shows_times_and_outcomes_and_outlives_the_purge(cast, client):
    verifiers(cast)
    report = _run_one(cast)
    row = Debrief.objects.get()
    assert (row.to_dispatch, row.to_accept, row.to_outcome) == (90, 150, 600)
    assert row.outcome == Outcome.CONFIRMED and row.confirmations == 2
    assert row.triage == "report_now" and row.dispatches == 2

    with time_machine.travel(START + timedelta(hours=73), tick=False):
        purge()
        assert not Report.objects.filter(pk=report.pk).exists()
        sign_in(client, cast.ana)
        page = client.get(f"/response/org/{cast.org_a.code}/debrief/")
    assert page.status_code == 200
    html = page.content.decode()
    incident = html.split(f'id="incident-{row.code}"')[1].split("</tr>")[0]
    for shown in ("1:30", "2:30", "10:00", "Confirmed", "Cedar Flats"):
        assert shown in incident
    assert "private words" not in html and "dee" not in incident and "vee" not in incident
    counts = html.split('id="debrief-counts"')[1].split("</table>")[0]
    assert "<td>&lt;5</td>" in counts and ">1<" not in counts


def test_counts_from_one_to_four_are_suppressed_and_five_is_shown(cast, client):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            new_report(cast)
        for _ in range(2):
            new_report(cast, zone=cast.zone_b)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        data = client.get(
            f"/api/v1/response/organisations/{cast.org_a.code}/debrief?days=7",
            HTTP_AUTHORIZATION="Bearer " + do_create_api_token(cast.ana, "t", actor=cast.ana)[1],
        ).json()
    by_zone = {row["zone"]: row for row in data["counts"]}
    assert by_zone[cast.zone.code]["reports"]["none"] == "5"
    assert by_zone[cast.zone.code]["total"] == "5"
    assert by_zone[cast.zone_b.code]["reports"]["none"] == "<5"
    assert by_zone[cast.zone_b.code]["reports"]["confirmed"] == "0"
    assert data["days"] == 7 and len(data["incidents"]) == 7
    assert set(data["incidents"][0]) >= {"seconds_to_dispatch", "outcome", "zone"}
    assert "details" not in str(data)


def test_another_organisations_debrief_is_not_found(cast, client):
    with time_machine.travel(START, tick=False):
        new_report(cast)
    sign_in(client, cast.ana)
    assert client.get(f"/response/org/{cast.org_b.code}/debrief/").status_code == 404
    sign_in(client, cast.dee)
    assert client.get(f"/response/org/{cast.org_a.code}/debrief/").status_code == 404


def test_the_coalition_answer_time_is_set_range_checked_audited_and_used(cast, client, settings):
    settings.PORCH_RESPONSE_ANSWER_MINUTES = 5
    sign_in(client, cast.ana)
    assert client.get("/response/settings/").status_code == 200
    bad = client.post("/response/settings/", {"answer_minutes": "0"})
    assert bad.status_code == 400 and not ResponseSettings.objects.exists()
    bad = client.post("/response/settings/", {"answer_minutes": "61"})
    assert bad.status_code == 400 and not ResponseSettings.objects.exists()
    ok = client.post("/response/settings/", {"answer_minutes": "12"})
    assert ok.status_code == 302
    assert ResponseSettings.objects.get(coalition=cast.coalition).answer_minutes == 12
    assert AuditEntry.objects.filter(action="response.settings_set").count() == 1
    sign_in(client, cast.dee)
    assert client.get("/response/settings/").status_code == 404

    verifiers(cast)
    report = new_report(cast)
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    actions.do_dispatch_verifiers(report, actor=cast.ana)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert actions.do_escalate_dispatches() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=13)):
        assert actions.do_escalate_dispatches() == 2
    assert Dispatch.objects.filter(state="expired").count() == 2


def test_two_false_alarms_end_in_an_all_clear_and_no_alert(cast, client):
    from porch.response.tests.test_actions import _subscriber

    _subscriber(cast)
    before = OutboxMessage.objects.count()
    verifiers(cast)
    report = new_report(cast)
    sign_in(client, cast.ana)
    url = f"/response/report/{report.code}/"
    client.post(url + "triage/", {"status": "unconfirmed", "reason": "one car"})
    client.post(url + "dispatch/")
    first, second = Dispatch.objects.order_by("pk")
    actions.do_answer_dispatch(first, accept=True, actor=first.verifier)
    actions.do_report_outcome(first, outcome=Outcome.FALSE_ALARM, actor=first.verifier)
    early = client.post(url + "false-alarm/")
    assert early.status_code == 400 and b"Two different verifiers" in early.content
    assert not Alert.objects.exists()
    actions.do_answer_dispatch(second, accept=True, actor=second.verifier)
    actions.do_report_outcome(second, outcome=Outcome.FALSE_ALARM, actor=second.verifier)
    assert b"2 verifiers have reported a false alarm." in client.get(url).content
    assert client.post(url + "false-alarm/").status_code == 302
    clear = Alert.objects.get()
    assert clear.kind == Alert.Kind.ALL_CLEAR and clear.broadcast is None
    assert Report.objects.get(pk=report.pk).status == Report.Status.CLOSED
    dispatch_texts = OutboxMessage.objects.filter(template_key="dispatch").count()
    assert OutboxMessage.objects.count() - before == dispatch_texts
    assert b"All clear" in client.get(f"/response/status/{cast.coalition.code}/").content
    row = Debrief.objects.get()
    assert row.cleared and not row.alerted and row.false_alarms == 2
    assert client.post(url + "false-alarm/").status_code == 400
