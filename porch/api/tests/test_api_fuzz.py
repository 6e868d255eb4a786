"""schemathesis over /api/v1/openapi.json (R35), bounded, against the WSGI app.

Authenticated as a manager with a bearer token. Every operation is fuzzed
with generated inputs (random codes → 404, bad bodies → 422) and again with
a real organisation code so the happy path is exercised too. Any 5xx, any
response that breaks the schema, or any check failure fails the test.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from porch.accounts.actions import do_create_api_token
from porch.wsgi import application

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "GET /api/v1/me",
    "GET /api/v1/organisations",
    "GET /api/v1/organisations/{code}",
    "GET /api/v1/organisations/{code}/teams",
    "POST /api/v1/organisations/{code}/teams",
    "GET /api/v1/organisations/{code}/memberships",
    "GET /api/v1/zones",
]


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep Django from closing the test's connection around each WSGI request,
    as its own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(operation, headers, **fixed):
    strategy = operation.as_strategy(headers=headers, **fixed) | operation.as_strategy(
        generation_mode=GenerationMode.NEGATIVE, headers=headers, **fixed
    )

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers)

    run()


@pytest.mark.parametrize("label", OPERATIONS)
def test_it_survives_fuzzing(cast, wsgi_in_test_transaction, label):
    _token, key = do_create_api_token(cast.ana, "fuzz", actor=cast.ana)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    _fuzz(operation, headers)
    if "{code}" in label:
        _fuzz(operation, headers, path_parameters={"code": cast.org_a.code})


def test_no_two_api_schemas_share_a_name_with_different_fields():
    """Ninja names a component after its class: two different classes with one
    name (there were two CloseIn) document one operation with the other's body."""
    import inspect
    import sys

    from ninja import Schema

    import porch.api.v1  # noqa: F401 (imports every router)

    seen = {}
    modules = [
        module
        for name, module in sys.modules.items()
        if name.startswith("porch.api.") and ".tests" not in name
    ]
    assert len(modules) >= 8
    for module in modules:
        for name, value in vars(module).items():
            if not (inspect.isclass(value) and issubclass(value, Schema)):
                continue
            if value.__module__ != module.__name__:
                continue
            fields = sorted(value.model_json_schema().get("properties", {}))
            assert seen.setdefault(name, fields) == fields, f"two {name} schemas differ"
    assert len(seen) > 20
