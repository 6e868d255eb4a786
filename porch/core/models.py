"""Core tables: the audit log, leases for periodic jobs, worker heartbeats.

The audit log holds who (a pseudonymous account), what action, which object
code and on which day — never content, never network data (THREAT_MODEL R2,
R3; DOMAIN.md "Data rules"). It is pruned after PORCH_AUDIT_RETENTION_DAYS.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from porch.core.sensitivity import INTERNAL, PUBLIC


class AuditEntry(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "actor": INTERNAL,
        "action": INTERNAL,
        "object_type": INTERNAL,
        "object_code": INTERNAL,
        "organisation": INTERNAL,
        "on_date": INTERNAL,
    }

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, blank=True)
    object_code = models.CharField(max_length=32, blank=True)
    organisation = models.ForeignKey(
        "coalition.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A date, not a time (R3).
    on_date = models.DateField(default=timezone.localdate)

    class Meta:
        indexes = [
            models.Index(fields=["actor", "on_date"]),
            models.Index(fields=["on_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.on_date} {self.action} {self.object_type}:{self.object_code}"


class Lease(models.Model):
    """One row per periodic job: who runs it now, and when it is next due.

    Claimed with a conditional UPDATE, so N workers on SQLite or PostgreSQL
    never run one job twice at the same time.
    """

    SENSITIVITY = {
        "id": INTERNAL,
        "name": PUBLIC,
        "holder": INTERNAL,
        "held_until": INTERNAL,
        "next_run_at": INTERNAL,
        "last_success_at": INTERNAL,
        "runs": INTERNAL,
    }

    name = models.CharField(max_length=64, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    held_until = models.DateTimeField(default=timezone.now)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def try_acquire(cls, name: str, holder: str, ttl: timedelta) -> bool:
        now = timezone.now()
        try:
            with transaction.atomic():
                cls.objects.get_or_create(name=name)
        except IntegrityError:
            pass  # another worker created it first
        claimed = cls.objects.filter(name=name, held_until__lte=now, next_run_at__lte=now).update(
            holder=holder, held_until=now + ttl
        )
        return claimed == 1

    @classmethod
    def release(cls, name: str, holder: str, *, every: timedelta, success: bool) -> None:
        now = timezone.now()
        changes: dict = {"held_until": now, "next_run_at": now + every}
        if success:
            changes["last_success_at"] = now
            changes["runs"] = models.F("runs") + 1
        cls.objects.filter(name=name, holder=holder).update(**changes)


class WorkerHeartbeat(models.Model):
    SENSITIVITY = {"id": INTERNAL, "worker_id": INTERNAL, "seen_at": INTERNAL}

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id
