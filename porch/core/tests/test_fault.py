"""Fault tests (bounded for CI).

- SIGKILL of the web process during intake writes, and of the web process
  and the worker during bench/load's request mix: every write the server
  acknowledged is in the database, the integrity check passes, and new
  processes answer and write again.
- A throwaway PostgreSQL cluster (never the shared server) stopped with
  `pg_ctl stop -m immediate` under concurrent writes, then restarted: while it
  is down every request answers 503 with a translated page and Retry-After
  (never a 500), nothing acknowledged is lost, and the same `porch serve`
  writes again once it is back.
- The SQLite database on a small loop device that fills up: writes answer
  503, the file passes `PRAGMA integrity_check`, and writes work again once
  space is freed, without restarting `porch serve`.

The worker's SIGKILL mid-broadcast is proved in porch/messaging/tests/test_crash.py
(test_a_worker_killed_mid_broadcast_loses_nothing_and_sends_each_once)."""

import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from porch.aid.models import AidRequest, Diet, HomeTimes, Urgency
from porch.core.tests.serving import (
    ROOT,
    Server,
    csrf,
    log_text,
    request,
    server_env,
    session_cookies,
)

WRITERS = 4
UNAVAILABLE = "Porch cannot reach its database right now."


def intake_body(token: str, n: int) -> str:
    """The intake form, filled: cross streets stand in for an address."""
    return urlencode(
        {
            "csrfmiddlewaretoken": token,
            "callback_number": f"+1612555{n % 10000:04d}",
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


class Writers:
    """WRITERS threads posting the intake form until stopped; they keep
    going through refused connections and 503s (an outage), and record
    every answer."""

    def __init__(self, port, path, cookies, token, *, stop_on_refused=False):
        self.port, self.path, self.cookies, self.token = port, path, cookies, token
        self.stop_on_refused = stop_on_refused
        self.acked, self.attempted, self.unavailable, self.other = [], [], [], []
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(k,)) for k in range(WRITERS)]
        for thread in self.threads:
            thread.start()

    def write(self, k):
        n = k * 10000
        while not self.stop.is_set():
            n += 1
            with self.lock:
                self.attempted.append(n)
            try:
                status, _, html = request(
                    self.port, "POST", self.path, cookies=self.cookies,
                    body=intake_body(self.token, n), timeout=30,
                )  # fmt: skip
            except OSError:
                if self.stop_on_refused:
                    return  # the server is gone: this write was never acknowledged
                time.sleep(0.05)
                continue
            with self.lock:
                if status == 302:
                    self.acked.append(n)
                elif status == 503 and UNAVAILABLE in html:
                    self.unavailable.append(n)
                else:
                    self.other.append((status, html[:300]))
            if status == 503:
                time.sleep(0.05)

    def wait_for(self, what, count, timeout=60):
        deadline = time.monotonic() + timeout
        while len(getattr(self, what)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(getattr(self, what)) >= count

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_mid_write_loses_no_acknowledged_request(cast):
    coordinator = cast.people["ana"]
    path = reverse("aid:request-create", kwargs={"code": cast.org_a.code})
    server = Server()
    try:
        cookies, token = csrf(server.port, path, session_cookies(coordinator))
        writers = Writers(server.port, path, cookies, token, stop_on_refused=True)
        writers.wait_for("acked", 20, timeout=20)
        server.kill()  # SIGKILL to the whole process group, mid-write
        writers.finish()
        assert len(writers.acked) >= 20, "the server acknowledged too few writes to test"
        rows = AidRequest.objects.count()
        assert len(writers.acked) <= rows <= len(writers.attempted)
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


# ---- The load mix through SIGKILL of web and worker ----------------------------------


class Worker:
    def __init__(self, log: Path):
        self.log = open(log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "porch.cli", "worker"],
            cwd=ROOT, env=server_env(PORCH_WORKER_INTERVAL="0.2"),
            stdout=self.log, stderr=self.log, start_new_session=True,
        )  # fmt: skip

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)
        self.log.close()


WRITES = (
    "POST /aid/orgs/<c>/requests/new/",
    "POST /response/org/<c>/report/",
    "POST /volunteers/slots/<c>/signup/",
)


def written(stats) -> int:
    """Writes the server acknowledged so far (302s of the mix's POSTs)."""
    with stats.lock:
        return sum(stats.statuses[endpoint].get(302, 0) for endpoint in WRITES)


