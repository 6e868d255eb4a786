"""The PDF pipeline: every script we print, fonts embedded, no network, no cache."""

import base64
import datetime
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from porch.core.pdf import (
    PdfError,
    PdfResourceRefused,
    check_pdf_fonts,
    pdf_response,
    render_pdf,
    static_only_fetcher,
)
from porch.core.testing import pdf_text, pdf_to_pngs

SAMPLES = {
    "en": "Emergency hotline",
    "es": "Línea de emergencia",
    "am": "የአደጋ ጊዜ ስልክ",  # Amharic, Ethiopic script
    "ksw": "ကညီ",  # S'gaw Karen, Myanmar script
    "so": "Khadka degdegga ah",
    "ar": "خط الطوارئ",  # Arabic, right to left
}
# A 1×1 black PNG.
BLACK_PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
        "3a7e9b550000000a49444154789c63600000000200015e2be3a50000000049454e44ae426082"
    )
).decode()


def sample(language: str, **extra) -> bytes:
    context = {
        "phrase": SAMPLES[language],
        "hotline": "555-0100",
        "coalition_name": "Riverbend",
        "printed_on": datetime.date(2026, 1, 15),
        **extra,
    }
    return render_pdf("print/sample.html", context, language=language)


def squeeze(text: str) -> str:
    """Text without whitespace or bidi controls: pdftotext splits some
    clusters (Myanmar) and wraps right-to-left runs in embedding marks."""
    controls = {"\u202a", "\u202b", "\u202c", "\u200e", "\u200f"}
    return "".join(ch for ch in text if not ch.isspace() and ch not in controls)


def pdf_fonts(pdf: bytes) -> dict[str, bool]:
    """Font name (subset prefix removed) → embedded, as pdffonts reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True).stdout
    fonts = {}
    for line in out.decode().splitlines()[2:]:
        name, *_, emb, _sub, _uni, _obj, _gen = line.split()
        fonts[name.split("+", 1)[-1]] = emb == "yes"
    return fonts


def page_size_points(pdf: bytes) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout
    line = next(x for x in out.decode().splitlines() if x.startswith("Page size:"))
    width, _x, height = line.split(":", 1)[1].split()[:3]
    return float(width), float(height)


@pytest.mark.parametrize("language", list(SAMPLES))
def test_it_prints_each_script_as_text(language):
    text = pdf_text(sample(language))
    assert squeeze(SAMPLES[language]) in squeeze(text)
    assert "555-0100" in text
    # The template's own strings, in the language asked for (English where
    # locale/ has no catalogue for it).
    with translation.override(language):
        destroy = gettext("Destroy this sheet after use.")
    assert squeeze(destroy) in squeeze(text)


def test_it_renders_in_the_language_asked_for():
    assert "15 enero 2026" in pdf_text(sample("es"))
    assert "15 January 2026" in pdf_text(sample("en"))


def test_it_renders_in_the_active_language_by_default():
    from django.utils import translation

    with translation.override("es"):
        pdf = render_pdf(
            "print/sample.html",
            {"phrase": "x", "printed_on": datetime.date(2026, 3, 1)},
        )
    assert "1 marzo 2026" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("language", "font"),
    [("am", "Abyssinica-SIL"), ("ksw", "Padauk"), ("ar", "DejaVu-Sans"), ("en", "DejaVu-Sans")],
)
def test_it_embeds_a_font_for_each_script(language, font):
    fonts = pdf_fonts(sample(language))
    assert any(name.startswith(font) for name in fonts), fonts
    assert all(fonts.values()), f"a font is not embedded: {fonts}"


def test_it_keeps_ethiopic_and_myanmar_fonts_out_of_latin_sheets():
    fonts = pdf_fonts(sample("so"))
    assert not any(name.startswith(("Abyssinica", "Padauk")) for name in fonts)


@pytest.mark.parametrize("language", ["am", "ksw"])
def test_it_draws_ink_on_the_page(language, tmp_path):
    pages = pdf_to_pngs(sample(language), tmp_path)
    assert len(pages) == 1
    darkest, lightest = Image.open(pages[0]).convert("L").getextrema()
    assert lightest == 255
    assert darkest < 64


def test_it_fits_both_a4_and_letter_paper():
    # print.css was loaded from static/ on disk: it sets this page size.
    width, height = page_size_points(sample("en"))
    a4, letter = (595.28, 841.89), (612.0, 792.0)
    assert width <= min(a4[0], letter[0]) + 0.01
    assert height <= min(a4[1], letter[1]) + 0.01
    assert height > 780  # not some default smaller page


def test_it_sets_right_to_left_direction_for_arabic():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ar"):
        html = render_to_string("print/sample.html", {"phrase": SAMPLES["ar"]})
    assert '<html lang="ar" dir="rtl">' in html
    with translation.override("am"):
        html = render_to_string("print/sample.html", {"phrase": SAMPLES["am"]})
    assert '<html lang="am" dir="ltr">' in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/tracker.png",
        "https://example.invalid/tracker.png",
        "//example.invalid/tracker.png",
        "ftp://example.invalid/x.png",
        "file:///etc/passwd",
        "../porch/settings.py",
        "css/../../pyproject.toml",
        "file://otherhost/work/static/css/print.css",
    ],
)
def test_it_refuses_anything_but_our_static_files(url):
    with pytest.raises(PdfResourceRefused, match="^refused"):
        sample("en", image_url=url)


def test_it_stops_when_a_static_file_is_missing():
    with pytest.raises(PdfError) as excinfo:
        sample("en", image_url="img/no-such-file.png")
    assert not isinstance(excinfo.value, PdfResourceRefused)


def test_it_refuses_a_remote_url_before_any_connection():
    fetcher = static_only_fetcher()
    with pytest.raises(PdfResourceRefused):
        fetcher("http://127.0.0.1:9/x.png")


def test_it_serves_static_files_and_inline_images():
    fetcher = static_only_fetcher()
    response = fetcher((Path(__file__).resolve().parents[3] / "static/css/print.css").as_uri())
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    response.close()
    pdf = sample("en", image_url=f"data:image/png;base64,{BLACK_PIXEL}")
    assert pdf.startswith(b"%PDF")


def test_it_sends_a_pdf_inline_and_uncached():
    response = pdf_response(b"%PDF-1.7 test", "run-sheet-7KQ2.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="run-sheet-7KQ2.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"%PDF-1.7 test"


def test_it_quotes_an_awkward_filename():
    response = pdf_response(b"%PDF", 'tarjeta "sí".pdf')
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename*=utf-8''")
    assert '"s' not in disposition


def test_it_finds_every_required_font_here():
    assert check_pdf_fonts() == []


def fontconfig_with(tmp_path: Path, *font_dirs: str) -> Path:
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig>{dirs}<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    return config


def test_it_warns_when_ethiopic_and_myanmar_fonts_are_missing(tmp_path, monkeypatch):
    config = fontconfig_with(tmp_path, "/usr/share/fonts/truetype/dejavu")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    warnings = [m for m in run_checks(tags=["porch"]) if m.id == "porch.W010"]
    assert len(warnings) == 2
    assert "Ethiopic" in warnings[0].msg
    assert "Myanmar" in warnings[1].msg


def test_it_warns_for_every_script_when_no_font_is_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCONFIG_FILE", str(fontconfig_with(tmp_path)))
    assert len(check_pdf_fonts()) == 3


def test_it_warns_when_fontconfig_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    [warning] = check_pdf_fonts()
    assert warning.id == "porch.W010"
    assert "fc-list" in warning.msg
