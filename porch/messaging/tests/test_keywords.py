"""Keywords by SMS: JOIN and its translations, YES, STOP/START/HELP, unknown input."""

import pytest

from porch.messaging import catalogue, keywords
from porch.messaging.channels.base import Inbound
from porch.messaging.models import Subscriber
from porch.messaging.tests.helpers import active_subscriber

pytestmark = pytest.mark.django_db
NUMBER = "+16122345678"


def text(body, sender=NUMBER, channel="twilio"):
    return keywords.reply_text(keywords.route(Inbound(channel=channel, sender=sender, body=body)))


@pytest.mark.parametrize(
    "body, language, reply_word",
    [
        ("JOIN Cedar Flats", "en", "reply YES"),
        ("join cedar flats es", "es", "responda SI"),
        ("UNIRSE Cedar Flats", "es", "responda SI"),
        ("Ku biir Cedar Flats", "so", "HAA"),
        ("KOOM cedar flats", "hmn", "YOG"),
        ("JOIN Cedar Flats hmong", "hmn", "YOG"),
    ],
)
def test_it_joins_by_keyword_in_any_language_and_asks_for_yes(cast, body, language, reply_word):
    reply = text(body)
    subscriber = Subscriber.objects.get()
    assert subscriber.language == language
    assert subscriber.state == Subscriber.State.PENDING
    assert subscriber.source == Subscriber.Source.KEYWORD
    assert list(subscriber.zones.all()) == [cast.zone]
    assert reply_word in reply and "Cedar Flats" in reply


@pytest.mark.parametrize("yes", ["YES", "si", "Sí", "HAA", "yog"])
def test_it_confirms_with_yes_in_any_language(cast, yes):
    text("JOIN Cedar Flats")
    reply = text(yes)
    assert Subscriber.objects.get().state == Subscriber.State.ACTIVE
    assert "Cedar Flats" in reply


def test_it_answers_an_unknown_zone_with_help(cast):
    reply = text("JOIN Atlantis")
    assert not Subscriber.objects.exists()
    assert "JOIN" in reply


@pytest.mark.parametrize("stop", ["STOP", "stop", "Unsubscribe", "PARAR", "jooji", "TSUM"])
def test_it_honours_stop_on_every_list_in_the_sender_language(cast, stop):
    mine = active_subscriber(cast.org_a, NUMBER, cast.zone, "es")
    coalition = active_subscriber(None, NUMBER, cast.zone_b, "es")
    reply = text(stop)
    for subscriber in (mine, coalition):
        subscriber.refresh_from_db()
        assert subscriber.state == Subscriber.State.STOPPED
    expected = catalogue.TEXTS[catalogue.STOP]
    assert reply in expected.values()
    if stop.upper() in ("STOP", "UNSUBSCRIBE", "PARAR"):
        assert reply == expected["es"]


def test_it_starts_again_with_start(cast):
    subscriber = active_subscriber(None, NUMBER, cast.zone, "en")
    text("STOP")
    text("START")
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.ACTIVE


@pytest.mark.parametrize("word, language", [("HELP", "en"), ("AYUDA", "es"), ("CAAWIN", "so")])
def test_it_helps_in_the_keyword_language(cast, word, language):
    assert text(word) == keywords.reply_text(keywords.Reply(catalogue.HELP, language))


def test_it_answers_unknown_input_in_the_sender_language(cast):
    active_subscriber(None, NUMBER, cast.zone, "hmn")
    assert text("what is this?").startswith("Porch tsis to taub")
    assert text("hello", sender="+16122345600").startswith("Porch did not understand")


def test_it_lets_other_apps_register_keywords(cast):
    seen = []

    def food(message):
        seen.append((message.keyword, message.rest, message.language))
        return "food noted"

    keywords.register("COMIDA", food, language="es")
    try:
        assert text("comida para 4") == "food noted"
        assert seen == [("COMIDA", "para 4", "es")]
    finally:
        keywords.HANDLERS.pop("COMIDA")
