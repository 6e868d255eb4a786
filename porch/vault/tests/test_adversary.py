"""Adversary simulation with time travel (R13).

The adversary is given everything: every byte the database ever held (a
snapshot taken while the record was live, standing in for freed blocks on
the raw disk), the current keys after rotation, and later every backup with
the offline backup key. What was shredded at t must not open with the
current keys by t + rotation period, nor with backups by t + backup expiry.
"""

from datetime import timedelta

import pyrage
import pytest
import time_machine
from django.utils import timezone

from porch.vault import crypto, keys
from porch.vault.backup import backups, make_backup, open_backup, prune_backups
from porch.vault.epochs import new_subject
from porch.vault.erasure import purge, shred
from porch.vault.models import SealedRecord, Subject


def snapshot(subject):
    row = Subject.objects.get(pk=subject.pk)
    record = SealedRecord.objects.get(subject=subject)
    return {
        "code": row.code,
        "epoch": row.epoch,
        "wrapped": bytes(row.wrapped_key),
        "text": bytes(record.__dict__["text"]),
    }


def opens_with(stolen, candidate_keys) -> bool:
    for key in candidate_keys:
        try:
            crypto.unwrap_key(key, stolen["wrapped"], subject=stolen["code"], epoch=stolen["epoch"])
        except crypto.DecryptionFailed:
            continue
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_nothing_shredded_before_a_rotation_opens_afterwards(settings):
    identity = pyrage.x25519.Identity.generate()
    settings.PORCH_BACKUP_RECIPIENT = str(identity.to_public())
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        gone = new_subject("household")
        SealedRecord.objects.create(subject=gone, label="a", text="CANARY-gone")
        live = new_subject("household")
        SealedRecord.objects.create(subject=live, label="a", text="CANARY-live")
        stolen = snapshot(gone)  # everything the disk ever saw about it
        make_backup()

        clock.shift(timedelta(hours=1))
        shred(gone)  # t
        # Before rotation the old epoch key still exists: this is the window
        # R13 allows (at most one rotation period).
        assert opens_with(stolen, keys.source().epochs().values())

        clock.shift(timedelta(hours=24))  # t + rotation period: the worker's purge rotates
        purge()
        current = list(keys.source().epochs().values())
        assert not opens_with(stolen, current)
        assert SealedRecord.objects.get(subject=live).text == "CANARY-live"

        # With every backup and the offline key, it opens until backups expire...
        backup_keys = [k for p in backups() for k in open_backup(p, identity)["keys"].values()]
        assert opens_with(stolen, current + backup_keys)

        clock.shift(timedelta(days=7))  # t + backup retention
        prune_backups()
        purge()
        backup_keys = [k for p in backups() for k in open_backup(p, identity)["keys"].values()]
        assert backups() == []
        assert not opens_with(stolen, list(keys.source().epochs().values()) + backup_keys)
