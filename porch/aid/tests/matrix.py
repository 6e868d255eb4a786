"""Authorization matrix rows for /aid/ (R30, R31; format in
tests/test_authorization_matrix.py).

Coordinators (ana) take calls, plan and publish for their organisation;
vetted drivers (ben) see open runs and claim them; a run's addresses, full
sheet and stop confirmations open only to its driver while it is under way
inside its window (R31). Everyone else, and every object of another
organisation, is 404.
"""

from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run, new_request
from porch.core.tests.matrix import Row, signed_in, table

WRONG = table("405", unverified="two_factor")
NOBODY = signed_in("404")
COORDINATOR = signed_in("404", coordinator="ok")
COORDINATOR_INVALID = signed_in("404", coordinator="invalid")
DRIVER = signed_in("404", driver="ok")
DRIVER_INVALID = signed_in("404", driver="invalid")


def orgs():
    return {"own": lambda w: {"code": w.org_a.code}, "other": lambda w: {"code": w.org_b.code}}


def requests():
    return {
        "own": lambda w: {"code": new_request(w.org_a, w.zone).code},
        "other": lambda w: {"code": new_request(w.org_b, w.zone_b).code},
    }


def _run(state):
    def build(w):
        if state == "open":
            return make_run(w.org_a, w.zone)
        if state == "claimed":
            return make_run(w.org_a, w.zone, status=DeliveryRun.Status.CLAIMED, driver=w.ben)
        if state == "underway":
            return make_run(w.org_a, w.zone, status=DeliveryRun.Status.DISPATCHED, driver=w.ben)
        return make_run(w.org_b, w.zone_b, status=DeliveryRun.Status.DISPATCHED, driver=w.cal)

    return build


RUN_STATES = ("open", "claimed", "underway", "other")


def runs():
    return {state: (lambda b: lambda w: {"code": b(w).code})(_run(state)) for state in RUN_STATES}


def stops():
    def build(state):
        def kwargs(w):
            run = _run(state)(w)
            return {"code": run.code, "stop": run.stops.get().code}

        return kwargs

    return {state: build(state) for state in ("claimed", "underway", "other")}


def org_form(name):
    return Row(
        f"aid:{name}",
        states=orgs(),
        expect={
            "GET": {"own": COORDINATOR, "other": NOBODY},
            "POST": {"own": COORDINATOR_INVALID, "other": NOBODY},
        },
    )


def run_row(name, *, get=None, post=None, states=None):
    states = states or runs()
    wrong = {state: WRONG for state in states}
    expect = {"GET": get or wrong, "POST": post or wrong}
    return Row(f"aid:{name}", states=states, expect=expect)


ROWS = [
    Row(
        "aid:index",
        expect={
            "GET": {"none": signed_in("404", coordinator="ok", driver="ok")},
            "POST": {"none": WRONG},
        },
    ),
    org_form("request-create"),
    org_form("intermediary-create"),
    org_form("hub-create"),
    org_form("plan"),
    Row(
        "aid:publish",
        states=orgs(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": COORDINATOR_INVALID, "other": NOBODY},
        },
    ),
    Row(
        "aid:request",
        states=requests(),
        expect={
            "GET": {"own": COORDINATOR, "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    Row(
        "aid:request-no-answer",
        states=requests(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": COORDINATOR, "other": NOBODY},
        },
    ),
    Row(
        "aid:request-confirm",
        states=requests(),
        expect={
            "GET": {"own": COORDINATOR, "other": NOBODY},
            "POST": {"own": COORDINATOR_INVALID, "other": NOBODY},
        },
    ),
    Row(
        "aid:request-close",
        states=requests(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": COORDINATOR_INVALID, "other": NOBODY},
        },
    ),
    run_row(
        "run",
        get={
            "open": signed_in("404", driver="ok", coordinator="ok"),
            "claimed": signed_in("404", driver="ok", coordinator="ok"),
            "underway": signed_in("404", driver="ok", coordinator="ok"),
            "other": NOBODY,
        },
    ),
    run_row(
        "run-claim",
        post={
            # A coordinator is let in (they see the run) but is not a driver.
            "open": signed_in("404", driver="ok", coordinator="invalid"),
            "claimed": signed_in("404", driver="409", coordinator="invalid"),
            "underway": signed_in("404", driver="409", coordinator="invalid"),
            "other": NOBODY,
        },
    ),
    run_row(
        "run-dispatch",
        post={"open": NOBODY, "claimed": DRIVER, "underway": DRIVER_INVALID, "other": NOBODY},
    ),
    run_row(
        "run-complete",
        post={"open": NOBODY, "claimed": DRIVER_INVALID, "underway": DRIVER, "other": NOBODY},
    ),
    run_row(
        "run-sheet",
        get={"open": NOBODY, "claimed": NOBODY, "underway": DRIVER, "other": NOBODY},
    ),
    run_row(
        "run-corners",
        get={"open": NOBODY, "claimed": DRIVER, "underway": DRIVER, "other": NOBODY},
    ),
    run_row(
        "stop-deliver",
        states=stops(),
        post={"claimed": NOBODY, "underway": DRIVER_INVALID, "other": NOBODY},
    ),
    run_row(
        "stop-fail",
        states=stops(),
        post={"claimed": NOBODY, "underway": DRIVER_INVALID, "other": NOBODY},
    ),
]
