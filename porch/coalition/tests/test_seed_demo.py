"""`seed_demo` (run by `porch demo`): the fictional city and its printed logins."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from porch.accounts.models import TOTPDevice, User, Vouch
from porch.accounts.roles import ROLE_INFO, TWO_FACTOR_ROLES, Role
from porch.coalition.models import Coalition, Membership, Organisation, Region, Team, Zone
from porch.core.models import AuditEntry

pytestmark = pytest.mark.django_db

VOLUNTEERS = 200
PRINTED = 13
ROLES_PRINTED = {
    Role.COORDINATOR,
    Role.DRIVER,
    Role.VERIFIER,
    Role.DISPATCHER,
    Role.INTAKE,
    Role.HUB_KEEPER,
    Role.OBSERVER,
    Role.PATROL,
    Role.LEGAL,
    Role.ORG_ADMIN,
    Role.COALITION_ADMIN,
}


@pytest.fixture
def demo_mode(settings):
    settings.PORCH_DEMO = True
    settings.PRODUCTION = False
    return settings


def seed(volunteers: int = VOLUNTEERS) -> str:
    out = StringIO()
    call_command("seed_demo", "--volunteers", str(volunteers), stdout=out)
    return out.getvalue()


def printed_logins(output: str) -> dict[str, dict]:
    """handle → {"password", "secret", "uri", "vouch_code"} as the command printed them."""
    password = re.search(r"Every password is: (.+)", output).group(1).strip()
    logins: dict[str, dict] = {}
    current = None
    for line in output.splitlines():
        if match := re.search(r"\s(demo-[a-z0-9-]+)\s", line + " "):
            current = logins.setdefault(match.group(1), {"password": password})
        elif current is not None and "TOTP secret:" in line:
            current["secret"] = line.split("TOTP secret:")[1].strip()
        elif current is not None and "otpauth://" in line:
            current["uri"] = line.strip()
        elif current is not None and "vouch code" in line:
            current["vouch_code"] = line.rsplit(":", 1)[1].strip()
    return logins


def snapshot() -> dict:
    return {
        "coalitions": list(Coalition.objects.values_list("code", "name", "hotline")),
        "regions": list(Region.objects.order_by("pk").values_list("code", "name")),
        "zones": list(Zone.objects.order_by("pk").values_list("code", "outline")),
        "organisations": list(Organisation.objects.order_by("pk").values_list("code", "name")),
        "teams": Team.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("handle", "password", "status")),
        "memberships": Membership.objects.count(),
        "vouches": Vouch.objects.count(),
        "devices": list(TOTPDevice.objects.order_by("pk").values_list("user_id", "seed")),
        "audit": AuditEntry.objects.count(),
    }


def test_it_seeds_the_fictional_city(demo_mode):
    output = seed()
    coalition = Coalition.objects.get()
    assert coalition.name == "Riverbend Community Defense Coalition"
    assert coalition.hotline == "555-0100"
    assert Region.objects.count() == 4
    assert Zone.objects.count() == 24
    assert 75 <= Organisation.objects.count() <= 85
    assert 0 < Organisation.objects.filter(is_public=True).count() < 12
    assert Team.objects.count() >= Organisation.objects.count()
    assert User.objects.count() == VOLUNTEERS + PRINTED
    assert "24 zones" in output and "80 organisations" in output


def test_it_outlines_every_zone_with_its_centroid_inside(demo_mode):
    seed(volunteers=0)
    for zone in Zone.objects.all():
        assert zone.outline["type"] == "Polygon"
        [ring] = zone.outline["coordinates"]
        assert len(ring) == 5 and ring[0] == ring[-1]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lats) < zone.centroid_lat < max(lats)
        assert min(lons) < zone.centroid_lon < max(lons)
        assert 44.9 < zone.centroid_lat < 45.1 and -93.4 < zone.centroid_lon < -93.1
    assert set(Region.objects.values_list("name", flat=True)) == {
        "Northside",
        "Eastbank",
        "Southgate",
        "Riverside",
    }
    assert all(r.zones.count() == 6 for r in Region.objects.all())


def test_it_gives_people_roles_their_trust_allows(demo_mode):
    seed()
    people = User.objects.exclude(handle__startswith="demo-")
    active = people.filter(status=User.Status.ACTIVE)
    pending = people.filter(status=User.Status.PENDING)
    assert active.count() > 0.85 * VOLUNTEERS
    assert pending.exists()
    assert set(people.values_list("language", flat=True)) <= {"en", "es", "so", "hmn"}
    assert len(set(people.values_list("language", flat=True))) >= 3
    for membership in Membership.objects.filter(user__status=User.Status.ACTIVE).select_related(
        "user"
    ):
        assert membership.user.trust_level >= ROLE_INFO[membership.role].min_trust
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {Role.VOLUNTEER, Role.OBSERVER, Role.DRIVER, Role.COORDINATOR} <= roles
    for person in pending:
        assert person.vouches_received.count() <= 1
        assert set(person.memberships.values_list("role", flat=True)) == {Role.VOLUNTEER}
    for person in active[:50]:
        assert person.vouches_received.count() == 2


def test_it_gives_seeded_members_unusable_passwords(demo_mode):
    seed()
    people = User.objects.exclude(handle__startswith="demo-")
    assert all(not person.has_usable_password() for person in people)


def test_it_prints_a_login_for_every_role(demo_mode):
    logins = printed_logins(seed())
    assert len(logins) == PRINTED
    held = set(Membership.objects.filter(user__handle__in=logins).values_list("role", flat=True))
    assert held >= ROLES_PRINTED
    admins = Membership.objects.filter(user__handle__in=logins, role=Role.ORG_ADMIN)
    assert admins.count() == 2
    assert len({m.organisation_id for m in admins}) == 1
    for handle in logins:
        user = User.objects.get(handle=handle)
        if handle == "demo-applicant":
            continue
        assert user.status == User.Status.ACTIVE
        for role in user.active_roles():
            assert user.trust_level >= ROLE_INFO[role].min_trust


def test_it_prints_logins_that_sign_in(demo_mode):
    logins = printed_logins(seed())
    assert len(logins["demo-coordinator"]["password"]) >= 12
    for handle, login in logins.items():
        user = authenticate(None, handle=handle, password=login["password"])
        assert user is not None and user.handle == handle
    assert authenticate(None, handle="demo-driver", password="wrong passphrase") is None


def test_it_prints_a_working_totp_secret_for_each_two_factor_role(demo_mode):
    from porch.accounts.totp import current_code, matching_step

    logins = printed_logins(seed())
    for handle, login in logins.items():
        user = User.objects.get(handle=handle)
        if user.active_roles() & TWO_FACTOR_ROLES:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert re.fullmatch(r"[A-Z2-7]{32}", login["secret"])
            assert login["secret"] == device.seed
            assert f"secret={login['secret']}" in login["uri"]
            assert login["uri"].startswith("otpauth://totp/Porch%3A" + handle + "?")
            code = current_code(login["secret"])
            assert matching_step(device.seed, code, after=-1) is not None
        else:
            assert "secret" not in login
            assert not TOTPDevice.objects.filter(user=user).exists()


def test_it_leaves_the_applicant_one_vouch_short(demo_mode):
    from porch.accounts.access import find_applicant

    logins = printed_logins(seed())
    applicant = User.objects.get(handle="demo-applicant")
    assert applicant.status == User.Status.PENDING
    assert applicant.vouches_received.count() == 1
    assert not applicant.vouches_received.filter(voucher__handle__startswith="demo-").exists()
    assert find_applicant("demo-applicant", logins["demo-applicant"]["vouch_code"]) == applicant


def test_it_changes_nothing_when_run_again(demo_mode):
    first = seed()
    before = snapshot()
    second = seed(volunteers=500)
    assert snapshot() == before
    assert "already seeded; nothing changed" in second
    assert first.splitlines()[1:] == second.splitlines()[1:]
    assert printed_logins(first) == printed_logins(second)


def test_it_refuses_without_demo_mode(settings):
    settings.PORCH_DEMO = False
    with pytest.raises(CommandError, match="only in demo mode"):
        seed()
    assert not Coalition.objects.exists()
    assert not User.objects.exists()


def test_it_refuses_in_production(settings):
    settings.PORCH_DEMO = True
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PORCH_ENV=production"):
        seed()
    assert not Coalition.objects.exists()


def test_it_refuses_a_database_with_another_coalition(demo_mode):
    Coalition.objects.create(name="A real coalition")
    with pytest.raises(CommandError, match="not the demo city"):
        seed()
    assert Coalition.objects.count() == 1
    assert not User.objects.exists()


def test_it_refuses_a_negative_size(demo_mode):
    with pytest.raises(CommandError, match="between 0 and"):
        seed(volunteers=-1)


def test_it_prints_logins_that_get_through_the_login_pages(demo_mode, client):
    from porch.accounts.totp import current_code

    login = printed_logins(seed())["demo-driver"]
    response = client.post("/login/", {"handle": "demo-driver", "password": login["password"]})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/two-factor/")
    response = client.post("/login/two-factor/", {"code": current_code(login["secret"])})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
