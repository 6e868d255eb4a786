"""Sign-in (R24–R27): one message for every failure, throttling on the account
row only, session rotation, 2FA routing, logout clearing the browser."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from porch.accounts.middleware import GENERATION_KEY
from porch.accounts.models import User
from porch.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

GENERIC = "Those details did not work, or this account is resting after too many tries."


def post_login(client, handle, password=PASSWORD, **extra):
    return client.post("/login/", {"handle": handle, "password": password, **extra})


def test_it_shows_the_sign_in_form(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'name="handle"' in response.text
    assert 'autocomplete="current-password"' in response.text


def test_it_signs_a_volunteer_in_and_rotates_the_session(client, cast):
    client.get("/login/")
    client.cookies["sessionid"] = "stale"
    before = client.cookies.get("sessionid").value
    response = post_login(client, "cal")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies["sessionid"].value != before
    assert client.session[GENERATION_KEY] == cast.cal.session_generation
    assert client.get("/").status_code == 200


def test_it_accepts_the_handle_in_any_case_with_spaces(client, cast):
    assert post_login(client, "  CAL ")["Location"] == "/"


@pytest.mark.parametrize(
    "handle, password",
    [("nobody-here-999", PASSWORD), ("cal", "wrong horse battery staple")],
)
def test_it_gives_one_message_for_unknown_handles_and_wrong_passwords(
    client, cast, handle, password
):
    response = post_login(client, handle, password)
    assert response.status_code == 400
    assert GENERIC in response.text
    assert "_auth_user_id" not in client.session


def test_it_gives_the_same_message_to_a_locked_account(client, cast):
    User.objects.filter(pk=cast.cal.pk).update(status=User.Status.LOCKED)
    response = post_login(client, "cal")
    assert response.status_code == 400
    assert GENERIC in response.text


def test_it_throttles_the_account_after_too_many_tries(client, cast, settings):
    settings.PORCH_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        post_login(client, "cal", "wrong horse battery staple")
    response = post_login(client, "cal")  # the right password, but resting
    assert response.status_code == 400
    assert GENERIC in response.text
    cal = User.objects.get(pk=cast.cal.pk)
    assert cal.throttled_until > timezone.now()


def test_it_lets_a_throttled_account_in_after_the_rest(client, cast, settings):
    settings.PORCH_LOGIN_ATTEMPTS = 2
    settings.PORCH_LOGIN_LOCK_MINUTES = 15
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        post_login(client, "cal", "wrong horse battery staple")
        post_login(client, "cal", "wrong horse battery staple")
        assert post_login(client, "cal").status_code == 400
        traveller.shift(timedelta(minutes=16))
        response = post_login(client, "cal")
    assert response.status_code == 302
    cal = User.objects.get(pk=cast.cal.pk)
    assert cal.failed_logins == 0
    assert cal.throttled_until is None


def _snapshot():
    """Every row of every table."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def test_it_stores_nothing_but_the_two_user_columns_when_throttling(client, cast, settings):
    settings.PORCH_LOGIN_ATTEMPTS = 2
    users_before = {u["id"]: u for u in User.objects.values()}
    before = _snapshot()
    post_login(client, "cal", "wrong horse battery staple", HTTP_USER_AGENT="Canary/1.0")
    post_login(client, "cal", "wrong horse battery staple", REMOTE_ADDR="203.0.113.77")
    post_login(client, "cal", HTTP_X_FORWARDED_FOR="198.51.100.5")
    after = _snapshot()
    assert {table for table in after if after[table] != before[table]} == {"accounts_user"}
    users_after = {u["id"]: u for u in User.objects.values()}
    changed = {
        column
        for pk, row in users_after.items()
        for column, value in row.items()
        if users_before[pk][column] != value
    }
    assert "throttled_until" in changed
    assert changed <= {"failed_logins", "throttled_until"}
    everything = "".join("".join(rows) for rows in after.values())
    for canary in ("Canary/1.0", "203.0.113.77", "198.51.100.5"):
        assert canary not in everything


def test_it_sends_a_two_factor_member_to_the_code_page(client, cast, enrol):
    enrol(cast.ben)
    response = post_login(client, "ben", next="/account/")
    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/?next=%2Faccount%2F"


def test_it_sends_a_two_factor_role_without_a_phone_to_enrolment(client, cast):
    response = post_login(client, "ben")
    assert response["Location"].startswith("/account/two-factor/?next=")


def test_it_honours_a_safe_next(client, cast):
    assert post_login(client, "cal", next="/account/")["Location"] == "/account/"


def test_it_ignores_a_next_to_another_site(client, cast):
    assert post_login(client, "cal", next="https://evil.example/")["Location"] == "/"


def test_it_refuses_a_blank_form(client):
    response = client.post("/login/", {})
    assert response.status_code == 400
    assert "This field is required." in response.text


def test_it_refuses_other_methods(client):
    assert client.put("/login/").status_code == 405


def test_it_signs_out_only_by_post_and_clears_the_browser(client, cast, signed_in):
    signed_in(cast.cal)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/account/").status_code == 302


def test_it_hashes_passwords_with_argon2id_in_real_settings(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(password="a long and quiet passphrase")
    assert user.password.startswith("argon2$argon2id$")
