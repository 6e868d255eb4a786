"""The authorization matrix (THREAT_MODEL R30): every URL × actor × object state.

Each installed Porch app lists its URL names in `porch/<app>/tests/matrix.py`
(and, for an app several slices share like the API, `tests/matrix_<topic>.py`),
a module-level ROWS of `porch.core.tests.matrix.Row`:

    Row(
        "coalition:team",                      # the URL name, namespaced
        states={                               # kwargs per object state, built from the World
            "own": lambda w: {"code": w.team_a.code},     # an object of org A
            "other": lambda w: {"code": w.team_b.code},   # an object of org B
        },                                     # default: {"none": lambda w: {}}
        expect={                               # method → state → actor → outcome
            "GET": {"own": signed_in("404", members_a="ok", coalition_admin="ok"), ...},
            "POST": {"own": table("405"), ...},
        },
        body={"name": "x"},                    # for unsafe methods; default an empty body
    )

`table(default, **by_actor)`, `signed_in(...)` and `api(...)` fill in every actor
(ACTORS; group names like managers_a allowed). Outcomes: ok (2xx or a redirect
elsewhere than sign-in/2FA/step-up), invalid (400/422), login, two_factor,
step_up, 401, 403, 404, 405, 409. Actors sign in with 2FA just done, so
step-up passes except for `stale`. API rows set auth=("session", "token"): in
token mode, pending, locked and unverified send a token that must be refused,
so they expect the anonymous outcome. Each actor's request runs in a savepoint
rolled back afterwards; a GET, and any request whose outcome is not "ok", must
leave every Porch table's row count (the audit log included) unchanged.
The meta-tests fail for a URL without a row and a row without a URL.

Every request also carries canary client data — an address in REMOTE_ADDR and
X-Forwarded-For, a user agent — and R2 is checked along the way: no row a
request adds, no log line, and nothing in the cache may hold them.
"""

import copy
import functools
import importlib
import logging
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from porch.accounts.middleware import VERIFIED_KEY
from porch.core.tests.matrix import ACTORS, Row

# Django's own views included in porch.urls: no Porch objects, no roles.
SKIPPED = {
    "set_language": "django.views.i18n.set_language (i18n/setlang/, from django.conf.urls.i18n): "
    "Django's language switch; it sets a cookie and reads nothing of anyone's",
}


# R2: client data that must never be stored or logged, sent with every request.
CANARY_IP = "203.0.113.201"
CANARY_FORWARDED = "198.51.100.202"
CANARY_UA = "CanaryBrowser/7.3 (matrix-ua-4f1e)"
CANARIES = (CANARY_IP, CANARY_FORWARDED, CANARY_UA)
CLIENT_DATA = {
    "REMOTE_ADDR": CANARY_IP,
    "HTTP_X_FORWARDED_FOR": CANARY_FORWARDED,
    "HTTP_X_REAL_IP": CANARY_FORWARDED,
    "HTTP_USER_AGENT": CANARY_UA,
}


class _LogTap:
    """Copies every line the configured log handlers write (after their filters)."""

    def __init__(self):
        self.lines: list[str] = []
        self._originals: dict[logging.Handler, object] = {}

    def handlers(self) -> set[logging.Handler]:
        loggers = [logging.getLogger()] + [
            logger
            for logger in logging.Logger.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ]
        return {handler for logger in loggers for handler in logger.handlers}

    def start(self) -> None:
        for handler in self.handlers():
            original = handler.emit

            def emit(record, handler=handler, original=original):
                self.lines.append(handler.format(record) + " " + repr(record.args))
                original(record)

            self._originals[handler] = original
            handler.emit = emit

    def stop(self) -> None:
        for handler, original in self._originals.items():
            handler.emit = original
        self._originals.clear()


LOG = _LogTap()


