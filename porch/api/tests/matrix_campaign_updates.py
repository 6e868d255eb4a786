"""Authorization matrix rows for updates to pledgers in the campaigns router of
/api/v1/ (R30, R35; format in tests/test_authorization_matrix.py). The same
rule as the page: the campaign's organisers only (coalition admins for all),
404 for everyone else; a token that must be refused is 401."""

from porch.campaigns.tests.matrix import campaigns
from porch.core.tests.matrix import Row, api

BOTH = ("session", "token")
ORGANISERS = {
    "own": api("404", managers_a="ok"),
    "other": api("404", coalition_admin="ok"),
}


def _body(w, state):
    return {"template": "pledge_reminder"}


ROWS = [
    # GET and POST share one path: the list's row and the send's row.
    Row(
        "api-v1:campaign_updates",
        states=campaigns("open"),
        expect={"GET": ORGANISERS},
        auth=BOTH,
        json=True,
    ),
    Row(
        "api-v1:send_campaign_update",
        states=campaigns("open"),
        expect={"POST": ORGANISERS},
        body=_body,
        auth=BOTH,
        json=True,
    ),
]
