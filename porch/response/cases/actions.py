"""Every state change for legal handoffs, incident records and follow-up
cases: atomic, validated, audited (no content in audit rows: the action name
and the object's code only)."""

import io
from collections import Counter
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from porch.core import audit
from porch.response.cases.models import (
    FollowUpCase,
    IncidentEntry,
    IncidentMedia,
    LegalHandoff,
    MediaChunk,
    Need,
    NeedItem,
    TimeBucket,
)
from porch.vault.epochs import new_subject
from porch.vault.erasure import expiry_for, shred, shred_many
from porch.vault.models import Subject

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
    # Entries, media and chunks hang off the subject (CASCADE) and go with it.


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


# ---- The incident record ---------------------------------------------------------


def _live_handoff(handoff: LegalHandoff) -> LegalHandoff:
    handoff = (
        LegalHandoff.objects.select_for_update(of=("self",))
        .select_related("subject")
        .get(pk=handoff.pk)
    )
    if handoff.status == LegalHandoff.Status.PURGED or handoff.subject is None:
        raise ValidationError(_("This handoff's personal data has been purged."))
    return handoff


def do_add_entry(handoff: LegalHandoff, *, kind: str, at: str, text: str, actor) -> IncidentEntry:
    """A timeline entry or an observer note, sealed under the handoff's subject."""
    errors = {}
    at, text = (at or "").strip(), (text or "").strip()
    if kind not in IncidentEntry.Kind.values:
        errors["kind"] = [_("Choose a timeline entry or an observer note.")]
    if not text:
        errors["text"] = [_("Write what was seen.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("Keep it under 2,000 characters.")]
    if len(at) > 40:
        errors["at"] = [_("Keep the time under 40 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        handoff = _live_handoff(handoff)
        entry = IncidentEntry(
            handoff=handoff,
            kind=kind,
            subject=handoff.subject,
            written_by=actor if getattr(actor, "pk", None) else None,
        )
        entry.at = at
        entry.text = text
        entry.save()
        audit.record(
            actor, "response_cases.entry.added", obj=handoff, organisation=handoff.organisation
        )
    return entry


SHARE_SIDE = 2048
SHARE_MAX_PIXELS = 50_000_000


def shareable_copy(data: bytes) -> bytes | None:
    """Decode and save a fresh JPEG: EXIF, GPS and every other metadata block
    stay behind (R6). None when Pillow cannot read it as an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            # A small file can declare a huge canvas: no copy rather than
            # hundreds of megabytes of pixels in memory.
            if image.width * image.height > SHARE_MAX_PIXELS:
                return None
            image.load()
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    image.thumbnail((SHARE_SIDE, SHARE_SIDE))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85)
    return out.getvalue()


def do_add_media(handoff: LegalHandoff, upload, *, actor) -> IncidentMedia:
    """Store an original sealed as it streamed in (porch.response.cases.uploads)
    and, for a photo, a shareable copy without metadata, sealed too."""
    if upload is None or not upload.chunks:
        raise ValidationError({"media": [_("Choose a photo, video or recording to add.")]})
    with transaction.atomic():
        handoff = _live_handoff(handoff)
        if upload.subject.pk != handoff.subject_id:
            raise ValidationError({"media": [_("Upload the file again.")]})
        fmt = upload.format
        copy = shareable_copy(upload.plaintext()) if fmt in ("jpeg", "png", "gif", "webp") else None
        media = IncidentMedia(
            code=upload.code,
            handoff=handoff,
            kind=IncidentMedia.Kind.IMAGE if copy is not None else IncidentMedia.Kind.OTHER,
            format=fmt,
            size=upload.size,
            chunk_count=len(upload.chunks),
            subject=handoff.subject,
            added_by=actor if getattr(actor, "pk", None) else None,
        )
        media.digest = upload.digest
        if copy is not None:
            IncidentMedia._meta.get_field("shared_copy").seal_into(media, copy)
        media.save()
        for chunk in upload.chunks:
            chunk.media = media
        MediaChunk.objects.bulk_create(upload.chunks, batch_size=50)
        audit.record(
            actor, "response_cases.media.added", obj=handoff, organisation=handoff.organisation
        )
    upload.close()
    return media


def media_original(media: IncidentMedia):
    """The original, chunk by chunk in order (a generator for a streaming
    response). Refuses a record whose chunks are missing or out of place."""
    pks = list(MediaChunk.objects.filter(media=media).values_list("pk", "index"))
    if [index for _pk, index in pks] != list(range(media.chunk_count)):
        raise ValidationError(_("This file is incomplete and cannot be opened."))

    def chunks():
        for pk, _index in pks:
            chunk = MediaChunk.objects.select_related("subject").get(pk=pk)
            data = chunk.data
            if data is None:
                return
            yield data

    return chunks()


# ---- Follow-up cases ---------------------------------------------------------------

CASE_KIND = "follow_up_case"


def do_open_case(handoff: LegalHandoff, *, actor) -> FollowUpCase:
    """A follow-up case for an accepted handoff. From now on the case decides
    when the handoff's record goes: at close, or at the end of a legal hold."""
    with transaction.atomic():
        handoff = _live_handoff(handoff)
        if handoff.status != LegalHandoff.Status.ACCEPTED:
            raise ValidationError(_("Accept the handoff before opening a case."))
        if FollowUpCase.objects.filter(handoff=handoff).exists():
            raise ValidationError(_("This handoff already has a follow-up case."))
        subject = new_subject(
            CASE_KIND, organisation=handoff.organisation, data_class="closed_case"
        )
        case = FollowUpCase.objects.create(
            organisation=handoff.organisation,
            handoff=handoff,
            zone=handoff.zone,
            subject=subject,
            opened_by=actor if getattr(actor, "pk", None) else None,
        )
        # The 30-day backstop was for a handoff nobody took up; an open case
        # is live work, closed by a person.
        Subject.objects.filter(pk=handoff.subject_id).update(expires_at=None)
        audit.record(actor, "response_cases.case.opened", obj=case, organisation=case.organisation)
    return case


def _live_case(case: FollowUpCase) -> FollowUpCase:
    case = (
        FollowUpCase.objects.select_for_update(of=("self",))
        .select_related("subject")
        .get(pk=case.pk)
    )
    if case.status != FollowUpCase.Status.OPEN:
        raise ValidationError(_("This case is closed."))
    return case


def do_add_need(
    case: FollowUpCase,
    *,
    need: str,
    owner_handle: str,
    due_on,
    details: str = "",
    callback_number: str = "",
    household_size: int = 1,
    actor,
) -> NeedItem:
    """One need with an owner (a member of the case's organisation) and a due
    date. Food also creates an aid request (porch.aid.actions) for the family."""
    from porch.accounts.models import User
    from porch.coalition.access import counting_memberships

    errors = {}
    details = (details or "").strip()
    if need not in Need.values:
        errors["need"] = [_("Choose a need from the list.")]
    owner = (
        User.objects.filter(
            handle=(owner_handle or "").strip(),
            status=User.Status.ACTIVE,
            pk__in=counting_memberships().filter(organisation=case.organisation).values("user_id"),
        ).first()
        if owner_handle
        else None
    )
    if owner is None:
        errors["owner"] = [_("Enter the handle of an active member of your organisation.")]
    if due_on is None:
        errors["due_on"] = [_("Enter a due date.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if len(details) > 500:
        errors["details"] = [_("Keep the details under 500 characters.")]
    if need == Need.FOOD and not (callback_number or "").strip():
        errors["callback_number"] = [_("Give the family's number, for the food callback.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _live_case(case)
        aid_code = ""
        if need == Need.FOOD:
            from porch.aid import actions as aid_actions

            request = aid_actions.do_create_request(
                case.organisation,
                callback_number=callback_number,
                zone=case.zone,
                household_size=household_size,
                needs=["staples", "produce"],
                urgency="soon",
                actor=actor,
            )
            aid_code = request.code
        item = NeedItem(
            case=case,
            need=need,
            owner=owner,
            due_on=due_on,
            aid_request_code=aid_code,
            subject=case.subject,
        )
        if details:
            item.details = details
        item.save()
        audit.record(actor, "response_cases.need.added", obj=case, organisation=case.organisation)
    return item


def do_mark_need_done(item: NeedItem, *, actor) -> NeedItem:
    with transaction.atomic():
        case = _live_case(item.case)
        if not NeedItem.objects.filter(pk=item.pk, done=False).update(done=True):
            raise ValidationError(_("This need is already done."))
        audit.record(actor, "response_cases.need.done", obj=case, organisation=case.organisation)
    item.refresh_from_db()
    return item


def _counts(case: FollowUpCase) -> dict:
    items = list(case.items.values_list("need", "done"))
    counts = dict(Counter(need for need, _done in items))
    counts["done"] = sum(1 for _need, done in items if done)
    return counts


def do_close_case(case: FollowUpCase, *, legal_hold: bool = False, actor) -> FollowUpCase:
    """Close: shred the case's and the handoff's personal data now, keeping
    counts. Under a legal hold both subjects expire instead at the closed-case
    limit (30 days at most, PORCH_RETENTION_HOURS may shorten it) and the
    vault's purge shreds them then."""
    with transaction.atomic():
        case = _live_case(case)
        case.counts = _counts(case)
        case.closed_on = timezone.localdate()
        subjects = [s for s in (case.subject, getattr(case.handoff, "subject", None)) if s]
        if legal_hold:
            case.hold_until = expiry_for("closed_case")
            case.status = FollowUpCase.Status.HELD
            Subject.objects.filter(pk__in=[s.pk for s in subjects]).update(
                expires_at=case.hold_until
            )
        else:
            case.status = FollowUpCase.Status.PURGED
        case.save(update_fields=["counts", "closed_on", "hold_until", "status"])
        audit.record(
            actor,
            "response_cases.case.held" if legal_hold else "response_cases.case.closed",
            obj=case,
            organisation=case.organisation,
        )
        if not legal_hold:
            shred_many(subjects)
    case.refresh_from_db()
    return case


def do_release_hold(case: FollowUpCase, *, actor) -> FollowUpCase:
    """The hold is lifted early: purge now."""
    with transaction.atomic():
        case = FollowUpCase.objects.select_for_update().get(pk=case.pk)
        if case.status != FollowUpCase.Status.HELD:
            raise ValidationError(_("This case is not under a legal hold."))
        subjects = [s for s in (case.subject, getattr(case.handoff, "subject", None)) if s]
        audit.record(
            actor, "response_cases.case.released", obj=case, organisation=case.organisation
        )
        shred_many(subjects)
    case.refresh_from_db()
    return case


def forget_case(subject) -> None:
    """Shredder hook: the case's subject is going; its needs (owners, dates,
    sealed details) go with it (CASCADE). The case row keeps its counts."""
    FollowUpCase.objects.filter(subject=subject).update(
        status=FollowUpCase.Status.PURGED, hold_until=None
    )
