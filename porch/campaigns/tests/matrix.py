"""Authorization matrix rows for the campaigns pages and the public site (R30,
R33; format in tests/test_authorization_matrix.py).

The rules (campaigns/access.py): the dashboard, campaign pages and listings
are for managers — coordinators and organisation admins of their own
organisations, coalition admins for all; the referral inbox only for managers
holding a role in that organisation itself (R33), like the coalition's own
referral pages. The public site needs no account: anyone reads it, anyone
pledges, drafts and private organisations are 404. Views check the method
before sign-in, so a wrong method is 405 even when signed out.
"""

import datetime

from django.utils import timezone

from porch.core.tests.matrix import Row, signed_in, table

WRONG_METHOD = table("405", unverified="two_factor")
PUBLIC = table("ok", unverified="two_factor")
PUBLIC_404 = table("404", unverified="two_factor")
MANAGES_A = signed_in("404", managers_a="ok")
MANAGES_A_INVALID = signed_in("404", managers_a="invalid")
ADMIN = signed_in("404", coalition_admin="ok")
ADMIN_INVALID = signed_in("404", coalition_admin="invalid")
NOBODY = signed_in("404")


def _campaign(w, organisation, state):
    from porch.campaigns.models import Campaign

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        coalition=w.coalition,
        organisation=organisation,
        title="General strike",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        state=state,
    )
    return {"code": campaign.code}


def campaigns(state="draft"):
    """own: a campaign of org A; other: one of org B."""
    return {
        "own": lambda w: _campaign(w, w.org_a, state),
        "other": lambda w: _campaign(w, w.org_b, state),
    }


def public_campaigns():
    return {
        "open": lambda w: _campaign(w, w.org_a, "open"),
        "draft": lambda w: _campaign(w, w.org_a, "draft"),
    }


def orgs():
    return {"own": lambda w: {"code": w.org_a.code}, "other": lambda w: {"code": w.org_b.code}}


def _listed(w):
    from porch.campaigns.models import Listing

    w.org_a.is_public = True
    w.org_a.save()
    Listing.objects.create(organisation=w.org_a, kind="hub", needs="Rice.")
    return {"code": w.org_a.code}


def _private(w):
    from porch.campaigns.models import Listing

    Listing.objects.create(organisation=w.org_b, kind="food", needs="Beans.")
    return {"code": w.org_b.code}


def get_only(name, expect_get, states=None, post=WRONG_METHOD):
    states = states or {"none": lambda w: {}}
    return Row(
        name,
        states=states,
        expect={"GET": expect_get, "POST": dict.fromkeys(expect_get, post)},
    )


def form(name, states, get, post):
    return Row(name, states=states, expect={"GET": get, "POST": post})


def post_only(name, states, post):
    return Row(name, states=states, expect={"GET": dict.fromkeys(post, WRONG_METHOD), "POST": post})


ROWS = [
    get_only("campaigns:dashboard", {"none": MANAGES_A}),
    get_only("campaigns:dashboard-csv", {"none": MANAGES_A}),
    get_only("campaigns:index", {"none": MANAGES_A}),
    form(
        "campaigns:campaign-create",
        {"none": lambda w: {}},
        {"none": MANAGES_A},
        {"none": MANAGES_A_INVALID},
    ),
    get_only("campaigns:campaign", {"own": MANAGES_A, "other": ADMIN}, states=campaigns()),
    form(
        "campaigns:campaign-edit",
        campaigns(),
        {"own": MANAGES_A, "other": ADMIN},
        {"own": MANAGES_A_INVALID, "other": ADMIN_INVALID},
    ),
    post_only("campaigns:campaign-open", campaigns(), {"own": MANAGES_A, "other": ADMIN}),
    post_only("campaigns:campaign-end", campaigns("open"), {"own": MANAGES_A, "other": ADMIN}),
    form(
        "campaigns:listing-edit",
        orgs(),
        {"own": MANAGES_A, "other": ADMIN},
        {"own": MANAGES_A_INVALID, "other": ADMIN_INVALID},
    ),
    # Read only by managers holding a role in the organisation itself (R33).
    get_only("campaigns:referral-inbox", {"own": MANAGES_A, "other": NOBODY}, states=orgs()),
    # ---- The public site ----
    get_only("public:landing", {"none": PUBLIC}),
    get_only("public:resources", {"none": PUBLIC}),
    get_only(
        "public:organisation",
        {"listed": PUBLIC, "private": PUBLIC_404},
        states={"listed": _listed, "private": _private},
    ),
    get_only("public:campaign", {"open": PUBLIC, "draft": PUBLIC_404}, states=public_campaigns()),
    get_only("public:thanks", {"open": PUBLIC, "draft": PUBLIC_404}, states=public_campaigns()),
    Row(
        "public:pledge",
        states=public_campaigns(),
        expect={
            "GET": {"open": WRONG_METHOD, "draft": WRONG_METHOD},
            "POST": {"open": PUBLIC, "draft": PUBLIC_404},
        },
        body={"kind": "business"},
    ),
    # One PDF per actor: the hotline card, the quickest to render.
    get_only(
        "public:resource",
        {"card": PUBLIC, "unknown": PUBLIC_404},
        states={
            "card": lambda w: {"slug": "hotline-card", "language": "so"},
            "unknown": lambda w: {"slug": "safe-houses", "language": "en"},
        },
    ),
    get_only(
        "public:poster",
        {"open": PUBLIC, "draft": PUBLIC_404},
        states={
            "open": lambda w: {**_campaign(w, w.org_a, "open"), "language": "es"},
            "draft": lambda w: {**_campaign(w, w.org_a, "draft"), "language": "es"},
        },
    ),
]
