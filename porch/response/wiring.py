"""Registrations made at start-up (keywords, shredders, periodic jobs, home panel)."""


def connect() -> None:
    pass
