"""Authorization matrix row for POST /api/v1/aid/organisations/{code}/plan/stops/{stop}/move
(the route-planning slice): a coordinator of the run's organisation moves a
draft stop; a published run's stop and another organisation's are 404."""

from porch.aid.tests.matrix_plan import STATES
from porch.core.tests.matrix import Row, api, table

WRONG_METHOD = table("405", unverified="401")

ROWS = [
    Row(
        "api-v1:aid-plan-move-stop",
        states=STATES,
        expect={
            "GET": dict.fromkeys(STATES, WRONG_METHOD),
            "POST": {
                "draft": api("404", coordinator="ok"),
                "open": api("404"),
                "other": api("404"),
            },
        },
        auth=("session", "token"),
        json=True,
    ),
]
