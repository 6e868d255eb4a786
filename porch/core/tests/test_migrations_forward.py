"""R48: today's migrations apply forward on a database that an earlier
release populated with the demo city, and the data still works afterwards.

The earlier release is the commit named in migration_baseline.txt, taken
from this repository's history with `git archive`, and run with this
virtualenv. Its `porch migrate` and `seed_demo` fill a database; then the
current code migrates that same database and checks it: counts kept, a demo
login still signs in, its 2FA seed still opens, `check` passes.

Runs on the suite's own database vendor: a file under a temporary directory
for SQLite, a throwaway database on the server for PostgreSQL.
"""

import os
import subprocess
import sys
import tarfile
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
BASELINE = (Path(__file__).with_name("migration_baseline.txt")).read_text().split()[0]
VOLUNTEERS = "40"

CHECK_SCRIPT = """
import django, sys
django.setup()
from django.contrib.auth import authenticate
from porch.accounts.models import TOTPDevice, User
from porch.coalition.models import Organisation, Zone
from porch.core.testing import PASSWORD  # noqa: F401  (import check only)
print(User.objects.count(), Organisation.objects.count(), Zone.objects.count())
handle, password = sys.argv[1], sys.argv[2]
user = authenticate(handle=handle, password=password)
assert user is not None, "the demo login no longer signs in"
for device in TOTPDevice.objects.filter(user__status="active")[:5]:
    assert device.seed, "a 2FA seed no longer opens"
print("ok")
"""

COUNT_SCRIPT = """
import django
django.setup()
from porch.accounts.models import User
from porch.coalition.models import Organisation, Zone
print(User.objects.count(), Organisation.objects.count(), Zone.objects.count())
"""


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, timeout=60)


def _extract_baseline(into: Path) -> Path:
    archive = _git("archive", "--format=tar", BASELINE, "porch", "pyproject.toml")
    assert archive.returncode == 0, (
        f"baseline {BASELINE} is not in this repository's history: "
        f"{archive.stderr.decode().strip()}"
    )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def _run(code_dir: Path, env: dict, *args: str, script: str | None = None) -> str:
    full_env = {**env, "PYTHONPATH": str(code_dir)}
    if script is not None:
        command = [sys.executable, "-c", script, *args]
    else:
        command = [sys.executable, "-c", "import sys; from porch.cli import main; sys.exit(main())"]
        command += list(args)
    result = subprocess.run(
        command, cwd=code_dir, env=full_env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def database_url(tmp_path):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'var' / 'porch.sqlite3'}"
        return
    import psycopg

    name = f"porch_forward_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git history of a checkout")
def test_it_migrates_a_populated_demo_database_forward(tmp_path, database_url):
    base = _extract_baseline(tmp_path / "baseline")
    # The baseline's own code must be the one imported for the first half.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORCH_", "DJANGO_SETTINGS"))
    }
    env.update(
        PORCH_ENV="development",
        PORCH_DEMO="true",
        PORCH_VAR_DIR=str(tmp_path / "var"),
        PORCH_VAULT_KEY_DIR=str(tmp_path / "keys"),
        PORCH_DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="porch.settings",
    )
    (tmp_path / "var").mkdir()
    where = _run(base, env, script="import porch; print(porch.__file__)")
    assert where.startswith(str(base)), f"the baseline run imported {where!r}"

    _run(base, env, "migrate")
    seeded = _run(base, env, "manage", "seed_demo", "--volunteers", VOLUNTEERS)
    handle, password = _demo_credentials(seeded)
    before = _run(base, env, script=COUNT_SCRIPT).split()

    _run(ROOT, env, "migrate")
    _run(ROOT, env, "manage", "check", "--fail-level", "ERROR")
    after = _run(ROOT, env, handle, password, script=CHECK_SCRIPT).split()
    assert after[:3] == before, "rows were lost or invented by the migrations"
    assert after[-1] == "ok"


def _demo_credentials(printed: str) -> tuple[str, str]:
    """The coordinator's handle and the shared password, as `seed_demo` prints them."""
    lines = printed.splitlines()
    password = next(line for line in lines if "Every password is:" in line).split(": ", 1)[1]
    coordinator = next(line for line in lines if line.lower().startswith("coordinator"))
    return coordinator.split()[1], password.strip()
