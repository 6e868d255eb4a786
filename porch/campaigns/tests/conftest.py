"""Campaigns fixtures: a vault of its own per test, campaigns, listings, pledges."""

import datetime

import pytest
from django.utils import timezone

from porch.messaging.tests.conftest import smtp_fake, twilio_fake  # noqa: F401  (loopback fakes)
from porch.vault import context_processors, keys


@pytest.fixture(autouse=True)
def vault_dirs(tmp_path, settings):
    settings.PORCH_VAULT_KEY_DIR = tmp_path / "keys"
    settings.PORCH_BACKUP_DIR = tmp_path / "backups"
    keys.set_source(None)
    context_processors._key_storage_problem.cache_clear()
    yield tmp_path
    keys.set_source(None)
    context_processors._key_storage_problem.cache_clear()


@pytest.fixture
def strike(cast):
    """An open general strike organised by org A, running this week."""
    from porch.campaigns.models import Campaign

    today = timezone.localdate()
    return Campaign.objects.create(
        coalition=cast.coalition,
        organisation=cast.org_a,
        title="General strike",
        slogan="No work, no school, no shopping",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=2),
        state=Campaign.State.OPEN,
    )


@pytest.fixture
def pledges(strike):
    """pledges(kind, n, zone=None) → make n pledges straight in the table."""
    from porch.campaigns.models import Pledge

    def _make(kind, n, zone=None, campaign=None, on=None):
        Pledge.objects.bulk_create(
            [
                Pledge(
                    campaign=campaign or strike,
                    kind=kind,
                    zone=zone,
                    created_on=on or timezone.localdate(),
                )
                for _ in range(n)
            ]
        )

    return _make


@pytest.fixture
def audit_actions():
    """audit_actions() → the audit log's action names, oldest first."""
    from porch.core.models import AuditEntry

    def _actions():
        return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))

    return _actions
