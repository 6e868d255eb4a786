"""Authorization matrix rows for /api/v1/ (R30, R35; format in
tests/test_authorization_matrix.py).

Each row runs twice: over the browser session and with a bearer token. A
session that has not finished 2FA is refused with 401 (the session policy
answers the API before any view); so is a missing, revoked or locked
account's token. Objects of another organisation are 404, as are missing
ones; the schema is public.
"""

from porch.core.tests.matrix import Row, api, table

BOTH = ("session", "token")


def orgs():
    return {"own": lambda w: {"code": w.org_a.code}, "other": lambda w: {"code": w.org_b.code}}


# The schema needs no sign-in (there is no docs page: it would load a CDN);
# a half-signed-in session is still stopped at 2FA.
OPEN = table("ok", unverified="401")
SEES_A = api("404", members_a="ok", coalition_admin="ok")
SEES_B = api("404", other_org="ok", coalition_admin="ok")
MANAGES_A = api("404", managers_a="ok")
ADMIN = api("404", coalition_admin="ok")
# Ninja routes by method before authenticating: a wrong method is 405 for everyone.
WRONG_METHOD = table("405", unverified="401")


def _get_only(name, *, states=None, get, post=WRONG_METHOD, auth=BOTH):
    expect = {"GET": get}
    if post is not None:
        expect["POST"] = dict.fromkeys(get, post)
    return Row(
        f"api-v1:{name}",
        states=states or {"none": lambda w: {}},
        expect=expect,
        auth=auth,
        json=True,
    )


ROWS = [
    # Building the schema is slow and needs no credentials: the session pass is enough.
    _get_only("openapi-json", get={"none": OPEN}, auth=("session",)),
    # Ninja's root view only exists so that the API's prefix resolves: 404 always.
    _get_only(
        "api-root",
        get={"none": table("404", unverified="401")},
        post=table("404", unverified="401"),
    ),
    # A pending account reads its own record and empty lists over its session;
    # it cannot hold a token.
    _get_only("me", get={"none": api("ok")}),
    _get_only("organisations", get={"none": api("ok")}),
    _get_only("zones", get={"none": api("ok")}),
    _get_only("organisation", states=orgs(), get={"own": SEES_A, "other": SEES_B}),
    # POST to this path is create_team's row.
    _get_only("teams", states=orgs(), get={"own": SEES_A, "other": SEES_B}, post=None),
    _get_only("memberships", states=orgs(), get={"own": MANAGES_A, "other": ADMIN}),
    Row(
        "api-v1:create_team",
        states=orgs(),
        body={"name": "Matrix team"},
        # Same path as "teams": this row is the POST; 201 for those who manage.
        expect={"POST": {"own": MANAGES_A, "other": ADMIN}},
        auth=BOTH,
        json=True,
    ),
]
