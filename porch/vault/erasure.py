"""Erasure: shred a subject, keep the shred ledger, retention and the purge.

Design note. `shred(subject)` first writes the subject's random code and
the date to the shred ledger (a file beside the backups, so `porch restore`
can shred it again in a restored database), then in one transaction runs
the callback its app registered for that kind of subject (which deletes the
app's rows) and deletes the subject row — its wrapped data key — and then
checkpoints SQLite's WAL (R11). The epoch key that wrapped it is destroyed
at the next rotation, after which no copy of that row anywhere opens (R13).

The purge (R14, R15, R47) is one idempotent pass, run every minute by
`porch worker` under the "vault.purge" lease and by `porch purge`:
shred what the ledger lists but still exists; shred subjects past their
retention; run the other registered retention jobs; rotate (forced when the
pass shredded anything, which also finishes any interrupted rotation);
checkpoint. A crash at any point leaves work the next pass completes.
"""

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from porch.vault.models import Subject

logger = logging.getLogger("porch.vault")

# ---- callbacks per subject kind --------------------------------------------

SHREDDERS: dict[str, Callable[[Subject], None]] = {}


def register_shredder(kind: str, callback: Callable[[Subject], None]) -> None:
    """`callback(subject)` deletes (or blanks) the app's rows for that subject.

    It runs inside the shredding transaction. Rows with a CASCADE foreign key
    to the subject go anyway; the callback is for everything else.
    """
    SHREDDERS[kind] = callback


# ---- the shred ledger -------------------------------------------------------


def ledger_path() -> Path:
    return Path(settings.PORCH_BACKUP_DIR) / "shred-ledger.txt"


def ledger_append(codes: list[str]) -> None:
    if not codes:
        return
    path = ledger_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    today = timezone.localdate().isoformat()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, "".join(f"{code} {today}\n" for code in codes).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def ledger_entries(since: date | None = None) -> dict[str, date]:
    entries: dict[str, date] = {}
    try:
        text = ledger_path().read_text(encoding="ascii")
    except FileNotFoundError:
        return entries
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue  # a torn last line after a crash
        try:
            when = date.fromisoformat(parts[1])
        except ValueError:
            continue
        if since is None or when >= since:
            entries[parts[0]] = when
    return entries


def ledger_prune(keep_days: int) -> None:
    """Forget entries older than every backup that could still exist."""
    cutoff = timezone.localdate() - timedelta(days=keep_days + 1)
    kept = {code: when for code, when in ledger_entries().items() if when >= cutoff}
    path = ledger_path()
    if not path.exists():
        return
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, "".join(f"{c} {w.isoformat()}\n" for c, w in kept.items()).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


# ---- shredding ----------------------------------------------------------------


def checkpoint() -> None:
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _deletion_plan() -> list[tuple] | None:
    """How to delete what hangs off subjects, by primary key: for every model
    with a foreign key to Subject, ("raw", ...) delete the rows outright,
    ("delete", ...) delete them through Django (they have dependents of their
    own), or ("null", ...) clear the link. None when something needs Django's
    full collector (PROTECT, SET_DEFAULT, delete signals on Subject, ...).

    Django's collector would load every subject and build each related query
    from model instances: at 100,000 subjects that costs more than the
    deleting itself (docs/benchmarks.md, "Vault").
    """
    from django.db.models import CASCADE, SET_NULL, signals
    from django.db.models.deletion import Collector, get_candidate_relations_to_delete

    if any(signal.has_listeners(Subject) for signal in (signals.pre_delete, signals.post_delete)):
        return None
    plan = []
    collector = Collector(using="default", origin=None)
    # The relations Django's own collector would follow, hidden ones included.
    for relation in get_candidate_relations_to_delete(Subject._meta):
        model, name = relation.related_model, relation.field.name
        if relation.on_delete is CASCADE:
            fast = collector.can_fast_delete(model._base_manager.all())
            plan.append(("raw" if fast else "delete", model, name))
        elif relation.on_delete is SET_NULL:
            plan.append(("null", model, name))
        else:
            return None
    return plan


