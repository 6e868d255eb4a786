"""SMS keywords through messaging's router: FOOD and DONE <code>."""

import pytest

from porch.aid.models import AidRequest, DeliveryRun, Stop
from porch.aid.tests.fixtures import hub_for, make_run
from porch.messaging import keywords
from porch.messaging.channels.base import Inbound

pytestmark = pytest.mark.django_db
SENDER = "+16125550199"


def text(body, sender=SENDER):
    return keywords.reply_text(keywords.route(Inbound(channel="twilio", sender=sender, body=body)))


def test_it_takes_a_food_request_by_text_in_the_zone_of_a_hub(cast):
    hub_for(cast.org_a, cast.zone)
    reply = text("FOOD Cedar Flats 5")
    request = AidRequest.objects.get()
    assert request.code in reply and "call you back" in reply
    assert (request.organisation, request.zone, request.household_size) == (
        cast.org_a,
        cast.zone,
        5,
    )
    assert request.source == AidRequest.Source.SMS and request.callback_number == SENDER


def test_it_answers_in_spanish_to_comida(cast):
    hub_for(cast.org_a, cast.zone)
    reply = text("comida cedar flats 2")
    assert AidRequest.objects.get().language == "es"
    assert reply


def test_it_explains_food_when_no_hub_serves_the_zone(cast):
    reply = text("FOOD Elm Hollow 3")
    assert "FOOD" in reply and not AidRequest.objects.exists()


def test_it_confirms_a_delivery_by_code_from_the_drivers_phone_only(cast):
    cast.ben.phone = "+16125550177"
    cast.ben.save()
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.DISPATCHED, driver=cast.ben)
    stop = run.stops.get()
    assert "No delivery" in text(f"DONE {stop.request.code}", sender=SENDER)
    assert Stop.objects.get(pk=stop.pk).outcome == Stop.Outcome.PENDING
    assert "confirmed" in text(f"done {stop.request.code.lower()}", sender="+1 612 555 0177")
    assert Stop.objects.get(pk=stop.pk).outcome == Stop.Outcome.DELIVERED


def test_it_refuses_done_for_a_run_not_under_way(cast):
    cast.ben.phone = "+16125550177"
    cast.ben.save()
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.CLAIMED, driver=cast.ben)
    code = run.stops.get().request.code
    assert "No delivery" in text(f"DONE {code}", sender="+16125550177")
