"""Authorization matrix rows for the debrief, the rapid-response settings
and the false-alarm all-clear (R30; format in tests/test_authorization_matrix.py).

The debrief is the desk's (dispatchers and coordinators — ana) for their own
organisation; the settings page belongs to coordinators and coalition
admins (ana, gus); the false-alarm all-clear is a desk write on a report.
"""

from porch.core.tests.matrix import Row, signed_in
from porch.response.tests.matrix import DESK, NOBODY, WRONG, orgs, report_post

ROWS = [
    Row(
        "response:debrief",
        states=orgs(),
        expect={"GET": {"own": DESK, "other": NOBODY}, "POST": {"own": WRONG, "other": WRONG}},
    ),
    Row(
        "response:settings",
        expect={
            "GET": {"none": signed_in("404", coordinator="ok", coalition_admin="ok")},
            "POST": {"none": signed_in("404", coordinator="invalid", coalition_admin="invalid")},
        },
    ),
    report_post("report-false-alarm"),
]
