"""Importing an organisation's existing volunteer sheet (CSV).

Design note. The sheet is read in memory only, with a size cap (R19): the
web view keeps uploads out of temporary files, the API takes the text in its
body, the command reads the file the coordinator names. Nothing is kept
between the steps: upload → column mapping and dry run → confirm, each step
carries the sheet's text. The import is one transaction and refuses the
whole sheet while any row is bad, so nothing is ever half-imported.

Only what volunteering needs is imported: a handle (made up when the sheet
has none), a contact route (phone or e-mail, sealed in the vault under the
person's own profile key like every contact), languages, zones and roles of
interest. Columns about immigration status, birth country or nationality,
children or family, identity numbers and the like are refused whatever
mapping is asked for, and the page says so; names are not imported either
(Porch is pseudonymous). Imported people are accounts waiting for vouches,
without a password.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from porch.accounts.models import User, generate_handle
from porch.accounts.roles import Role, TrustLevel
from porch.coalition.models import Membership, Zone
from porch.core import audit
from porch.volunteers import access
from porch.volunteers.models import Volunteer
from porch.volunteers.recruitment import LANGUAGES, RECRUIT_ROLES

MAX_BYTES = 512 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 40

IGNORE = ""
FIELDS = (
    (IGNORE, gettext_lazy("Do not import")),
    ("handle", gettext_lazy("Handle")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("E-mail")),
    ("languages", gettext_lazy("Languages")),
    ("zones", gettext_lazy("Zones")),
    ("roles", gettext_lazy("Roles of interest")),
)
FIELD_CODES = frozenset(code for code, _label in FIELDS)

# Header words that name data Porch never keeps (THREAT_MODEL guardrails).
# Matched on the lower-cased header with spaces, dashes and underscores removed.
_REFUSED = (
    (
        ("immigra", "visa", "citizen", "legalstatus", "documented", "daca", "asylum", "refugee"),
        gettext_lazy("Immigration status is never stored in Porch."),
    ),
    (
        ("anumber", "alien", "uscis", "ssn", "socialsecurity", "passport", "idnumber", "itin"),
        gettext_lazy("Identity and case numbers are never stored in Porch."),
    ),
    (
        ("birth", "born", "nationality", "origin", "dob"),
        gettext_lazy("Birth country, nationality and birth dates are never stored in Porch."),
    ),
    (
        ("child", "kid", "daughter", "family", "spouse", "pregnan"),
        gettext_lazy("Children's names and family details are never stored in Porch."),
    ),
    (
        ("name",),
        gettext_lazy("Names are not imported: Porch is pseudonymous and uses handles."),
    ),
    (
        ("address", "street"),
        gettext_lazy("Home addresses are not imported."),
    ),
)
_GUESSES = (
    ("handle", ("handle", "alias", "nickname", "pseudonym")),
    ("phone", ("phone", "mobile", "cell", "tel", "whatsapp", "signal")),
    ("email", ("email", "mail")),
    ("languages", ("language", "lang", "idioma")),
    ("zones", ("zone", "neighbourhood", "neighborhood", "area")),
    ("roles", ("role", "interest", "skill")),
)
_SPLIT = re.compile(r"[;,/|]")
_HANDLE = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{7,24}$")


def too_large_message() -> str:
    return _("The file is too large. Import at most %(kb)d KB (%(rows)d rows) at a time.") % {
        "kb": MAX_BYTES // 1024,
        "rows": MAX_ROWS,
    }


def _squash(header: str) -> str:
    return re.sub(r"[\s_\-.]", "", header.lower())


def refused_reason(header: str) -> str | None:
    squashed = _squash(header)
    for words, reason in _REFUSED:
        if any(word in squashed for word in words):
            # "handle" and "zone name" are fine; a header naming a contact route too.
            if words == ("name",) and any(
                ok in squashed for ok in ("handle", "zone", "username", "nickname")
            ):
                continue
            return str(reason)
    return None


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(too_large_message())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. Save the sheet as “CSV UTF-8” and upload it again.")
        ) from None


def read_sheet(text: str) -> Sheet:
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates, from a JSON body
        size = -1
    if size > MAX_BYTES:
        raise ValidationError(too_large_message())
    if size < 0 or "\x00" in text:
        raise ValidationError(_("This is not a CSV file. Save the sheet as CSV and try again."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if headers is None:
                headers = cells
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise ValidationError(too_large_message())
    except csv.Error:
        raise ValidationError(
            _("The file could not be read as CSV. Save the sheet as CSV and try again.")
        ) from None
    if not headers or not rows:
        raise ValidationError(
            _("The sheet needs a first row of column names and at least one volunteer.")
        )
    if len(headers) > MAX_COLUMNS:
        raise ValidationError(
            _("The sheet has more than %(count)d columns.") % {"count": MAX_COLUMNS}
        )
    lowered = [h.lower() for h in headers]
    if "" in lowered or len(set(lowered)) != len(lowered):
        raise ValidationError(_("Every column needs a name of its own in the first row."))
    return Sheet(headers, rows)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{"col_<i>": field} from the column names; refused columns are ignored."""
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        choice = IGNORE
        if refused_reason(header) is None:
            squashed = _squash(header)
            for code, words in _GUESSES:
                if code not in taken and any(word in squashed for word in words):
                    choice = code
                    taken.add(code)
                    break
        guessed[f"col_{index}"] = choice
    return guessed


