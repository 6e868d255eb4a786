"""Sessions (R27): idle timeouts by role, every other session killed on a
password change, 2FA change or role change (do_end_sessions)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from porch.accounts import actions
from porch.accounts.models import User
from porch.core.testing import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "otter lantern quiet harbour"


@pytest.mark.parametrize(
    "handle, minutes, signed_out",
    [("ben", 29, False), ("ben", 31, True), ("cal", 31, False), ("cal", 241, True)],
)
def test_it_signs_out_after_idleness_shorter_for_privileged_roles(
    client, cast, handle, minutes, signed_out
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, getattr(cast, handle))
        assert client.get("/account/").status_code == 200
        traveller.shift(timedelta(minutes=minutes))
        response = client.get("/account/")
    if signed_out:
        assert response.status_code == 302
        assert response["Location"] == "/login/?timeout=1"
        assert "_auth_user_id" not in client.session
    else:
        assert response.status_code == 200


def test_a_page_view_rewrites_the_session_at_most_once_a_minute(client, cast):
    from django.contrib.sessions.models import Session

    def stored():
        return Session.objects.get(session_key=client.session.session_key).session_data

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, cast.ben)
        before = stored()
        traveller.shift(timedelta(seconds=50))
        assert client.get("/account/").status_code == 200
        assert stored() == before  # no write for a read within the minute
        traveller.shift(timedelta(seconds=20))
        assert client.get("/account/").status_code == 200
        assert stored() != before  # the last-seen time moved on


def test_a_privileged_person_active_every_twenty_minutes_stays_signed_in(client, cast):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, cast.ben)
        for _ in range(6):  # two hours, each gap shorter than the 30-minute limit
            traveller.shift(timedelta(minutes=20, seconds=30))
            assert client.get("/account/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get("/account/")["Location"] == "/login/?timeout=1"


def test_it_explains_a_timeout_on_the_sign_in_page(client):
    assert "after a quiet spell" in client.get("/login/?timeout=1").text


def test_it_records_the_day_of_last_activity_only(cast, signed_in):
    signed_in(cast.cal).get("/")
    assert User.objects.get(pk=cast.cal.pk).last_active_on == timezone.localdate()


def test_it_ends_other_sessions_when_the_password_changes(cast):
    phone, laptop = Client(), Client()
    sign_in(phone, cast.cal)
    sign_in(laptop, cast.cal)
    response = laptop.post(
        "/account/password/",
        {"old_password": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/")["Location"].startswith("/login/")
    assert User.objects.get(pk=cast.cal.pk).check_password(NEW_PASSWORD)


def test_it_refuses_a_wrong_current_password(cast, signed_in):
    response = signed_in(cast.cal).post(
        "/account/password/",
        {
            "old_password": "not my password",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Your current password is not right." in response.text
    assert User.objects.get(pk=cast.cal.pk).check_password(PASSWORD)


def test_it_refuses_a_weak_new_password(cast, signed_in):
    response = signed_in(cast.cal).post(
        "/account/password/",
        {"old_password": PASSWORD, "password": "short", "password_again": "short"},
    )
    assert response.status_code == 400
    assert "at least 12 characters" in response.text


def test_it_ends_every_session_on_request(cast):
    phone = Client()
    sign_in(phone, cast.ben)
    actions.do_end_sessions(cast.ben, actor=cast.eve)
    assert phone.get("/")["Location"] == "/login/"


def test_it_ends_other_sessions_when_two_factor_is_set_up(cast):
    from porch.accounts import totp
    from porch.accounts.models import TOTPDevice

    phone, laptop = Client(), Client()
    sign_in(phone, cast.cal)
    sign_in(laptop, cast.cal)
    laptop.post("/account/two-factor/", {"action": "start"})
    seed = TOTPDevice.objects.get(user=cast.cal).seed
    response = laptop.post(
        "/account/two-factor/", {"action": "confirm", "code": totp.current_code(seed)}
    )
    assert response.status_code == 200
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/")["Location"].startswith("/login/")
