"""schemathesis over POST /api/v1/aid/organisations/{code}/car (R35), as in
test_api_aid_fuzz.py: generated and negative inputs, then the real
organisation code, as a driver (their own car) and as a coordinator."""

import pytest
import schemathesis

from porch.accounts.actions import do_create_api_token
from porch.api.tests.test_api_fuzz import _fuzz, wsgi_in_test_transaction  # noqa: F401

pytestmark = pytest.mark.django_db

LABEL = "POST /api/v1/aid/organisations/{code}/car"


@pytest.mark.parametrize("who", ["ben", "ana"])
def test_it_survives_fuzzing(cast, wsgi_in_test_transaction, who):  # noqa: F811
    user = getattr(cast, who)
    _token, key = do_create_api_token(user, "fuzz", actor=user)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(LABEL)
    assert operation is not None, LABEL
    _fuzz(operation, headers)
    _fuzz(operation, headers, path_parameters={"code": cast.org_a.code})
