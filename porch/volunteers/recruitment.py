"""Recruitment: the volunteer questions after sign-up, the risk
self-assessment, the steps to active, and which roles are offered.

Design note. The account itself (generated handle, password, optional
contact sealed in the vault, the vouch code) comes from accounts' own
sign-up; this module adds what volunteering needs: languages, zones, roles
of interest and a weekly availability, plus a private self-assessment of
personal risk. The answers are sealed under the person's own profile key
(Volunteer.risk_answers) and only their effect is kept in the clear: the
roles never offered to them (Volunteer.withheld_roles). Coordinators see
that a role is not offered, never why.

A role is offered to someone only when all three allow it: the risk
self-assessment, the trust level the role needs (accounts.roles.ROLE_INFO,
raised through the promotion rules) and the training the role needs
(ROLE_TRAINING, a certificate valid today). `role_checks` says which, in
translated sentences. `grant_refusals` is registered with
coalition.role_checks, so coalition.actions.do_grant_role (the recruits
page, coalition's own grant page, a second admin's approval) refuses a
role not fully offered, with the same reasons.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from porch.accounts.models import User
from porch.accounts.roles import ROLE_INFO, Role, TrustLevel
from porch.coalition.models import Membership
from porch.core import audit
from porch.volunteers import access
from porch.volunteers import promotion as promotion_rules
from porch.volunteers.models import Attendance, Certification, Course, Volunteer

# Languages a volunteer may say they speak (codes; labels translated).
LANGUAGES = (
    ("en", gettext_lazy("English")),
    ("es", gettext_lazy("Spanish")),
    ("so", gettext_lazy("Somali")),
    ("hmn", gettext_lazy("Hmong")),
    ("ar", gettext_lazy("Arabic")),
    ("am", gettext_lazy("Amharic")),
    ("fr", gettext_lazy("French")),
    ("ht", gettext_lazy("Haitian Creole")),
    ("kar", gettext_lazy("Karen")),
    ("my", gettext_lazy("Burmese")),
    ("om", gettext_lazy("Oromo")),
    ("pt", gettext_lazy("Portuguese")),
    ("ru", gettext_lazy("Russian")),
    ("sw", gettext_lazy("Swahili")),
    ("uk", gettext_lazy("Ukrainian")),
    ("vi", gettext_lazy("Vietnamese")),
    ("zh", gettext_lazy("Chinese")),
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)

# The roles a recruit may say they are interested in, and the training each
# needs before it is offered (none: trust alone).
ROLE_TRAINING: dict[str, str] = {
    Role.PATROL: Course.KNOW_YOUR_RIGHTS,
    Role.HUB_KEEPER: "",
    Role.INTAKE: Course.KNOW_YOUR_RIGHTS,
    Role.OBSERVER: Course.LEGAL_OBSERVER,
    Role.VERIFIER: Course.VERIFIER,
    Role.DRIVER: Course.DRIVER_SAFETY,
    Role.DISPATCHER: Course.DISPATCHER,
}
RECRUIT_ROLES = tuple(ROLE_TRAINING)

# The private self-assessment: each "yes" withholds these roles. Minimal on
# purpose: two questions, no free text.
NEAR_AGENTS = "near_agents"
SEEN_IN_PUBLIC = "seen_in_public"
RISK_QUESTIONS = (
    (
        NEAR_AGENTS,
        pgettext_lazy(
            "risk self-assessment",
            "Being close to immigration agents or police could put me or my family at risk.",
        ),
    ),
    (
        SEEN_IN_PUBLIC,
        pgettext_lazy(
            "risk self-assessment",
            "Being seen or photographed in public with the network could put me at risk.",
        ),
    ),
)
RISK_WITHHOLDS: dict[str, frozenset[str]] = {
    NEAR_AGENTS: frozenset({Role.OBSERVER, Role.VERIFIER, Role.DRIVER}),
    SEEN_IN_PUBLIC: frozenset({Role.PATROL, Role.OBSERVER}),
}


def withheld_by(answers) -> list[str]:
    roles: set[str] = set()
    for answer in answers:
        roles |= RISK_WITHHOLDS.get(answer, frozenset())
    return sorted(roles)


def offered_roles(answers) -> list[str]:
    """The roles of interest a recruit may choose, given their answers."""
    withheld = set(withheld_by(answers))
    return [role for role in RECRUIT_ROLES if role not in withheld]


def volunteer_of(user) -> Volunteer | None:
    return Volunteer.objects.filter(user=user).first()


def risk_answers_of(volunteer: Volunteer | None) -> list[str]:
    """The person's own answers, for their own form only (never a coordinator's)."""
    if volunteer is None or not volunteer.risk_answers:
        return []
    try:
        answers = json.loads(volunteer.risk_answers)
    except ValueError:
        return []
    return [a for a in answers if a in RISK_WITHHOLDS]


# ---- The volunteer questions -------------------------------------------------------


def do_join_as_volunteer(
    user,
    *,
    languages,
    zones,
    roles,
    risk,
    windows: dict,
    organisation=None,
    actor,
) -> Volunteer:
    """Record (or update) the person's answers to the volunteer questions.

    `organisation`: a listed organisation to join as a volunteer, for those
    who chose none when they made their account. Roles the risk answers
    withhold are refused, not silently dropped: the form never offers them.
    """
    from porch.volunteers.actions import _lock_volunteer, do_set_weekly_availability

    if actor.pk != user.pk:
        raise PermissionDenied
    if user.status not in (User.Status.PENDING, User.Status.ACTIVE):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    languages = list(dict.fromkeys(languages or []))
    roles = list(dict.fromkeys(roles or []))
    risk = sorted(set(risk or []))
    if not languages or any(code not in LANGUAGE_CODES for code in languages):
        errors["languages"] = [_("Choose at least one language from the list.")]
    if any(answer not in RISK_WITHHOLDS for answer in risk):
        errors["risk"] = [_("Choose answers from the list.")]
    elif not roles or any(role not in RECRUIT_ROLES for role in roles):
        errors["roles"] = [_("Choose at least one of the roles offered.")]
    elif withheld := [role for role in roles if role in withheld_by(risk)]:
        errors["roles"] = [
            _(
                "Your answers about your safety mean these roles are not offered to you: "
                "%(roles)s. Untick them, or change your answers."
            )
            % {"roles": ", ".join(str(Role(role).label) for role in withheld)}
        ]
    if not zones:
        errors["zones"] = [_("Choose at least one zone.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        volunteer = _lock_volunteer(user)
        if organisation is not None and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(user=user, organisation=organisation, role=Role.VOLUNTEER)
        volunteer.languages = languages
        volunteer.roles_of_interest = roles
        volunteer.withheld_roles = withheld_by(risk)
        volunteer.risk_answers = json.dumps(risk)
        volunteer.recruited_on = volunteer.recruited_on or timezone.localdate()
        volunteer.save(
            update_fields=[
                "languages",
                "roles_of_interest",
                "withheld_roles",
                "risk_answers",
                "recruited_on",
            ]
        )
        volunteer.zones.set(zones)
        do_set_weekly_availability(user, windows, actor=actor)
        # The answers stay out of the audit trail: only that they changed.
        audit.record(actor, "volunteer.recruited", obj=user)
    return volunteer


def forget_on_leave(user, *, actor) -> None:
    """An ON_LOCK hook: when the person left Porch (not a mere lock), their
    answers go too. The sealed part is already unreadable: leaving shreds
    the profile key."""
    if user.status != User.Status.LEFT:
        return
    Volunteer.objects.filter(user=user).update(
        languages=[], roles_of_interest=[], withheld_roles=[], risk_answers=None, recruited_on=None
    )
    Volunteer.zones.through.objects.filter(volunteer__user=user).delete()


# ---- Role gating ------------------------------------------------------------------------


@dataclass
class RoleCheck:
    role: str
    label: str
    offered: bool
    reasons: list[str] = field(default_factory=list)


def _valid_courses(user, today) -> set[str]:
    return set(
        Certification.objects.filter(
            volunteer=user, issued_on__lte=today, expires_on__gte=today
        ).values_list("course", flat=True)
    )


def role_check(
    user, role: str, *, withheld, courses: set[str], today: datetime.date, for_self: bool
) -> RoleCheck:
    """Whether `role` can be offered to `user`, with the translated reasons
    it cannot. The risk reason is worded for the person themselves; a
    coordinator reads only that the role is not offered to them."""
    label = str(Role(role).label)
    check = RoleCheck(role, label, True)
    if role in withheld:
        check.offered = False
        check.reasons.append(
            _("You said this role could put you at risk, so it is not offered to you.")
            if for_self
            else _("This role is not offered to this person.")
        )
        return check
    if user.status != User.Status.ACTIVE:
        check.offered = False
        check.reasons.append(_("The account is waiting for vouches."))
    info = ROLE_INFO.get(role)
    if info is not None and user.trust_level < info.min_trust:
        check.offered = False
        check.reasons.append(
            _("This role needs the trust level “%(level)s”.")
            % {"level": TrustLevel(info.min_trust).label}
        )
    course = ROLE_TRAINING.get(role, "")
    if course and course not in courses:
        check.offered = False
        check.reasons.append(
            _("This role needs the “%(course)s” training, certified and unexpired.")
            % {"course": Course(course).label}
        )
    return check


def role_checks(user, volunteer: Volunteer | None, *, for_self: bool, today=None):
    today = today or timezone.localdate()
    if volunteer is None:
        return []
    courses = _valid_courses(user, today)
    withheld = set(volunteer.withheld_roles)
    return [
        role_check(user, role, withheld=withheld, courses=courses, today=today, for_self=for_self)
        for role in volunteer.roles_of_interest
        if role in ROLE_TRAINING
    ]


def grant_refusals(member, role: str) -> list[str]:
    """Registered with coalition.role_checks (VolunteersConfig.ready): the
    reasons `member` may not be given `role` today, worded for a coordinator
    (a withheld role reads only "not offered"). Roles outside ROLE_TRAINING
    (volunteer, coordinator, admins, legal partner) are not gated here."""
    if role not in ROLE_TRAINING:
        return []
    volunteer = volunteer_of(member)
    today = timezone.localdate()
    check = role_check(
        member,
        role,
        withheld=set(volunteer.withheld_roles if volunteer else ()),
        courses=_valid_courses(member, today),
        today=today,
        for_self=False,
    )
    return [] if check.offered else check.reasons


def do_assign_role(organisation, member, role: str, *, actor) -> Membership:
    """A coordinator gives a recruit one of the roles offered to them: the
    risk answers, the trust level and the training must all allow it, then
    coalition's own grant runs (its checks, audit and second-admin rule)."""
    from porch.coalition.actions import do_grant_role

    if not access.is_coordinator(actor, organisation):
        raise PermissionDenied
    if role not in ROLE_TRAINING:
        raise ValidationError(_("Choose a role from the list."))
    if reasons := grant_refusals(member, role):
        raise ValidationError(reasons)
    try:
        return do_grant_role(organisation, member, role=role, actor=actor)
    except PermissionDenied as denied:
        raise ValidationError(
            denied.args[0] if denied.args else _("You cannot give this role.")
        ) from None


