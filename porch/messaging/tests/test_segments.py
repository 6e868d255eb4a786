"""Segment counting: the figures providers bill and pace by."""

import pytest

from porch.messaging.segments import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    describe,
    encoding,
    non_gsm_characters,
    segments,
)


def test_it_holds_the_whole_gsm7_default_alphabet():
    # 128 positions less the escape; the extension table adds ten more.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("length", "expected"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_it_counts_gsm7_at_160_then_153(length, expected):
    assert segments("a" * length) == expected


@pytest.mark.parametrize(
    ("length", "expected"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_it_counts_ucs2_at_70_then_67(length, expected):
    text = "á" + "a" * (length - 1)
    assert encoding(text) == UCS2
    assert segments(text) == expected


def test_it_counts_nothing_for_an_empty_text():
    assert segments("") == 0


def test_it_counts_extension_characters_twice():
    assert encoding("Precio: 5 €") == GSM7
    assert describe("€").units == 2
    assert describe("{}").units == 4
    # 80 euro signs are exactly 160 septets; one more splits the message.
    assert segments("€" * 80) == 1
    assert segments("€" * 81) == 2
    assert segments("a" * 159 + "{") == 2


def test_it_never_splits_an_escape_pair_across_parts():
    # 152 septets then an extension character: the pair moves to part two.
    text = "a" * 152 + "[" + "a" * 10
    info = describe(text)
    assert info.units == 164
    assert info.segments == 2
    assert info.remaining == 153 - 12


def test_it_counts_an_emoji_as_two_utf16_units():
    assert encoding("Stay home 😀") == UCS2
    assert describe("😀").units == 2
    assert segments("😀" * 35) == 1
    assert segments("a" + "😀" * 35) == 2


def test_it_never_splits_a_surrogate_pair_across_parts():
    text = "a" * 66 + "😀" + "a" * 10
    info = describe(text)
    assert info.units == 78
    assert info.segments == 2
    assert info.remaining == 67 - 12


def test_it_keeps_e_acute_in_gsm7_but_not_a_acute():
    # Spanish: é, ñ, ¿ and ¡ are in the GSM-7 table; á, í, ó, ú are not.
    assert encoding("Café, señor, ¿sí?") == UCS2
    assert encoding("Café, señor, ¿qué?") == GSM7
    assert encoding("á") == UCS2
    assert non_gsm_characters("Mañana habrá información") == ["á", "ó"]


def test_it_keeps_plain_somali_in_gsm7():
    # Somali's Latin orthography needs no accents; an apostrophe is GSM-7.
    text = "Ha furin albaabka. Wac khadka caawimada haddii aad u baahan tahay."
    assert encoding(text) == GSM7
    assert segments(text) == 1


def test_it_moves_a_whole_text_to_ucs2_for_one_character():
    text = "a" * 100 + "ó"
    assert describe(text) == describe(text)  # frozen, comparable
    assert describe(text).encoding == UCS2
    assert segments(text) == 2
    assert segments("a" * 100 + "ò") == 1  # ò is in GSM-7


def test_it_treats_non_latin_scripts_as_ucs2():
    assert encoding("ኢትዮጵያ") == UCS2  # Ethiopic (Amharic, Oromo)
    assert encoding("مرحبا") == UCS2  # Arabic
    assert encoding("ΔΦΓΛΩΠΨΣΘΞ") == GSM7  # the Greek capitals GSM-7 carries


def test_it_reports_what_is_left_in_the_last_segment():
    assert describe("a" * 150).remaining == 10
    assert describe("a" * 160).remaining == 0
    assert describe("a" * 161).remaining == 153 - 8
