"""Printable resources through the core PDF pipeline, in every supported language.

PDFs are read back with pdftotext and a page is rendered with pdftoppm.
Expected sentences come from the catalogues (gettext), so the test follows
the translators' words; for Spanish and Somali it also insists they are
translated at all.
"""

import datetime

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext

from porch.core.languages import LANGUAGES
from porch.core.testing import pdf_text, pdf_to_pngs

pytestmark = pytest.mark.django_db

CODES = [code for code, _name in LANGUAGES]
# Month names come from Django's catalogues (locale_django/ for Somali and Hmong).
MARCH = {"en": "March", "es": "marzo", "so": "Maarso", "hmn": "Lub Peb Hlis"}
SENTENCES = {
    "know-your-rights": [
        "Know your rights",
        "Do not sign anything before you speak with a lawyer.",
    ],
    "private-area": ["Private area", "A judicial warrant is required to enter."],
    "hotline-card": ["Rapid response hotline"],
}
DAY = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC)


def squeeze(text: str) -> str:
    # Without whitespace (pdftotext wraps lines) and case (the sign's title is in capitals).
    return "".join(text.split()).casefold()


def fetch(client, url):
    with time_machine.travel(DAY, tick=False):
        response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("inline")
    return response.content


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("slug", list(SENTENCES))
def test_it_prints_each_resource_in_each_language(client, cast, slug, language):
    text = squeeze(pdf_text(fetch(client, f"/public/resources/{slug}/{language}.pdf")))
    assert "555-0100" in text
    assert squeeze(MARCH[language]) in text
    if slug != "private-area" or language == "en":
        assert squeeze("Riverbend Mutual Aid Coalition") in text
    for sentence in SENTENCES[slug]:
        with translation.override(language):
            expected = gettext(sentence)
        if language in ("es", "so"):
            assert expected != sentence, f"{sentence!r} has no {language} translation"
        assert squeeze(expected) in text, (slug, language, expected)


def test_it_renders_a_sign_page_as_an_image(client, cast, tmp_path):
    from PIL import Image

    pages = pdf_to_pngs(fetch(client, "/public/resources/private-area/so.pdf"), tmp_path)
    assert len(pages) == 1
    with Image.open(pages[0]) as image:
        # Mostly white paper with a heavy black border and big letters.
        grey = image.convert("L")
        histogram = grey.histogram()
        dark = sum(histogram[:100])
        assert 0.02 < dark / (grey.width * grey.height) < 0.5


def test_the_hotline_and_name_follow_the_coalition_settings(client, cast):
    cast.coalition.name = "Northside Network"
    cast.coalition.hotline = "555-0177"
    cast.coalition.save()
    text = squeeze(pdf_text(fetch(client, "/public/resources/hotline-card/en.pdf")))
    assert "555-0177" in text and squeeze("Northside Network") in text


def test_it_prints_a_campaign_poster_with_its_counters(client, cast, strike, pledges):
    pledges("business", 23)
    pledges("family", 3)
    text = squeeze(pdf_text(fetch(client, f"/public/campaigns/{strike.code}/poster/es.pdf")))
    assert squeeze("No work, no school, no shopping") in text
    assert "23" in text and "<5" in text
    assert f"/public/campaigns/{strike.code}/".casefold() in text


@pytest.mark.parametrize(
    "url",
    [
        "/public/resources/safe-houses/en.pdf",
        "/public/resources/private-area/xx.pdf",
        "/public/campaigns/nosuchcode/poster/en.pdf",
    ],
)
def test_unknown_resources_and_languages_are_not_found(client, cast, url):
    assert client.get(url).status_code == 404


def test_a_draft_campaign_has_no_poster(client, cast, strike):
    strike.state = strike.State.DRAFT
    strike.save()
    assert client.get(f"/public/campaigns/{strike.code}/poster/en.pdf").status_code == 404


def test_it_refuses_other_methods(client, cast):
    assert client.post("/public/resources/private-area/en.pdf").status_code == 405
