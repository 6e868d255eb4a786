"""Browser check of the plan page: the zone map, no serious accessibility
problem (axe), and moving a stop with the per-stop form (no JavaScript)."""

import datetime

import pytest
from django.utils import timezone

from porch.aid import actions
from porch.aid.models import DeliveryRun, Stop
from porch.aid.tests.fixtures import CANARY_ADDRESS, confirmed_request, hub_for
from tests.test_accessibility import BLOCKING, _as, audit_page, axe_source  # noqa: F401

pytestmark = [pytest.mark.browser]


def test_a_coordinator_sees_runs_by_zone_and_moves_a_stop(audit_page, live_server, live_cast):  # noqa: F811
    cast = live_cast
    day = timezone.localdate() + datetime.timedelta(days=1)
    hub = hub_for(cast.org_a, cast.zone)
    for k, point in enumerate([(45.010, -93.290), (45.011, -93.291), (45.000, -93.300)]):
        confirmed_request(cast.org_a, cast.zone, number=f"+1612555{k:04d}", point=point)
    actions.do_plan_day(
        cast.org_a,
        day=day,
        hub=hub,
        drivers=2,
        capacity=2,
        start_hour=8,
        end_hour=20,
        actor=cast.ana,
        time_limit_s=1.0,
    )
    context, page = audit_page
    _as(context, live_server, cast.ana)
    page.goto(f"/aid/orgs/{cast.org_a.code}/plan/?day={day}")
    assert page.locator("#plan-map svg .plan-marker").count() == 2
    assert CANARY_ADDRESS not in page.content()
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
        " 'wcag21aa', 'best-practice']}})"
    )
    serious = [v["id"] for v in result["violations"] if v["impact"] in BLOCKING]
    assert serious == []

    big, small = DeliveryRun.objects.order_by("-stop_count", "pk")[:2]
    stop = big.stops.order_by("position").first()
    form = page.locator(f"form[action$='/plan/stops/{stop.code}/move/']")
    form.locator("select").select_option(small.code)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "both runs were re-planned" in page.content()
    assert Stop.objects.get(request=stop.request).run_id == small.pk