def mapping_from(data: dict, headers: list[str]) -> dict[int, str]:
    """{column index: field} from form or API data; refused columns never map."""
    chosen: dict[int, str] = {}
    for index, header in enumerate(headers):
        code = data.get(f"col_{index}") or IGNORE
        if code != IGNORE and code in FIELD_CODES and refused_reason(header) is None:
            chosen[index] = code
    return chosen


def check_mapping(mapping: dict[int, str]) -> None:
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise ValidationError(_("Map each kind of information from one column only."))
    if "phone" not in used and "email" not in used:
        raise ValidationError(
            _("Map a phone or e-mail column: Porch needs a way to reach each person.")
        )


@dataclass
class Person:
    line: int
    handle: str  # empty: made up at import
    phone: str
    email: str
    languages: list[str]
    zones: list[Zone]
    roles: list[str]


@dataclass
class Report:
    people: list[Person] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    ignored: list[str] = field(default_factory=list)

    @property
    def importable(self) -> bool:
        return bool(self.people) and not self.problems


def _language_lookup() -> dict[str, str]:
    lookup = {}
    for code, label in LANGUAGES:
        lookup[code] = code
        lookup[str(label).lower()] = code
        with translation.override("en"):
            lookup[str(label).lower()] = code
    return lookup


def _role_lookup() -> dict[str, str]:
    lookup = {}
    for role in RECRUIT_ROLES:
        lookup[str(role)] = role
        lookup[str(Role(role).label).lower()] = role
        with translation.override("en"):
            lookup[str(Role(role).label).lower()] = role
    return lookup


def _values(cell: str) -> list[str]:
    return [value.strip() for value in _SPLIT.split(cell) if value.strip()]


