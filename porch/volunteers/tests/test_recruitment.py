"""Public recruitment after accounts' sign-up: the volunteer questions, the
private risk self-assessment, the volunteer's status page, and roles offered
only when risk answers, trust and training allow (issue 5 items 1 and 2)."""

import datetime

import pytest
from django.utils import timezone

from porch.accounts.models import User, Vouch
from porch.accounts.roles import Role, TrustLevel
from porch.coalition.models import Membership
from porch.core.models import AuditEntry
from porch.volunteers.models import (
    Attendance,
    Certification,
    TrainingSession,
    Volunteer,
    WeeklyAvailability,
)

pytestmark = pytest.mark.django_db


def answers(cast, **extra):
    data = {
        "languages": ["so", "en"],
        "zones": [cast.zone.code],
        "roles": ["patrol", "hub_keeper"],
        "day_0": "07:00-09:00",
    }
    data.update(extra)
    return data


def certify(user, course):
    today = timezone.localdate()
    return Certification.objects.create(
        volunteer=user, course=course, expires_on=today + datetime.timedelta(days=300)
    )


# ---- The public page and the questions ---------------------------------------------------


def test_it_explains_volunteering_to_anyone_and_links_to_the_account_sign_up(client, cast):
    response = client.get("/volunteers/join/")
    assert response.status_code == 200
    assert b'href="/signup/"' in response.content


def test_it_saves_the_answers_of_a_person_waiting_for_vouches(signed_in, cast):
    client = signed_in(cast.pia)
    form = client.get("/volunteers/join/")
    assert form.status_code == 200
    assert b"Being close to immigration agents" in form.content
    response = client.post("/volunteers/join/", answers(cast))
    assert response.status_code == 302 and response["Location"] == "/volunteers/status/"
    volunteer = Volunteer.objects.get(user=cast.pia)
    assert volunteer.languages == ["so", "en"]
    assert volunteer.roles_of_interest == ["patrol", "hub_keeper"]
    assert list(volunteer.zones.all()) == [cast.zone]
    assert volunteer.withheld_roles == []
    assert volunteer.recruited_on == timezone.localdate()
    assert WeeklyAvailability.objects.filter(volunteer=cast.pia, weekday=0).count() == 1
    assert AuditEntry.objects.filter(action="volunteer.recruited").count() == 1


def test_it_seals_the_risk_answers_and_keeps_only_the_roles_withheld(signed_in, cast):
    client = signed_in(cast.pia)
    response = client.post(
        "/volunteers/join/", answers(cast, risk=["near_agents"], roles=["patrol", "dispatcher"])
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=cast.pia)
    assert volunteer.withheld_roles == ["driver", "observer", "verifier"]
    raw = Volunteer.objects.filter(pk=volunteer.pk).values_list("risk_answers", flat=True)[0]
    assert b"near_agents" not in bytes(raw)
    assert volunteer.profile_id is not None
    # The person sees their own answer again when they come back to the form.
    page = client.get("/volunteers/join/")
    assert b'value="near_agents" id="id_risk_0" checked' in page.content


def test_it_refuses_a_role_the_risk_answers_withhold_and_changes_nothing(signed_in, cast):
    client = signed_in(cast.pia)
    response = client.post(
        "/volunteers/join/", answers(cast, risk=["near_agents"], roles=["observer", "patrol"])
    )
    assert response.status_code == 400
    assert "these roles are not offered to you: Observer" in response.content.decode()
    assert not Volunteer.objects.filter(user=cast.pia).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"languages": []}, "Choose at least one language from the list."),
        ({"languages": ["xx"]}, "Select a valid choice."),
        ({"zones": []}, "Choose at least one zone."),
        ({"roles": []}, "Choose at least one of the roles offered."),
        ({"roles": ["coordinator"]}, "Select a valid choice."),
        ({"risk": ["tell_me"]}, "Select a valid choice."),
        ({"day_0": "09:00-07:00"}, "must end after it starts"),
    ],
)
def test_it_refuses_bad_answers_with_a_message(signed_in, cast, change, message):
    client = signed_in(cast.pia)
    response = client.post("/volunteers/join/", answers(cast, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Volunteer.objects.filter(user=cast.pia, recruited_on__isnull=False).exists()
    assert not WeeklyAvailability.objects.filter(volunteer=cast.pia).exists()


def test_someone_without_an_organisation_picks_a_listed_one(signed_in, cast):
    cast.org_a.is_public = True
    cast.org_a.save(update_fields=["is_public"])
    loner = User.objects.create_user(handle="lone-wolf-123", password="x")
    client = signed_in(loner)
    assert b"Organisation you want to help" in client.get("/volunteers/join/").content
    response = client.post("/volunteers/join/", answers(cast, organisation=cast.org_a.code))
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=loner, organisation=cast.org_a, role=Role.VOLUNTEER
    ).exists()


def test_the_home_page_points_a_new_applicant_to_the_questions(signed_in, cast):
    client = signed_in(cast.pia)
    assert b'id="answer-questions"' in client.get("/").content
    client.post("/volunteers/join/", answers(cast))
    assert b'href="/volunteers/status/"' in client.get("/").content


# ---- The status page -------------------------------------------------------------------


def step_classes(content: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'<li id="step-(\w+)" class="(\w+)"', content))


