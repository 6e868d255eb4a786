"""Vault benchmarks: encrypt/decrypt throughput, shred N subjects, rotate an
epoch with N live data keys. Results go in docs/benchmarks.md by hand.

    PORCH_VAR_DIR=/tmp/porch-bench .venv/bin/python bench/vault/bench_vault.py [N]
    PORCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/porch_bench ... (PostgreSQL)

Uses its own database (created and migrated here) and its own key directory.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
os.environ.setdefault("PORCH_ENV", "development")


def main(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from porch.vault import crypto
    from porch.vault.epochs import new_subject, rotate
    from porch.vault.erasure import shred_many
    from porch.vault.models import Subject

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; N = {n}")

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
            for _ in range(min(1000, n - start)):
                new_subject("bench")
    print(f"create {n} subjects: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    result = rotate(force=True)
    print(f"rotate with {result.rewrapped} live data keys: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    ids = list(Subject.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        shred_many(list(Subject.objects.filter(pk__in=ids[start : start + 1000])), ledger=True)
    print(f"shred {len(ids)} subjects: {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
