"""The coalition's panels on the home page: links to the pages a person's
roles open (so nobody has to know an address by heart), and, for managers,
what waits for them now."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from porch.accounts.roles import MANAGER_ROLES, ROLE_INFO, Compartment, Role
from porch.coalition import access

# (url name, label, who gets the link: compartments, plus managers). Everyone
# active gets the shifts and notifications pages.
PAGES = [
    (
        "aid:index",
        _("Food and deliveries"),
        {Compartment.DELIVERY},
    ),
    (
        "response:index",
        _("Rapid response"),
        {Compartment.RESPONSE, Compartment.PATROLS, Compartment.LEGAL},
    ),
    ("volunteers:index", _("Shifts and availability"), None),
    ("messaging:notifications", _("Notifications"), None),
]


def _roles(request) -> tuple[set[str], set[str]]:
    """(every counting role, counting roles in organisations not erased),
    one query per request, shared by both panels."""
    cached = getattr(request, "_porch_home_roles", None)
    if cached is None:
        rows = (
            access.counting_memberships()
            .filter(user=request.user)
            .values_list("role", "organisation__erased_on")
        )
        cached = ({role for role, _ in rows}, {role for role, erased in rows if erased is None})
        request._porch_home_roles = cached
    return cached


def pages_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or user.status != user.Status.ACTIVE:
        return None
    _all, live = _roles(request)
    compartments = {ROLE_INFO[role].compartment for role in live if role in ROLE_INFO}
    manager = bool(live & MANAGER_ROLES)
    links = []
    for name, label, who in PAGES:
        if who is None or manager or compartments & who:
            links.append({"id": name.replace(":", "-"), "url": reverse(name), "label": label})
    return {"template": "coalition/_pages_panel.html", "links": links}


def manager_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or user.status != user.Status.ACTIVE:
        return None
    every, live = _roles(request)
    # Coalition admins manage every live organisation; others, the ones
    # where they hold a manager role themselves.
    if not (live & MANAGER_ROLES) and not (
        Role.COALITION_ADMIN in every and access.managed_organisations(user).exists()
    ):
        return None
    return {
        "template": "coalition/_home_panel.html",
        "referrals_waiting": access.referrals_waiting(user),
        "roles_waiting": access.roles_waiting(user),
        "handles_referrals": access.referral_organisations(user).exists(),
    }
