"""Objects the aid tests and the authorization matrix build on the cast."""

import datetime
from pathlib import Path

from django.utils import timezone

from porch.aid import actions
from porch.aid.models import AidRequest, DeliveryRun, Hub, Stop

DATA = Path(__file__).parent / "data"
ADDRESSES = DATA / "addresses.csv"
NUMBER = "+16125550123"
# A canary: it must never appear outside the vault's ciphertext.
CANARY_ADDRESS = "1101 Cedar Ave S"
CANARY_POINT = (45.002, -93.2898)


def hub_for(organisation, zone, name="Cedar Flats church") -> Hub:
    return Hub.objects.create(
        organisation=organisation, zone=zone, name=name, lat=45.005, lon=-93.295
    )


def new_request(organisation, zone, *, number=NUMBER, size=3, actor=None, **extra) -> AidRequest:
    return actions.do_create_request(
        organisation, callback_number=number, zone=zone, household_size=size, actor=actor, **extra
    )


def confirmed_request(
    organisation,
    zone,
    *,
    number=NUMBER,
    address=CANARY_ADDRESS,
    point=CANARY_POINT,
    actor=None,
    **extra,
) -> AidRequest:
    request = new_request(organisation, zone, number=number, actor=actor, **extra)
    return actions.do_confirm_request(
        request, address=address, lat=point[0], lon=point[1], actor=actor
    )


def make_run(
    organisation,
    zone,
    *,
    status=DeliveryRun.Status.OPEN,
    driver=None,
    first_stop_at=None,
    stops=1,
    hub=None,
) -> DeliveryRun:
    """A published run with confirmed stops, without the solver (fast)."""
    hub = hub or hub_for(organisation, zone)
    first = first_stop_at or timezone.now() + datetime.timedelta(minutes=30)
    run = DeliveryRun.objects.create(
        organisation=organisation,
        hub=hub,
        day=timezone.localdate(first),
        status=status,
        driver=driver,
        first_stop_at=first,
        last_window_end=first + datetime.timedelta(hours=3),
        stop_count=stops,
        zone_names=zone.name,
    )
    for position in range(1, stops + 1):
        request = confirmed_request(
            organisation,
            zone,
            number=f"+1612555{position:04d}",
            address=f"{1100 + 20 * position + 1} Cedar Ave S",
        )
        AidRequest.objects.filter(pk=request.pk).update(status=AidRequest.Status.ON_RUN)
        Stop.objects.create(
            run=run,
            request=request,
            position=position,
            arrival=first + datetime.timedelta(minutes=10 * position),
            window_end=run.last_window_end,
        )
        run.bags += request.bags
    run.save(update_fields=["bags"])
    return run
