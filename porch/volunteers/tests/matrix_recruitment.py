"""Authorization matrix rows for recruitment (R30; format in
tests/test_authorization_matrix.py).

The volunteer questions explain themselves to anyone and take answers from
anyone signed in, waiting for vouches or active; the status page is the
person's own. Recruits, giving a role and importing a sheet are for the
organisation's coordinators and organisation admins; everyone else 404.
"""

from porch.core.tests.matrix import Row, signed_in, table

WRONG = table("405", unverified="two_factor")
COORDINATORS_A = signed_in("404", coordinator="ok", org_admin="ok")
COORDINATORS_REFUSE_EMPTY = signed_in("404", coordinator="invalid", org_admin="invalid")
NOBODY = signed_in("404")

ORG = {
    "own": lambda w: {"code": w.org_a.code},
    "other": lambda w: {"code": w.org_b.code},
}
MEMBER = {
    "own": lambda w: {"code": w.org_a.code, "member": w.vic.code},
    "other": lambda w: {"code": w.org_b.code, "member": w.cal.code},
}


def claim_token(state):
    """A live claim link of an imported person (own), or one never issued."""

    def build(w):
        if state != "own":
            return {"token": "n" * 43}
        from porch.accounts.models import User, hash_token
        from porch.core.codes import new_code, new_token
        from porch.volunteers.models import Volunteer

        person = User.objects.create_user(handle=f"imported-{new_code(8).lower()}")
        token = new_token()
        Volunteer.objects.create(user=person, imported=True, claim_token_hash=hash_token(token))
        return {"token": token}

    return build


ROWS = [
    Row(
        "volunteers:join",
        expect={
            "GET": {"none": table("ok")},
            # The empty body answers nothing: refused for everyone signed in.
            "POST": {"none": signed_in("invalid")},
        },
    ),
    Row(
        "volunteers:status",
        expect={"GET": {"none": signed_in("ok")}, "POST": {"none": WRONG}},
    ),
    Row(
        "volunteers:recruits",
        states=ORG,
        expect={
            "GET": {"own": COORDINATORS_A, "other": NOBODY},
            "POST": {"own": WRONG, "other": WRONG},
        },
    ),
    Row(
        "volunteers:recruit-role",
        states=MEMBER,
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            "POST": {"own": COORDINATORS_REFUSE_EMPTY, "other": NOBODY},
        },
    ),
    Row(
        "volunteers:recruit-claim-link",
        states=MEMBER,
        expect={
            "GET": {"own": WRONG, "other": WRONG},
            # Vic was not imported: refused for the coordinators.
            "POST": {"own": COORDINATORS_REFUSE_EMPTY, "other": NOBODY},
        },
    ),
    # Public, like the calendar feed: the link is the credential.
    Row(
        "volunteers:claim",
        states={"own": claim_token("own"), "other": claim_token("other")},
        expect={
            "GET": {"own": table("ok"), "other": table("404")},
            "POST": {"own": table("invalid"), "other": table("404")},
        },
    ),
    Row(
        "volunteers:import",
        states=ORG,
        expect={
            "GET": {"own": COORDINATORS_A, "other": NOBODY},
            "POST": {"own": COORDINATORS_REFUSE_EMPTY, "other": NOBODY},
        },
    ),
]
