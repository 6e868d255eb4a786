"""Background work for core, and the rule every task follows.

Task arguments are stored by django-tasks-db as plaintext JSON, so they must
be opaque identifiers only — never a phone number, address or message body
(THREAT_MODEL R14). `enqueue()` enforces that; results are pruned as soon as
a task completes (see porch.core.worker).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from porch.core.models import AuditEntry
from porch.core.periodic import register

_OPAQUE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class NotOpaque(ValueError):
    pass


def enqueue(task, *args):
    for arg in args:
        if isinstance(arg, bool) or not (
            isinstance(arg, int) or (isinstance(arg, str) and _OPAQUE.match(arg))
        ):
            raise NotOpaque("Background tasks take opaque ids only")
    return task.enqueue(*args)


@register("core.prune-audit", every=timedelta(hours=1))
def prune_audit_log() -> int:
    cutoff = timezone.localdate() - timedelta(days=settings.PORCH_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(on_date__lt=cutoff).delete()
    return deleted


@register("core.prune-task-results", every=timedelta(minutes=5))
def prune_task_results() -> int:
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.finished().delete()
    return deleted
