"""Every state change in the aid app (W5): atomic, validated, audited.

Address life cycle (R10, R14, R31): `do_confirm_request` seals the address
and coordinates under a fresh "address" subject that expires seven days
later. `do_complete_run` shreds the address (and callback) subjects of the
households it delivered to; the purge shreds an expired one, and
`forget_address` then sends an undelivered request back to "needs callback".
"""

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from porch.accounts.models import hash_secret
from porch.aid import access, geocode
from porch.aid.models import (
    HOUSEHOLD_LANGUAGES,
    AidRequest,
    DeliveryCount,
    DeliveryRun,
    Diet,
    HomeTimes,
    Hub,
    Need,
    Stop,
    Urgency,
)
from porch.aid.planning import TAKEN_OFF, do_move_stop, do_plan_day, plannable_requests
from porch.coalition.access import counting_memberships
from porch.core import audit
from porch.vault.epochs import new_subject
from porch.vault.erasure import expiry_for, shred_many

ADDRESS_KIND = "aid_address"
HOUSEHOLD_KIND = "aid_household"
MAX_HOUSEHOLD = 30
MAX_BAGS = 500

# Translated sentences for routing's stable reasons (porch.routing.model).
UNASSIGNED_REASONS = {
    "no_driver": gettext_lazy("No driver is available that day."),
    "no_language": gettext_lazy("No driver speaks the household's language."),
    "over_capacity": gettext_lazy("The order is larger than any car holds."),
    "beyond_range": gettext_lazy("The address is too far from every hub."),
    "window_unreachable": gettext_lazy("No driver can arrive while someone is home."),
    "no_room": gettext_lazy("Every run is full: plan more drivers."),
    TAKEN_OFF: gettext_lazy("A coordinator took it off the runs."),
}

__all__ = ["do_move_stop", "do_plan_day", "plannable_requests"]


def bags_for(household_size: int) -> int:
    """One bag feeds about two people for a week."""
    return max(1, math.ceil(household_size / 2))


def normalise_number(raw: str) -> str:
    from porch.messaging.actions import normalise_address
    from porch.messaging.models import Medium

    try:
        return normalise_address(Medium.SMS, raw)
    except ValidationError:
        raise ValidationError(
            {"callback_number": [_("Enter a phone number, such as +1 612 555 0123.")]}
        ) from None


def _check_choices(*, needs, diet, home_times, urgency, language, household_size) -> None:
    errors = {}
    if any(n not in Need.values for n in needs):
        errors["needs"] = [_("Choose needs from the list.")]
    if diet not in Diet.values:
        errors["diet"] = [_("Choose a diet from the list.")]
    if home_times not in HomeTimes.values:
        errors["home_times"] = [_("Choose when someone is home from the list.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose an urgency from the list.")]
    if language not in dict(HOUSEHOLD_LANGUAGES):
        errors["language"] = [_("Choose a language from the list.")]
    if not (1 <= household_size <= MAX_HOUSEHOLD):
        errors["household_size"] = [
            _("A household has between 1 and %(most)s people.") % {"most": MAX_HOUSEHOLD}
        ]
    if errors:
        raise ValidationError(errors)


def duplicates_of(request: AidRequest) -> list[str]:
    """Codes of other open requests in the organisation with the same number."""
    if not request.callback_hash:
        return []
    return list(
        AidRequest.objects.filter(
            organisation=request.organisation,
            callback_hash=request.callback_hash,
            status__in=AidRequest.OPEN,
        )
        .exclude(pk=request.pk)
        .values_list("code", flat=True)
    )


def do_create_request(
    organisation,
    *,
    callback_number: str,
    zone=None,
    cross_streets: str = "",
    household_size: int = 1,
    needs=(),
    diet: str = Diet.ANY,
    language: str = "en",
    home_times: str = HomeTimes.ANY,
    urgency: str = Urgency.ROUTINE,
    source: str = AidRequest.Source.INTAKE,
    actor,
) -> AidRequest:
    """A household's request: code, zone or cross streets, needs — no address."""
    needs = list(dict.fromkeys(needs))
    _check_choices(
        needs=needs,
        diet=diet,
        home_times=home_times,
        urgency=urgency,
        language=language,
        household_size=household_size,
    )
    number = normalise_number(callback_number)
    cross_streets = (cross_streets or "").strip()[:200]
    if zone is None and not cross_streets:
        raise ValidationError({"zone": [_("Give the zone or the nearest cross streets.")]})
    with transaction.atomic():
        household = new_subject(
            HOUSEHOLD_KIND,
            organisation=organisation,
            data_class="callback",
            expires_at=expiry_for("callback"),
        )
        request = AidRequest(
            organisation=organisation,
            kind=AidRequest.Kind.HOUSEHOLD,
            source=source,
            zone=zone,
            household_size=household_size,
            bags=bags_for(household_size),
            needs=needs,
            diet=diet,
            language=language,
            home_times=home_times,
            urgency=urgency,
            callback_hash=hash_secret(f"{organisation.code}:{number}"),
            taken_by=actor if getattr(actor, "pk", None) else None,
            household=household,
        )
        request.callback_number = number
        if cross_streets:
            request.cross_streets = cross_streets
        request.save()
        audit.record(actor, "aid.request.created", obj=request, organisation=organisation)
    return request


