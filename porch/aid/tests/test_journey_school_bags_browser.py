"""Browser journey (issue 6): a school asks for 40 bags, a hub keeper sets
them aside from the hub's stock, a driver claims and delivers the run, and the
hub's stock page shows 40 bags fewer.

The same story as test_journey_school_bags.py (Django's test client, also on
PostgreSQL), here through Chromium: every step is a link or a button on the
pages a person uses, and every check reads the page. The setup (the hub and
its 100 bags, the coordinator's published run with the school's stop, signed-in
sessions) comes from fixtures, as in the other journeys.
"""

import datetime
import re

import pytest
from django.utils import timezone

from porch.accounts.roles import Role
from porch.aid.hubs import do_add_stock_item, do_record_donation
from porch.aid.models import AidRequest, DeliveryRun, Stop
from porch.aid.tests.fixtures import hub_for
from porch.core.testing import make_member, sign_in_browser

pytestmark = [pytest.mark.browser]

RUN = dict(DeliveryRun.Status.choices)  # status → the label the run page shows


def signed_in_page(chromium, live_server, user):
    """A fresh browser context carrying a signed-in session (2FA verified) for user."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    sign_in_browser(context, live_server.url, user)
    return context, context.new_page()


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def stock_row(page, item):
    """(in stock, set aside, available) as the hub page shows them for item."""
    row = page.locator(f"#stock #item-{item.code}")
    return tuple(
        int(row.locator(f"td.{c}").inner_text()) for c in ("count", "reserved", "available")
    )


def test_a_school_asks_for_40_bags_and_the_hubs_stock_page_shows_40_fewer(
    chromium, live_server, live_cast, screenshot
):
    cast = live_cast
    hub = hub_for(cast.org_a, cast.zone)
    bags = do_add_stock_item(hub, name="Grocery bag", low_threshold=10, actor=None)
    do_record_donation(bags, 100, actor=None)
    kim = make_member("kim", cast.org_a, Role.HUB_KEEPER)
    contexts = []
    try:
        # The school calls; the coordinator enters its request on the partner page.
        context, ana = signed_in_page(chromium, live_server, cast.ana)
        contexts.append(context)
        ana.goto("/aid/")
        section = ana.locator("section.card", has_text=cast.org_a.name)
        click_and_wait(ana, section.get_by_role("link", name="Bags for a partner"))
        ana.fill("#id_partner", "Lincoln Elementary")
        ana.select_option("#id_zone", cast.zone.code)
        ana.fill("#id_bags", "40")
        click_and_wait(ana, ana.locator("main form#aid-form button[type=submit]"))
        school_code = ana.locator("#household-code").inner_text().strip()
        details = ana.locator("main dl.card").inner_text()
        assert "Lincoln Elementary" in details and re.search(r"Bags\s+40\b", details)
        assert "Callback number" not in details
        screenshot(ana, "school-request")

        # Setup, as in the test-client version: the coordinator's plan gives the
        # school one stop on a published run from this hub.
        school = AidRequest.objects.get(code=school_code)
        first = timezone.now() + datetime.timedelta(minutes=30)
        run = DeliveryRun.objects.create(
            organisation=cast.org_a,
            hub=hub,
            day=timezone.localdate(first),
            status=DeliveryRun.Status.OPEN,
            first_stop_at=first,
            last_window_end=first + datetime.timedelta(hours=2),
            bags=40,
            stop_count=1,
            zone_names=cast.zone.name,
        )
        Stop.objects.create(
            run=run, request=school, position=1, arrival=first, window_end=run.last_window_end
        )

        # The hub keeper opens the hub's page and sets 40 bags aside for the run.
        context, keeper = signed_in_page(chromium, live_server, kim)
        contexts.append(context)
        keeper.goto("/aid/hubs/")
        click_and_wait(keeper, keeper.get_by_role("link", name=hub.name))
        assert stock_row(keeper, bags) == (100, 0, 100)
        form = keeper.locator("#reserve-form")
        form.locator("select[name=run]").select_option(run.code)
        form.locator("select[name=item]").select_option(bags.code)
        form.locator("input[name=quantity]").fill("40")
        click_and_wait(keeper, form.locator("button[type=submit]"))
        assert stock_row(keeper, bags) == (100, 40, 60)
        held = keeper.locator("#reservations").inner_text()
        assert re.search(rf"\b40\b.*Grocery bag.*{run.code}", held)
        screenshot(keeper, "set-aside")

        # The driver claims the run, starts it, delivers to the school by its
        # code and finishes the run.
        context, ben = signed_in_page(chromium, live_server, cast.ben)
        contexts.append(context)
        ben.goto("/aid/")
        open_runs = ben.locator("#open-runs tbody tr")
        assert open_runs.count() == 1
        assert re.search(r"\b40\b", open_runs.inner_text())
        click_and_wait(ben, open_runs.locator("button.claim"))
        assert ben.locator("#run-status").inner_text().strip() == RUN[DeliveryRun.Status.CLAIMED]
        click_and_wait(ben, ben.locator("#dispatch"))
        assert ben.locator("#run-status").inner_text().strip() == RUN[DeliveryRun.Status.DISPATCHED]
        stop = ben.locator("#stops li", has_text=school_code)
        assert stop.count() == 1
        stop.locator("form.deliver input[name=household_code]").fill(school_code)
        click_and_wait(ben, stop.locator("form.deliver button[type=submit]"))
        assert (
            str(Stop.Outcome.DELIVERED.label)
            in ben.locator("#stops li", has_text=school_code).inner_text()
        )
        click_and_wait(ben, ben.locator("#complete"))
        assert ben.locator("#run-status").inner_text().strip() == RUN[DeliveryRun.Status.COMPLETED]
        screenshot(ben, "run-completed")

        # Back on the hub's page: 40 bags fewer, nothing set aside any more.
        keeper.reload()
        assert stock_row(keeper, bags) == (60, 0, 60)
        assert keeper.locator("#reservations").count() == 0
        screenshot(keeper, "stock-after")

        # The coordinator sees the school's request delivered.
        ana.reload()
        assert ana.locator("#status").inner_text().strip() == AidRequest.Status.DELIVERED.label
    finally:
        for context in contexts:
            context.close()
