"""Phone numbers at the channel edge: strict E.164 in, masked out.

Numbers are validated with `phonenumbers` (libphonenumber's metadata) before
any gateway sees them, so a typo costs nothing and says so plainly
("invalid_number") instead of a provider error that quotes the number back.
"""

import phonenumbers


def e164(raw: str) -> str | None:
    """The number in E.164 form, or None unless it is a valid +<country> number."""
    text = (raw or "").strip()
    if not text.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(address: str) -> str:
    """All but the last two characters hidden, length too: "+16125550123" → "••••23"."""
    text = address or ""
    return "••••" + (text[-2:] if len(text) > 2 else "")
