"""Reimbursements: receipt re-encoded without EXIF/GPS and sealed; approval; counts."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from PIL import Image

from porch.aid import reimbursements
from porch.aid.models import DeliveryRun, Reimbursement
from porch.aid.tests.fixtures import make_run

pytestmark = pytest.mark.django_db

GPS_MARK = b"CANARY-GPS-4500N9329W"


def _photo_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x9286] = GPS_MARK.decode()  # UserComment
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    assert GPS_MARK in out.getvalue()
    return out.getvalue()


def test_the_receipt_loses_its_metadata_and_is_sealed(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    item = reimbursements.do_submit_reimbursement(
        cast.org_a, run_code=run.code, amount_cents=2350, receipt=_photo_with_exif(), actor=cast.ben
    )
    photo = reimbursements.receipt_bytes(Reimbursement.objects.get(pk=item.pk))
    assert photo.startswith(b"\xff\xd8")
    assert GPS_MARK not in photo and b"CanaryCam" not in photo and b"Exif" not in photo
    assert not Image.open(io.BytesIO(photo)).getexif()
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt FROM aid_reimbursement")
        (raw,) = cursor.fetchone()
    assert photo[:64] not in bytes(raw)
    assert b"/9j/" not in bytes(raw)  # no base64 JPEG header in the clear


def test_a_stranger_to_the_run_and_a_bad_photo_are_refused(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ana)
    with pytest.raises(ValidationError, match="run you drove"):
        reimbursements.do_submit_reimbursement(
            cast.org_a,
            run_code=run.code,
            amount_cents=100,
            receipt=_photo_with_exif(),
            actor=cast.ben,
        )
    with pytest.raises(ValidationError, match="must be a photo"):
        reimbursements.do_submit_reimbursement(
            cast.org_a, run_code=run.code, amount_cents=100, receipt=b"not an image", actor=cast.ana
        )
    assert not Reimbursement.objects.exists()


def test_a_coordinator_approves_once_and_counts_follow(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    item = reimbursements.do_submit_reimbursement(
        cast.org_a, run_code=run.code, amount_cents=1200, receipt=_photo_with_exif(), actor=cast.ben
    )
    with pytest.raises(ValidationError):
        reimbursements.do_decide_reimbursement(item, True, actor=cast.ben)
    reimbursements.do_decide_reimbursement(item, True, actor=cast.ana)
    with pytest.raises(ValidationError, match="already"):
        reimbursements.do_decide_reimbursement(item, False, actor=cast.ana)
    assert reimbursements.counts(cast.org_a) == {"approved": {"count": 1, "cents": 1200}}
