"""A driver's car (porch/aid/cars.py): its size and usual hub, set by the
driver or a coordinator, and used by planning — a bigger car takes more
stops, the usual hub is the run's start, a move never overfills a car."""

import pytest

from porch.accounts.actions import do_create_api_token
from porch.aid.models import AidRequest, DeliveryRun, DriverCar, Hub, Stop
from porch.aid.tests.fixtures import hub_for
from porch.aid.tests.test_planning import _free, _households, _plan
from porch.core.models import AuditEntry
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db

NEAR = ((45.010, -93.290), (45.011, -93.291), (45.012, -93.292))


def _car_url(org):
    return f"/aid/orgs/{org.code}/car/"


def _three_households(cast):
    return _households(cast, *(("en", point, {}) for point in NEAR))


# ---- The page ------------------------------------------------------------------------------


def test_a_driver_sets_their_own_car_from_their_runs_page(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    client = signed_in(cast.ben)
    index = client.get("/aid/").content.decode()
    assert f'href="{_car_url(cast.org_a)}"' in index
    page = client.get(_car_url(cast.org_a))
    assert page.status_code == 200
    assert 'id="my-car"' in page.content.decode()
    assert 'id="driver-car"' not in page.content.decode()  # not a coordinator

    response = client.post(_car_url(cast.org_a), {"bags": "14", "hub": hub.code})
    assert response.status_code == 302
    car = DriverCar.objects.get(driver=cast.ben, organisation=cast.org_a)
    assert (car.bags, car.hub) == (14, hub)
    assert AuditEntry.objects.filter(action="aid.car.set", object_code=cast.ben.code).count() == 1
    assert 'value="14"' in client.get(_car_url(cast.org_a)).content.decode()


def test_a_car_size_out_of_range_or_a_strange_hub_is_refused_and_nothing_changes(cast, signed_in):
    other_hub = hub_for(cast.org_b, cast.zone_b, name="Elsewhere")
    client = signed_in(cast.ben)
    for body in (
        {"bags": "0"},
        {"bags": "61"},
        {"bags": "many"},
        {"bags": "5", "hub": other_hub.code},
    ):
        response = client.post(_car_url(cast.org_a), body)
        assert response.status_code == 400, body
        assert 'role="alert"' in response.content.decode()
    # A driver cannot set someone else's car.
    dan = make_member("dan", cast.org_a, "driver")
    response = client.post(_car_url(cast.org_a), {"driver": dan.code, "bags": "5"})
    assert response.status_code == 400
    assert not DriverCar.objects.exists()
    assert not AuditEntry.objects.filter(action="aid.car.set").exists()


def test_a_coordinator_sets_a_drivers_car_and_sees_every_drivers_car(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    client = signed_in(cast.ana)
    assert f'href="{_car_url(cast.org_a)}"' in client.get("/aid/").content.decode()
    response = client.post(
        _car_url(cast.org_a), {"driver": cast.ben.code, "bags": "20", "hub": hub.code}
    )
    assert response.status_code == 302
    car = DriverCar.objects.get(driver=cast.ben, organisation=cast.org_a)
    assert (car.bags, car.hub) == (20, hub)
    page = client.get(_car_url(cast.org_a)).content.decode()
    assert 'id="driver-cars"' in page and cast.ben.handle in page and hub.name in page
    # Someone who is not one of the organisation's drivers cannot be chosen.
    response = client.post(_car_url(cast.org_a), {"driver": cast.dee.code, "bags": "5"})
    assert response.status_code == 400
    assert DriverCar.objects.count() == 1


def test_another_organisations_car_page_is_404(cast, signed_in):
    assert signed_in(cast.ben).get(_car_url(cast.org_b)).status_code == 404
    assert signed_in(cast.dee).get(_car_url(cast.org_a)).status_code == 404


# ---- Planning uses the car -----------------------------------------------------------------


def test_a_bigger_car_takes_more_stops(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    _free(cast.ben)
    households = _three_households(cast)
    assert all(h.bags == 1 for h in households)
    coordinator = signed_in(cast.ana)
    # Without a car size, Ben's car holds the form's one bag: one stop.
    assert _plan(coordinator, cast.org_a, hub, capacity=1).status_code == 302
    assert list(DeliveryRun.objects.values_list("driver", "stop_count")) == [(cast.ben.pk, 1)]
    left = AidRequest.objects.exclude(unassigned_reason="").values_list(
        "unassigned_reason", flat=True
    )
    assert list(left) == ["no_room", "no_room"]

    # Ben says his car holds three bags (the same test client, signed in as him).
    assert signed_in(cast.ben).post(_car_url(cast.org_a), {"bags": "3"}).status_code == 302
    coordinator = signed_in(cast.ana)
    assert _plan(coordinator, cast.org_a, hub, capacity=1).status_code == 302
    (run,) = DeliveryRun.objects.all()
    assert (run.driver, run.stop_count, run.bags) == (cast.ben, 3, 3)
    assert not AidRequest.objects.exclude(unassigned_reason="").exists()


def test_the_drivers_usual_hub_is_the_runs_start(cast, signed_in):
    plan_hub = hub_for(cast.org_a, cast.zone)
    north = Hub.objects.create(
        organisation=cast.org_a, zone=cast.zone, name="North pantry", lat=45.02, lon=-93.28
    )
    _free(cast.ben)
    _three_households(cast)
    DriverCar.objects.create(driver=cast.ben, organisation=cast.org_a, bags=10, hub=north)
    assert _plan(signed_in(cast.ana), cast.org_a, plan_hub, capacity=5).status_code == 302
    (run,) = DeliveryRun.objects.all()
    assert (run.driver, run.hub, run.stop_count) == (cast.ben, north, 3)
    # Without a usual hub, the run starts from the hub chosen on the plan.
    DriverCar.objects.filter(driver=cast.ben).update(hub=None)
    assert _plan(signed_in(cast.ana), cast.org_a, plan_hub, capacity=5).status_code == 302
    (run,) = DeliveryRun.objects.all()
    assert (run.driver, run.hub) == (cast.ben, plan_hub)


def test_a_move_that_would_overfill_the_drivers_car_is_refused_and_nothing_changes(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    _households(
        cast,
        ("en", NEAR[0], {}),
        ("en", NEAR[1], {}),
        ("en", (45.000, -93.300), {"home_times": "morning"}),
    )
    client = signed_in(cast.ana)
    assert _plan(client, cast.org_a, hub, cars=2, capacity=2).status_code == 302
    small, big = sorted(DeliveryRun.objects.all(), key=lambda r: r.stop_count)
    assert (small.stop_count, big.stop_count) == (1, 2)
    DeliveryRun.objects.filter(pk=small.pk).update(driver=cast.ben)
    DriverCar.objects.create(driver=cast.ben, organisation=cast.org_a, bags=1)
    stop = big.stops.order_by("position").first()
    household = stop.request
    before = sorted(Stop.objects.values_list("code", "run_id", "position", "arrival"))
    url = f"/aid/orgs/{cast.org_a.code}/plan/stops/{stop.code}/move/"
    response = client.post(url, {"run": small.code})
    assert response.status_code == 400
    assert "it holds 1, and with this stop the run would carry 2 bags" in response.content.decode()
    assert sorted(Stop.objects.values_list("code", "run_id", "position", "arrival")) == before
    assert not AuditEntry.objects.filter(action="aid.stop.moved").exists()
    # A car of two bags takes it.
    DriverCar.objects.filter(driver=cast.ben).update(bags=2)
    assert client.post(url, {"run": small.code}).status_code == 302
    assert Stop.objects.get(request=household).run_id == small.pk


# ---- API -----------------------------------------------------------------------------------


def _token(user):
    _token_, key = do_create_api_token(user, "test", actor=user)
    return {"Authorization": f"Bearer {key}"}


def test_the_api_sets_a_car_for_the_driver_or_by_a_coordinator(cast, client):
    hub = hub_for(cast.org_a, cast.zone)
    url = f"/api/v1/aid/organisations/{cast.org_a.code}/car"

    def post(user, body):
        return client.post(url, body, content_type="application/json", headers=_token(user))

    response = post(cast.ben, {"bags": 9, "hub": hub.code})
    assert response.status_code == 200
    assert response.json() == {
        "driver": cast.ben.code,
        "organisation": cast.org_a.code,
        "bags": 9,
        "hub": hub.code,
    }
    response = post(cast.ana, {"driver": cast.ben.code, "bags": 30, "hub": None})
    assert response.status_code == 200 and response.json()["hub"] is None
    assert DriverCar.objects.get(driver=cast.ben).bags == 30
    # Refused, nothing changed: out of range, another's hub, a non-driver,
    # and a driver naming someone else.
    assert post(cast.ben, {"bags": 61}).status_code == 422
    other = hub_for(cast.org_b, cast.zone_b, name="Elsewhere")
    assert post(cast.ben, {"bags": 5, "hub": other.code}).status_code == 409
    assert post(cast.ana, {"driver": cast.dee.code, "bags": 5}).status_code == 409
    dan = make_member("dan", cast.org_a, "driver")
    assert post(cast.ben, {"driver": dan.code, "bags": 5}).status_code == 404
    assert list(DriverCar.objects.values_list("driver", "bags")) == [(cast.ben.pk, 30)]
    assert AuditEntry.objects.filter(action="aid.car.set").count() == 2
