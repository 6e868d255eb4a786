"""Reimbursements: an amount and a run code, a receipt photo, coordinator approval.

No names, no memos. The photo is decoded and re-encoded by Pillow as a plain
JPEG, which drops EXIF, GPS and every other metadata block (R6); the result
is sealed under the reimbursement's own vault subject before it reaches the
database (R19), so plaintext never touches disk. Shredding the subject
destroys the receipt; the amount and status remain for the counts.
"""

import base64
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from porch.aid import access
from porch.aid.models import DeliveryRun, Reimbursement
from porch.core import audit
from porch.vault.epochs import new_subject

MAX_CENTS = 100_000  # $1,000
MAX_UPLOAD = 10 * 1024 * 1024
MAX_SIDE = 1600
KIND = "aid_receipt"


def clean_receipt(data: bytes) -> bytes:
    """Decode, flatten to RGB, shrink, and save a fresh JPEG with no metadata."""
    if not data or len(data) > MAX_UPLOAD:
        raise ValidationError({"receipt": [_("Attach a photo of the receipt, up to 10 MB.")]})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            {"receipt": [_("The receipt must be a photo (JPEG or PNG).")]}
        ) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=80)
    return out.getvalue()


def do_submit_reimbursement(
    organisation, *, run_code: str, amount_cents: int, receipt: bytes, actor
) -> Reimbursement:
    run_code = (run_code or "").strip().upper()
    errors = {}
    if not isinstance(amount_cents, int) or not (1 <= amount_cents <= MAX_CENTS):
        errors["amount_cents"] = [_("Enter an amount between $0.01 and $1,000.")]
    if not DeliveryRun.objects.filter(
        organisation=organisation, code=run_code, driver=getattr(actor, "pk", None)
    ).exists() and not access.is_planner(actor, organisation):
        errors["run_code"] = [_("Enter the code of a run you drove for this organisation.")]
    if errors:
        raise ValidationError(errors)
    photo = clean_receipt(receipt)
    with transaction.atomic():
        subject = new_subject(KIND, organisation=organisation, data_class="receipt")
        item = Reimbursement(
            organisation=organisation,
            run_code=run_code,
            amount_cents=amount_cents,
            subject=subject,
            submitted_by=actor if getattr(actor, "pk", None) else None,
        )
        item.receipt = base64.b64encode(photo).decode("ascii")
        item.save()
        audit.record(actor, "aid.reimbursement.submitted", obj=item, organisation=organisation)
    return item


def receipt_bytes(item: Reimbursement) -> bytes:
    return base64.b64decode(item.receipt or "")


def do_decide_reimbursement(item: Reimbursement, approve: bool, *, actor) -> Reimbursement:
    if not access.is_planner(actor, item.organisation):
        raise ValidationError(_("Only a coordinator can approve reimbursements."))
    status = Reimbursement.Status.APPROVED if approve else Reimbursement.Status.REFUSED
    with transaction.atomic():
        done = Reimbursement.objects.filter(
            pk=item.pk, status=Reimbursement.Status.SUBMITTED
        ).update(status=status, decided_by=actor, decided_on=timezone.localdate())
        if not done:
            raise ValidationError(_("This reimbursement has already been decided."))
        item.refresh_from_db()
        audit.record(actor, f"aid.reimbursement.{status}", obj=item, organisation=item.organisation)
    return item


def counts(organisation) -> dict:
    """Number and total per status: what a coordinator and the coalition see."""
    rows = (
        Reimbursement.objects.filter(organisation=organisation)
        .values("status")
        .annotate(n=Count("pk"), cents=Sum("amount_cents"))
    )
    return {r["status"]: {"count": r["n"], "cents": r["cents"] or 0} for r in rows}


# ---- Reads (R30: missing and forbidden are both 404) ----------------------------------


def upload_limit() -> int:
    """The receipt cap: 10 MB, or the whole request's cap if that is smaller."""
    from django.conf import settings

    return min(MAX_UPLOAD, settings.PORCH_MAX_UPLOAD_BYTES)


def get_organisation_for_user(user, code: str):
    org = access.reimbursing_organisations(user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


def visible_in(user, organisation):
    """A coordinator sees the organisation's claims; a driver, their own."""
    found = Reimbursement.objects.filter(organisation=organisation)
    if not access.is_planner(user, organisation):
        found = found.filter(submitted_by=user)
    return found.defer("receipt")


def get_reimbursement_for_user(user, code: str) -> Reimbursement:
    for org in access.reimbursing_organisations(user):
        found = visible_in(user, org).filter(code=code).select_related("organisation").first()
        if found is not None:
            return found
    raise Http404
