import datetime
import itertools

from django.utils import timezone

from porch.accounts.roles import Role
from porch.core.testing import make_member
from porch.volunteers.models import Shift, SignUp, Site, Slot

_SITES = itertools.count(1)


def put_on_shift(user, organisation, zone, *, hours: int = 4):
    """Sign `user` up to a verifier shift at a site in `zone`, running now."""
    site = Site.objects.create(
        organisation=organisation,
        kind=Site.Kind.HOTLINE_DESK,
        name=f"Desk {next(_SITES)}",
        zone=zone,
    )
    now = timezone.now()
    today = timezone.localdate()
    slot = Slot.objects.create(
        site=site,
        purpose=Slot.Purpose.DESK,
        weekdays="0123456",
        start_time=datetime.time(0, 0),
        end_time=datetime.time(23, 59),
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
        required_role=Role.VERIFIER,
    )
    shift = Shift.objects.create(
        slot=slot,
        date=today,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=hours),
        filled=1,
    )
    return SignUp.objects.create(shift=shift, volunteer=user)


def verifiers(cast):
    """dee plus two more verifiers of org A, all on shift in zone A."""
    vee = make_member("vee", cast.org_a, Role.VERIFIER)
    wes = make_member("wes", cast.org_a, Role.VERIFIER)
    for user in (cast.dee, vee):
        put_on_shift(user, cast.org_a, cast.zone)
    put_on_shift(wes, cast.org_a, cast.zone_b)
    return cast.dee, vee, wes


def new_report(cast, organisation=None, zone=None, **fields):
    from porch.response import actions

    organisation = organisation or cast.org_a
    return actions.do_take_report(
        organisation, zone=zone or cast.zone, actor=fields.pop("actor", cast.ana), **fields
    )
