"""The v1 JSON API: thin, calls the apps' access and actions.

Auth is a bearer token (`Authorization: Bearer <token>`, revocable per user)
or the browser session; a session must have passed 2FA when the person's
roles need it, and unsafe methods over a session need the CSRF token.
Missing and forbidden objects are both 404 (R30); errors are translated
(Accept-Language).
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import Field, NinjaAPI, Path, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from porch.accounts.access import get_user_for_token
from porch.accounts.middleware import VERIFIED_KEY
from porch.accounts.models import User
from porch.api.common import CODE_PATTERN, COMMON, ErrorOut, InvalidOut
from porch.coalition import access, actions

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return get_user_for_token(token)


class Session(APIKeyCookie):
    """Django's session, refused until 2FA is done for roles that need it."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise HttpError(403, _("The security check failed. Reload the page and try again."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or user.status == User.Status.LOCKED:
            return None
        if user.needs_two_factor() and not request.session.get(VERIFIED_KEY):
            return None
        return user


api = NinjaAPI(
    title="Porch API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerToken(), Session()],
    # The schema answers GET and HEAD only (R39); Ninja's own views take any method.
    docs_decorator=require_safe,
    # Ninja's interactive docs page loads Swagger UI from a CDN: no external assets (R4).
    docs_url=None,
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    message = _("Sign in, or send an API token as: Authorization: Bearer <token>.")
    return api.create_response(request, {"detail": message}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # Ninja's own 400 is an unreadable body; our own errors are translated already.
    message = (
        _("The request body could not be read. Send JSON.") if exc.status_code == 400 else str(exc)
    )
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(NinjaValidationError)
def invalid(request, exc):
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "type": str(error.get("type", ""))}
        for error in exc.errors
    ]
    detail = _("The request is not valid. Check the fields named in errors.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _refused(error: DjangoValidationError):
    """An action's refusal: 409 when it clashes with what exists, else 422."""
    if hasattr(error, "error_dict"):
        items = [item for errors in error.error_dict.values() for item in errors]
    else:
        items = error.error_list
    codes = {item.code for item in items}
    status = 409 if "duplicate" in codes else 422
    return Status(status, {"detail": " ".join(error.messages), "errors": []})


# ---- Schemas ---------------------------------------------------------------------------


class MeOut(Schema):
    handle: str
    status: str
    trust_level: int
    language: str


class OrganisationOut(Schema):
    code: str
    name: str
    description: str
    is_public: bool
    my_roles: list[str]


class ZoneOut(Schema):
    code: str
    name: str
    region: str
    region_code: str
    centroid_lat: float | None
    centroid_lon: float | None
    outline: dict | None


class TeamOut(Schema):
    code: str
    name: str
    description: str


class TeamIn(Schema):
    # No control characters (PostgreSQL refuses NUL), and something besides spaces.
    name: str = Field(..., min_length=1, max_length=80, pattern=NAME_PATTERN)
    description: str = Field("", max_length=300, pattern=TEXT_PATTERN)


class MembershipOut(Schema):
    handle: str
    role: str
    status: str
    team: str | None


def _organisation_out(organisation, roles) -> dict:
    return {
        "code": organisation.code,
        "name": organisation.name,
        "description": organisation.description,
        "is_public": organisation.is_public,
        "my_roles": sorted(roles),
    }


def _roles_by_org(user) -> tuple[dict[int, set[str]], bool]:
    rows = access.counting_memberships().filter(user=user).values_list("organisation_id", "role")
    by_org: dict[int, set[str]] = {}
    for org_id, role in rows:
        by_org.setdefault(org_id, set()).add(role)
    is_admin = any("coalition_admin" in roles for roles in by_org.values())
    return by_org, is_admin


def _my_roles(by_org, is_admin, organisation) -> set[str]:
    roles = set(by_org.get(organisation.pk, set()))
    if is_admin:
        roles.add("coalition_admin")
    return roles


# ---- Endpoints -------------------------------------------------------------------------


@api.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request):
    return request.auth


@api.get("/organisations", response={200: list[OrganisationOut], 401: ErrorOut})
def organisations(request):
    user = request.auth
    by_org, is_admin = _roles_by_org(user)
    return [
        _organisation_out(org, _my_roles(by_org, is_admin, org))
        for org in access.visible_organisations(user)
    ]


@api.get("/organisations/{code}", response={200: OrganisationOut, **COMMON})
def organisation(request, code: str = Path(..., pattern=CODE_PATTERN)):
    org = access.get_organisation_for_user(request.auth, code)
    return _organisation_out(org, access.active_roles(request.auth, org))


@api.get("/organisations/{code}/teams", response={200: list[TeamOut], **COMMON})
def teams(request, code: str = Path(..., pattern=CODE_PATTERN)):
    org = access.get_organisation_for_user(request.auth, code)
    return list(access.teams_for(org))


@api.post(
    "/organisations/{code}/teams",
    response={201: TeamOut, 400: ErrorOut, 403: ErrorOut, 409: InvalidOut, **COMMON},
)
def create_team(request, payload: TeamIn, code: str = Path(..., pattern=CODE_PATTERN)):
    org = access.get_managed_organisation(request.auth, code)
    try:
        team = actions.do_create_team(
            org, name=payload.name, description=payload.description, actor=request.auth
        )
    except DjangoValidationError as error:
        return _refused(error)
    return Status(201, team)


@api.get("/organisations/{code}/memberships", response={200: list[MembershipOut], **COMMON})
def memberships(request, code: str = Path(..., pattern=CODE_PATTERN)):
    org = access.get_managed_organisation(request.auth, code)
    return [
        {
            "handle": m.user.handle,
            "role": m.role,
            "status": m.status,
            "team": m.team.code if m.team else None,
        }
        for m in access.memberships_of(org)
    ]


@api.get("/zones", response={200: list[ZoneOut], 401: ErrorOut})
def zones(request):
    return [
        {
            "code": zone.code,
            "name": zone.name,
            "region": zone.region.name,
            "region_code": zone.region.code,
            "centroid_lat": zone.centroid_lat,
            "centroid_lon": zone.centroid_lon,
            "outline": zone.outline or None,
        }
        for zone in access.zones_for(request.auth)
    ]


# ---- Campaigns (porch/api/campaigns.py) ----
from porch.api.campaigns import router as campaigns_router  # noqa: E402

api.add_router("/campaigns", campaigns_router)


# ---- Messaging (porch/api/messaging.py) ----
from porch.api.messaging import router as messaging_router  # noqa: E402

api.add_router("/messaging", messaging_router)


# ---- Volunteers (porch/api/volunteers.py) ----
from porch.api.volunteers import router as volunteers_router  # noqa: E402

api.add_router("/volunteers", volunteers_router)


# ---- Rapid response (porch/api/response.py) ----
from porch.api.response import router as response_router  # noqa: E402

api.add_router("/response", response_router)


# ---- Mutual aid (porch/api/aid.py) ----
from porch.api.aid import router as aid_router  # noqa: E402

api.add_router("/aid", aid_router)


# ---- Mutual aid hubs (porch/api/aid_hubs.py) ----
from porch.api.aid_hubs import router as aid_hubs_router  # noqa: E402

api.add_router("/aid-hubs", aid_hubs_router)


# ---- Legal handoffs and follow-up cases (porch/api/response_cases.py) ----
from porch.api.response_cases import router as response_cases_router  # noqa: E402

api.add_router("/response-cases", response_cases_router)