def test_the_status_page_walks_the_volunteer_through_each_step(signed_in, cast):
    pia = cast.pia
    client = signed_in(pia)
    page = client.get("/volunteers/status/").content.decode()
    assert step_classes(page) == {
        "questions": "todo",
        "orientation": "todo",
        "vouches": "todo",
        "vetting": "todo",
        "active": "todo",
    }
    assert "What comes next: Tell us how you would like to help." in page
    assert "0 of 2 vouches from active members" in page
    client.post("/volunteers/join/", answers(cast))
    session = TrainingSession.objects.create(
        organisation=cast.org_a, course="kyr", on_date=timezone.localdate(), trainer=cast.ana
    )
    Attendance.objects.create(session=session, volunteer=pia, attended=True)
    Vouch.objects.create(voucher=cast.ana, vouchee=pia)
    page = client.get("/volunteers/status/").content.decode()
    assert "1 of 2 vouches from active members" in page
    assert step_classes(page)["orientation"] == "done"
    assert "What comes next: Get vouched." in page
    # Vouched: active responder, but the patrol role still needs its training.
    User.objects.filter(pk=pia.pk).update(
        status=User.Status.ACTIVE, trust_level=TrustLevel.RESPONDER, trusted_on=timezone.localdate()
    )
    page = client.get("/volunteers/status/").content.decode()
    assert step_classes(page)["vouches"] == "done"
    assert "needs the “Know your rights” training" in page
    certify(pia, "kyr")
    page = client.get("/volunteers/status/").content.decode()
    assert step_classes(page)["vetting"] == "done"
    Membership.objects.create(user=pia, organisation=cast.org_a, role=Role.PATROL)
    page = client.get("/volunteers/status/").content.decode()
    assert step_classes(page)["active"] == "done"
    assert "You have done every step." in page


def test_the_status_page_tells_the_volunteer_why_a_role_is_withheld(signed_in, cast):
    client = signed_in(cast.pia)
    Volunteer.objects.create(
        user=cast.pia,
        roles_of_interest=["driver"],
        withheld_roles=["driver"],
        recruited_on=timezone.localdate(),
    )
    page = client.get("/volunteers/status/").content.decode()
    assert "You said this role could put you at risk" in page


# ---- Coordinators: recruits and role gating ---------------------------------------------


def recruit(cast, handle="rosa", *, roles, withheld=(), trust=TrustLevel.RESPONDER):
    person = User.objects.create_user(
        handle=handle,
        password="x",
        status=User.Status.ACTIVE,
        trust_level=trust,
        trusted_on=timezone.localdate(),
    )
    Membership.objects.create(user=person, organisation=cast.org_a, role=Role.VOLUNTEER)
    Volunteer.objects.create(
        user=person,
        roles_of_interest=list(roles),
        withheld_roles=list(withheld),
        recruited_on=timezone.localdate(),
        risk_answers='["near_agents"]' if withheld else None,
    )
    return person


