"""Authorization matrix rows for /api/v1/messaging/ (R30, R33; format in
tests/test_authorization_matrix.py).

The same rules as the messaging pages: an organisation's list and broadcasts
belong to its coordinators and organisation admins, the coalition's own list
to coalition admins; everyone else gets 404, and a wrong method is 405.
"""

from porch.core.tests.matrix import Row, api, table
from porch.messaging.tests.matrix import broadcasts, lists

BOTH = ("session", "token")
LIST = {
    "own": api("404", coordinator="ok", org_admin="ok"),
    "other": api("404"),
    "coalition": api("404", coalition_admin="ok"),
}
WRONG_METHOD = table("405", unverified="401")


def _subscriber_body(w, state):
    return {
        "address": "+16122347777",
        "zones": [w.zone.code],
        "language": "es",
        "consent_noted": "in_person",
    }


def _broadcast_body(w, state):
    return {"zones": [w.zone.code], "template": "alert", "advice": "stay_inside"}


def _row(name, states, expect, body=None):
    return Row(f"api-v1:{name}", states=states, expect=expect, body=body, auth=BOTH, json=True)


ROWS = [
    # POST to these two paths is add_subscriber's and create_broadcast's row.
    _row("subscribers", lists(), {"GET": LIST}),
    _row("add_subscriber", lists(), {"POST": LIST}, body=_subscriber_body),
    _row("broadcasts", lists(), {"GET": LIST}),
    _row("create_broadcast", lists(), {"POST": LIST}, body=_broadcast_body),
    _row("broadcast", broadcasts(), {"GET": LIST, "POST": dict.fromkeys(LIST, WRONG_METHOD)}),
    _row("all_clear", broadcasts(), {"POST": LIST, "GET": dict.fromkeys(LIST, WRONG_METHOD)}),
    _row("correction", broadcasts(), {"POST": LIST, "GET": dict.fromkeys(LIST, WRONG_METHOD)}),
]
