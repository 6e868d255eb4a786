"""Which text a key has in a language, and what a message's context is.

Operators' MessageTemplate rows win over the catalogue; a language with no
text falls back to English (and the templates page flags it). Contexts are
built here from public values only — zone names, the broadcast's half-hour
bucket, a canned advice line and the coalition's hotline — so no personal
field has a way into a body (R5). PLACEHOLDER_SOURCES names each model field
a placeholder reads, and a test checks every one is PUBLIC.
"""

from django.utils import timezone

from porch.coalition.models import Coalition, Zone
from porch.messaging import catalogue
from porch.messaging.models import MessageTemplate
from porch.messaging.segments import describe

PLACEHOLDER_SOURCES = {
    "zone": [(Zone, "name")],
    "hotline": [(Coalition, "hotline")],
    "time": [],  # derived from the clock, rounded to half an hour
    "advice": [],  # one of catalogue.ADVICE, chosen by key
}
# Updates to other apps' contacts (catalogue.UPDATE_PLACEHOLDERS): the app
# hands actions.do_send_mailing the values, from PUBLIC fields only — for
# campaigns, Campaign.title and a first day, checked by campaigns' tests.
UPDATE_PLACEHOLDER_SOURCES = {
    "title": [],  # the app's public title (campaigns.Campaign.title)
    "date": [],  # a day, YYYY-MM-DD
    "hotline": [(Coalition, "hotline")],
}


class Texts:
    """The texts in effect, loaded once (one query) and reused for a batch."""

    def __init__(self) -> None:
        self.overrides = {
            (row.key, row.language): row.text
            for row in MessageTemplate.objects.only("key", "language", "text")
        }

    def text(self, key: str, language: str) -> str:
        found = self.exact(key, language)
        if found is not None:
            return found
        return self.exact(key, catalogue.FALLBACK) or ""

    def exact(self, key: str, language: str) -> str | None:
        found = self.overrides.get((key, language))
        if found is not None:
            return found
        return catalogue.default_text(key, language)

    def render(self, key: str, language: str, context: catalogue.Context) -> str:
        return catalogue.render(self.text(key, language), context)


def time_bucket(now=None) -> str:
    """The local time rounded down to half an hour: what an alert may say."""
    local = timezone.localtime(now or timezone.now())
    return f"{local.hour:02d}:{30 if local.minute >= 30 else 0:02d}"


def zone_names(zones) -> str:
    return ", ".join(sorted(zone.name for zone in zones))


def hotline() -> str:
    coalition = Coalition.objects.order_by("pk").only("hotline").first()
    return coalition.hotline if coalition else ""


def broadcast_context(broadcast, language: str, *, hotline_number: str | None = None):
    root = broadcast.root
    return catalogue.Context(
        zone=zone_names(root.zones.all()),
        time=root.time_bucket,
        advice=catalogue.advice_text(root.advice, language) if root.advice else "",
        hotline=hotline() if hotline_number is None else hotline_number,
    )


def preview(texts: Texts, key: str, context_for) -> list[dict]:
    """Per language: the rendered text, its encoding and segment count, and
    whether it falls back to English."""
    rows = []
    for language in catalogue.LANGUAGES:
        body = catalogue.render(texts.text(key, language), context_for(language))
        info = describe(body)
        rows.append(
            {
                "language": language,
                "body": body,
                "encoding": info.encoding,
                "segments": info.segments,
                "fallback": texts.exact(key, language) is None,
                "over_budget": info.segments > catalogue.SEGMENT_BUDGET.get(key, 99),
            }
        )
    return rows


def sample_context_for(language: str) -> catalogue.Context:
    """The longest realistic values: what the templates page measures against."""
    return catalogue.sample_context(language)
