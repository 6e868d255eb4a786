"""Authorization matrix row for the volunteer sheet import in
/api/v1/volunteers/ (R30, R35; format in tests/test_authorization_matrix.py).
Coordinators and organisation admins of the organisation; everyone else 404,
a refused credential 401. The body is a dry run (nothing written)."""

from porch.core.tests.matrix import Row, api, table

WRONG_METHOD = table("405", unverified="401")
COORDINATORS_A = api("404", coordinator="ok", org_admin="ok")

ROWS = [
    Row(
        "api-v1:volunteers-import",
        states={
            "own": lambda w: {"code": w.org_a.code},
            "other": lambda w: {"code": w.org_b.code},
        },
        expect={
            "GET": {"own": WRONG_METHOD, "other": WRONG_METHOD},
            "POST": {"own": COORDINATORS_A, "other": api("404")},
        },
        auth=("session", "token"),
        json=True,
        body={"sheet": "Phone\n612-555-0100\n"},
    ),
]
