"""Vault benchmarks: encrypt/decrypt throughput, shred N subjects, rotate an
epoch with N live data keys. Results go in docs/benchmarks.md by hand.

    PORCH_VAR_DIR=/tmp/porch-bench .venv/bin/python bench/vault/bench_vault.py [N]
    PORCH_VAR_DIR=/tmp/porch-bench-pg \
      PORCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/porch_bench \
      .venv/bin/python bench/vault/bench_vault.py [N]

Uses its own database and key directory (under PORCH_VAR_DIR). A PostgreSQL
database that does not exist yet is created, and dropped again at the end.
Each subject gets one sealed record (an address and a point), like a
household, so shredding deletes real rows, not only keys.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
os.environ.setdefault("PORCH_ENV", "development")


def create_postgresql_database() -> str:
    """Create the database named in PORCH_DATABASE_URL if missing; its name
    when this run created it (and so drops it), else ""."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    url = os.environ.get("PORCH_DATABASE_URL", "")
    if not url.startswith("postgresql://"):
        return ""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "porch", "postgres"):
        raise SystemExit("benchmark on a throwaway database, e.g. .../porch_bench")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            return ""
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_postgresql_database(name: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    admin = urlunsplit(urlsplit(os.environ["PORCH_DATABASE_URL"])._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
    print(f"dropped database {name}")


def main(n: int) -> None:
    import django

    created = create_postgresql_database()
    django.setup()
    try:
        run(n)
    finally:
        if created:
            drop_postgresql_database(created)


def run(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from porch.vault import crypto
    from porch.vault.epochs import new_subjects, rotate
    from porch.vault.erasure import shred_many
    from porch.vault.models import SealedRecord, Subject

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; N = {n:,}; cores: {os.cpu_count()}")

    key = crypto.new_key()
    aad = crypto.value_aad("aid.household", "address", "R", "S", 1)
    payload = b"1234 Cedar Flats Avenue, Apt 5, Riverbend" * 2
    t = time.perf_counter()
    sealed = [crypto.seal(key, payload, aad) for _ in range(n)]
    enc = time.perf_counter() - t
    t = time.perf_counter()
    for s in sealed:
        crypto.open_sealed(key, s, aad)
    dec = time.perf_counter() - t
    print(f"encrypt: {n / enc:,.0f} values/s; decrypt: {n / dec:,.0f} values/s ({len(payload)} B)")

    Subject.objects.all().delete()
    t = time.perf_counter()
    for start in range(0, n, 1000):
        with transaction.atomic():
            records = [
                SealedRecord(
                    subject=subject,
                    label="address",
                    text=f"{start + i} Cedar Flats Avenue",
                    point=(45.0 + i / 1e5, -93.0),
                )
                for i, subject in enumerate(new_subjects("bench", min(1000, n - start)))
            ]
            SealedRecord.objects.bulk_create(records)
    print(f"create {n:,} subjects with a sealed record each: {time.perf_counter() - t:.1f} s")

    sample = min(n, 10_000)
    t = time.perf_counter()
    opened = sum(
        1 for r in SealedRecord.objects.select_related("subject")[:sample] if r.text and r.point
    )
    elapsed = time.perf_counter() - t
    print(f"load and open {opened:,} records through the ORM: {opened / elapsed:,.0f} records/s")

    t = time.perf_counter()
    result = rotate(force=True)
    print(f"rotate with {result.rewrapped:,} live data keys: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    ids = list(Subject.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        shred_many(list(Subject.objects.filter(pk__in=ids[start : start + 1000])), ledger=True)
    print(f"shred {len(ids):,} subjects and their records: {time.perf_counter() - t:.1f} s")
    assert not SealedRecord.objects.exists()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
