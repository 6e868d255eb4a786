import pytest

from porch.messaging.models import OutboxMessage
from porch.response.models import Alert, Dispatch, Report
from porch.response.tests.fixtures import new_report, verifiers
from porch.response.tests.test_actions import _subscriber

pytestmark = pytest.mark.django_db

SALUTE = {
    "size": "3-5",
    "activity": "knocking",
    "intersection": "5th and Cedar",
    "uniform": "marked",
    "equipment": "vans",
    "details": "two vans",
    "language": "es",
    "contact": "+16125550199",
}


def test_it_takes_a_report_and_refuses_one_without_a_place(cast, signed_in):
    client = signed_in(cast.ana)
    page = client.get(f"/response/org/{cast.org_a.code}/report/")
    assert page.status_code == 200
    assert b"immigration" not in page.content.lower()
    bad = client.post(f"/response/org/{cast.org_a.code}/report/", {**SALUTE, "intersection": ""})
    assert bad.status_code == 400
    assert b"Give the zone or the nearest intersection." in bad.content
    assert not Report.objects.exists()
    done = client.post(
        f"/response/org/{cast.org_a.code}/report/", {**SALUTE, "zone": cast.zone.code}
    )
    report = Report.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/response/report/{report.code}/"
    detail = client.get(done["Location"])
    assert b"+16125550199" not in detail.content  # R5: the contact never reaches a page
    assert b"On file until triage" in detail.content


def test_the_whole_desk_flow_over_http(cast, signed_in, client, django_capture_on_commit_callbacks):
    from porch.core.testing import sign_in

    _subscriber(cast)
    dee, vee, _wes = verifiers(cast)
    report = new_report(cast)
    sign_in(client, cast.ana)
    url = f"/response/report/{report.code}/"
    bad = client.post(url + "triage/", {"status": "report_now", "reason": ""})
    assert bad.status_code == 400 and b"Say briefly why." in bad.content
    client.post(url + "triage/", {"status": "report_now", "reason": "agents at doors"})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "dispatch/").status_code == 302
    first, second = Dispatch.objects.order_by("pk")
    refused = client.post(url + "publish/", {"advice": "know_rights"})
    assert refused.status_code == 400
    assert b"Two different verifiers must each confirm" in refused.content
    for dispatch in (first, second):
        sign_in(client, dispatch.verifier)
        d_url = f"/response/dispatch/{dispatch.code}/"
        assert client.get(d_url).status_code == 200
        client.post(d_url + "answer/", {"accept": "1"})
        if dispatch == first:
            sign_in(client, cast.ana)
            assert b"1 verifier is heading to the scene." in client.get(url).content
            sign_in(client, dispatch.verifier)
        assert client.post(d_url + "outcome/", {"outcome": "bogus"}).status_code == 400
        client.post(d_url + "outcome/", {"outcome": "confirmed"})
    sign_in(client, cast.ana)
    assert client.post(url + "publish/", {"advice": "know_rights"}).status_code == 302
    alert = Alert.objects.get(kind="alert")
    assert OutboxMessage.objects.filter(broadcast=alert.broadcast).count() == 1
    assert client.post(f"/response/alert/{alert.code}/all-clear/").status_code == 302
    clear = Alert.objects.get(kind="all_clear")
    assert OutboxMessage.objects.filter(broadcast=clear.broadcast).count() == 1
    page = client.get(f"/response/status/{cast.coalition.code}/")
    assert b"All clear" in page.content
    table = page.content.split(b'id="zone-status"')[1].split(b"</table>")[0]
    assert b"<img" not in table and b"45.0" not in table


def test_a_verifier_cannot_open_someone_elses_dispatch(cast, signed_in):
    dee, vee, _wes = verifiers(cast)
    report = new_report(cast)
    dispatch = Dispatch.objects.create(report=report, verifier=vee)
    client = signed_in(dee)
    assert client.get(f"/response/dispatch/{dispatch.code}/").status_code == 404
    assert (
        client.post(f"/response/dispatch/{dispatch.code}/answer/", {"accept": "1"}).status_code
        == 404
    )
    assert Dispatch.objects.get(pk=dispatch.pk).state == "asked"


def test_the_index_query_count_does_not_grow_with_reports(
    cast, signed_in, django_assert_max_num_queries
):
    client = signed_in(cast.ana)
    for _ in range(3):
        new_report(cast)
    with django_assert_max_num_queries(20) as few:
        client.get("/response/")
    for _ in range(10):
        new_report(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/response/").status_code == 200


def test_home_panel_shows_for_the_desk(cast, signed_in):
    new_report(cast)
    page = signed_in(cast.ana).get("/")
    assert b"1 report waits for triage." in page.content


def test_the_queue_shows_how_many_are_heading_to_each_scene(cast, client):
    from porch.core.testing import sign_in
    from porch.response import actions

    verifiers(cast)
    busy, quiet = new_report(cast), new_report(cast, zone=cast.zone_b)
    for report in (busy, quiet):
        actions.do_triage_report(report, status="report_now", reason="agents", actor=cast.ana)
    first, second = actions.do_dispatch_verifiers(busy, actor=cast.ana)
    actions.do_dispatch_verifiers(quiet, actor=cast.ana)
    for dispatch in (first, second):
        actions.do_answer_dispatch(dispatch, accept=True, actor=dispatch.verifier)
    sign_in(client, cast.ana)
    html = client.get("/response/").content.decode()

    def heading(report):
        row = html.split(f'id="open-{report.code}"')[1].split("</tr>")[0]
        return row.split('class="heading">')[1].split("<")[0]

    assert heading(busy) == "2" and heading(quiet) == "0"
    # One reports an outcome: no longer heading there.
    actions.do_report_outcome(first, outcome="confirmed", actor=first.verifier)
    html = client.get("/response/").content.decode()
    assert heading(busy) == "1"


def test_a_member_finds_the_detained_form_from_the_response_page(cast, signed_in):
    client = signed_in(cast.ben)
    page = client.get("/response/").content.decode()
    link = f'href="/response/legal/org/{cast.org_a.code}/detained/"'
    assert link in page
    assert client.get(f"/response/legal/org/{cast.org_a.code}/detained/").status_code == 200
