"""Authentication-aware API checks over the WHOLE OpenAPI schema (R35).

Nothing here names an endpoint it checks: every operation in
/api/v1/openapi.json is walked, so a module added to the API later is fuzzed
and checked the day it lands. Two organisations, each with a member holding
every organisation role, and a small world of org A's objects (organisation,
team, list with a subscriber and a broadcast, site, slot, sign-up, campaign,
aid request, claimed run, incident report).

- fuzzing: schemathesis, bounded and derandomised, with org A's token, over
  random ids and over every id org A owns: no 5xx, responses match the schema;
- ignored authentication: no token, a wrong token, a revoked token → 401
  (or 403/404), never a 2xx, for every operation the schema marks as secured;
- object-level authorisation: every id org A's token can read is 404 for
  org B's equivalent member (unless the operation is listed in SHARED, with
  its reason); org B's token can write nothing under org A's ids;
- use after delete: an operation that cancels, closes, ends or deletes
  something refuses a second go, and once org A's member loses every
  membership, what they could read is 404.
"""

import datetime
import itertools
import json
import re
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.apps import apps
from django.db import models as db_models
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from porch.accounts.actions import do_create_api_token, do_revoke_api_token
from porch.accounts.roles import Role
from porch.api.tests.test_api_fuzz import wsgi_in_test_transaction  # noqa: F401
from porch.api.v1 import api
from porch.coalition.models import Membership
from porch.core.testing import make_member

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=ZoneInfo("America/Chicago"))
ROLES = [r for r in Role if r not in (Role.COALITION_ADMIN,)]

# Operations whose objects are shared across the coalition on purpose, so org
# B's member reading org A's id is right. Every entry needs its reason.
SHARED = {
    # Campaigns are coalition-wide calls to action; every member may see them.
    "GET /api/v1/campaigns/{code}": "campaigns are coalition-wide",
    "GET /api/v1/campaigns/{code}/counters": "public counters (no auth at all)",
}
# Last path segments (or DELETE) that end an object's life.
ENDERS = {"cancel", "close", "delete", "end", "revoke", "withdraw", "stop", "decline"}


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in sorted(schema["paths"].items()):
        for method, operation in sorted(methods.items()):
            yield f"{method.upper()} {path}", path, method.upper(), operation


OPERATIONS = list(_operations())
LABELS = [label for label, *_ in OPERATIONS]


def _secured(operation) -> bool:
    return bool(operation.get("security"))


def _params(path) -> list[str]:
    return re.findall(r"{(\w+)}", path)


# ---- The world ---------------------------------------------------------------------------


