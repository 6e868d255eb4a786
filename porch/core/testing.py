"""Test helpers every app reuses: the named cast, signing in, PDF reading.

The cast (STYLE.md, "Tests"): Ana coordinates organisation A; Ben drives for
A; Dee verifies for A; Eve and Fay administer A; Cal volunteers in B; Gus and
Hal are coalition admins; Pia has signed up and waits for vouches.
"""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from porch.accounts.middleware import GENERATION_KEY, SEEN_KEY, VERIFIED_KEY
from porch.accounts.models import User
from porch.accounts.roles import ROLE_INFO, Role, TrustLevel
from porch.coalition.models import Coalition, Membership, Organisation, Region, Team, Zone

PASSWORD = "correct horse battery staple"


@dataclass
class Cast:
    coalition: Coalition
    org_a: Organisation
    org_b: Organisation
    team_a: Team
    region: Region
    zone: Zone
    zone_b: Zone
    people: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def make_member(handle: str, organisation: Organisation | None, *roles: str, trust=None) -> User:
    needed = max((ROLE_INFO[r].min_trust for r in roles), default=TrustLevel.RESPONDER)
    user = User.objects.create_user(
        handle=handle,
        password=PASSWORD,
        status=User.Status.ACTIVE,
        trust_level=trust if trust is not None else max(needed, TrustLevel.RESPONDER),
        trusted_on=timezone.localdate(),
    )
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def build_cast() -> Cast:
    coalition = Coalition.objects.create(name="Riverbend Mutual Aid Coalition", hotline="555-0100")
    region = Region.objects.create(coalition=coalition, name="Northside")
    square = {
        "type": "Polygon",
        "coordinates": [
            [[-93.30, 45.00], [-93.28, 45.00], [-93.28, 45.02], [-93.30, 45.02], [-93.30, 45.00]]
        ],
    }
    zone = Zone.objects.create(
        region=region, name="Cedar Flats", outline=square, centroid_lat=45.01, centroid_lon=-93.29
    )
    zone_b = Zone.objects.create(
        region=region, name="Elm Hollow", centroid_lat=45.03, centroid_lon=-93.27
    )
    org_a = Organisation.objects.create(coalition=coalition, name="Cedar Flats Food Shelf")
    org_b = Organisation.objects.create(coalition=coalition, name="Elm Hollow Tenants Union")
    team_a = Team.objects.create(organisation=org_a, name="Saturday drivers")
    cast = Cast(coalition, org_a, org_b, team_a, region, zone, zone_b)
    cast.people.update(
        ana=make_member("ana", org_a, Role.COORDINATOR),
        ben=make_member("ben", org_a, Role.DRIVER),
        dee=make_member("dee", org_a, Role.VERIFIER),
        eve=make_member("eve", org_a, Role.ORG_ADMIN),
        fay=make_member("fay", org_a, Role.ORG_ADMIN),
        cal=make_member("cal", org_b, Role.VOLUNTEER),
        gus=make_member("gus", org_a, Role.COALITION_ADMIN),
        hal=make_member("hal", org_b, Role.COALITION_ADMIN),
    )
    pia = User.objects.create_user(handle="pia", password=PASSWORD)
    Membership.objects.create(user=pia, organisation=org_a, role=Role.VOLUNTEER)
    cast.people["pia"] = pia
    return cast


def sign_in(client, user: User, *, two_factor: bool = True) -> None:
    """Sign a test client in as `user`, with 2FA freshly verified by default."""
    client.force_login(user)
    session = client.session
    session[GENERATION_KEY] = user.session_generation
    session[SEEN_KEY] = int(timezone.now().timestamp())
    if two_factor:
        session[VERIFIED_KEY] = int(timezone.now().timestamp())
    session.save()


def sign_in_browser(context, base_url: str, user: User) -> None:
    """Give a Playwright browser context a fresh signed-in (2FA verified)
    session for `user`: the test client's session cookies, copied over."""
    from django.test import Client

    client = Client()
    sign_in(client, user)
    for name, morsel in client.cookies.items():
        context.add_cookies([{"name": name, "value": morsel.value, "url": base_url}])


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, as pdftotext (poppler) reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True
        )
        return out.stdout.decode("utf-8")


def pdf_to_pngs(pdf: bytes, out_dir: Path, *, dpi: int = 60) -> list[Path]:
    """Render each page to PNG with pdftoppm; returns the files in page order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    src = out_dir / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(src), str(out_dir / "page")], check=True
    )
    return sorted(out_dir.glob("page*.png"))


def have_tool(name: str) -> bool:
    return shutil.which(name) is not None


def files_holding(folder: Path, needle: bytes) -> list[str]:
    """The files under `folder` whose bytes hold `needle`, found by grep in
    a child process, never by opening them here.

    POSIX record locks belong to a process and an inode, and closing *any*
    descriptor on a file drops all of the process's locks on it. If a test
    read var/test-*.sqlite3 (or its -shm) in this process, its open SQLite
    connections would lose their shared locks; the next `porch serve` or
    `porch worker` subprocess to close its last connection would then think
    it was the last, check-point and delete the -wal and -shm under those
    connections, and every later connection failed with "disk I/O error"
    (issue 9; conftest.py checks the locks after each test)."""
    found = subprocess.run(
        ["grep", "-rlFa", "-e", needle, "--", str(folder)], capture_output=True, check=False
    )
    if found.returncode not in (0, 1):
        raise RuntimeError(f"grep failed: {found.stderr.decode(errors='replace')}")
    return sorted(os.fsdecode(line) for line in found.stdout.splitlines())


def sqlite_locks_lost() -> list[str]:
    """SQLite databases in WAL mode that this process has open without the
    locks its connections must hold (Linux: /proc).

    An open connection always holds a shared lock on its database file and
    on the "dead man switch" byte of its -shm. A database open here without
    them was read and closed by something else in this process (see
    files_holding); one whose -shm is open only as "(deleted)" lost it to
    another process that thought it was the last. Files that were themselves
    deleted or replaced (the restore drill) are not this check's business."""
    if not os.path.isdir("/proc/self/fd"):
        return []
    open_files: dict[str, set[int]] = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            inode = os.stat(f"/proc/self/fd/{fd}").st_ino
        except OSError:
            continue
        open_files.setdefault(target, set()).add(inode)
    databases = [
        path
        for path in open_files
        if not path.endswith(("-wal", "-shm", "-journal", " (deleted)"))
        and (f"{path}-shm" in open_files or f"{path}-shm (deleted)" in open_files)
    ]
    if not databases:
        return []
    pid = str(os.getpid())
    locked = set()
    with open("/proc/locks") as table:
        for line in table:  # "1: POSIX  ADVISORY  READ 1234 fe:00:5417285 128 128"
            parts = line.split()
            if len(parts) >= 6 and parts[1] == "POSIX" and parts[4] == pid:
                locked.add(int(parts[5].rsplit(":", 1)[1]))
    return sorted(
        path
        for path in databases
        if not open_files[path] & locked or not open_files.get(f"{path}-shm", set()) & locked
    )
