"""schemathesis over the reimbursement and request-import operations of /api/v1/aid/ (R35), as in
test_api_aid_fuzz.py: generated and negative inputs, then a real code."""

import pytest
import schemathesis

from porch.accounts.actions import do_create_api_token
from porch.aid.tests.matrix_reimbursements import _claim
from porch.api.tests.test_api_fuzz import _fuzz, wsgi_in_test_transaction  # noqa: F401

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("GET /api/v1/aid/organisations/{code}/reimbursements", "ana", "org"),
    ("POST /api/v1/aid/organisations/{code}/reimbursements", "ben", "org"),
    ("POST /api/v1/aid/reimbursements/{code}/decision", "ana", "claim"),
    ("POST /api/v1/aid/organisations/{code}/request-imports", "ana", "org"),
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
    code = {
        "org": lambda: cast.org_a.code,
        "claim": lambda: _claim(cast.org_a, cast.zone, cast.ben).code,
    }[thing]()
    _fuzz(operation, headers, path_parameters={"code": code})
