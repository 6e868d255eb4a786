"""schemathesis over the campaigns endpoints (R35), as porch/api/tests/test_api_fuzz.py does."""

import pytest
import schemathesis

from porch.accounts.actions import do_create_api_token
from porch.api.tests.test_api_fuzz import _fuzz, wsgi_in_test_transaction  # noqa: F401

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "GET /api/v1/campaigns/dashboard",
    "GET /api/v1/campaigns",
    "GET /api/v1/campaigns/{code}",
    "GET /api/v1/campaigns/{code}/counters",
    "GET /api/v1/campaigns/{code}/updates",
    "POST /api/v1/campaigns/{code}/updates",
]


@pytest.mark.parametrize("label", OPERATIONS)
def test_it_survives_fuzzing(cast, strike, pledges, wsgi_in_test_transaction, label):  # noqa: F811
    pledges("business", 7, zone=cast.zone)
    _token, key = do_create_api_token(cast.ana, "fuzz", actor=cast.ana)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    _fuzz(operation, headers)
    if "{code}" in label:
        _fuzz(operation, headers, path_parameters={"code": strike.code})
