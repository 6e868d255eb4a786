"""The coalition panel on a manager's home page: what waits for them now."""

from porch.coalition import access


def manager_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not access.managed_organisations(user).exists():
        return None
    return {
        "template": "coalition/_home_panel.html",
        "referrals_waiting": access.referrals_waiting(user),
        "roles_waiting": access.roles_waiting(user),
        "handles_referrals": access.referral_organisations(user).exists(),
    }