def test_coordinators_see_recruits_and_what_each_role_still_needs(signed_in, cast):
    recruit(cast, roles=["patrol", "verifier", "observer"], withheld=["observer"])
    page = signed_in(cast.ana).get(f"/volunteers/orgs/{cast.org_a.code}/recruits/")
    content = page.content.decode()
    assert page.status_code == 200
    assert 'id="recruit-rosa"' in content
    assert "needs the “Know your rights” training" in content
    assert "This role needs the trust level “Verifier or driver”." in content
    # The effect of the risk answers, never the answer.
    assert "This role is not offered to this person." in content
    assert "near_agents" not in content and "immigration" not in content


def test_a_role_is_given_only_when_training_and_trust_allow(signed_in, cast):
    rosa = recruit(cast, roles=["patrol"])
    client = signed_in(cast.ana)
    url = f"/volunteers/orgs/{cast.org_a.code}/recruits/{rosa.code}/role/"
    refused = client.post(url, {"role": "patrol"})
    assert refused.status_code == 400
    assert "needs the “Know your rights” training" in refused.content.decode()
    assert not Membership.objects.filter(user=rosa, role=Role.PATROL).exists()
    certify(rosa, "kyr")
    given = client.post(url, {"role": "patrol"})
    assert given.status_code == 302
    assert Membership.objects.filter(
        user=rosa, role=Role.PATROL, status=Membership.Status.ACTIVE
    ).exists()


def test_a_withheld_role_is_refused_even_with_training(signed_in, cast):
    rosa = recruit(cast, roles=["observer"], withheld=["observer"])
    certify(rosa, "legal_observer")
    response = signed_in(cast.ana).post(
        f"/volunteers/orgs/{cast.org_a.code}/recruits/{rosa.code}/role/", {"role": "observer"}
    )
    assert response.status_code == 400
    assert "This role is not offered to this person." in response.content.decode()
    assert not Membership.objects.filter(user=rosa, role=Role.OBSERVER).exists()


def test_a_pending_recruit_gets_no_role(signed_in, cast):
    Volunteer.objects.create(
        user=cast.pia, roles_of_interest=["hub_keeper"], recruited_on=timezone.localdate()
    )
    response = signed_in(cast.ana).post(
        f"/volunteers/orgs/{cast.org_a.code}/recruits/{cast.pia.code}/role/",
        {"role": "hub_keeper"},
    )
    assert response.status_code == 400
    assert "The account is waiting for vouches." in response.content.decode()


def test_other_organisations_and_plain_members_get_404(signed_in, cast):
    rosa = recruit(cast, roles=["hub_keeper"])
    assert (
        signed_in(cast.cal).get(f"/volunteers/orgs/{cast.org_a.code}/recruits/").status_code == 404
    )
    assert (
        signed_in(cast.ben)
        .post(
            f"/volunteers/orgs/{cast.org_a.code}/recruits/{rosa.code}/role/", {"role": "hub_keeper"}
        )
        .status_code
        == 404
    )


def test_the_recruits_page_reads_the_same_number_of_queries_for_more_recruits(signed_in, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(cast.ana)
    url = f"/volunteers/orgs/{cast.org_a.code}/recruits/"
    recruit(cast, "rosa", roles=["patrol"])
    client.get(url)  # the first request of the day also notes the member's activity
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for handle in ("sam", "tia", "uma"):
        person = recruit(cast, handle, roles=["patrol", "driver"], withheld=["driver"])
        certify(person, "kyr")
    with CaptureQueriesContext(connection) as four:
        content = client.get(url).content.decode()
    assert content.count('id="recruit-') == 4
    assert len(four) == len(one)


def test_leaving_porch_takes_the_answers_with_it(
    signed_in, cast, django_capture_on_commit_callbacks
):
    from porch.accounts.actions import do_leave_porch
    from porch.core.testing import PASSWORD

    client = signed_in(cast.pia)
    client.post("/volunteers/join/", answers(cast, risk=["near_agents"]))
    with_answers = Volunteer.objects.get(user=cast.pia)
    assert with_answers.risk_answers and with_answers.languages
    with django_capture_on_commit_callbacks(execute=True):
        do_leave_porch(cast.pia, password=PASSWORD, actor=cast.pia)
    left = Volunteer.objects.get(user=cast.pia)
    assert left.risk_answers is None
    assert left.languages == [] and left.roles_of_interest == [] and left.withheld_roles == []
    assert not left.zones.exists() and left.recruited_on is None
