"""Suite-wide fixtures: the socket guard (R4), the cast, signed-in clients."""

import ipaddress
import os
import socket

import pytest

os.environ.setdefault("PORCH_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):
        return True  # AF_UNIX
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class NonLoopbackConnection(RuntimeError):
    pass


def _guarded_connect(self, address):
    if not _is_local(address):
        raise NonLoopbackConnection(f"test tried to reach a non-loopback address: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_local(address):
        raise NonLoopbackConnection(f"test tried to reach a non-loopback address: {address!r}")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _no_language_leaks_between_tests():
    """A test that activates a language (a Somali page, a Hmong reply) must
    not leave it active for the next test in the same thread."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _sqlite_locks_kept():
    """After each test, this process still holds its locks on every SQLite
    file it has open. A test that opens and closes the suite's database file
    itself (reading var/ for a canary, say) drops them, and a later test's
    subprocess then deletes the -wal and -shm under this process: every
    later connection fails with "disk I/O error" (issue 9). Fail the test
    that did it, not the ones after."""
    yield
    from porch.core.testing import sqlite_locks_lost

    if lost := sqlite_locks_lost():
        pytest.fail(
            "this test dropped the test process's SQLite locks on "
            f"{lost} (read the files in a child process: porch.core.testing.files_holding)"
        )


@pytest.fixture
def cast(db):
    from porch.core.testing import build_cast

    return build_cast()


@pytest.fixture
def signed_in(client):
    """signed_in(user) → the test client, signed in as user with 2FA verified."""
    from porch.core.testing import sign_in

    def _sign_in(user, *, two_factor=True):
        sign_in(client, user, two_factor=two_factor)
        return client

    return _sign_in


# ---- Browser journeys (Playwright driving Debian's Chromium) ----------------
CHROMIUM = os.environ.get("PORCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "test-results", "screenshots")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` to install it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context (no shared cookies) pointed at the live server."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_cast(transactional_db):
    from porch.core.testing import build_cast

    return build_cast()


@pytest.fixture
def screenshot(request):
    """screenshot(page, name) saves test-results/screenshots/<test>-<name>.png."""

    def _shot(page, name: str) -> str:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{request.node.name}-{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return _shot
