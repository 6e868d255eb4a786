"""The demo city: Riverbend, a fictional place where every person is made up.

`porch demo` seeds it so that a coalition's tech volunteer can try every role
on a fresh machine: regions and zones with outlines, ~80 organisations with
teams, ~2,000 volunteers with realistic roles, trust levels and languages,
and one printed login per role (with its TOTP secret for roles that need
2FA).

Demo mode only: the seed refuses to run unless PORCH_DEMO is on, and never
when PORCH_ENV=production, because it prints passwords and 2FA secrets.

Speed: rows are written with bulk_create in one transaction, and seeded
members other than the printed logins get unusable passwords, so no
password is hashed for them (one Argon2 hash serves every printed login).

Idempotent: the coalition's name marks a seeded database; a second run
changes nothing and prints the same logins, read back from the database.
The city itself is drawn from a seeded random generator, so every fresh
demo looks alike; TOTP secrets come from os.urandom (porch.accounts.totp).
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from porch.accounts.models import TOTPDevice, User, Vouch, generate_handle, hash_secret
from porch.accounts.roles import ROLE_INFO, TWO_FACTOR_ROLES, Role, TrustLevel
from porch.accounts.totp import new_seed, otpauth_uri
from porch.coalition.geo import centroid
from porch.coalition.models import Coalition, Membership, Organisation, Region, Team, Zone
from porch.core import audit

COALITION_NAME = "Riverbend Community Defense Coalition"
HOTLINE = "555-0100"  # 555-0100 to 555-0199 are reserved for fiction
PASSWORD = "riverbend demo passphrase"
# The pending applicant tells this to the people who vouch for them.
APPLICANT_VOUCH_CODE = "BEND2345"
DEFAULT_VOLUNTEERS = 2000
RANDOM_SEED = 2026

# A grid of 6 × 4 zones around a made-up centre, about 2 km a side.
CENTRE_LAT, CENTRE_LON = 44.97, -93.26
COLUMNS, ROWS = 6, 4
CELL_LAT, CELL_LON = 0.02, 0.028
JITTER = 0.003

# Four regions, each a block of 3 × 2 zones: (first column, first row).
REGIONS = {
    "Northside": (0, 2),
    "Eastbank": (3, 2),
    "Southgate": (0, 0),
    "Riverside": (3, 0),
}
# Row by row from the south-west corner.
ZONE_NAMES = [
    "Cedar Flats", "Elm Hollow", "Millrace", "Heron Bluff", "Quarry Hill", "Sumac Ridge",
    "Otter Creek", "Birchwood", "Foundry Row", "Lantern Square", "Maple Terrace", "Prairie Gate",
    "Willow Bend", "Kestrel Heights", "Old Ferry", "Juniper Commons", "Tanner's Field",
    "Bluestem", "Larkspur", "Copper Landing", "Wren Hollow", "Linden Park", "Thistle Hill",
    "Ashgrove",
]  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """A kind of organisation: how it is named, its teams, the roles its
    members mostly hold (weights), and its share of the volunteers."""

    name: str  # a format string over {zone}
    description: str
    teams: tuple[str, ...]
    roles: dict[str, int]
    share: float = 1.0


DELIVERY = {Role.VOLUNTEER: 30, Role.INTAKE: 20, Role.DRIVER: 30, Role.HUB_KEEPER: 20}
KINDS = {
    "food": Kind(
        "{zone} Food Shelf",
        "Groceries and essentials for families sheltering at home.",
        ("Saturday drivers", "Intake line", "Packing crew"),
        DELIVERY,
    ),
    "church": Kind(
        "{zone} Community Church",
        "A congregation that hosts a pantry and a hub of donated goods.",
        ("Pantry", "Hospitality"),
        {
            Role.VOLUNTEER: 40,
            Role.HUB_KEEPER: 20,
            Role.DRIVER: 15,
            Role.INTAKE: 15,
            Role.OBSERVER: 10,
        },
    ),
    "tenants": Kind(
        "{zone} Tenants Union",
        "Neighbours organising building by building.",
        ("Building reps", "Door knockers"),
        {Role.VOLUNTEER: 40, Role.OBSERVER: 30, Role.PATROL: 20, Role.INTAKE: 10},
    ),
    "school": Kind(
        "{zone} Elementary Sanctuary Team",
        "Parents and neighbours at drop-off and pick-up.",
        ("Morning drop-off", "Afternoon pick-up"),
        {Role.PATROL: 60, Role.VOLUNTEER: 30, Role.OBSERVER: 10},
    ),
    "mutual_aid": Kind(
        "{zone} Mutual Aid",
        "Neighbours helping neighbours: grocery runs and a phone tree.",
        ("Grocery runs", "Phone tree"),
        DELIVERY,
    ),
    "centre": Kind(
        "{zone} Neighborhood Center",
        "A neighborhood center with a clothing closet and a front desk.",
        ("Front desk", "Clothing closet"),
        {Role.VOLUNTEER: 40, Role.INTAKE: 20, Role.HUB_KEEPER: 20, Role.PATROL: 20},
    ),
}
# Three organisations per zone, the kinds rotating across the city.
ZONE_KINDS = ["food", "church", "tenants", "school", "mutual_aid", "centre"]
CITY_WIDE = {
    "kitchen": Kind(
        "Riverbend Mutual Aid Kitchen",
        "Hot meals and grocery deliveries across the city.",
        ("Saturday drivers", "Intake line", "Kitchen crew"),
        DELIVERY,
        share=4.0,
    ),
    "response": Kind(
        "Riverbend Rapid Response Network",
        "Trained observers and verifiers who answer hotline reports.",
        ("North observers", "South observers", "Night verifiers", "Day verifiers"),
        {Role.OBSERVER: 70, Role.VERIFIER: 20, Role.PATROL: 5, Role.DISPATCHER: 5},
        share=25.0,
    ),
    "hotline": Kind(
        "Riverbend Hotline Collective",
        "Dispatchers who staff the 24-hour hotline in shifts.",
        ("Day shift", "Night shift"),
        {Role.DISPATCHER: 40, Role.VERIFIER: 30, Role.OBSERVER: 30},
        share=3.0,
    ),
    "legal": Kind(
        "Riverbend Legal Defense Collective",
        "The coalition's legal partner: attorneys and court accompaniment.",
        ("Intake attorneys", "Court accompaniment"),
        {Role.LEGAL: 70, Role.VOLUNTEER: 30},
        share=1.5,
    ),
    "rides": Kind(
        "Riverbend Rides",
        "Drivers for deliveries and rides to hearings.",
        ("Weekday drivers", "Weekend drivers"),
        {Role.DRIVER: 80, Role.VOLUNTEER: 20},
        share=4.0,
    ),
    "teachers": Kind(
        "Riverbend Teachers for Sanctuary",
        "Teachers and school staff coordinating the sanctuary teams.",
        ("Organising committee", "Bus-stop patrols"),
        {Role.PATROL: 50, Role.VOLUNTEER: 30, Role.OBSERVER: 20},
        share=3.0,
    ),
    "federation": Kind(
        "Riverbend Tenant Federation",
        "The city-wide federation of tenants unions.",
        ("Eviction defense", "Hotline callbacks"),
        {Role.VOLUNTEER: 50, Role.OBSERVER: 30, Role.INTAKE: 20},
        share=2.0,
    ),
    "interfaith": Kind(
        "Riverbend Interfaith Network",
        "Congregations that open their buildings as hubs.",
        ("Hub hosts", "Accompaniment"),
        {Role.VOLUNTEER: 40, Role.HUB_KEEPER: 40, Role.DRIVER: 20},
        share=2.0,
    ),
}
LANGUAGES = {"en": 55, "es": 22, "so": 15, "hmn": 8}
PENDING_SHARE = 0.06
SECOND_ROLE_SHARE = 0.08


@dataclass(frozen=True)
class DemoLogin:
    role: str
    handle: str
    organisation: str  # a key of CITY_WIDE
    pending: bool = False


DEMO_LOGINS = [
    DemoLogin(Role.COORDINATOR, "demo-coordinator", "kitchen"),
    DemoLogin(Role.DRIVER, "demo-driver", "kitchen"),
    DemoLogin(Role.INTAKE, "demo-intake", "kitchen"),
    DemoLogin(Role.HUB_KEEPER, "demo-hub-keeper", "kitchen"),
    DemoLogin(Role.VERIFIER, "demo-verifier", "response"),
    DemoLogin(Role.DISPATCHER, "demo-dispatcher", "response"),
    DemoLogin(Role.OBSERVER, "demo-observer", "response"),
    DemoLogin(Role.PATROL, "demo-patrol", "response"),
    DemoLogin(Role.LEGAL, "demo-legal", "legal"),
    # Two admins of one organisation, for the two-person rule.
    DemoLogin(Role.ORG_ADMIN, "demo-org-admin-1", "kitchen"),
    DemoLogin(Role.ORG_ADMIN, "demo-org-admin-2", "kitchen"),
    DemoLogin(Role.COALITION_ADMIN, "demo-coalition-admin", "kitchen"),
    # Signed up, one vouch of two: a demo login can give the second.
    DemoLogin(Role.VOLUNTEER, "demo-applicant", "kitchen", pending=True),
]


class DemoRefused(Exception):
    pass


def ensure_allowed() -> None:
    if settings.PRODUCTION:
        raise DemoRefused(
            "The demo city is refused when PORCH_ENV=production: it prints passwords "
            "and 2FA secrets."
        )
    if not settings.PORCH_DEMO:
        raise DemoRefused(
            "The demo city is seeded only in demo mode: run `porch demo`, or set PORCH_DEMO=true."
        )


@dataclass
class Result:
    created: bool
    coalition: Coalition


def seed(*, volunteers: int = DEFAULT_VOLUNTEERS) -> Result:
    """Seed Riverbend once. Returns whether anything was created."""
    ensure_allowed()
    with transaction.atomic():
        existing = Coalition.objects.order_by("pk").first()
        if existing is not None:
            if existing.name != COALITION_NAME:
                raise DemoRefused(
                    "This database already has a coalition that is not the demo city; "
                    "seed the demo only into an empty database."
                )
            return Result(created=False, coalition=existing)
        if User.objects.filter(handle__in=[login.handle for login in DEMO_LOGINS]).exists():
            raise DemoRefused("Demo logins exist without the demo coalition; use a fresh database.")
        coalition = _City(random.Random(RANDOM_SEED), volunteers).build()
        audit.record(None, "demo.seeded", obj=coalition)
    return Result(created=True, coalition=coalition)


class _City:
    def __init__(self, rng: random.Random, volunteers: int):
        self.rng = rng
        self.volunteers = volunteers
        self.today = timezone.localdate()
        self.orgs: dict[str, Organisation] = {}
        self.kinds: dict[int, Kind] = {}  # organisation pk → its kind
        self.teams: dict[int, list[Team]] = {}

    def build(self) -> Coalition:
        coalition = Coalition.objects.create(name=COALITION_NAME, hotline=HOTLINE)
        self.zones(coalition)
        self.organisations(coalition)
        self.people()
        return coalition

    # ---- Places ---------------------------------------------------------

    def zones(self, coalition: Coalition) -> None:
        regions = {name: Region.objects.create(coalition=coalition, name=name) for name in REGIONS}
        # Corners are shared by neighbouring zones, so jittered outlines still tile.
        corners = {
            (col, row): (
                round(CENTRE_LON + (col - COLUMNS / 2) * CELL_LON + self.jitter(), 5),
                round(CENTRE_LAT + (row - ROWS / 2) * CELL_LAT + self.jitter(), 5),
            )
            for col in range(COLUMNS + 1)
            for row in range(ROWS + 1)
        }
        zones = []
        for row in range(ROWS):
            for col in range(COLUMNS):
                # Counter-clockwise exterior ring (RFC 7946), closed.
                ring = [corners[c] for c in ((col, row), (col + 1, row), (col + 1, row + 1))]
                ring += [corners[(col, row + 1)], corners[(col, row)]]
                outline = {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}
                lat, lon = centroid(outline)  # type: ignore[misc]
                zones.append(
                    Zone(
                        region=regions[self.region_of(col, row)],
                        name=ZONE_NAMES[row * COLUMNS + col],
                        outline=outline,
                        centroid_lat=round(lat, 5),
                        centroid_lon=round(lon, 5),
                    )
                )
        Zone.objects.bulk_create(zones)

    def jitter(self) -> float:
        return self.rng.uniform(-JITTER, JITTER)

    @staticmethod
    def region_of(col: int, row: int) -> str:
        for name, (first_col, first_row) in REGIONS.items():
            if first_col <= col < first_col + 3 and first_row <= row < first_row + 2:
                return name
        raise AssertionError("every zone is in a region")

    # ---- Organisations and teams -------------------------------------------

    def organisations(self, coalition: Coalition) -> None:
        planned: list[tuple[str, Kind, bool]] = []
        for key, kind in CITY_WIDE.items():
            planned.append((key, kind, key in {"kitchen", "interfaith"}))
        for index, zone in enumerate(ZONE_NAMES):
            for step in range(3):
                kind_key = ZONE_KINDS[(index + 2 * step) % len(ZONE_KINDS)]
                # A few food shelves choose to be listed publicly (hubs).
                public = kind_key == "food" and index % 4 == 0
                planned.append((f"{kind_key}:{zone}", KINDS[kind_key], public))
        orgs = Organisation.objects.bulk_create(
            Organisation(
                coalition=coalition,
                name=kind.name.format(zone=key.split(":", 1)[-1]),
                description=kind.description,
                is_public=public,
                created_on=self.today - timedelta(days=self.rng.randint(30, 400)),
            )
            for key, kind, public in planned
        )
        for (key, kind, _public), org in zip(planned, orgs, strict=True):
            self.orgs[key] = org
            self.kinds[org.pk] = kind
        teams = Team.objects.bulk_create(
            Team(organisation=org, name=name, created_on=org.created_on)
            for org in orgs
            for name in self.kinds[org.pk].teams
        )
        for team in teams:
            self.teams.setdefault(team.organisation_id, []).append(team)

    # ---- People -------------------------------------------------------------

    def people(self) -> None:
        rng = self.rng
        orgs = list(self.orgs.values())
        org_weights = [self.kinds[o.pk].share for o in orgs]
        handles = set(User.objects.values_list("handle", flat=True))
        users: list[User] = []
        # (user index, organisation, role) for each membership to create.
        roles: list[tuple[int, Organisation, str]] = []

        # Leaders first, spread over the organisations: one coordinator per
        # organisation while there are enough people, fewer admins.
        leaders = [Role.COORDINATOR] * min(len(orgs), self.volunteers // 25)
        leaders += [Role.ORG_ADMIN] * min(len(orgs), self.volunteers // 40)
        leaders += [Role.COALITION_ADMIN] * (2 if self.volunteers >= 100 else 0)
        leader_orgs = iter(orgs * 2)

        for index in range(self.volunteers):
            pending = index >= len(leaders) and rng.random() < PENDING_SHARE
            if index < len(leaders):
                role = leaders[index]
                org = next(leader_orgs) if role != Role.COALITION_ADMIN else rng.choice(orgs)
            else:
                org = rng.choices(orgs, org_weights)[0]
                kind = self.kinds[org.pk]
                role = Role.VOLUNTEER if pending else self.pick(kind.roles)
            users.append(self.person(self.unique_handle(handles), role, pending=pending))
            roles.append((index, org, role))
            if not pending and rng.random() < SECOND_ROLE_SHARE:
                other = rng.choices(orgs, org_weights)[0]
                if other.pk != org.pk:
                    second = self.pick(self.kinds[other.pk].roles)
                    if ROLE_INFO[second].min_trust > users[index].trust_level:
                        second = Role.VOLUNTEER
                    roles.append((index, other, second))

        first_login = len(users)
        demo_hash = make_password(PASSWORD)
        for login in DEMO_LOGINS:
            user = self.person(login.handle, login.role, pending=login.pending, printed=True)
            user.password = demo_hash
            user.language = "en"
            user.joined_on = self.today - timedelta(days=3 if login.pending else 200)
            user.trusted_on = None if login.pending else user.joined_on + timedelta(days=14)
            user.last_active_on = None
            users.append(user)
            roles.append((len(users) - 1, self.orgs[login.organisation], login.role))

        User.objects.bulk_create(users, batch_size=500)
        Membership.objects.bulk_create(
            (
                Membership(
                    user=users[index],
                    organisation=org,
                    team=self.team_for(org, role),
                    role=role,
                    created_on=max(users[index].joined_on, org.created_on),
                )
                for index, org, role in roles
            ),
            batch_size=500,
        )
        self.vouches(users, first_login)
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, seed=new_seed(), confirmed=True)
            for login, user in zip(DEMO_LOGINS, users[first_login:], strict=True)
            if login.role in TWO_FACTOR_ROLES
        )

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    @staticmethod
    def unique_handle(taken: set[str]) -> str:
        while (handle := generate_handle()) in taken:
            pass
        taken.add(handle)
        return handle

    def person(self, handle: str, role: str, *, pending: bool, printed: bool = False) -> User:
        rng = self.rng
        if pending:
            joined = self.today - timedelta(days=rng.randint(0, 14))
            return User(
                handle=handle,
                password=make_password(None),
                status=User.Status.PENDING,
                trust_level=TrustLevel.VIEWER,
                language=self.pick(LANGUAGES),
                joined_on=joined,
                vouch_code_hash=hash_secret(APPLICANT_VOUCH_CODE) if printed else "",
            )
        trust = max(ROLE_INFO[role].min_trust, TrustLevel.RESPONDER)
        # Some responders have trained further than their current role needs.
        if not printed and trust == TrustLevel.RESPONDER and rng.random() < 0.15:
            trust = TrustLevel.TRAINED
        joined = self.today - timedelta(days=rng.randint(30, 900))
        return User(
            handle=handle,
            password=make_password(None),
            status=User.Status.ACTIVE,
            trust_level=trust,
            language=self.pick(LANGUAGES),
            joined_on=joined,
            trusted_on=min(joined + timedelta(days=rng.randint(3, 30)), self.today),
            last_active_on=(
                self.today - timedelta(days=rng.randint(0, 60)) if rng.random() < 0.7 else None
            ),
        )

    def team_for(self, org: Organisation, role: str) -> Team | None:
        if role in {Role.ORG_ADMIN, Role.COALITION_ADMIN} or self.rng.random() < 0.4:
            return None
        return self.rng.choice(self.teams[org.pk])

    def vouches(self, users: list[User], first_login: int) -> None:
        """Two vouches for each active member; zero or one for applicants."""
        rng = self.rng
        seeded_active = [u for u in users[:first_login] if u.status == User.Status.ACTIVE]
        if not seeded_active:  # --volunteers 0: the printed logins vouch for each other
            seeded_active = [u for u in users if u.status == User.Status.ACTIVE]
        vouches = []
        for position, user in enumerate(users):
            if position >= first_login:
                wanted = 1 if user.status == User.Status.PENDING else 2
            elif user.status == User.Status.PENDING:
                wanted = rng.randint(0, 1)
            else:
                wanted = 2
            others = [u for u in rng.sample(seeded_active, min(3, len(seeded_active))) if u != user]
            for voucher in others[:wanted]:
                on_date = user.trusted_on or user.joined_on
                vouches.append(Vouch(voucher=voucher, vouchee=user, on_date=on_date))
        Vouch.objects.bulk_create(vouches, batch_size=500)


# ---- What the command prints --------------------------------------------------


def login_lines() -> list[str]:
    """The printed logins, read back from the database (so a rerun prints
    exactly what the first run printed)."""
    users = {
        u.handle: u for u in User.objects.filter(handle__in=[login.handle for login in DEMO_LOGINS])
    }
    devices = {
        d.user_id: d for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)
    }
    lines = [
        f"Demo logins. Every password is: {PASSWORD}",
        "",
        f"{'role':<20} {'handle':<22} organisation",
    ]
    for login in DEMO_LOGINS:
        user = users.get(login.handle)
        if user is None:
            lines.append(f"{Role(login.role).label:<20} {login.handle:<22} (deleted since seeding)")
            continue
        org_name = CITY_WIDE[login.organisation].name
        lines.append(f"{Role(login.role).label:<20} {login.handle:<22} {org_name}")
        device = devices.get(user.pk)
        if device is not None:
            lines.append(f"{'':<20} TOTP secret: {device.seed}")
            lines.append(f"{'':<20} {otpauth_uri(device.seed, user.handle)}")
        if login.pending and user.status == User.Status.PENDING:
            lines.append(
                f"{'':<20} waiting for vouches; vouch code to give a voucher: "
                f"{APPLICANT_VOUCH_CODE}"
            )
    return lines


def summary_line(coalition: Coalition) -> str:
    return (
        f"{coalition.name}: {Region.objects.filter(coalition=coalition).count()} regions, "
        f"{Zone.objects.filter(region__coalition=coalition).count()} zones, "
        f"{Organisation.objects.filter(coalition=coalition).count()} organisations, "
        f"{User.objects.count():,} people. Hotline {coalition.hotline}."
    )
