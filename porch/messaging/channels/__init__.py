"""The channel registry: which kinds exist, and a configured instance of each.

Settings are read on every call (`get_channel` caches nothing), so tests and
a reloaded configuration take effect at once. An organisation may bring its
own provider account: PORCH_ORG_<CODE>_<NAME> variables (collected into
settings.PORCH_ORG_CHANNELS) override the instance-wide PORCH_<NAME> for
that organisation's messages. Webhooks carry no organisation, so every
configured account's secret is tried when one arrives.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from porch.messaging.channels.base import (
    FAILED,
    RETRY,
    SENT,
    BadSignature,
    Channel,
    Inbound,
    MalformedInbound,
    Outgoing,
    SendResult,
)
from porch.messaging.channels.console import ConsoleChannel
from porch.messaging.channels.httpsms import HttpSmsChannel
from porch.messaging.channels.signal import SignalChannel
from porch.messaging.channels.smtp import SmtpChannel
from porch.messaging.channels.twilio import TwilioChannel

__all__ = [
    "CHANNELS",
    "FAILED",
    "RETRY",
    "SENT",
    "BadSignature",
    "Channel",
    "ChannelNotConfigured",
    "Inbound",
    "MalformedInbound",
    "Outgoing",
    "SendResult",
    "account_key",
    "config_for",
    "configured_kinds",
    "default_kind_for",
    "default_sms_kind",
    "get_channel",
    "split_account",
]

CHANNELS: dict[str, type[Channel]] = {
    "console": ConsoleChannel,
    "smtp": SmtpChannel,
    "twilio": TwilioChannel,
    "httpsms": HttpSmsChannel,
    "signal": SignalChannel,
}
SMS_KINDS = ("console", "twilio", "httpsms")
EMAIL_KINDS = ("console", "smtp")

# Every setting a channel reads, without its PORCH_ prefix, with the value
# used when settings.py does not define it. Each may be overridden per
# organisation (ORG_NAMES in settings.py lists the same names).
DEFAULTS: dict[str, object] = {
    "SMS_CHANNEL": "console",
    "EMAIL_CHANNEL": "console",
    "SMS_SEGMENTS_PER_SECOND": 1,
    "SMS_DAILY_CAP": 0,
    "EMAIL_PER_SECOND": 0,
    "SIGNAL_PER_SECOND": 1,
    "SIGNAL_DAILY_CAP": 0,
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_FROM": "",
    "TWILIO_BASE_URL": "https://api.twilio.com",
    "HTTPSMS_API_KEY": "",
    "HTTPSMS_FROM": "",
    "HTTPSMS_BASE_URL": "https://api.httpsms.com",
    "HTTPSMS_WEBHOOK_SIGNING_KEY": "",
    "SIGNAL_URL": "",
    "SIGNAL_NUMBER": "",
    "SIGNAL_WEBHOOK_TOKEN": "",
    "SMTP_HOST": "",
    "SMTP_PORT": 0,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_SECURITY": "starttls",
    "EMAIL_FROM": "",
}

# Pacing settings per kind: (per second, daily cap); None means none.
PACING = {
    "console": (None, None),
    "twilio": ("SMS_SEGMENTS_PER_SECOND", "SMS_DAILY_CAP"),
    "httpsms": ("SMS_SEGMENTS_PER_SECOND", "SMS_DAILY_CAP"),
    "signal": ("SIGNAL_PER_SECOND", "SIGNAL_DAILY_CAP"),
    "smtp": ("EMAIL_PER_SECOND", None),
}


# The settings that make an organisation's account for a kind its own: an
# organisation that sets any of them (its own Twilio number, its own cap)
# has its messages queued under "<kind>@<CODE>", paced by their own token
# bucket and daily cap (ChannelPace), apart from the instance's.
ACCOUNT_SETTINGS: dict[str, tuple[str, ...]] = {
    "console": (),
    "twilio": (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM",
        "TWILIO_BASE_URL",
        "SMS_SEGMENTS_PER_SECOND",
        "SMS_DAILY_CAP",
    ),
    "httpsms": (
        "HTTPSMS_API_KEY",
        "HTTPSMS_FROM",
        "HTTPSMS_BASE_URL",
        "SMS_SEGMENTS_PER_SECOND",
        "SMS_DAILY_CAP",
    ),
    "signal": ("SIGNAL_URL", "SIGNAL_NUMBER", "SIGNAL_PER_SECOND", "SIGNAL_DAILY_CAP"),
    "smtp": (
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USER",
        "SMTP_PASSWORD",
        "EMAIL_FROM",
        "EMAIL_PER_SECOND",
    ),
}


class ChannelNotConfigured(Exception):
    """The kind is unknown or lacks settings; the message says which, in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _organisation_code(organisation) -> str:
    if organisation is None:
        return ""
    code = getattr(organisation, "code", organisation)
    return str(code or "").upper()


