"""Migrations 0003-0005 move plaintext contact details and TOTP seeds into
the vault on a populated database, leave no plaintext column, and go back
(R1, R48)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from porch.accounts import totp
from porch.vault import crypto

BEFORE = [("accounts", "0002_initial")]
AFTER = [("accounts", "0005_drop_plaintext_contact_details_and_totp_seeds")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    return {c.name: c.type_code for c in described}


def raw(sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_it_seals_existing_values_and_leaves_no_plaintext_column():
    old = migrate(BEFORE)
    OldUser = old.get_model("accounts", "User")
    OldDevice = old.get_model("accounts", "TOTPDevice")
    seed = totp.new_seed()
    kim = OldUser.objects.create(
        handle="kim", legal_name="CANARY Kim Example", phone="CANARY-555-0101", email=""
    )
    OldDevice.objects.create(user=kim, seed=seed, confirmed=True)
    lee = OldUser.objects.create(handle="lee", email="canary-lee@example.org")
    nobody = OldUser.objects.create(handle="nobody")

    migrate(AFTER)
    from porch.accounts.models import TOTPDevice, User

    for name in ("legal_name", "email", "phone"):
        assert f"sealed_{name}" not in columns("accounts_user")
    for row in raw("SELECT legal_name, email, phone FROM accounts_user", []):
        for value in row:
            assert value is None or (
                bytes(value)[0] == crypto.VERSION and b"CANARY" not in bytes(value)
            )
    [[sealed_seed]] = raw("SELECT seed FROM accounts_totpdevice", [])
    assert seed.encode() not in bytes(sealed_seed)

    kim, lee, nobody = (User.objects.get(handle=h) for h in ("kim", "lee", "nobody"))
    assert (kim.legal_name, kim.phone, kim.email) == ("CANARY Kim Example", "CANARY-555-0101", None)
    assert lee.email == "canary-lee@example.org"
    assert nobody.profile is None and nobody.phone is None
    device = TOTPDevice.objects.get(user=kim)
    assert device.profile_id == kim.profile_id
    assert totp.matching_step(device.seed, totp.current_code(device.seed), after=-1) is not None
    assert kim.profile_id != lee.profile_id

    # Backwards too: the values come out of the vault into plaintext columns.
    back = migrate(BEFORE)
    assert back.get_model("accounts", "User").objects.get(handle="kim").phone == "CANARY-555-0101"
    assert back.get_model("accounts", "TOTPDevice").objects.get().seed == seed
    migrate(AFTER)
