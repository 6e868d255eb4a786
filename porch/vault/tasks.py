"""The vault's periodic job: the purge, every minute, under a lease (R15)."""

from datetime import timedelta

from porch.core.periodic import register
from porch.vault.erasure import purge

PURGE_EVERY = timedelta(minutes=1)


@register("vault.purge", every=PURGE_EVERY)
def run_purge():
    return purge()
