"""schemathesis over the /api/v1/aid/ operations (R35), as in test_api_fuzz.py:
generated and negative inputs, then a real code so the happy path runs too.
Requests and plans as a coordinator (ana), runs as a vetted driver (ben)."""

import pytest
import schemathesis

from porch.accounts.actions import do_create_api_token
from porch.aid.tests.fixtures import make_run, new_request
from porch.api.tests.test_api_fuzz import _fuzz, wsgi_in_test_transaction  # noqa: F401

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("GET /api/v1/aid/organisations/{code}/requests", "ana", "org"),
    ("POST /api/v1/aid/organisations/{code}/requests", "ana", "org"),
    ("GET /api/v1/aid/requests/{code}", "ana", "request"),
    ("POST /api/v1/aid/requests/{code}/no-answer", "ana", "request"),
    ("POST /api/v1/aid/requests/{code}/close", "ana", "request"),
    ("GET /api/v1/aid/runs/open", "ben", None),
    ("GET /api/v1/aid/runs/mine", "ben", None),
    ("GET /api/v1/aid/runs/{code}", "ben", "run"),
    ("POST /api/v1/aid/runs/{code}/claim", "ben", "run"),
    ("GET /api/v1/aid/organisations/{code}/plan", "ana", "org"),
]


@pytest.mark.parametrize(("label", "who", "thing"), OPERATIONS)
def test_it_survives_fuzzing(cast, wsgi_in_test_transaction, label, who, thing):  # noqa: F811
    user = getattr(cast, who)
    _token, key = do_create_api_token(user, "fuzz", actor=user)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    _fuzz(operation, headers)
    if thing is not None:
        code = {
            "org": lambda: cast.org_a.code,
            "request": lambda: new_request(cast.org_a, cast.zone).code,
            "run": lambda: make_run(cast.org_a, cast.zone).code,
        }[thing]()
        _fuzz(operation, headers, path_parameters={"code": code})
