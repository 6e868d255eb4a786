"""Authorization matrix rows for /volunteers/ (R30; format in
tests/test_authorization_matrix.py).

Members of an organisation (any role that counts, a coalition admin's
included) see its sites, slots, protocol cards and training; its
coordinators and organisation admins manage them and read coverage; a
sign-up is its volunteer's alone, a swap its two volunteers'; attendance is
marked by the trainer or a coordinator, bulk vouching by the trainer only.
Coalition admins see counts across the coalition. Everything else is 404.
"""

from porch.core.tests.matrix import Row, signed_in, table
from porch.volunteers.tests.fixtures import feed_token, tomorrow, world_objects

WRONG = table("405", unverified="two_factor")
MEMBERS_A = signed_in("404", members_a="ok", coalition_admin="ok")
MEMBERS_B = signed_in("404", other_org="ok")
COORDINATORS_A = signed_in("404", coordinator="ok", org_admin="ok")
NOBODY = signed_in("404")


def by(key, field="code"):
    """States own (organisation A) and other (B), each building the objects."""

    def build(state):
        return lambda w: {field: getattr(world_objects(w, state)[key], "code")}

    return {"own": build("own"), "other": build("other")}


def page(name, key, *, get, post=WRONG, body=None, other_get=None, other_post=None):
    expect = {"GET": {"own": get, "other": other_get or NOBODY}}
    if post is not None:
        expect["POST"] = {"own": post, "other": other_post or (WRONG if post is WRONG else NOBODY)}
    return Row(f"volunteers:{name}", states=by(key), expect=expect, body=body)


def action(name, key, *, own, other=NOBODY, body=None):
    return Row(
        f"volunteers:{name}",
        states=by(key),
        expect={"GET": {"own": WRONG, "other": WRONG}, "POST": {"own": own, "other": other}},
        body=body,
    )


def form(name, key):
    """A coordinator's form: the empty body is refused."""
    return page(
        name,
        key,
        get=COORDINATORS_A,
        post=signed_in("404", coordinator="invalid", org_admin="invalid"),
    )


PROMOTION = {
    "own": lambda w: {"code": w.org_a.code, "member": w.vic.code},
    "other": lambda w: {"code": w.org_b.code, "member": w.cal.code},
}

