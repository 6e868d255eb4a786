"""/api/v1/aid/…/reimbursements: claim with a base64 photo, list, decide once."""

import base64
import io

import pytest
from PIL import Image

from porch.accounts.actions import do_create_api_token
from porch.aid.models import DeliveryRun, Reimbursement
from porch.aid.tests.fixtures import make_run

pytestmark = pytest.mark.django_db

GPS_MARK = "CANARY-GPS-4500N9329W"


def bearer(user):
    _token, key = do_create_api_token(user, "test", actor=user)
    return {"Authorization": f"Bearer {key}"}


def photo_b64() -> str:
    exif = Image.Exif()
    exif[0x9286] = GPS_MARK
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(out, "JPEG", exif=exif.tobytes())
    return base64.b64encode(out.getvalue()).decode("ascii")


def test_a_driver_claims_and_a_coordinator_lists_and_approves_once(cast, client):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    base = f"/api/v1/aid/organisations/{cast.org_a.code}/reimbursements"
    ben = bearer(cast.ben)
    body = {"run_code": run.code, "amount_cents": 1875, "receipt_base64": photo_b64()}
    created = client.post(base, body, content_type="application/json", headers=ben)
    assert created.status_code == 201, created.content
    out = created.json()
    assert set(out) == {"code", "run_code", "amount_cents", "status", "submitted_on", "decided_on"}
    assert (out["run_code"], out["amount_cents"], out["status"]) == (run.code, 1875, "submitted")
    item = Reimbursement.objects.get()
    assert GPS_MARK.encode() not in base64.b64decode(item.receipt)

    mine = client.get(base, headers=ben).json()
    assert mine["counts"] == {} and [i["code"] for i in mine["items"]] == [item.code]
    decide = f"/api/v1/aid/reimbursements/{item.code}/decision"
    assert (
        client.post(
            decide, {"approve": True}, content_type="application/json", headers=ben
        ).status_code
        == 404
    )

    ana = bearer(cast.ana)
    listing = client.get(base, headers=ana).json()
    assert listing["counts"] == {"submitted": {"count": 1, "cents": 1875}}
    first = client.post(decide, {"approve": False}, content_type="application/json", headers=ana)
    assert first.status_code == 200 and first.json()["status"] == "refused"
    second = client.post(decide, {"approve": True}, content_type="application/json", headers=ana)
    assert second.status_code == 409 and "already been decided" in second.json()["detail"]
    assert client.get(base, headers=ana).json()["counts"] == {
        "refused": {"count": 1, "cents": 1875}
    }


def test_bad_claims_are_refused_and_nothing_is_saved(cast, client):
    run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ana)
    base = f"/api/v1/aid/organisations/{cast.org_a.code}/reimbursements"
    ben = bearer(cast.ben)

    def post(**changes):
        body = {"run_code": run.code, "amount_cents": 500, "receipt_base64": photo_b64()}
        body.update(changes)
        return client.post(base, body, content_type="application/json", headers=ben)

    not_mine = post()
    assert not_mine.status_code == 409 and not_mine.json()["errors"][0]["loc"] == ["run_code"]
    assert post(amount_cents=0).status_code == 422
    assert post(amount_cents=100_001).status_code == 422
    ana_run = make_run(cast.org_a, cast.zone, status=DeliveryRun.Status.COMPLETED, driver=cast.ben)
    not_base64 = post(run_code=ana_run.code, receipt_base64="****")
    assert not_base64.status_code == 409 and not_base64.json()["errors"][0]["loc"] == ["receipt"]
    not_photo = post(
        run_code=ana_run.code, receipt_base64=base64.b64encode(b"GIF? no").decode("ascii")
    )
    assert not_photo.status_code == 409
    other = f"/api/v1/aid/organisations/{cast.org_b.code}/reimbursements"
    assert client.get(other, headers=ben).status_code == 404
    assert not Reimbursement.objects.exists()