class World:
    def __init__(self, cast, client):
        from porch.campaigns.models import Campaign
        from porch.messaging.tests.helpers import active_subscriber, numbers
        from porch.volunteers.models import Site, Slot
        from porch.volunteers.tests.conftest import weekday_slot

        self.cast, self.client = cast, client
        self.a = make_member("amy", cast.org_a, *ROLES)
        self.b = make_member("bo", cast.org_b, *ROLES)
        Membership.objects.filter(user=self.a).update(team=cast.team_a)
        self.token_a, self.key_a = do_create_api_token(self.a, "fuzz", actor=self.a)
        self.token_b, self.key_b = do_create_api_token(self.b, "fuzz", actor=self.b)

        org = cast.org_a.code
        site = Site.objects.create(
            organisation=cast.org_a,
            team=cast.team_a,
            kind=Site.Kind.SCHOOL,
            name="Cedar Flats Elementary",
            zone=cast.zone,
            kit=["vest"],
        )
        self.slot = weekday_slot(site, Slot.Purpose.DROP_OFF, (7, 15), (8, 15))
        active_subscriber(cast.org_a, numbers(1)[0], cast.zone)
        Campaign.objects.create(
            coalition=cast.coalition,
            organisation=cast.org_a,
            title="General strike",
            starts_on=NOW.date(),
            ends_on=NOW.date() + datetime.timedelta(days=2),
            state=Campaign.State.OPEN,
        )
        # Objects of the aid and response apps, for their API operations as they land.
        from porch.aid.tests.fixtures import make_run, new_request
        from porch.response.actions import do_take_report

        new_request(cast.org_a, cast.zone, actor=self.a)
        make_run(cast.org_a, cast.zone, driver=self.a, status="claimed")
        do_take_report(cast.org_a, zone=cast.zone, actor=self.a)
        # Through the API itself, as org A's member would.
        self.post(
            self.key_a, f"/api/v1/organisations/{org}/teams", {"name": "Night shift"}, expect=201
        )
        self.post(
            self.key_a,
            f"/api/v1/messaging/lists/{org}/broadcasts",
            {"zones": [cast.zone.code], "template": "alert"},
            expect=201,
        )
        self.post(
            self.key_a,
            f"/api/v1/volunteers/slots/{self.slot.code}/signups",
            {"day": "2026-03-03"},
            expect=201,
        )
        self.codes = self._codes()

    def _codes(self) -> list[str]:
        """Every `code` of every object in the database, but org B's own."""
        codes = set()
        for model in apps.get_models():
            try:
                field = model._meta.get_field("code")
            except Exception:
                continue
            if not isinstance(field, db_models.CharField):
                continue
            codes.update(c for c in model.objects.values_list("code", flat=True) if c)
        codes.discard(self.cast.org_b.code)
        return sorted(codes)

    def call(self, key, method, path, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        if method in ("GET", "HEAD", "DELETE"):
            return getattr(self.client, method.lower())(path, **headers)
        return getattr(self.client, method.lower())(
            path, json.dumps(body or {}), content_type="application/json", **headers
        )

    def post(self, key, path, body, *, expect):
        response = self.call(key, "POST", path, body)
        assert response.status_code == expect, (path, response.status_code, response.content)
        return response

    def filled(self, path):
        """The path with its ids filled from every object code (all ids alike)."""
        names = _params(path)
        if not names:
            yield path
            return
        for code in self.codes:
            yield re.sub(r"{\w+}", code, path)


@pytest.fixture
def world(cast, client, tmp_path, settings):
    from porch.vault import context_processors, keys

    settings.PORCH_VAULT_KEY_DIR = tmp_path / "keys"
    settings.PORCH_BACKUP_DIR = tmp_path / "backups"
    keys.set_source(None)
    context_processors._key_storage_problem.cache_clear()
    with time_machine.travel(NOW, tick=False):
        yield World(cast, client)
    keys.set_source(None)
    context_processors._key_storage_problem.cache_clear()


def _readable(world, key, path, method="GET"):
    """Filled paths of a GET operation that `key` reads with a 200."""
    return [p for p in world.filled(path) if world.call(key, method, p).status_code == 200]


# ---- Checks ------------------------------------------------------------------------------


def test_the_walk_covers_every_operation_and_shared_is_current():
    assert len(OPERATIONS) >= 20
    assert set(SHARED) <= set(LABELS), set(SHARED) - set(LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_it_survives_fuzzing_with_org_a_ids(world, wsgi_in_test_transaction, label):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    headers = {"Authorization": f"Bearer {world.key_a}"}
    names = _params(operation.path)
    fixed = [{}]
    if names:
        # Random ids, and org A's ids (every seventh one: a fixed, bounded sample).
        fixed += [{"path_parameters": dict.fromkeys(names, c)} for c in world.codes[::7]]
    for extra in fixed:
        strategy = operation.as_strategy(headers=headers, **extra) | operation.as_strategy(
            generation_mode=GenerationMode.NEGATIVE, headers=headers, **extra
        )

        @settings(
            max_examples=4 if extra else 15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            case.call_and_validate(headers=headers)

        run()


@pytest.mark.parametrize("label", LABELS)
def test_it_ignores_no_wrong_or_revoked_token(world, label):
    _label, path, method, operation = next(o for o in OPERATIONS if o[0] == label)
    revoked, revoked_key = do_create_api_token(world.a, "revoked", actor=world.a)
    do_revoke_api_token(revoked, actor=world.a)
    keys = itertools.cycle((None, "not-a-token", revoked_key, ""))
    for filled, key in zip(world.filled(path), keys, strict=False):
        response = world.call(key, method, filled, {})
        assert response.status_code < 500, (label, filled, response.status_code)
        if _secured(operation):
            assert response.status_code in (401, 403, 404), (label, filled, response.status_code)


@pytest.mark.parametrize("label", [lb for lb in LABELS if "{" in lb])
def test_org_b_cannot_reach_org_a_objects(world, label):
    _label, path, method, operation = next(o for o in OPERATIONS if o[0] == label)
    if method == "GET":
        mine = _readable(world, world.key_a, path)
        if label in SHARED:
            return
        for filled in mine:
            response = world.call(world.key_b, "GET", filled)
            assert response.status_code == 404, (label, filled, response.status_code)
    else:
        for filled in world.filled(path):
            response = world.call(world.key_b, method, filled, _example_body(operation))
            assert response.status_code in (404, 422), (label, filled, response.status_code)


def test_org_a_can_read_its_own_objects(world):
    """The cross-organisation check means something only if A reads A's ids."""
    readable = [
        label
        for label, path, method, _op in OPERATIONS
        if method == "GET" and "{" in path and _readable(world, world.key_a, path)
    ]
    assert len(readable) >= 8, readable


def test_what_ends_cannot_be_used_again(world):
    enders = [
        (label, path, method)
        for label, path, method, _op in OPERATIONS
        if "{" in path and (method == "DELETE" or path.rsplit("/", 1)[-1] in ENDERS)
    ]
    assert enders, "no operation ends an object: update ENDERS"
    ended = 0
    for label, path, method in enders:
        for filled in world.filled(path):
            first = world.call(world.key_a, method, filled, {})
            if not 200 <= first.status_code < 300:
                continue
            ended += 1
            again = world.call(world.key_a, method, filled, {})
            assert again.status_code in (404, 409, 422), (label, filled, again.status_code)
            assert world.call(world.key_b, method, filled, {}).status_code == 404
    assert ended, "nothing was ended: the world needs an object each ender can end"


def test_a_member_who_leaves_reads_nothing_of_the_organisation(world):
    private = {
        label: _readable(world, world.key_a, path)
        for label, path, method, _op in OPERATIONS
        if method == "GET" and "{" in path and label not in SHARED
    }
    assert any(private.values())
    Membership.objects.filter(user=world.a).delete()
    for label, filled_paths in private.items():
        for filled in filled_paths:
            response = world.call(world.key_a, "GET", filled)
            assert response.status_code == 404, (label, filled, response.status_code)


def _example_body(operation):
    """A schema-valid JSON body for a write (so a 422 cannot hide a missing 404)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return {}
    return _example(content["schema"], api.get_openapi_schema())


def _example(schema, root):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _example(root["components"]["schemas"][name], root)
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], root)
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _example(sub, root)
            for name, sub in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        return [_example(schema.get("items", {}), root)] * max(schema.get("minItems", 0), 1)
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("format") == "date":
        return "2026-03-03"
    return "Example"
