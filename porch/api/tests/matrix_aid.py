"""Authorization matrix rows for /api/v1/aid/ (R30, R46; format in
tests/test_authorization_matrix.py). Same rules as the aid pages
(porch/aid/tests/matrix.py): requests are for the organisation's intake
volunteers and coordinators (ana), open runs for vetted drivers (ben), a
day's plan for coordinators; everything of another organisation is 404, and
a refused credential 401."""

from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run, new_request
from porch.core.tests.matrix import Row, api, table

BOTH = ("session", "token")
WRONG_METHOD = table("405", unverified="401")
NOBODY = api("404")
COORDINATOR = api("404", coordinator="ok")
DRIVER = api("404", driver="ok")


def orgs():
    return {"own": lambda w: {"code": w.org_a.code}, "other": lambda w: {"code": w.org_b.code}}


def requests():
    return {
        "own": lambda w: {"code": new_request(w.org_a, w.zone).code},
        "other": lambda w: {"code": new_request(w.org_b, w.zone_b).code},
    }


def runs():
    return {
        "own": lambda w: {"code": make_run(w.org_a, w.zone).code},
        "other": lambda w: {"code": make_run(w.org_b, w.zone_b).code},
    }


def held_runs():
    return {
        "own": lambda w: {
            "code": make_run(w.org_a, w.zone, status=DeliveryRun.Status.CLAIMED, driver=w.ben).code
        },
        "other": lambda w: {
            "code": make_run(
                w.org_b, w.zone_b, status=DeliveryRun.Status.CLAIMED, driver=w.cal
            ).code
        },
    }


def row(name, *, states=None, get=None, post=None, other_get=None, other_post=None, body=None):
    states = states or {"none": lambda w: {}}
    expect = {}
    for method, own, other in (("GET", get, other_get), ("POST", post, other_post)):
        if own is None:
            continue
        expect[method] = {"none": own} if "none" in states else {"own": own, "other": other}
    return Row(f"api-v1:{name}", states=states, expect=expect, auth=BOTH, json=True, body=body)


ROWS = [
    # GET of this path is the list; POST is aid-request-create's row.
    row("aid-requests", states=orgs(), get=COORDINATOR, other_get=NOBODY),
    row(
        "aid-request-create",
        states=orgs(),
        post=COORDINATOR,
        other_post=NOBODY,
        body=lambda w, state: {"callback_number": "+16125550199", "zone": w.zone.code},
    ),
    row(
        "aid-request",
        states=requests(),
        get=COORDINATOR,
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    row(
        "aid-request-no-answer",
        states=requests(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=COORDINATOR,
        other_post=NOBODY,
    ),
    row(
        "aid-request-close",
        states=requests(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=COORDINATOR,
        other_post=NOBODY,
        body={"status": "duplicate"},
    ),
    row("aid-open-runs", get=api("ok"), post=WRONG_METHOD),
    row("aid-my-runs", get=api("ok"), post=WRONG_METHOD),
    # An open run: its organisation's coordinators and vetted drivers see it.
    row(
        "aid-run",
        states=runs(),
        get=api("404", coordinator="ok", driver="ok"),
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    Row(
        "api-v1:aid-run-claim",
        states={**runs(), "held": held_runs()["own"]},
        expect={
            "GET": dict.fromkeys(("own", "other", "held"), WRONG_METHOD),
            # A run someone holds already is a conflict for the driver (R46).
            "POST": {"own": DRIVER, "other": NOBODY, "held": api("404", driver="409")},
        },
        auth=BOTH,
        json=True,
    ),
    row(
        "aid-plan",
        states=orgs(),
        get=COORDINATOR,
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
]
