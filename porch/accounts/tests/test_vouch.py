"""Vouching (W8): two active members who know an applicant make them active."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from porch.accounts import actions
from porch.accounts.models import User, Vouch, hash_secret
from porch.accounts.roles import TrustLevel
from porch.core.models import AuditEntry
from porch.core.testing import sign_in

pytestmark = pytest.mark.django_db

NO_MATCH = "That handle and vouch code do not match anyone waiting for vouches."


@pytest.fixture
def pia_code(cast):
    User.objects.filter(pk=cast.pia.pk).update(vouch_code_hash=hash_secret("PIACODE7"))
    return "PIACODE7"


def vouch(client, handle, code):
    return client.post("/vouch/", {"handle": handle, "vouch_code": code})


def test_it_shows_the_vouch_form_to_an_active_member(cast, signed_in):
    response = signed_in(cast.cal).get("/vouch/")
    assert response.status_code == 200
    assert 'name="vouch_code"' in response.text


def test_it_turns_an_applicant_active_after_two_vouches(client, cast, signed_in, pia_code):
    signed_in(cast.cal)
    response = vouch(client, "pia", pia_code.lower())
    assert response.status_code == 302
    pia = User.objects.get(pk=cast.pia.pk)
    assert pia.status == User.Status.PENDING
    signed_in(cast.ana)
    vouch(client, "PIA", pia_code)
    pia.refresh_from_db()
    assert pia.status == User.Status.ACTIVE
    assert pia.trust_level == TrustLevel.RESPONDER
    assert pia.trusted_on is not None
    assert pia.vouch_code_hash == ""
    assert Vouch.objects.filter(vouchee=pia).count() == 2
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "account.vouched",
        "account.activated",
    }


def test_it_shows_a_pending_person_how_many_vouches_they_have(client, cast, signed_in, pia_code):
    actions.do_vouch(cast.pia, actor=cast.cal)
    response = signed_in(cast.pia).get("/")
    assert response.status_code == 200
    assert "1 of 2 vouches" in response.text
    assert "Tell your vouch code, in person" in response.text


def test_it_reads_the_number_of_vouches_from_the_coalition(cast, pia_code):
    cast.coalition.vouches_required = 1
    cast.coalition.save()
    actions.do_vouch(cast.pia, actor=cast.cal)
    assert User.objects.get(pk=cast.pia.pk).status == User.Status.ACTIVE


@pytest.mark.parametrize("handle, code", [("pia", "WRONG123"), ("nobody-here-1", "PIACODE7")])
def test_it_gives_one_message_for_a_wrong_code_or_an_unknown_handle(
    client, cast, signed_in, pia_code, handle, code
):
    signed_in(cast.cal)
    response = vouch(client, handle, code)
    assert response.status_code == 400
    assert NO_MATCH in response.text
    assert not Vouch.objects.exists()


def test_it_refuses_a_second_vouch_from_the_same_person(client, cast, signed_in, pia_code):
    signed_in(cast.cal)
    vouch(client, "pia", pia_code)
    response = vouch(client, "pia", pia_code)
    assert response.status_code == 400
    assert "You have already vouched for this person." in response.text
    assert Vouch.objects.count() == 1


def test_it_refuses_self_vouching_and_vouching_for_active_members(cast):
    with pytest.raises(ValidationError):
        actions.do_vouch(cast.cal, actor=cast.cal)
    with pytest.raises(ValidationError):
        actions.do_vouch(cast.ben, actor=cast.cal)


def test_it_lets_only_active_members_vouch(client, cast, signed_in, pia_code):
    other = User.objects.create_user(password="x" * 12)
    with pytest.raises(PermissionDenied):
        actions.do_vouch(cast.pia, actor=other)
    signed_in(other)
    assert client.get("/vouch/").status_code == 403
    assert vouch(client, "pia", pia_code).status_code == 403


def test_it_sends_anonymous_people_to_sign_in(client, cast):
    response = client.get("/vouch/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_refuses_other_methods_on_vouch(cast, signed_in):
    assert signed_in(cast.cal).put("/vouch/").status_code == 405


def test_it_gives_a_pending_person_a_new_vouch_code(client, cast, signed_in, pia_code):
    signed_in(cast.pia)
    assert client.get("/account/vouch-code/").status_code == 405
    response = client.post("/account/vouch-code/")
    assert response.status_code == 200
    new = re.search(r'id="vouch-code">([^<]+)<', response.text).group(1)
    assert User.objects.get(pk=cast.pia.pk).vouch_code_hash == hash_secret(new)
    signed_in(cast.cal)
    assert vouch(client, "pia", pia_code).status_code == 400
    assert vouch(client, "pia", new).status_code == 302


def test_it_gives_no_vouch_code_to_an_active_member(cast, signed_in):
    assert signed_in(cast.cal).post("/account/vouch-code/").status_code == 404


def test_it_takes_a_stranger_from_sign_up_to_active_through_two_vouches(client, cast):
    password = "river stone paper lantern"
    response = client.post(
        "/signup/", {"password": password, "password_again": password, "language": "en"}
    )
    handle = re.search(r'id="handle">([^<]+)<', response.text).group(1)
    code = re.search(r'id="vouch-code">([^<]+)<', response.text).group(1)
    assert "0 of 2 vouches" in client.get("/").text
    for voucher in (cast.cal, cast.ana):
        other = Client()
        sign_in(other, voucher)
        assert vouch(other, handle, code).status_code == 302
    client.post("/logout/")
    client.post("/login/", {"handle": handle, "password": password})
    page = client.get("/")
    assert "Your roles" in page.text
    assert User.objects.get(handle=handle).status == User.Status.ACTIVE
