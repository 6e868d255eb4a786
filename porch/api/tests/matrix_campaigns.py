"""Authorization matrix rows for the campaigns router of /api/v1/ (R30, R35;
format in tests/test_authorization_matrix.py; shorthands as in matrix.py
beside it). Dashboard aggregates are for managers; a campaign for those who
organise it (coalition admins all); public counters need no credentials."""

from porch.campaigns.tests.matrix import campaigns, public_campaigns
from porch.core.tests.matrix import Row, api, table

BOTH = ("session", "token")
OPEN = table("ok", unverified="401")
WRONG_METHOD = table("405", unverified="401")


def _get_only(name, states, get):
    return Row(
        f"api-v1:{name}",
        states=states,
        expect={"GET": get, "POST": dict.fromkeys(get, WRONG_METHOD)},
        auth=BOTH,
        json=True,
    )


NONE = {"none": lambda w: {}}

ROWS = [
    _get_only("dashboard_aggregates", NONE, {"none": api("404", managers_a="ok")}),
    # Everyone signed in gets a list: empty unless they organise something.
    _get_only("campaigns", NONE, {"none": api("ok")}),
    _get_only(
        "campaign",
        campaigns(),
        {"own": api("404", managers_a="ok"), "other": api("404", coalition_admin="ok")},
    ),
    _get_only(
        "public_counters",
        public_campaigns(),
        {"open": OPEN, "draft": table("404", unverified="401")},
    ),
]