def canaries_in(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


# ---- The URL resolver --------------------------------------------------------------


def url_patterns() -> dict[str, str]:
    """{namespaced URL name: owning Porch app} for every pattern in porch.urls."""
    found: dict[str, str] = {}

    def walk(resolver, namespaces, owner):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                module = pattern.urlconf_name
                name = getattr(module, "__name__", "") if not isinstance(module, str) else module
                inner = name.rsplit(".", 1)[0] if name.startswith("porch.") else owner
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                walk(pattern, spaces, inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join([*namespaces, pattern.name or f"<unnamed {pattern.pattern}>"])
                found[name] = owner or pattern.callback.__module__.rsplit(".", 1)[0]

    walk(get_resolver(), [], "")
    return found


def matrix_modules() -> dict[str, list]:
    """{app name: its tests.matrix modules} for every installed Porch app."""
    modules = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("porch."):
            continue
        for name in matrix_module_names(config.name):
            try:
                modules.setdefault(config.name, []).append(importlib.import_module(name))
            except ModuleNotFoundError as error:
                if error.name not in (name, f"{config.name}.tests"):
                    raise
    return modules


def collect_rows() -> list[tuple[str, Row]]:
    return [
        (app, row)
        for app, found in matrix_modules().items()
        for module in found
        for row in module.ROWS
    ]


def matrix_path(app: str) -> str:
    return app.replace(".", "/") + "/tests/matrix.py"


def matrix_module_names(app: str) -> list[str]:
    """tests/matrix.py, plus tests/matrix_<topic>.py for apps shared by several
    slices (the API: one file per router)."""
    folder = Path(importlib.import_module(app).__file__).parent / "tests"
    extra = sorted(p.stem for p in folder.glob("matrix_*.py"))
    return [f"{app}.tests.matrix", *(f"{app}.tests.{stem}" for stem in extra)]


ROWS = collect_rows()


# ---- Meta-tests ----------------------------------------------------------------------


def test_it_has_a_row_for_every_url_name():
    urls = url_patterns()
    covered = {row.name for _app, row in ROWS}
    missing = sorted(set(urls) - covered - set(SKIPPED))
    lines = [
        f"  {name!r}: add a Row to ROWS in {matrix_path(urls[name])}"
        + (" (or a matrix_<topic>.py beside it)" if urls[name] == "porch.api" else "")
        for name in missing
    ]
    assert not missing, (
        "URL names without a row in the authorization matrix (row format: the docstring of "
        "tests/test_authorization_matrix.py):\n" + "\n".join(lines)
    )


def test_it_has_no_row_for_a_url_that_is_gone():
    urls = url_patterns()
    gone = [f"  {row.name!r} in {matrix_path(app)}" for app, row in ROWS if row.name not in urls]
    stale_skips = [f"  SKIPPED {name!r}" for name in SKIPPED if name not in urls]
    assert not gone + stale_skips, "Rows naming no URL:\n" + "\n".join(gone + stale_skips)


def test_it_keeps_each_row_in_the_app_that_owns_the_url():
    urls = url_patterns()
    names = [row.name for _app, row in ROWS]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    misplaced = [
        f"  {row.name!r} is in {matrix_path(app)}, belongs in {matrix_path(urls[row.name])}"
        for app, row in ROWS
        if row.name in urls and urls[row.name] != app
    ]
    assert not duplicates, f"URL names with more than one row: {duplicates}"
    assert not misplaced, "\n".join(misplaced)


def test_it_gives_every_row_an_outcome_for_each_actor_state_and_method():
    problems = []
    for _app, row in ROWS:
        for method, by_state in row.expect.items():
            if set(by_state) != set(row.states):
                problems.append(f"{row.name} {method}: states {sorted(by_state)}")
            for state, outcomes in by_state.items():
                if set(outcomes) != set(ACTORS):
                    problems.append(f"{row.name} {method} {state}: actors {sorted(outcomes)}")
    assert problems == []


def test_it_refuses_a_row_with_a_missing_actor():
    from porch.core.tests.matrix import table

    with pytest.raises(ValueError, match="missing"):
        table(anonymous="login")
    with pytest.raises(ValueError, match="bad"):
        table("fine")


def test_it_notices_a_write_in_any_porch_table(db):
    from porch.core import audit

    before = row_counts()
    audit.record(None, "matrix.self_test")
    assert row_counts() != before


# ---- The world: the cast plus the extra actors ----------------------------------------


class World:
    """The named cast (porch.core.testing) with what the matrix adds: vic, an
    active volunteer of A; lia, the legal partner of A; lou, a locked
    coordinator of A; ina, whose coordinator role in A is revoked; org C, a
    third organisation; and teams of A and B."""

    def __init__(self):
        from porch.accounts import actions as accounts_actions
        from porch.accounts.roles import Role
        from porch.coalition import actions as coalition_actions
        from porch.coalition.models import Organisation, Team
        from porch.core.testing import build_cast, make_member

        self.cast = build_cast()
        c = self.cast
        self.org_c = Organisation.objects.create(coalition=c.coalition, name="Third Ward Pantry")
        self.team_b = Team.objects.create(organisation=c.org_b, name="Sunday drivers")
        c.people["vic"] = make_member("vic", c.org_a, Role.VOLUNTEER)
        c.people["lia"] = make_member("lia", c.org_a, Role.LEGAL)
        c.people["lou"] = make_member("lou", c.org_a, Role.COORDINATOR)
        c.people["ina"] = make_member("ina", c.org_a, Role.COORDINATOR)
        accounts_actions.do_lock_account(c.lou, actor=c.eve)
        coalition_actions.do_revoke_role(c.ina.memberships.get(), actor=c.eve)
        c.ina.refresh_from_db()  # the revocation ended her sessions (R27)
        self._serial = 0
        self._tokens: dict[str, str] = {}

    def __getattr__(self, name):
        return getattr(self.__dict__["cast"], name)

    def member(self, organisation, role, *, prefix="m"):
        """A fresh member (not an actor) to act upon."""
        from porch.core.testing import make_member

        self._serial += 1
        return make_member(f"{prefix}{self._serial}", organisation, role)

    ACTOR_PEOPLE = {
        "pending": "pia",
        "volunteer": "vic",
        "driver": "ben",
        "verifier": "dee",
        "coordinator": "ana",
        "org_admin": "eve",
        "other_org": "cal",
        "coalition_admin": "gus",
        "locked": "lou",
        "inactive": "ina",
        "unverified": "ana",
        "stale": "eve",
        "legal": "lia",
    }

    def user_of(self, actor: str):
        handle = self.ACTOR_PEOPLE.get(actor)
        return self.cast.people[handle] if handle else None

    def client_for(self, actor: str, auth: str) -> Client:
        user = self.user_of(actor)
        if auth == "token":
            key = self.token_for(actor)
            if key:
                return Client(headers={"Authorization": f"Bearer {key}"}, **CLIENT_DATA)
            return Client(**CLIENT_DATA)
        client = Client(**CLIENT_DATA)
        if user is not None:
            from porch.core.testing import sign_in

            sign_in(client, user, two_factor=actor != "unverified")
            if actor == "stale":
                session = client.session
                session[VERIFIED_KEY] = int(time.time()) - 600
                session.save()
        return client

    def token_for(self, actor: str) -> str | None:
        """A live token for active actors; pending, locked (revoked by the lock)
        and unverified (revoked) send one that must be refused."""
        from porch.accounts.models import ApiToken, hash_token

        user = self.user_of(actor)
        if user is None:
            return None
        if actor not in self._tokens:
            key = f"matrix-{actor}-{self.cast.coalition.code}"
            revoked = actor in ("locked", "unverified")
            ApiToken.objects.create(
                user=user, name=f"matrix {actor}", key_hash=hash_token(key), revoked=revoked
            )
            self._tokens[actor] = key
        return self._tokens[actor]


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world and one signed-in client per actor and auth mode, built once
    for the module inside a transaction rolled back at its end; each test runs
    in a savepoint inside it (as Django's TestCase.setUpTestData does)."""
    LOG.start()
    logging.getLogger("porch.matrix").warning("matrix log tap check")
    with django_db_blocker.unblock(), transaction.atomic():
        world = World()
        clients = {
            (actor, auth): world.client_for(actor, auth)
            for auth in ("session", "token")
            for actor in ACTORS
        }
        try:
            yield world, clients
        finally:
            LOG.stop()
        transaction.set_rollback(True)


# ---- Running one row ------------------------------------------------------------------


@functools.cache
def _tables() -> list[str]:
    """Every table of every Porch app, many-to-many tables included."""
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("porch.")}
    models = apps.get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models if m._meta.app_label in labels})


