"""Reimbursement pages: a driver claims with a photo, a coordinator approves once.

Through HTTP with the test client. The photo is read in memory only (the
default handlers would spool a large upload to a plaintext temporary file:
the test makes that fail loudly), re-encoded without EXIF and sealed.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from porch.aid.models import DeliveryRun, Reimbursement
from porch.aid.tests.fixtures import make_run
from porch.core.models import AuditEntry
from porch.core.testing import sign_in

pytestmark = pytest.mark.django_db

GPS_MARK = "CANARY-GPS-4500N9329W"


def photo(size=(64, 48), noise=False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    if noise:
        image = Image.frombytes(
            "RGB", size, bytes((i * 7919) % 251 for i in range(3 * size[0] * size[1]))
        )
    exif = Image.Exif()
    exif[0x9286] = GPS_MARK
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def claim(client, org, run_code, amount="23.50", data=None):
    upload = SimpleUploadedFile("r.jpg", data if data is not None else photo(), "image/jpeg")
    return client.post(
        f"/aid/orgs/{org.code}/reimbursements/",
        {"run_code": run_code, "amount": amount, "receipt": upload},
    )


@pytest.fixture
def no_spooling(monkeypatch):
    """Any upload written to a temporary file fails the test."""
    from django.core.files import uploadhandler

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled to disk")

    monkeypatch.setattr(uploadhandler.TemporaryUploadedFile, "__init__", refuse)


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_driver_claims_and_a_coordinator_approves_once(cast, no_spooling):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    ben = client_for(cast.ben)
    page = ben.get(f"/aid/orgs/{cast.org_a.code}/reimbursements/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    big = photo((400, 300), noise=True)
    assert len(big) > 1024  # larger than the in-memory threshold: default handlers would spool
    assert claim(ben, cast.org_a, run.code.lower(), data=big).status_code == 302
    item = Reimbursement.objects.get()
    assert (item.run_code, item.amount_cents, item.status) == (run.code, 2350, "submitted")
    receipt = ben.get(f"/aid/reimbursements/{item.code}/receipt/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "image/jpeg"
    assert receipt["Cache-Control"] == "no-store"
    assert GPS_MARK.encode() not in receipt.content and b"Exif" not in receipt.content
    # A driver cannot decide, nor see the counts.
    assert (
        ben.post(f"/aid/reimbursements/{item.code}/decide/", {"decision": "approve"}).status_code
        == 404
    )
    assert (
        "reimbursement-counts"
        not in ben.get(f"/aid/orgs/{cast.org_a.code}/reimbursements/").content.decode()
    )

    ana = client_for(cast.ana)
    listing = ana.get(f"/aid/orgs/{cast.org_a.code}/reimbursements/").content.decode()
    assert f"claim-{item.code}" in listing and "23.50" in listing
    assert cast.ben.handle not in listing  # no names
    answer = ana.post(f"/aid/reimbursements/{item.code}/decide/", {"decision": "approve"})
    assert answer.status_code == 302
    again = ana.post(f"/aid/reimbursements/{item.code}/decide/", {"decision": "refuse"})
    assert again.status_code == 400 and "already been decided" in again.content.decode()
    item.refresh_from_db()
    assert item.status == "approved" and item.decided_by == cast.ana
    counts = ana.get(f"/aid/orgs/{cast.org_a.code}/reimbursements/").content.decode()
    assert 'id="count-approved"' in counts
    assert AuditEntry.objects.filter(action="aid.reimbursement.approved").count() == 1


def test_bad_claims_are_refused_with_a_message_and_nothing_saved(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    other = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ana)
    ben = client_for(cast.ben)
    not_mine = claim(ben, cast.org_a, other.code)
    assert not_mine.status_code == 400 and "run you drove" in not_mine.content.decode()
    not_photo = claim(ben, cast.org_a, run.code, data=b"%PDF-1.4 not a photo")
    assert not_photo.status_code == 400 and "must be a photo" in not_photo.content.decode()
    too_much = claim(ben, cast.org_a, run.code, amount="1000.01")
    assert too_much.status_code == 400
    no_photo = ben.post(
        f"/aid/orgs/{cast.org_a.code}/reimbursements/", {"run_code": run.code, "amount": "5"}
    )
    assert no_photo.status_code == 400 and "Attach a photo" in no_photo.content.decode()
    with override_settings(PORCH_MAX_UPLOAD_BYTES=20_000):
        huge = claim(ben, cast.org_a, run.code, data=photo((600, 400), noise=True))
    assert huge.status_code == 413
    assert not Reimbursement.objects.exists()


def test_a_receipt_photo_may_be_larger_than_the_cap_on_other_requests(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    big = photo((600, 400), noise=True)
    assert len(big) > 20_000
    with override_settings(PORCH_MAX_BODY_BYTES=20_000):
        sent = claim(client_for(cast.ben), cast.org_a, run.code, data=big)
    assert sent.status_code == 302
    assert Reimbursement.objects.count() == 1


def test_other_organisations_and_strangers_see_nothing(cast):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    assert claim(client_for(cast.ben), cast.org_a, run.code).status_code == 302
    item = Reimbursement.objects.get()
    cal = client_for(cast.cal)
    assert cal.get(f"/aid/orgs/{cast.org_a.code}/reimbursements/").status_code == 404
    assert cal.get(f"/aid/reimbursements/{item.code}/receipt/").status_code == 404
    assert (
        cal.post(f"/aid/reimbursements/{item.code}/decide/", {"decision": "approve"}).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.status == "submitted"
