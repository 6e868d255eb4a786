"""Signal inbound polling: a periodic job for every configured Signal account.

signal-cli-rest-api in its normal and native modes cannot call us; it keeps
what arrives until someone asks GET /v1/receive/{number}. `porch worker`
runs `poll_signal` under the periodic lease (one worker at a time), for the
instance's own account and for every organisation that brought its own
(PORCH_ORG_<CODE>_SIGNAL_*). Each distinct (service, number) is asked once
per run: asking twice would split one sender's texts between two readers.
Every text goes through the same keyword router as a webhook; replies are
queued in the outbox (Signal cannot answer inline).
"""

import logging
from datetime import timedelta

from porch.core import periodic

logger = logging.getLogger("porch.messaging.polling")

POLL_EVERY = timedelta(seconds=15)


def signal_accounts() -> list[tuple[str | None, dict]]:
    """(organisation code or None for the instance, config) for each distinct
    Signal account that has every setting it needs."""
    from porch.messaging.channels import CHANNELS, _overrides, config_for

    accounts, seen = [], set()
    for code in [None, *sorted(_overrides())]:
        config = config_for(code)
        if CHANNELS["signal"].problems(config):
            continue
        account = (str(config["SIGNAL_URL"]).rstrip("/"), str(config["SIGNAL_NUMBER"]))
        if account in seen:
            continue
        seen.add(account)
        accounts.append((code, config))
    return accounts


def poll_signal() -> int:
    """Receive and route what waits on every Signal account. Returns the count."""
    from porch.messaging import keywords
    from porch.messaging.channels import ChannelNotConfigured, get_channel

    handled = 0
    for code, _config in signal_accounts():
        try:
            channel = get_channel("signal", organisation=code)
        except ChannelNotConfigured:
            continue
        try:
            received = channel.receive()
        finally:
            channel.close()
        for message in received:
            try:
                keywords.answer(message, inline=False)
            except Exception:
                # One bad text must not cost the rest of the batch (they are
                # already taken off the service).
                logger.exception("signal_poll_route_failed")
            else:
                handled += 1
        if received:
            logger.info("signal_poll account=%s received=%d", code or "instance", len(received))
    return handled


def register() -> None:
    periodic.register("messaging.signal_poll", every=POLL_EVERY)(poll_signal)
