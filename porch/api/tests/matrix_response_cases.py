"""Authorization matrix rows for /api/v1/response-cases/ (R30; format in
tests/test_authorization_matrix.py). Same rules as the legal pages
(porch/response/cases/tests/matrix.py): any active member sends a handoff to
their organisation; only its legal partner (lia) reads handoffs and cases;
lists are filtered, objects of others are 404."""

from porch.core.tests.matrix import Row, api, table
from porch.response.cases.tests.matrix import cases, handoffs, orgs

BOTH = ("session", "token")
WRONG_METHOD = table("405", unverified="401")
NOBODY = api("404")
LEGAL = api("404", legal="ok")


def row(name, *, states=None, get=None, post=None, other_get=None, other_post=None, body=None):
    states = states or {"none": lambda w: {}}
    expect = {}
    for method, own, other in (("GET", get, other_get), ("POST", post, other_post)):
        if own is None:
            continue
        expect[method] = {"none": own} if "none" in states else {"own": own, "other": other}
    return Row(f"api-v1:{name}", states=states, expect=expect, auth=BOTH, json=True, body=body)


ROWS = [
    # Any member sends one to their own organisation (cal is in org B).
    row(
        "legal-handoff-create",
        states=orgs(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=api("404", members_a="ok", coalition_admin="ok"),
        other_post=api("404", other_org="ok"),
        body={"time_bucket": "last_hour", "what_happened": "seen", "contact_route": "via pastor"},
    ),
    row("legal-handoffs", get=api("ok"), post=WRONG_METHOD),
    row(
        "legal-handoff",
        states=handoffs(),
        get=LEGAL,
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    row(
        "legal-handoff-accept",
        states=handoffs(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=LEGAL,
        other_post=NOBODY,
    ),
    # A new handoff has not been accepted yet: let in, refused by the state.
    row(
        "legal-handoff-case",
        states=handoffs(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=api("404", legal="409"),
        other_post=NOBODY,
    ),
    row(
        "legal-case",
        states=cases(),
        get=LEGAL,
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    row(
        "legal-case-need",
        states=cases(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=LEGAL,
        other_post=NOBODY,
        body={"need": "rides", "owner": "ben", "due_on": "2099-01-01"},
    ),
    row(
        "legal-case-close",
        states=cases(),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=LEGAL,
        other_post=NOBODY,
        body={"legal_hold": False},
    ),
]
