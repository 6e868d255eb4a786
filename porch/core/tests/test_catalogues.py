"""Porch's own catalogues (locale/): complete Spanish, exact placeholders, right
plural counts, msgfmt-clean, compiled, and actually used by the pages.

docs/translations.md says how the catalogues are kept; these tests are the
checks it promises. The .po files are read with the small parser below (no
new dependency); gettext's msgfmt does the compiler-level checks.
"""

import ast
import gettext
import html
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGS = ("es", "so", "hmn")
# Spanish matches Django's own es catalogue (one, many, other); Somali has one
# and other; Hmong nouns do not change with numbers.
NPLURALS = {"es": 3, "so": 2, "hmn": 1}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


PO_LINE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")')


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags.

    Obsolete (#~) entries are returned with "obsolete" set so a test can refuse them.
    """
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple | None = None

    def finish():
        nonlocal entry
        if entry is not None and "msgid" in entry:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "line": number}
        if line.startswith("#~"):
            entry["obsolete"] = True
            line = line[2:].strip()
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += text
            else:
                entry[field[0]] += text
        else:
            match = re.fullmatch(
                r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")', line
            )
            assert match, f"{path}:{number}: cannot read {raw!r}"
            key, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if key == "msgstr":
                field = ("msgstr", int(index or 0))
                entry["msgstr"][field[1]] = text
            else:
                field = (key,)
                entry[key] = text
    finish()
    return entries


def header(entries: list[dict]) -> dict[str, str]:
    first = entries[0]
    assert first["msgid"] == "", "the header entry must come first"
    lines = first["msgstr"][0].split("\n")
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def messages(lang: str) -> list[dict]:
    return parse_po(po_path(lang))[1:]


def where(lang: str, entry: dict) -> str:
    return f"locale/{lang}/LC_MESSAGES/django.po:{entry['line']} {entry['msgid']!r}"


# %(name)s, %s, %d, %05.2f … but not the literal %%.
PYTHON_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"
)
BRACE_FORMAT = re.compile(r"(?<!\{)\{(?!\{)([^{}]*)\}(?!\})")
TAG = re.compile(r"<[^<>]+>")


def placeholders(text: str, flags: set[str]) -> Counter:
    found: Counter = Counter()
    # %-placeholders count everywhere except in brace-format strings, so a
    # translation cannot add one to an entry whose English has none.
    if "python-brace-format" not in flags:
        found.update(("%", m.group(0)) for m in PYTHON_FORMAT.finditer(text) if m.group(0) != "%%")
    found.update(("{}", m.group(1)) for m in BRACE_FORMAT.finditer(text))
    found.update(("<>", m.group(0)) for m in TAG.finditer(text))
    return found


def test_parser_reads_the_shapes_the_catalogues_use(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Language: xx\\n"',
                '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
                "",
                "#: a.py:1",
                "#, python-format",
                'msgid "%(n)s \\"day\\""',
                'msgid_plural "%(n)s days"',
                'msgstr[0] "%(n)s día"',
                'msgstr[1] ""',
                '"%(n)s "',
                '"días"',
                "",
                "#, fuzzy",
                'msgid "Hi"',
                'msgstr "Hola"',
                "",
                '#~ msgid "Old"',
                '#~ msgstr "Viejo"',
            ]
        ),
        encoding="utf-8",
    )
    entries = parse_po(sample)
    assert header(entries) == {"Language": "xx", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    plural, fuzzy, obsolete = entries[1:]
    assert plural["msgid"] == '%(n)s "day"'
    assert plural["msgstr"] == {0: "%(n)s día", 1: "%(n)s días"}
    assert "python-format" in plural["flags"] and "fuzzy" in fuzzy["flags"]
    assert obsolete.get("obsolete")
    assert placeholders("%(n)s of %d, 100%% {who} <b>", {"python-format"}) == Counter(
        {("%", "%(n)s"): 1, ("%", "%d"): 1, ("{}", "who"): 1, ("<>", "<b>"): 1}
    )


@pytest.mark.parametrize("lang", LANGS)
def test_msgfmt_accepts_the_catalogue(lang):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_path(lang))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_header_names_the_language_and_its_plural_forms(lang):
    meta = header(parse_po(po_path(lang)))
    assert meta["Language"] == lang
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert re.match(rf"nplurals={NPLURALS[lang]};", meta["Plural-Forms"]), meta["Plural-Forms"]


def test_spanish_is_complete():
    problems = []
    for entry in messages("es"):
        if "fuzzy" in entry["flags"]:
            problems.append("fuzzy: " + where("es", entry))
        if entry.get("obsolete"):
            problems.append("obsolete: " + where("es", entry))
        if any(not text.strip() for text in entry["msgstr"].values()):
            problems.append("untranslated: " + where("es", entry))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ("so", "hmn"))
def test_drafts_have_no_fuzzy_entries(lang):
    # A fuzzy entry is never compiled: the page would silently show English.
    # Draft status lives in docs/translations.md, not in fuzzy flags.
    fuzzy = [where(lang, e) for e in messages(lang) if "fuzzy" in e["flags"]]
    assert not fuzzy, "\n".join(fuzzy)


@pytest.mark.parametrize("lang", LANGS)
def test_every_translation_keeps_the_placeholders_of_its_english(lang):
    problems = []
    for entry in messages(lang):
        flags = entry["flags"]
        for index, text in entry["msgstr"].items():
            if not text:
                continue
            # Each plural form carries the placeholders of the English form it
            # stands for: the singular for form 0 (when there is more than one).
            source = entry["msgid"]
            if "msgid_plural" in entry and (index > 0 or NPLURALS[lang] == 1):
                source = entry["msgid_plural"]
            want, got = placeholders(source, flags), placeholders(text, flags)
            if want != got:
                problems.append(
                    f"{where(lang, entry)} msgstr[{index}]: expected {sorted(want.elements())}, "
                    f"found {sorted(got.elements())}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_plural_entries_have_exactly_the_forms_the_language_has(lang):
    problems = []
    for entry in messages(lang):
        indexes = sorted(entry["msgstr"])
        expected = list(range(NPLURALS[lang])) if "msgid_plural" in entry else [0]
        if indexes != expected:
            problems.append(f"{where(lang, entry)}: forms {indexes}, expected {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_is_current(lang, tmp_path):
    """The .mo Django loads says exactly what the .po says (`make messages`)."""
    compiled = po_path(lang).with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make messages`"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po_path(lang))], check=True)
    with compiled.open("rb") as old, fresh.open("rb") as new:
        assert gettext.GNUTranslations(old)._catalog == gettext.GNUTranslations(new)._catalog, (
            f"{compiled} is older than its .po: run `make messages`"
        )


# ---- The pages in Spanish ---------------------------------------------------


def english_sentences() -> dict[str, str]:
    """English msgid → Spanish, for every entry of two or more words whose text
    stands alone (no placeholders) and whose Spanish differs from the English."""
    found = {}
    for entry in messages("es"):
        english, spanish = entry["msgid"], entry["msgstr"].get(0, "")
        if "msgid_plural" in entry or placeholders(english, entry["flags"]):
            continue
        if len(english.split()) >= 2 and spanish and spanish != english:
            found[english] = spanish
    return found


def visible_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def english_on(page: str, sentences) -> list[str]:
    return sorted(s for s in sentences if s in page)


PAGES = {
    "sign-in": (
        None,
        "/login/",
        ["Iniciar sesión", "Su nombre de usuario es el nombre que Porch le dio al registrarse"],
    ),
    "sign-up": (
        None,
        "/signup/",
        ["Súmese al voluntariado de Porch", "No necesita dar su nombre.", "Idioma preferido"],
    ),
    "home of a coordinator": ("ana", "/", ["Hola, ana", "Sus roles", "Sus organizaciones"]),
    "home of a member waiting for vouches": (
        "pia",
        "/",
        ["Hola, pia", "Esperando avales", "Crear un código de aval nuevo"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_page_in_spanish_shows_no_english_sentence_from_the_catalogue(
    name, cast, client, signed_in
):
    who, url, spanish = PAGES[name]
    if who:
        signed_in(getattr(cast, who))
    sentences = english_sentences()

    english_page = visible_text(client.get(url, headers={"Accept-Language": "en"}))
    shown = english_on(english_page, sentences)
    # The check below can fail: in English these pages show catalogue sentences.
    assert len(shown) >= 2, shown

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = visible_text(client.get(url, headers={"Accept-Language": "en"}))
    assert '<html lang="es"' in page
    assert english_on(page, sentences) == []
    for text in spanish:
        assert text in page, f"{text!r} missing from the Spanish {name} page"
    for english in shown:
        assert sentences[english] in page, f"{sentences[english]!r} (for {english!r}) missing"