@pytest.mark.django_db(transaction=True)
def test_the_load_mix_survives_sigkill_of_web_and_worker(cast, tmp_path):
    """bench/load's request mix, 16 volunteers and 4 dispatchers with short
    think time, for a few seconds; web and worker are killed with SIGKILL
    mid-load and started again while the load goes on."""
    from bench.load import run as load
    from porch.core.models import WorkerHeartbeat
    from porch.response.models import Report
    from porch.volunteers.models import SignUp

    world = load.populate(cast.org_a, cast.org_b, cast.zone, 16, 4, runs=8)
    before = {
        "aid": AidRequest.objects.count(),
        "report": Report.objects.count(),
        "signup": SignUp.objects.count(),
    }
    server, worker = Server(), Worker(tmp_path / "worker.log")
    people = []
    try:
        stats = load.Stats()
        master = random.Random(9)
        stop_at = time.monotonic() + 300  # moved up once web is back (below)
        people = [
            load.Person(server.port, world, p, stats, stop_at, random.Random(master.random()),
                        (0.05, 0.3))
            for p in world["people"]
        ]  # fmt: skip
        for person in people:
            person.start()
        # Kill mid-load, once some writes have been acknowledged and the
        # worker is running.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            written(stats) < 10 or not WorkerHeartbeat.objects.exists()
        ):
            time.sleep(0.1)
        server.kill()
        worker.kill()
        killed = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
        time.sleep(0.5)
        server = Server(port=server.port)
        worker = Worker(tmp_path / "worker.log")
        # The load goes on against the new processes for a few seconds more,
        # and the new worker runs (a heartbeat of its own).
        resumed = written(stats)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            written(stats) < resumed + 5
            or not WorkerHeartbeat.objects.exclude(worker_id__in=killed).exists()
        ):
            time.sleep(0.1)
        restarted_worker_ran = WorkerHeartbeat.objects.exclude(worker_id__in=killed).exists()
    finally:
        for person in people:
            person.stop_at = 0
        for person in people:
            person.join(timeout=90)
        server.stop()
        worker.kill(signal.SIGTERM)

    def acked(endpoint, status=302):
        return stats.statuses[endpoint].get(status, 0)

    def tried(endpoint):
        return sum(stats.statuses[endpoint].values())

    aid = "POST /aid/orgs/<c>/requests/new/"
    report = "POST /response/org/<c>/report/"
    assert written(stats) >= 15, dict(stats.statuses)
    # No write the server acknowledged (302) is missing; none appeared from nowhere.
    assert acked(aid) <= AidRequest.objects.count() - before["aid"] <= tried(aid)
    assert acked(report) <= Report.objects.count() - before["report"] <= tried(report)
    signup = "POST /volunteers/slots/<c>/signup/"
    # (A sign-up is a SignUp row; the Shift is shared by everyone that day.)
    assert acked(signup) <= SignUp.objects.count() - before["signup"] <= tried(signup)
    # The only failures are connections refused or reset while web was down:
    # never a 500.
    for endpoint, statuses in stats.statuses.items():
        assert not any(isinstance(s, int) and s >= 500 for s in statuses), (endpoint, statuses)
    assert not any(person.is_alive() for person in people)
    assert killed, "the first worker never ran"
    assert restarted_worker_ran
    assert integrity_ok()


# ---- A throwaway PostgreSQL cluster stopped immediately -----------------------------


