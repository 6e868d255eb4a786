"""Authorization matrix rows for the accounts pages (R30; format in
tests/test_authorization_matrix.py).

Who may act on whom (DOMAIN.md, "When a member is compromised"): any
coordinator or admin of an organisation the person belongs to, or a
coalition admin, sees the person and can lock them at once, without step-up;
unlocking and a 2FA reset are asked for by an admin (coordinators cannot)
and decided by a second one; the exposure page needs step-up (R28). A
revoked membership no longer puts its holder in that organisation's reach.
Tokens, vouch codes and recovery codes are the person's own, invisible to
everyone else, admins included.
"""

from porch.accounts import totp
from porch.accounts.models import ApiToken, TOTPDevice, User, hash_token
from porch.accounts.roles import Role
from porch.coalition.models import Membership
from porch.core.tests.matrix import Row, signed_in, table

# ---- Objects -----------------------------------------------------------------------


def _person(w, organisation, *, revoked=False, locked=False, device=False):
    person = w.member(organisation, Role.VOLUNTEER, prefix="p")
    if revoked:
        Membership.objects.filter(user=person).update(status=Membership.Status.REVOKED)
    if locked:
        User.objects.filter(pk=person.pk).update(status=User.Status.LOCKED)
    if device:
        TOTPDevice.objects.create(user=person, seed=totp.new_seed(), confirmed=True)
    return {"code": person.code}


def people(**flags):
    """own: a member of A; other: a member of B; inactive: someone whose only
    membership (in A) is revoked."""
    return {
        "own": lambda w: _person(w, w.org_a, **flags),
        "other": lambda w: _person(w, w.org_b, **flags),
        "inactive": lambda w: _person(w, w.org_a, revoked=True, **flags),
    }


def _invitation_token(w, organisation, manager, *, revoked=False):
    from porch.accounts import actions

    invitation, token = actions.do_create_invitation(
        organisation, role=Role.VOLUNTEER, actor=manager
    )
    if revoked:
        actions.do_revoke_invitation(invitation, actor=manager)
    return {"token": token}


def _token_of(user):
    token = ApiToken.objects.create(user=user, name="phone", key_hash=hash_token(user.code * 3))
    return {"code": token.code}


def _unlock_request(w, organisation, requester):
    from porch.accounts import actions

    target = w.member(organisation, Role.VOLUNTEER, prefix="u")
    User.objects.filter(pk=target.pk).update(status=User.Status.LOCKED)
    approval = actions.do_request_unlock(target, actor=requester)
    return {"code": approval.code}


# ---- Outcome shorthands --------------------------------------------------------------

# Every signed-in actor gets the page; signed-out ones go to sign-in.
ANY_SIGNED_IN = signed_in("ok")
# Open to everyone, signed in or not (a half-signed-in coordinator finishes 2FA first).
PUBLIC = table("ok", unverified="two_factor")
# @login_required before the method check: signed out → sign-in, everyone else 405.
WRONG_METHOD = signed_in("405")
# A manager's view of a member of A: coordinators, org admins and coalition admins.
MANAGERS_A = signed_in("404", managers_a="ok")
COALITION_ADMIN_ONLY = signed_in("404", coalition_admin="ok")
NOBODY = signed_in("404")

