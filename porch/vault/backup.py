"""Clean, encrypted, expiring backups, and restore with the shred ledger (R18).

Design note. SQLite is copied with `VACUUM INTO` (which, unlike the online
backup API, leaves deleted pages behind); PostgreSQL with `pg_dump` (never a
physical copy: heap files and WAL keep deleted bytes). The copy is packed
in memory with the epoch keys it needs and a manifest, and the whole is
encrypted with age (pyrage) to the operator's offline public key
(PORCH_BACKUP_RECIPIENT). The live key source never enters a backup.

`VACUUM INTO` must write a file: it goes inside the backup directory (0700),
is read back at once and deleted. It holds only ciphertext for critical
fields. Backups expire after PORCH_BACKUP_DAYS (at most 7): `porch backup
--prune`. `porch restore` puts the database and its epoch keys back, then
runs the purge, which shreds again everything the shred ledger lists and
starts a new epoch.
"""

import io
import json
import os
import re
import secrets
import subprocess
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyrage
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from porch.vault import erasure
from porch.vault.keys import source

NAME = re.compile(r"^porch-(\d{8}T\d{6})-[0-9a-f]{8}\.age$")


class BackupError(Exception):
    pass


def backup_dir() -> Path:
    path = Path(settings.PORCH_BACKUP_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _recipient():
    raw = settings.PORCH_BACKUP_RECIPIENT.strip()
    if not raw:
        raise BackupError("PORCH_BACKUP_RECIPIENT (an age public key) is not set")
    try:
        return pyrage.x25519.Recipient.from_str(raw)
    except Exception:
        raise BackupError("PORCH_BACKUP_RECIPIENT is not an age public key") from None


def _dump_sqlite() -> bytes:
    tmp = backup_dir() / f".vacuum-{secrets.token_hex(8)}.sqlite3"
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(tmp)])
        return tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)


def _pg_env() -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGHOST=db.get("HOST") or "",
        PGPORT=str(db.get("PORT") or ""),
        PGUSER=db.get("USER") or "",
        PGDATABASE=db["NAME"],
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _dump_postgresql() -> bytes:
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"],
        env=_pg_env(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError("pg_dump failed: " + done.stderr.decode(errors="replace")[:500])
    return done.stdout


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def make_backup() -> Path:
    recipient = _recipient()
    before = dict(source().epochs())
    vendor = connection.vendor
    dump = _dump_sqlite() if vendor == "sqlite" else _dump_postgresql()
    epochs = {**before, **source().epochs()}
    manifest = {
        "format": 1,
        "database": vendor,
        "made_on": timezone.localdate().isoformat(),
        "epochs": sorted(epochs),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add(tar, "manifest.json", json.dumps(manifest).encode())
        _add(tar, "database.sqlite3" if vendor == "sqlite" else "database.pgdump", dump)
        for number, key in sorted(epochs.items()):
            _add(tar, f"keys/epoch-{number:06d}.key", key)
    sealed = pyrage.encrypt(buffer.getvalue(), [recipient])
    buffer.close()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    path = backup_dir() / f"porch-{stamp}-{secrets.token_hex(4)}.age"
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, sealed)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def backups() -> list[Path]:
    return sorted(p for p in backup_dir().iterdir() if NAME.match(p.name))


def prune_backups() -> list[Path]:
    """Delete backups older than PORCH_BACKUP_DAYS and forget old ledger lines."""
    cutoff = timezone.now() - timedelta(days=settings.PORCH_BACKUP_DAYS)
    removed = []
    for path in backups():
        made = datetime.strptime(NAME.match(path.name).group(1), "%Y%m%dT%H%M%S")
        if made.replace(tzinfo=UTC) < cutoff:
            path.unlink()
            removed.append(path)
    erasure.ledger_prune(settings.PORCH_BACKUP_DAYS)
    return removed


def read_identity(path: Path):
    lines = [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    try:
        return pyrage.x25519.Identity.from_str(lines[0])
    except Exception:
        raise BackupError("that file does not hold an age identity") from None


def open_backup(path: Path, identity) -> dict:
    """Decrypt a backup into memory: manifest, database bytes, epoch keys."""
    try:
        plain = pyrage.decrypt(path.read_bytes(), [identity])
    except Exception:
        raise BackupError("the backup does not open with that identity") from None
    contents: dict = {"keys": {}}
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r") as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                contents["manifest"] = json.loads(data)
            elif member.name.startswith("database."):
                contents["database"] = data
            elif member.name.startswith("keys/epoch-"):
                contents["keys"][int(member.name[len("keys/epoch-") : -len(".key")])] = data
    return contents


def restore(path: Path, identity) -> erasure.PurgeResult:
    contents = open_backup(path, identity)
    vendor = contents["manifest"]["database"]
    if vendor != connection.vendor:
        raise BackupError(f"this backup is for {vendor}, not {connection.vendor}")
    if vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connections.close_all()
        tmp = target.with_name(f".restore-{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, contents["database"])
            os.fsync(fd)
        finally:
            os.close(fd)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, target)
    else:
        connections.close_all()
        done = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                connection.settings_dict["NAME"],
            ],
            input=contents["database"],
            env=_pg_env(),
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError("pg_restore failed: " + done.stderr.decode(errors="replace")[:500])
    for number, key in contents["keys"].items():
        source().install(number, key)
    # Shred again what the ledger lists; a new epoch; old keys destroyed.
    return erasure.purge()
