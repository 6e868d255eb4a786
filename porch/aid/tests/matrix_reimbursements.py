"""Authorization matrix rows for the reimbursement pages (/aid/; format in
tests/test_authorization_matrix.py). Drivers and coordinators of the
organisation open the page and claim; a driver sees their own claims and
receipts, a coordinator all of the organisation's and decides; everyone else,
and every object of another organisation, is 404."""

import io

from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run
from porch.aid.tests.matrix import NOBODY, WRONG, orgs
from porch.core.tests.matrix import Row, signed_in

BOTH_ROLES = signed_in("404", coordinator="ok", driver="ok")
BOTH_INVALID = signed_in("404", coordinator="invalid", driver="invalid")
COORDINATOR_INVALID = signed_in("404", coordinator="invalid")


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(out, "JPEG")
    return out.getvalue()


def _claim(org, zone, driver):
    from porch.aid.reimbursements import do_submit_reimbursement

    run = make_run(org, zone, status=DeliveryRun.Status.COMPLETED, driver=driver)
    return do_submit_reimbursement(
        org, run_code=run.code, amount_cents=1200, receipt=_photo(), actor=driver
    )


def claims():
    return {
        "own": lambda w: {"code": _claim(w.org_a, w.zone, w.ben).code},
        "other": lambda w: {"code": _claim(w.org_b, w.zone_b, w.cal).code},
    }


ROWS = [
    Row(
        "aid:reimbursements",
        states=orgs(),
        expect={
            "GET": {"own": BOTH_ROLES, "other": NOBODY},
            "POST": {"own": BOTH_INVALID, "other": NOBODY},
        },
    ),
    Row(
        "aid:reimbursement-decide",
        states=claims(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            # The driver who claimed sees the claim but cannot decide it.
            "POST": {"own": COORDINATOR_INVALID, "other": NOBODY},
        },
    ),
    Row(
        "aid:reimbursement-receipt",
        states=claims(),
        expect={
            "GET": {"own": BOTH_ROLES, "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
]
