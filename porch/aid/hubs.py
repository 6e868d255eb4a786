"""Hubs: stock, donations, reservations per run, meal counts (DOMAIN.md W6).

Reads and state changes of the hubs slice, kept out of the shared
access.py/actions.py. Hub keepers and coordinators of the hub's organisation
manage its stock; a hub is private unless a coordinator opts it in, and then
only its "what we need" list is public (no address beyond the hub's own
name and opening hours, no counts).

Stock is never negative: every change is one conditional UPDATE
(count - reserved >= wanted), so of concurrent reservations for the last
units exactly one wins. A reservation is held for a published run, released
by hand (or when a run is cancelled) and consumed when the run completes.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts.roles import Role
from porch.aid import access
from porch.aid.models import DeliveryRun, Donation, Hub, MealCount, StockItem, StockReservation
from porch.core import audit

HUB_ROLES = (Role.HUB_KEEPER, Role.COORDINATOR)
MAX_UNITS = 100_000
MAX_MEALS = 100_000
RESERVABLE = (
    DeliveryRun.Status.OPEN,
    DeliveryRun.Status.CLAIMED,
    DeliveryRun.Status.DISPATCHED,
)


# ---- Access ---------------------------------------------------------------------------


def keeper_organisation_ids(user) -> list[int]:
    return access._orgs_with(user, HUB_ROLES)


def hubs_kept_by(user):
    return Hub.objects.filter(organisation__in=keeper_organisation_ids(user)).select_related(
        "zone", "organisation"
    )


def get_hub_for_keeper(user, code: str) -> Hub:
    hub = hubs_kept_by(user).filter(code=code).first()
    if hub is None:
        raise Http404
    return hub


def get_public_hub(code: str) -> Hub:
    hub = Hub.objects.filter(
        code=code, is_public=True, organisation__erased_on__isnull=True
    ).first()
    if hub is None:
        raise Http404
    return hub


def stock_of(hub):
    return StockItem.objects.filter(hub=hub).order_by("name")


def needs_of(hub) -> list[StockItem]:
    """The public "what we need" list: items at or under their threshold."""
    return [item for item in stock_of(hub) if item.low_threshold and item.is_low]


def held_reservations(hub):
    return (
        StockReservation.objects.filter(item__hub=hub, status=StockReservation.Status.HELD)
        .select_related("item", "run")
        .order_by("pk")
    )


def reservable_runs(hub):
    return DeliveryRun.objects.filter(
        organisation_id=hub.organisation_id, status__in=RESERVABLE
    ).order_by("day", "first_stop_at", "pk")


# ---- Actions --------------------------------------------------------------------------


def _units(value, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not (1 <= value <= MAX_UNITS):
        raise ValidationError(
            {field: [_("Enter a whole number from 1 to %(most)s.") % {"most": MAX_UNITS}]}
        )
    return value


def do_add_stock_item(
    hub: Hub, *, name: str, unit: str = "", low_threshold: int = 0, actor
) -> StockItem:
    name, unit = (name or "").strip(), (unit or "").strip() or "bag"
    errors = {}
    if not name:
        errors["name"] = [_("Name the item.")]
    if not isinstance(low_threshold, int) or not (0 <= low_threshold <= MAX_UNITS):
        errors["low_threshold"] = [_("Enter a threshold from 0 to %(most)s.") % {"most": MAX_UNITS}]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = StockItem.objects.create(
                hub=hub, name=name[:80], unit=unit[:20], low_threshold=low_threshold
            )
            audit.record(actor, "aid.stock.added", obj=item, organisation=hub.organisation)
    except IntegrityError:
        raise ValidationError({"name": [_("This hub already has an item of that name.")]}) from None
    return item


def do_set_threshold(item: StockItem, low_threshold: int, *, actor) -> StockItem:
    if not isinstance(low_threshold, int) or not (0 <= low_threshold <= MAX_UNITS):
        raise ValidationError(
            {"low_threshold": [_("Enter a threshold from 0 to %(most)s.") % {"most": MAX_UNITS}]}
        )
    with transaction.atomic():
        StockItem.objects.filter(pk=item.pk).update(low_threshold=low_threshold)
        item.refresh_from_db()
        audit.record(actor, "aid.stock.threshold", obj=item, organisation=item.hub.organisation)
    return item


def do_record_donation(item: StockItem, quantity: int, *, actor) -> Donation:
    """Goods came in: the count goes up in one UPDATE, and the intake is audited."""
    quantity = _units(quantity, "quantity")
    with transaction.atomic():
        StockItem.objects.filter(pk=item.pk).update(count=F("count") + quantity)
        donation = Donation.objects.create(
            item=item,
            quantity=quantity,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor, "aid.stock.donation", obj=donation, organisation=item.hub.organisation)
    item.refresh_from_db()
    return donation


def do_reserve_stock(
    run: DeliveryRun, item: StockItem, quantity: int, *, actor
) -> StockReservation:
    """Set units aside for a published run. Never more than is available."""
    quantity = _units(quantity, "quantity")
    hub = item.hub
    if run.organisation_id != hub.organisation_id:
        raise ValidationError({"run": [_("Choose a run of this hub's organisation.")]})
    if run.status not in RESERVABLE:
        raise ValidationError({"run": [_("Stock can be set aside only for a published run.")]})
    with transaction.atomic():
        won = StockItem.objects.filter(pk=item.pk, count__gte=F("reserved") + quantity).update(
            reserved=F("reserved") + quantity
        )
        if not won:
            item.refresh_from_db()
            message = _("Only %(left)s %(unit)s left to set aside.") % {
                "left": item.available,
                "unit": item.unit,
            }
            raise ValidationError({"quantity": [ValidationError(message, code="conflict")]})
        reservation = StockReservation.objects.create(
            item=item,
            run=run,
            quantity=quantity,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor, "aid.stock.reserved", obj=reservation, organisation=hub.organisation)
    return reservation


def do_release_reservation(reservation: StockReservation, *, actor) -> StockReservation:
    """The run will not take these units after all: back on the shelf."""
    with transaction.atomic():
        done = StockReservation.objects.filter(
            pk=reservation.pk, status=StockReservation.Status.HELD
        ).update(status=StockReservation.Status.RELEASED)
        if not done:
            raise ValidationError(_("This reservation is no longer held."))
        StockItem.objects.filter(pk=reservation.item_id).update(
            reserved=F("reserved") - reservation.quantity
        )
        reservation.refresh_from_db()
        audit.record(
            actor,
            "aid.stock.released",
            obj=reservation,
            organisation=reservation.item.hub.organisation,
        )
    return reservation


def release_run_reservations(run: DeliveryRun, *, actor) -> int:
    """A cancelled or unpublished run gives back everything it held (called
    inside porch.aid.run_cancel's transaction). A reservation someone put back
    by hand a moment earlier is skipped, never released twice."""
    released = 0
    held = StockReservation.objects.filter(run=run, status=StockReservation.Status.HELD)
    for reservation in held.select_related("item__hub__organisation"):
        with transaction.atomic():
            done = StockReservation.objects.filter(
                pk=reservation.pk, status=StockReservation.Status.HELD
            ).update(status=StockReservation.Status.RELEASED)
            if not done:
                continue
            StockItem.objects.filter(pk=reservation.item_id).update(
                reserved=F("reserved") - reservation.quantity
            )
            audit.record(
                actor,
                "aid.stock.released",
                obj=reservation,
                organisation=reservation.item.hub.organisation,
            )
            released += 1
    return released


def consume_run_reservations(run: DeliveryRun) -> int:
    """A completed run took its units: count and reserved go down together.
    Called inside do_complete_run's transaction."""
    held = list(
        StockReservation.objects.select_for_update().filter(
            run=run, status=StockReservation.Status.HELD
        )
    )
    for reservation in held:
        StockItem.objects.filter(pk=reservation.item_id).update(
            count=F("count") - reservation.quantity, reserved=F("reserved") - reservation.quantity
        )
    StockReservation.objects.filter(pk__in=[r.pk for r in held]).update(
        status=StockReservation.Status.CONSUMED
    )
    return len(held)


def do_record_meals(hub: Hub, day: datetime.date, meals: int, *, actor) -> MealCount:
    """Free meals handed out on a day (the count replaces the day's figure)."""
    if not isinstance(meals, int) or not (0 <= meals <= MAX_MEALS):
        raise ValidationError(
            {"meals": [_("Enter a number of meals from 0 to %(most)s.") % {"most": MAX_MEALS}]}
        )
    if day > timezone.localdate():
        raise ValidationError({"day": [_("Meals can be counted only for today or earlier.")]})
    with transaction.atomic():
        count, _created = MealCount.objects.update_or_create(
            hub=hub, day=day, defaults={"meals": meals}
        )
        audit.record(actor, "aid.hub.meals", obj=hub, organisation=hub.organisation)
    return count


def do_set_hub_public(hub: Hub, is_public: bool, *, actor) -> Hub:
    """Opt in (or out) of the public "what we need" page. Coordinators only."""
    if not access.is_planner(actor, hub.organisation):
        raise ValidationError(_("Only a coordinator can make a hub's needs public."))
    with transaction.atomic():
        Hub.objects.filter(pk=hub.pk).update(is_public=bool(is_public))
        hub.refresh_from_db()
        audit.record(
            actor,
            "aid.hub.public" if is_public else "aid.hub.private",
            obj=hub,
            organisation=hub.organisation,
        )
    return hub
