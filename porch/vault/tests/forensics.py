"""Shared helpers for the forensic, adversary and crash tests."""

import os
import shutil
import subprocess
import sys
import tempfile
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
    """A 64 MiB ext4 file system in a file, loop-mounted (root only)."""

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
        subprocess.run(["sync"], check=True)
        return self.image.read_bytes()

    def close(self) -> None:
        subprocess.run(["umount", str(self.mount)], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def tree_bytes(path: Path) -> bytes:
    """Every file under `path`, concatenated (the live view of var/)."""
    chunks = []
    for item in sorted(path.rglob("*")):
        if item.is_file():
            chunks.append(item.read_bytes())
    return b"\n".join(chunks)


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
