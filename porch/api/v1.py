"""The v1 JSON API: thin, calls the apps' access and actions."""

from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

api = NinjaAPI(title="Porch API", version="1", urls_namespace="api-v1", auth=SessionAuth())


class MeOut(Schema):
    handle: str
    status: str
    trust_level: int
    language: str


@api.get("/me", response=MeOut)
def me(request):
    return request.auth
