"""Importing an organisation's existing request sheet (Airtable or Google
Sheets CSV export) into aid requests (issue 6, item 8).

Design note. The sheet is read in memory only, with a size cap (R19): the web
view keeps uploads out of temporary files (porch/aid/uploads.py), the API takes
the text in its body, the command reads the file the coordinator names.
Nothing is kept between the steps: upload → column mapping → dry run →
import, each step carries the sheet's text. The dry run lists every bad row
with translated reasons (row numbers and reasons only: no cell is echoed).
The import is one transaction and refuses the whole sheet while any row is
bad, so nothing is ever half-imported. Each row becomes a request through
`actions.do_create_request`, exactly like an intake call: the callback number
is sealed in the vault under the household's own key and only its keyed hash
finds duplicates. A row already imported (same keyed hash of its content) is
skipped, so importing the same export twice adds nothing.

Only what a request needs is mapped: callback number, zone or cross streets,
household size, needs, diet, language, when someone is home, urgency. Names
and addresses are never imported (the address comes at callback, R31). A
sheet with a column about immigration status, birth country or nationality,
identity numbers or children's names is refused whole, whatever mapping is
asked for (THREAT_MODEL guardrails).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from porch.accounts.models import hash_secret
from porch.aid import actions
from porch.aid.models import (
    HOUSEHOLD_LANGUAGES,
    AidRequest,
    Diet,
    HomeTimes,
    ImportedRow,
    Need,
    Urgency,
)
from porch.coalition.models import Zone
from porch.core import audit

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60

FIELDS = (
    ("callback_number", gettext_lazy("Callback number")),
    ("zone", gettext_lazy("Zone")),
    ("cross_streets", gettext_lazy("Nearest cross streets")),
    ("household_size", gettext_lazy("People in the household")),
    ("needs", gettext_lazy("Needs")),
    ("diet", gettext_lazy("Diet")),
    ("language", gettext_lazy("Language")),
    ("home_times", gettext_lazy("When someone is home")),
    ("urgency", gettext_lazy("Urgency")),
)
FIELD_CODES = tuple(code for code, _label in FIELDS)

# Header words naming data Porch never keeps, matched on the lower-cased
# header with spaces, dashes, dots, apostrophes and underscores removed.
_REFUSED = (
    (
        re.compile(
            r"immigra|visa|citizen|legalstatus|documented|daca|asylum|refugee|anumber|alien|uscis"
        ),
        gettext_lazy("Immigration status is never stored in Porch."),
    ),
    (
        re.compile(r"birthcountry|countryofbirth|placeofbirth|bornin|birthplace|nationality"),
        gettext_lazy("Birth country and nationality are never stored in Porch."),
    ),
    (
        re.compile(r"(child|children|kid|kids|son|daughter)s?names?|namesof(the)?(child|kid)"),
        gettext_lazy("Children's names are never stored in Porch."),
    ),
    (
        re.compile(r"ssn|socialsecurity|passport|itin|idnumber"),
        gettext_lazy("Identity numbers are never stored in Porch."),
    ),
)
_GUESSES = (
    ("callback_number", ("phone", "callback", "mobile", "cell", "tel", "number", "whatsapp")),
    ("zone", ("zone", "neighbourhood", "neighborhood", "area", "ward")),
    ("cross_streets", ("cross", "intersection", "corner")),
    ("household_size", ("household", "size", "people", "persons", "adults")),
    ("needs", ("need", "items", "request")),
    ("diet", ("diet", "allerg", "restriction")),
    ("language", ("language", "lang", "idioma")),
    ("home_times", ("home", "when", "available", "time")),
    ("urgency", ("urgen", "priority")),
)
_SPLIT = re.compile(r"[;,/|]")


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-.'’()]", "", (text or "").lower())


def refused_reason(header: str) -> str | None:
    squashed = _squash(header)
    for pattern, reason in _REFUSED:
        if pattern.search(squashed):
            return str(reason)
    return None


def too_large_message() -> str:
    return _("The file is too large. Import at most %(kb)d KB (%(rows)d rows) at a time.") % {
        "kb": MAX_BYTES // 1024,
        "rows": MAX_ROWS,
    }


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[str]]


def read_sheet(text: str) -> Sheet:
    """Parse the CSV text; refuse a sheet that is too large or names a column
    Porch never stores (the whole sheet, before any mapping)."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates, from a JSON body
        raise ValidationError(
            _("This is not a CSV file. Save the sheet as CSV and try again.")
        ) from None
    if size > MAX_BYTES:
        raise ValidationError(too_large_message())
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if not rows:
        raise ValidationError(_("The sheet is empty. Export it as CSV with a header row."))
    headers = [h.strip() for h in rows[0]]
    if len(headers) > MAX_COLUMNS:
        raise ValidationError(
            _("The sheet has more than %(most)d columns.") % {"most": MAX_COLUMNS}
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(too_large_message())
    refused = [(h, refused_reason(h)) for h in headers if refused_reason(h)]
    if refused:
        raise ValidationError(
            [
                _(
                    "Nothing was imported: the column “%(column)s” must not be uploaded. "
                    "%(reason)s Delete the column from the sheet and upload it again."
                )
                % {"column": column[:60], "reason": reason}
                for column, reason in refused
            ]
        )
    return Sheet(headers=headers, rows=[row + [""] * (len(headers) - len(row)) for row in rows[1:]])


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not a CSV text file."))


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """A first mapping from the header names; the coordinator checks it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for code, words in _GUESSES:
        for header in headers:
            squashed = _squash(header)
            if header not in taken and any(w in squashed for w in words):
                mapping[code] = header
                taken.add(header)
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in mapping.items() if k in FIELD_CODES and v}
    unknown = [v for v in clean.values() if v not in headers]
    if unknown:
        raise ValidationError(_("Choose columns of the sheet for the mapping."))
    if "callback_number" not in clean:
        raise ValidationError(_("Choose the column with the callback number."))
    if "zone" not in clean and "cross_streets" not in clean:
        raise ValidationError(_("Choose the column with the zone or the cross streets."))
    if len(set(clean.values())) != len(clean):
        raise ValidationError(_("Use each column of the sheet for one field only."))
    return clean


# ---- Values -------------------------------------------------------------------------------


def _lookup(choices, raw: str):
    """A choice by its code or its label (English or current language), any case."""
    value = raw.strip().lower()
    for code, label in choices:
        if value in (str(code).lower(), str(label).lower()):
            return code
    return None


def _choice(choices, raw: str, default, message):
    if not raw.strip():
        return default
    found = _lookup(choices, raw)
    if found is None:
        raise ValidationError(message)
    return found


@dataclass
class Row:
    number: int  # as in the spreadsheet: the header is row 1
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    row_hash: str = ""
    already: bool = False


def _parse(organisation, number: int, cells: dict[str, str], zones) -> Row:
    row = Row(number=number)
    errors = row.errors

    def attempt(fn):
        try:
            return fn()
        except ValidationError as error:
            errors.extend(error.messages)
            return None

    number_text = cells.get("callback_number", "").strip()
    if not number_text:
        errors.append(_("The callback number is empty."))
        callback = None
    else:
        callback = attempt(lambda: actions.normalise_number(number_text))
    zone = None
    zone_text = cells.get("zone", "").strip()
    if zone_text:
        zone = zones.get(zone_text.lower())
        if zone is None:
            errors.append(_("There is no zone with that name or code."))
    cross = cells.get("cross_streets", "").strip()[:200]
    if zone is None and not cross and not zone_text:
        errors.append(_("Give the zone or the nearest cross streets."))
    size_text = cells.get("household_size", "").strip() or "1"
    size = None
    if re.fullmatch(r"\d{1,3}", size_text) and 1 <= int(size_text) <= actions.MAX_HOUSEHOLD:
        size = int(size_text)
    else:
        errors.append(
            _("A household has between 1 and %(most)s people.") % {"most": actions.MAX_HOUSEHOLD}
        )
    needs = []
    for part in _SPLIT.split(cells.get("needs", "")):
        if part.strip():
            found = _lookup(Need.choices, part)
            if found is None:
                errors.append(_("Choose needs from the list."))
                break
            needs.append(found)
    diet = attempt(
        lambda: _choice(
            Diet.choices, cells.get("diet", ""), Diet.ANY, _("Choose a diet from the list.")
        )
    )
    language = attempt(
        lambda: _choice(
            HOUSEHOLD_LANGUAGES,
            cells.get("language", ""),
            "en",
            _("Choose a language from the list."),
        )
    )
    home_times = attempt(
        lambda: _choice(
            HomeTimes.choices,
            cells.get("home_times", ""),
            HomeTimes.ANY,
            _("Choose when someone is home from the list."),
        )
    )
    urgency = attempt(
        lambda: _choice(
            Urgency.choices,
            cells.get("urgency", ""),
            Urgency.ROUTINE,
            _("Choose an urgency from the list."),
        )
    )
    row.values = {
        "callback_number": callback,
        "zone": zone,
        "cross_streets": cross,
        "household_size": size,
        "needs": needs,
        "diet": diet,
        "language": language,
        "home_times": home_times,
        "urgency": urgency,
    }
    content = "\x1f".join(cells.get(code, "").strip() for code in FIELD_CODES)
    row.row_hash = hash_secret(f"{organisation.code}:aid-import:{content}")
    return row


@dataclass
class Report:
    rows: list[Row]
    imported: int = 0

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if r.already and not r.errors)

    @property
    def ready(self) -> int:
        return sum(1 for r in self.rows if not r.errors and not r.already)


def dry_run(organisation, sheet: Sheet, mapping: dict[str, str]) -> Report:
    """Every row checked as the import would; nothing written."""
    mapping = check_mapping(sheet.headers, mapping)
    index = {code: sheet.headers.index(column) for code, column in mapping.items()}
    zones = {}
    for zone in Zone.objects.all():
        zones[zone.code.lower()] = zone
        zones[zone.name.lower()] = zone
    rows = []
    for offset, cells in enumerate(sheet.rows, start=2):
        values = {code: cells[i] for code, i in index.items()}
        rows.append(_parse(organisation, offset, values, zones))
    seen = set(
        ImportedRow.objects.filter(
            organisation=organisation, row_hash__in=[r.row_hash for r in rows]
        ).values_list("row_hash", flat=True)
    )
    repeated: set[str] = set()
    for row in rows:
        row.already = row.row_hash in seen or row.row_hash in repeated
        repeated.add(row.row_hash)
    return Report(rows=rows)


def do_import(organisation, sheet: Sheet, mapping: dict[str, str], *, actor) -> Report:
    """One transaction: every good row becomes a request, or none does."""
    report = dry_run(organisation, sheet, mapping)
    if report.bad:
        raise ValidationError(
            _("Nothing was imported: %(count)d rows have problems. Fix them and try again.")
            % {"count": len(report.bad)}
        )
    with transaction.atomic():
        for row in report.rows:
            if row.already:
                continue
            request = actions.do_create_request(
                organisation,
                source=AidRequest.Source.IMPORT,
                actor=actor,
                **row.values,
            )
            ImportedRow.objects.create(
                organisation=organisation, row_hash=row.row_hash, request=request
            )
            report.imported += 1
        audit.record(actor, "aid.requests.imported", organisation=organisation)
    return report
