"""Authorization matrix rows for the plan page's stop moves (porch/aid/plan_views.py).

Only a coordinator of the run's organisation moves a stop, and only a stop
of a draft run; a published run's stop and another organisation's are 404
to everyone. An empty body takes the stop off the runs (a valid move).
"""

from porch.aid.models import AidRequest, DeliveryRun
from porch.aid.tests.fixtures import make_run
from porch.core.tests.matrix import Row, signed_in, table

WRONG = table("405", unverified="two_factor")
NOBODY = signed_in("404")


def _stop(state):
    def kwargs(w):
        if state == "other":
            run = make_run(w.org_b, w.zone_b, status=DeliveryRun.Status.DRAFT, stops=2)
        elif state == "open":
            run = make_run(w.org_a, w.zone, stops=2)
        else:
            run = make_run(w.org_a, w.zone, status=DeliveryRun.Status.DRAFT, stops=2)
        if run.status == DeliveryRun.Status.DRAFT:
            AidRequest.objects.filter(stops__run=run).update(status=AidRequest.Status.CONFIRMED)
        return {"code": run.organisation.code, "stop": run.stops.order_by("position")[0].code}

    return kwargs


STATES = {state: _stop(state) for state in ("draft", "open", "other")}

ROWS = [
    Row(
        "aid:plan-move-stop",
        states=STATES,
        expect={
            "GET": {state: WRONG for state in STATES},
            "POST": {
                "draft": signed_in("404", coordinator="ok"),
                "open": NOBODY,
                "other": NOBODY,
            },
        },
    ),
]
