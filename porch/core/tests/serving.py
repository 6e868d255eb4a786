"""Real `porch serve` processes on loopback ports, pointed at the test
database of the running test (for the scale and fault tests)."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the database this test is using (the test database)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgresql://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{Path(db['NAME']).resolve()}"


def server_env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        PORCH_ENV="test",
        PORCH_DATABASE_URL=database_url(),
        PORCH_SECRET_KEY=settings.SECRET_KEY,
        PORCH_VAULT_KEY_DIR=str(settings.PORCH_VAULT_KEY_DIR),
        PORCH_WEB_WORKERS="1",
    )
    env.update(extra)
    return env


def spawn(args, env, **popen) -> subprocess.Popen:
    """`porch <args>` in its own session, its stderr in a temporary file.

    Never a pipe: nobody reads a pipe while the process runs, and once its
    log fills the pipe's 64 KiB the process blocks in write() (the surge
    bench's worker stopped sending after five minutes that way). Read the
    log with log_text()."""
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "porch.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
        **popen,
    )
    proc.log = log
    return proc


def log_text(proc: subprocess.Popen, tail: int | None = None) -> str:
    """What a spawn()ed process wrote to stderr so far (its last `tail` bytes)."""
    proc.log.seek(0, os.SEEK_END)
    size = proc.log.tell()
    proc.log.seek(0 if tail is None else max(0, size - tail))
    return proc.log.read().decode("utf-8", "replace")


class Server:
    """`porch serve` on 127.0.0.1:<port>, ready when it answers HTTP."""

    def __init__(self, port: int | None = None, **extra):
        self.port = port or free_port()
        self.proc = spawn(["serve"], server_env(PORCH_BIND=f"127.0.0.1:{self.port}", **extra))
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"porch serve exited: {log_text(self.proc, 3000)!r}")
            try:
                status, _, _ = request(self.port, "GET", "/")
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("porch serve did not answer in time")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc.log.close()


def request(port, method, path, *, cookies=None, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        head = {"Host": "127.0.0.1"}
        if cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        head.update(headers or {})
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        data = response.read()
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        return response.status, set_cookies, data.decode("utf-8", "replace")
    finally:
        conn.close()


def session_cookies(user) -> dict:
    """A signed-in (2FA verified) session for `user`, as browser cookies."""
    from django.test import Client

    from porch.core.testing import sign_in

    client = Client()
    sign_in(client, user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf(port, path, cookies) -> dict:
    """GET `path`, keep the CSRF cookie and return cookies + the form token."""
    status, new, html = request(port, "GET", path, cookies=cookies)
    assert status == 200, (status, path)
    found = TOKEN.search(html)
    assert found, f"no CSRF token on {path}"
    return {**cookies, **new}, found.group(1)
