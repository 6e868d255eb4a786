"""Start-up warnings about where the keys are (R13) and retention settings."""

import logging
import sys

from django.conf import settings
from django.core import checks

from porch.vault.crypto import KeysUnavailable

logger = logging.getLogger("porch.vault")

PERSISTENT = (
    "Vault keys are in {directory} on a persistent disk ({fs}). Destroyed keys can "
    "survive in freed blocks, so deleted data is NOT provably unrecoverable (R13 "
    "void). Put PORCH_VAULT_KEY_DIR on tmpfs (e.g. /run/porch/keys)."
)


def key_storage_message() -> str:
    from porch.vault.keys import source

    try:
        src = source()
    except KeysUnavailable as exc:
        return f"Vault key source unavailable: {exc}"
    if src.on_volatile_memory():
        return ""
    return PERSISTENT.format(directory=src.directory, fs=src.filesystem())


def warn_at_start_up() -> None:
    """One loud log line when a server or worker starts with keys on disk."""
    if settings.PORCH_ENV == "test":
        return
    if any(word in sys.argv for word in ("serve", "worker", "runserver", "demo")) or (
        "gunicorn" in sys.argv[0]
    ):
        message = key_storage_message()
        if message:
            logger.warning(message)


@checks.register(checks.Tags.security)
def check_key_storage(app_configs, **kwargs):
    message = key_storage_message()
    if not message:
        return []
    return [checks.Info(message, id="porch.vault.I001")]


@checks.register()
def check_retention_settings(app_configs, **kwargs):
    from porch.vault.erasure import POLICIES

    problems = []
    for data_class in settings.PORCH_RETENTION_HOURS:
        policy = POLICIES.get(data_class)
        if policy is None:
            problems.append(
                checks.Error(
                    f"PORCH_RETENTION_HOURS names an unknown data class {data_class!r}",
                    id="porch.vault.E001",
                )
            )
            continue
        try:
            _ = policy.limit
        except Exception as exc:
            problems.append(checks.Error(str(exc), id="porch.vault.E002"))
    return problems
