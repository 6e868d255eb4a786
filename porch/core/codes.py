"""Random public identifiers. URLs carry these, never primary keys."""

import secrets

# No 0/O, 1/I/L: codes are read aloud on the phone and written on bags.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_token() -> str:
    """An unguessable secret for links and API tokens (never shown twice)."""
    return secrets.token_urlsafe(32)
