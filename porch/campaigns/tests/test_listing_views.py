"""Organisation directory: private by default, an opt-in public listing, no safe houses."""

import pytest

from porch.campaigns.models import Listing

pytestmark = pytest.mark.django_db

LISTING = {
    "is_public": "on",
    "kind": "hub",
    "services": "Groceries on Saturdays.",
    "hours": "Saturday 9 to 1",
    "languages": ["es", "so"],
    "needs": "Rice, cooking oil, size 4 diapers.",
    "how_to_reach": "555-0142",
}


def _url(org):
    return f"/campaigns/orgs/{org.code}/listing/"


@pytest.mark.parametrize("who", ["ana", "eve", "gus"])
def test_it_lets_coordinators_and_admins_publish_a_listing(cast, signed_in, client, who):
    manager = signed_in(getattr(cast, who))
    assert manager.get(_url(cast.org_a)).status_code == 200
    response = manager.post(_url(cast.org_a), LISTING)
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.is_public
    listing = Listing.objects.get(organisation=cast.org_a)
    assert listing.languages == ["es", "so"]
    page = client.get(f"/public/orgs/{cast.org_a.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rice, cooking oil, size 4 diapers." in html and "Spanish, Somali" in html


def test_it_keeps_an_organisation_private_by_default(cast, signed_in, client):
    data = {**LISTING}
    del data["is_public"]
    assert signed_in(cast.ana).post(_url(cast.org_a), data).status_code == 302
    cast.org_a.refresh_from_db()
    assert not cast.org_a.is_public
    assert client.get(f"/public/orgs/{cast.org_a.code}/").status_code == 404
    assert "Cedar Flats Food Shelf" not in client.get("/public/").content.decode()


def test_it_hides_a_listing_again_when_unpublished(cast, signed_in, client):
    manager = signed_in(cast.ana)
    manager.post(_url(cast.org_a), LISTING)
    data = {**LISTING}
    del data["is_public"]
    manager.post(_url(cast.org_a), data)
    assert client.get(f"/public/orgs/{cast.org_a.code}/").status_code == 404


def test_it_offers_no_kind_for_a_safe_house(cast, signed_in):
    kinds = " ".join(f"{v} {label}" for v, label in Listing.Kind.choices).lower()
    for word in ("safe", "shelter", "sanctuary", "hiding"):
        assert word not in kinds
    response = signed_in(cast.ana).post(_url(cast.org_a), {**LISTING, "kind": "safe_house"})
    assert response.status_code == 400
    assert not Listing.objects.exists()


def test_it_refuses_bad_input_and_changes_nothing(cast, signed_in):
    client = signed_in(cast.ana)
    response = client.post(_url(cast.org_a), {**LISTING, "languages": ["xx"]})
    assert response.status_code == 400
    response = client.post(_url(cast.org_a), {**LISTING, "needs": "x" * 1001})
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    assert not Listing.objects.exists()
    cast.org_a.refresh_from_db()
    assert not cast.org_a.is_public


@pytest.mark.parametrize("who", ["ben", "dee", "cal"])
def test_it_is_not_found_for_members_who_do_not_manage(cast, signed_in, who):
    client = signed_in(getattr(cast, who))
    assert client.get(_url(cast.org_a)).status_code == 404
    assert client.post(_url(cast.org_a), LISTING).status_code == 404
    assert not Listing.objects.exists()


def test_it_is_not_found_for_another_organisation(cast, signed_in):
    assert signed_in(cast.ana).get(_url(cast.org_b)).status_code == 404
    assert signed_in(cast.ana).get("/campaigns/orgs/nosuchorg/listing/").status_code == 404


def test_it_refuses_other_methods(cast, signed_in):
    assert signed_in(cast.ana).delete(_url(cast.org_a)).status_code == 405


def test_it_never_lists_an_erased_organisation(cast, signed_in, client):
    from django.utils import timezone

    signed_in(cast.ana).post(_url(cast.org_a), LISTING)
    cast.org_a.erased_on = timezone.localdate()
    cast.org_a.save()
    assert client.get(f"/public/orgs/{cast.org_a.code}/").status_code == 404
