"""The keyword router: inbound text → a handler → a reply.

    from porch.messaging import keywords
    keywords.register("FOOD", handle_food)             # English keyword
    keywords.register("COMIDA", handle_food, language="es")

A handler takes a `Message` (the inbound, its keyword, the rest of the text,
the language to answer in and the sender's subscriptions, found by keyed
hash) and returns a `Reply` (a catalogue key), a ready string, or None.
Other apps register their keywords in their AppConfig.ready(); messaging
never imports them (ARCHITECTURE.md).

Keywords are matched without case or accents ("SÍ" is "SI"), one or two
words long ("KU BIIR"). STOP, START and HELP work on every channel and list.
A keyword in another language answers in that language; otherwise the
sender's own language if they are subscribed, else English.
"""

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from porch.messaging import catalogue

logger = logging.getLogger("porch.messaging")


@dataclass(frozen=True)
class Reply:
    key: str
    language: str = ""
    zones: tuple = ()


@dataclass
class Message:
    inbound: object
    keyword: str
    rest: str
    language: str
    keyword_language: str
    subscribers: list = field(default_factory=list)


Handler = Callable[[Message], "Reply | str | None"]


@dataclass(frozen=True)
class Registration:
    handler: Handler
    language: str


HANDLERS: dict[str, Registration] = {}


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())


def register(keyword: str, handler: Handler, *, language: str = "en") -> None:
    HANDLERS[normalise(keyword)] = Registration(handler, language)


def _match(text: str) -> tuple[str, str, Registration | None]:
    words = normalise(text).split(" ")
    raw = (text or "").split()
    for width in (2, 1):
        if len(words) >= width:
            candidate = " ".join(words[:width])
            registration = HANDLERS.get(candidate)
            if registration is not None:
                return candidate, " ".join(raw[width:]), registration
    return "", " ".join(raw), None


def _subscribers_of(sender: str):
    from porch.messaging.actions import address_hash
    from porch.messaging.models import Subscriber

    digests = {address_hash(sender.strip()), address_hash(sender.strip().lower())}
    return list(
        Subscriber.objects.filter(address_hash__in=digests).select_related("subject").order_by("pk")
    )


def _language_for(registration: Registration | None, subscribers, sender: str = "") -> str:
    if registration is not None and registration.language != "en":
        return registration.language
    for subscriber in subscribers:
        return subscriber.language
    if sender:
        # Someone who only left a contact with another app (a pledger).
        from porch.messaging.actions import contacts_of_sender

        contact = contacts_of_sender(sender).only("language").first()
        if contact is not None:
            return contact.language
    return catalogue.FALLBACK


def route(inbound) -> Reply | str | None:
    """The reply to one inbound message (or None for no reply)."""
    keyword, rest, registration = _match(inbound.body)
    subscribers = _subscribers_of(inbound.sender)
    message = Message(
        inbound=inbound,
        keyword=keyword,
        rest=rest,
        language=_language_for(registration, subscribers, inbound.sender),
        keyword_language=registration.language if registration else "",
        subscribers=subscribers,
    )
    if registration is None:
        return Reply(catalogue.UNKNOWN, message.language)
    return registration.handler(message)


# ---- Built-in keywords ------------------------------------------------------------

LANGUAGE_WORDS = {
    "EN": "en",
    "ENGLISH": "en",
    "INGLES": "en",
    "ES": "es",
    "ESPANOL": "es",
    "SPANISH": "es",
    "SO": "so",
    "SOMALI": "so",
    "SOOMAALI": "so",
    "HMN": "hmn",
    "HMONG": "hmn",
    "HMOOB": "hmn",
}


def _parse_join(rest: str) -> tuple[list, str]:
    from porch.messaging.access import zones

    words = normalise(rest).split()
    language = ""
    if words and words[-1] in LANGUAGE_WORDS:
        language = LANGUAGE_WORDS[words.pop()]
    wanted = " ".join(words)
    if not wanted:
        return [], language
    found = [z for z in zones() if normalise(z.name) == wanted or z.code == wanted]
    return found, language


