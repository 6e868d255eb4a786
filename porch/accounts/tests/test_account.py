"""The account page: who I am, password, language, contact details, API tokens."""

import re

import pytest
from django.utils import timezone

from porch.accounts.access import get_user_for_token
from porch.accounts.models import ApiToken, User, hash_token

pytestmark = pytest.mark.django_db


def test_it_shows_handle_status_trust_and_roles(cast, signed_in):
    response = signed_in(cast.ben).get("/account/")
    assert response.status_code == 200
    assert "ben" in response.text
    assert "Active" in response.text
    assert "Verifier or driver" in response.text
    assert f"{cast.org_a.name}: Driver" in response.text


def test_it_lists_no_roles_that_do_not_count(cast, signed_in):
    User.objects.filter(pk=cast.ben.pk).update(trust_level=10)
    response = signed_in(cast.ben).get("/account/")
    assert f"{cast.org_a.name}: Driver" not in response.text


def test_it_sends_anonymous_people_to_sign_in(client):
    assert client.get("/account/")["Location"].startswith("/login/")


def test_it_refuses_other_methods_on_the_account_page(cast, signed_in):
    client = signed_in(cast.cal)
    assert client.post("/account/").status_code == 405
    for url in ["/account/password/", "/account/language/", "/account/contact/"]:
        assert client.get(url).status_code == 405
    assert client.get("/account/tokens/").status_code == 405


def test_it_saves_the_language_and_sets_the_cookie(cast, signed_in):
    response = signed_in(cast.cal).post("/account/language/", {"language": "so"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "so"
    assert User.objects.get(pk=cast.cal.pk).language == "so"


def test_it_refuses_an_unknown_language(cast, signed_in):
    response = signed_in(cast.cal).post("/account/language/", {"language": "xx"})
    assert response.status_code == 400
    assert User.objects.get(pk=cast.cal.pk).language == "en"


def test_it_saves_optional_contact_details(cast, signed_in):
    client = signed_in(cast.cal)
    response = client.post(
        "/account/contact/", {"legal_name": "", "phone": "555-0199", "email": ""}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=cast.cal.pk).phone == "555-0199"
    bad = client.post("/account/contact/", {"email": "nope"})
    assert bad.status_code == 400
    assert User.objects.get(pk=cast.cal.pk).phone == "555-0199"


def test_it_creates_an_api_token_shown_once_and_stored_hashed(cast, signed_in):
    client = signed_in(cast.cal)
    response = client.post("/account/tokens/", {"name": "calendar"})
    assert response.status_code == 200
    key = re.search(r'id="new-token">([^<]+)<', response.text).group(1)
    token = ApiToken.objects.get(user=cast.cal)
    assert token.key_hash == hash_token(key)
    assert key not in client.get("/account/").text
    assert get_user_for_token(key) == cast.cal
    assert ApiToken.objects.get(pk=token.pk).last_used_on == timezone.localdate()


def test_it_refuses_a_token_without_a_name(cast, signed_in):
    response = signed_in(cast.cal).post("/account/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_gives_no_user_for_a_revoked_or_unknown_token_or_a_locked_owner(cast, signed_in):
    client = signed_in(cast.cal)
    key = re.search(
        r'id="new-token">([^<]+)<', client.post("/account/tokens/", {"name": "a"}).text
    ).group(1)
    assert get_user_for_token("nonsense") is None
    assert get_user_for_token("") is None
    User.objects.filter(pk=cast.cal.pk).update(status=User.Status.LOCKED)
    assert get_user_for_token(key) is None
    User.objects.filter(pk=cast.cal.pk).update(status=User.Status.ACTIVE)
    token = ApiToken.objects.get()
    assert client.post(f"/account/tokens/{token.code}/revoke/").status_code == 302
    assert get_user_for_token(key) is None


def test_it_hides_someone_elses_token(cast, signed_in):
    token = ApiToken.objects.create(user=cast.ben, name="x", key_hash=hash_token("k"))
    client = signed_in(cast.cal)
    assert client.post(f"/account/tokens/{token.code}/revoke/").status_code == 404
    assert client.get(f"/account/tokens/{token.code}/revoke/").status_code == 405
    assert not ApiToken.objects.get(pk=token.pk).revoked


def test_it_gives_pending_people_no_tokens(cast, signed_in):
    response = signed_in(cast.pia).post("/account/tokens/", {"name": "x"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
