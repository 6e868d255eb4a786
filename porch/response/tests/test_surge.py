"""A bounded surge (20 reports, one a simulated second) through the real
path — inbound text, triage, dispatch, answers, escalation — loses nothing.
Correctness only: the timings are bench/response/surge.py's business."""

import pytest

from bench.response.surge import build_world, run
from porch.response.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bounded_surge_loses_no_report_dispatch_or_notification(settings):
    settings.PORCH_RESPONSE_ANSWER_MINUTES = 5
    world = build_world(zones=4, verifiers=24)
    result = run(world, reports=20)
    checks = result["checks"]
    assert checks["texts_thanked"] == 20
    assert checks["reports"] == checks["distinct_reports"] == 20
    assert checks["reports_with_two_dispatches"] == 20
    assert checks["dispatches"] >= 40
    assert checks["notifications_queued"] == checks["dispatches"]
    assert checks["debriefs"] == 20
    assert checks["nothing_lost"] is True
    assert Report.objects.filter(status="report_now").count() == 20