def plan(organisation, sheet: Sheet, mapping: dict[int, str]) -> Report:
    """The dry run: who would be created and, line by line, what is wrong."""
    report = Report()
    for index, header in enumerate(sheet.headers):
        reason = refused_reason(header)
        if reason:
            report.refused.append((header, reason))
        elif index not in mapping:
            report.ignored.append(header)
    try:
        check_mapping(mapping)
    except ValidationError as error:
        report.problems.extend(error.messages)
        return report
    languages, roles = _language_lookup(), _role_lookup()
    zones = {zone.name.lower(): zone for zone in Zone.objects.all()}
    seen_handles: set[str] = set()
    seen_contacts: set[str] = set()
    wanted = {}
    for line, cells in sheet.rows:
        values = {code: (cells[i] if i < len(cells) else "") for i, code in mapping.items()}
        problems = []
        handle = values.get("handle", "").lower()
        if handle:
            if not _HANDLE.match(handle):
                problems.append(
                    _("the handle must be 3 to 40 letters, digits or dashes, without spaces")
                )
            elif handle in seen_handles:
                problems.append(_("this handle is already on another line"))
            seen_handles.add(handle)
        phone, email = values.get("phone", ""), values.get("email", "").lower()
        if not phone and not email:
            problems.append(_("no phone and no e-mail: Porch could not reach this person"))
        if phone and not _PHONE.match(phone):
            problems.append(_("the phone number is not one"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("the e-mail address is not one"))
        for contact in (phone, email):
            if contact and contact in seen_contacts:
                problems.append(_("this phone or e-mail is already on another line"))
            seen_contacts.add(contact)
        found_languages, found_zones, found_roles = [], [], []
        for value in _values(values.get("languages", "")):
            if value.lower() in languages:
                found_languages.append(languages[value.lower()])
            else:
                problems.append(_("unknown language “%(value)s”") % {"value": value[:40]})
        for value in _values(values.get("zones", "")):
            if value.lower() in zones:
                found_zones.append(zones[value.lower()])
            else:
                problems.append(_("unknown zone “%(value)s”") % {"value": value[:40]})
        for value in _values(values.get("roles", "")):
            if value.lower() in roles:
                found_roles.append(roles[value.lower()])
            else:
                problems.append(_("unknown role “%(value)s”") % {"value": value[:40]})
        if problems:
            report.problems.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        person = Person(
            line,
            handle,
            phone,
            email,
            list(dict.fromkeys(found_languages)),
            list(dict.fromkeys(found_zones)),
            list(dict.fromkeys(found_roles)),
        )
        report.people.append(person)
        if handle:
            wanted[handle] = person
    taken = set(User.objects.filter(handle__in=list(wanted)).values_list("handle", flat=True))
    for handle in sorted(taken, key=lambda h: wanted[h].line):
        person = wanted[handle]
        report.people.remove(person)
        report.problems.append(
            _("Line %(line)d: %(problems)s.")
            % {"line": person.line, "problems": _("this handle is taken")}
        )
    return report


def _free_handle() -> str:
    while User.objects.filter(handle=(handle := generate_handle())).exists():
        pass
    return handle


def do_import_volunteers(organisation, sheet: Sheet, mapping: dict[int, str], *, actor):
    """Create every person on the sheet, or nobody: the dry run is done again
    inside the transaction and any bad row refuses the whole sheet."""
    if not access.is_coordinator(actor, organisation):
        raise PermissionDenied
    today = timezone.localdate()
    created = []
    try:
        with transaction.atomic():
            report = plan(organisation, sheet, mapping)
            if not report.importable:
                raise ValidationError(report.problems or [_("The sheet has nobody to import.")])
            for person in report.people:
                user = User(
                    handle=person.handle or _free_handle(),
                    status=User.Status.PENDING,
                    trust_level=TrustLevel.VIEWER,
                    phone=person.phone or None,
                    email=person.email or None,
                )
                user.set_unusable_password()
                user.save()
                Membership.objects.create(
                    user=user, organisation=organisation, role=Role.VOLUNTEER, granted_by=actor
                )
                volunteer = Volunteer.objects.create(
                    user=user,
                    languages=person.languages,
                    roles_of_interest=person.roles,
                    recruited_on=today,
                    imported=True,
                )
                volunteer.zones.set(person.zones)
                audit.record(actor, "volunteer.imported", obj=user, organisation=organisation)
                created.append(user)
    except IntegrityError:
        raise ValidationError(
            _("Someone took one of these handles meanwhile. Nothing was imported; try again.")
        ) from None
    return created
