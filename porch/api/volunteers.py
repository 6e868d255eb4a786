"""The volunteers part of the v1 API: sites, slots, sign-ups and coverage.

Thin, like the rest of v1: reads through porch.volunteers.access (404 for
missing and forbidden alike), writes through porch.volunteers.actions. A body
that does not parse is 422. A well-formed request the slot cannot take (a
full shift, an overlapping sign-up, a day that has passed or on which the
slot does not run, a sign-up already cancelled) conflicts with the state of
the schedule, not with the schema: 409 with the translated message.
"""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Field, Path, Router, Schema, Status

from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut
from porch.volunteers import access, actions, importing
from porch.volunteers.models import Site

router = Router(tags=["volunteers"])


class SiteOut(Schema):
    code: str
    name: str
    kind: str
    organisation: str
    parent: str | None
    team: str | None
    kit: list[str]


class SlotOut(Schema):
    code: str
    site: str
    purpose: str
    weekdays: list[int]
    start_time: str
    end_time: str
    starts_on: datetime.date
    ends_on: datetime.date
    min_staff: int
    max_staff: int
    required_role: str
    required_course: str


class SignUpIn(Schema):
    day: datetime.date = Field(..., description="The day of the shift (YYYY-MM-DD).")


class SignUpOut(Schema):
    code: str
    slot: str
    site: str
    day: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    state: str


class CoverageOut(Schema):
    site: str
    slot: str
    day: datetime.date
    filled: int
    needed: int
    level: str


def _refused(error: DjangoValidationError):
    return Status(409, {"detail": " ".join(error.messages), "errors": []})


def _site_out(site: Site) -> dict:
    return {
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "organisation": site.organisation.code,
        "parent": site.parent.code if site.parent else None,
        "team": site.team.code if site.team else None,
        "kit": list(site.kit),
    }


def _slot_out(slot) -> dict:
    return {
        "code": slot.code,
        "site": slot.site.code,
        "purpose": slot.purpose,
        "weekdays": sorted(slot.weekday_set),
        "start_time": f"{slot.start_time:%H:%M}",
        "end_time": f"{slot.end_time:%H:%M}",
        "starts_on": slot.starts_on,
        "ends_on": slot.ends_on,
        "min_staff": slot.min_staff,
        "max_staff": slot.max_staff,
        "required_role": slot.required_role,
        "required_course": slot.required_course,
    }


def _signup_out(signup) -> dict:
    shift = signup.shift
    return {
        "code": signup.code,
        "slot": shift.slot.code,
        "site": shift.slot.site.code,
        "day": shift.date,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "state": signup.state,
    }


@router.get("/sites", url_name="volunteers-sites", response={200: list[SiteOut], 401: ErrorOut})
def sites(request):
    found = access.sites_visible_to(request.auth).select_related("organisation", "parent", "team")
    return [_site_out(site) for site in found]


