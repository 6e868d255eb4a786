"""Authorization matrix rows for the reimbursement part of /api/v1/aid/
(porch/api/aid.py, operations block). Drivers and coordinators of the
organisation list and claim (a driver sees their own claims); coordinators
decide; anything of another organisation is 404, a refused credential 401."""

import base64

from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run
from porch.aid.tests.matrix_reimbursements import _photo, claims
from porch.api.tests.matrix_aid import BOTH, NOBODY, WRONG_METHOD, orgs
from porch.core.tests.matrix import Row, api

BOTH_ROLES = api("404", coordinator="ok", driver="ok")


def _orgs_with_a_driven_run():
    def own(w):
        make_run(w.org_a, w.zone, status=DeliveryRun.Status.COMPLETED, driver=w.ben)
        return {"code": w.org_a.code}

    return {"own": own, "other": orgs()["other"]}


def _claim_body(w, state):
    run = DeliveryRun.objects.filter(organisation=w.org_a, driver=w.ben).first()
    return {
        "run_code": run.code if run else "NONE",
        "amount_cents": 999,
        "receipt_base64": base64.b64encode(_photo()).decode("ascii"),
    }


ROWS = [
    # GET of this path is the list; POST is aid-reimbursement-create's row.
    Row(
        "api-v1:aid-reimbursements",
        states=orgs(),
        expect={"GET": {"own": BOTH_ROLES, "other": NOBODY}},
        auth=BOTH,
        json=True,
    ),
    Row(
        "api-v1:aid-reimbursement-create",
        states=_orgs_with_a_driven_run(),
        expect={"POST": {"own": BOTH_ROLES, "other": NOBODY}},
        auth=BOTH,
        json=True,
        body=_claim_body,
    ),
    Row(
        "api-v1:aid-reimbursement-decide",
        states=claims(),
        expect={
            "GET": {"own": WRONG_METHOD, "other": WRONG_METHOD},
            # The claimant (the driver) sees the claim but cannot decide it.
            "POST": {"own": api("404", coordinator="ok"), "other": NOBODY},
        },
        auth=BOTH,
        json=True,
        body={"approve": True},
    ),
]
