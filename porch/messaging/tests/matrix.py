"""Authorization matrix rows for the messaging pages (R30, R33; format in
tests/test_authorization_matrix.py).

The rules (messaging/access.py): an organisation's subscriber list, its
broadcasts and their reports belong to its coordinators and organisation
admins; the coalition's own list (keyword and public-form subscribers who
chose no organisation) to coalition admins. Templates are edited by
coalition admins. The subscribe form and the provider webhooks are public;
webhooks answer 400 to an unreadable body and store nothing. Views check the
method before sign-in, so a wrong method is 405 even when signed out.
"""

from porch.core.tests.matrix import PUBLIC, Row, signed_in, table

ORGANISERS_A = {"coordinator": "ok", "org_admin": "ok"}
LIST_A = signed_in("404", **ORGANISERS_A)
COALITION_LIST = signed_in("404", coalition_admin="ok")
NOBODY = signed_in("404")
# The session policy sends a half-signed-in session to 2FA before any view.
WRONG_METHOD = table("405", unverified="two_factor")


def _subscriber(organisation):
    from porch.messaging.tests.helpers import active_subscriber, numbers

    return {"code": active_subscriber(organisation, numbers(1, 9000)[0], []).code}


def _alert(w, organisation):
    from porch.messaging import actions

    return {
        "code": actions.do_broadcast([w.zone], "alert", organisation=organisation, actor=None).code
    }


def lists():
    return {
        "own": lambda w: {"code": w.org_a.code},
        "other": lambda w: {"code": w.org_b.code},
        "coalition": lambda w: {"code": w.coalition.code},
    }


LIST_OUTCOMES = {"own": LIST_A, "other": NOBODY, "coalition": COALITION_LIST}


def subscribers():
    return {
        "own": lambda w: _subscriber(w.org_a),
        "other": lambda w: _subscriber(w.org_b),
        "coalition": lambda w: _subscriber(None),
    }


def broadcasts():
    return {
        "own": lambda w: _alert(w, w.org_a),
        "other": lambda w: _alert(w, w.org_b),
        "coalition": lambda w: _alert(w, None),
    }


def _invalid(outcomes: dict[str, str]) -> dict[str, str]:
    """Those let in get "invalid" for an empty body."""
    return {actor: ("invalid" if o == "ok" else o) for actor, o in outcomes.items()}


def _list_page(name):
    return Row(
        name,
        states=lists(),
        expect={
            "GET": LIST_OUTCOMES,
            "POST": {state: _invalid(o) for state, o in LIST_OUTCOMES.items()},
        },
    )


ACTIVE = signed_in("ok", pending="404")
TEMPLATE = {"alert_en": lambda w: {"key": "alert", "language": "en"}}

ROWS = [
    Row(
        "messaging:index",
        expect={
            "GET": {"none": signed_in("404", coalition_admin="ok", **ORGANISERS_A)},
            "POST": {"none": WRONG_METHOD},
        },
    ),
    Row(
        "messaging:subscribe",
        expect={"GET": {"none": PUBLIC}, "POST": {"none": _invalid(PUBLIC)}},
    ),
    Row(
        "messaging:notifications",
        expect={"GET": {"none": ACTIVE}, "POST": {"none": _invalid(ACTIVE)}},
    ),
    Row(
        "messaging:subscribers",
        states=lists(),
        expect={"GET": LIST_OUTCOMES, "POST": dict.fromkeys(LIST_OUTCOMES, WRONG_METHOD)},
    ),
    _list_page("messaging:subscriber-add"),
    _list_page("messaging:broadcast-new"),
    Row(
        "messaging:subscriber-stop",
        states=subscribers(),
        expect={
            "GET": dict.fromkeys(LIST_OUTCOMES, WRONG_METHOD),
            "POST": LIST_OUTCOMES,
        },
    ),
    Row(
        "messaging:broadcast",
        states=broadcasts(),
        expect={"GET": LIST_OUTCOMES, "POST": dict.fromkeys(LIST_OUTCOMES, WRONG_METHOD)},
    ),
    Row(
        "messaging:all-clear",
        states=broadcasts(),
        expect={"GET": dict.fromkeys(LIST_OUTCOMES, WRONG_METHOD), "POST": LIST_OUTCOMES},
    ),
    Row(
        "messaging:correction",
        states=broadcasts(),
        expect={"GET": dict.fromkeys(LIST_OUTCOMES, WRONG_METHOD), "POST": LIST_OUTCOMES},
    ),
    Row(
        "messaging:templates",
        expect={"GET": {"none": COALITION_LIST}, "POST": {"none": WRONG_METHOD}},
    ),
    Row(
        "messaging:template-edit",
        states=TEMPLATE,
        expect={
            "GET": {"alert_en": COALITION_LIST},
            "POST": {"alert_en": _invalid(COALITION_LIST)},
        },
    ),
    Row(
        "messaging:inbound",
        states={"console": lambda w: {"kind": "console"}},
        # An empty webhook is unreadable: 400 for anyone, nothing stored.
        expect={"GET": {"console": WRONG_METHOD}, "POST": {"console": _invalid(PUBLIC)}},
    ),
    Row(
        "messaging:status",
        states={"console": lambda w: {"kind": "console"}},
        expect={"GET": {"console": WRONG_METHOD}, "POST": {"console": PUBLIC}},
    ),
]
