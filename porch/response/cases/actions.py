"""Every state change for legal handoffs: atomic, validated, audited (no content
in audit rows: the action name and the handoff's code only)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.core import audit
from porch.response.cases.models import LegalHandoff, TimeBucket
from porch.vault.epochs import new_subject
from porch.vault.erasure import expiry_for, shred

HANDOFF_KIND = "legal_handoff"
MAX_TEXT = 2000


def do_create_handoff(
    organisation,
    *,
    zone,
    time_bucket: str,
    what_happened: str,
    contact_route: str,
    source: str = LegalHandoff.Source.FORM,
    report=None,
    actor,
) -> LegalHandoff:
    """A person detained: zone, time bucket, free text, the family's contact route."""
    errors = {}
    if time_bucket not in TimeBucket.values:
        errors["time_bucket"] = [_("Choose when it happened.")]
    what_happened = (what_happened or "").strip()
    contact_route = (contact_route or "").strip()
    if not what_happened:
        errors["what_happened"] = [_("Say briefly what happened.")]
    elif len(what_happened) > MAX_TEXT:
        errors["what_happened"] = [_("Keep it under 2,000 characters.")]
    if not contact_route:
        errors["contact_route"] = [_("Say how the legal partner can reach the family.")]
    elif len(contact_route) > 200:
        errors["contact_route"] = [_("Keep the contact route under 200 characters.")]
    if zone is not None and zone.region.coalition_id != organisation.coalition_id:
        errors["zone"] = [_("Choose a zone of your coalition.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Backstop: the subject expires with the closed-case limit even if
        # nobody closes the handoff.
        subject = new_subject(
            HANDOFF_KIND,
            organisation=organisation,
            data_class="closed_case",
            expires_at=expiry_for("closed_case"),
        )
        handoff = LegalHandoff(
            organisation=organisation,
            zone=zone,
            time_bucket=time_bucket,
            source=source,
            report=report,
            subject=subject,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        handoff.what_happened = what_happened
        handoff.contact_route = contact_route
        handoff.save()
        audit.record(
            actor, "response_cases.handoff.created", obj=handoff, organisation=organisation
        )
    return handoff


def do_accept_handoff(handoff: LegalHandoff, *, actor) -> LegalHandoff:
    with transaction.atomic():
        handoff = LegalHandoff.objects.select_for_update().get(pk=handoff.pk)
        if handoff.status != LegalHandoff.Status.NEW:
            raise ValidationError(_("This handoff has already been accepted."))
        handoff.status = LegalHandoff.Status.ACCEPTED
        handoff.accepted_at = timezone.now()
        handoff.save(update_fields=["status", "accepted_at"])
        audit.record(
            actor,
            "response_cases.handoff.accepted",
            obj=handoff,
            organisation=handoff.organisation,
        )
    return handoff


def do_purge_handoff(handoff: LegalHandoff, *, actor) -> LegalHandoff:
    """Shred the handoff's personal data; zone, bucket and status stay as counts."""
    with transaction.atomic():
        handoff = LegalHandoff.objects.select_for_update().get(pk=handoff.pk)
        if handoff.subject is not None:
            shred(handoff.subject)
        else:
            forget_handoff(None, pk=handoff.pk)
        audit.record(
            actor, "response_cases.handoff.purged", obj=handoff, organisation=handoff.organisation
        )
    handoff.refresh_from_db()
    return handoff


def forget_handoff(subject, *, pk=None) -> None:
    """Shredder hook: the subject is going; blank its handoff's sealed text."""
    rows = (
        LegalHandoff.objects.filter(pk=pk) if pk else LegalHandoff.objects.filter(subject=subject)
    )
    rows.update(
        status=LegalHandoff.Status.PURGED, what_happened=None, contact_route=None, subject=None
    )


ACCOMPANIMENT_PURPOSES = ("court_hearing", "check_in")


def do_escalate_detention(signup, *, what_happened: str, contact_route: str, actor):
    """A volunteer on an accompaniment shift: "the person was detained here".

    Only the volunteer holding an active sign-up for a court-hearing or
    check-in shift that is under way (or ended within the hour) may raise it;
    the handoff takes the site's zone and the site's organisation.
    """
    shift = signup.shift
    slot = shift.slot
    now = timezone.now()
    if (
        signup.volunteer_id != getattr(actor, "pk", None)
        or signup.state != "active"
        or slot.purpose not in ACCOMPANIMENT_PURPOSES
        or not (shift.starts_at - timedelta(hours=1) <= now <= shift.ends_at + timedelta(hours=1))
    ):
        raise ValidationError(_("You can raise this only during your accompaniment shift."))
    return do_create_handoff(
        slot.site.organisation,
        zone=slot.site.zone,
        time_bucket=TimeBucket.LAST_HOUR,
        what_happened=what_happened,
        contact_route=contact_route,
        source=LegalHandoff.Source.ACCOMPANIMENT,
        actor=actor,
    )