def shared_dir(prefix: str) -> Path:
    """A temporary directory the postgres user can enter."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def faultworld(env: dict) -> dict:
    """Migrate the database `env` names, build the cast there; return the
    coordinator's cookies and the intake path (porch/core/tests/faultworld.py)."""
    done = subprocess.run(
        [sys.executable, "-m", "porch.core.tests.faultworld"],
        cwd=ROOT, env=server_env(**env),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def outage_page(port, path, cookies):
    status, _, html = request(port, "GET", path, cookies=cookies)
    return status, html


def test_postgresql_stopped_immediately_under_writes_then_restarted():
    from porch.vault.tests.forensics import Cluster

    base = shared_dir("porch-pgfault-")
    cluster = Cluster(base / "pgdata", log=base / "postgresql.log")
    server = None
    try:
        env = {
            "PORCH_DATABASE_URL": cluster.url,
            "PORCH_VAR_DIR": str(base / "var"),
            "PORCH_VAULT_KEY_DIR": str(base / "keys"),
        }
        world = faultworld(env)
        server = Server(**env)
        cookies, token = csrf(server.port, world["path"], world["cookies"])
        writers = Writers(server.port, world["path"], cookies, token)
        assert writers.wait_for("acked", 10)

        cluster._as_postgres("pg_ctl", "-D", str(cluster.pgdata), "-m", "immediate", "-w", "stop")
        assert writers.wait_for("unavailable", 8), writers.other[:3]
        head = http_head(server.port, world["path"], cookies)
        assert head["status"] == 503 and head["retry-after"] == "30"
        assert UNAVAILABLE in head["body"]
        acked_while_up = len(writers.acked)

        options = (
            f"-p {cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=on"
        )
        cluster._as_postgres(
            "pg_ctl", "-D", str(cluster.pgdata), "-l", str(cluster.log), "-o", options,
            "-w", "start",
        )  # fmt: skip
        # The same porch serve writes again: no restart needed.
        assert writers.wait_for("acked", acked_while_up + 10), writers.other[:3]
        writers.finish()
        assert writers.other == [], writers.other[:3]  # never a 500, never anything else

        import psycopg

        with psycopg.connect(cluster.url) as conn:
            rows = conn.execute("SELECT count(*) FROM aid_aidrequest").fetchone()[0]
        assert len(writers.acked) <= rows <= len(writers.attempted)
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        subprocess.run(["rm", "-rf", str(base)], check=False)


def http_head(port, path, cookies) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "GET", path,
            headers={"Host": "127.0.0.1",
                     "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
        )  # fmt: skip
        response = conn.getresponse()
        return {
            "status": response.status,
            "retry-after": response.getheader("Retry-After"),
            "body": response.read().decode(),
        }
    finally:
        conn.close()


# ---- var/ on a small loop device filling up -------------------------------------------


def fill_disk(directory: Path) -> Path:
    """Write a file in `directory` until the file system refuses (ENOSPC)."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 512):
            chunk = b"\0" * size
            while True:
                try:
                    handle.write(chunk)
                    os.fsync(handle.fileno())
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
                    break
    return filler


def sqlite_check(path: Path) -> tuple[str, int]:
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM aid_aidrequest").fetchone()[0]
    return ok, rows


def test_sqlite_on_a_full_disk_answers_503_stays_intact_and_recovers():
    from porch.vault.tests.forensics import LoopImage

    image = LoopImage(size_mb=32)
    server = None
    try:
        var = image.mount / "var"
        database = var / "porch.sqlite3"
        env = {
            "PORCH_DATABASE_URL": f"sqlite:///{database}",
            "PORCH_VAR_DIR": str(var),
            "PORCH_VAULT_KEY_DIR": tempfile.mkdtemp(prefix="porch-keys-"),
        }
        world = faultworld(env)
        server = Server(**env)
        cookies, token = csrf(server.port, world["path"], world["cookies"])
        path = world["path"]

        filler = fill_disk(image.mount)
        acked, refused, other = 0, 0, []
        for n in range(400):
            status, _, html = request(
                server.port, "POST", path, cookies=cookies, body=intake_body(token, n)
            )
            if status == 302:
                acked += 1
            elif status == 503 and UNAVAILABLE in html:
                refused += 1
                if refused >= 5:
                    break
            else:
                other.append((status, html[:300]))
        assert other == [], other[:3]
        assert refused >= 5, f"the full disk never refused a write ({acked} accepted)"
        head = http_head(server.port, path, cookies)
        assert head["status"] in (200, 503)
        if head["status"] == 503:
            assert head["retry-after"] == "30" and UNAVAILABLE in head["body"]

        # Space is freed: the file is intact and nothing acknowledged was lost.
        filler.unlink()
        ok, rows = sqlite_check(database)
        assert ok == "ok"
        assert rows >= acked
        # The same porch serve writes again once there is space.
        status, _, _ = request(
            server.port, "POST", path, cookies=cookies, body=intake_body(token, 9999)
        )
        assert status == 302
        ok, after = sqlite_check(database)
        assert ok == "ok" and after == rows + 1
    finally:
        if server is not None:
            server.stop()
        image.close()


# ---- A database that cannot be reached at all (no root needed) -------------------------


class ServerWithoutDatabase(Server):
    """`porch serve` pointed at a PostgreSQL port where nothing listens:
    ready as soon as it answers at all."""

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"porch serve exited: {log_text(self.proc, 3000)!r}")
            try:
                request(self.port, "GET", "/")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("porch serve did not answer in time")


def test_an_unreachable_database_gives_a_translated_503_page_and_json_on_the_api():
    from porch.core.tests.serving import free_port

    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/porch"
    server = ServerWithoutDatabase(PORCH_DATABASE_URL=nowhere)
    try:
        cookies = {"sessionid": "x" * 32}  # any session means a database read
        page = http_head(server.port, "/volunteers/", cookies)
        assert page["status"] == 503 and page["retry-after"] == "30"
        assert UNAVAILABLE in page["body"] and "Traceback" not in page["body"]
        status, _, body = request(
            server.port, "GET", "/api/v1/me", headers={"Authorization": "Bearer " + "y" * 40}
        )
        assert status == 503
        assert json.loads(body)["detail"].startswith(UNAVAILABLE)
        # Spanish is asked for: the page is served in Spanish (its layout is;
        # the message itself once the catalogues carry it).
        status, _, html = request(
            server.port, "GET", "/volunteers/", cookies={**cookies, "django_language": "es"}
        )
        assert status == 503 and 'lang="es"' in html
    finally:
        server.stop()
