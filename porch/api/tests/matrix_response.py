"""Authorization matrix rows for /api/v1/response/ (R30, R35; format in
tests/test_authorization_matrix.py). Same rules as the response pages
(porch/response/tests/matrix.py): the desk (ana) reads and acts on its
organisation's reports, a verifier (dee) reports outcomes on their own
dispatches only; lists are filtered, objects of others are 404."""

from porch.core.tests.matrix import Row, api, table
from porch.response.tests.matrix import dispatches, reports

BOTH = ("session", "token")
WRONG_METHOD = table("405", unverified="401")
NOBODY = api("404")


def row(name, *, states=None, get=None, post=None, other_get=None, other_post=None, body=None):
    states = states or {"none": lambda w: {}}
    expect = {}
    for method, own, other in (("GET", get, other_get), ("POST", post, other_post)):
        if own is None:
            continue
        expect[method] = {"none": own} if "none" in states else {"own": own, "other": other}
    return Row(f"api-v1:{name}", states=states, expect=expect, auth=BOTH, json=True, body=body)


ROWS = [
    row("response-reports", get=api("ok"), post=WRONG_METHOD),
    row("response-dispatches", get=api("ok"), post=WRONG_METHOD),
    row("response-alerts", get=api("ok"), post=WRONG_METHOD),
    row(
        "response-report",
        states=reports(),
        get=api("404", coordinator="ok"),
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    # A new report is not triaged yet, an untriaged one has no confirmations:
    # the desk is let in and refused by the state (409).
    row(
        "response-report-dispatch",
        states=reports(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=api("404", coordinator="409"),
        other_post=NOBODY,
    ),
    row(
        "response-report-alert",
        states=reports(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=api("404", coordinator="409"),
        other_post=NOBODY,
        body={"advice": "know_rights"},
    ),
    row(
        "response-dispatch-outcome",
        states=dispatches(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=api("404", verifier="409"),
        other_post=NOBODY,
        body={"outcome": "confirmed"},
    ),
]
