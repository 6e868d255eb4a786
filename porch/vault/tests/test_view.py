"""Panic pages (R21, R28): two admins, step-up, organisation scope."""

import pytest
from django.test import Client

from porch.accounts.models import Approval
from porch.vault.epochs import new_subject
from porch.vault.models import SealedRecord, Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast):
    made = {}
    for name, org in (("a", cast.org_a), ("b", cast.org_b)):
        subject = new_subject("household", organisation=org)
        SealedRecord.objects.create(subject=subject, label="address", text=f"CANARY-{name}")
        made[name] = subject
    return made


def ask(client, scope):
    return client.post("/vault/panic/request/", {"scope": scope, "confirm": "erase"})


def test_it_erases_an_organisation_when_a_second_admin_approves(cast, data, signed_in):
    eve = signed_in(cast.eve)
    assert eve.get("/vault/panic/").status_code == 200
    assert ask(eve, f"org:{cast.org_a.code}").status_code == 302
    approval = Approval.objects.get(kind="vault.panic_org")
    assert Subject.objects.count() == 2  # nothing happens on one person's word

    fay = signed_in(cast.fay)
    assert cast.org_a.name.encode() in fay.get("/vault/panic/").content
    response = fay.post(f"/vault/panic/{approval.code}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    assert list(Subject.objects.values_list("code", flat=True)) == [data["b"].code]
    assert SealedRecord.objects.get().text == "CANARY-b"
    cast.org_a.refresh_from_db()
    assert cast.org_a.erased_on is not None


def test_it_does_not_let_the_requester_approve_their_own_erasure(cast, data, signed_in):
    eve = signed_in(cast.eve)
    ask(eve, f"org:{cast.org_a.code}")
    approval = Approval.objects.get()
    response = eve.post(f"/vault/panic/{approval.code}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert Subject.objects.count() == 2


def test_it_hides_another_organisations_request(cast, data, signed_in):
    ask(signed_in(cast.eve), f"org:{cast.org_a.code}")
    approval = Approval.objects.get()
    hal = signed_in(cast.hal)  # coalition admin, member of B only
    response = hal.post(f"/vault/panic/{approval.code}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    assert Subject.objects.count() == 2


def test_it_refuses_an_organisation_the_admin_does_not_administer(cast, data, signed_in):
    response = ask(signed_in(cast.eve), f"org:{cast.org_b.code}")
    assert response.status_code == 400
    assert not Approval.objects.exists()


def test_it_needs_the_confirmation_word(cast, data, signed_in):
    eve = signed_in(cast.eve)
    response = eve.post(
        "/vault/panic/request/", {"scope": f"org:{cast.org_a.code}", "confirm": "yes"}
    )
    assert response.status_code == 400
    assert b"Type ERASE to confirm." in response.content
    assert not Approval.objects.exists()


def test_it_erases_the_whole_instance_with_two_coalition_admins(cast, data, signed_in):
    assert ask(signed_in(cast.gus), "instance").status_code == 302
    approval = Approval.objects.get(kind="vault.panic_instance")
    response = signed_in(cast.hal).post(
        f"/vault/panic/{approval.code}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert Subject.objects.count() == 0 and SealedRecord.objects.count() == 0


def test_it_lets_a_second_admin_reject(cast, data, signed_in):
    ask(signed_in(cast.eve), f"org:{cast.org_a.code}")
    approval = Approval.objects.get()
    signed_in(cast.fay).post(f"/vault/panic/{approval.code}/decide/", {"decision": "reject"})
    assert Approval.objects.get().state == Approval.State.REJECTED
    assert Subject.objects.count() == 2


@pytest.mark.parametrize("who", ["ben", "ana", "cal", "pia"])
def test_it_is_not_there_for_people_who_are_not_admins(cast, signed_in, who):
    client = signed_in(getattr(cast, who))
    assert client.get("/vault/panic/").status_code == 404
    assert ask(client, f"org:{cast.org_a.code}").status_code == 404


def test_it_sends_strangers_to_sign_in_and_refuses_wrong_methods(cast, signed_in):
    assert Client().get("/vault/panic/").status_code == 302
    eve = signed_in(cast.eve)
    assert eve.post("/vault/panic/").status_code == 405
    assert eve.get("/vault/panic/request/").status_code == 405
    assert eve.get("/vault/panic/ABC/decide/").status_code == 405
