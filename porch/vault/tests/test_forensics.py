"""Canary forensics on a raw ext4 image (R10, R11, R12, R13, R14).

The var directory lives on a loop-mounted ext4 image; the keys live on
tmpfs outside it. After every step of a record's and a volunteer profile's
life — create, view, edit, backup, close (the volunteer leaves), purge,
rotate — the raw image, every file under var/ and the logs hold zero copies
of any canary, and never any epoch key's bytes. PostgreSQL: test_forensics_pg.
"""

import shutil

import pyrage
import pytest

from porch.vault.tests.forensics import (
    CANARIES,
    Drill,
    LoopImage,
    canary_life_cycle,
    tree_bytes,
    volatile_dir,
)


@pytest.fixture
def rig(tmp_path):
    image = LoopImage()
    keys_dir = volatile_dir()
    identity = pyrage.x25519.Identity.generate()
    var = image.mount / "var"
    var.mkdir()
    drill = Drill(
        {
            "PORCH_VAR_DIR": str(var),
            "PORCH_VAULT_KEY_DIR": str(keys_dir / "keys"),
            "PORCH_BACKUP_DIR": str(var / "backups"),
            "PORCH_BACKUP_RECIPIENT": str(identity.to_public()),
        },
        log=var / "porch.log",  # the process's logs live on the image too
    )
    try:
        yield image, var, keys_dir / "keys", drill
    finally:
        drill.close()
        image.close()
        shutil.rmtree(keys_dir, ignore_errors=True)


def test_no_canary_or_key_ever_reaches_the_disk(rig):
    image, var, keys_dir, drill = rig
    drill.ask("migrate")
    # Positive control: a plaintext marker written to var/ IS found on the image.
    (var / "control.txt").write_text("CONTROL-MARKER-51c0")
    assert b"CONTROL-MARKER-51c0" in image.raw()

    seen_keys: set[bytes] = set()

    def check(step: str) -> None:
        for path in keys_dir.glob("epoch-*.key"):
            seen_keys.add(path.read_bytes())
        raw, live = image.raw(), tree_bytes(var)
        for needle in CANARIES:
            assert raw.count(needle) == 0, f"{step}: canary on the raw image"
            assert live.count(needle) == 0, f"{step}: canary in var/"
        for key in seen_keys:
            assert raw.count(key) == 0, f"{step}: key bytes on the raw image"

    canary_life_cycle(drill, check)
    assert len(seen_keys) >= 3  # first epoch, after the purge, after the rotation