def do_create_intermediary_request(
    organisation, *, partner: str, zone, bags: int, needs=(), actor
) -> AidRequest:
    """A school or church asks N bags for families it knows: no household data."""
    partner = (partner or "").strip()
    needs = list(dict.fromkeys(needs))
    errors = {}
    if not partner:
        errors["partner"] = [_("Name the school, church or group asking.")]
    if not (1 <= bags <= MAX_BAGS):
        errors["bags"] = [_("Ask for between 1 and %(most)s bags.") % {"most": MAX_BAGS}]
    if any(n not in Need.values for n in needs):
        errors["needs"] = [_("Choose needs from the list.")]
    if zone is None:
        errors["zone"] = [_("Choose the zone.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = AidRequest.objects.create(
            organisation=organisation,
            kind=AidRequest.Kind.INTERMEDIARY,
            source=AidRequest.Source.INTERMEDIARY,
            status=AidRequest.Status.CONFIRMED,
            zone=zone,
            partner=partner[:80],
            bags=bags,
            household_size=0,
            needs=needs,
            confirmed_on=timezone.localdate(),
            taken_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor, "aid.request.intermediary", obj=request, organisation=organisation)
    return request


def _locked(request: AidRequest) -> AidRequest:
    return AidRequest.objects.select_for_update().select_related("organisation").get(pk=request.pk)


def _refresh_callback_expiry(request: AidRequest, start=None) -> None:
    """R14: a callback number goes after seven days without contact. A
    confirmed household waits for its delivery, so its seven days start when
    the address would expire: an undelivered request can still be called back."""
    if request.household_id:
        type(request.household).objects.filter(pk=request.household_id).update(
            expires_at=expiry_for("callback", start)
        )


def do_record_no_answer(request: AidRequest, *, actor) -> AidRequest:
    with transaction.atomic():
        request = _locked(request)
        if request.status not in (AidRequest.Status.NEEDS_CALLBACK, AidRequest.Status.NO_ANSWER):
            raise ValidationError(_("Only a request waiting for a callback can have no answer."))
        request.status = AidRequest.Status.NO_ANSWER
        request.callback_attempts += 1
        request.save(update_fields=["status", "callback_attempts"])
        audit.record(actor, "aid.request.no_answer", obj=request, organisation=request.organisation)
    return request


def locate(address: str, lat=None, lon=None) -> tuple[float, float]:
    """Coordinates from a map pick, else from the offline address table."""
    if lat is not None and lon is not None:
        if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            raise ValidationError({"lat": [_("Pick a point on the map.")]})
        return float(lat), float(lon)
    found = geocode.find(address)
    if found is None:
        raise ValidationError(
            {
                "address": [
                    _(
                        "This address is not in the address table. Check the number and "
                        "street, or pick the door on the map."
                    )
                ]
            }
        )
    return found.lat, found.lon


def do_confirm_request(
    request: AidRequest, *, address: str, lat=None, lon=None, actor
) -> AidRequest:
    """At callback: the exact address enters the vault under its own key."""
    address = (address or "").strip()
    if not address:
        raise ValidationError({"address": [_("Enter the address you confirmed on the phone.")]})
    if len(address) > 200:
        raise ValidationError({"address": [_("Keep the address under 200 characters.")]})
    point = locate(address, lat, lon)
    with transaction.atomic():
        request = _locked(request)
        if request.kind != AidRequest.Kind.HOUSEHOLD or request.status not in (
            AidRequest.Status.NEEDS_CALLBACK,
            AidRequest.Status.NO_ANSWER,
        ):
            raise ValidationError(_("Only a request waiting for a callback can be confirmed."))
        subject = new_subject(
            ADDRESS_KIND,
            organisation=request.organisation,
            data_class="address",
            expires_at=expiry_for("address"),
        )
        request.address_subject = subject
        request.address = address
        request.point = point
        request.status = AidRequest.Status.CONFIRMED
        request.confirmed_on = timezone.localdate()
        request.unassigned_reason = ""
        request.save(
            update_fields=[
                "address_subject",
                "address",
                "point",
                "status",
                "confirmed_on",
                "unassigned_reason",
            ]
        )
        _refresh_callback_expiry(request, subject.expires_at)
        audit.record(actor, "aid.request.confirmed", obj=request, organisation=request.organisation)
    return request


def do_close_request(request: AidRequest, status: str, *, actor) -> AidRequest:
    """Duplicate, outside our area, or referred: the household's data goes."""
    if status not in AidRequest.CLOSED_BY_HAND:
        raise ValidationError({"status": [_("Choose why the request is closed.")]})
    with transaction.atomic():
        request = _locked(request)
        if request.status not in (
            AidRequest.Status.NEEDS_CALLBACK,
            AidRequest.Status.NO_ANSWER,
            AidRequest.Status.CONFIRMED,
        ):
            raise ValidationError(_("This request can no longer be closed here."))
        request.status = status
        request.closed_on = timezone.localdate()
        request.save(update_fields=["status", "closed_on"])
        audit.record(actor, f"aid.request.{status}", obj=request, organisation=request.organisation)
        subjects = [s for s in (request.household, request.address_subject) if s is not None]
    shred_many(subjects)
    return request


# ---- Shredders (called by the vault inside its transaction) ------------------------------


def forget_address(subject) -> None:
    """The address key is going: blank the ciphertext; an undelivered
    request needs a new callback (R14)."""
    rows = AidRequest.objects.filter(address_subject=subject)
    Stop.objects.filter(
        request__in=rows,
        outcome=Stop.Outcome.PENDING,
        run__status__in=(DeliveryRun.Status.DRAFT, DeliveryRun.Status.OPEN),
    ).delete()
    rows.filter(status__in=(AidRequest.Status.CONFIRMED, AidRequest.Status.ON_RUN)).update(
        status=AidRequest.Status.NEEDS_CALLBACK, confirmed_on=None
    )
    rows.update(address=None, point=None)


def forget_household(subject) -> None:
    AidRequest.objects.filter(household=subject).update(callback_number=None, cross_streets=None)


# ---- Hubs ---------------------------------------------------------------------------------


def do_create_hub(
    organisation, *, name: str, zone, lat: float, lon: float, opening_hours: str = "", actor
) -> Hub:
    hub = Hub(
        organisation=organisation,
        name=(name or "").strip(),
        zone=zone,
        lat=lat,
        lon=lon,
        opening_hours=(opening_hours or "").strip(),
    )
    errors = {}
    if not hub.name:
        errors["name"] = [_("Give the hub a name.")]
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        errors["lat"] = [_("Give the hub's latitude and longitude.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        hub.full_clean()
        hub.save()
        audit.record(actor, "aid.hub.created", obj=hub, organisation=organisation)
    return hub


# ---- Planning -------------------------------------------------------------------------------


# do_plan_day and do_move_stop live in porch.aid.planning (imported above).


def do_publish_runs(organisation, day, *, actor) -> int:
    """Draft runs of the day become open to vetted drivers; their stops leave the queue."""
    with transaction.atomic():
        drafts = DeliveryRun.objects.select_for_update().filter(
            organisation=organisation, day=day, status=DeliveryRun.Status.DRAFT
        )
        ids = list(drafts.values_list("pk", flat=True))
        if not ids:
            raise ValidationError(_("There are no draft runs to publish for that day."))
        AidRequest.objects.filter(stops__run_id__in=ids, status=AidRequest.Status.CONFIRMED).update(
            status=AidRequest.Status.ON_RUN, unassigned_reason=""
        )
        # A run planned for a named driver is theirs (claimed) if they are
        # still a vetted driver here; every other run opens to all of them.
        vetted = list(
            counting_memberships()
            .filter(organisation=organisation, role__in=access.DRIVER_ROLES)
            .values_list("user_id", flat=True)
        )
        runs = DeliveryRun.objects.filter(pk__in=ids)
        runs.filter(driver_id__in=vetted).update(status=DeliveryRun.Status.CLAIMED)
        runs.filter(status=DeliveryRun.Status.DRAFT).update(
            status=DeliveryRun.Status.OPEN, driver=None
        )
        audit.record(actor, "aid.runs.published", organisation=organisation)
    return len(ids)


# ---- Drivers ----------------------------------------------------------------------------------


def do_claim_run(run: DeliveryRun, *, actor) -> DeliveryRun:
    """R46: one conditional UPDATE; of many claimers exactly one wins."""
    if run.organisation_id not in [o.pk for o in access.driver_organisations(actor)]:
        raise ValidationError(_("Only a vetted driver of this organisation can claim runs."))
    with transaction.atomic():
        won = DeliveryRun.objects.filter(
            pk=run.pk, status=DeliveryRun.Status.OPEN, driver__isnull=True
        ).update(status=DeliveryRun.Status.CLAIMED, driver=actor)
        if not won:
            raise ValidationError(_("Someone else has just claimed this run."), code="duplicate")
        run.refresh_from_db()
        audit.record(actor, "aid.run.claimed", obj=run, organisation=run.organisation)
    return run


def do_release_run(run: DeliveryRun, *, actor) -> DeliveryRun:
    with transaction.atomic():
        done = DeliveryRun.objects.filter(
            pk=run.pk, status=DeliveryRun.Status.CLAIMED, driver=actor
        ).update(status=DeliveryRun.Status.OPEN, driver=None)
        if not done:
            raise ValidationError(_("Only a claimed run that has not started can be given back."))
        run.refresh_from_db()
        audit.record(actor, "aid.run.released", obj=run, organisation=run.organisation)
    return run


def do_dispatch_run(run: DeliveryRun, *, actor) -> DeliveryRun:
    """The driver sets off: the run is under way (its addresses open per R31)."""
    with transaction.atomic():
        done = DeliveryRun.objects.filter(
            pk=run.pk, status=DeliveryRun.Status.CLAIMED, driver=actor
        ).update(status=DeliveryRun.Status.DISPATCHED)
        if not done:
            raise ValidationError(_("Only the driver who claimed this run can start it."))
        run.refresh_from_db()
        audit.record(actor, "aid.run.dispatched", obj=run, organisation=run.organisation)
    return run


def _pending_stop(stop: Stop) -> Stop:
    stop = Stop.objects.select_for_update().select_related("run", "request").get(pk=stop.pk)
    if stop.outcome != Stop.Outcome.PENDING or stop.run.status != DeliveryRun.Status.DISPATCHED:
        raise ValidationError(_("This stop is already done."))
    return stop


def do_deliver_stop(stop: Stop, household_code: str, *, actor) -> Stop:
    """The doorstep: the household's code confirms the delivery."""
    given = (household_code or "").strip().upper().replace(" ", "")
    with transaction.atomic():
        stop = _pending_stop(stop)
        if given != stop.request.code:
            raise ValidationError(
                {"household_code": [_("That is not this household's code. Ask again.")]}
            )
        stop.outcome = Stop.Outcome.DELIVERED
        stop.save(update_fields=["outcome"])
        AidRequest.objects.filter(pk=stop.request_id).update(
            status=AidRequest.Status.DELIVERED, closed_on=timezone.localdate()
        )
        audit.record(actor, "aid.stop.delivered", obj=stop, organisation=stop.run.organisation)
    return stop


def do_fail_stop(stop: Stop, reason: str, *, actor) -> Stop:
    """Could not deliver: the request goes back to the queue with its address."""
    if reason not in Stop.Reason.values:
        raise ValidationError({"reason": [_("Choose why the delivery did not happen.")]})
    with transaction.atomic():
        stop = _pending_stop(stop)
        stop.outcome = Stop.Outcome.NOT_DELIVERED
        stop.reason = reason
        stop.save(update_fields=["outcome", "reason"])
        AidRequest.objects.filter(pk=stop.request_id).update(status=AidRequest.Status.CONFIRMED)
        audit.record(actor, "aid.stop.not_delivered", obj=stop, organisation=stop.run.organisation)
    return stop


def do_complete_run(run: DeliveryRun, *, actor) -> DeliveryRun:
    """End of the run: delivered households' addresses and numbers are shredded,
    stops left undone go back to the queue, and only counts remain."""
    with transaction.atomic():
        run = DeliveryRun.objects.select_for_update().get(pk=run.pk)
        if run.status != DeliveryRun.Status.DISPATCHED or run.driver_id != actor.pk:
            raise ValidationError(_("Only the driver of a run under way can complete it."))
        stops = list(Stop.objects.filter(run=run).select_related("request", "request__zone"))
        undone = [s for s in stops if s.outcome == Stop.Outcome.PENDING]
        for stop in undone:
            stop.outcome = Stop.Outcome.NOT_DELIVERED
            stop.reason = Stop.Reason.RAN_OUT
        Stop.objects.bulk_update(undone, ["outcome", "reason"])
        AidRequest.objects.filter(pk__in=[s.request_id for s in undone]).update(
            status=AidRequest.Status.CONFIRMED
        )
        delivered = [s.request for s in stops if s.outcome == Stop.Outcome.DELIVERED]
        for request in delivered:
            count, _created = DeliveryCount.objects.get_or_create(
                organisation=run.organisation, zone=request.zone, day=run.day
            )
            DeliveryCount.objects.filter(pk=count.pk).update(
                delivered=F("delivered") + 1, bags=F("bags") + request.bags
            )
        run.status = DeliveryRun.Status.COMPLETED
        run.save(update_fields=["status"])
        # Hubs slice: the stock held for this run leaves the shelf.
        from porch.aid.hubs import consume_run_reservations

        consume_run_reservations(run)
        audit.record(actor, "aid.run.completed", obj=run, organisation=run.organisation)
        subjects = [
            s
            for request in delivered
            for s in (request.address_subject, request.household)
            if s is not None
        ]
    shred_many(subjects)
    return run
