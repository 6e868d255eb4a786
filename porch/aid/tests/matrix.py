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


# ---- Hubs slice (hub keepers and coordinators; porch/aid/hub_views.py) ----


def _hubs():
    from porch.aid.tests.fixtures import hub_for

    return {
        "own": lambda w: {"code": hub_for(w.org_a, w.zone).code},
        "other": lambda w: {"code": hub_for(w.org_b, w.zone_b).code},
    }


def _public_hubs():
    from porch.aid.models import Hub
    from porch.aid.tests.fixtures import hub_for

    def public(w):
        hub = hub_for(w.org_a, w.zone)
        Hub.objects.filter(pk=hub.pk).update(is_public=True)
        return {"code": hub.code}

    return {"public": public, "private": lambda w: {"code": hub_for(w.org_a, w.zone).code}}


def _reservations():
    from porch.aid.hubs import do_add_stock_item, do_record_donation, do_reserve_stock

    def build(org, zone):
        def kwargs(w):
            run = make_run(org(w), zone(w))
            item = do_add_stock_item(run.hub, name="Rice", actor=None)
            do_record_donation(item, 5, actor=None)
            reservation = do_reserve_stock(run, item, 2, actor=None)
            return {"code": run.hub.code, "reservation": reservation.code}

        return kwargs

    return {
        "own": build(lambda w: w.org_a, lambda w: w.zone),
        "other": build(lambda w: w.org_b, lambda w: w.zone_b),
    }


def hub_post(name, own=COORDINATOR_INVALID, states=None):
    return Row(
        f"aid:{name}",
        states=states or _hubs(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": own, "other": NOBODY},
        },
    )


ROWS += [
    Row(
        "aid:hubs",
        expect={"GET": {"none": COORDINATOR}, "POST": {"none": WRONG}},
        states={"none": lambda w: (_hubs()["own"](w), {})[1]},
    ),
    Row(
        "aid:hub",
        states=_hubs(),
        expect={
            "GET": {"own": COORDINATOR, "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    hub_post("hub-item-create"),
    hub_post("hub-threshold"),
    hub_post("hub-donation"),
    hub_post("hub-reserve"),
    hub_post("hub-meals"),
    hub_post("hub-public", own=COORDINATOR),
    hub_post("hub-reservation-release", own=COORDINATOR, states=_reservations()),
    Row(
        "aid:hub-needs",
        states=_public_hubs(),
        expect={
            "GET": {"public": table("ok"), "private": table("404")},
            "POST": {"public": WRONG, "private": WRONG},
        },
    ),
]
