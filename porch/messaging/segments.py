"""SMS encoding and segment counting (GSM 03.38 / 3GPP TS 23.038).

Providers bill and pace SMS in segments, not messages (DOMAIN.md, "Messaging
realities"): a text that fits the GSM-7 alphabet holds 160 septets in one
segment and 153 per part once split (the rest of each part is the
concatenation header); a single character outside GSM-7 switches the whole
text to UCS-2, which holds 70 UTF-16 code units (67 per part). Characters of
the GSM-7 extension table (€ { } [ ] ~ \\ | ^ and form feed) take an escape
septet plus their own, so they count twice.

Parts are packed the way handsets and gateways do: an escape pair is never
split across two parts, nor is a UTF-16 surrogate pair (an emoji), so a part
may end one unit short of its limit.
"""

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# The GSM 03.38 default alphabet, in table order (0x1B, the escape, left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The default extension table: each costs ESC + one septet.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # GSM7 or UCS2
    segments: int
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    per_segment: int  # the limit that applied: 160/153 or 70/67
    remaining: int  # units left in the last segment before another is needed


def encoding(text: str) -> str:
    """ "GSM-7" if every character is in the GSM-7 tables, else "UCS-2"."""
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION:
            return UCS2
    return GSM7


def non_gsm_characters(text: str) -> list[str]:
    """The distinct characters that force UCS-2, in order of first use.

    A template editor shows these so that a writer can swap "á" for "a" (or
    decide the language needs it) knowing what it costs.
    """
    seen: list[str] = []
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION and char not in seen:
            seen.append(char)
    return seen


def _unit_sizes(text: str, enc: str) -> list[int]:
    if enc == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def describe(text: str) -> SegmentInfo:
    enc = encoding(text)
    sizes = _unit_sizes(text, enc)
    units = sum(sizes)
    if units == 0:
        return SegmentInfo(enc, 0, 0, SINGLE[enc], SINGLE[enc])
    if units <= SINGLE[enc]:
        return SegmentInfo(enc, 1, units, SINGLE[enc], SINGLE[enc] - units)
    limit = PART[enc]
    parts, used = 1, 0
    for size in sizes:
        if used + size > limit:
            parts, used = parts + 1, 0
        used += size
    return SegmentInfo(enc, parts, units, limit, limit - used)


def segments(text: str) -> int:
    """How many SMS segments the text takes (0 for an empty text)."""
    return describe(text).segments
