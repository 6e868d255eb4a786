"""The legal part of the v1 API: handoffs and follow-up cases (issue 7, W3).

Thin: reads through porch.response.cases.access (only the organisation's
legal partner; 404 for missing and forbidden alike), writes through
porch.response.cases.actions. Any active member may send a handoff to their
organisation. The queue lists zone, time bucket and status only; the sealed
texts are in a handoff's own answer. Media uploads stay on the web page,
where the streaming encrypt-on-write handler runs. There is no search.
"""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut
from porch.response import access as response_access
from porch.response.cases import access, actions
from porch.response.cases.models import FollowUpCase, LegalHandoff, Need, TimeBucket

router = Router(tags=["legal"])

TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"


class HandoffIn(Schema):
    zone: str | None = Field(None, pattern=CODE_PATTERN)
    time_bucket: str = Field(..., pattern="^(" + "|".join(TimeBucket.values) + ")$")
    what_happened: str = Field(..., min_length=1, max_length=2000, pattern=TEXT_PATTERN)
    contact_route: str = Field(..., min_length=1, max_length=200, pattern=LINE_PATTERN)


class HandoffSentOut(Schema):
    sent: bool


class HandoffRowOut(Schema):
    code: str
    organisation: str
    zone: str | None
    time_bucket: str
    source: str
    status: str
    created_on: datetime.date
    case: str | None


class HandoffOut(HandoffRowOut):
    what_happened: str | None
    contact_route: str | None
    entries: int
    media: int


class NeedIn(Schema):
    need: str = Field(..., pattern="^(" + "|".join(Need.values) + ")$")
    owner: str = Field(..., min_length=1, max_length=40, pattern=LINE_PATTERN)
    due_on: datetime.date
    details: str = Field("", max_length=500, pattern=TEXT_PATTERN)
    callback_number: str = Field("", max_length=40, pattern=LINE_PATTERN)
    household_size: int = Field(1, ge=1, le=20)


class NeedOut(Schema):
    code: str
    need: str
    owner: str | None
    due_on: datetime.date
    done: bool
    details: str | None
    aid_request: str | None


class CaseOut(Schema):
    code: str
    handoff: str | None
    zone: str | None
    status: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    hold_until: datetime.datetime | None
    counts: dict
    needs: list[NeedOut]


class CaseCloseIn(Schema):
    legal_hold: bool = False


def _refused(error: DjangoValidationError):
    return Status(409, {"detail": " ".join(error.messages), "errors": []})


def _invalid(error: DjangoValidationError):
    return Status(422, {"detail": " ".join(error.messages), "errors": []})


def _row(handoff: LegalHandoff) -> dict:
    try:
        case = handoff.case.code
    except FollowUpCase.DoesNotExist:
        case = None
    return {
        "code": handoff.code,
        "organisation": handoff.organisation.code,
        "zone": handoff.zone.code if handoff.zone else None,
        "time_bucket": handoff.time_bucket,
        "source": handoff.source,
        "status": handoff.status,
        "created_on": handoff.created_at.date(),
        "case": case,
    }


def _handoff_out(handoff: LegalHandoff) -> dict:
    return {
        **_row(handoff),
        "what_happened": handoff.what_happened,
        "contact_route": handoff.contact_route,
        "entries": handoff.entries.count(),
        "media": handoff.media.count(),
    }


def _case_out(case: FollowUpCase) -> dict:
    needs = [
        {
            "code": item.code,
            "need": item.need,
            "owner": item.owner.handle if item.owner else None,
            "due_on": item.due_on,
            "done": item.done,
            "details": item.details,
            "aid_request": item.aid_request_code or None,
        }
        for item in case.items.select_related("owner", "subject")
    ]
    return {
        "code": case.code,
        "handoff": case.handoff.code if case.handoff else None,
        "zone": case.zone.code if case.zone else None,
        "status": case.status,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "hold_until": case.hold_until,
        "counts": case.counts,
        "needs": needs,
    }


