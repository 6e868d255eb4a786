"""Zones and regions: the list with its map, and the coalition admin's edits."""

import json

import pytest

from porch.coalition.models import Region, Zone

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-93.26, 45.0], [-93.24, 45.0], [-93.24, 45.02], [-93.26, 45.02], [-93.26, 45.0]]
    ],
}


def test_it_lists_zones_with_an_inline_map(cast, signed_in):
    response = signed_in(cast.cal).get("/coalition/zones/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cedar Flats" in body and "Elm Hollow" in body
    assert "<svg" in body and '<path d="M' in body
    assert "http" not in body.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert "/coalition/zones/new/" not in body


def test_it_hides_zones_from_pending_applicants(cast, signed_in):
    assert signed_in(cast.pia).get("/coalition/zones/").status_code == 404


def test_it_refuses_other_methods_on_the_zone_list(cast, signed_in):
    assert signed_in(cast.cal).post("/coalition/zones/").status_code == 405


def test_it_lets_a_coalition_admin_create_a_zone(cast, signed_in, audit_actions):
    client = signed_in(cast.gus)
    assert client.get("/coalition/zones/new/").status_code == 200
    response = client.post(
        "/coalition/zones/new/",
        {"name": "Birch Row", "region": cast.region.code, "outline": json.dumps(SQUARE)},
    )
    assert response.status_code == 302
    zone = Zone.objects.get(name="Birch Row")
    assert zone.outline == SQUARE
    assert zone.centroid_lat == pytest.approx(45.01)
    assert zone.centroid_lon == pytest.approx(-93.25)
    assert audit_actions()[-1] == "zone.created"


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"type": "Point", "coordinates": [1, 2]}', "Polygon or MultiPolygon"),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}',
            "must be closed",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}',
            "out of range",
        ),
        ('{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}', "at least four"),
        (
            '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}',
            "has no area",
        ),
    ],
)
def test_it_refuses_a_bad_outline_with_a_clear_message(cast, signed_in, outline, message):
    response = signed_in(cast.gus).post(
        "/coalition/zones/new/",
        {"name": "Birch Row", "region": cast.region.code, "outline": outline},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Zone.objects.filter(name="Birch Row").exists()


def test_it_does_not_let_an_organisation_admin_create_zones(cast, signed_in):
    client = signed_in(cast.eve)
    assert client.get("/coalition/zones/new/").status_code == 404
    data = {"name": "Birch Row", "region": cast.region.code, "outline": json.dumps(SQUARE)}
    assert client.post("/coalition/zones/new/", data).status_code == 404
    assert not Zone.objects.filter(name="Birch Row").exists()


def test_it_refuses_other_methods_on_zone_creation(cast, signed_in):
    assert signed_in(cast.gus).put("/coalition/zones/new/").status_code == 405


def test_it_edits_a_zone_and_recomputes_its_centroid(cast, signed_in, audit_actions):
    url = f"/coalition/zones/{cast.zone.code}/edit/"
    client = signed_in(cast.hal)
    page = client.get(url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    other = Region.objects.create(coalition=cast.coalition, name="Southside")
    data = {"name": "Cedar Flats East", "region": other.code, "outline": json.dumps(SQUARE)}
    assert client.post(url, data).status_code == 302
    cast.zone.refresh_from_db()
    assert cast.zone.name == "Cedar Flats East" and cast.zone.region == other
    assert cast.zone.centroid_lon == pytest.approx(-93.25)
    assert audit_actions()[-1] == "zone.updated"


def test_it_does_not_let_a_coordinator_edit_a_zone(cast, signed_in):
    url = f"/coalition/zones/{cast.zone.code}/edit/"
    data = {"name": "Mine", "region": cast.region.code, "outline": json.dumps(SQUARE)}
    assert signed_in(cast.ana).post(url, data).status_code == 404
    cast.zone.refresh_from_db()
    assert cast.zone.name == "Cedar Flats"


def test_it_answers_404_for_an_unknown_zone(cast, signed_in):
    assert signed_in(cast.gus).get("/coalition/zones/NOPE/edit/").status_code == 404


def test_it_creates_and_renames_a_region(cast, signed_in, audit_actions):
    client = signed_in(cast.gus)
    assert client.get("/coalition/regions/new/").status_code == 200
    assert client.post("/coalition/regions/new/", {"name": "Southside"}).status_code == 302
    region = Region.objects.get(name="Southside")
    assert audit_actions()[-1] == "region.created"
    url = f"/coalition/regions/{region.code}/edit/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "South Side"}).status_code == 302
    region.refresh_from_db()
    assert region.name == "South Side"


def test_it_refuses_a_blank_region_name(cast, signed_in):
    response = signed_in(cast.gus).post("/coalition/regions/new/", {"name": " "})
    assert response.status_code == 400
    assert Region.objects.count() == 1


def test_it_does_not_let_others_manage_regions(cast, signed_in):
    assert signed_in(cast.eve).post("/coalition/regions/new/", {"name": "X"}).status_code == 404
    url = f"/coalition/regions/{cast.region.code}/edit/"
    assert signed_in(cast.cal).post(url, {"name": "X"}).status_code == 404
    assert signed_in(cast.gus).delete(url).status_code == 405
