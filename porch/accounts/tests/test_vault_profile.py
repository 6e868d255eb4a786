"""Contact details and TOTP seeds live in the vault under each person's own
profile key (R1, R10, R23), and leaving Porch shreds that key at once (R14)."""

import re

import pytest
from django.db import connection

from porch.accounts import totp
from porch.accounts.models import PROFILE_KIND, RecoveryCode, TOTPDevice, User, Vouch
from porch.accounts.tests.conftest import code
from porch.coalition.models import Membership
from porch.core.models import AuditEntry
from porch.core.testing import PASSWORD
from porch.vault import crypto
from porch.vault.erasure import ledger_entries
from porch.vault.models import Subject

pytestmark = pytest.mark.django_db

NAME, PHONE, MAIL = "CANARY Benedikt Example", "CANARY-612-555-0142", "canary-ben@example.org"


def raw(table: str, columns: str, pk: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return [None if v is None else bytes(v) for v in cursor.fetchone()]


def give_contact(client):
    response = client.post("/account/contact/", {"legal_name": NAME, "phone": PHONE, "email": MAIL})
    assert response.status_code == 302


def test_it_stores_contact_details_only_as_ciphertext(cast, signed_in):
    give_contact(signed_in(cast.ben))
    for value in raw("accounts_user", "legal_name, phone, email", cast.ben.pk):
        assert value[0] == crypto.VERSION
        assert b"CANARY" not in value and b"canary" not in value
    fresh = User.objects.get(pk=cast.ben.pk)
    assert (fresh.legal_name, fresh.phone, fresh.email) == (NAME, PHONE, MAIL)
    assert fresh.profile.kind == PROFILE_KIND
    page = signed_in(cast.ben).get("/account/")
    assert PHONE in page.text and MAIL in page.text  # the owner sees their own


def test_it_makes_no_key_for_someone_who_gives_nothing(cast, signed_in):
    client = signed_in(cast.cal)
    client.post("/account/contact/", {"legal_name": "", "phone": "", "email": ""})
    cal = User.objects.get(pk=cast.cal.pk)
    assert cal.profile is None
    assert raw("accounts_user", "legal_name, phone, email", cal.pk) == [None, None, None]
    assert not Subject.objects.exists()


def test_it_gives_each_person_one_profile_for_contact_and_seed(cast, signed_in, enrol):
    give_contact(signed_in(cast.ben))
    seed = enrol(cast.ben)
    ben = User.objects.get(pk=cast.ben.pk)
    device = TOTPDevice.objects.get(user=ben)
    assert device.profile_id == ben.profile_id
    assert Subject.objects.filter(kind=PROFILE_KIND).count() == 1
    [sealed] = raw("accounts_totpdevice", "seed", device.pk)
    assert seed.encode() not in sealed and sealed[0] == crypto.VERSION
    assert TOTPDevice.objects.get(pk=device.pk).seed == seed


def test_it_signs_in_with_a_sealed_seed(client, cast, enrol):
    seed = enrol(cast.ben)
    client.post("/login/", {"handle": "ben", "password": PASSWORD})
    assert client.post("/login/two-factor/", {"code": code(seed)}).status_code == 302
    assert client.get("/").status_code == 200


def test_it_refuses_a_seed_copied_onto_someone_elses_device(cast, enrol):
    enrol(cast.ben)
    enrol(cast.dee)
    bens = TOTPDevice.objects.get(user=cast.ben)
    [sealed] = raw("accounts_totpdevice", "seed", bens.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_totpdevice SET seed = %s WHERE user_id = %s", [sealed, cast.dee.pk]
        )
    with pytest.raises(crypto.DecryptionFailed):
        TOTPDevice.objects.get(user=cast.dee).seed  # noqa: B018


def test_it_seals_the_seed_of_a_new_enrolment(client, cast):
    client.post("/login/", {"handle": "ben", "password": PASSWORD})
    client.post("/account/two-factor/", {"action": "start"})
    page = client.get("/account/two-factor/")
    secret = re.search(r'id="totp-secret">([^<]+)<', page.text).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=cast.ben)
    assert secret.encode() not in raw("accounts_totpdevice", "seed", device.pk)[0]
    response = client.post(
        "/account/two-factor/", {"action": "confirm", "code": totp.current_code(secret)}
    )
    assert response.status_code == 200
    assert TOTPDevice.objects.get(user=cast.ben).confirmed


