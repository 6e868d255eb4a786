"""Promotion rules: what a member needs for the next trust level (DOMAIN.md W8).

viewer → responder: the coalition's number of vouches
(Coalition.vouches_required, the same number accounts' activation counts),
or a trainer's attestation; responder → verifier or driver: the verifier or driver-safety
course certified and unexpired; verifier or driver → dispatcher: active for
the coalition's number of months, the dispatcher course certified and
unexpired, and the coalition's number of referrals. A referral is a vouch the
member received from someone who is now active at dispatcher trust or above
(accounts has no other record of one). Above dispatcher there is no rule:
legal partners and admins are invited.

`facts_for` reads the database (four queries); `evaluate` is pure and says,
in translated sentences, which rules are met and which are not.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from porch.accounts.actions import do_raise_trust
from porch.accounts.models import User, Vouch
from porch.accounts.roles import TrustLevel
from porch.core import audit
from porch.core.models import AuditEntry
from porch.volunteers.models import Certification, Course, PromotionRules

NEXT_LEVEL = {
    TrustLevel.VIEWER: TrustLevel.RESPONDER,
    TrustLevel.RESPONDER: TrustLevel.TRAINED,
    TrustLevel.TRAINED: TrustLevel.DISPATCHER,
}
TRAINED_COURSES = (Course.VERIFIER, Course.DRIVER_SAFETY)


@dataclass(frozen=True)
class Facts:
    trust_level: int
    active_since: datetime.date | None
    vouches: int
    attested: bool
    valid_courses: frozenset[str]
    referrals: int


@dataclass(frozen=True)
class Rule:
    met: bool
    sentence: str


@dataclass
class Check:
    level: int | None  # the next level, None when no rule leads further
    rules: list[Rule] = field(default_factory=list)

    @property
    def all_met(self) -> bool:
        return self.level is not None and all(rule.met for rule in self.rules)

    @property
    def level_label(self) -> str:
        return str(TrustLevel(self.level).label) if self.level is not None else ""


def rules_for(coalition) -> PromotionRules:
    """The coalition's rules, or the defaults (unsaved) when it set none."""
    found = PromotionRules.objects.filter(coalition=coalition).first()
    if found is None:
        return PromotionRules(coalition=coalition)
    found.coalition = coalition  # responder_vouches reads it: no second query
    return found


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def facts_for(user: User, *, today: datetime.date | None = None) -> Facts:
    today = today or timezone.localdate()
    courses = Certification.objects.filter(
        volunteer=user, issued_on__lte=today, expires_on__gte=today
    ).values_list("course", flat=True)
    vouches = Vouch.objects.filter(vouchee=user)
    return Facts(
        trust_level=user.trust_level,
        active_since=user.trusted_on if user.status == User.Status.ACTIVE else None,
        vouches=vouches.count(),
        attested=AuditEntry.objects.filter(
            action="account.attested", object_type="user", object_code=user.code
        ).exists(),
        valid_courses=frozenset(courses),
        referrals=vouches.filter(
            voucher__status=User.Status.ACTIVE, voucher__trust_level__gte=TrustLevel.DISPATCHER
        ).count(),
    )


def _course_rule(facts: Facts, courses, label: str) -> Rule:
    met = any(course in facts.valid_courses for course in courses)
    if met:
        return Rule(True, _("Training certified and unexpired: %(course)s.") % {"course": label})
    return Rule(False, _("Training not certified, or expired: %(course)s.") % {"course": label})


def evaluate(facts: Facts, rules: PromotionRules, *, today: datetime.date) -> Check:
    level = NEXT_LEVEL.get(facts.trust_level)
    check = Check(level)
    if level == TrustLevel.RESPONDER:
        need = rules.responder_vouches
        met = facts.vouches >= need or facts.attested
        if facts.attested:
            sentence = _("A trainer attested for them at an in-person orientation.")
        else:
            sentence = ngettext(
                "%(have)d of %(need)d vouch from active members, or a trainer's attestation.",
                "%(have)d of %(need)d vouches from active members, or a trainer's attestation.",
                need,
            ) % {"have": facts.vouches, "need": need}
        check.rules.append(Rule(met, sentence))
    elif level == TrustLevel.TRAINED:
        label = _("verifier or driver safety")
        check.rules.append(_course_rule(facts, TRAINED_COURSES, label))
    elif level == TrustLevel.DISPATCHER:
        months = rules.dispatcher_months
        since = facts.active_since
        due = add_months(since, months) if since else None
        if due is not None and due <= today:
            sentence = ngettext(
                "Active for at least %(months)d month.",
                "Active for at least %(months)d months.",
                months,
            ) % {"months": months}
            check.rules.append(Rule(True, sentence))
        else:
            sentence = ngettext(
                "Not yet active for %(months)d month.",
                "Not yet active for %(months)d months.",
                months,
            ) % {"months": months}
            check.rules.append(Rule(False, sentence))
        check.rules.append(_course_rule(facts, (Course.DISPATCHER,), str(Course.DISPATCHER.label)))
        need = rules.dispatcher_referrals
        sentence = ngettext(
            "%(have)d of %(need)d referral from dispatchers or above.",
            "%(have)d of %(need)d referrals from dispatchers or above.",
            need,
        ) % {"have": facts.referrals, "need": need}
        check.rules.append(Rule(facts.referrals >= need, sentence))
    return check


def check_member(user: User, coalition, *, today: datetime.date | None = None) -> Check:
    today = today or timezone.localdate()
    return evaluate(facts_for(user, today=today), rules_for(coalition), today=today)


def do_promote_member(user: User, coalition, *, actor) -> int:
    """Raise `user` to the next trust level, only when every rule is met
    (accounts.actions.do_raise_trust checks the actor and audits it).
    Returns the new level; refuses with a ValidationError, nothing changed."""
    check = check_member(user, coalition)
    if not check.all_met:
        raise ValidationError(
            _("Not promoted: they do not meet every rule for the next level yet.")
        )
    try:
        do_raise_trust(user, check.level, actor=actor)
    except PermissionDenied as denied:
        raise ValidationError(
            denied.args[0] if denied.args else _("You cannot give this trust level.")
        ) from None
    return check.level


def do_set_promotion_rules(
    coalition, *, responder_vouches: int, dispatcher_months: int, dispatcher_referrals: int, actor
) -> PromotionRules:
    """A coalition admin sets the coalition's thresholds. Audited. The
    number of vouches is written to Coalition.vouches_required (through
    coalition's own action), which accounts' activation counts too."""
    from porch.coalition.actions import do_update_coalition
    from porch.volunteers import access

    if not access.is_coalition_admin(actor):
        raise PermissionDenied(_("Only coalition admins can set the promotion rules."))
    if not (1 <= responder_vouches <= 5 and 0 <= dispatcher_months <= 24):
        raise ValidationError(_("Enter numbers within the ranges shown."))
    if not 0 <= dispatcher_referrals <= 5:
        raise ValidationError(_("Enter numbers within the ranges shown."))
    with transaction.atomic():
        if coalition.vouches_required != responder_vouches:
            do_update_coalition(
                coalition,
                name=coalition.name,
                hotline=coalition.hotline,
                vouches_required=responder_vouches,
                actor=actor,
            )
        rules, _created = PromotionRules.objects.update_or_create(
            coalition=coalition,
            defaults={
                "dispatcher_months": dispatcher_months,
                "dispatcher_referrals": dispatcher_referrals,
            },
        )
        audit.record(actor, "volunteers.promotion_rules_set", code=coalition.code)
    rules.coalition = coalition
    return rules
