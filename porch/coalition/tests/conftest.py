import pytest

from porch.core.models import AuditEntry


@pytest.fixture
def audit_actions():
    """audit_actions() → the audit log's action names, oldest first."""

    def _actions():
        return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))

    return _actions