ROWS = [
    Row(
        "volunteers:index",
        expect={"GET": {"none": signed_in("ok", pending="404")}, "POST": {"none": WRONG}},
    ),
    Row(
        "volunteers:counts",
        expect={"GET": {"none": signed_in("404", coalition_admin="ok")}, "POST": {"none": WRONG}},
    ),
    # Availability and the calendar feed are each person's own.
    Row(
        "volunteers:availability",
        expect={
            "GET": {"none": signed_in("ok", pending="404")},
            # The empty body is an empty week: saved.
            "POST": {"none": signed_in("ok", pending="404")},
        },
    ),
    Row(
        "volunteers:availability-exception-add",
        expect={"GET": {"none": WRONG}, "POST": {"none": signed_in("invalid", pending="404")}},
    ),
    action(
        "availability-exception-remove",
        "exception",
        own=signed_in("404", volunteer="ok"),
        other=signed_in("404", other_org="ok"),
    ),
    Row(
        "volunteers:calendar",
        expect={"GET": {"none": signed_in("ok", pending="404")}, "POST": {"none": WRONG}},
    ),
    Row(
        "volunteers:calendar-issue",
        expect={"GET": {"none": WRONG}, "POST": {"none": signed_in("ok", pending="404")}},
    ),
    # Nobody in the matrix has a feed yet: nothing to revoke.
    Row(
        "volunteers:calendar-revoke",
        expect={"GET": {"none": WRONG}, "POST": {"none": signed_in("invalid", pending="404")}},
    ),
    # Public by its secret (calendar apps carry no session); an unknown one is 404.
    Row(
        "volunteers:calendar-feed",
        states={
            "own": lambda w: {"token": feed_token(w, "own")},
            "other": lambda w: {"token": feed_token(w, "other")},
        },
        expect={
            "GET": {
                "own": table("ok", unverified="two_factor"),
                "other": table("404", unverified="two_factor"),
            },
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    page("coverage", "organisation", get=COORDINATORS_A),
    page("engagement", "organisation", get=COORDINATORS_A),
    # The empty body names no kind of message: refused.
    action(
        "engagement-send",
        "organisation",
        own=signed_in("404", coordinator="invalid", org_admin="invalid"),
    ),
    # The coalition's promotion thresholds: coalition admins; the empty body is refused.
    Row(
        "volunteers:promotion-rules",
        expect={
            "GET": {"none": signed_in("404", coalition_admin="ok")},
            "POST": {"none": signed_in("404", coalition_admin="invalid")},
        },
    ),
    # A member's promotion check: the organisation's coordinators and admins.
    # Vic (responder, no training) does not meet the rules: refused, unchanged.
    Row(
        "volunteers:promotion",
        states=PROMOTION,
        expect={
            "GET": {"own": COORDINATORS_A, "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    Row(
        "volunteers:promotion-promote",
        states=PROMOTION,
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {
                "own": signed_in("404", coordinator="invalid", org_admin="invalid"),
                "other": NOBODY,
            },
        },
    ),
    form("site-create", "organisation"),
    page("site", "site", get=MEMBERS_A, other_get=MEMBERS_B),
    form("site-edit", "site"),
    action("site-archive", "site", own=COORDINATORS_A),
    action("site-notify", "site", own=COORDINATORS_A),
    Row(
        "volunteers:site-card",
        states={
            "own": lambda w: {"code": world_objects(w, "own")["site"].code, "language": "so"},
        },
        expect={"GET": {"own": MEMBERS_A}, "POST": {"own": WRONG}},
    ),
    form("slot-create", "site"),
    page("slot", "slot", get=MEMBERS_A, other_get=MEMBERS_B),
    action("slot-archive", "slot", own=COORDINATORS_A),
    action(
        "slot-signup",
        "slot",
        own=MEMBERS_A,
        other=MEMBERS_B,
        body=lambda w, state: {"day": tomorrow().isoformat()},
    ),
    page(
        "signup",
        "signup",
        get=signed_in("404", volunteer="ok"),
        other_get=signed_in("404", other_org="ok"),
    ),
    action(
        "signup-cancel",
        "signup",
        own=signed_in("404", volunteer="ok"),
        other=signed_in("404", other_org="ok"),
    ),
    # Tomorrow's shift: too early to check in, so not checked in to check out.
    action(
        "signup-check-in",
        "signup",
        own=signed_in("404", volunteer="invalid"),
        other=signed_in("404", other_org="invalid"),
    ),
    action(
        "signup-check-out",
        "signup",
        own=signed_in("404", volunteer="invalid"),
        other=signed_in("404", other_org="invalid"),
    ),
    action(
        "signup-swap",
        "signup",
        own=signed_in("404", volunteer="invalid"),
        other=signed_in("404", other_org="invalid"),
    ),
    page(
        "swap",
        "swap",
        get=signed_in("404", volunteer="ok", driver="ok"),
        other_get=signed_in("404", other_org="ok"),
    ),
    action("swap-accept", "swap", own=signed_in("404", driver="ok")),
    action("swap-decline", "swap", own=signed_in("404", driver="ok")),
    action(
        "swap-withdraw",
        "swap",
        own=signed_in("404", volunteer="ok"),
        other=signed_in("404", other_org="ok"),
    ),
    form("group-create", "slot"),
    action("group-remove", "group", own=COORDINATORS_A),
    page("sessions", "organisation", get=MEMBERS_A, other_get=MEMBERS_B),
    form("session-create", "organisation"),
    page("session", "session", get=MEMBERS_A, other_get=MEMBERS_B),
    action("session-register", "session", own=MEMBERS_A, other=MEMBERS_B),
    # The empty body names nobody: refused for those who may mark attendance.
    action(
        "session-attended",
        "session",
        own=signed_in("404", coordinator="invalid", org_admin="invalid"),
        other=signed_in("404", other_org="invalid"),
    ),
    # The matrix's session is tomorrow: too early to attest, for its trainer.
    action(
        "session-attest",
        "session",
        own=signed_in("404", coordinator="invalid"),
        other=signed_in("404", other_org="invalid"),
    ),
    action(
        "session-vouch",
        "session",
        own=signed_in("404", coordinator="ok"),
        other=signed_in("404", other_org="ok"),
    ),
]
