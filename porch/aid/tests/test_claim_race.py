"""R46: twenty drivers claim one run at once, on real threads; exactly one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from porch.accounts.roles import Role
from porch.aid import actions
from porch.aid.models import DeliveryRun
from porch.aid.tests.fixtures import make_run
from porch.core.audit import AuditEntry
from porch.core.testing import make_member

CLAIMERS = 20


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_twenty_concurrent_claimers_win(cast):
    run = make_run(cast.org_a, cast.zone)
    drivers = [make_member(f"driver{k}", cast.org_a, Role.DRIVER) for k in range(CLAIMERS)]
    barrier = threading.Barrier(CLAIMERS)
    won, lost, broken = [], [], []

    def claim(driver):
        try:
            barrier.wait()
            actions.do_claim_run(DeliveryRun.objects.get(pk=run.pk), actor=driver)
            won.append(driver.pk)
        except ValidationError:
            lost.append(driver.pk)
        except Exception as error:  # a lock timeout would be a failure of R46 too
            broken.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(d,)) for d in drivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert broken == []
    assert len(won) == 1 and len(lost) == CLAIMERS - 1
    run.refresh_from_db()
    assert run.status == DeliveryRun.Status.CLAIMED and run.driver_id == won[0]
    assert AuditEntry.objects.filter(action="aid.run.claimed").count() == 1
