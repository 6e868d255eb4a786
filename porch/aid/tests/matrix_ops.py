"""Authorization matrix rows for the operations slice of /aid/: the stop page
a run sheet's QR code opens (R31: only the run's driver, under way, inside the
window), run cancellation (coordinators) and the CSV import (coordinators)."""

from porch.aid.tests.matrix import DRIVER, NOBODY, WRONG, _run, orgs, run_row
from porch.core.tests.matrix import Row, signed_in

COORDINATOR = signed_in("404", coordinator="ok")
COORDINATOR_INVALID = signed_in("404", coordinator="invalid")


def _stops():
    def build(state):
        return lambda w: {"stop": _run(state)(w).stops.get().code}

    return {state: build(state) for state in ("claimed", "underway", "other")}


ROWS = [
    Row(
        "aid:stop",
        states=_stops(),
        expect={
            "GET": {"claimed": NOBODY, "underway": DRIVER, "other": NOBODY},
            "POST": {"claimed": WRONG, "underway": WRONG, "other": WRONG},
        },
    ),
    # A coordinator cancels an open or claimed run; a run under way is refused.
    run_row(
        "run-cancel",
        post={
            "open": COORDINATOR,
            "claimed": COORDINATOR,
            "underway": COORDINATOR_INVALID,
            "other": NOBODY,
        },
    ),
    run_row(
        "run-unpublish",
        post={
            "open": COORDINATOR,
            "claimed": COORDINATOR_INVALID,
            "underway": COORDINATOR_INVALID,
            "other": NOBODY,
        },
    ),
    # Upload → mapping → dry run → import; an empty POST is a form error.
    Row(
        "aid:import-requests",
        states=orgs(),
        expect={
            "GET": {"own": COORDINATOR, "other": NOBODY},
            "POST": {"own": COORDINATOR_INVALID, "other": NOBODY},
        },
    ),
]
