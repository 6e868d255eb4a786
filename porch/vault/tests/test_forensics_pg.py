"""Canary forensics on PostgreSQL (R10, R17; THREAT_MODEL "Proofs").

A throwaway cluster — `initdb` as the postgres user, its own port, never the
shared server at 5432 — keeps its data directory on a loop-mounted ext4
image; Porch's var/ (logs, backups, shred ledger) is on the image too, the
keys on tmpfs outside it. The same life cycle as on SQLite runs through the
drill, and after every step (with a CHECKPOINT, so shared buffers are on
disk) PGDATA, pg_wal included, and the raw image hold zero canaries and no
epoch key's bytes. PostgreSQL keeps deleted tuples in heap files and
recycled WAL (THREAT_MODEL fact 4): only plaintext that never reaches it is safe.
"""

import shutil

import psycopg
import pyrage
import pytest

from porch.vault.tests.forensics import (
    CANARIES,
    Cluster,
    Drill,
    LoopImage,
    canary_life_cycle,
    tree_bytes,
    volatile_dir,
)

CONTROL = "CONTROL-PG-MARKER-e5a9"


@pytest.fixture
def rig():
    image = LoopImage(size_mb=96)
    keys_dir = volatile_dir()
    cluster = drill = None
    try:
        # The postgres user must reach the data directory on the image.
        for path in (image.dir, image.mount):
            path.chmod(0o755)
        var = image.mount / "var"
        var.mkdir()
        cluster = Cluster(image.mount / "pgdata", log=var / "postgresql.log")
        identity = pyrage.x25519.Identity.generate()
        drill = Drill(
            {
                "PORCH_DATABASE_URL": cluster.url,
                "PORCH_VAR_DIR": str(var),
                "PORCH_VAULT_KEY_DIR": str(keys_dir / "keys"),
                "PORCH_BACKUP_DIR": str(var / "backups"),
                "PORCH_BACKUP_RECIPIENT": str(identity.to_public()),
                # pg_dump (porch backup) reaches the throwaway cluster only.
                "PGHOST": "127.0.0.1",
                "PGPORT": str(cluster.port),
            },
            log=var / "porch.log",
        )
        yield image, var, keys_dir / "keys", cluster, drill
    finally:
        if drill is not None:
            drill.close()
        if cluster is not None:
            cluster.stop()
        image.close()
        shutil.rmtree(keys_dir, ignore_errors=True)


def test_no_canary_or_key_reaches_pgdata_its_wal_or_the_disk(rig):
    image, var, keys_dir, cluster, drill = rig
    assert cluster.port != 5432
    drill.ask("migrate")
    # Positive control: plaintext that PostgreSQL does get is found in its
    # WAL, in PGDATA and on the raw image after a checkpoint.
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE forensic_control (t text)")
        conn.execute("INSERT INTO forensic_control VALUES (%s)", [CONTROL])
    cluster.checkpoint()
    assert CONTROL.encode() in tree_bytes(cluster.pgdata / "pg_wal")
    assert CONTROL.encode() in tree_bytes(cluster.pgdata)
    assert CONTROL.encode() in image.raw()

    seen_keys: set[bytes] = set()

    def check(step: str) -> None:
        cluster.checkpoint()
        for path in keys_dir.glob("epoch-*.key"):
            seen_keys.add(path.read_bytes())
        raw, pgdata, live = image.raw(), tree_bytes(cluster.pgdata), tree_bytes(var)
        for needle in CANARIES:
            assert raw.count(needle) == 0, f"{step}: canary on the raw image"
            assert pgdata.count(needle) == 0, f"{step}: canary in PGDATA"
            assert live.count(needle) == 0, f"{step}: canary in var/"
        for key in seen_keys:
            assert raw.count(key) == 0, f"{step}: key bytes on the raw image"

    canary_life_cycle(drill, check)
    assert len(seen_keys) >= 3
