"""Authorization matrix rows for recruitment (R30; format in
tests/test_authorization_matrix.py).

The volunteer questions explain themselves to anyone and take answers from
anyone signed in, waiting for vouches or active; the status page is the
person's own. Recruits, giving a role and importing a sheet are for the
organisation's coordinators and organisation admins; everyone else 404.
"""

from porch.core.tests.matrix import Row, signed_in, table

WRONG = table("405", unverified="two_factor")
COORDINATORS_A = signed_in("404", coordinator="ok", org_admin="ok")
COORDINATORS_REFUSE_EMPTY = signed_in("404", coordinator="invalid", org_admin="invalid")
NOBODY = signed_in("404")

ORG = {
    "own": lambda w: {"code": w.org_a.code},
    "other": lambda w: {"code": w.org_b.code},
}
MEMBER = {
    "own": lambda w: {"code": w.org_a.code, "member": w.vic.code},
    "other": lambda w: {"code": w.org_b.code, "member": w.cal.code},
}

ROWS = [
    Row(
        "volunteers:join",
        expect={
            "GET": {"none": table("ok")},
            # The empty body answers nothing: refused for everyone signed in.
            "POST": {"none": signed_in("invalid")},
        },
    ),
    Row(
        "volunteers:status",
        expect={"GET": {"none": signed_in("ok")}, "POST": {"none": WRONG}},
    ),
    Row(
        "volunteers:recruits",
        states=ORG,
        expect={
            "GET": {"own": COORDINATORS_A, "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    Row(
        "volunteers:recruit-role",
        states=MEMBER,
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": COORDINATORS_REFUSE_EMPTY, "other": NOBODY},
        },
    ),
    Row(
        "volunteers:import",
        states=ORG,
        expect={
            "GET": {"own": COORDINATORS_A, "other": NOBODY},
            "POST": {"own": COORDINATORS_REFUSE_EMPTY, "other": NOBODY},
        },
    ),
]
