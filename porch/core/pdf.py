"""Printable PDFs: run sheets, cards and signs, rendered on demand.

A PDF is rendered from a Django template under templates/print/ with
WeasyPrint, returned as bytes and sent inline with `no-store`: it never
touches the disk (no temp files, no cache), because a run sheet carries
addresses (THREAT_MODEL R31).

WeasyPrint may fetch stylesheets and images. Ours come from static/ on disk
only: the URL fetcher refuses every other scheme and every file outside the
static directory, so a template (or text pasted into one) can never make the
server reach the network or read other files. `data:` URIs are allowed
because they are already inline (QR codes on run sheets).

Fonts: Debian's DejaVu Sans covers Latin, Greek, Cyrillic and Arabic
(right-to-left); Abyssinica SIL covers Ethiopic (Amharic, Tigrinya, Oromo in
Ge'ez script); Padauk covers Myanmar (Burmese, S'gaw Karen). Noto fonts are
accepted in their place. A system check (porch.W010) warns at start-up when a
script has no font, because WeasyPrint would silently print boxes.
"""

import functools
import mimetypes
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core import checks
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header

# WeasyPrint is imported where a PDF is rendered, not here: it takes a third
# of a second to load, and a web or worker process that never prints (or a
# machine missing pango) should still start and pass its checks.

STATIC_DIR = Path(settings.BASE_DIR) / "static"

# The font-family list used for every PDF, in order: the first font with a
# glyph for a character draws it.
FONT_STACK = [
    "DejaVu Sans",  # Latin, Greek, Cyrillic, Arabic (right-to-left)
    "Abyssinica SIL",  # Ethiopic: Amharic, Tigrinya
    "Noto Sans Ethiopic",
    "Padauk",  # Myanmar: Burmese, Karen
    "Noto Sans Myanmar",
    "Noto Sans",
    "sans-serif",
]

# For each script we print, the families of which at least one must be
# installed (Debian packages in brackets; see the Makefile's RUNTIME_DEBS).
REQUIRED_FONTS = {
    "Latin and Arabic (fonts-dejavu-core)": ("DejaVu Sans", "Noto Sans"),
    "Ethiopic (fonts-sil-abyssinica)": ("Abyssinica SIL", "Noto Sans Ethiopic"),
    "Myanmar (fonts-sil-padauk)": ("Padauk", "Noto Sans Myanmar"),
}


class PdfError(Exception):
    """A PDF could not be rendered (a missing stylesheet or image)."""


class PdfResourceRefused(PdfError):
    """A print template asked for something other than our own static files."""


def _css_family(name: str) -> str:
    return name if name in {"serif", "sans-serif", "monospace"} else f'"{name}"'


def font_stack_css() -> str:
    """`font-family` for the root element, as CSS."""
    return f"html {{ font-family: {', '.join(_css_family(n) for n in FONT_STACK)}; }}"


def static_file(url: str, root: Path = STATIC_DIR) -> Path:
    """The file a file:// URL names, if it lies under `root`; else refused."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "file":
        raise PdfResourceRefused(f"refused a {scheme or 'relative'} URL in a print template")
    if parts.netloc not in ("", "localhost"):
        raise PdfResourceRefused("refused a file URL on another host")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    root = root.resolve()
    if not path.is_relative_to(root):
        raise PdfResourceRefused("refused a file outside the static directory")
    if not path.is_file():
        raise FileNotFoundError(f"no static file {path.relative_to(root)}")
    return path


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves files under static/ and inline data: URIs; refuses all else."""

        def __init__(self, root: Path):
            # fail_on_errors: a refused or missing resource stops the rendering
            # rather than printing a sheet without its stylesheet.
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
            self.root = root

        def fetch(self, url, headers=None):
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            path = static_file(url, self.root)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def static_only_fetcher(root: Path = STATIC_DIR):
    """A WeasyPrint URL fetcher that never leaves `root` (our static files)."""
    return _fetcher_class()(root)


def render_pdf(template_name: str, context: dict | None = None, *, language=None) -> bytes:
    """Render templates/print/<template_name> to PDF bytes, in `language`
    (a language code) or the active language."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import FatalURLFetchingError

    with translation.override(language or translation.get_language()):
        html = render_to_string(template_name, context or {})
    try:
        return HTML(
            string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=static_only_fetcher()
        ).write_pdf(stylesheets=[CSS(string=font_stack_css())], pdf_tags=True)
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException; give callers an Exception.
        if isinstance(error.__cause__, PdfResourceRefused):
            raise error.__cause__ from None
        raise PdfError(str(error.__cause__ or error)) from error


def pdf_response(pdf_bytes: bytes, filename: str) -> HttpResponse:
    """Send a PDF to print or view at once, never to be kept by a cache."""
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "no-store"
    return response


def installed_font_families() -> set[str] | None:
    """Font families fontconfig knows, or None when fc-list is unavailable."""
    try:
        out = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, check=True, timeout=20
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    # One line per font; a line lists the family's names separated by commas.
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def missing_scripts(installed: set[str]) -> list[str]:
    return [
        script
        for script, families in REQUIRED_FONTS.items()
        if not any(family in installed for family in families)
    ]


@checks.register("porch")
def check_pdf_fonts(app_configs=None, **kwargs):
    """porch.W010: without these fonts, PDFs print boxes instead of letters."""
    installed = installed_font_families()
    if installed is None:
        return [
            checks.Warning(
                "fc-list (fontconfig) was not found, so PDF fonts cannot be checked.",
                hint="Install fontconfig and the fonts listed in the Makefile (RUNTIME_DEBS).",
                id="porch.W010",
            )
        ]
    return [
        checks.Warning(
            f"No font for {script} is installed: PDFs in that script would print boxes.",
            hint="Install the Debian package named, or the Noto equivalent.",
            id="porch.W010",
        )
        for script in missing_scripts(installed)
    ]
