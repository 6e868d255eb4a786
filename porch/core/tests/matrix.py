"""The authorization matrix's vocabulary (R30), and core's own rows.

tests/test_authorization_matrix.py explains the row format. Every app's
`porch/<app>/tests/matrix.py` imports Row and table() from here and lists
its URL names in a module-level ROWS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Who asks. The test builds each one (see World in the matrix test).
ACTORS = (
    "anonymous",  # no session, no token
    "pending",  # pia: signed up, not yet vouched
    "volunteer",  # vic: active volunteer of org A
    "driver",  # ben, org A
    "verifier",  # dee, org A
    "coordinator",  # ana, org A
    "org_admin",  # eve, org A
    "other_org",  # cal: volunteer of org B
    "coalition_admin",  # gus (his membership is in org A)
    "locked",  # lou: coordinator of A whose account was locked after signing in
    "inactive",  # ina: was coordinator of A, membership revoked; account still active
    "unverified",  # ana signed in with her password only, 2FA not yet done
    "stale",  # eve whose 2FA was 10 minutes ago: fails step-up (R28)
    "legal",  # lia: legal partner of org A (sees org A's handoffs and cases)
)

# What came back.
OUTCOMES = (
    "ok",  # 2xx, or a redirect anywhere but sign-in, 2FA or step-up
    "invalid",  # 400/422: let in, but the empty or minimal body was refused
    "login",  # redirect to sign-in
    "two_factor",  # redirect to 2FA (sign-in code or enrolment)
    "step_up",  # redirect to step-up (fresh 2FA needed, R28)
    "401",
    "403",
    "404",
    "405",
    "409",
)

GROUPS = {
    "signed_out": ("anonymous", "locked"),
    "members_a": ("volunteer", "driver", "verifier", "coordinator", "org_admin"),
    "managers_a": ("coordinator", "org_admin", "coalition_admin"),
}

States = dict[str, Callable[[Any], dict]]


def table(default: str | None = None, **given: str) -> dict[str, str]:
    """Outcome per actor: `default` for anyone not named; names may be actors
    or GROUPS (an actor named alone wins over its group). Two exceptions
    unless named: `unverified` gets "two_factor", since the session policy
    answers before any view (name it for /healthz, /i18n/, the 2FA pages and
    the API); `stale` follows `org_admin`, the same person a few minutes on;
    `legal` follows what a plain member of org A gets (the default or the
    members_a group, not `volunteer` named alone: that is for vic's own
    objects), since lia is one everywhere but the legal pages."""
    out: dict[str, str] = {}
    if default is not None:
        out.update(dict.fromkeys(ACTORS, default))
        out["unverified"] = "two_factor"
    for key, outcome in given.items():
        if key in GROUPS:
            out.update(dict.fromkeys(GROUPS[key], outcome))
    # What a plain member of A gets before anyone is named alone (a row names
    # `volunteer` alone for vic's own objects, which lia does not hold).
    member = out.get("volunteer")
    for key, outcome in given.items():
        if key not in GROUPS:
            out[key] = outcome
    if "stale" not in given and "org_admin" in out:
        out["stale"] = out["org_admin"]
    if "legal" not in given and "volunteer" in out:
        out["legal"] = member or out["volunteer"]
    unknown = set(given) - set(ACTORS) - set(GROUPS)
    missing = set(ACTORS) - set(out)
    bad = {o for o in out.values() if o not in OUTCOMES}
    if unknown or missing or bad:
        raise ValueError(
            f"table(): unknown {unknown or ''} missing {missing or ''} bad {bad or ''}"
        )
    return out


def signed_in(default: str, **given: str) -> dict[str, str]:
    """A page behind sign-in: signed-out actors go to sign-in, a half-signed-in
    coordinator to 2FA."""
    return table(default, **{"signed_out": "login", "unverified": "two_factor", **given})


def api(default: str, **given: str) -> dict[str, str]:
    """An API endpoint behind auth: no usable credentials → 401."""
    return table(default, **{"signed_out": "401", "unverified": "401", **given})


NO_OBJECT: States = {"none": lambda w: {}}


@dataclass(frozen=True)
class Row:
    """One URL name: the object states to try and, per HTTP method and state,
    the outcome expected for each actor."""

    name: str
    expect: dict[str, dict[str, dict[str, str]]]
    states: States = field(default_factory=lambda: dict(NO_OBJECT))
    # The body of unsafe methods: a dict, or a callable taking (world, state).
    body: dict | Callable[[Any, str], dict] | None = None
    # "session" for HTML pages; the API adds "token" (Authorization: Bearer).
    auth: tuple[str, ...] = ("session",)
    json: bool = False
    # Statuses that count as "ok" besides 2xx (healthz answers 503 when degraded).
    also_ok: tuple[int, ...] = ()
    note: str = ""

    def body_for(self, world, state: str) -> dict:
        if callable(self.body):
            return self.body(world, state)
        return dict(self.body or {})


# Open to everyone, signed in or not (a half-signed-in person finishes 2FA first).
PUBLIC = table("ok")

ROWS = [
    Row(
        "core:healthz",
        # The same answer for everyone, outside the 2FA gate (load balancers);
        # 503 is its answer while the worker or the purge is overdue.
        expect={
            "GET": {"none": table("ok", unverified="ok")},
            "POST": {"none": table("405", unverified="405")},
        },
        also_ok=(503,),
    ),
]
