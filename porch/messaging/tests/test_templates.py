"""Templates: no placeholder reaches a personal field (R5); alerts fit their budget."""

import pytest

from porch.core.sensitivity import PUBLIC
from porch.messaging import actions, catalogue, sender
from porch.messaging.channels.console import ConsoleChannel
from porch.messaging.segments import encoding, segments
from porch.messaging.texts import PLACEHOLDER_SOURCES, Texts

CANARY = "CANARY-9d2e"


def every_text():
    for key, languages in catalogue.TEXTS.items():
        for language, text in languages.items():
            yield key, language, text


def test_every_key_has_a_text_in_every_supported_language():
    missing = [
        (key, language)
        for key in catalogue.KEYS
        for language in catalogue.LANGUAGES
        if not catalogue.default_text(key, language)
    ]
    assert missing == []


@pytest.mark.parametrize("key, language, text", list(every_text()))
def test_it_uses_only_the_four_non_identifying_placeholders(key, language, text):
    assert catalogue.problems_in(text) == []
    assert catalogue.placeholders_in(text) <= set(catalogue.PLACEHOLDERS)


def test_every_placeholder_reads_only_public_fields():
    assert set(PLACEHOLDER_SOURCES) == set(catalogue.PLACEHOLDERS)
    for sources in PLACEHOLDER_SOURCES.values():
        for model, field in sources:
            assert model.SENSITIVITY[field] == PUBLIC, f"{model.__name__}.{field}"


@pytest.mark.parametrize(
    "text",
    [
        "{name}",
        "{address}",
        "{zone.region}",
        "{zone[0]}",
        "{zone!r}",
        "{zone:>10}",
        "{0}",
        "{}",
        "{{zone}}",
        "Hi {",
    ],
)
def test_it_refuses_anything_but_the_four_placeholders(text):
    assert catalogue.problems_in(text) != []


def test_render_replaces_only_the_closed_mapping():
    context = catalogue.Context(zone="Elm", time="14:30", advice="Stay in.", hotline="555")
    assert catalogue.render("{zone} {time} {advice} {hotline}", context) == "Elm 14:30 Stay in. 555"


@pytest.mark.parametrize("key", [k for k in catalogue.KEYS if k in catalogue.SEGMENT_BUDGET])
@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_it_keeps_each_budgeted_text_within_its_segments(key, language):
    body = catalogue.render(
        catalogue.default_text(key, language), catalogue.sample_context(language)
    )
    assert segments(body) <= catalogue.SEGMENT_BUDGET[key], (key, language, len(body))


@pytest.mark.parametrize("language", catalogue.LANGUAGES)
def test_alerts_stay_in_gsm7_where_the_script_allows(language):
    # All four tier-1 languages are written in Latin letters GSM-7 covers.
    for key in (catalogue.ALERT, catalogue.ALL_CLEAR, catalogue.CORRECTION):
        body = catalogue.render(
            catalogue.default_text(key, language), catalogue.sample_context(language)
        )
        assert encoding(body) == "GSM-7", (key, language)


@pytest.mark.django_db
def test_the_budget_test_fails_for_a_grown_alert(cast):
    # What the editor refuses is exactly what the budget test would catch.
    from django.core.exceptions import ValidationError

    grown = catalogue.TEXTS[catalogue.ALERT]["en"] + " Share this with your neighbours please."
    with pytest.raises(ValidationError):
        actions.do_save_template(catalogue.ALERT, "en", grown, actor=cast.gus)


@pytest.mark.django_db
def test_it_falls_back_to_english_for_a_missing_translation(cast, monkeypatch):
    monkeypatch.delitem(catalogue.TEXTS[catalogue.HELP], "so")
    texts = Texts()
    assert texts.exact(catalogue.HELP, "so") is None
    assert texts.text(catalogue.HELP, "so") == catalogue.TEXTS[catalogue.HELP]["en"]


@pytest.mark.django_db
def test_no_outbound_body_carries_a_canary_from_a_sensitive_field(cast):
    """R5: personal values everywhere, then every message of every kind goes out."""
    from porch.messaging.models import Subscriber
    from porch.messaging.tests.helpers import active_subscriber

    ConsoleChannel.outbox.clear()
    number = "+16122349999"
    subscriber = active_subscriber(cast.org_a, number, cast.zone, "en")
    for person in (cast.ana, cast.ben):
        person.legal_name = f"{CANARY} name"
        person.email = f"{CANARY.lower()}@example.org"
        person.save()
    cast.team_a.description = CANARY
    cast.team_a.save()
    cast.org_a.description = CANARY
    cast.org_a.save()
    alert = actions.do_broadcast(
        [cast.zone], catalogue.ALERT, advice="know_rights", organisation=cast.org_a, actor=cast.ana
    )
    actions.do_send_correction(alert, actor=cast.ana)
    actions.do_send_all_clear(alert, actor=cast.ana)
    actions.do_broadcast(
        [cast.zone],
        catalogue.REMINDER,
        advice="avoid_area",
        organisation=cast.org_a,
        actor=cast.ana,
    )
    actions.do_subscribe(
        organisation=cast.org_a,
        address="+16122348888",
        zones=[cast.zone],
        language="es",
        source=Subscriber.Source.ORGANISER,
        consent_noted="in_person",
        actor=cast.ana,
    )
    for kind in catalogue.NOTIFICATION_KEYS:
        actions.do_notify_user(cast.ben, kind, actor=cast.ana)
    sender.run_pass("w")
    bodies = [m.body for m in ConsoleChannel.outbox]
    assert len(bodies) == 4 + 1 + 3
    for body in bodies:
        assert CANARY.lower() not in body.lower()
        assert number not in body and subscriber.code not in body
        assert "ana" not in body.split() and "ben" not in body.split()
    ConsoleChannel.outbox.clear()
