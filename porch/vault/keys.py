"""Where epoch keys live: the key source (never the database, settings,
logs or backups' plaintext).

Design note. An epoch key is 32 random bytes in its own file,
`epoch-<n>.key`, in the key directory. Destroying an epoch overwrites and
unlinks its file. Three ways to run it (PORCH_VAULT_KEY_SOURCE):

- ``file`` (default): raw key files in PORCH_VAULT_KEY_DIR (default
  var/keys/, dir 0700, files 0600). Put that directory on tmpfs for R13.
- ``credential``: a systemd credential named ``porch-vault-seal``
  ($CREDENTIALS_DIRECTORY) holds a seal key; the epoch files are sealed with
  it, so a copy of the key directory alone opens nothing.
- ``env``: the same, with the seal key in PORCH_VAULT_SEAL_KEY (base64url).

A destroyed key file on a persistent disk can survive in freed blocks, so
R13 holds only when the key directory is on tmpfs or ramfs; Porch says so
loudly at start-up (system check) and in the UI when it is not.
"""

import base64
import binascii
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from porch.vault import crypto
from porch.vault.crypto import KeysUnavailable

logger = logging.getLogger("porch.vault")

_NAME = re.compile(r"^epoch-(\d{6,})\.key$")
VOLATILE_FS = {"tmpfs", "ramfs"}
CREDENTIAL_NAME = "porch-vault-seal"
SEAL_ENV = "PORCH_VAULT_SEAL_KEY"


def mount_type(path: Path) -> str:
    """The file-system type holding `path`, from /proc/mounts (longest prefix)."""
    target = os.path.realpath(path)
    best, kind = "", "unknown"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) < 3:
                    continue
                point = parts[1].replace("\\040", " ")
                inside = target == point or target.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best):
                    best, kind = point, parts[2]
    except OSError:
        return "unknown"
    return kind


@dataclass
class KeySource:
    directory: Path
    kind: str = "file"
    seal_key: bytes | None = None

    # ---- reading -----------------------------------------------------
    def _stamp(self):
        try:
            st = os.stat(self.directory)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise KeysUnavailable("key directory unreadable") from exc
        return (st.st_mtime_ns, st.st_ino)

    def epochs(self) -> dict[int, bytes]:
        """Every epoch key present, by number. Cached until the directory changes."""
        stamp = self._stamp()
        cached = getattr(self, "_cache", None)
        if cached is not None and cached[0] == stamp and stamp is not None:
            return cached[1]
        keys: dict[int, bytes] = {}
        if stamp is not None:
            try:
                names = os.listdir(self.directory)
            except OSError as exc:
                raise KeysUnavailable("key directory unreadable") from exc
            for name in names:
                match = _NAME.match(name)
                if match:
                    try:
                        raw = (self.directory / name).read_bytes()
                    except FileNotFoundError:
                        continue  # destroyed while we listed
                    except OSError as exc:
                        raise KeysUnavailable("key file unreadable") from exc
                    keys[int(match.group(1))] = self._unseal(int(match.group(1)), raw)
        self._cache = (stamp, keys)
        return keys

    def key(self, epoch: int) -> bytes:
        key = self.epochs().get(epoch)
        if key is None:
            raise KeysUnavailable(f"epoch {epoch} key is not available")
        return key

    # ---- writing -----------------------------------------------------
    def ensure_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.directory, 0o700)
        except OSError as exc:
            raise KeysUnavailable("cannot create the key directory") from exc

    def create_epoch(self, number: int) -> bytes:
        self.ensure_directory()
        key = crypto.new_key()
        path = self.directory / f"epoch-{number:06d}.key"
        tmp = self.directory / f".epoch-{number:06d}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, self._seal(number, key))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        self._fsync_dir()
        return key

    def install(self, number: int, key: bytes) -> None:
        """Put back an epoch key carried by a backup (porch restore)."""
        self.ensure_directory()
        path = self.directory / f"epoch-{number:06d}.key"
        if path.exists():
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, self._seal(number, key))
            os.fsync(fd)
        finally:
            os.close(fd)
        self._fsync_dir()

    def destroy_epoch(self, number: int) -> None:
        path = self.directory / f"epoch-{number:06d}.key"
        try:
            size = path.stat().st_size
            with open(path, "r+b") as handle:
                handle.write(b"\0" * size)
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
        except FileNotFoundError:
            return
        self._fsync_dir()
        logger.info("vault epoch %s destroyed", number)

    def _fsync_dir(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # ---- sealing (credential and env sources) ------------------------
    def _seal(self, number: int, key: bytes) -> bytes:
        if self.seal_key is None:
            return key
        return crypto.seal(self.seal_key, key, f"v1|epoch|{number}".encode())

    def _unseal(self, number: int, raw: bytes) -> bytes:
        if self.seal_key is None:
            if len(raw) != crypto.KEY_BYTES:
                raise KeysUnavailable(f"epoch {number} key file is damaged or sealed")
            return raw
        try:
            return crypto.open_sealed(self.seal_key, raw, f"v1|epoch|{number}".encode())
        except crypto.DecryptionFailed:
            raise KeysUnavailable(f"epoch {number} key does not open with the seal key") from None

    # ---- reporting ---------------------------------------------------
    def filesystem(self) -> str:
        probe = self.directory
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        return mount_type(probe)

    def on_volatile_memory(self) -> bool:
        return self.filesystem() in VOLATILE_FS


def _decode_seal(raw: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip() + "=" * (-len(raw.strip()) % 4))
    except (binascii.Error, ValueError):
        raise KeysUnavailable(f"the seal key in {where} is not base64") from None
    if len(key) != crypto.KEY_BYTES:
        raise KeysUnavailable(f"the seal key in {where} must be 32 bytes")
    return key


def build_source() -> KeySource:
    kind = settings.PORCH_VAULT_KEY_SOURCE
    directory = Path(settings.PORCH_VAULT_KEY_DIR)
    if kind == "file":
        return KeySource(directory, "file")
    if kind == "env":
        raw = os.environ.get(SEAL_ENV, "")
        if not raw:
            raise KeysUnavailable(f"{SEAL_ENV} is not set")
        return KeySource(directory, "env", _decode_seal(raw, SEAL_ENV))
    credentials = os.environ.get("CREDENTIALS_DIRECTORY", "")
    path = Path(credentials) / CREDENTIAL_NAME
    try:
        raw = path.read_text()
    except OSError:
        raise KeysUnavailable(f"systemd credential {CREDENTIAL_NAME} is not readable") from None
    return KeySource(directory, "credential", _decode_seal(raw, CREDENTIAL_NAME))


_SOURCE: KeySource | None = None


def source() -> KeySource:
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = build_source()
    return _SOURCE


def set_source(new: KeySource | None) -> None:
    """Swap the key source (tests, restore drills)."""
    global _SOURCE
    _SOURCE = new