def _delete_subjects(pks: list[int]) -> None:
    plan = _deletion_plan()
    if plan is None:
        Subject.objects.filter(pk__in=pks).delete()
        return
    # One subquery for every relation: preparing a thousand literal keys costs
    # more than the DELETE itself, so it is done once, not once per relation.
    chosen = Subject.objects.filter(pk__in=pks).values("pk")
    for how, model, name in plan:
        rows = model._base_manager.filter(**{f"{name}__in": chosen})
        if how == "raw":
            rows._raw_delete(rows.db)
        elif how == "delete":
            rows.delete()
        else:
            rows.update(**{name: None})
    subjects = Subject.objects.filter(pk__in=pks)
    subjects._raw_delete(subjects.db)


def shred_many(subjects: list[Subject], *, ledger: bool = True) -> int:
    subjects = [s for s in subjects if s.pk is not None]
    if not subjects:
        return 0
    if ledger:
        ledger_append([s.code for s in subjects])
    with transaction.atomic():
        for subject in subjects:
            callback = SHREDDERS.get(subject.kind)
            if callback is not None:
                callback(subject)
        _delete_subjects([s.pk for s in subjects])
    for subject in subjects:
        subject.__dict__.pop("_data_key", None)
        subject.wrapped_key = b""
    checkpoint()
    return len(subjects)


def shred(subject: Subject) -> None:
    """Destroy a subject's data key and its rows, then checkpoint (R11)."""
    shred_many([subject])


# ---- retention ------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPolicy:
    data_class: str
    default: timedelta
    description: str
    purge: Callable[[], int] | None = None

    @property
    def limit(self) -> timedelta:
        """The default, or a shorter time from PORCH_RETENTION_HOURS."""
        hours = settings.PORCH_RETENTION_HOURS.get(self.data_class)
        if hours is None:
            return self.default
        chosen = timedelta(hours=hours)
        if chosen > self.default:
            raise ImproperlyConfigured(
                f"PORCH_RETENTION_HOURS may only shorten {self.data_class} "
                f"(at most {self.default.total_seconds() / 3600:g} hours)"
            )
        return chosen


POLICIES: dict[str, RetentionPolicy] = {}


def register_policy(
    data_class: str, *, default: timedelta, description: str, purge: Callable[[], int] | None = None
) -> RetentionPolicy:
    policy = RetentionPolicy(data_class, default, description, purge)
    POLICIES[data_class] = policy
    return policy


def expiry_for(data_class: str, start=None):
    """When a subject of `data_class` created (or closed) at `start` must be gone."""
    return (start or timezone.now()) + POLICIES[data_class].limit


# ---- the purge -------------------------------------------------------------------


@dataclass
class PurgeResult:
    from_ledger: int = 0
    expired: int = 0
    other: int = 0
    rotated: bool = False


def purge(*, batch: int | None = None, crash_after: str = "") -> PurgeResult:
    from porch.vault.epochs import _crash_point, rotate

    batch = batch or settings.PORCH_VAULT_PURGE_BATCH
    result = PurgeResult()
    # 1. Anything the ledger says is shredded but still exists (a crash
    #    between the ledger and the transaction, or a restored database).
    listed = list(ledger_entries())
    for start in range(0, len(listed), 500):
        chunk = list(Subject.objects.filter(code__in=listed[start : start + 500]))
        result.from_ledger += shred_many(chunk, ledger=False)
    _crash_point(crash_after, "ledger")
    # 2. Subjects past their retention.
    now = timezone.now()
    while True:
        due = list(Subject.objects.filter(expires_at__lte=now).order_by("pk")[:batch])
        if not due:
            break
        result.expired += shred_many(due)
        _crash_point(crash_after, "expired")
    # 3. Other data classes with their own purge (e.g. the audit log).
    for policy in POLICIES.values():
        if policy.purge is not None:
            result.other += policy.purge() or 0
    # 4. A new epoch after every batch that shredded something (R12).
    rotate(force=bool(result.from_ledger or result.expired), crash_after=crash_after)
    result.rotated = True
    checkpoint()
    logger.info(
        "vault purge: %s from ledger, %s expired, %s other",
        result.from_ledger,
        result.expired,
        result.other,
    )
    return result
