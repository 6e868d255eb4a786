"""School sanctuary teams: walking groups with adult:child ratios (children
counted, never named), the kit checklist, and a protocol card per site in
every supported language (DOMAIN.md W7)."""

import pytest
from django.apps import apps

from porch.core.testing import pdf_text
from porch.volunteers import actions
from porch.volunteers.models import WalkingGroup, adults_needed

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("band", "children", "adults"),
    [("4-6", 1, 1), ("4-6", 3, 1), ("4-6", 4, 2), ("4-6", 9, 3), ("7-9", 6, 1), ("7-9", 7, 2)],
)
def test_it_counts_adults_by_the_ratio(band, children, adults):
    assert adults_needed(band, children) == adults


def test_it_adds_a_walking_group_and_raises_the_adults_needed(
    people, signed_in, drop_off, audit_actions
):
    url = f"/volunteers/slots/{drop_off.code}/groups/new/"
    client = signed_in(people.ana)
    assert client.get(url).status_code == 200
    response = client.post(url, {"label": "Blue group", "age_band": "4-6", "children": "7"})
    assert response.status_code == 302
    group = WalkingGroup.objects.get()
    assert (group.children, group.adults_needed) == (7, 3)
    assert audit_actions()[-1] == "walking_group.added"
    page = client.get(f"/volunteers/slots/{drop_off.code}/")
    assert page.context["needed"] == 3  # above the slot's minimum of 2
    actions.do_sign_up(drop_off, MONDAY, volunteer=people.pat, actor=people.pat)
    actions.do_sign_up(drop_off, MONDAY, volunteer=people.quinn, actor=people.quinn)
    coverage = client.get(f"/volunteers/orgs/{people.org_a.code}/coverage/")
    first = coverage.context["entries"][0].rows[0]
    assert (first.filled, first.needed, first.level) == (2, 3, "understaffed")


def test_it_refuses_groups_needing_more_adults_than_the_slot_takes(people, signed_in, drop_off):
    url = f"/volunteers/slots/{drop_off.code}/groups/new/"
    response = signed_in(people.ana).post(
        url, {"label": "Big group", "age_band": "4-6", "children": "10"}
    )
    assert response.status_code == 400
    assert "would need 4 adults, but the slot takes at most 3" in response.content.decode()
    assert not WalkingGroup.objects.exists()


@pytest.mark.parametrize("children", ["0", "61", "many"])
def test_it_refuses_a_bad_child_count(people, signed_in, drop_off, children):
    url = f"/volunteers/slots/{drop_off.code}/groups/new/"
    response = signed_in(people.ana).post(
        url, {"label": "Red", "age_band": "7-9", "children": children}
    )
    assert response.status_code == 400
    assert not WalkingGroup.objects.exists()


def test_it_stores_no_child_names_anywhere():
    """No field of any volunteers model could hold a child's name."""
    suspicious = ("child_name", "children_names", "names", "first_name", "last_name", "kid")
    fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("volunteers").get_models()
        for field in model._meta.concrete_fields
        if any(word in field.name for word in suspicious)
    ]
    assert fields == []
    assert {f.name for f in WalkingGroup._meta.concrete_fields} == {
        "id",
        "code",
        "slot",
        "label",
        "age_band",
        "children",
        "created_on",
    }


def test_it_lets_only_coordinators_manage_walking_groups(people, signed_in, drop_off):
    group = actions.do_add_walking_group(
        drop_off, label="Green", age_band="7-9", children=5, actor=people.ana
    )
    url = f"/volunteers/slots/{drop_off.code}/groups/new/"
    assert signed_in(people.pat).get(url).status_code == 404
    assert signed_in(people.cal).post(url, {"label": "x"}).status_code == 404
    remove = f"/volunteers/groups/{group.code}/remove/"
    assert signed_in(people.pat).post(remove).status_code == 404
    assert signed_in(people.ana).get(remove).status_code == 405
    assert signed_in(people.ana).post(remove).status_code == 302
    assert not WalkingGroup.objects.exists()


def test_it_shows_the_kit_checklist_at_check_in(people, signed_in, drop_off):
    signup = actions.do_sign_up(drop_off, MONDAY, volunteer=people.pat, actor=people.pat)
    page = signed_in(people.pat).get(f"/volunteers/signups/{signup.code}/").content.decode()
    assert "High-visibility vest" in page
    assert "Whistle" in page
    assert "First-aid kit" not in page  # not on this site's list


def card(client, site, language):
    return client.get(f"/volunteers/sites/{site.code}/card/{language}/")


def test_it_prints_the_protocol_card_in_somali(people, signed_in, stop):
    response = card(signed_in(people.pat), stop, "so")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = " ".join(pdf_text(response.content).split())
    assert "Maple and 5th" in text
    assert "Cedar Flats Elementary" in text  # its school
    assert "555-0100" in text  # the coalition hotline
    assert "Weligaa ha qorin hana wadaagin magacyada carruurta" in text
    assert "qof weyn saddexdii ilmood" in text
    assert "Never write down" not in text


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("en", "Never write down or share children's names"),
        ("es", "Nunca anote ni comparta los nombres de los niños"),
        ("hmn", "Tsis txhob sau lossis qhia cov menyuam lub npe"),
    ],
)
def test_it_prints_the_card_in_every_language(people, signed_in, stop, language, phrase):
    response = card(signed_in(people.pat), stop, language)
    assert response.status_code == 200
    assert phrase in " ".join(pdf_text(response.content).split())


def test_it_refuses_the_card_to_others_and_for_unknown_languages(people, signed_in, stop):
    assert card(signed_in(people.cal), stop, "so").status_code == 404
    assert card(signed_in(people.pia), stop, "so").status_code == 404
    assert card(signed_in(people.pat), stop, "fr").status_code == 404
    url = f"/volunteers/sites/{stop.code}/card/so/"
    assert signed_in(people.pat).post(url).status_code == 405


def test_it_prints_the_general_card_for_a_court(people, signed_in):
    court = actions.do_create_site(
        people.org_a, kind="court", name="Federal building", actor=people.ana
    )
    text = " ".join(pdf_text(card(signed_in(people.ana), court, "en").content).split())
    assert "share it only with your coordinator" in text