def _overrides() -> dict[str, dict]:
    return getattr(settings, "PORCH_ORG_CHANNELS", {}) or {}


def account_key(kind: str, organisation=None) -> str:
    """The outbox's channel value for `kind` sent on behalf of `organisation`:
    "<kind>@<CODE>" when the organisation has its own account for that kind,
    else the kind (the instance's account)."""
    code = _organisation_code(organisation)
    own = _overrides().get(code, {}) if code else {}
    if any(name in own for name in ACCOUNT_SETTINGS.get(kind, ())):
        return f"{kind}@{code}"
    return kind


def split_account(key: str) -> tuple[str, str]:
    """("twilio", "ORGCODE") from "twilio@ORGCODE"; ("twilio", "") from "twilio"."""
    kind, _at, code = key.partition("@")
    return kind, code


def config_for(organisation=None) -> dict:
    """The channel settings in force for an organisation (or the instance)."""
    config = {
        name: getattr(settings, f"PORCH_{name}", default) for name, default in DEFAULTS.items()
    }
    config.update(_overrides().get(_organisation_code(organisation), {}))
    return config


def _all_configs() -> list[dict]:
    base = config_for(None)
    return [base, *({**base, **extra} for extra in _overrides().values())]


def _problems(kind: str, config: dict) -> list[str]:
    if kind not in CHANNELS:
        return [
            _("There is no message channel called “%(kind)s”. The channels are: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(CHANNELS)}
        ]
    return CHANNELS[kind].problems(config)


def get_channel(kind: str, *, organisation=None, for_webhooks: bool = False) -> Channel:
    """A ready channel of that kind, built from the settings in force now.

    for_webhooks: the caller only verifies and parses webhooks, so an
    instance whose own account is unset but where an organisation has one
    still gets a channel (built on that organisation's settings; never use
    it to send).
    """
    config = config_for(organisation)
    problems = _problems(kind, config)
    inbound = [c for c in _all_configs() if kind in CHANNELS and not CHANNELS[kind].problems(c)]
    if problems and for_webhooks and organisation is None and inbound:
        config, problems = inbound[0], []
    if problems:
        raise ChannelNotConfigured(" ".join(problems))
    per_second, daily = PACING[kind]
    try:
        return CHANNELS[kind](
            config,
            segments_per_second=config[per_second] if per_second else 0,
            daily_segment_cap=config[daily] if daily else 0,
            timeout=getattr(settings, "PORCH_CHANNEL_TIMEOUT_SECONDS", 10),
            inbound_configs=inbound or [config],
        )
    except ValueError:
        raise ChannelNotConfigured(
            _(
                "The address configured for the %(kind)s channel is not a web address. "
                "It should look like https://host or http://127.0.0.1:8080."
            )
            % {"kind": kind}
        ) from None


def configured_kinds(*, organisation=None) -> list[str]:
    """Kinds that have every setting they need (console always has)."""
    config = config_for(organisation)
    return [kind for kind, channel in CHANNELS.items() if not channel.problems(config)]


def default_sms_kind(*, organisation=None) -> str:
    return str(config_for(organisation)["SMS_CHANNEL"])


def default_email_kind(*, organisation=None) -> str:
    return str(config_for(organisation)["EMAIL_CHANNEL"])


def default_kind_for(address: str, *, organisation=None) -> str:
    """The kind that carries messages to this address by default.

    E-mail addresses go by the e-mail channel, numbers by the SMS channel.
    Signal is never a default: a subscriber chooses it (it is not for mass
    broadcast).
    """
    if "@" in (address or ""):
        return default_email_kind(organisation=organisation)
    return default_sms_kind(organisation=organisation)