def _join(message: Message) -> Reply:
    from porch.messaging import actions
    from porch.messaging.models import Medium, Subscriber

    found, language = _parse_join(message.rest)
    language = language or message.language
    if not found:
        return Reply(catalogue.HELP, language)
    medium = Medium.EMAIL if message.inbound.channel == "smtp" else Medium.SMS
    try:
        subscriber = actions.do_subscribe(
            organisation=None,
            address=message.inbound.sender,
            medium=medium,
            zones=found,
            language=language,
            source=Subscriber.Source.KEYWORD,
            ask=False,
        )
    except ValidationError:
        return Reply(catalogue.HELP, language)
    if subscriber.state == Subscriber.State.ACTIVE:
        return Reply(catalogue.WELCOME, language, tuple(subscriber.zones.all()))
    return Reply(catalogue.CONFIRMATION, language, tuple(subscriber.zones.all()))


def _yes(message: Message) -> Reply:
    from porch.messaging import actions
    from porch.messaging.models import Subscriber

    pending = [s for s in message.subscribers if s.state == Subscriber.State.PENDING]
    if not pending:
        return Reply(catalogue.UNKNOWN, message.language)
    zones = []
    for subscriber in pending:
        actions.do_confirm_subscriber(subscriber)
        zones.extend(subscriber.zones.all())
    return Reply(catalogue.WELCOME, pending[0].language, tuple(zones))


def _stop(message: Message) -> Reply:
    from porch.messaging import actions
    from porch.messaging.models import Subscriber

    for subscriber in message.subscribers:
        if subscriber.state != Subscriber.State.STOPPED:
            actions.do_stop_subscriber(subscriber)
    # Other apps' contacts with this address (a campaign's pledgers) too.
    actions.do_stop_contacts(message.inbound.sender)
    return Reply(catalogue.STOP, message.language)


def _start(message: Message) -> Reply:
    from porch.messaging import actions
    from porch.messaging.models import Subscriber

    stopped = [s for s in message.subscribers if s.state == Subscriber.State.STOPPED]
    if not stopped:
        return Reply(catalogue.HELP, message.language)
    zones = []
    for subscriber in stopped:
        actions.do_start_subscriber(subscriber)
        zones.extend(subscriber.zones.all())
    return Reply(catalogue.WELCOME, message.language, tuple(zones))


def _help(message: Message) -> Reply:
    return Reply(catalogue.HELP, message.language)


BUILT_IN = {
    _join: {
        "en": ["JOIN", "SUBSCRIBE"],
        "es": ["UNIRSE", "UNIR"],
        "so": ["KU BIIR", "BIIR"],
        "hmn": ["KOOM"],
    },
    _yes: {"en": ["YES", "Y"], "es": ["SI"], "so": ["HAA"], "hmn": ["YOG"]},
    # The carrier-standard opt-out words, and each language's own.
    _stop: {
        "en": ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"],
        "es": ["PARAR", "ALTO", "BAJA"],
        "so": ["JOOJI"],
        "hmn": ["TSUM"],
    },
    _start: {"en": ["START", "UNSTOP"], "es": ["INICIAR", "ALTA"], "so": ["BILOW"], "hmn": ["PIB"]},
    _help: {"en": ["HELP", "INFO"], "es": ["AYUDA"], "so": ["CAAWIN"], "hmn": ["PAB"]},
}


def register_built_ins() -> None:
    for handler, by_language in BUILT_IN.items():
        for language, words in by_language.items():
            for word in words:
                register(word, handler, language=language)


def reply_text(reply: "Reply | str | None") -> str | None:
    """The words of a reply, rendered in its language with public values only."""
    from porch.messaging.texts import Texts, hotline, zone_names

    if reply is None or isinstance(reply, str):
        return reply
    context = catalogue.Context(zone=zone_names(reply.zones), hotline=hotline())
    return Texts().render(reply.key, reply.language or catalogue.FALLBACK, context)


def answer(inbound, *, inline: bool) -> str | None:
    """Route one inbound message; return the reply text to send inline, if any.

    Channels that cannot answer inline (Signal, for one) get the reply queued
    in the outbox to the sender's subscription — by reference, so the number
    stays in the vault. Someone with no subscription there gets no reply.
    """
    reply = route(inbound)
    if inline:
        return reply_text(reply)
    if isinstance(reply, Reply):
        from porch.messaging.actions import do_queue_reply

        subscribers = _subscribers_of(inbound.sender)
        if subscribers:
            target = subscribers[0]
            if reply.language and reply.language != target.language:
                target.language = reply.language
            do_queue_reply(target, reply.key)
            return None
    if reply is not None:
        logger.info("keyword_reply_dropped channel=%s", inbound.channel)
    return None
