"""Horizontal scale: two `porch serve` processes share nothing but the
database. Drivers claim one delivery run from many threads through both at
once; exactly one claim wins (R46 across processes).

The three-workers-one-broadcast proof lives in
porch/messaging/tests/test_crash.py (not repeated here)."""

import threading
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from porch.accounts.roles import Role
from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run
from porch.core.audit import AuditEntry
from porch.core.testing import make_member
from porch.core.tests.serving import Server, csrf, request, session_cookies

CLAIMERS = 16


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_let_exactly_one_of_many_concurrent_claimers_win(cast):
    run = make_run(cast.org_a, cast.zone)
    drivers = [make_member(f"driver{k}", cast.org_a, Role.DRIVER) for k in range(CLAIMERS)]
    servers = [Server(), Server()]
    try:
        page = reverse("aid:run", kwargs={"code": run.code})
        claim = reverse("aid:run-claim", kwargs={"code": run.code})
        prepared = []
        for k, driver in enumerate(drivers):
            port = servers[k % 2].port
            cookies, token = csrf(port, page, session_cookies(driver))
            prepared.append((port, cookies, token, driver))
        barrier = threading.Barrier(CLAIMERS)
        outcomes, broken = [], []

        def go(port, cookies, token, driver):
            try:
                barrier.wait()
                status, _, _ = request(
                    port, "POST", claim, cookies=cookies,
                    body=urlencode({"csrfmiddlewaretoken": token}),
                )  # fmt: skip
                outcomes.append((status, driver.pk, port))
            except Exception as error:  # a timeout is a failure too
                broken.append(repr(error))

        threads = [threading.Thread(target=go, args=p) for p in prepared]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
    finally:
        for server in servers:
            server.stop()
    assert broken == []
    assert len(outcomes) == CLAIMERS
    won = [o for o in outcomes if o[0] == 302]
    # A loser who reads the run before the winner commits gets 409; after, the
    # run is another driver's and is not found for them (404).
    lost = [o for o in outcomes if o[0] in (404, 409)]
    assert len(won) == 1 and len(lost) == CLAIMERS - 1, sorted(o[0] for o in outcomes)
    # Both processes answered claims (the race really crossed processes).
    assert {o[2] for o in outcomes} == {s.port for s in servers}
    run.refresh_from_db()
    assert run.status == DeliveryRun.Status.CLAIMED and run.driver_id == won[0][1]
    assert AuditEntry.objects.filter(action="aid.run.claimed").count() == 1
