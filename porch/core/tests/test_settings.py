"""Settings helpers reject bad values loudly; production passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from porch import settings as porch_settings

ROOT = Path(__file__).resolve().parents[3]


def test_it_rejects_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("PORCH_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="PORCH_X must be true or false"):
        porch_settings.env_bool("PORCH_X", False)


def test_it_rejects_a_number_out_of_range(monkeypatch):
    monkeypatch.setenv("PORCH_X", "45")
    with pytest.raises(ImproperlyConfigured, match="between 1 and 30"):
        porch_settings.env_int("PORCH_X", 30, minimum=1, maximum=30)
    monkeypatch.setenv("PORCH_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        porch_settings.env_int("PORCH_X", 30)


def test_it_parses_postgres_and_sqlite_urls():
    pg = porch_settings.database_from_url("postgresql://postgres:s%40cret@127.0.0.1:5432/porch")
    assert (pg["ENGINE"], pg["NAME"], pg["PASSWORD"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "porch",
        "s@cret",
        "5432",
    )
    lite = porch_settings.database_from_url("sqlite:////srv/porch/db.sqlite3")
    assert lite["NAME"] == "/srv/porch/db.sqlite3"
    assert "secure_delete=ON" in lite["OPTIONS"]["init_command"]
    with pytest.raises(ImproperlyConfigured, match="must start with"):
        porch_settings.database_from_url("mysql://x/y")


def run_porch(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORCH_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_it_passes_check_deploy_in_production(tmp_path):
    result = run_porch(
        {
            "PORCH_ENV": "production",
            "PORCH_SECRET_KEY": "x" * 30 + "-production-secret-for-the-check-only-0123456789",
            "PORCH_ALLOWED_HOSTS": "porch.example.org",
            "PORCH_VAR_DIR": str(tmp_path),
            # A production instance sends texts through a real gateway.
            "PORCH_SMS_CHANNEL": "twilio",
            "PORCH_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "PORCH_TWILIO_AUTH_TOKEN": "t" * 32,
            "PORCH_TWILIO_FROM": "+16125550100",
            "PORCH_PUBLIC_URL": "https://porch.example.org",
        },
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_warns_in_production_when_texts_would_only_be_printed(tmp_path):
    result = run_porch(
        {
            "PORCH_ENV": "production",
            "PORCH_SECRET_KEY": "x" * 30 + "-production-secret-for-the-check-only-0123456789",
            "PORCH_ALLOWED_HOSTS": "porch.example.org",
            "PORCH_VAR_DIR": str(tmp_path),
        },
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "porch.messaging.W004" in result.stdout + result.stderr


def test_it_refuses_production_without_a_secret_key(tmp_path):
    result = run_porch(
        {"PORCH_ENV": "production", "PORCH_VAR_DIR": str(tmp_path)}, "manage", "check"
    )
    assert result.returncode != 0
    assert "PORCH_SECRET_KEY is required" in result.stderr


def test_it_runs_with_no_configuration_at_all(tmp_path):
    result = run_porch({"PORCH_VAR_DIR": str(tmp_path)}, "manage", "check")
    assert result.returncode == 0, result.stderr
