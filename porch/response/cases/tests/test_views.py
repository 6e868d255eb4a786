"""The legal pages over HTTP: the person-detained form, the legal partner's
queue, a handoff and its incident record (W3, R30)."""

import pytest

from porch.accounts.roles import Role
from porch.core.testing import make_member
from porch.response.cases.models import IncidentEntry, LegalHandoff

pytestmark = pytest.mark.django_db

CANARY = "call aunt at 612-555-0142 canary"


@pytest.fixture
def lia(cast):
    return make_member("lia", cast.org_a, Role.LEGAL)


def send(client, cast, **over):
    data = {
        "zone": cast.zone.code,
        "time_bucket": "last_hour",
        "what_happened": "Taken from the bus stop by two officers",
        "contact_route": CANARY,
        **over,
    }
    return client.post(f"/response/legal/org/{cast.org_a.code}/detained/", data)


def test_it_sends_a_member_s_handoff_straight_to_the_legal_queue(cast, signed_in, lia):
    client = signed_in(cast.dee)
    form = client.get(f"/response/legal/org/{cast.org_a.code}/detained/")
    assert form.status_code == 200
    text = form.content.decode().lower()
    for banned in ("immigration", "status of", "a-number", "country of birth", "name of"):
        assert banned not in text
    sent = send(client, cast)
    assert sent.status_code == 302 and sent["Location"] == "/response/"
    handoff = LegalHandoff.objects.get()
    # The sender cannot read it back; nor can the coordinator.
    assert client.get(f"/response/legal/handoff/{handoff.code}/").status_code == 404
    assert signed_in(cast.ana).get("/response/legal/").status_code == 404
    client = signed_in(lia)
    queue = client.get("/response/legal/")
    assert queue.status_code == 200 and handoff.code.encode() in queue.content
    assert b"canary" not in queue.content  # the queue shows no sealed text
    detail = client.get(f"/response/legal/handoff/{handoff.code}/")
    assert CANARY.encode() in detail.content


def test_it_refuses_a_handoff_without_a_contact_route_and_changes_nothing(cast, signed_in):
    refused = send(signed_in(cast.dee), cast, contact_route="", time_bucket="noon")
    assert refused.status_code == 400
    assert b"This field is required." in refused.content
    assert not LegalHandoff.objects.exists()


def test_it_refuses_a_zone_of_another_coalition(cast, signed_in):
    from porch.coalition.models import Coalition, Region, Zone

    elsewhere = Coalition.objects.create(name="Elsewhere")
    zone = Zone.objects.create(
        region=Region.objects.create(coalition=elsewhere, name="R"), name="Z"
    )
    refused = send(signed_in(cast.dee), cast, zone=zone.code)
    assert refused.status_code == 400
    assert not LegalHandoff.objects.exists()


def test_the_legal_partner_accepts_and_records_the_incident(cast, signed_in, lia):
    send(signed_in(cast.dee), cast)
    handoff = LegalHandoff.objects.get()
    client = signed_in(lia)
    url = f"/response/legal/handoff/{handoff.code}/"
    assert client.post(url + "accept/").status_code == 302
    assert LegalHandoff.objects.get().status == LegalHandoff.Status.ACCEPTED
    again = client.post(url + "accept/")
    assert again.status_code == 400 and b"already been accepted" in again.content
    empty = client.post(url + "entry/", {"kind": "note", "text": " "})
    assert empty.status_code == 400 and b"Write what was seen." in empty.content
    assert not IncidentEntry.objects.exists()
    client.post(url + "entry/", {"kind": "timeline", "at": "about 9:40", "text": "Van arrived"})
    client.post(url + "entry/", {"kind": "note", "text": "Observer note: plate canary-XY"})
    page = client.get(url)
    assert b"about 9:40" in page.content and b"canary-XY" in page.content
    assert [e.kind for e in IncidentEntry.objects.all()] == ["timeline", "note"]


def test_another_organisation_s_legal_partner_gets_404(cast, signed_in):
    send(signed_in(cast.dee), cast)
    handoff = LegalHandoff.objects.get()
    leo = make_member("leo", cast.org_b, Role.LEGAL)
    client = signed_in(leo)
    assert client.get(f"/response/legal/handoff/{handoff.code}/").status_code == 404
    assert client.post(f"/response/legal/handoff/{handoff.code}/accept/").status_code == 404
    assert handoff.code.encode() not in client.get("/response/legal/").content


def test_wrong_method_is_405(cast, signed_in, lia):
    client = signed_in(lia)
    assert client.post("/response/legal/").status_code == 405
    assert client.get("/response/legal/handoff/XXXX/accept/").status_code == 405


def test_the_home_page_tells_the_legal_partner_what_waits(cast, signed_in, lia):
    send(signed_in(cast.dee), cast)
    home = signed_in(lia).get("/")
    assert b"1 handoff waits to be accepted." in home.content
    assert b"handoff waits" not in signed_in(cast.ana).get("/").content


def test_the_queue_is_one_query_per_list(cast, signed_in, lia, django_assert_max_num_queries):
    for _ in range(5):
        send(signed_in(cast.dee), cast)
    client = signed_in(lia)
    with django_assert_max_num_queries(12):
        page = client.get("/response/legal/")
    assert page.content.count(b"/response/legal/handoff/") == 5
