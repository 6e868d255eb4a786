"""A coordinator takes a published run back (W5, W6).

- **Cancel** (open or claimed, not yet under way): the run ends as
  "cancelled", its stops leave it and their households go back to the queue
  as confirmed (their sealed addresses stay until delivery or expiry, R14).
- **Unpublish** (open, nobody has claimed it): the run becomes a draft again,
  to be re-planned or published later.
Either way the stock a hub set aside for the run goes back on the shelf in the
same transaction (`hubs.release_run_reservations`): nothing stays reserved for
a run that will not leave. A run under way is finished by its driver instead.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from porch.aid import access
from porch.aid.hubs import release_run_reservations
from porch.aid.models import AidRequest, DeliveryRun, Stop
from porch.core import audit

CANCELLABLE = (DeliveryRun.Status.OPEN, DeliveryRun.Status.CLAIMED)


def _locked_run(run: DeliveryRun, actor) -> DeliveryRun:
    if not access.is_planner(actor, run.organisation):
        raise ValidationError(_("Only a coordinator of this organisation can change a run."))
    return DeliveryRun.objects.select_for_update().select_related("organisation").get(pk=run.pk)


def _back_to_queue(run: DeliveryRun, *, remove_stops: bool) -> None:
    pending = Stop.objects.filter(run=run, outcome=Stop.Outcome.PENDING)
    AidRequest.objects.filter(
        pk__in=pending.values("request_id"), status=AidRequest.Status.ON_RUN
    ).update(status=AidRequest.Status.CONFIRMED)
    if remove_stops:
        pending.delete()


def do_cancel_run(run: DeliveryRun, *, actor) -> tuple[DeliveryRun, int]:
    """Cancel an open or claimed run; returns the run and the reservations released."""
    with transaction.atomic():
        run = _locked_run(run, actor)
        if run.status not in CANCELLABLE:
            raise ValidationError(_("Only a run that has not set off can be cancelled."))
        _back_to_queue(run, remove_stops=True)
        run.status = DeliveryRun.Status.CANCELLED
        run.driver = None
        run.save(update_fields=["status", "driver"])
        released = release_run_reservations(run, actor=actor)
        audit.record(actor, "aid.run.cancelled", obj=run, organisation=run.organisation)
    return run, released


def do_unpublish_run(run: DeliveryRun, *, actor) -> tuple[DeliveryRun, int]:
    """An open run nobody has claimed goes back to draft; its stock is released."""
    with transaction.atomic():
        run = _locked_run(run, actor)
        if run.status != DeliveryRun.Status.OPEN or run.driver_id is not None:
            raise ValidationError(_("Only an open run nobody has claimed can go back to draft."))
        _back_to_queue(run, remove_stops=False)
        run.status = DeliveryRun.Status.DRAFT
        run.save(update_fields=["status"])
        released = release_run_reservations(run, actor=actor)
        audit.record(actor, "aid.run.unpublished", obj=run, organisation=run.organisation)
    return run, released
