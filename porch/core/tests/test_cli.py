"""The `porch` console script, run as a user would: real processes, a real
gunicorn on a loopback port, a scratch var/ directory."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def porch_env(var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORCH_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update({"PORCH_VAR_DIR": str(var_dir), "PORCH_ENV": "development"}, **extra)
    return env


def porch(env, *args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    env = porch_env(var_dir)
    result = porch(env, "migrate")
    assert result.returncode == 0, result.stderr
    return env, var_dir


def test_it_prints_usage():
    result = subprocess.run(
        [sys.executable, "-m", "porch.cli", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("demo", "serve", "worker", "migrate", "bootstrap", "manage"):
        assert command in result.stdout


def test_it_migrates_a_fresh_sqlite_database_under_var(migrated):
    env, var_dir = migrated
    assert (var_dir / "porch.sqlite3").exists()
    result = porch(env, "manage", "showmigrations", "--plan")
    assert "[ ]" not in result.stdout


def test_it_runs_one_worker_pass_and_leaves_a_heartbeat(migrated):
    env, _ = migrated
    result = porch(env, "worker", "--once")
    assert result.returncode == 0, result.stderr
    shell = porch(
        env,
        "manage",
        "shell",
        "-c",
        "from porch.core.models import Lease; "
        "print(sorted(Lease.objects.values_list('name', flat=True)))",
    )
    assert "core.prune-audit" in shell.stdout


def test_it_serves_healthz_with_gunicorn_and_keeps_no_access_log(migrated):
    env, var_dir = migrated
    port = free_port()
    env = dict(env, PORCH_BIND=f"127.0.0.1:{port}", PORCH_WEB_WORKERS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                    break
            except urllib.error.HTTPError as error:  # 503 while the purge has never run
                body = json.loads(error.read())
                break
            except (OSError, ValueError):
                time.sleep(0.2)
        assert body is not None, "porch serve did not answer"
        assert body["database"] == "ok"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/css/porch.css", timeout=2
        ) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert "gunicorn" in output.lower() or "booting worker" in output.lower()
    assert "127.0.0.1 - -" not in output and "GET /healthz" not in output
