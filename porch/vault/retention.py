"""The retention defaults Porch ships with (THREAT_MODEL R14).

Apps register their own classes the same way in their AppConfig.ready().
PORCH_RETENTION_HOURS may shorten any of them, never lengthen (settings.py).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from porch.vault.erasure import POLICIES, register_policy

register_policy(
    "address",
    default=timedelta(days=7),
    description="Shredded at delivery completion; at most 7 days after confirmation.",
)
register_policy(
    "callback",
    default=timedelta(days=7),
    description="Callback numbers: at close, or after 7 days without contact.",
)
register_policy(
    "hotline_report",
    default=timedelta(hours=72),
    description="Raw hotline reports: at most 72 hours.",
)
register_policy(
    "closed_case",
    default=timedelta(days=30),
    description="Closed cases: purged at close, at most 30 days for a legal hold.",
)
register_policy(
    "volunteer_profile",
    default=timedelta(days=1),
    description="A volunteer who leaves: their profile at once (within a day).",
)


def _prune_audit() -> int:
    from porch.core.models import AuditEntry

    days = min(POLICIES["audit"].limit.days, settings.PORCH_AUDIT_RETENTION_DAYS)
    cutoff = timezone.localdate() - timedelta(days=days)
    deleted, _ = AuditEntry.objects.filter(on_date__lt=cutoff).delete()
    return deleted


register_policy(
    "audit",
    default=timedelta(days=90),
    description="Audit rows (who, what, which code, which day): 90 days.",
    purge=_prune_audit,
)