@router.post(
    "/organisations/{code}/handoffs",
    url_name="legal-handoff-create",
    response={201: HandoffSentOut, 400: ErrorOut, **COMMON},
)
def create_handoff(request, payload: HandoffIn, code: str = Path(..., pattern=CODE_PATTERN)):
    """A person detained: sent to the organisation's legal partner. The
    sender gets no code back: only the legal partner reads handoffs."""
    from porch.coalition.models import Zone

    organisation = response_access.get_member_organisation(request.auth, code)
    zone = None
    if payload.zone:
        zone = Zone.objects.filter(
            code=payload.zone, region__coalition=organisation.coalition
        ).first()
        if zone is None:
            detail = _("Choose a zone of your coalition.")
            return Status(422, {"detail": detail, "errors": [{"loc": ["zone"], "type": "unknown"}]})
    try:
        actions.do_create_handoff(
            organisation,
            zone=zone,
            time_bucket=payload.time_bucket,
            what_happened=payload.what_happened,
            contact_route=payload.contact_route,
            actor=request.auth,
        )
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(201, {"sent": True})


@router.get(
    "/handoffs", url_name="legal-handoffs", response={200: list[HandoffRowOut], 401: ErrorOut}
)
def handoffs(request):
    rows = (
        access.handoffs_visible_to(request.auth)
        .exclude(status=LegalHandoff.Status.PURGED)
        .select_related("zone", "organisation", "case")
        .order_by("-created_at")[:200]
    )
    return [_row(h) for h in rows]


@router.get("/handoffs/{code}", url_name="legal-handoff", response={200: HandoffOut, **COMMON})
def handoff(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _handoff_out(access.get_handoff_for_user(request.auth, code))


@router.post(
    "/handoffs/{code}/accept",
    url_name="legal-handoff-accept",
    response={200: HandoffOut, 409: InvalidOut, **COMMON},
)
def accept_handoff(request, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_handoff_for_user(request.auth, code)
    try:
        done = actions.do_accept_handoff(found, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _handoff_out(done)


@router.post(
    "/handoffs/{code}/case",
    url_name="legal-handoff-case",
    response={201: CaseOut, 409: InvalidOut, **COMMON},
)
def open_case(request, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_handoff_for_user(request.auth, code)
    try:
        case = actions.do_open_case(found, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, _case_out(case))


@router.get("/cases/{code}", url_name="legal-case", response={200: CaseOut, **COMMON})
def case(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _case_out(access.get_case_for_user(request.auth, code))


@router.post(
    "/cases/{code}/needs",
    url_name="legal-case-need",
    response={201: NeedOut, 400: ErrorOut, 409: InvalidOut, **COMMON},
)
def add_need(request, payload: NeedIn, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_case_for_user(request.auth, code)
    if found.status != FollowUpCase.Status.OPEN:
        return _refused(DjangoValidationError(_("This case is closed.")))
    try:
        item = actions.do_add_need(
            found,
            need=payload.need,
            owner_handle=payload.owner,
            due_on=payload.due_on,
            details=payload.details,
            callback_number=payload.callback_number,
            household_size=payload.household_size,
            actor=request.auth,
        )
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(
        201,
        {
            "code": item.code,
            "need": item.need,
            "owner": item.owner.handle if item.owner else None,
            "due_on": item.due_on,
            "done": item.done,
            "details": item.details,
            "aid_request": item.aid_request_code or None,
        },
    )


@router.post(
    "/cases/{code}/close",
    url_name="legal-case-close",
    response={200: CaseOut, 400: ErrorOut, 409: InvalidOut, **COMMON},
)
def close_case(request, payload: CaseCloseIn, code: str = Path(..., pattern=CODE_PATTERN)):
    found = access.get_case_for_user(request.auth, code)
    try:
        done = actions.do_close_case(found, legal_hold=payload.legal_hold, actor=request.auth)
    except DjangoValidationError as error:
        return _refused(error)
    return _case_out(done)
