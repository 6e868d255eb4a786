"""Shared helpers for the forensic, adversary and crash tests: the loop
image, the drill process, a throwaway PostgreSQL cluster, and the canary
life cycle both forensic tests run."""

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def volatile_dir() -> Path:
    """A fresh directory on tmpfs, outside any disk image (for keys)."""
    from porch.vault.keys import VOLATILE_FS, mount_type

    if mount_type("/dev/shm") not in VOLATILE_FS:
        pytest.skip("no tmpfs at /dev/shm to keep the keys off the disk image")
    return Path(tempfile.mkdtemp(prefix="porch-keys-", dir="/dev/shm"))


class LoopImage:
    """An ext4 file system in a file (64 MiB by default), loop-mounted (root only)."""

    def __init__(self, size_mb: int = 64):
        if os.geteuid() != 0:
            pytest.skip("loop-mounting a disk image needs root (CI runs as root)")
        if not shutil.which("mkfs.ext4") or not Path("/dev/loop-control").exists():
            pytest.skip("no mkfs.ext4 or loop device on this machine")
        self.dir = Path(tempfile.mkdtemp(prefix="porch-img-"))
        self.image = self.dir / "disk.img"
        self.mount = self.dir / "mnt"
        self.mount.mkdir()
        subprocess.run(["truncate", "-s", f"{size_mb}M", str(self.image)], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", str(self.image)], check=True)
        done = subprocess.run(
            ["mount", "-o", "loop", str(self.image), str(self.mount)], check=False
        )
        if done.returncode != 0:
            shutil.rmtree(self.dir)
            pytest.skip("mount -o loop failed here (no loop device available)")

    def raw(self) -> bytes:
        """The image file's bytes, runs of all-zero blocks squeezed (see squeeze)."""
        subprocess.run(["sync"], check=True)
        return squeeze(self.image.read_bytes())

    def close(self) -> None:
        if subprocess.run(["umount", str(self.mount)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(self.mount)], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def tree_bytes(path: Path) -> bytes:
    """Every file under `path`, concatenated (the live view of var/ or PGDATA),
    runs of all-zero blocks squeezed."""
    chunks = []
    for item in sorted(path.rglob("*")):
        if item.is_file():
            chunks.append(squeeze(item.read_bytes()))
    return b"\n".join(chunks)


BLOCK = 4096
GAP = bytes(128)  # longer than any needle: squeezing neither loses nor makes a match
MAX_NEEDLE = len(GAP)


def squeeze(data: bytes) -> bytes:
    """`data` with every run of all-zero 4 KiB blocks replaced by 128 zero bytes.

    Most of a fresh image and of PostgreSQL's files is zeros; searching for
    needles of at most MAX_NEEDLE bytes gives the same answer on the squeezed
    bytes, several times faster.
    """
    view, zero = memoryview(data), bytes(BLOCK)
    out, in_gap = [], False
    for start in range(0, len(data), BLOCK):
        block = view[start : start + BLOCK]
        if block == zero[: len(block)]:
            if not in_gap:
                out.append(GAP)
                in_gap = True
        else:
            out.append(block)
            in_gap = False
    return b"".join(out)


class Drill:
    """porch.vault.tests.drill in a subprocess with its own environment."""

    def __init__(self, env: dict, log: Path | None = None):
        full = {k: v for k, v in os.environ.items() if k != "PORCH_DATABASE_URL"}
        full.update(env)
        full.setdefault("PORCH_ENV", "test")
        self.log = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "porch.vault.tests.drill"],
            cwd=ROOT,
            env=full,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            bufsize=1,
        )

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def ask(self, line: str) -> str:
        self.send(line)
        answer = self.proc.stdout.readline().strip()
        assert answer.startswith("ok"), f"{line!r} -> {answer!r}"
        return answer[3:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        if self.log is not subprocess.DEVNULL:
            self.log.close()


# ---- A throwaway PostgreSQL cluster on the image ------------------------------

PG_BIN = Path(os.environ.get("PORCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "postgres"
SHARED_PORT = 5432  # the shared server: never touched


def free_port(first: int = 55433) -> int:
    for port in range(first, first + 50):
        if port == SHARED_PORT:
            continue
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a throwaway PostgreSQL")


class Cluster:
    """`initdb` as the postgres user, data directory `pgdata`, TCP on
    127.0.0.1:`port` only (no Unix socket), stopped and killed in stop()."""

    def __init__(self, pgdata: Path, log: Path):
        if not (PG_BIN / "initdb").exists():
            pytest.skip(f"no PostgreSQL binaries in {PG_BIN}")
        if os.geteuid() != 0 or not shutil.which("runuser"):
            pytest.skip("starting a cluster as the postgres user needs root and runuser")
        self.pgdata, self.log = pgdata, log
        self.port = free_port()
        pgdata.mkdir(mode=0o700)
        shutil.chown(pgdata, PG_USER)
        log.touch()
        shutil.chown(log, PG_USER)
        self._as_postgres(
            "initdb", "-D", str(pgdata), "-U", PG_USER, "-A", "trust", "-E", "UTF8",
            "--locale=C", "--wal-segsize=1", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=on -c max_wal_size=32MB -c min_wal_size=2MB"
        )
        self.started = True  # from here on stop() must run, even if start fails halfway
        try:
            self._as_postgres(
                "pg_ctl", "-D", str(pgdata), "-l", str(log), "-o", options, "-w", "start"
            )
            self._as_postgres("createdb", "-h", "127.0.0.1", "-p", str(self.port), "porch")
        except BaseException:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/porch"

    def _as_postgres(self, tool: str, *args: str) -> str:
        done = subprocess.run(
            ["runuser", "-u", PG_USER, "--", str(PG_BIN / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
        )
        assert done.returncode == 0, f"{tool} failed: {done.stderr[-2000:]}"
        return done.stdout

    def checkpoint(self) -> None:
        """Push every dirty page out of shared buffers, so a grep sees what
        PostgreSQL would leave on the disk."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")

    def stop(self) -> None:
        if not getattr(self, "started", False):
            return
        subprocess.run(
            ["runuser", "-u", PG_USER, "--", str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata),
             "-m", "immediate", "-w", "-t", "20", "stop"],
            capture_output=True, timeout=60, check=False, cwd="/",
        )  # fmt: skip
        pidfile = self.pgdata / "postmaster.pid"
        deadline = time.monotonic() + 10
        while pidfile.exists() and time.monotonic() < deadline:
            try:
                pid = int(pidfile.read_text().split()[0])
                os.kill(pid, 9)
            except (OSError, ValueError, IndexError):
                break
            time.sleep(0.2)
        self.started = False


# ---- The canary life cycle ---------------------------------------------------------

TEXT_1, TEXT_2 = "CANARY-TXT-4d1f 12 Elm Street", "CANARY-TXT-9b2e 40 Oak Avenue"
JSON_1, JSON_2 = "CANARY-JSON-612-555-0144", "CANARY-JSON-612-555-0199"
POINT_1, POINT_2 = (45.0123456, -93.2876543), (45.0198765, -93.2712345)
# A volunteer's profile: contact details and TOTP seeds (base32, like real ones).
PERSON_1 = {
    "legal_name": "CANARY-NAME Ximena Quarrington",
    "phone": "CANARY-PHONE-612-555-0177",
    "email": "canary-mail-7c1e@example.org",
    "seed": "KZXW6YTBOJ2GKZLSMFXGG4TZNFZWK5DS",
}
PERSON_2 = {
    "legal_name": "CANARY-NAME Ximena Q. Lindqvist",
    "phone": "CANARY-PHONE-612-555-0188",
    "email": "canary-mail-93ab@example.org",
    "seed": "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
}
PASSWORD = "drill passphrase for the canary volunteer"


def needles(text, phone, point) -> list[bytes]:
    lat, lon = point
    return [
        text.encode(),
        text.encode("utf-16-le"),
        phone.encode(),
        struct.pack(">dd", lat, lon),
        struct.pack("<d", lat),
        repr(lat).encode(),
    ]


def person_needles(person) -> list[bytes]:
    found = [person[k].encode() for k in ("legal_name", "phone", "email", "seed")]
    found.append(base64.b32decode(person["seed"]))  # the secret itself, decoded
    return found


CANARIES = (
    needles(TEXT_1, JSON_1, POINT_1)
    + needles(TEXT_2, JSON_2, POINT_2)
    + person_needles(PERSON_1)
    + person_needles(PERSON_2)
)
assert max(len(n) for n in CANARIES) <= MAX_NEEDLE


def canary_life_cycle(drill: "Drill", check) -> None:
    """create → view → edit → backup → close → purge → rotate, for a sealed
    record and for a volunteer's profile (who leaves Porch at "close");
    `check(step)` greps after each step."""
    record, _subject = drill.ask(
        "create " + json.dumps({"text": TEXT_1, "data": {"phone": JSON_1}, "point": POINT_1})
    ).split()
    person = drill.ask(
        "person " + json.dumps({"handle": "canary-volunteer", "password": PASSWORD, **PERSON_1})
    )
    check("create")
    assert json.loads(drill.ask(f"view {record}")) == [TEXT_1, {"phone": JSON_1}, list(POINT_1)]
    assert json.loads(drill.ask(f"person-view {person}")) == [
        PERSON_1[k] for k in ("legal_name", "phone", "email", "seed")
    ]
    check("view")
    drill.ask(
        f"edit {record} "
        + json.dumps({"text": TEXT_2, "data": {"phone": JSON_2}, "point": POINT_2})
    )
    drill.ask(f"person-edit {person} " + json.dumps(PERSON_2))
    assert json.loads(drill.ask(f"person-view {person}"))[3] == PERSON_2["seed"]
    check("edit")
    drill.ask("backup")
    check("backup")
    drill.ask(f"close {record}")
    drill.ask(f"person-leave {person} {PASSWORD}")
    check("close")
    assert drill.ask("purge") == "1"
    check("purge")
    drill.ask("rotate")
    check("rotate")
    assert drill.ask("count") == "0 0"
