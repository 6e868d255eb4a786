"""Fault tests (bounded for CI): SIGKILL of the web process during writes.

Every write the server acknowledged (a 302 after the intake form) is in the
database after the kill, the database passes its integrity check, and a new
`porch serve` answers and writes again. The worker's SIGKILL mid-broadcast is
proved in porch/messaging/tests/test_crash.py
(test_a_worker_killed_mid_broadcast_loses_nothing_and_sends_each_once)."""

import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from porch.aid.models import AidRequest, Diet, HomeTimes, Urgency
from porch.core.tests.serving import Server, csrf, request, session_cookies

WRITERS = 4


def intake_body(token: str, n: int) -> str:
    """The intake form, filled: cross streets stand in for an address."""
    return urlencode(
        {
            "csrfmiddlewaretoken": token,
            "callback_number": f"+1612555{n:04d}",
            "cross_streets": "Cedar and 5th",
            "household_size": "2",
            "diet": Diet.ANY.value,
            "language": "en",
            "home_times": HomeTimes.ANY.value,
            "urgency": Urgency.ROUTINE.value,
        }
    )


def integrity_ok() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            return cursor.fetchone()[0] == "ok"
        cursor.execute("SELECT count(*) FROM aid_aidrequest")
        return cursor.fetchone()[0] >= 0


@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_mid_write_loses_no_acknowledged_request(cast):
    coordinator = cast.people["ana"]
    path = reverse("aid:request-create", kwargs={"code": cast.org_a.code})
    server = Server()
    try:
        cookies, token = csrf(server.port, path, session_cookies(coordinator))
        acked, attempted, stop = [], [], threading.Event()
        lock = threading.Lock()

        def write(k):
            n = k * 1000
            while not stop.is_set():
                n += 1
                with lock:
                    attempted.append(n)
                try:
                    status, _, _ = request(
                        server.port, "POST", path, cookies=cookies,
                        body=intake_body(token, n), timeout=10,
                    )  # fmt: skip
                except OSError:
                    return  # the server is gone: this write was never acknowledged
                if status == 302:
                    with lock:
                        acked.append(n)

        threads = [threading.Thread(target=write, args=(k,)) for k in range(WRITERS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acked) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        server.kill()  # SIGKILL to the whole process group, mid-write
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert len(acked) >= 20, "the server acknowledged too few writes to test"
        rows = AidRequest.objects.count()
        assert len(acked) <= rows <= len(attempted)
        assert integrity_ok()

        # The service comes back on the same port and writes again.
        server = Server(port=server.port)
        status, _, _ = request(
            server.port, "POST", path, cookies=cookies, body=intake_body(token, 9999)
        )
        assert status == 302
        assert AidRequest.objects.count() == rows + 1
    finally:
        server.stop()
