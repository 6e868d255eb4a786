"""Fixtures for the accounts suite: authenticator devices and their codes."""

import pytest

from porch.accounts import totp
from porch.accounts.models import TOTPDevice


@pytest.fixture
def enrol():
    """enrol(user) → the base32 seed of a new confirmed authenticator."""

    def _enrol(user):
        seed = totp.new_seed()
        TOTPDevice.objects.create(user=user, seed=seed, confirmed=True)
        return seed

    return _enrol


def code(seed: str, *, at: float | None = None) -> str:
    return totp.current_code(seed, at=at)
