"""Authorization matrix row for the request sheet import of /api/v1/aid/
(porch/api/aid.py, import block): coordinators of the organisation only."""

from porch.api.tests.matrix_aid import BOTH, COORDINATOR, NOBODY, WRONG_METHOD, orgs
from porch.core.tests.matrix import Row

ROWS = [
    Row(
        "api-v1:aid-request-import",
        states=orgs(),
        expect={
            "GET": {"own": WRONG_METHOD, "other": WRONG_METHOD},
            "POST": {"own": COORDINATOR, "other": NOBODY},
        },
        auth=BOTH,
        json=True,
        body={"csv": "Phone,Zone\n", "dry_run": True},
    ),
]
