"""What every v1 router shares: the code pattern of path parameters and the
error bodies. Ninja names an OpenAPI component after its class, so one
ErrorOut for all routers keeps one component (and one meaning) per name."""

from ninja import Schema

# Public codes are letters and digits (porch.core.codes); anything else in a
# path is refused by the schema before it reaches a query.
CODE_PATTERN = r"^[A-Za-z0-9]{1,32}$"


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: list[dict] = []


COMMON = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
