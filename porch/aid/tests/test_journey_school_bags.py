"""A school asks for 40 bags, a hub keeper sets stock aside, a driver delivers.

Through the pages (Django test client, not a browser): the request carries
no household data, and the hub's stock goes down by 40 when the run completes.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from porch.accounts.roles import Role
from porch.aid.hubs import do_add_stock_item, do_record_donation
from porch.aid.models import AidRequest, DeliveryRun, StockItem, Stop
from porch.aid.tests.fixtures import hub_for
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db


def test_a_school_asks_for_40_bags_and_the_hub_stock_goes_down(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    bags = do_add_stock_item(hub, name="Grocery bag", low_threshold=10, actor=None)
    do_record_donation(bags, 100, actor=None)

    coordinator = signed_in(cast.ana)
    response = coordinator.post(
        reverse("aid:intermediary-create", kwargs={"code": cast.org_a.code}),
        {"partner": "Lincoln Elementary", "zone": cast.zone.code, "bags": "40"},
    )
    assert response.status_code == 302, response.content
    school = AidRequest.objects.get(kind=AidRequest.Kind.INTERMEDIARY)
    assert (school.bags, school.household_size, school.household_id) == (40, 0, None)
    assert school.callback_number in (None, "")

    # The coordinator's plan gives the school one stop on a published run.
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
    stop = Stop.objects.create(
        run=run, request=school, position=1, arrival=first, window_end=run.last_window_end
    )

    keeper = signed_in(make_member("kim", cast.org_a, Role.HUB_KEEPER))
    response = keeper.post(
        reverse("aid:hub-reserve", kwargs={"code": hub.code}),
        {"run": run.code, "item": bags.code, "quantity": "40"},
    )
    assert response.status_code == 302
    bags.refresh_from_db()
    assert (bags.count, bags.reserved, bags.available) == (100, 40, 60)

    driver = signed_in(cast.ben)
    assert driver.post(reverse("aid:run-claim", kwargs={"code": run.code})).status_code == 302
    assert driver.post(reverse("aid:run-dispatch", kwargs={"code": run.code})).status_code == 302
    response = driver.post(
        reverse("aid:stop-deliver", kwargs={"code": run.code, "stop": stop.code}),
        {"household_code": school.code},
    )
    assert response.status_code == 302, response.content
    assert driver.post(reverse("aid:run-complete", kwargs={"code": run.code})).status_code == 302

    bags = StockItem.objects.get(pk=bags.pk)
    assert (bags.count, bags.reserved) == (60, 0)
    assert AidRequest.objects.get(pk=school.pk).status == AidRequest.Status.DELIVERED
