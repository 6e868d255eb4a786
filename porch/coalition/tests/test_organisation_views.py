"""/coalition/ and /coalition/orgs/<code>/: overview, organisation page, edit."""

import pytest

from porch.coalition.models import Organisation

pytestmark = pytest.mark.django_db


def test_it_lists_my_organisations(cast, signed_in):
    response = signed_in(cast.cal).get("/coalition/")
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.org_b.name in body
    assert cast.org_a.name not in body
    assert "All organisations" not in body


def test_it_shows_coalition_admins_every_organisation_with_counts_only(cast, signed_in):
    response = signed_in(cast.hal).get("/coalition/")
    body = response.content.decode()
    assert cast.org_a.name in body and cast.org_b.name in body
    orgs = {org.name: org.member_count for org in response.context["all_organisations"]}
    # Ana, Ben, Dee, Eve, Fay, Gus and pending Pia hold active memberships in A.
    assert orgs[cast.org_a.name] == 7
    assert "ana" not in body


def test_it_pins_the_query_count_of_the_overview(cast, signed_in, django_assert_max_num_queries):
    client = signed_in(cast.hal)
    client.get("/coalition/")
    for n in range(20):
        Organisation.objects.create(coalition=cast.coalition, name=f"Block club {n}")
    with django_assert_max_num_queries(10):
        response = client.get("/coalition/")
    assert len(response.context["all_organisations"]) == 22


def test_it_hides_the_overview_from_pending_applicants(cast, signed_in):
    assert signed_in(cast.pia).get("/coalition/").status_code == 404


def test_it_refuses_other_methods_on_the_overview(cast, signed_in):
    assert signed_in(cast.cal).post("/coalition/").status_code == 405


def test_it_sends_strangers_to_sign_in(cast, client):
    response = client.get("/coalition/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_members_the_teams_but_not_the_member_list(cast, signed_in):
    response = signed_in(cast.ben).get(f"/coalition/orgs/{cast.org_a.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.team_a.name in body
    assert "dee" not in body
    assert response.context["memberships"] is None


def test_it_shows_managers_handles_roles_and_status_but_no_contact_details(cast, signed_in):
    cast.ben.phone = "555-0199"
    cast.ben.email = "ben@example.org"
    cast.ben.legal_name = "Benjamin Example"
    cast.ben.save()
    response = signed_in(cast.ana).get(f"/coalition/orgs/{cast.org_a.code}/")
    body = response.content.decode()
    assert "ben" in body and "Driver" in body
    assert "555-0199" not in body
    assert "ben@example.org" not in body
    assert "Benjamin" not in body


def test_it_pins_the_query_count_of_the_member_list(cast, signed_in, django_assert_max_num_queries):
    from porch.core.testing import make_member

    client = signed_in(cast.ana)
    client.get(f"/coalition/orgs/{cast.org_a.code}/")
    for n in range(25):
        make_member(f"extra-{n}", cast.org_a, "volunteer")
    with django_assert_max_num_queries(12):
        response = client.get(f"/coalition/orgs/{cast.org_a.code}/")
    assert len(response.context["memberships"]) >= 30


def test_it_hides_an_organisation_from_members_of_other_organisations(cast, signed_in):
    assert signed_in(cast.cal).get(f"/coalition/orgs/{cast.org_a.code}/").status_code == 404


def test_it_answers_404_for_an_unknown_organisation(cast, signed_in):
    assert signed_in(cast.ana).get("/coalition/orgs/NOSUCHCODE/").status_code == 404


def test_it_refuses_other_methods_on_the_organisation_page(cast, signed_in):
    assert signed_in(cast.ana).post(f"/coalition/orgs/{cast.org_a.code}/").status_code == 405


def test_it_lets_a_manager_edit_the_organisation(cast, signed_in, audit_actions):
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    client = signed_in(cast.ana)
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Cedar Flats Pantry", "description": "Saturdays."})
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Cedar Flats Pantry"
    assert cast.org_a.is_public is False
    assert audit_actions()[-1] == "organisation.updated"


def test_it_keeps_an_organisation_private_unless_chosen(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    signed_in(cast.ana).post(url, {"name": "Cedar Flats Pantry", "is_public": "on"})
    cast.org_a.refresh_from_db()
    assert cast.org_a.is_public is True


def test_it_refuses_a_blank_organisation_name(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    response = signed_in(cast.ana).post(url, {"name": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Cedar Flats Food Shelf"


def test_it_does_not_let_a_driver_edit_the_organisation(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    assert signed_in(cast.ben).get(url).status_code == 404
    assert signed_in(cast.ben).post(url, {"name": "Mine now"}).status_code == 404


def test_it_does_not_let_another_organisation_edit_it(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_b.code}/edit/"
    assert signed_in(cast.ana).post(url, {"name": "Mine now"}).status_code == 404
    cast.org_b.refresh_from_db()
    assert cast.org_b.name == "Elm Hollow Tenants Union"


def test_it_lets_coalition_admins_manage_any_organisation(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    assert signed_in(cast.hal).post(url, {"name": "Cedar Flats Pantry"}).status_code == 302


def test_it_refuses_other_methods_on_the_edit_page(cast, signed_in):
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    assert signed_in(cast.ana).delete(url).status_code == 405


def test_it_does_not_count_a_role_when_trust_is_too_low(cast, signed_in):
    cast.ana.trust_level = 10
    cast.ana.save()
    url = f"/coalition/orgs/{cast.org_a.code}/edit/"
    assert signed_in(cast.ana).get(url).status_code == 404
