"""Hubs: stock, donations, reservations per run, meals, the public needs page."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from porch.accounts.roles import Role
from porch.aid import actions, hubs
from porch.aid.models import DeliveryRun, Hub, StockItem, StockReservation
from porch.aid.tests.fixtures import hub_for, make_run
from porch.core.audit import AuditEntry
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db


def _stocked(hub, count=10, threshold=3, name="Rice"):
    item = hubs.do_add_stock_item(hub, name=name, unit="bag", low_threshold=threshold, actor=None)
    if count:
        hubs.do_record_donation(item, count, actor=None)
    item.refresh_from_db()
    return item


def test_a_donation_raises_the_count_and_is_audited(cast):
    item = _stocked(hub_for(cast.org_a, cast.zone), count=0)
    hubs.do_record_donation(item, 7, actor=cast.ana)
    item.refresh_from_db()
    assert item.count == 7
    assert AuditEntry.objects.filter(action="aid.stock.donation", actor_id=cast.ana.pk).exists()
    with pytest.raises(ValidationError):
        hubs.do_record_donation(item, 0, actor=cast.ana)
    item.refresh_from_db()
    assert item.count == 7


def test_reserving_more_than_is_available_is_refused_and_changes_nothing(cast):
    run = make_run(cast.org_a, cast.zone)
    item = _stocked(run.hub, count=5)
    hubs.do_reserve_stock(run, item, 4, actor=cast.ana)
    with pytest.raises(ValidationError, match="Only 1 bag left"):
        hubs.do_reserve_stock(run, item, 2, actor=cast.ana)
    item.refresh_from_db()
    assert (item.count, item.reserved, item.available) == (5, 4, 1)


def test_a_draft_run_cannot_hold_stock(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.DRAFT)
    item = _stocked(run.hub)
    with pytest.raises(ValidationError, match="published run"):
        hubs.do_reserve_stock(run, item, 1, actor=cast.ana)


def test_release_puts_units_back_and_only_once(cast):
    run = make_run(cast.org_a, cast.zone)
    item = _stocked(run.hub, count=5)
    reservation = hubs.do_reserve_stock(run, item, 3, actor=cast.ana)
    hubs.do_release_reservation(reservation, actor=cast.ana)
    with pytest.raises(ValidationError):
        hubs.do_release_reservation(reservation, actor=cast.ana)
    item.refresh_from_db()
    assert (item.count, item.reserved) == (5, 0)


def test_completing_the_run_consumes_what_it_held(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.DISPATCHED, driver=cast.ben)
    item = _stocked(run.hub, count=5)
    hubs.do_reserve_stock(run, item, 2, actor=cast.ana)
    actions.do_complete_run(run, actor=cast.ben)
    item.refresh_from_db()
    assert (item.count, item.reserved) == (3, 0)
    assert StockReservation.objects.get().status == StockReservation.Status.CONSUMED


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_for_the_last_units_exactly_one_wins(cast):
    run = make_run(cast.org_a, cast.zone)
    item = _stocked(run.hub, count=3)
    results, barrier = [], threading.Barrier(8)

    def reserve():
        try:
            barrier.wait()
            hubs.do_reserve_stock(run, StockItem.objects.get(pk=item.pk), 3, actor=None)
            results.append("won")
        except ValidationError:
            results.append("lost")
        except Exception as error:  # SQLite "database is locked" counts as a loss
            results.append(f"error:{type(error).__name__}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=reserve) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("won") == 1, results
    item.refresh_from_db()
    assert (item.count, item.reserved) == (3, 3)
    assert StockReservation.objects.count() == 1


def test_the_public_page_lists_only_low_items_of_an_opted_in_hub(cast, client):
    hub = hub_for(cast.org_a, cast.zone)
    _stocked(hub, count=2, threshold=5, name="Diapers size 3")
    _stocked(hub, count=50, threshold=5, name="Canned beans")
    url = reverse("aid:hub-needs", kwargs={"code": hub.code})
    assert client.get(url).status_code == 404  # private by default
    hubs.do_set_hub_public(hub, True, actor=cast.ana)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Diapers size 3" in body and "Canned beans" not in body
    assert "<script" not in body and len(body) < 2000
    assert "45.005" not in body  # no coordinates


def test_only_a_coordinator_opts_a_hub_in(cast):
    hub = hub_for(cast.org_a, cast.zone)
    keeper = make_member("kim", cast.org_a, Role.HUB_KEEPER)
    with pytest.raises(ValidationError):
        hubs.do_set_hub_public(hub, True, actor=keeper)
    assert not Hub.objects.get(pk=hub.pk).is_public


def test_a_hub_keeper_records_a_donation_and_meals_through_the_page(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    item = _stocked(hub, count=0)
    keeper = make_member("kim", cast.org_a, Role.HUB_KEEPER)
    client = signed_in(keeper)
    page = reverse("aid:hub", kwargs={"code": hub.code})
    assert client.get(page).status_code == 200
    response = client.post(
        reverse("aid:hub-donation", kwargs={"code": hub.code}),
        {"item": item.code, "quantity": "12"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.count == 12
    bad = client.post(
        reverse("aid:hub-donation", kwargs={"code": hub.code}),
        {"item": item.code, "quantity": "-4"},
    )
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.count == 12
    response = client.post(
        reverse("aid:hub-meals", kwargs={"code": hub.code}), {"day": "2020-01-02", "meals": "40"}
    )
    assert response.status_code == 302
    assert hub.meal_counts.get().meals == 40


def test_reserving_the_last_units_twice_through_the_page_is_409(cast, signed_in):
    run = make_run(cast.org_a, cast.zone)
    item = _stocked(run.hub, count=2)
    client = signed_in(cast.ana)
    url = reverse("aid:hub-reserve", kwargs={"code": run.hub.code})
    body = {"run": run.code, "item": item.code, "quantity": "2"}
    assert client.post(url, body).status_code == 302
    second = client.post(url, body)
    assert second.status_code == 409
    assert "Only 0 bag left" in second.content.decode()


def test_other_organisations_hub_is_404(cast, signed_in):
    hub = hub_for(cast.org_b, cast.zone_b)
    client = signed_in(cast.ana)
    assert client.get(reverse("aid:hub", kwargs={"code": hub.code})).status_code == 404
    assert client.get(reverse("aid:hubs")).status_code == 404  # ana keeps no hub yet


def test_a_hub_keeper_finds_their_hubs_from_the_deliveries_page(cast, signed_in):
    keeper = make_member("kim", cast.org_a, Role.HUB_KEEPER)
    hub = hub_for(cast.org_a, cast.zone)
    client = signed_in(keeper)
    page = client.get("/aid/")
    assert page.status_code == 200
    assert 'id="hubs-link" href="/aid/hubs/"' in page.content.decode()
    assert hub.name in client.get("/aid/hubs/").content.decode()
