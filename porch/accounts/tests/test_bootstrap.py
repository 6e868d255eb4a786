"""`porch bootstrap`: the first coalition admin, by flags or interactively."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from porch.accounts import totp
from porch.accounts.models import RecoveryCode, TOTPDevice, User
from porch.accounts.roles import Role, TrustLevel
from porch.coalition.models import Coalition, Membership

pytestmark = pytest.mark.django_db

PASSWORD = "first admin long passphrase"
FLAGS = ["--coalition", "Lakeside Coalition", "--organisation", "Lakeside Pantry"]


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def run(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", stdin or io.StringIO())
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_coalition_and_its_first_admin(client, monkeypatch):
    out = run(*FLAGS, "--password", PASSWORD, "--handle", "first-admin", monkeypatch=monkeypatch)
    admin = User.objects.get(handle="first-admin")
    assert admin.status == User.Status.ACTIVE
    assert admin.trust_level == TrustLevel.ADMIN
    assert Coalition.objects.get().name == "Lakeside Coalition"
    roles = set(Membership.objects.filter(user=admin).values_list("role", flat=True))
    assert roles == {Role.COALITION_ADMIN, Role.ORG_ADMIN}
    seed = re.search(r"TOTP secret: (\S+)", out).group(1)
    assert TOTPDevice.objects.get(user=admin, confirmed=True).seed == seed
    assert f"otpauth://totp/Porch%3Afirst-admin?secret={seed}" in out
    assert RecoveryCode.objects.filter(user=admin).count() == 10
    # The printed secret really signs the admin in.
    client.post("/login/", {"handle": "first-admin", "password": PASSWORD})
    response = client.post("/login/two-factor/", {"code": totp.current_code(seed)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_generates_a_handle_when_none_is_given(monkeypatch):
    out = run(*FLAGS, "--password", PASSWORD, monkeypatch=monkeypatch)
    handle = re.search(r"Handle:\s+(\S+)", out).group(1)
    assert User.objects.filter(handle=handle).exists()


def test_it_refuses_when_a_coalition_admin_exists(monkeypatch):
    run(*FLAGS, "--password", PASSWORD, monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="already has a coalition admin"):
        run(*FLAGS, "--password", PASSWORD, monkeypatch=monkeypatch)
    assert User.objects.count() == 1


def test_it_fails_clearly_without_flags_or_a_terminal(monkeypatch):
    with pytest.raises(CommandError, match="Missing flags"):
        run("--coalition", "X", "--organisation", "Y", monkeypatch=monkeypatch)
    assert not User.objects.exists()


def test_it_refuses_a_weak_password(monkeypatch):
    with pytest.raises(CommandError, match="at least 12 characters"):
        run(*FLAGS, "--password", "short", monkeypatch=monkeypatch)
    assert not User.objects.exists()
    assert not Coalition.objects.exists()


def test_it_asks_in_a_terminal(monkeypatch):
    answers = iter(["Hilltop Coalition", "Hilltop Kitchen"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)
    out = run(stdin=FakeTTY(), monkeypatch=monkeypatch)
    assert "The first coalition admin is ready." in out
    assert Coalition.objects.get().name == "Hilltop Coalition"
