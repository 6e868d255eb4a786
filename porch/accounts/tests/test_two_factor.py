"""TOTP 2FA (R23): enrolment with a QR code, codes accepted once, ±1 step,
recovery codes that work once, and step-up (R28)."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from porch.accounts.middleware import GENERATION_KEY, VERIFIED_KEY
from porch.accounts.models import RecoveryCode, TOTPDevice, User, hash_secret
from porch.accounts.tests.conftest import code
from porch.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

# A moment in the middle of a 30-second step, so "now" never straddles two.
START = timezone.datetime(2026, 3, 2, 15, 0, 10, tzinfo=timezone.UTC)


def login(client, handle):
    return client.post("/login/", {"handle": handle, "password": PASSWORD})


def test_it_enrols_a_phone_and_shows_recovery_codes_once(client, cast):
    login(client, "ben")
    assert client.get("/").status_code == 302  # forced to enrol first
    page = client.get("/account/two-factor/")
    assert "Set up two-factor sign-in" in page.text
    assert client.post("/account/two-factor/", {"action": "start"}).status_code == 302
    page = client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=cast.ben)
    assert not device.confirmed
    secret = re.search(r'id="totp-secret">([^<]+)<', page.text).group(1).replace(" ", "")
    assert secret == device.seed
    assert 'src="data:image/svg+xml' in page.text
    wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert "That code did not match." in wrong.text
    response = client.post("/account/two-factor/", {"action": "confirm", "code": code(secret)})
    assert response.status_code == 200
    shown = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", response.text)
    assert len(shown) == 10
    stored = set(RecoveryCode.objects.filter(user=cast.ben).values_list("code_hash", flat=True))
    assert stored == {hash_secret(c.replace("-", "")) for c in shown}
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[GENERATION_KEY] == User.objects.get(pk=cast.ben.pk).session_generation
    assert client.get("/").status_code == 200
    again = client.get("/account/two-factor/")
    assert "You have 10 unused recovery codes." in again.text
    assert device.seed not in again.text


def test_it_refuses_to_start_over_a_confirmed_device(cast, enrol, signed_in):
    seed = enrol(cast.ben)
    signed_in(cast.ben).post("/account/two-factor/", {"action": "start"})
    assert TOTPDevice.objects.get(user=cast.ben).seed == seed


def test_it_asks_for_a_code_after_the_password(client, cast, enrol):
    seed = enrol(cast.ben)
    response = login(client, "ben")
    assert response["Location"].startswith("/login/two-factor/")
    assert client.get("/account/").status_code == 302
    assert client.post("/login/two-factor/", {"code": code(seed)}).status_code == 302
    assert client.session[VERIFIED_KEY]
    assert client.get("/account/").status_code == 200


def test_it_accepts_a_code_only_once(client, cast, enrol):
    seed = enrol(cast.ben)
    with time_machine.travel(START, tick=False):
        login(client, "ben")
        first = code(seed)
        assert client.post("/login/two-factor/", {"code": first}).status_code == 302
        client.post("/logout/")
        login(client, "ben")
        response = client.post("/login/two-factor/", {"code": first})
    assert response.status_code == 400
    assert "That code did not work." in response.text


@pytest.mark.parametrize("offset, accepted", [(-30, True), (30, True), (-60, False), (90, False)])
def test_it_allows_one_step_of_clock_drift(client, cast, enrol, offset, accepted):
    seed = enrol(cast.ben)
    with time_machine.travel(START, tick=False):
        login(client, "ben")
        drifted = code(seed, at=time.time() + offset)
        response = client.post("/login/two-factor/", {"code": drifted})
    assert (response.status_code == 302) is accepted


def test_it_accepts_a_recovery_code_once(client, cast, enrol):
    enrol(cast.ben)
    RecoveryCode.objects.create(user=cast.ben, code_hash=hash_secret("ABCDE23456"))
    login(client, "ben")
    assert client.post("/login/two-factor/", {"code": "abcde-23456"}).status_code == 302
    client.post("/logout/")
    login(client, "ben")
    assert client.post("/login/two-factor/", {"code": "ABCDE-23456"}).status_code == 400


def test_it_throttles_code_guessing_and_signs_out(client, cast, enrol, settings):
    settings.PORCH_LOGIN_ATTEMPTS = 3
    enrol(cast.ben)
    login(client, "ben")
    for _ in range(2):
        assert client.post("/login/two-factor/", {"code": "111111"}).status_code == 400
    response = client.post("/login/two-factor/", {"code": "111111"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=cast.ben.pk).throttled_until is not None


def test_it_sends_the_code_page_to_enrolment_without_a_device(cast, signed_in):
    response = signed_in(cast.ben, two_factor=False).get("/login/two-factor/")
    assert response["Location"] == "/account/two-factor/"


def test_it_refuses_other_methods_on_the_two_factor_pages(cast, enrol, signed_in):
    enrol(cast.ben)
    client = signed_in(cast.ben)
    assert client.put("/login/two-factor/").status_code == 405
    assert client.put("/account/two-factor/").status_code == 405
    assert client.get("/account/two-factor/recovery-codes/").status_code == 405


def test_it_closes_the_api_to_a_session_without_the_second_factor(cast, signed_in):
    response = signed_in(cast.ben, two_factor=False).get("/api/v1/me")
    assert response.status_code == 401


def test_it_renews_recovery_codes_after_step_up(cast, enrol, signed_in):
    enrol(cast.ben)
    RecoveryCode.objects.create(user=cast.ben, code_hash=hash_secret("OLDCODE234"))
    client = signed_in(cast.ben)
    response = client.post("/account/two-factor/recovery-codes/")
    assert response.status_code == 200
    assert RecoveryCode.objects.filter(user=cast.ben).count() == 10
    assert not RecoveryCode.objects.filter(code_hash=hash_secret("OLDCODE234")).exists()


# ---- Step-up (R28) -----------------------------------------------------------------


def test_it_asks_for_a_fresh_code_after_five_minutes(cast, enrol, signed_in):
    seed = enrol(cast.ben)
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(cast.ben)
        assert client.post("/account/two-factor/recovery-codes/").status_code == 200
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = client.post(
            "/account/two-factor/recovery-codes/", {"next": "/account/two-factor/"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/account/step-up/?next=%2Faccount%2Ftwo-factor%2F"
        page = client.get(response["Location"])
        assert page.status_code == 200
        back = client.post(
            "/account/step-up/", {"code": code(seed), "next": "/account/two-factor/"}
        )
        assert back["Location"] == "/account/two-factor/"
        assert client.post("/account/two-factor/recovery-codes/").status_code == 200


def test_it_refuses_a_wrong_step_up_code(cast, enrol, signed_in):
    enrol(cast.ben)
    response = signed_in(cast.ben).post("/account/step-up/", {"code": "123456"})
    assert response.status_code == 400
    assert "That code did not work." in response.text


def test_it_refuses_a_step_up_code_already_used(cast, enrol, signed_in):
    seed = enrol(cast.ben)
    with time_machine.travel(START, tick=False):
        client = signed_in(cast.ben)
        assert client.post("/account/step-up/", {"code": code(seed)}).status_code == 302
        assert client.post("/account/step-up/", {"code": code(seed)}).status_code == 400


def test_it_sends_step_up_to_a_safe_place_only(cast, enrol, signed_in):
    seed = enrol(cast.ben)
    response = signed_in(cast.ben).post(
        "/account/step-up/", {"code": code(seed), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_explains_step_up_needs_a_phone(cast, signed_in):
    response = signed_in(cast.cal).get("/account/step-up/?next=/")
    assert response.status_code == 200
    assert "you have not set it up yet" in response.text


def test_it_refuses_other_methods_on_step_up(cast, signed_in):
    assert signed_in(cast.cal).put("/account/step-up/").status_code == 405


def test_it_sends_anonymous_step_up_to_sign_in(client):
    assert client.get("/account/step-up/")["Location"].startswith("/login/")