# ---- Leaving Porch ---------------------------------------------------------------


def leave(client, **overrides):
    data = {"leave-password": PASSWORD, "leave-confirm": "on", **overrides}
    return client.post("/account/leave/", data)


@pytest.fixture
def ben_with_everything(cast, signed_in, enrol):
    client = signed_in(cast.ben)
    give_contact(client)
    seed = enrol(cast.ben)
    RecoveryCode.objects.create(user=cast.ben, code_hash="x")
    Vouch.objects.create(voucher=cast.ana, vouchee=cast.ben)
    Vouch.objects.create(voucher=cast.ben, vouchee=cast.pia)
    ben = User.objects.get(pk=cast.ben.pk)
    return client, ben, seed


def test_it_shreds_the_profile_of_someone_who_leaves(ben_with_everything, cast):
    client, ben, seed = ben_with_everything
    profile = ben.profile.code
    response = leave(client)
    assert response.status_code == 200
    assert "You have left Porch" in response.text
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    gone = User.objects.get(pk=ben.pk)
    assert gone.status == User.Status.LEFT
    assert gone.handle.startswith("left-") and gone.handle != "ben"
    assert not gone.has_usable_password()
    assert gone.profile is None
    assert raw("accounts_user", "legal_name, phone, email", ben.pk) == [None, None, None]
    assert not Subject.objects.filter(code=profile).exists()
    assert profile in ledger_entries()  # a restore shreds it again
    assert not TOTPDevice.objects.filter(user=ben).exists()
    assert not RecoveryCode.objects.filter(user=ben).exists()
    assert not Membership.objects.filter(user=ben).exists()
    assert not Vouch.objects.filter(voucher=ben).exists()
    assert not Vouch.objects.filter(vouchee=ben).exists()
    assert AuditEntry.objects.filter(action="account.left", object_code=ben.code).exists()
    # Signed out, and neither the old handle nor the new one signs in.
    assert client.get("/account/")["Location"].startswith("/login/")
    for handle in ("ben", gone.handle):
        assert client.post("/login/", {"handle": handle, "password": PASSWORD}).status_code == 400


def test_it_keeps_everyone_elses_profile(ben_with_everything, cast, signed_in, enrol):
    client, ben, _ = ben_with_everything
    dee_seed = enrol(cast.dee)
    leave(client)
    assert TOTPDevice.objects.get(user=cast.dee).seed == dee_seed


def test_it_needs_the_password_and_the_tick_to_leave(ben_with_everything):
    client, ben, seed = ben_with_everything
    wrong = leave(client, **{"leave-password": "not my password at all"})
    assert wrong.status_code == 400
    assert "Your password is not right." in wrong.text
    unticked = client.post("/account/leave/", {"leave-password": PASSWORD})
    assert unticked.status_code == 400
    assert "Tick the box to confirm that you want to leave." in unticked.text
    kept = User.objects.get(pk=ben.pk)
    assert kept.status == User.Status.ACTIVE and kept.phone == PHONE
    assert TOTPDevice.objects.get(user=ben).seed == seed


def test_it_offers_leaving_on_the_account_page_and_only_by_post(cast, signed_in, client):
    page = signed_in(cast.cal).get("/account/")
    assert 'action="/account/leave/"' in page.text
    assert "Leave Porch now" in page.text
    assert signed_in(cast.cal).get("/account/leave/").status_code == 405
    client.logout()
    assert client.post("/account/leave/", {})["Location"].startswith("/login/")


def test_a_panic_for_the_whole_instance_erases_profiles_and_seeds(ben_with_everything):
    from porch.vault.panic import erase_subjects

    _, ben, _ = ben_with_everything
    erase_subjects(Subject.objects.all())
    ben = User.objects.get(pk=ben.pk)
    assert (ben.legal_name, ben.phone, ben.email, ben.profile) == (None, None, None, None)
    assert not TOTPDevice.objects.filter(user=ben).exists()
