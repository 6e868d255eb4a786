"""Aid pages over HTTP with literal URLs: intake, callback, planning, the run."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from porch.aid.models import AidRequest, DeliveryCount, DeliveryRun, Stop
from porch.aid.tests.fixtures import (
    CANARY_ADDRESS,
    NUMBER,
    confirmed_request,
    hub_for,
    make_run,
    new_request,
)
from porch.core.testing import make_member, pdf_text
from porch.vault.models import Subject

pytestmark = pytest.mark.django_db


def test_it_takes_a_request_by_the_intake_form(cast, signed_in):
    client = signed_in(cast.ana)
    body = {
        "callback_number": "612-555-0123",
        "zone": cast.zone.code,
        "household_size": "4",
        "needs": ["staples", "diapers_3_4"],
        "diet": "halal",
        "language": "so",
        "home_times": "evening",
        "urgency": "soon",
    }
    response = client.post(f"/aid/orgs/{cast.org_a.code}/requests/new/", body)
    request = AidRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aid/requests/{request.code}/"
    assert request.needs == ["staples", "diapers_3_4"] and request.language == "so"
    page = client.get(response["Location"]).content.decode()
    assert NUMBER in page and request.code in page


def test_it_refuses_a_bad_intake_form_with_400_and_saves_nothing(cast, signed_in):
    response = signed_in(cast.ana).post(
        f"/aid/orgs/{cast.org_a.code}/requests/new/",
        {
            "callback_number": "12",
            "zone": cast.zone.code,
            "household_size": "2",
            "diet": "any",
            "language": "en",
            "home_times": "any",
            "urgency": "routine",
        },
    )
    assert response.status_code == 400 and b"phone number" in response.content
    assert not AidRequest.objects.exists()


def test_it_hides_requests_from_other_organisations_and_roles(cast, signed_in):
    request = new_request(cast.org_a, cast.zone)
    assert signed_in(cast.cal).get(f"/aid/requests/{request.code}/").status_code == 404
    assert signed_in(cast.ben).get(f"/aid/requests/{request.code}/").status_code == 404
    assert signed_in(cast.ana).post(f"/aid/requests/{request.code}/").status_code == 405


def test_it_confirms_at_callback_from_the_address_table(cast, signed_in):
    from django.core.management import call_command

    from porch.aid.tests.fixtures import ADDRESSES

    call_command("import_addresses", str(ADDRESSES))
    request = new_request(cast.org_a, cast.zone)
    client = signed_in(cast.ana)
    response = client.post(
        f"/aid/requests/{request.code}/confirm/", {"address": "1121 Cedar Ave S"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.point == (45.0036, -93.2898) and request.status == "confirmed"
    page = client.get(f"/aid/requests/{request.code}/").content.decode()
    assert "1121" not in page and NUMBER not in page  # no number after confirmation


def test_it_asks_for_a_map_pick_when_the_address_is_unknown(cast, signed_in):
    request = new_request(cast.org_a, cast.zone)
    client = signed_in(cast.ana)
    url = f"/aid/requests/{request.code}/confirm/"
    assert client.post(url, {"address": "7 Unknown Rd"}).status_code == 400
    assert client.post(url, {"address": "7 Unknown Rd", "lat": "45.01"}).status_code == 400
    assert (
        client.post(url, {"address": "7 Unknown Rd", "lat": "45.01", "lon": "-93.29"}).status_code
        == 302
    )


def test_it_plans_a_day_without_showing_the_coordinator_any_address(cast, signed_in):
    hub = hub_for(cast.org_a, cast.zone)
    for k in range(3):
        confirmed_request(
            cast.org_a, cast.zone, number=f"+1612555{k:04d}", point=(45.002 + k / 1000, -93.29)
        )
    far = confirmed_request(cast.org_a, cast.zone, number="+16125559999", point=(50.0, -93.29))
    client = signed_in(cast.ana)
    day = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        f"/aid/orgs/{cast.org_a.code}/plan/",
        {
            "day": day.isoformat(),
            "hub": hub.code,
            "drivers": "2",
            "capacity": "10",
            "start_hour": "9",
            "end_hour": "20",
        },
    )
    assert response.status_code == 302
    runs = DeliveryRun.objects.filter(status="draft")
    assert sum(r.stop_count for r in runs) == 3
    page = client.get(response["Location"]).content.decode()
    assert CANARY_ADDRESS not in page and "Cedar Flats" in page
    assert far.code in page and "The address is too far from every hub." in page
    response = client.post(f"/aid/orgs/{cast.org_a.code}/plan/publish/", {"day": day.isoformat()})
    assert response.status_code == 302
    assert set(DeliveryRun.objects.values_list("status", flat=True)) == {"open"}
    assert AidRequest.objects.filter(status="on_run").count() == 3


def test_it_shows_open_runs_to_vetted_drivers_only_and_without_addresses(cast, signed_in):
    run = make_run(cast.org_a, cast.zone)
    page = signed_in(cast.ben).get("/aid/").content.decode()
    assert run.zone_names in page and "Cedar Ave" not in page
    rookie = make_member("rookie", cast.org_a, "driver", trust=10)
    assert signed_in(rookie).get("/aid/").status_code == 404
    assert signed_in(rookie).get(f"/aid/runs/{run.code}/").status_code == 404


def test_it_shows_the_address_only_to_the_driver_of_a_run_under_way_in_its_window(cast, signed_in):
    start = timezone.now() + datetime.timedelta(hours=2)
    run = make_run(cast.org_a, cast.zone, first_stop_at=start)
    client = signed_in(cast.ben)
    assert client.post(f"/aid/runs/{run.code}/claim/").status_code == 302
    assert client.get(f"/aid/runs/{run.code}/sheet/").status_code == 404
    corners = client.get(f"/aid/runs/{run.code}/corners/")
    assert corners.status_code == 200 and "Cedar Ave" not in pdf_text(corners.content)
    assert client.post(f"/aid/runs/{run.code}/dispatch/").status_code == 302
    assert client.get(f"/aid/runs/{run.code}/sheet/").status_code == 404  # two hours early
    with time_machine.travel(start - datetime.timedelta(minutes=50)):
        from porch.core.testing import sign_in

        sign_in(client, cast.ben)
        sheet = client.get(f"/aid/runs/{run.code}/sheet/")
        assert sheet.status_code == 200 and sheet["Cache-Control"] == "no-store"
        assert sheet["Content-Disposition"].startswith("inline")
        assert "1121 Cedar Ave S" in pdf_text(sheet.content)
        assert "1121 Cedar Ave S" in client.get(f"/aid/runs/{run.code}/").content.decode()
        assert (
            "1121 Cedar" not in signed_in(cast.ana).get(f"/aid/runs/{run.code}/").content.decode()
        )


def test_it_delivers_by_code_and_shreds_the_address_when_the_run_completes(cast, signed_in):
    run = make_run(
        cast.org_a,
        cast.zone,
        stops=2,
        status="dispatched",
        driver=cast.ben,
        first_stop_at=timezone.now(),
    )
    first, second = run.stops.order_by("position")
    client = signed_in(cast.ben)
    base = f"/aid/runs/{run.code}/stops"
    assert (
        client.post(f"{base}/{first.code}/deliver/", {"household_code": "WRONG1"}).status_code
        == 400
    )
    assert (
        client.post(
            f"{base}/{first.code}/deliver/", {"household_code": first.request.code.lower()}
        ).status_code
        == 302
    )
    assert client.post(f"{base}/{second.code}/fail/", {"reason": "nobody_home"}).status_code == 302
    subject_pk = first.request.address_subject_id
    assert client.post(f"/aid/runs/{run.code}/complete/").status_code == 302
    delivered = AidRequest.objects.get(pk=first.request_id)
    assert delivered.status == "delivered" and delivered.address is None
    assert delivered.address_subject is None and delivered.household is None
    assert not Subject.objects.filter(pk=subject_pk).exists()
    returned = AidRequest.objects.get(pk=second.request_id)
    assert returned.status == "confirmed" and returned.address is not None
    count = DeliveryCount.objects.get()
    assert (count.zone, count.delivered, count.bags) == (cast.zone, 1, delivered.bags)
    assert Stop.objects.get(pk=second.pk).reason == "nobody_home"
