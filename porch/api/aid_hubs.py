"""Hubs part of the v1 API: a hub's stock and donation intake.

Thin: reads through porch.aid.hubs (404 for missing and forbidden alike),
writes through its actions. A body that does not parse is 422; a
well-formed donation the action refuses is 409 with the translated message.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Path, Router, Schema, Status

from porch.aid import hubs
from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut

router = Router(tags=["aid hubs"])


class ItemOut(Schema):
    code: str
    name: str
    unit: str
    count: int
    reserved: int
    available: int
    low_threshold: int
    is_low: bool


class DonationIn(Schema):
    item: str = Field(..., pattern=CODE_PATTERN)
    quantity: int = Field(..., ge=1, le=100_000)


def _item_out(item) -> dict:
    return {
        "code": item.code,
        "name": item.name,
        "unit": item.unit,
        "count": item.count,
        "reserved": item.reserved,
        "available": item.available,
        "low_threshold": item.low_threshold,
        "is_low": bool(item.low_threshold and item.is_low),
    }


@router.get("/{code}/stock", url_name="aid-hub-stock", response={200: list[ItemOut], **COMMON})
def hub_stock(request, code: str = Path(..., pattern=CODE_PATTERN)):
    hub = hubs.get_hub_for_keeper(request.auth, code)
    return [_item_out(item) for item in hubs.stock_of(hub)]


@router.post(
    "/{code}/donations",
    url_name="aid-hub-donation",
    response={201: ItemOut, 400: ErrorOut, 409: InvalidOut, **COMMON},
)
def hub_donation(request, payload: DonationIn, code: str = Path(..., pattern=CODE_PATTERN)):
    hub = hubs.get_hub_for_keeper(request.auth, code)
    item = hubs.stock_of(hub).filter(code=payload.item).first()
    if item is None:
        return Status(409, {"detail": "", "errors": [{"loc": ["item"], "type": "invalid"}]})
    try:
        hubs.do_record_donation(item, payload.quantity, actor=request.auth)
    except DjangoValidationError as error:
        return Status(409, {"detail": " ".join(error.messages), "errors": []})
    item.refresh_from_db()
    return Status(201, _item_out(item))
