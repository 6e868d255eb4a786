"""Messaging endpoints of the v1 API: subscriber lists, broadcasts, all-clears.

Lists are named by their owner's code (an organisation's, or the
coalition's for its own list), as on the pages. Numbers never appear in an
answer: subscribers are codes, zones, language and state.
"""

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Field, Path, Router, Schema, Status
from pydantic import StringConstraints

from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut
from porch.api.v1 import _refused
from porch.messaging import access, actions
from porch.messaging.models import Medium, Subscriber

router = Router(tags=["messaging"])

LANGUAGE_PATTERN = r"^(en|es|so|hmn)$"
ZoneCode = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]


class SubscriberOut(Schema):
    code: str
    medium: str
    language: str
    state: str
    source: str
    consent_noted: str
    zones: list[str]


class SubscriberIn(Schema):
    address: str = Field(..., min_length=1, max_length=254, pattern=r"^[^\x00-\x1f\x7f]+$")
    medium: str = Field(Medium.SMS, pattern=r"^(sms|email)$")
    zones: list[ZoneCode] = Field(..., min_length=1, max_length=50)
    language: str = Field(..., pattern=LANGUAGE_PATTERN)
    consent_noted: str = Field(..., pattern=r"^(in_person|paper_form|phone_call)$")


class BroadcastIn(Schema):
    zones: list[ZoneCode] = Field(..., min_length=1, max_length=50)
    template: str = Field(..., pattern=r"^(alert|reminder)$")
    advice: str = Field("", pattern=r"^(|stay_inside|know_rights|avoid_area)$")


class CountsOut(Schema):
    queued: int
    sending: int
    sent: int
    delivered: int
    failed: int


class BroadcastOut(Schema):
    code: str
    kind: str
    template: str
    zones: list[str]
    original: str | None
    audience_size: int
    created_on: str
    time_bucket: str
    closed: bool
    counts: CountsOut


def _subscriber_out(subscriber) -> dict:
    return {
        "code": subscriber.code,
        "medium": subscriber.medium,
        "language": subscriber.language,
        "state": subscriber.state,
        "source": subscriber.source,
        "consent_noted": subscriber.consent_noted,
        "zones": sorted(zone.code for zone in subscriber.zones.all()),
    }


def _broadcast_out(broadcast) -> dict:
    return {
        "code": broadcast.code,
        "kind": broadcast.kind,
        "template": broadcast.template_key,
        "zones": sorted(zone.code for zone in broadcast.zones.all()),
        "original": broadcast.original.code if broadcast.original else None,
        "audience_size": broadcast.audience_size,
        "created_on": broadcast.created_on.isoformat(),
        "time_bucket": broadcast.time_bucket,
        "closed": broadcast.closed_on is not None,
        "counts": broadcast.counts(),
    }


def _zones(codes: list[str]):
    """Zones named by code; an unknown code is a missing object, so 404."""
    zones = list(access.zones().filter(code__in=codes))
    if len(zones) != len(set(codes)):
        raise Http404
    return zones


@router.get("/lists/{code}/subscribers", response={200: list[SubscriberOut], **COMMON})
def subscribers(request, code: str = Path(..., pattern=CODE_PATTERN)):
    subscriber_list = access.get_list_for_user(request.auth, code)
    return [_subscriber_out(s) for s in access.subscribers_of(subscriber_list)[:500]]


@router.post(
    "/lists/{code}/subscribers",
    response={201: SubscriberOut, 400: ErrorOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def add_subscriber(request, payload: SubscriberIn, code: str = Path(..., pattern=CODE_PATTERN)):
    subscriber_list = access.get_list_for_user(request.auth, code)
    try:
        subscriber = actions.do_subscribe(
            organisation=subscriber_list.organisation,
            address=payload.address,
            medium=payload.medium,
            zones=_zones(payload.zones),
            language=payload.language,
            source=Subscriber.Source.ORGANISER,
            consent_noted=payload.consent_noted,
            actor=request.auth,
        )
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, _subscriber_out(subscriber))


@router.get("/lists/{code}/broadcasts", response={200: list[BroadcastOut], **COMMON})
def broadcasts(request, code: str = Path(..., pattern=CODE_PATTERN)):
    subscriber_list = access.get_list_for_user(request.auth, code)
    return [_broadcast_out(b) for b in access.broadcasts_of(subscriber_list)[:100]]


@router.post(
    "/lists/{code}/broadcasts",
    response={201: BroadcastOut, 400: ErrorOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def create_broadcast(request, payload: BroadcastIn, code: str = Path(..., pattern=CODE_PATTERN)):
    subscriber_list = access.get_list_for_user(request.auth, code)
    try:
        broadcast = actions.do_broadcast(
            _zones(payload.zones),
            payload.template,
            advice=payload.advice,
            organisation=subscriber_list.organisation,
            actor=request.auth,
        )
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, _broadcast_out(broadcast))


@router.get("/broadcasts/{code}", response={200: BroadcastOut, **COMMON})
def broadcast(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _broadcast_out(access.get_broadcast_for_user(request.auth, code))


def _follow_up(request, code, do):
    original = access.get_broadcast_for_user(request.auth, code)
    try:
        follow_up = do(original, actor=request.auth)
    except DjangoValidationError as error:
        return Status(409, {"detail": " ".join(error.messages), "errors": []})
    return Status(201, _broadcast_out(follow_up))


@router.post(
    "/broadcasts/{code}/all-clear",
    response={201: BroadcastOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def all_clear(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _follow_up(request, code, actions.do_send_all_clear)


@router.post(
    "/broadcasts/{code}/correction",
    response={201: BroadcastOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def correction(request, code: str = Path(..., pattern=CODE_PATTERN)):
    return _follow_up(request, code, actions.do_send_correction)
