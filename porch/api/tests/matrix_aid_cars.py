"""Authorization matrix row for POST /api/v1/aid/organisations/{code}/car
(a driver's car size and usual hub): a driver of the organisation sets their
own; a coordinator who does not drive is let in and refused (409: no driver
named); another organisation's is 404."""

from porch.aid.tests.matrix_cars import STATES
from porch.core.tests.matrix import Row, api, table

WRONG_METHOD = table("405", unverified="401")

ROWS = [
    Row(
        "api-v1:aid-car",
        states=STATES,
        expect={
            "GET": dict.fromkeys(STATES, WRONG_METHOD),
            "POST": {
                "own": api("404", driver="ok", coordinator="409"),
                "other": api("404"),
            },
        },
        body={"bags": 12},
        auth=("session", "token"),
        json=True,
    ),
]
