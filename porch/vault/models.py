"""Vault tables: subjects (one data key each), the epoch bookmark, sealed records.

Design note. A Subject is the unit of erasure: a household, a hotline
report, a case, a volunteer profile, a subscriber, an incident. Its random
data key is stored only wrapped by the epoch key named in `epoch`; shredding
the subject deletes that row (and, through registered callbacks, the app's
rows). Epoch keys themselves are never stored here (porch.vault.keys).
"""

from django.db import models, transaction
from django.utils import timezone

from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, SENSITIVE
from porch.vault import crypto
from porch.vault.fields import (
    EncryptedCoordinatesField,
    EncryptedJSONField,
    EncryptedTextField,
)


def new_subject_code() -> str:
    return new_code(20)


class VaultState(models.Model):
    """One row: which epoch new data keys are wrapped with, and since when."""

    SENSITIVITY = {"id": INTERNAL, "current_epoch": INTERNAL, "rotated_at": INTERNAL}

    current_epoch = models.PositiveIntegerField(default=0)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"epoch {self.current_epoch}"

    @classmethod
    def locked(cls) -> "VaultState":
        """The row, locked until the surrounding transaction ends."""
        assert transaction.get_connection().in_atomic_block
        cls.objects.get_or_create(pk=1)
        return cls.objects.select_for_update(no_key=True).get(pk=1)


class Subject(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "kind": INTERNAL,
        "organisation": INTERNAL,
        "data_class": INTERNAL,
        "expires_at": INTERNAL,
        "epoch": INTERNAL,
        "key_version": INTERNAL,
        "wrapped_key": SENSITIVE,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=24, unique=True, default=new_subject_code, editable=False)
    kind = models.CharField(max_length=32)
    organisation = models.ForeignKey(
        "coalition.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    data_class = models.CharField(max_length=32, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    epoch = models.PositiveIntegerField(db_index=True)
    key_version = models.PositiveSmallIntegerField(default=1)
    wrapped_key = models.BinaryField()
    # A date, not a time (R3).
    created_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"

    def is_live(self) -> bool:
        return self.pk is not None and bool(self.wrapped_key)

    def data_key(self) -> bytes:
        key = self.__dict__.get("_data_key")
        if key is None:
            from porch.vault.keys import source

            key = crypto.unwrap_key(
                source().key(self.epoch),
                bytes(self.wrapped_key),
                subject=self.code,
                epoch=self.epoch,
            )
            self.__dict__["_data_key"] = key
        return key


class SealedRecord(models.Model):
    """A sealed note kept for a subject by an app with no table of its own for
    it (an incident's legal notes, an intake call's callback details)."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "subject": INTERNAL,
        "label": INTERNAL,
        "text": CRITICAL,
        "data": CRITICAL,
        "point": CRITICAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="records")
    label = models.CharField(max_length=40)
    text = EncryptedTextField(subject_field="subject")
    data = EncryptedJSONField(subject_field="subject")
    point = EncryptedCoordinatesField(subject_field="subject")
    created_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"{self.label}:{self.code}"
