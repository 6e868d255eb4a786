"""Django's own form errors in Somali and Hmong (locale_django/, docs/translations.md)."""

import subprocess

import pytest

LANGS = ("so", "hmn")


@pytest.fixture
def django_catalogues(settings, tmp_path):
    """Compile locale_django/ into tmp_path, checking every placeholder on the way."""
    for lang in LANGS:
        po = settings.BASE_DIR / "locale_django" / lang / "LC_MESSAGES" / "django.po"
        mo = tmp_path / lang / "LC_MESSAGES" / "django.mo"
        mo.parent.mkdir(parents=True)
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    settings.LOCALE_PATHS = [tmp_path]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "required"),
    [("so", "Meeshan waa in la buuxiyo."), ("hmn", "Yuav tsum sau qhov no.")],
)
def test_it_shows_required_field_errors_in_the_visitors_language(
    client, django_catalogues, lang, required
):
    response = client.post("/login/", {}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    body = response.content.decode()
    assert required in body
    assert "This field is required." not in body
