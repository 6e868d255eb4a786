"""Authorization matrix rows for the panic pages (R21, R28, R30; format in
tests/test_authorization_matrix.py).

Panic is for organisation admins (their own organisations) and coalition
admins (the whole instance) only; everyone else gets 404. Asking and
deciding need a fresh second factor (step-up). A request is decided by a
second admin of the same scope, never the one who asked. Views check
sign-in before the method, so a signed-out wrong method is a sign-in redirect.
"""

from porch.core.tests.matrix import Row, signed_in


def _approval(w, scope):
    from porch.accounts.models import Approval
    from porch.vault.panic import INSTANCE_KIND, ORG_KIND

    if scope == "instance":
        approval = Approval.objects.create(
            kind=INSTANCE_KIND, payload={"scope": "instance"}, requested_by=w.hal
        )
    else:
        org = w.org_a if scope == "own" else w.org_b
        approval = Approval.objects.create(
            kind=ORG_KIND,
            payload={"organisation": org.code},
            organisation=org,
            requested_by=w.fay if scope == "own" else w.hal,
        )
    return {"code": approval.code}


PANIC_STATES = {
    "own": lambda w: _approval(w, "own"),  # org A, asked by fay: eve decides
    "instance": lambda w: _approval(w, "instance"),  # asked by hal: gus decides
    "other": lambda w: _approval(w, "other"),  # org B: no actor administers it
}

WRONG_METHOD = signed_in("405")

ROWS = [
    Row(
        "vault:panic",
        expect={
            "GET": {"none": signed_in("404", org_admin="ok", coalition_admin="ok")},
            "POST": {"none": WRONG_METHOD},
        },
    ),
    Row(
        "vault:panic-request",
        # An erasure of org A: eve may ask; gus administers no organisation
        # himself, so for him the choice is refused (he may only ask for all).
        body=lambda w, state: {"scope": f"org:{w.org_a.code}", "confirm": "ERASE"},
        expect={
            "GET": {"none": WRONG_METHOD},
            "POST": {
                "none": signed_in("404", org_admin="ok", coalition_admin="invalid", stale="step_up")
            },
        },
    ),
    Row(
        "vault:panic-decide",
        states=PANIC_STATES,
        body={"decision": "reject"},
        expect={
            "GET": {state: WRONG_METHOD for state in PANIC_STATES},
            "POST": {
                "own": signed_in("404", org_admin="ok", stale="step_up"),
                "instance": signed_in("404", coalition_admin="ok", stale="step_up"),
                "other": signed_in("404", stale="step_up"),
            },
        },
    ),
]
