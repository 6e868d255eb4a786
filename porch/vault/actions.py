"""Vault state changes made on a person's behalf (the panic requests)."""

from porch.accounts import approvals
from porch.vault.panic import INSTANCE_KIND, ORG_KIND


def do_request_panic(scope: str, *, organisation=None, actor):
    if scope == "instance":
        return approvals.do_request_approval(INSTANCE_KIND, {"scope": "instance"}, actor=actor)
    return approvals.do_request_approval(
        ORG_KIND, {"organisation": organisation.code}, organisation=organisation, actor=actor
    )


def do_decide_panic(approval, *, approve: bool, actor):
    return approvals.do_decide_approval(approval, approve=approve, actor=actor)
