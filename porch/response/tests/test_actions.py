from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from porch.messaging import actions as messaging
from porch.messaging import keywords
from porch.messaging.models import OutboxMessage, Subscriber
from porch.response import actions
from porch.response.models import Alert, DailyCount, Dispatch, Outcome, Report
from porch.response.tests.fixtures import new_report, verifiers
from porch.vault.erasure import purge

pytestmark = pytest.mark.django_db


def _confirm(dispatch):
    actions.do_answer_dispatch(dispatch, accept=True, actor=dispatch.verifier)
    return actions.do_report_outcome(dispatch, outcome=Outcome.CONFIRMED, actor=dispatch.verifier)


def _subscriber(cast, number="+16125550111", language="es"):
    subscriber = messaging.do_subscribe(
        organisation=None,
        address=number,
        zones=[cast.zone],
        language=language,
        source=Subscriber.Source.ORGANISER,
        consent_noted=Subscriber.Consent.PAPER_FORM,
        ask=False,
        actor=cast.ana,
    )
    return messaging.do_confirm_subscriber(subscriber)


def test_it_needs_a_zone_or_an_intersection(cast):
    with pytest.raises(ValidationError) as error:
        actions.do_take_report(cast.org_a, actor=cast.ana)
    assert "zone" in error.value.error_dict
    assert not Report.objects.exists()


def test_it_seals_details_and_shreds_the_contact_after_triage(
    cast, django_capture_on_commit_callbacks
):
    report = new_report(cast, details="two vans on 5th", contact="+16125550199")
    assert Report.objects.get(pk=report.pk).reporter_contact == "+16125550199"
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_triage_report(
            report, status="report_now", reason="agents visible", actor=cast.ana
        )
    report = Report.objects.get(pk=report.pk)
    assert report.reporter_id is None
    assert report.reporter_contact is None
    assert report.details == "two vans on 5th"
    assert report.status == Report.Status.REPORT_NOW


def test_it_refuses_triage_without_a_reason(cast):
    report = new_report(cast)
    with pytest.raises(ValidationError) as error:
        actions.do_triage_report(report, status="report_now", reason=" ", actor=cast.ana)
    assert "reason" in error.value.error_dict
    assert Report.objects.get(pk=report.pk).status == Report.Status.NEW


def test_it_shows_likely_duplicates_and_merges(cast):
    first = new_report(cast)
    second = new_report(cast)
    other_zone = new_report(cast, zone=cast.zone_b)
    assert list(actions.likely_duplicates(second)) == [first]
    assert other_zone not in actions.likely_duplicates(first)
    actions.do_merge_report(second, first, actor=cast.ana)
    assert Report.objects.get(pk=second.pk).duplicate_of == first
    assert list(actions.likely_duplicates(first)) == []


