"""Authorization matrix rows for /response/ (R30; format in
tests/test_authorization_matrix.py).

The desk (dispatchers and coordinators — ana) reads and writes its
organisation's reports and alerts; a verifier (dee) reads and answers only
their own dispatches; every member may report activity to their own
organisation. Another organisation's objects are 404. The status page is
public.
"""

from porch.core.tests.matrix import PUBLIC, Row, signed_in, table

WRONG = table("405", unverified="two_factor")
NOBODY = signed_in("404")
DESK = signed_in("404", coordinator="ok")
DESK_INVALID = signed_in("404", coordinator="invalid")
MEMBERS = signed_in("404", members_a="ok", coalition_admin="ok")
MEMBERS_INVALID = signed_in("404", members_a="invalid", coalition_admin="invalid")


def _report(w, organisation, zone):
    from porch.response import actions

    return actions.do_take_report(organisation, zone=zone, actor=None)


def orgs():
    return {"own": lambda w: {"code": w.org_a.code}, "other": lambda w: {"code": w.org_b.code}}


def reports():
    return {
        "own": lambda w: {"code": _report(w, w.org_a, w.zone).code},
        "other": lambda w: {"code": _report(w, w.org_b, w.zone_b).code},
    }


def _alert(w, organisation, zone):
    from porch.response.models import Alert

    return Alert.objects.create(organisation=organisation, zone=zone, time_bucket="14:30").code


def alerts():
    return {
        "own": lambda w: {"code": _alert(w, w.org_a, w.zone)},
        "other": lambda w: {"code": _alert(w, w.org_b, w.zone_b)},
    }


def _dispatch(w, organisation, zone, verifier):
    from porch.response.models import Dispatch

    return Dispatch.objects.create(report=_report(w, organisation, zone), verifier=verifier).code


def dispatches():
    # "other": a verifier of org B who is none of the actors.
    return {
        "own": lambda w: {"code": _dispatch(w, w.org_a, w.zone, w.dee)},
        "other": lambda w: {"code": _dispatch(w, w.org_b, w.zone_b, w.member(w.org_b, "verifier"))},
    }


def report_post(name, own=DESK_INVALID):
    return Row(
        f"response:{name}",
        states=reports(),
        expect={"GET": {"own": WRONG, "other": WRONG}, "POST": {"own": own, "other": NOBODY}},
    )


def alert_post(name):
    return Row(
        f"response:{name}",
        states=alerts(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": DESK_INVALID, "other": NOBODY},
        },
    )


def dispatch_post(name):
    return Row(
        f"response:{name}",
        states=dispatches(),
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": signed_in("404", verifier="invalid"), "other": NOBODY},
        },
    )


ROWS = [
    Row(
        "response:index",
        expect={
            "GET": {"none": signed_in("404", members_a="ok", coalition_admin="ok", other_org="ok")},
            "POST": {"none": WRONG},
        },
    ),
    Row(
        "response:report-create",
        states=orgs(),
        expect={
            "GET": {"own": DESK, "other": NOBODY},
            "POST": {"own": DESK_INVALID, "other": NOBODY},
        },
    ),
    Row(
        "response:member-report",
        states=orgs(),
        expect={
            "GET": {"own": MEMBERS, "other": signed_in("404", other_org="ok")},
            "POST": {"own": MEMBERS_INVALID, "other": signed_in("404", other_org="invalid")},
        },
    ),
    Row(
        "response:report",
        states=reports(),
        expect={"GET": {"own": DESK, "other": NOBODY}, "POST": {"own": WRONG, "other": WRONG}},
    ),
    report_post("report-triage"),
    report_post("report-merge"),
    report_post("report-dispatch"),
    report_post("report-publish"),
    report_post("report-close", own=DESK),
    alert_post("alert-clear"),
    alert_post("alert-correct"),
    Row(
        "response:dispatch",
        states=dispatches(),
        expect={
            "GET": {"own": signed_in("404", verifier="ok"), "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    dispatch_post("dispatch-answer"),
    dispatch_post("dispatch-outcome"),
    Row(
        "response:status",
        states={"own": lambda w: {"code": w.coalition.code}},
        expect={"GET": {"own": PUBLIC}, "POST": {"own": WRONG}},
    ),
]
