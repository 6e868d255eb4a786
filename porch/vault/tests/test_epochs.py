"""Key epochs: files 0600 in a 0700 directory, rotation re-wraps and destroys (R12)."""

import os
import stat

import pytest
from django.db import connection, transaction

from porch.vault import crypto, keys
from porch.vault.epochs import CrashForTesting, new_subject, rotate
from porch.vault.models import SealedRecord, Subject, VaultState


def epoch_numbers():
    return sorted(keys.source().epochs())


@pytest.mark.django_db
def test_it_creates_the_first_epoch_with_private_permissions(vault_dirs):
    new_subject("household")
    directory = vault_dirs / "keys"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = list(directory.iterdir())
    assert [f.name for f in files] == ["epoch-000001.key"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


@pytest.mark.django_db
def test_it_rewraps_live_keys_and_destroys_the_old_epoch(vault_dirs):
    subject = new_subject("household")
    record = SealedRecord.objects.create(subject=subject, label="x", text="CANARY-live")
    old_key = keys.source().key(1)
    result = rotate(force=True)
    assert result.created == 2 and result.rewrapped == 1 and result.destroyed == [1]
    assert epoch_numbers() == [2]
    assert Subject.objects.get().epoch == 2
    assert SealedRecord.objects.get(pk=record.pk).text == "CANARY-live"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.unwrap_key(
            old_key, bytes(Subject.objects.get().wrapped_key), subject=subject.code, epoch=2
        )


@pytest.mark.django_db
def test_it_does_not_rotate_before_the_epoch_is_due():
    new_subject("household")
    assert rotate().created is None
    assert epoch_numbers() == [1]


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["create", "adopt", "rewrap"])
def test_it_converges_after_a_crash_at_any_rotation_step(step):
    subjects = [new_subject("household") for _ in range(5)]
    records = [
        SealedRecord.objects.create(subject=s, label="x", text=f"t{i}")
        for i, s in enumerate(subjects)
    ]
    with pytest.raises(CrashForTesting):
        rotate(force=True, batch=2, crash_after=step)
    rotate()
    assert epoch_numbers() == [VaultState.objects.get().current_epoch] == [2]
    assert set(Subject.objects.values_list("epoch", flat=True)) == {2}
    assert [SealedRecord.objects.get(pk=r.pk).text for r in records] == [f"t{i}" for i in range(5)]


@pytest.mark.django_db
def test_it_refuses_to_invent_a_key_when_data_exists_and_keys_are_gone(vault_dirs):
    subject = new_subject("household")
    SealedRecord.objects.create(subject=subject, label="x", text="CANARY")
    for path in (vault_dirs / "keys").iterdir():
        path.unlink()
    before = SealedRecord.objects.count()
    with pytest.raises(crypto.KeysUnavailable):
        SealedRecord.objects.get().text  # noqa: B018
    with pytest.raises(crypto.KeysUnavailable):
        new_subject("household")
    with pytest.raises(crypto.KeysUnavailable):
        rotate(force=True)
    assert SealedRecord.objects.count() == before
    assert Subject.objects.count() == 1


@pytest.mark.django_db
def test_it_seals_epoch_files_with_an_env_seal_key(settings, monkeypatch, vault_dirs):
    import base64

    seal = os.urandom(32)
    monkeypatch.setenv(keys.SEAL_ENV, base64.urlsafe_b64encode(seal).decode())
    settings.PORCH_VAULT_KEY_SOURCE = "env"
    keys.set_source(None)
    subject = new_subject("household")
    SealedRecord.objects.create(subject=subject, label="x", text="CANARY")
    raw = (vault_dirs / "keys" / "epoch-000001.key").read_bytes()
    assert len(raw) == crypto.OVERHEAD + 32
    assert SealedRecord.objects.get().text == "CANARY"
    monkeypatch.setenv(keys.SEAL_ENV, base64.urlsafe_b64encode(os.urandom(32)).decode())
    keys.set_source(None)
    with pytest.raises(crypto.KeysUnavailable):
        SealedRecord.objects.get().text  # noqa: B018


@pytest.mark.django_db
def test_it_reads_a_systemd_credential(settings, monkeypatch, vault_dirs, tmp_path):
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / keys.CREDENTIAL_NAME).write_text(
        __import__("base64").urlsafe_b64encode(os.urandom(32)).decode()
    )
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    settings.PORCH_VAULT_KEY_SOURCE = "credential"
    keys.set_source(None)
    assert keys.source().kind == "credential" and keys.source().seal_key is not None
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "missing"))
    keys.set_source(None)
    with pytest.raises(crypto.KeysUnavailable):
        keys.source()


def test_it_knows_tmpfs_from_a_persistent_disk(tmp_path):
    assert keys.mount_type("/dev/shm") in keys.VOLATILE_FS
    assert keys.KeySource(tmp_path).on_volatile_memory() is (
        keys.mount_type(tmp_path) in keys.VOLATILE_FS
    )
    assert keys.KeySource(__import__("pathlib").Path("/dev/shm/porch-x/keys")).on_volatile_memory()


def test_it_says_so_at_start_up_when_keys_are_on_persistent_disk(db, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    # var/ sits beside the code, on the data disk, never on tmpfs.
    persistent = settings.VAR_DIR / f"keys-persistent-check-{tmp_path.name}"
    assert keys.mount_type(settings.VAR_DIR) not in keys.VOLATILE_FS
    settings.PORCH_VAULT_KEY_DIR = persistent
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "porch.vault.I001" in out.getvalue() and "R13 void" in out.getvalue()


@pytest.mark.django_db
def test_it_turns_missing_keys_into_a_503_page_and_writes_nothing(cast, vault_dirs):
    from django.test import RequestFactory

    from porch.vault.middleware import KeysUnavailableMiddleware

    code = new_subject("household", organisation=cast.org_a).code
    for path in (vault_dirs / "keys").iterdir():
        path.unlink()

    def view(request):
        subject = Subject.objects.get(code=code)
        SealedRecord(subject=subject, label="x", text="CANARY").save()
        raise AssertionError("unreachable")

    request = RequestFactory().get("/")
    request.user = cast.ana
    with pytest.raises(crypto.KeysUnavailable) as caught, transaction.atomic():
        view(request)
    response = KeysUnavailableMiddleware(view).process_exception(request, caught.value)
    assert response.status_code == 503
    assert b"cannot reach its encryption keys" in response.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM vault_sealedrecord")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_it_makes_subjects_in_bulk_each_with_its_own_key():
    from porch.vault.epochs import new_subjects

    made = new_subjects("household", 50, data_class="address")
    records = SealedRecord.objects.bulk_create(
        SealedRecord(subject=s, label="x", text=f"CANARY-{i}") for i, s in enumerate(made)
    )
    assert len({s.data_key() for s in made}) == 50
    assert set(Subject.objects.values_list("epoch", flat=True)) == {1}
    fresh = {r.pk: r.text for r in SealedRecord.objects.filter(pk__in=[r.pk for r in records])}
    assert sorted(fresh.values()) == sorted(f"CANARY-{i}" for i in range(50))
    rotate(force=True)
    assert SealedRecord.objects.get(pk=records[7].pk).text == "CANARY-7"