def _table_counts_sql() -> str:
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in _tables())


def changed_tables(before: tuple, after: tuple) -> list[str]:
    return [t for t, b, a in zip(_tables(), before, after, strict=True) if b != a]


def row_counts() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(_table_counts_sql())
        return tuple(cursor.fetchone())


LOGIN_PATHS = {"/login/"}


def outcome_of(response, row: Row) -> str:
    status = response.status_code
    if 200 <= status < 300 or status in row.also_ok:
        return "ok"
    if status in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if path == reverse("accounts:login"):
            return "login"
        if path in (reverse("accounts:two-factor"), reverse("accounts:two-factor-setup")):
            return "two_factor"
        if path == reverse("accounts:step-up"):
            return "step_up"
        return "ok"
    if status in (400, 422):
        return "invalid"
    return str(status)


def request(client: Client, method: str, url: str, row: Row, body: dict):
    send = getattr(client, method.lower())
    if method in ("GET", "HEAD"):
        return send(url)
    if row.json:
        import json

        return send(url, data=json.dumps(body), content_type="application/json")
    return send(url, data=body)


def run_isolated(callable_):
    """Run in a savepoint and roll it back, so actors never see each other's writes."""
    savepoint = transaction.savepoint_create()
    try:
        return callable_()
    finally:
        transaction.savepoint_rollback(savepoint)
        connection.needs_rollback = False