# ---- The steps to active -----------------------------------------------------------


@dataclass
class Step:
    key: str
    title: str
    done: bool
    sentences: list[str] = field(default_factory=list)
    link: str = ""
    link_text: str = ""
    roles: list[RoleCheck] = field(default_factory=list)


def oriented(user) -> bool:
    """At an in-person orientation or training session, marked present."""
    return Attendance.objects.filter(volunteer=user, attended=True).exists()


def steps_for(user, *, today=None) -> list[Step]:
    """Where the person stands, step by step, in translated sentences (the
    promotion rules' own sentences for vouching)."""
    from django.urls import reverse

    today = today or timezone.localdate()
    volunteer = volunteer_of(user)
    steps = []
    answered = volunteer is not None and volunteer.recruited_on is not None
    steps.append(
        Step(
            "questions",
            _("Tell us how you would like to help"),
            answered,
            [
                _("Done: your languages, zones, roles of interest and availability.")
                if answered
                else _("Answer a few questions: your languages, zones and the roles you want.")
            ],
            reverse("volunteers:join"),
            _("Change your answers") if answered else _("Answer the questions"),
        )
    )
    went = oriented(user)
    steps.append(
        Step(
            "orientation",
            _("Come to an orientation"),
            went,
            [
                _("Done: a trainer marked you present at an in-person session.")
                if went
                else _(
                    "Come to an in-person orientation or training session. "
                    "Your coordinator tells you when and where."
                )
            ],
        )
    )
    organisation = access.member_organisations(user).select_related("coalition").first()
    if organisation is None:
        organisation = (
            Membership.objects.filter(user=user).select_related("organisation__coalition").first()
        )
        organisation = organisation.organisation if organisation else None
    coalition = organisation.coalition if organisation is not None else None
    vouched = user.status == User.Status.ACTIVE
    if vouched:
        sentences = [_("Done: active members vouched for you.")]
    else:
        facts = promotion_rules.facts_for(user, today=today)
        rules = promotion_rules.rules_for(coalition) if coalition else None
        check = promotion_rules.evaluate(
            facts, rules or promotion_rules.PromotionRules(), today=today
        )
        sentences = [rule.sentence for rule in check.rules]
        sentences.append(_("Tell your vouch code, in person, to active members who know you."))
    steps.append(Step("vouches", _("Get vouched"), vouched, sentences))
    checks = role_checks(user, volunteer, for_self=True, today=today)
    sessions = ""
    if vouched and organisation is not None:
        sessions = reverse("volunteers:sessions", kwargs={"code": organisation.code})
    steps.append(
        Step(
            "vetting",
            _("Training for your role"),
            any(c.offered for c in checks),
            [] if checks else [_("Choose the roles you want first.")],
            sessions,
            _("See training sessions") if sessions else "",
            roles=checks,
        )
    )
    held = set()
    if volunteer is not None:
        held = set(
            Membership.objects.filter(
                user=user, status=Membership.Status.ACTIVE, role__in=volunteer.roles_of_interest
            ).values_list("role", flat=True)
        )
    active = vouched and bool(held)
    steps.append(
        Step(
            "active",
            _("Active in your role"),
            active,
            [
                _("Done: you hold the role %(roles)s.")
                % {"roles": ", ".join(str(Role(r).label) for r in sorted(held))}
                if active
                else _(
                    "When a role is ready to be offered, a coordinator of your "
                    "organisation gives it to you."
                )
            ],
        )
    )
    return steps


