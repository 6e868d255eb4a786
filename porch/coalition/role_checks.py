"""Checks a higher app adds to granting a role.

Coalition grants roles (actions.do_grant_role) but knows nothing of
training or of a volunteer's private risk answers: those live in the
volunteers app, which sits above coalition and must not be imported from
here. So, as messaging does for keyword handlers, coalition keeps a
registry and volunteers fills it in its AppConfig.ready():

    role_checks.register(recruitment.grant_refusals)

A check is called as check(member, role) and returns the translated
reasons the member may not hold the role (an empty list when nothing
stands in the way). Every registered check runs; the reasons are joined.
"""

from collections.abc import Callable

Check = Callable[[object, str], list[str]]

CHECKS: list[Check] = []


def register(check: Check) -> None:
    if check not in CHECKS:
        CHECKS.append(check)


def refusals(member, role: str) -> list[str]:
    """The translated reasons `member` may not hold `role`, from every check."""
    reasons: list[str] = []
    for check in CHECKS:
        reasons.extend(str(reason) for reason in check(member, role))
    return reasons
