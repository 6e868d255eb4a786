"""Printable resources: know-your-rights cards, private-area signs, hotline cards.

Rendered on demand through the core PDF pipeline (porch.core.pdf), in any
supported language, served inline with no-store and never stored. The
coalition's name and hotline number come from the Coalition row, which its
admins edit on the coalition settings page.

Other apps may add a link to their own printables (the volunteers app's
school protocol cards) with `register_link(label, url_name)`.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.languages import LANGUAGES
from porch.core.pdf import pdf_response, render_pdf


@dataclass(frozen=True)
class Resource:
    slug: str
    title: str
    description: str
    template: str


RESOURCES = {
    r.slug: r
    for r in (
        Resource(
            "know-your-rights",
            _("Know-your-rights cards"),
            _("Four wallet cards per sheet: what to do when agents come to the door."),
            "print/campaigns/know_your_rights.html",
        ),
        Resource(
            "private-area",
            _("Private area sign"),
            _("A sign for kitchens, stock rooms and back offices: a judicial warrant is required."),
            "print/campaigns/private_area.html",
        ),
        Resource(
            "hotline-card",
            _("Hotline cards"),
            _("Eight small cards per sheet with the hotline number, for canvassing."),
            "print/campaigns/hotline_card.html",
        ),
    )
}

LINKS: list[tuple[str, str]] = []


def register_link(label: str, url_name: str) -> None:
    """Show another app's printable on the resources page (label, URL name)."""
    if (label, url_name) not in LINKS:
        LINKS.append((label, url_name))


def language_or_404(code: str) -> str:
    if code not in dict(LANGUAGES):
        raise Http404
    return code


def resource_or_404(slug: str) -> Resource:
    resource = RESOURCES.get(slug)
    if resource is None:
        raise Http404
    return resource


def print_context(coalition, **extra) -> dict:
    return {
        "coalition_name": coalition.name,
        "hotline": coalition.hotline,
        "printed_on": timezone.localdate(),
        **extra,
    }


def render(template: str, context: dict, *, language: str, filename: str):
    """The PDF as an inline, no-store response; never written anywhere."""
    return pdf_response(render_pdf(template, context, language=language), filename)
