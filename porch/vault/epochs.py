"""Epochs: wrapping new data keys, and rotation as a converging state machine.

Rotation (R12) runs in four idempotent steps; a crash between any two leaves
a state the next run finishes:

1. make a new epoch key file (if rotation is due, forced, or none exists);
2. point VaultState at the newest key file;
3. re-wrap every data key still under an older epoch, in small batches;
4. when no subject refers to an older epoch, destroy those key files.

New subjects are wrapped while VaultState is locked, so step 4 (which takes
the same lock) never destroys a key that a concurrent writer has just used.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from porch.vault import crypto
from porch.vault.keys import source
from porch.vault.models import Subject, VaultState


def current_epoch_key(state: VaultState) -> tuple[int, bytes]:
    """The epoch to wrap with, creating the very first one on a fresh vault.

    Call with `state` locked. On a vault that already holds subjects a
    missing key never silently becomes a new one: that is KeysUnavailable.
    """
    src = source()
    keys = src.epochs()
    if state.current_epoch == 0:
        if Subject.objects.exists():
            raise crypto.KeysUnavailable("vault has subjects but no current epoch")
        number = max(keys, default=0) + 1
        src.create_epoch(number)
        state.current_epoch = number
        state.rotated_at = timezone.now()
        state.save(update_fields=["current_epoch", "rotated_at"])
        keys = src.epochs()
    return state.current_epoch, src.key(state.current_epoch)


def new_subject(kind: str, *, organisation=None, data_class: str = "", expires_at=None) -> Subject:
    """A new subject with its own random data key, wrapped by the current epoch."""
    with transaction.atomic():
        state = VaultState.locked()
        epoch, epoch_key = current_epoch_key(state)
        data_key = crypto.new_key()
        subject = Subject(
            kind=kind,
            organisation=organisation,
            data_class=data_class,
            expires_at=expires_at,
            epoch=epoch,
        )
        subject.wrapped_key = crypto.wrap_key(
            epoch_key, data_key, subject=subject.code, epoch=epoch
        )
        subject.save()
    subject.__dict__["_data_key"] = data_key
    return subject


def new_subjects(
    kind: str, count: int, *, organisation=None, data_class: str = "", expires_at=None
) -> list[Subject]:
    """`count` new subjects under one lock and one batch of INSERTs (imports,
    seeding, benchmarks); each has its own random data key, as with new_subject."""
    with transaction.atomic():
        state = VaultState.locked()
        epoch, epoch_key = current_epoch_key(state)
        subjects, data_keys = [], []
        for _ in range(count):
            data_key = crypto.new_key()
            subject = Subject(
                kind=kind,
                organisation=organisation,
                data_class=data_class,
                expires_at=expires_at,
                epoch=epoch,
            )
            subject.wrapped_key = crypto.wrap_key(
                epoch_key, data_key, subject=subject.code, epoch=epoch
            )
            subjects.append(subject)
            data_keys.append(data_key)
        Subject.objects.bulk_create(subjects, batch_size=1000)
    for subject, data_key in zip(subjects, data_keys, strict=True):
        subject.__dict__["_data_key"] = data_key
    return subjects


@dataclass
class RotationResult:
    created: int | None = None
    rewrapped: int = 0
    destroyed: list[int] | None = None
    stranded: int = 0


def rotation_due(state: VaultState) -> bool:
    if state.rotated_at is None:
        return True
    return timezone.now() - state.rotated_at >= timedelta(hours=settings.PORCH_VAULT_EPOCH_HOURS)


def rotate(*, force: bool = False, batch: int = 2000, crash_after: str = "") -> RotationResult:
    """Run (or finish) a rotation. `crash_after` is for the crash harness only."""
    src = source()
    result = RotationResult(destroyed=[])
    state = VaultState.objects.get_or_create(pk=1)[0]
    keys = src.epochs()
    newest = max(keys, default=0)
    # Step 1.
    if (force or rotation_due(state) or newest == 0) and newest <= state.current_epoch:
        if newest == 0 and Subject.objects.exists():
            raise crypto.KeysUnavailable("no epoch key present for a vault with subjects")
        newest = max(newest, state.current_epoch) + 1
        src.create_epoch(newest)
        result.created = newest
    _crash_point(crash_after, "create")
    # Step 2.
    with transaction.atomic():
        state = VaultState.locked()
        if newest > state.current_epoch:
            state.current_epoch = newest
            state.rotated_at = timezone.now()
            state.save(update_fields=["current_epoch", "rotated_at"])
        current = state.current_epoch
    _crash_point(crash_after, "adopt")
    # Step 3.
    current_key = src.key(current)
    keys = src.epochs()
    missing = set()
    while True:
        with transaction.atomic():
            rows = list(
                Subject.objects.filter(epoch__lt=current)
                .exclude(epoch__in=missing)
                .only("pk", "code", "epoch", "wrapped_key")[:batch]
            )
            if not rows:
                break
            for row in rows:
                old = keys.get(row.epoch)
                if old is None:
                    missing.add(row.epoch)
                    continue
                data_key = crypto.unwrap_key(
                    old, bytes(row.wrapped_key), subject=row.code, epoch=row.epoch
                )
                row.wrapped_key = crypto.wrap_key(
                    current_key, data_key, subject=row.code, epoch=current
                )
                row.epoch = current
            changed = [row for row in rows if row.epoch == current]
            _write_wrapped(changed)
            result.rewrapped += len(changed)
        _crash_point(crash_after, "rewrap")
    # Step 4.
    with transaction.atomic():
        VaultState.locked()
        stale = set(
            Subject.objects.filter(epoch__lt=current).values_list("epoch", flat=True).distinct()
        )
        result.stranded = Subject.objects.filter(epoch__lt=current).count() if stale else 0
        for number in sorted(src.epochs()):
            if number < current and number not in stale:
                src.destroy_epoch(number)
                result.destroyed.append(number)
    return result


def _write_wrapped(rows: list[Subject]) -> None:
    """One UPDATE per row, sent as a batch. bulk_update's CASE expression is
    quadratic in the batch size; this is linear on SQLite and PostgreSQL."""
    if not rows:
        return
    table = connection.ops.quote_name(Subject._meta.db_table)
    field = Subject._meta.get_field("wrapped_key")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET epoch = %s, wrapped_key = %s WHERE id = %s",  # noqa: S608
            [
                (row.epoch, field.get_db_prep_value(bytes(row.wrapped_key), connection), row.pk)
                for row in rows
            ],
        )


class CrashForTesting(BaseException):
    pass


def _crash_point(wanted: str, here: str) -> None:
    if wanted == here:
        raise CrashForTesting(here)
