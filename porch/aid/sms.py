"""SMS keywords: FOOD asks for groceries; DONE <code> confirms a delivery.

FOOD [zone] [household size] — the organisation is the one with a hub in
that zone (hubs are where an organisation delivers from); the sender's
number becomes the callback number, sealed at once. DONE <code> is accepted
only from the phone of the driver holding a run under way, inside its
window (R31), with that household on it. Replies carry no address or name.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from porch.aid.models import AidRequest, DeliveryRun, Hub, Stop
from porch.messaging.keywords import normalise

_NUMBER = re.compile(r"\b(\d{1,2})\b")


def _zone_and_size(rest: str):
    from porch.messaging.access import zones

    size_match = _NUMBER.search(rest or "")
    size = int(size_match.group(1)) if size_match else 1
    words = normalise(_NUMBER.sub(" ", rest or ""))
    for zone in zones():
        if normalise(zone.name) == words or zone.code == words:
            return zone, size
    return None, size


def food(message) -> str:
    from porch.aid import actions

    with translation.override(message.language):
        zone, size = _zone_and_size(message.rest)
        hub = Hub.objects.filter(zone=zone).order_by("pk").first() if zone else None
        if hub is None:
            return _(
                "To ask for groceries, text FOOD, your neighbourhood and how many people "
                "live with you, for example: FOOD Cedar Flats 4."
            )
        try:
            request = actions.do_create_request(
                hub.organisation,
                callback_number=message.inbound.sender,
                zone=zone,
                household_size=max(1, min(size, actions.MAX_HOUSEHOLD)),
                language=message.language,
                source=AidRequest.Source.SMS,
                actor=None,
            )
        except ValidationError:
            return _("We could not read your number. Please call the hotline instead.")
        return _(
            "Thank you. Your household code is %(code)s. A volunteer will call you back "
            "to confirm. Keep this code: the driver will ask for it."
        ) % {"code": request.code}


def _driver_phone_matches(run: DeliveryRun, sender: str) -> bool:
    from porch.aid.actions import normalise_number

    phone = run.driver.phone if run.driver else None
    if not phone:
        return False
    try:
        return normalise_number(phone) == normalise_number(sender)
    except ValidationError:
        return False


def done(message) -> str:
    from porch.aid import access, actions

    with translation.override(message.language):
        code = normalise(message.rest).replace(" ", "")
        stops = Stop.objects.filter(
            request__code=code,
            outcome=Stop.Outcome.PENDING,
            run__status=DeliveryRun.Status.DISPATCHED,
        ).select_related("run", "run__driver", "request")
        for stop in stops:
            run = stop.run
            if _driver_phone_matches(run, message.inbound.sender) and access.address_visible(
                run.driver, run
            ):
                try:
                    actions.do_deliver_stop(stop, code, actor=run.driver)
                except ValidationError:
                    break
                return _("Delivery confirmed. Thank you.")
        return _("No delivery under way matches that code from this phone.")