def test_it_sends_the_nearest_pair_and_escalates_after_n_minutes(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.PORCH_RESPONSE_ANSWER_MINUTES = 5
    dee, vee, wes = verifiers(cast)
    report = new_report(cast)
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    with django_capture_on_commit_callbacks(execute=True):
        pair = actions.do_dispatch_verifiers(report, actor=cast.ana)
    assert {d.verifier for d in pair} == {dee, vee}
    assert OutboxMessage.objects.filter(user__in=[dee, vee], template_key="dispatch").count() == 2
    actions.do_answer_dispatch(pair[0], accept=True, actor=pair[0].verifier)
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        assert actions.do_escalate_dispatches() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert actions.do_escalate_dispatches() == 1
    assert Dispatch.objects.get(pk=pair[1].pk).state == Dispatch.State.EXPIRED
    assert report.dispatches.filter(verifier=wes, state="asked").exists()


def test_it_needs_two_distinct_verifiers_to_publish(cast):
    dee, vee, _wes = verifiers(cast)
    report = new_report(cast)
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    first, second = actions.do_dispatch_verifiers(report, actor=cast.ana)
    _confirm(first)
    with pytest.raises(ValidationError, match="Two different verifiers"):
        actions.do_publish_alert(report, actor=cast.ana)
    # The same verifier cannot confirm on someone else's dispatch.
    actions.do_answer_dispatch(second, accept=True, actor=second.verifier)
    with pytest.raises(ValidationError):
        actions.do_report_outcome(second, outcome=Outcome.CONFIRMED, actor=first.verifier)
    assert not Alert.objects.exists()


def test_a_dispatcher_cannot_confirm_their_own_report(cast):
    dee, vee, _wes = verifiers(cast)
    report = new_report(cast, actor=dee)
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    dispatches = actions.do_dispatch_verifiers(report, actor=cast.ana)
    assert dee not in {d.verifier for d in dispatches}
    # Even if dee's own confirmation were there, it would not count.
    Dispatch.objects.create(report=report, verifier=dee, state="done", outcome="confirmed")
    _confirm(dispatches[0])
    assert not report.can_publish()
    with pytest.raises(ValidationError):
        actions.do_publish_alert(report, actor=cast.ana)


def test_it_publishes_and_clears_to_the_same_audience(cast):
    _subscriber(cast, "+16125550111", "es")
    _subscriber(cast, "+16125550112", "en")
    report = new_report(cast)
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    verifiers(cast)
    for dispatch in actions.do_dispatch_verifiers(report, actor=cast.ana):
        _confirm(dispatch)
    alert = actions.do_publish_alert(report, actor=cast.ana)
    assert alert.broadcast.audience_size == 2
    assert alert.broadcast.advice == "know_rights"
    _subscriber(cast, "+16125550113", "en")  # joins after the alert
    clear = actions.do_clear_alert(alert, actor=cast.ana)
    assert clear.broadcast.audience_size == 2
    assert set(
        OutboxMessage.objects.filter(broadcast=clear.broadcast).values_list(
            "subscriber_id", flat=True
        )
    ) == set(
        OutboxMessage.objects.filter(broadcast=alert.broadcast).values_list(
            "subscriber_id", flat=True
        )
    )
    assert actions.zone_status(cast.zone).kind == Alert.Kind.ALL_CLEAR
    with pytest.raises(ValidationError):
        actions.do_publish_alert(report, actor=cast.ana)


def test_the_purge_removes_raw_reports_after_72_hours_and_keeps_counts(cast):
    report = new_report(cast, details="secret words")
    verifiers(cast)
    actions.do_triage_report(report, status="unconfirmed", reason="one car", actor=cast.ana)
    dispatch = actions.do_dispatch_verifiers(report, actor=cast.ana)[0]
    actions.do_answer_dispatch(dispatch, accept=True, actor=dispatch.verifier)
    actions.do_report_outcome(dispatch, outcome=Outcome.FALSE_ALARM, actor=dispatch.verifier)
    with time_machine.travel(timezone.now() + timedelta(hours=71)):
        purge()
        assert Report.objects.filter(pk=report.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        purge()
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Dispatch.objects.exists()
    total = DailyCount.objects.get(organisation=cast.org_a, zone=cast.zone, outcome="")
    false_alarm = DailyCount.objects.get(
        organisation=cast.org_a, zone=cast.zone, outcome="false_alarm"
    )
    assert total.reports == 1 and total.responses == 1
    assert false_alarm.dispatches == 1


def _text(body, sender="+16125550177"):
    return keywords.route(SimpleNamespace(body=body, sender=sender))


def test_sms_report_and_status_answer_in_the_senders_language(cast):
    from porch.core.testing import make_member

    make_member("dan", cast.org_a, "dispatcher")
    reply = _text("REPORTE Cedar Flats dos camionetas")
    # The reply is rendered under the sender's language (es catalogue pending).
    assert reply.startswith(("Thank you", "Gracias"))
    report = Report.objects.get()
    assert report.source == Report.Source.SMS and report.language == "es"
    assert report.details == "dos camionetas"
    assert "no verified activity" in _text("STATUS Cedar Flats")
    assert "STATUS" in _text("STATUS Nowhere")


def test_a_verifier_answers_by_sms_only_from_their_own_phone(cast):
    dee, vee, _wes = verifiers(cast)
    dee.phone = "+16125550144"
    dee.save()
    report = new_report(cast)
    actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    dispatch = report.dispatches.model.objects.none()
    dispatch = next(
        d for d in actions.do_dispatch_verifiers(report, actor=cast.ana) if d.verifier == dee
    )
    assert "No dispatch" in _text(f"GO {dispatch.code}", sender="+16125550999")
    assert Dispatch.objects.get(pk=dispatch.pk).state == "asked"
    assert "Thank you" in _text(f"GO {dispatch.code}", sender="+16125550144")
    assert Dispatch.objects.get(pk=dispatch.pk).state == "accepted"


def test_it_ranks_by_zone_then_language_then_trust(cast):
    from porch.accounts.roles import TrustLevel
    from porch.core.testing import make_member
    from porch.response.tests.fixtures import put_on_shift

    far = make_member("far", cast.org_a, "verifier")
    speaks = make_member("spk", cast.org_a, "verifier")
    trusted = make_member("tru", cast.org_a, "verifier", trust=TrustLevel.COORDINATOR)
    off_shift = make_member("off", cast.org_a, "verifier")
    speaks.language = "so"
    speaks.save()
    put_on_shift(far, cast.org_a, cast.zone_b)
    put_on_shift(speaks, cast.org_a, cast.zone)
    put_on_shift(trusted, cast.org_a, cast.zone)
    report = new_report(cast, language="so")
    assert actions.ranked_verifiers(report) == [speaks, trusted, far]
    assert off_shift not in actions.ranked_verifiers(report)
    english = new_report(cast, language="en")
    assert actions.ranked_verifiers(english)[:2] == [trusted, speaks]