ROWS = [
    Row(
        "accounts:home",
        expect={
            "GET": {"none": PUBLIC},
            "POST": {"none": table("405", unverified="two_factor")},
        },
    ),
    Row(
        "accounts:login",
        expect={
            "GET": {"none": PUBLIC},
            "POST": {"none": table("invalid", unverified="two_factor")},
        },
    ),
    Row(
        "accounts:two-factor",
        # None of the actors has an authenticator yet, so everyone signed in is
        # sent on to enrol one; the page itself stays reachable before 2FA.
        expect={
            "GET": {"none": signed_in("two_factor")},
            "POST": {"none": signed_in("two_factor")},
        },
    ),
    Row(
        "accounts:logout",
        expect={
            # Reachable before 2FA, so that a half-signed-in person can leave.
            "GET": {"none": table("405", unverified="405")},
            "POST": {"none": table("login", unverified="login")},
        },
    ),
    Row(
        "accounts:signup",
        expect={
            "GET": {"none": PUBLIC},
            "POST": {"none": table("invalid", unverified="two_factor")},
        },
    ),
    Row(
        "accounts:join",
        states={
            "own": lambda w: _invitation_token(w, w.org_a, w.ana),
            "revoked": lambda w: _invitation_token(w, w.org_a, w.ana, revoked=True),
            "unknown": lambda w: {"token": "no-such-invitation"},
        },
        expect={
            "GET": {
                "own": PUBLIC,
                "revoked": table("invalid", unverified="two_factor"),
                "unknown": table("404", unverified="two_factor"),
            },
            "POST": {
                "own": table("invalid", unverified="two_factor"),
                "revoked": table("invalid", unverified="two_factor"),
                "unknown": table("404", unverified="two_factor"),
            },
        },
    ),
    Row(
        "accounts:vouch",
        # Active accounts of responder trust or more vouch; an applicant cannot.
        expect={
            "GET": {"none": signed_in("ok", pending="403")},
            "POST": {"none": signed_in("invalid", pending="403")},
        },
    ),
    Row(
        "accounts:settings",
        expect={"GET": {"none": ANY_SIGNED_IN}, "POST": {"none": WRONG_METHOD}},
    ),
    *[
        Row(
            name,
            expect={"GET": {"none": WRONG_METHOD}, "POST": {"none": signed_in("invalid")}},
        )
        # Leaving Porch asks for the password again, so an empty form changes nothing.
        for name in ("accounts:password", "accounts:language", "accounts:leave")
    ],
    Row(
        "accounts:contact",
        # Every contact field is optional, so an empty form is a valid "clear them".
        expect={"GET": {"none": WRONG_METHOD}, "POST": {"none": ANY_SIGNED_IN}},
    ),
    Row(
        "accounts:token-create",
        body={"name": "matrix"},
        # Only active accounts hold tokens; an applicant's request is refused.
        expect={
            "GET": {"none": WRONG_METHOD},
            "POST": {"none": signed_in("ok", pending="invalid")},
        },
    ),
    Row(
        "accounts:token-revoke",
        states={"own": lambda w: _token_of(w.ana), "other": lambda w: _token_of(w.cal)},
        # "own" is Ana's token, "other" Cal's: only the holder may revoke it.
        expect={
            "GET": {"own": WRONG_METHOD, "other": WRONG_METHOD},
            "POST": {
                "own": signed_in("404", coordinator="ok"),
                "other": signed_in("404", other_org="ok"),
            },
        },
    ),
    Row(
        "accounts:vouch-code",
        # Only an applicant has a vouch code to renew.
        expect={
            "GET": {"none": WRONG_METHOD},
            "POST": {"none": signed_in("404", pending="ok")},
        },
    ),
    Row(
        "accounts:two-factor-setup",
        expect={
            "GET": {"none": signed_in("ok", unverified="ok")},
            "POST": {"none": signed_in("invalid", unverified="invalid")},
        },
    ),
    Row(
        "accounts:recovery-codes",
        # Step-up first; then, having no authenticator, everyone is sent to enrol one.
        expect={
            "GET": {"none": WRONG_METHOD},
            "POST": {"none": signed_in("two_factor", stale="step_up")},
        },
    ),
    Row(
        "accounts:step-up",
        expect={"GET": {"none": ANY_SIGNED_IN}, "POST": {"none": signed_in("invalid")}},
    ),
    Row(
        "accounts:person",
        states=people(),
        expect={
            "GET": {
                "own": MANAGERS_A,
                "other": COALITION_ADMIN_ONLY,
                "inactive": COALITION_ADMIN_ONLY,
            },
            "POST": dict.fromkeys(("own", "other", "inactive"), WRONG_METHOD),
        },
    ),
    Row(
        "accounts:person-lock",
        states=people(),
        # Any coordinator locks at once: no step-up, no second person.
        expect={
            "GET": dict.fromkeys(("own", "other", "inactive"), WRONG_METHOD),
            "POST": {
                "own": MANAGERS_A,
                "other": COALITION_ADMIN_ONLY,
                "inactive": COALITION_ADMIN_ONLY,
            },
        },
    ),
    Row(
        "accounts:person-unlock",
        states=people(locked=True),
        # Asked for by an admin (not a coordinator), decided by a second one.
        expect={
            "GET": dict.fromkeys(("own", "other", "inactive"), WRONG_METHOD),
            "POST": {
                "own": signed_in("404", org_admin="ok", coalition_admin="ok"),
                "other": COALITION_ADMIN_ONLY,
                "inactive": COALITION_ADMIN_ONLY,
            },
        },
    ),
    Row(
        "accounts:person-reset-two-factor",
        states=people(device=True),
        expect={
            "GET": dict.fromkeys(("own", "other", "inactive"), WRONG_METHOD),
            "POST": {
                "own": signed_in("404", org_admin="ok", coalition_admin="ok"),
                "other": COALITION_ADMIN_ONLY,
                "inactive": COALITION_ADMIN_ONLY,
            },
        },
    ),
    Row(
        "accounts:person-exposure",
        states=people(),
        # What a suspected infiltrator was shown: managers, after step-up (R28).
        expect={
            "GET": {
                "own": signed_in("404", managers_a="ok", stale="step_up"),
                "other": signed_in("404", coalition_admin="ok", stale="step_up"),
                "inactive": signed_in("404", coalition_admin="ok", stale="step_up"),
            },
            "POST": dict.fromkeys(("own", "other", "inactive"), WRONG_METHOD),
        },
    ),
    Row(
        "accounts:approvals",
        expect={"GET": {"none": ANY_SIGNED_IN}, "POST": {"none": WRONG_METHOD}},
    ),
    Row(
        "accounts:approval-decide",
        # own: Fay (admin of A) asks to unlock a member of A; Eve and the
        # coalition admins may decide. other: Hal (coalition admin, in B) asks
        # for a member of B; only another coalition admin may decide.
        states={
            "own": lambda w: _unlock_request(w, w.org_a, w.fay),
            "other": lambda w: _unlock_request(w, w.org_b, w.hal),
        },
        body={"decision": "reject"},
        expect={
            "GET": {"own": WRONG_METHOD, "other": WRONG_METHOD},
            "POST": {
                "own": signed_in("404", org_admin="ok", coalition_admin="ok", stale="step_up"),
                "other": signed_in("404", coalition_admin="ok", stale="step_up"),
            },
        },
    ),
]