@pytest.mark.parametrize("row", [row for _app, row in ROWS], ids=lambda row: row.name)
def test_it_answers_every_actor_as_the_table_says(row, matrix, db):
    world, all_clients = matrix
    clients = {key: client for key, client in all_clients.items() if key[1] in row.auth}
    failures: dict[str, list[str]] = {}
    for state, build in row.states.items():
        url = reverse(row.name, kwargs=build(world))
        baseline = row_counts()
        for method, by_state in row.expect.items():
            for (actor, auth), client in clients.items():
                want = by_state[state][actor]
                if auth == "token" and actor in ("pending", "locked", "unverified"):
                    want = by_state[state]["anonymous"]
                got, counts = run_isolated(partial(attempt, client, method, url, row, world, state))
                problem = ""
                if got != want:
                    problem = f"expected {want}, got {got}"
                elif (
                    counts is not None
                    and counts != baseline
                    and (got != "ok" or method in ("GET", "HEAD"))
                ):
                    problem = f"{got}, but rows changed in {changed_tables(baseline, counts)}"
                if problem:
                    where = f"{method} {url} [{state}]" + (" by token" if auth == "token" else "")
                    failures.setdefault(f"{where}: {problem}", []).append(actor)
    lines = [f"{what} — {', '.join(actors)}" for what, actors in failures.items()]
    assert not failures, f"{row.name}:\n  " + "\n  ".join(lines)


def attempt(client, method, url, row, world, state):
    """(outcome, row counts afterwards); the client's cookies are kept as they were."""
    cookies = copy.deepcopy(client.cookies)
    before = row_counts()
    try:
        response = request(client, method, url, row, row.body_for(world, state))
    except Exception as error:  # a 500: reported with the rest
        return f"500 {type(error).__name__}: {error}", None
    finally:
        client.cookies = cookies
    after = row_counts()
    stored = client_data_in_rows(changed_tables(before, after))
    if stored:
        return f"client data stored (R2) in {stored}", after
    return outcome_of(response, row), after


def client_data_in_rows(tables: list[str]) -> list[str]:
    """Tables among `tables` with a row holding a canary, in any column."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (names from models)
            for values in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v)
                    for v in values
                )
                if canaries_in(text):
                    found.append(table)
                    break
    return found


def test_it_finds_client_data_in_an_added_row(db):
    from porch.core import audit

    before = row_counts()
    audit.record(None, f"matrix.self_test {CANARY_UA}")
    assert client_data_in_rows(changed_tables(before, row_counts())) == ["core_auditentry"]


def test_no_request_logged_or_cached_any_client_data():
    """R2, after every row above has run: the logs and the cache hold no canary."""
    assert any("matrix log tap check" in line for line in LOG.lines), "the log tap saw nothing"
    logged = [line for line in LOG.lines if canaries_in(line)]
    assert logged == []
    cache = getattr(caches["default"], "_cache", {})
    cached = [key for key, value in cache.items() if canaries_in(repr(value) + repr(key))]
    assert cached == []
