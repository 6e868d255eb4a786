"""The subpoena drill (R9): everything readable from the database, the logs
and a backup, with and without the current keys, must be listed in
docs/what-we-can-produce.md."""

import re
import sqlite3
from pathlib import Path

import pyrage
import pytest
from django.apps import apps
from django.db import connection

from porch.core import audit
from porch.vault.backup import make_backup, open_backup
from porch.vault.epochs import new_subject
from porch.vault.fields import ENCRYPTED_FIELDS
from porch.vault.models import SealedRecord

DOC = Path(__file__).resolve().parents[3] / "docs" / "what-we-can-produce.md"
CANARY = "CANARY-subpoena-88 Birch Lane"


def listed():
    text = DOC.read_text().split("## Machine-readable list", 1)[1]
    return set(re.findall(r"`([a-z_]+)`", text))


def classification():
    """table -> column -> sensitivity class (Porch models), or None (others)."""
    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("porch."):
            continue  # Django's and libraries' tables are listed by name
        declared = getattr(model, "SENSITIVITY", None)
        out[model._meta.db_table] = {
            f.column: (declared or {}).get(f.name) if declared is not None else None
            for f in model._meta.concrete_fields
        }
        out[model._meta.db_table]["__encrypted__"] = {
            f.column for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELDS)
        }
    return out


def readable(rows_by_table, allowed) -> list[str]:
    """Every table.column holding data in clear that the document does not list."""
    info = classification()
    problems = []
    for table, (columns, rows) in rows_by_table.items():
        model = info.get(table)
        for index, column in enumerate(columns):
            values = [row[index] for row in rows if row[index] not in (None, "", b"")]
            if not values:
                continue
            if any(
                CANARY.encode() in (v if isinstance(v, bytes) else str(v).encode()) for v in values
            ):
                problems.append(f"{table}.{column}: canary in clear")
            if model is None:
                if table not in allowed:
                    problems.append(f"{table}.{column}: table not listed")
                continue
            if column in model["__encrypted__"]:
                continue
            if model.get(column) not in allowed:
                problems.append(f"{table}.{column}: class {model.get(column)!r} not listed")
    return problems


def dump(conn) -> dict:
    tables = {}
    cursor = conn.cursor()
    if isinstance(conn, sqlite3.Connection):
        names = [r[0] for r in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    else:
        names = connection.introspection.table_names(cursor)
    for name in names:
        if name.startswith("sqlite_"):
            continue
        cursor.execute(f'SELECT * FROM "{name}"')  # noqa: S608
        tables[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    return tables


@pytest.mark.django_db(transaction=True)
def test_the_subpoena_drill_finds_nothing_unlisted(cast, settings, caplog):
    identity = pyrage.x25519.Identity.generate()
    settings.PORCH_BACKUP_RECIPIENT = str(identity.to_public())
    subject = new_subject("household", organisation=cast.org_a, data_class="address")
    record = SealedRecord.objects.create(
        subject=subject, label="address", text=CANARY, data={"n": CANARY}, point=(45.0, -93.0)
    )
    audit.record(cast.ana, "household.confirmed", obj=record, organisation=cast.org_a)
    allowed = listed()

    # Without keys: the live database.
    with connection.cursor() as cursor:
        assert readable(dump(cursor.connection), allowed) == []
    # Logs.
    assert CANARY not in caplog.text
    # A backup, opened with the offline key.
    path = make_backup()
    contents = open_backup(path, identity)
    if contents["manifest"]["database"] == "sqlite":
        copy = path.parent / "drill-copy.sqlite3"
        copy.write_bytes(contents["database"])
        try:
            with sqlite3.connect(copy) as conn:
                assert readable(dump(conn), allowed) == []
        finally:
            copy.unlink()
    else:
        assert CANARY.encode() not in contents["database"]
    # With the current keys, critical fields of live subjects open — listed.
    assert SealedRecord.objects.get(pk=record.pk).text == CANARY
    assert "critical fields of subjects that still exist" in DOC.read_text()
