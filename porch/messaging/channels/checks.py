"""System checks for the channel settings (`porch manage check`, start-up).

Each problem is explained in plain words: which variable, what belongs in
it and where the operator finds that value. Imported from the messaging
app's ready(); importing it twice is harmless (Django registers a check
function once).
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from porch.messaging.channels import CHANNELS, config_for
from porch.messaging.channels.numbers import e164

TWILIO_SENDER = re.compile(r"^(MG[0-9a-fA-F]{32}|\d{5,6}|[A-Za-z0-9 ]{1,11})$")
URL_SETTINGS = {
    "twilio": "TWILIO_BASE_URL",
    "httpsms": "HTTPSMS_BASE_URL",
    "signal": "SIGNAL_URL",
}
NUMBER_SETTINGS = {"httpsms": "HTTPSMS_FROM", "signal": "SIGNAL_NUMBER"}


def _where(code: str) -> str:
    if not code:
        return ""
    return " " + _("(for organisation %(code)s, set through PORCH_ORG_%(code)s_… variables)") % {
        "code": code
    }


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _chosen_kinds(config: dict) -> list[str]:
    kinds = [config["SMS_CHANNEL"], config["EMAIL_CHANNEL"]]
    if config.get("SIGNAL_URL") or config.get("SIGNAL_NUMBER"):
        kinds.append("signal")
    return [kind for kind in dict.fromkeys(kinds) if kind != "console"]


def _check_config(code: str, config: dict) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    where = _where(code)
    for kind in _chosen_kinds(config):
        if kind not in CHANNELS:
            continue
        for sentence in CHANNELS[kind].problems(config):
            found.append(checks.Error(sentence + where, id="porch.messaging.E001"))
        url_name = URL_SETTINGS.get(kind)
        if url_name and config.get(url_name):
            parts = urlsplit(str(config[url_name]))
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                found.append(
                    checks.Error(
                        _(
                            "PORCH_%(name)s is not a web address. It should look like "
                            "https://host or http://127.0.0.1:8080."
                        )
                        % {"name": url_name}
                        + where,
                        id="porch.messaging.E002",
                    )
                )
            elif (
                settings.PRODUCTION
                and parts.scheme == "http"
                and not _is_loopback(parts.hostname or "")
            ):
                found.append(
                    checks.Warning(
                        _(
                            "PORCH_%(name)s uses plain http to another machine, so phone "
                            "numbers, texts and credentials cross the network unencrypted. "
                            "Use https, or run the gateway on this machine."
                        )
                        % {"name": url_name}
                        + where,
                        id="porch.messaging.W001",
                    )
                )
        number_name = NUMBER_SETTINGS.get(kind)
        if number_name and config.get(number_name) and e164(str(config[number_name])) is None:
            found.append(
                checks.Error(
                    _(
                        "PORCH_%(name)s is not a phone number in international form. "
                        "Write it with + and the country code, such as +16125550123."
                    )
                    % {"name": number_name}
                    + where,
                    id="porch.messaging.E003",
                )
            )
        if kind == "twilio" and config.get("TWILIO_FROM"):
            sender = str(config["TWILIO_FROM"])
            if e164(sender) is None and not TWILIO_SENDER.match(sender):
                found.append(
                    checks.Error(
                        _(
                            "PORCH_TWILIO_FROM is neither a phone number in international "
                            "form (such as +16125550123), a short code, nor a Messaging "
                            "Service SID (MG followed by 32 characters)."
                        )
                        + where,
                        id="porch.messaging.E004",
                    )
                )
        if kind == "httpsms" and not config.get("HTTPSMS_WEBHOOK_SIGNING_KEY"):
            found.append(
                checks.Warning(
                    _(
                        "PORCH_HTTPSMS_WEBHOOK_SIGNING_KEY is empty, so Porch refuses every "
                        "text that arrives from httpSMS (replies such as STOP included). "
                        "Give the httpSMS webhook a signing key and put the same value here."
                    )
                    + where,
                    id="porch.messaging.W002",
                )
            )
        if kind in {"twilio", "httpsms"} and not settings.PORCH_PUBLIC_URL:
            found.append(
                checks.Warning(
                    _(
                        "PORCH_PUBLIC_URL is empty. Without it Porch cannot ask for delivery "
                        "reports, and checks webhook signatures against the address each "
                        "request arrived at, which a proxy may change. Set it to the public "
                        "address, such as https://porch.example.org."
                    ),
                    id="porch.messaging.W003",
                )
            )
    return found


@checks.register()
def check_channel_settings(app_configs, **kwargs):
    found = _check_config("", config_for(None))
    instance_ids = {(message.id, message.msg) for message in found}
    for code in sorted(getattr(settings, "PORCH_ORG_CHANNELS", {})):
        where = _where(code)
        for message in _check_config(code, config_for(code)):
            # An organisation inherits the instance's gaps; say each once.
            if (message.id, message.msg.removesuffix(where)) not in instance_ids:
                found.append(message)
    if settings.PRODUCTION and config_for(None)["SMS_CHANNEL"] == "console":
        found.append(
            checks.Warning(
                _(
                    "PORCH_SMS_CHANNEL is console, so texts are only printed on this "
                    "server, never sent. Choose twilio or httpsms and give its credentials."
                ),
                id="porch.messaging.W004",
            )
        )
    # One message per distinct text: organisations share the instance's gaps.
    unique: dict[tuple, checks.CheckMessage] = {}
    for message in found:
        unique.setdefault((message.id, message.msg), message)
    return list(unique.values())
