"""Canary forensics on a raw ext4 image (R10, R11, R12, R13, R14).

The var directory lives on a loop-mounted ext4 image; the keys live on
tmpfs outside it. After every step of a record's life — create, view, edit,
close, purge, rotate — the raw image, every file under var/ and the logs
hold zero copies of any canary, and never any epoch key's bytes.
"""

import json
import shutil
import struct

import pyrage
import pytest

from porch.vault.tests.forensics import Drill, LoopImage, tree_bytes, volatile_dir

TEXT_1, TEXT_2 = "CANARY-TXT-4d1f 12 Elm Street", "CANARY-TXT-9b2e 40 Oak Avenue"
JSON_1, JSON_2 = "CANARY-JSON-612-555-0144", "CANARY-JSON-612-555-0199"
POINT_1, POINT_2 = (45.0123456, -93.2876543), (45.0198765, -93.2712345)


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
    canaries = needles(TEXT_1, JSON_1, POINT_1) + needles(TEXT_2, JSON_2, POINT_2)

    def check(step: str) -> None:
        for path in keys_dir.glob("epoch-*.key"):
            seen_keys.add(path.read_bytes())
        raw, live = image.raw(), tree_bytes(var)
        for needle in canaries:
            assert raw.count(needle) == 0, f"{step}: canary on the raw image"
            assert live.count(needle) == 0, f"{step}: canary in var/"
        for key in seen_keys:
            assert raw.count(key) == 0, f"{step}: key bytes on the raw image"

    record, _subject = drill.ask(
        "create " + json.dumps({"text": TEXT_1, "data": {"phone": JSON_1}, "point": POINT_1})
    ).split()
    check("create")
    assert json.loads(drill.ask(f"view {record}")) == [TEXT_1, {"phone": JSON_1}, list(POINT_1)]
    check("view")
    drill.ask(
        f"edit {record} "
        + json.dumps({"text": TEXT_2, "data": {"phone": JSON_2}, "point": POINT_2})
    )
    check("edit")
    drill.ask("backup")
    check("backup")
    drill.ask(f"close {record}")
    check("close")
    assert drill.ask("purge") == "1"
    check("purge")
    drill.ask("rotate")
    check("rotate")
    assert len(seen_keys) >= 3  # first epoch, after the purge, after the rotation
    assert drill.ask("count") == "0 0"
