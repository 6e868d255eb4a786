"""Referrals between organisations (R33): send, accept, decline, withdraw, isolation."""

import pytest

from porch.coalition.models import Organisation, Referral

pytestmark = pytest.mark.django_db

SUMMARY = "Household of four in Elm Hollow needs weekly groceries; callback in Spanish."


@pytest.fixture
def cal_manages_b(cast):
    """Cal becomes a coordinator of organisation B."""
    from porch.accounts.roles import TrustLevel
    from porch.coalition.models import Membership

    cast.cal.trust_level = TrustLevel.COORDINATOR
    cast.cal.save()
    Membership.objects.create(user=cast.cal, organisation=cast.org_b, role="coordinator")
    return cast.cal


def _send(client, cast, **overrides):
    data = {
        "from_organisation": cast.org_a.code,
        "to_organisation": cast.org_b.code,
        "kind": "aid_request",
        "summary": SUMMARY,
        **overrides,
    }
    return client.post("/coalition/referrals/new/", data)


def test_it_sends_a_referral_to_another_organisation(cast, signed_in, audit_actions):
    client = signed_in(cast.ana)
    form = client.get("/coalition/referrals/new/")
    assert form.status_code == 200
    assert "no names, addresses or phone numbers" in form.content.decode()
    response = _send(client, cast)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/coalition/referrals/{referral.code}/"
    assert referral.from_organisation == cast.org_a and referral.to_organisation == cast.org_b
    assert referral.created_by == cast.ana and referral.state == Referral.State.SENT
    assert audit_actions()[-1] == "referral.sent"


def test_it_keeps_the_summary_out_of_the_audit_log(cast, signed_in):
    from porch.core.models import AuditEntry

    _send(signed_in(cast.ana), cast)
    entry = AuditEntry.objects.get(action="referral.sent")
    assert "Household" not in str(entry.__dict__)


def test_it_refuses_a_summary_over_a_thousand_characters(cast, signed_in):
    response = _send(signed_in(cast.ana), cast, summary="x" * 1001)
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_a_referral_to_your_own_organisation(cast, signed_in):
    response = _send(signed_in(cast.ana), cast, to_organisation=cast.org_a.code)
    assert response.status_code == 400
    assert "another organisation than your own" in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_sending_from_an_organisation_you_do_not_manage(cast, signed_in):
    response = _send(
        signed_in(cast.ana),
        cast,
        from_organisation=cast.org_b.code,
        to_organisation=cast.org_a.code,
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_it_hides_referrals_from_people_who_manage_no_organisation(cast, signed_in):
    client = signed_in(cast.ben)
    assert client.get("/coalition/referrals/").status_code == 404
    assert client.get("/coalition/referrals/new/").status_code == 404
    assert _send(client, cast).status_code == 404
    assert not Referral.objects.exists()


def test_it_isolates_one_organisations_referrals_from_another(cast, signed_in):
    _send(
        signed_in(cast.ana),
        cast,
        to_organisation=Organisation.objects.create(
            coalition=cast.coalition, name="Third org"
        ).code,
    )
    referral = Referral.objects.get()
    # Cal, a volunteer in B, sees neither the inbox nor A's referral.
    client = signed_in(cast.cal)
    assert client.get("/coalition/referrals/").status_code == 404
    assert client.get(f"/coalition/referrals/{referral.code}/").status_code == 404


def test_it_shows_the_receiving_managers_their_referrals(cast, signed_in, cal_manages_b):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    client = signed_in(cal_manages_b)
    inbox = client.get("/coalition/referrals/")
    assert inbox.status_code == 200
    assert inbox.context["received"] == [referral]
    assert inbox.context["sent"] == []
    page = client.get(f"/coalition/referrals/{referral.code}/")
    assert page.status_code == 200 and SUMMARY in page.content.decode()


def test_it_does_not_show_a_referral_to_uninvolved_managers(cast, signed_in, cal_manages_b):
    third = Organisation.objects.create(coalition=cast.coalition, name="Third org")
    _send(signed_in(cast.ana), cast, to_organisation=third.code)
    referral = Referral.objects.get()
    assert signed_in(cal_manages_b).get(f"/coalition/referrals/{referral.code}/").status_code == 404


def test_it_does_not_show_referral_contents_to_coalition_admins_of_other_organisations(
    cast, signed_in
):
    _send(
        signed_in(cast.ana),
        cast,
        to_organisation=Organisation.objects.create(
            coalition=cast.coalition, name="Third org"
        ).code,
    )
    referral = Referral.objects.get()
    assert signed_in(cast.hal).get(f"/coalition/referrals/{referral.code}/").status_code == 404


def test_it_lets_the_receiver_accept(cast, signed_in, cal_manages_b, audit_actions):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    response = signed_in(cal_manages_b).post(f"/coalition/referrals/{referral.code}/accept/")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED and referral.decided_by == cast.cal
    assert audit_actions()[-1] == "referral.accepted"


def test_it_lets_the_receiver_decline(cast, signed_in, cal_manages_b):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    assert (
        signed_in(cal_manages_b).post(f"/coalition/referrals/{referral.code}/decline/").status_code
        == 302
    )
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED


def test_it_does_not_let_the_sender_accept(cast, signed_in):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    assert (
        signed_in(cast.ana).post(f"/coalition/referrals/{referral.code}/accept/").status_code == 404
    )
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT


def test_it_lets_the_sender_withdraw_but_not_the_receiver(cast, signed_in, cal_manages_b):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    url = f"/coalition/referrals/{referral.code}/withdraw/"
    assert signed_in(cal_manages_b).post(url).status_code == 404
    assert signed_in(cast.eve).post(url).status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.WITHDRAWN


def test_it_refuses_to_answer_a_referral_twice(cast, signed_in, cal_manages_b):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    client = signed_in(cal_manages_b)
    client.post(f"/coalition/referrals/{referral.code}/decline/")
    response = client.post(f"/coalition/referrals/{referral.code}/accept/")
    assert response.status_code == 400
    assert "already been answered" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED


def test_it_refuses_other_methods_on_referrals(cast, signed_in, cal_manages_b):
    _send(signed_in(cast.ana), cast)
    referral = Referral.objects.get()
    client = signed_in(cal_manages_b)
    assert client.post("/coalition/referrals/").status_code == 405
    assert client.put("/coalition/referrals/new/").status_code == 405
    assert client.post(f"/coalition/referrals/{referral.code}/").status_code == 405
    for verb in ("accept", "decline", "withdraw"):
        assert client.get(f"/coalition/referrals/{referral.code}/{verb}/").status_code == 405
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
