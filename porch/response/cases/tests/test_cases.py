"""Follow-up cases over HTTP: a needs checklist with owners and due dates, the
food need as an aid request, closing purges, a legal hold lasts ≤ 30 days."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from porch.accounts.roles import Role
from porch.aid.models import AidRequest
from porch.core.testing import make_member
from porch.response.cases import actions
from porch.response.cases.models import FollowUpCase, LegalHandoff, NeedItem, TimeBucket
from porch.vault.erasure import purge
from porch.vault.models import Subject

pytestmark = pytest.mark.django_db

DAY = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)
CANARY = "canary-bus-pass-under-the-mat"


@pytest.fixture
def lia(cast):
    return make_member("lia", cast.org_a, Role.LEGAL)


@pytest.fixture
def case_url(cast, lia, signed_in):
    handoff = actions.do_create_handoff(
        cast.org_a,
        zone=cast.zone,
        time_bucket=TimeBucket.TODAY,
        what_happened="Detained at the check-in",
        contact_route="via the pastor " + CANARY,
        actor=cast.dee,
    )
    client = signed_in(lia)
    url = f"/response/legal/handoff/{handoff.code}/"
    refused = client.post(url + "case/")
    assert refused.status_code == 400 and b"Accept the handoff" in refused.content
    client.post(url + "accept/")
    opened = client.post(url + "case/")
    assert opened.status_code == 302
    case = FollowUpCase.objects.get()
    assert opened["Location"] == f"/response/legal/case/{case.code}/"
    return opened["Location"]


def need(client, url, **over):
    data = {
        "need": "rides",
        "owner": "ben",
        "due_on": "2026-12-09",
        "details": "",
        "callback_number": "",
        "household_size": "1",
        **over,
    }
    return client.post(url + "need/", data)


@time_machine.travel(DAY, tick=False)
def test_it_tracks_needs_with_owners_and_due_dates_and_food_becomes_an_aid_request(
    cast, lia, signed_in, case_url
):
    client = signed_in(lia)
    assert need(client, case_url).status_code == 302
    assert (
        need(client, case_url, need="children", details="Aunt has them " + CANARY).status_code
        == 302
    )
    food = need(client, case_url, need="food", owner="dee", callback_number="+1 612 555 0144")
    assert food.status_code == 302
    request = AidRequest.objects.get()
    assert request.organisation == cast.org_a and request.zone == cast.zone
    page = client.get(case_url)
    assert request.code.encode() in page.content and CANARY.encode() in page.content
    items = {item.need: item for item in NeedItem.objects.all()}
    assert items["rides"].owner == cast.ben and items["rides"].due_on == datetime.date(2026, 12, 9)
    assert items["food"].aid_request_code == request.code


@time_machine.travel(DAY, tick=False)
def test_it_refuses_a_bad_need_and_changes_nothing(cast, lia, signed_in, case_url):
    client = signed_in(lia)
    outsider = need(client, case_url, owner="cal")  # a member of org B
    assert outsider.status_code == 400
    assert b"active member of your organisation" in outsider.content
    past = need(client, case_url, due_on="2026-12-01")
    assert past.status_code == 400 and b"cannot be in the past" in past.content
    hungry = need(client, case_url, need="food")
    assert hungry.status_code == 400 and b"the food callback" in hungry.content
    assert not NeedItem.objects.exists() and not AidRequest.objects.exists()


@time_machine.travel(DAY, tick=False)
def test_closing_purges_the_personal_data_and_keeps_counts(cast, lia, signed_in, case_url):
    client = signed_in(lia)
    need(client, case_url)
    need(client, case_url, need="medication", details=CANARY)
    done = NeedItem.objects.get(need="rides")
    client.post(f"/response/legal/need/{done.code}/done/")
    case = FollowUpCase.objects.get()
    subjects = [case.subject_id, case.handoff.subject_id]
    closed = client.post(case_url + "close/")
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.status == FollowUpCase.Status.PURGED
    assert case.counts == {"rides": 1, "medication": 1, "done": 1}
    assert not NeedItem.objects.exists()
    assert not Subject.objects.filter(pk__in=subjects).exists()
    handoff = LegalHandoff.objects.get()
    assert handoff.status == LegalHandoff.Status.PURGED and handoff.contact_route is None
    page = client.get(case_url)
    assert b"1 need was met." in page.content and CANARY.encode() not in page.content
    again = client.post(case_url + "close/")
    assert again.status_code == 400 and b"This case is closed." in again.content


def test_a_legal_hold_keeps_the_case_at_most_30_days(cast, lia, signed_in, case_url):
    client = signed_in(lia)
    need(client, case_url, due_on=timezone.localdate().isoformat(), details=CANARY)
    closed = client.post(case_url + "close/", {"legal_hold": "on"})
    assert closed.status_code == 302
    case = FollowUpCase.objects.get()
    assert case.status == FollowUpCase.Status.HELD
    assert case.hold_until - timezone.now() <= datetime.timedelta(days=30)
    assert CANARY.encode() in client.get(f"/response/legal/handoff/{case.handoff.code}/").content
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29), tick=False):
        purge()
    assert NeedItem.objects.exists() and FollowUpCase.objects.get().status == "held"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, minutes=1), tick=False):
        purge()
    case.refresh_from_db()
    assert case.status == FollowUpCase.Status.PURGED and case.counts == {"rides": 1, "done": 0}
    assert not NeedItem.objects.exists()
    assert LegalHandoff.objects.get().status == LegalHandoff.Status.PURGED


def test_lifting_the_hold_purges_at_once(cast, lia, signed_in, case_url):
    client = signed_in(lia)
    refused = client.post(case_url + "release/")
    assert refused.status_code == 400 and b"not under a legal hold" in refused.content
    client.post(case_url + "close/", {"legal_hold": "on"})
    assert client.post(case_url + "release/").status_code == 302
    assert FollowUpCase.objects.get().status == FollowUpCase.Status.PURGED
    assert LegalHandoff.objects.get().contact_route is None


def test_an_open_case_lifts_the_handoff_s_30_day_backstop(cast, lia, case_url):
    handoff = LegalHandoff.objects.get()
    assert handoff.subject.expires_at is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=45), tick=False):
        purge()
    assert LegalHandoff.objects.get().contact_route.startswith("via the pastor")


def test_only_the_legal_partner_of_the_organisation_sees_the_case(cast, lia, signed_in, case_url):
    leo = make_member("leo", cast.org_b, Role.LEGAL)
    for user in (leo, cast.ana, cast.eve, cast.gus, cast.ben):
        client = signed_in(user)
        assert client.get(case_url).status_code == 404
        assert client.post(case_url + "close/").status_code == 404
    assert FollowUpCase.objects.get().status == FollowUpCase.Status.OPEN


def test_audit_rows_carry_no_content(cast, lia, signed_in, case_url):
    from porch.core.models import AuditEntry

    need(signed_in(lia), case_url, details=CANARY)
    rows = " ".join(str(v) for row in AuditEntry.objects.values_list() for v in row)
    assert "response_cases.need.added" in rows and CANARY not in rows and "pastor" not in rows


@time_machine.travel(DAY, tick=False)
def test_a_need_s_owner_sees_and_completes_only_their_own_tasks(cast, lia, signed_in, case_url):
    need(signed_in(lia), case_url, details="Pick up at the church " + CANARY)
    need(signed_in(lia), case_url, need="bond", owner="dee")
    ben = signed_in(cast.ben)
    page = ben.get("/response/legal/tasks/")
    assert page.status_code == 200 and CANARY.encode() in page.content
    assert b"Bond referral" not in page.content and b"pastor" not in page.content
    handoff = LegalHandoff.objects.get()
    assert ben.get(case_url).status_code == 404
    assert ben.get(f"/response/legal/handoff/{handoff.code}/").status_code == 404
    mine = NeedItem.objects.get(need="rides")
    theirs = NeedItem.objects.get(need="bond")
    assert ben.post(f"/response/legal/need/{theirs.code}/done/").status_code == 404
    done = ben.post(f"/response/legal/need/{mine.code}/done/")
    assert done.status_code == 302 and done["Location"] == "/response/legal/tasks/"
    assert NeedItem.objects.get(pk=mine.pk).done and not NeedItem.objects.get(pk=theirs.pk).done
    signed_in(lia).post(case_url + "close/")
    assert (
        b"You have no follow-up tasks." in signed_in(cast.ben).get("/response/legal/tasks/").content
    )
