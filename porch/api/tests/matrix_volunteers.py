"""Authorization matrix rows for /api/v1/volunteers/ (R30, R35; format in
tests/test_authorization_matrix.py). Same rules as the volunteers pages
(porch/volunteers/tests/matrix.py): members see their organisations' sites
and slots and sign up, a sign-up is its volunteer's, coverage is for
coordinators; everything else is 404, and a refused credential 401."""

from porch.core.tests.matrix import Row, api, table
from porch.volunteers.tests.fixtures import tomorrow, world_objects

BOTH = ("session", "token")
WRONG_METHOD = table("405", unverified="401")
SEES_A = api("404", members_a="ok", coalition_admin="ok")
SEES_B = api("404", other_org="ok")
NOBODY = api("404")


def by(key):
    def build(state):
        return lambda w: {"code": world_objects(w, state)[key].code}

    return {"own": build("own"), "other": build("other")}


def row(name, *, states=None, get=None, post=None, other_get=None, other_post=None, body=None):
    states = states or {"none": lambda w: {}}
    expect = {}
    for method, own, other in (("GET", get, other_get), ("POST", post, other_post)):
        if own is None:
            continue
        expect[method] = {"none": own} if "none" in states else {"own": own, "other": other}
    return Row(f"api-v1:{name}", states=states, expect=expect, auth=BOTH, json=True, body=body)


ROWS = [
    row("volunteers-sites", get=api("ok"), post=WRONG_METHOD),
    row("volunteers-signups", get=api("ok"), post=WRONG_METHOD),
    row(
        "volunteers-site",
        states=by("site"),
        get=SEES_A,
        other_get=SEES_B,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    row(
        "volunteers-slots",
        states=by("site"),
        get=SEES_A,
        other_get=SEES_B,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
    row(
        "volunteers-sign-up",
        states=by("slot"),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=SEES_A,
        other_post=SEES_B,
        body=lambda w, state: {"day": tomorrow().isoformat()},
    ),
    row(
        "volunteers-cancel",
        states=by("signup"),
        get=WRONG_METHOD,
        other_get=WRONG_METHOD,
        post=api("404", volunteer="ok"),
        other_post=api("404", other_org="ok"),
    ),
    row(
        "volunteers-coverage",
        states=by("organisation"),
        get=api("404", coordinator="ok", org_admin="ok"),
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
]
