"""The public site: hotline, help, volunteering, hub needs, counters; small, no script."""

import gzip
import re
from pathlib import Path

import pytest

from porch.campaigns.models import Listing

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[3] / "static"
LIMIT = 50 * 1024


@pytest.fixture
def hub(cast):
    cast.org_a.is_public = True
    cast.org_a.save()
    return Listing.objects.create(
        organisation=cast.org_a, kind="hub", needs="Rice and size 4 diapers.", hours="Sat 9-1"
    )


def public_urls(cast, strike):
    return [
        "/public/",
        f"/public/orgs/{cast.org_a.code}/",
        f"/public/campaigns/{strike.code}/",
        f"/public/campaigns/{strike.code}/thanks/",
        "/public/resources/",
    ]


def test_the_landing_page_has_what_a_visitor_needs(client, cast, strike, pledges, hub):
    pledges("business", 9)
    pledges("worker", 2)
    html = client.get("/public/").content.decode()
    assert "Riverbend Mutual Aid Coalition" in html
    assert 'href="tel:555-0100"' in html
    assert "How to ask for help" in html
    assert 'href="/signup/"' in html
    assert "Rice and size 4 diapers." in html
    assert f'href="/public/campaigns/{strike.code}/"' in html
    assert "<dd>9</dd>" in html and "<dd>&lt;5</dd>" in html
    assert 'name="language"' in html  # the base template's language picker


def test_the_hotline_number_comes_from_the_coalition_settings(client, cast, signed_in):
    response = signed_in(cast.gus).post(
        "/coalition/settings/",
        {"name": "Riverbend Rapid Response", "hotline": "555-0199", "vouches_required": 2},
    )
    assert response.status_code == 302
    html = client.get("/public/").content.decode()
    assert "Riverbend Rapid Response" in html and "555-0199" in html


def test_every_public_page_is_small_and_needs_no_script(client, cast, strike, hub):
    for url in public_urls(cast, strike):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) < LIMIT, url
        html = response.content.decode()
        # No inline script or style anywhere (CSP default-src 'self').
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "style=" not in html, url
        # With its stylesheets and scripts, compressed as served, still under 50 KB.
        assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
        total = len(gzip.compress(response.content)) + sum(
            len(gzip.compress((STATIC / asset).read_bytes())) for asset in assets
        )
        assert total < LIMIT, (url, total)
        # Every pledge form works without JavaScript: a plain POST with the CSRF token.
        for form in re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S):
            if 'method="post"' in form:
                assert "csrfmiddlewaretoken" in form


def test_public_pages_set_no_session(client, cast, strike, hub):
    from django.contrib.sessions.models import Session

    for url in public_urls(cast, strike):
        client.get(url)
    assert not Session.objects.exists()


def test_it_translates_the_public_site(client, cast, strike):
    client.cookies["django_language"] = "es"
    html = client.get("/public/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es"' in html


@pytest.mark.parametrize(
    "url",
    ["/public/orgs/nosuchorg/", "/public/campaigns/nosuchcode/", "/public/campaigns/x/thanks/"],
)
def test_unknown_public_objects_are_not_found(client, cast, url):
    assert client.get(url).status_code == 404


def test_a_private_organisation_has_no_public_page_even_with_a_listing(client, cast):
    Listing.objects.create(organisation=cast.org_b, kind="food", needs="Beans.")
    assert client.get(f"/public/orgs/{cast.org_b.code}/").status_code == 404
    assert "Beans." not in client.get("/public/").content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_refuse_other_methods(client, cast, strike, hub, method):
    for url in public_urls(cast, strike):
        assert getattr(client, method)(url).status_code in (403, 405), url
