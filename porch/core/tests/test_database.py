"""R16: SQLite pragmas are in effect on every connection, read back live."""

import threading

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


def pragma(cursor, name):
    cursor.execute(f"PRAGMA {name}")
    return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
def test_it_sets_the_privacy_pragmas_on_the_test_database_file():
    assert not connection.is_in_memory_db()
    with connection.cursor() as cursor:
        assert pragma(cursor, "secure_delete") == 1
        assert pragma(cursor, "journal_mode") == "wal"
        assert pragma(cursor, "synchronous") == 2  # FULL
        assert pragma(cursor, "foreign_keys") == 1
        assert pragma(cursor, "auto_vacuum") == 1  # FULL, set at creation


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
def test_it_sets_secure_delete_on_a_fresh_connection_in_another_thread():
    seen = {}

    def probe():
        try:
            with connections["default"].cursor() as cursor:
                seen["secure_delete"] = pragma(cursor, "secure_delete")
                seen["synchronous"] = pragma(cursor, "synchronous")
        finally:
            connections["default"].close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    assert seen == {"secure_delete": 1, "synchronous": 2}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite transactions")
def test_it_opens_write_transactions_immediately():
    assert connection.transaction_mode == "IMMEDIATE"
