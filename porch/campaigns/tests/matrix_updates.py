"""Authorization matrix rows for updates to pledgers (R30; format in
tests/test_authorization_matrix.py, shorthands in matrix.py beside it).

Only the campaign's organisers — managers of the organising organisation,
coalition admins for every campaign — may preview or send an update; anyone
else gets 404. An empty form is refused (400) and queues nothing."""

from porch.campaigns.tests.matrix import (
    ADMIN,
    ADMIN_INVALID,
    MANAGES_A,
    MANAGES_A_INVALID,
    campaigns,
    form,
)

ROWS = [
    form(
        "campaigns:campaign-update-new",
        campaigns("open"),
        {"own": MANAGES_A, "other": ADMIN},
        {"own": MANAGES_A_INVALID, "other": ADMIN_INVALID},
    ),
]
