"""The two-person rule (R28, R34) as a shared primitive.

One qualified person asks; a *different* qualified person approves; only then
does the registered handler run, inside the approving transaction. Apps
register kinds in their AppConfig.ready():

    approvals.register("coalition.grant_role", run=_grant, approvers=_org_admins)

`run(approval, actor)` performs the change (calling the app's own action).
`approvers(approval)` returns a queryset of users allowed to decide. The
payload holds opaque codes only. Requests expire after EXPIRY.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts.models import Approval
from porch.core import audit

EXPIRY = timedelta(days=2)


@dataclass(frozen=True)
class ApprovalKind:
    name: str
    run: Callable
    approvers: Callable


KINDS: dict[str, ApprovalKind] = {}


def register(name: str, *, run: Callable, approvers: Callable) -> None:
    KINDS[name] = ApprovalKind(name=name, run=run, approvers=approvers)


def can_decide(approval: Approval, user) -> bool:
    kind = KINDS.get(approval.kind)
    if kind is None or approval.requested_by_id == user.pk:
        return False
    return kind.approvers(approval).filter(pk=user.pk).exists()


def do_request_approval(kind: str, payload: dict, *, organisation=None, actor) -> Approval:
    if kind not in KINDS:
        raise ValidationError(_("Unknown kind of approval."))
    with transaction.atomic():
        duplicate = Approval.objects.filter(
            kind=kind, payload=payload, state=Approval.State.PENDING
        ).first()
        if duplicate is not None:
            return duplicate
        approval = Approval.objects.create(
            kind=kind, payload=payload, organisation=organisation, requested_by=actor
        )
        audit.record(actor, "approval.requested", obj=approval, organisation=organisation)
    return approval


def do_decide_approval(approval: Approval, *, approve: bool, actor) -> Approval:
    with transaction.atomic():
        approval = Approval.objects.select_for_update().get(pk=approval.pk)
        if approval.state != Approval.State.PENDING:
            raise ValidationError(_("This request has already been decided."))
        if timezone.now() - approval.created_at > EXPIRY:
            approval.state = Approval.State.EXPIRED
            approval.save(update_fields=["state"])
            expired = True
        else:
            expired = False
            _decide(approval, approve=approve, actor=actor)
    if expired:
        # Raised outside the block so that the expiry itself is kept.
        raise ValidationError(_("This request has expired. Ask again."))
    return approval


def _decide(approval: Approval, *, approve: bool, actor) -> None:
    if not can_decide(approval, actor):
        raise PermissionDenied(_("A second, different admin must decide this."))
    approval.state = Approval.State.APPROVED if approve else Approval.State.REJECTED
    approval.decided_by = actor
    approval.decided_on = timezone.localdate()
    approval.save(update_fields=["state", "decided_by", "decided_on"])
    if approve:
        KINDS[approval.kind].run(approval, actor)
    audit.record(
        actor,
        "approval.approved" if approve else "approval.rejected",
        obj=approval,
        organisation=approval.organisation,
    )
