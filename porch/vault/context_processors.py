"""`vault_warnings`: tells the page when keys sit on persistent disk (R13).

Wire it into TEMPLATES and include "vault/_key_warning.html" in base.html's
{% block warnings %}.
"""

from functools import lru_cache

from porch.vault.keys import source


@lru_cache(maxsize=1)
def _key_storage_problem() -> str:
    try:
        src = source()
    except Exception:
        return "unavailable"
    return "" if src.on_volatile_memory() else "persistent"


def vault_warnings(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"VAULT_KEY_WARNING": _key_storage_problem()}
