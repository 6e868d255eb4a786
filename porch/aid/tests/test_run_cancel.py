"""A coordinator cancels or unpublishes a run: the stock held for it goes back."""

import pytest

from porch.aid.hubs import do_add_stock_item, do_record_donation, do_reserve_stock
from porch.aid.models import AidRequest, DeliveryRun, StockReservation
from porch.aid.tests.fixtures import make_run
from porch.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _run_with_stock(cast, **extra):
    run = make_run(cast.org_a, cast.zone, stops=2, **extra)
    bags = do_add_stock_item(run.hub, name="Grocery bag", actor=None)
    do_record_donation(bags, 50, actor=None)
    do_reserve_stock(run, bags, 12, actor=None)
    do_reserve_stock(run, bags, 3, actor=None)
    bags.refresh_from_db()
    assert (bags.count, bags.reserved) == (50, 15)
    return run, bags


def test_cancelling_a_claimed_run_releases_its_stock_and_requeues_its_stops(cast, signed_in):
    run, bags = _run_with_stock(cast, status=DeliveryRun.Status.CLAIMED, driver=cast.ben)
    requests = [s.request_id for s in run.stops.all()]
    response = signed_in(cast.ana).post(f"/aid/runs/{run.code}/cancel/")
    assert response.status_code == 302
    run.refresh_from_db()
    bags.refresh_from_db()
    assert (run.status, run.driver_id) == ("cancelled", None)
    assert (bags.count, bags.reserved, bags.available) == (50, 0, 50)
    assert set(StockReservation.objects.filter(run=run).values_list("status", flat=True)) == {
        "released"
    }
    assert set(AidRequest.objects.filter(pk__in=requests).values_list("status", flat=True)) == {
        "confirmed"
    }
    assert not run.stops.exists()
    assert AuditEntry.objects.filter(action="aid.run.cancelled").count() == 1
    assert AuditEntry.objects.filter(action="aid.stock.released").count() == 2
    # Gone from the driver's list; cancelling again changes nothing.
    assert run.code not in signed_in(cast.ben).get("/aid/").content.decode()
    again = signed_in(cast.ana).post(f"/aid/runs/{run.code}/cancel/")
    assert again.status_code == 400
    bags.refresh_from_db()
    assert bags.reserved == 0


def test_unpublishing_an_open_run_releases_its_stock_and_makes_it_a_draft(cast, signed_in):
    run, bags = _run_with_stock(cast)
    held = StockReservation.objects.filter(run=run).first()
    # A keeper put one reservation back by hand first: it is not released twice.
    keeper = signed_in(cast.ana)
    keeper.post(f"/aid/hubs/{run.hub.code}/reservations/{held.code}/release/")
    bags.refresh_from_db()
    assert bags.reserved == 3
    assert keeper.post(f"/aid/runs/{run.code}/unpublish/").status_code == 302
    run.refresh_from_db()
    bags.refresh_from_db()
    assert run.status == "draft" and run.stops.count() == 2
    assert (bags.count, bags.reserved) == (50, 0)
    assert set(run.stops.values_list("request__status", flat=True)) == {"confirmed"}


def test_a_run_under_way_or_a_driver_cannot_cancel(cast, signed_in):
    run, bags = _run_with_stock(cast, status=DeliveryRun.Status.DISPATCHED, driver=cast.ben)
    assert signed_in(cast.ben).post(f"/aid/runs/{run.code}/cancel/").status_code == 404
    refused = signed_in(cast.ana).post(f"/aid/runs/{run.code}/cancel/")
    assert refused.status_code == 400
    assert "has not set off" in refused.content.decode()
    claimed = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.CLAIMED, driver=cast.ben)
    assert signed_in(cast.ana).post(f"/aid/runs/{claimed.code}/unpublish/").status_code == 400
    run.refresh_from_db()
    bags.refresh_from_db()
    assert run.status == "dispatched" and bags.reserved == 15
