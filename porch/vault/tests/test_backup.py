"""`porch backup` / `porch restore`: clean, encrypted, expiring; the restore drill (R18, R49)."""

import io
import shutil
from datetime import timedelta
from pathlib import Path

import pyrage
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from porch.vault import crypto, keys
from porch.vault.backup import backups, open_backup
from porch.vault.epochs import new_subject, rotate
from porch.vault.erasure import shred
from porch.vault.models import SealedRecord, Subject


@pytest.fixture
def identity(settings, tmp_path):
    ident = pyrage.x25519.Identity.generate()
    settings.PORCH_BACKUP_RECIPIENT = str(ident.to_public())
    path = tmp_path / "offline.key"
    path.write_text(f"# offline backup key\n{ident}\n")
    return ident, path


def household(text):
    subject = new_subject("household", data_class="address")
    SealedRecord.objects.create(subject=subject, label="address", text=text, point=(45.01, -93.29))
    return subject


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_writes_an_age_encrypted_backup_with_only_the_keys_it_needs(identity, vault_dirs):
    ident, _ = identity
    household("CANARY-backup-street")
    run("backup")
    [path] = backups()
    raw = path.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1")
    assert b"CANARY" not in raw and b"SQLite format" not in raw
    assert keys.source().key(1) not in raw
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".vacuum")] == []
    contents = open_backup(path, ident)
    assert contents["manifest"]["epochs"] == [1]
    assert contents["keys"] == {1: keys.source().key(1)}
    assert b"CANARY" not in contents["database"]


def test_it_refuses_to_back_up_without_an_offline_recipient(settings):
    settings.PORCH_BACKUP_RECIPIENT = ""
    with pytest.raises(CommandError, match="PORCH_BACKUP_RECIPIENT"):
        run("backup")


@pytest.mark.django_db(transaction=True)
def test_it_prunes_backups_after_seven_days(identity):
    household("CANARY")
    run("backup")
    assert len(backups()) == 1
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        run("backup", "--prune")
        assert len(backups()) == 1
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        assert "1 expired" in run("backup", "--prune")
    assert backups() == []


def wipe(vault_dirs: Path) -> None:
    """Lose the database and the live key directory."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    else:
        run("flush", "--no-input")
    shutil.rmtree(vault_dirs / "keys")
    keys.set_source(None)


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_backup_rotate_shred_wipe_restore(identity, vault_dirs):
    _, identity_path = identity
    live = household("CANARY-live-household")
    gone = household("CANARY-shredded-household")
    gone_row = SealedRecord.objects.get(subject=gone)
    gone_wrapped = bytes(Subject.objects.get(pk=gone.pk).wrapped_key)
    run("backup")
    [path] = backups()
    rotate(force=True)
    shred(gone)
    wipe(vault_dirs)

    with pytest.raises(CommandError, match="--yes"):
        run("restore", str(path), "--identity", str(identity_path))
    out = run("restore", str(path), "--identity", str(identity_path), "--yes")
    assert "1 shredded again" in out

    assert SealedRecord.objects.get(subject__code=live.code).text == "CANARY-live-household"
    assert not Subject.objects.filter(code=gone.code).exists()
    assert not SealedRecord.objects.filter(pk=gone_row.pk).exists()
    # The epoch key the backup carried was destroyed again by the new epoch:
    # the shredded household's wrapped key opens with nothing on this host.
    assert 1 not in keys.source().epochs()
    for key in keys.source().epochs().values():
        with pytest.raises(crypto.DecryptionFailed):
            crypto.unwrap_key(key, gone_wrapped, subject=gone.code, epoch=1)