@router.get("/sites/{code}", url_name="volunteers-site", response={200: SiteOut, **COMMON})
def site(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _site_out(access.get_site_for_user(request.auth, code))


@router.get(
    "/sites/{code}/slots", url_name="volunteers-slots", response={200: list[SlotOut], **COMMON}
)
def slots(request, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_site_for_user(request.auth, code)
    return [_slot_out(slot) for slot in access.slots_of(found).select_related("site")]


@router.get(
    "/signups", url_name="volunteers-signups", response={200: list[SignUpOut], 401: ErrorOut}
)
def my_signups(request):
    return [_signup_out(signup) for signup in access.my_signups(request.auth)]


@router.post(
    "/slots/{code}/signups",
    url_name="volunteers-sign-up",
    response={201: SignUpOut, 400: ErrorOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def sign_up(request, payload: SignUpIn, code: str = Path(..., pattern=CODE_PATTERN)):
    slot = access.get_slot_for_user(request.auth, code)
    try:
        signup = actions.do_sign_up(slot, payload.day, volunteer=request.auth, actor=request.auth)
    except PermissionDenied:
        raise Http404 from None
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, _signup_out(signup))


@router.post(
    "/signups/{code}/cancel",
    url_name="volunteers-cancel",
    response={200: SignUpOut, 400: ErrorOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def cancel(request, code: str = Path(..., pattern=CODE_PATTERN)):
    signup = access.get_signup_for_user(request.auth, code)
    try:
        actions.do_cancel_signup(signup, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _signup_out(signup)


@router.get(
    "/organisations/{code}/coverage",
    url_name="volunteers-coverage",
    response={200: list[CoverageOut], **COMMON},
)
def coverage(request, code: str = Path(..., pattern=CODE_PATTERN)):
    organisation = access.get_coordinated_organisation(request.auth, code)
    entries = access.coverage(Site.objects.live().filter(organisation=organisation))
    return [
        {
            "site": entry.site.code,
            "slot": row.slot.code,
            "day": row.day,
            "filled": row.filled,
            "needed": row.needed,
            "level": row.level,
        }
        for entry in entries
        for row in entry.rows
    ]


# ---- Importing a volunteer sheet (porch.volunteers.importing) -------------------------


ImportField = Literal["", "handle", "phone", "email", "languages", "zones", "roles"]


class ImportIn(Schema):
    # The size cap is in bytes and checked by importing.read_sheet (409 with
    # a translated message), not as a schema max_length: a length in
    # characters is counted differently by JSON clients (a surrogate pair is
    # two characters to some, one to Python) and fuzzing tripped on it.
    sheet: str = Field(
        ...,
        description="The sheet as CSV text (UTF-8), at most 512 KB; the first row names "
        "the columns.",
    )
    mapping: dict[str, Literal["", "handle", "phone", "email", "languages", "zones", "roles"]] = (
        Field(
            default_factory=dict,
            description="Column name → handle, phone, email, languages, zones, roles or '' "
            "(ignore). Empty: guessed from the column names. Refused columns never map.",
        )
    )
    confirm: bool = Field(False, description="False: a dry run. True: import, all or nothing.")


class RefusedColumnOut(Schema):
    column: str
    reason: str


class ImportOut(Schema):
    would_create: int
    problems: list[str]
    refused: list[RefusedColumnOut]
    ignored: list[str]
    created: list[str]


@router.post(
    "/organisations/{code}/import",
    url_name="volunteers-import",
    response={200: ImportOut, 400: ErrorOut, 409: ErrorOut, 413: ErrorOut, **COMMON},
)
def import_sheet(request, payload: ImportIn, code: str = Path(..., pattern=CODE_PATTERN)):
    """Dry run (default) or import of an organisation's volunteer sheet, for
    its coordinators. A sheet that cannot be read, or (on confirm) has any
    bad row, conflicts with what an import needs: 409, nothing imported."""
    organisation = access.get_coordinated_organisation(request.auth, code)
    try:
        sheet = importing.read_sheet(payload.sheet)
    except DjangoValidationError as error:
        return Status(409, {"detail": " ".join(error.messages)})
    data: dict[str, str]
    if payload.mapping:
        data = {
            f"col_{index}": str(payload.mapping.get(header, ""))
            for index, header in enumerate(sheet.headers)
        }
    else:
        data = importing.guess_mapping(sheet.headers)
    chosen = importing.mapping_from(data, sheet.headers)
    report = importing.plan(organisation, sheet, chosen)
    created = []
    if payload.confirm:
        try:
            created = importing.do_import_volunteers(
                organisation, sheet, chosen, actor=request.auth
            )
        except PermissionDenied:
            raise Http404 from None
        except DjangoValidationError as error:
            return Status(409, {"detail": " ".join(error.messages)})
    return {
        "would_create": len(report.people),
        "problems": report.problems,
        "refused": [{"column": c, "reason": r} for c, r in report.refused],
        "ignored": report.ignored,
        "created": [user.handle for user in created],
    }
