"""Authorization matrix row for a driver's car page (porch/aid/car_views.py).

A driver of the organisation sets their own car; a coordinator sees the
drivers' cars and sets one for a driver (the matrix body names no driver, so
a coordinator who does not drive is let in but refused). Another
organisation's page is 404 to everyone.
"""

from porch.core.tests.matrix import Row, signed_in

STATES = {
    "own": lambda w: {"code": w.org_a.code},
    "other": lambda w: {"code": w.org_b.code},
}

ROWS = [
    Row(
        "aid:car",
        states=STATES,
        expect={
            "GET": {
                "own": signed_in("404", driver="ok", coordinator="ok"),
                "other": signed_in("404"),
            },
            "POST": {
                "own": signed_in("404", driver="ok", coordinator="invalid"),
                "other": signed_in("404"),
            },
        },
        body={"bags": "12"},
    ),
]