def next_step(steps: list[Step]) -> Step | None:
    return next((step for step in steps if not step.done), None)


# ---- Reads --------------------------------------------------------------------------------


def zones_to_choose():
    """Every zone of the coalition: zone names are public (coalition.Zone)."""
    from porch.coalition.models import Zone

    return Zone.objects.select_related("region").order_by("region__name", "name")


@dataclass
class Recruit:
    person: User
    volunteer: Volunteer
    oriented: bool
    vouches: int
    held: set[str]
    roles: list[RoleCheck]


def recruits_of(organisation, *, today=None) -> list[Recruit]:
    """The organisation's members who answered the volunteer questions (or
    were imported), waiting for vouches or active, with the roles that can
    be offered to each. Never their risk answers: only which roles are not
    offered."""
    from django.db.models import Count, Exists, OuterRef, Prefetch

    today = today or timezone.localdate()
    memberships = Membership.objects.filter(
        organisation=organisation, status=Membership.Status.ACTIVE
    )
    people = (
        User.objects.filter(
            status__in=[User.Status.PENDING, User.Status.ACTIVE],
            memberships__in=memberships,
            volunteer__recruited_on__isnull=False,
        )
        .distinct()
        .select_related("volunteer")
        .annotate(
            vouch_count=Count("vouches_received", distinct=True),
            was_oriented=Exists(Attendance.objects.filter(volunteer=OuterRef("pk"), attended=True)),
        )
        .prefetch_related(
            Prefetch(
                "certifications",
                queryset=Certification.objects.filter(issued_on__lte=today, expires_on__gte=today),
                to_attr="valid_certificates",
            ),
            Prefetch("memberships", queryset=memberships, to_attr="org_memberships"),
        )
        .order_by("handle")
    )
    rows = []
    for person in people:
        volunteer = person.volunteer
        courses = {c.course for c in person.valid_certificates}
        withheld = set(volunteer.withheld_roles)
        checks = [
            role_check(
                person, role, withheld=withheld, courses=courses, today=today, for_self=False
            )
            for role in volunteer.roles_of_interest
            if role in ROLE_TRAINING
        ]
        held = {m.role for m in person.org_memberships}
        rows.append(
            Recruit(person, volunteer, person.was_oriented, person.vouch_count, held, checks)
        )
    return rows


