"""Authorization matrix row for /api/v1/response/organisations/<code>/debrief
(R30, R35; format in tests/test_authorization_matrix.py): the desk of the
organisation (ana) reads it; everyone else gets 404, as on the page."""

from porch.api.tests.matrix_response import NOBODY, WRONG_METHOD, row
from porch.core.tests.matrix import api
from porch.response.tests.matrix import orgs

ROWS = [
    row(
        "response-debrief",
        states=orgs(),
        get=api("404", coordinator="ok"),
        other_get=NOBODY,
        post=WRONG_METHOD,
        other_post=WRONG_METHOD,
    ),
]
