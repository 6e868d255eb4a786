"""Panic (R21): two admins together crypto-erase an organisation, or two
coalition admins the whole instance. Runs through the two-person rule of
porch.accounts.approvals; both the request and the decision need step-up.
"""

from django.db import transaction
from django.utils import timezone

from porch.core import audit
from porch.vault.models import Subject

ORG_KIND = "vault.panic_org"
INSTANCE_KIND = "vault.panic_instance"


def admins_of(role: str, organisation=None):
    from porch.accounts.models import User
    from porch.accounts.roles import ROLE_INFO

    users = User.objects.filter(
        status=User.Status.ACTIVE,
        trust_level__gte=ROLE_INFO[role].min_trust,
        memberships__role=role,
        memberships__status="active",
    )
    if organisation is not None:
        users = users.filter(memberships__organisation=organisation)
    return users.distinct()


def _org_approvers(approval):
    from porch.accounts.roles import Role

    return admins_of(Role.ORG_ADMIN, approval.organisation)


def _instance_approvers(approval):
    from porch.accounts.roles import Role

    return admins_of(Role.COALITION_ADMIN)


def erase_subjects(subjects) -> int:
    """Shred every subject in the queryset, then rotate once committed."""
    from porch.vault.epochs import rotate
    from porch.vault.erasure import checkpoint, shred_many

    total = 0
    while True:
        batch = list(subjects.order_by("pk")[:1000])
        if not batch:
            break
        total += shred_many(batch)

    def after_commit():
        rotate(force=True)
        checkpoint()

    transaction.on_commit(after_commit)
    return total


def _run_org(approval, actor):
    from porch.coalition.models import Organisation

    organisation = approval.organisation
    erase_subjects(Subject.objects.filter(organisation=organisation))
    Organisation.objects.filter(pk=organisation.pk).update(erased_on=timezone.localdate())
    audit.record(actor, "vault.panic_org", obj=organisation, organisation=organisation)


def _run_instance(approval, actor):
    erase_subjects(Subject.objects.all())
    audit.record(actor, "vault.panic_instance")


def register_kinds() -> None:
    from porch.accounts import approvals

    approvals.register(ORG_KIND, run=_run_org, approvers=_org_approvers)
    approvals.register(INSTANCE_KIND, run=_run_instance, approvers=_instance_approvers)