def home_panel(request):
    """For people waiting for vouches: the next volunteering step (one query)."""
    user = request.user
    if not user.is_authenticated or user.status != User.Status.PENDING:
        return None
    answered = Volunteer.objects.filter(user=user, recruited_on__isnull=False).exists()
    return {"template": "volunteers/_home_panel.html", "answered": answered}


# ---- Imported people claim their account ---------------------------------------------------


def do_issue_claim_link(organisation, member, *, actor) -> str:
    """A coordinator makes the one link an imported person opens to set
    their password. Returns the secret, shown once; only its SHA-256 is
    kept, and a new link replaces the old one."""
    from porch.accounts.models import hash_token
    from porch.core.codes import new_token

    if not access.is_coordinator(actor, organisation):
        raise PermissionDenied
    volunteer = volunteer_of(member)
    if (
        volunteer is None
        or not volunteer.imported
        or member.status != User.Status.PENDING
        or member.has_usable_password()
    ):
        raise ValidationError(
            _("Only imported people who have not set a password yet get a sign-in link.")
        )
    token = new_token()
    with transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(claim_token_hash=hash_token(token))
        audit.record(actor, "volunteer.claim_link_issued", obj=member, organisation=organisation)
    return token


def volunteer_for_claim(token: str) -> Volunteer:
    """The imported person this claim link is for, or 404."""
    from django.http import Http404

    from porch.accounts.models import hash_token

    if not token or len(token) > 64:
        raise Http404
    volunteer = (
        Volunteer.objects.select_related("user")
        .filter(
            claim_token_hash=hash_token(token),
            imported=True,
            user__status=User.Status.PENDING,
        )
        .first()
    )
    if volunteer is None or volunteer.user.has_usable_password():
        raise Http404
    return volunteer


def do_claim_account(volunteer: Volunteer, *, password: str) -> str:
    """The imported person sets their password; the link dies. Returns a new
    vouch code (shown once), as at sign-up."""
    from django.contrib.auth.password_validation import validate_password

    from porch.accounts.actions import do_renew_vouch_code

    user = volunteer.user
    validate_password(password, user)
    with transaction.atomic():
        updated = Volunteer.objects.filter(
            pk=volunteer.pk, claim_token_hash=volunteer.claim_token_hash
        ).update(claim_token_hash="")
        if not updated:
            raise ValidationError(_("This link has already been used."))
        user.set_password(password)
        user.save(update_fields=["password"])
        code = do_renew_vouch_code(user, actor=user)
        audit.record(user, "volunteer.claimed", obj=user)
    return code
