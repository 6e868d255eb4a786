"""Every read of volunteers data on someone's behalf (R30).

Missing and forbidden both raise Http404. Members of an organisation (any
role that counts) see its sites and slots and sign up for them; its
coordinators and organisation admins manage them and read rosters (handles
only). Coalition admins see counts across organisations, never rosters
(DOMAIN.md roles table), unless they also coordinate that organisation.
A person's own sign-ups and swaps are theirs alone.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from porch.accounts.models import User, hash_token
from porch.accounts.roles import ROLE_INFO, Role
from porch.coalition.models import Membership, Organisation
from porch.volunteers.models import (
    Attendance,
    AvailabilityException,
    Certification,
    Shift,
    SignUp,
    Site,
    Slot,
    Swap,
    TrainingSession,
    Volunteer,
    WalkingGroup,
    WeeklyAvailability,
    adults_needed,
)

COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})
COVERAGE_DAYS = 7


def _is_active(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.status == User.Status.ACTIVE
    )


def require_active(user) -> None:
    if not _is_active(user):
        raise Http404


def roles_by_organisation(user) -> dict[int, set[str]]:
    """{organisation id: roles that count} for an active person: an active
    membership whose role's minimum trust the person reaches (ROLE_INFO).
    The same rule as coalition.access.counting_memberships, read as one
    small query and checked here, because every page here asks it."""
    if not _is_active(user):
        return {}
    roles: dict[int, set[str]] = {}
    rows = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
        "organisation_id", "role"
    )
    for org_id, role in rows:
        info = ROLE_INFO.get(role)
        if info is not None and user.trust_level >= info.min_trust:
            roles.setdefault(org_id, set()).add(role)
    return roles


def member_org_ids(user) -> list[int]:
    """Organisations where the person holds a role that counts."""
    return list(roles_by_organisation(user))


def coordinated_org_ids(user) -> list[int]:
    return [
        org_id
        for org_id, roles in roles_by_organisation(user).items()
        if roles & COORDINATING_ROLES
    ]


def coordinated_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=coordinated_org_ids(user), erased_on__isnull=True)


def member_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=member_org_ids(user), erased_on__isnull=True)


def is_coordinator(user, organisation) -> bool:
    return organisation.pk in coordinated_org_ids(user)


def is_coalition_admin(user) -> bool:
    return any(Role.COALITION_ADMIN in roles for roles in roles_by_organisation(user).values())


def get_coordinated_organisation(user, code: str) -> Organisation:
    organisation = coordinated_organisations(user).filter(code=code).first()
    if organisation is None:
        raise Http404
    return organisation


# ---- Sites and slots ---------------------------------------------------------------


def sites_visible_to(user) -> QuerySet[Site]:
    return Site.objects.live().filter(organisation__in=member_org_ids(user))


def get_site_for_user(user, code: str) -> Site:
    site = sites_visible_to(user).filter(code=code).select_related("organisation", "team").first()
    if site is None:
        raise Http404
    return site


def get_managed_site(user, code: str) -> Site:
    site = (
        Site.objects.live()
        .filter(code=code, organisation__in=coordinated_org_ids(user))
        .select_related("organisation", "team", "parent")
        .first()
    )
    if site is None:
        raise Http404
    return site


def slots_of(site: Site) -> QuerySet[Slot]:
    return site.slots.filter(archived=False)


def get_slot_for_user(user, code: str) -> Slot:
    slot = (
        Slot.objects.filter(code=code, archived=False, site__in=sites_visible_to(user))
        .select_related("site", "site__organisation")
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def get_managed_slot(user, code: str) -> Slot:
    slot = (
        Slot.objects.filter(
            code=code,
            archived=False,
            site__archived=False,
            site__organisation__in=coordinated_org_ids(user),
        )
        .select_related("site", "site__organisation")
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def shift_for(slot: Slot, day: datetime.date) -> Shift | None:
    return Shift.objects.filter(slot=slot, date=day).first()


def roster(shift: Shift | None) -> QuerySet[SignUp]:
    """Who is on a shift, for its coordinators: handles only."""
    if shift is None:
        return SignUp.objects.none()
    return (
        shift.signups.filter(state=SignUp.State.ACTIVE)
        .select_related("volunteer")
        .only("code", "checked_in", "checked_out", "shift_id", "volunteer__handle")
        .order_by("volunteer__handle")
    )


def upcoming_dates(slot: Slot, *, days: int = 14, today=None) -> list[datetime.date]:
    today = today or timezone.localdate()
    return slot.dates_between(today, today + datetime.timedelta(days=days - 1))


# ---- A person's own sign-ups and swaps ---------------------------------------------------


def my_signups(user, *, today=None) -> QuerySet[SignUp]:
    if not _is_active(user):
        return SignUp.objects.none()
    today = today or timezone.localdate()
    return (
        SignUp.objects.filter(volunteer=user, state=SignUp.State.ACTIVE, shift__date__gte=today)
        .select_related("shift__slot__site")
        .order_by("shift__starts_at")
    )


def get_signup_for_user(user, code: str) -> SignUp:
    """One's own sign-up (any state)."""
    if not _is_active(user):
        raise Http404
    signup = (
        SignUp.objects.filter(code=code, volunteer=user)
        .select_related("shift__slot__site__organisation")
        .first()
    )
    if signup is None:
        raise Http404
    return signup


def get_swap_for_user(user, code: str) -> Swap:
    """A swap the person offered or was offered."""
    if not _is_active(user):
        raise Http404
    swap = (
        Swap.objects.filter(code=code)
        .filter(Q(signup__volunteer=user) | Q(to_volunteer=user))
        .select_related(
            "signup__volunteer", "signup__shift__slot__site", "to_volunteer", "exchange__shift"
        )
        .first()
    )
    if swap is None:
        raise Http404
    return swap


def swaps_waiting_for(user) -> QuerySet[Swap]:
    if not _is_active(user):
        return Swap.objects.none()
    return (
        Swap.objects.filter(to_volunteer=user, state=Swap.State.OFFERED)
        .select_related("signup__shift__slot__site", "signup__volunteer")
        .order_by("signup__shift__starts_at")
    )


def swaps_offered_by(user) -> QuerySet[Swap]:
    if not _is_active(user):
        return Swap.objects.none()
    return Swap.objects.filter(signup__volunteer=user, state=Swap.State.OFFERED).select_related(
        "to_volunteer", "signup__shift__slot__site"
    )


def colleagues(organisation: Organisation, *, exclude: User | None = None) -> QuerySet[User]:
    """Active members of an organisation whom one may offer a swap to."""
    users = User.objects.filter(
        status=User.Status.ACTIVE,
        memberships__organisation=organisation,
        memberships__status=Membership.Status.ACTIVE,
    ).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.order_by("handle")


def valid_courses(user, day: datetime.date) -> set[str]:
    return set(
        Certification.objects.filter(
            volunteer=user, issued_on__lte=day, expires_on__gte=day
        ).values_list("course", flat=True)
    )


# ---- Coverage ------------------------------------------------------------------------------


@dataclass
class Gap:
    slot: Slot
    day: datetime.date
    filled: int
    # The slot's minimum, or more when its walking groups need more adults.
    needed: int

    @property
    def level(self) -> str:
        if self.filled == 0:
            return "uncovered"
        if self.filled < self.needed:
            return "understaffed"
        return "covered"

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.filled)


@dataclass
class SiteCoverage:
    site: Site
    days: list[datetime.date]
    rows: list[Gap] = field(default_factory=list)

    @property
    def gaps(self) -> list[Gap]:
        return [row for row in self.rows if row.level != "covered"]

    def grid(self) -> list[tuple[Slot, list[Gap | None]]]:
        """One line per slot, one cell per day (None: the slot does not run)."""
        lines: dict[int, tuple[Slot, dict]] = {}
        for row in self.rows:
            lines.setdefault(row.slot.pk, (row.slot, {}))[1][row.day] = row
        ordered = sorted(lines.values(), key=lambda line: (line[0].start_time, line[0].pk))
        return [(slot, [cells.get(day) for day in self.days]) for slot, cells in ordered]


def coverage(
    sites: QuerySet[Site], *, today=None, days: int = COVERAGE_DAYS, only_gaps: bool = False
) -> list[SiteCoverage]:
    """Every occurrence of the sites' slots in the next `days` days with the
    places taken and the adults needed (the slot's minimum, or what its
    walking groups' ratios ask for), grouped by site. Three queries whatever
    the size."""
    today = today or timezone.localdate()
    last = today + datetime.timedelta(days=days - 1)
    slots = list(
        Slot.objects.filter(site__in=sites, archived=False, starts_on__lte=last, ends_on__gte=today)
        .select_related("site", "site__team")
        .order_by("site__name", "site_id", "start_time", "pk")
    )
    filled = dict(
        (((slot_id, day), count))
        for slot_id, day, count in Shift.objects.filter(
            slot__in=[s.pk for s in slots], date__gte=today, date__lte=last
        ).values_list("slot_id", "date", "filled")
    )
    ratio_needs: dict[int, int] = {}
    for slot_id, band, children in WalkingGroup.objects.filter(
        slot__in=[s.pk for s in slots]
    ).values_list("slot_id", "age_band", "children"):
        ratio_needs[slot_id] = ratio_needs.get(slot_id, 0) + adults_needed(band, children)
    window = [today + datetime.timedelta(days=n) for n in range(days)]
    grouped: dict[int, SiteCoverage] = {}
    for slot in slots:
        entry = grouped.setdefault(slot.site_id, SiteCoverage(slot.site, window))
        for day in slot.dates_between(today, last):
            needed = max(slot.min_staff, ratio_needs.get(slot.pk, 0))
            row = Gap(slot, day, filled.get((slot.pk, day), 0), needed)
            if not only_gaps or row.level != "covered":
                entry.rows.append(row)
    for entry in grouped.values():
        entry.rows.sort(key=lambda row: (row.day, row.slot.start_time))
    return [entry for entry in grouped.values() if entry.rows or not only_gaps]


def people_to_notify_about(site: Site) -> QuerySet[User]:
    """The site's team, or, for a site without a team, its organisation's
    coordinators: active accounts with an active membership."""
    memberships = Membership.objects.filter(
        organisation=site.organisation, status=Membership.Status.ACTIVE
    )
    if site.team_id:
        memberships = memberships.filter(team_id=site.team_id)
    else:
        memberships = memberships.filter(role__in=COORDINATING_ROLES)
    return User.objects.filter(
        status=User.Status.ACTIVE, pk__in=memberships.values("user_id")
    ).order_by("pk")


def counts_by_organisation(*, today=None) -> list[dict]:
    """For coalition admins: per organisation, sites, slots, and the next
    seven days' shifts short of their minimum. Counts only."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.filter(erased_on__isnull=True).annotate(
        site_count=Count("sites", filter=Q(sites__archived=False), distinct=True),
    )
    rows = []
    by_org = {org.pk: org for org in organisations}
    per_org_gaps: dict[int, int] = {pk: 0 for pk in by_org}
    per_org_slots: dict[int, int] = {pk: 0 for pk in by_org}
    for entry in coverage(Site.objects.live(), today=today):
        org_id = entry.site.organisation_id
        per_org_gaps[org_id] += len(entry.gaps)
        per_org_slots[org_id] += len({row.slot.pk for row in entry.rows})
    for pk, org in by_org.items():
        rows.append(
            {
                "organisation": org,
                "sites": org.site_count,
                "slots": per_org_slots[pk],
                "gaps": per_org_gaps[pk],
            }
        )
    return rows


def find_colleague(organisation: Organisation, handle: str) -> User | None:
    return colleagues(organisation).filter(handle=(handle or "").strip().lower()).first()


def walking_groups_of(slot: Slot) -> QuerySet[WalkingGroup]:
    return slot.walking_groups.all()


def get_managed_walking_group(user, code: str) -> WalkingGroup:
    group = (
        WalkingGroup.objects.filter(
            code=code,
            slot__archived=False,
            slot__site__archived=False,
            slot__site__organisation__in=coordinated_org_ids(user),
        )
        .select_related("slot__site__organisation")
        .first()
    )
    if group is None:
        raise Http404
    return group


# ---- Training ---------------------------------------------------------------------------


def sessions_for(organisation: Organisation, *, today=None) -> QuerySet[TrainingSession]:
    today = today or timezone.localdate()
    return organisation.training_sessions.filter(on_date__gte=today).annotate(
        taken=Count("attendances")
    )


def get_session_for_user(user, code: str) -> TrainingSession:
    session = (
        TrainingSession.objects.filter(code=code, organisation__in=member_org_ids(user))
        .select_related("organisation", "trainer")
        .first()
    )
    if session is None:
        raise Http404
    return session


def can_run_session(user, session: TrainingSession) -> bool:
    return session.trainer_id == user.pk or is_coordinator(user, session.organisation)


def get_managed_session(user, code: str) -> TrainingSession:
    session = get_session_for_user(user, code)
    if not can_run_session(user, session):
        raise Http404
    return session


def attendances_of(session: TrainingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("volunteer").order_by("volunteer__handle")


def find_member(organisation: Organisation, handle: str) -> User | None:
    """A member of the organisation by handle, active or still waiting for vouches."""
    return (
        User.objects.filter(
            handle=(handle or "").strip().lower(),
            status__in=[User.Status.ACTIVE, User.Status.PENDING],
            memberships__organisation=organisation,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .first()
    )


def my_certifications(user) -> QuerySet[Certification]:
    if not _is_active(user):
        return Certification.objects.none()
    return Certification.objects.filter(volunteer=user)


# ---- Availability ----------------------------------------------------------------------


def my_weekly_availability(user) -> QuerySet[WeeklyAvailability]:
    return WeeklyAvailability.objects.filter(volunteer=user)


def my_availability_exceptions(user, *, today=None) -> QuerySet[AvailabilityException]:
    today = today or timezone.localdate()
    return AvailabilityException.objects.filter(volunteer=user, on_date__gte=today)


def get_exception_for_user(user, code: str) -> AvailabilityException:
    require_active(user)
    try:
        return AvailabilityException.objects.get(code=code, volunteer=user)
    except AvailabilityException.DoesNotExist:
        raise Http404 from None


def _covers(start, end, lo, hi) -> bool:
    return lo <= start and end <= hi


def _overlaps(start, end, lo, hi) -> bool:
    return start < hi and lo < end


def available_on(windows, exceptions, day: datetime.date, start, end) -> bool:
    """Whether one person's pattern and exceptions say they are free on
    `day` from `start` to `end` (local times, same day). An away exception
    overlapping the window wins; then an available exception covering it;
    then the weekly pattern."""
    todays = [e for e in exceptions if e.on_date == day]
    for e in todays:
        if not e.available and (e.whole_day or _overlaps(start, end, e.start_time, e.end_time)):
            return False
    for e in todays:
        if e.available and (e.whole_day or _covers(start, end, e.start_time, e.end_time)):
            return True
    return any(
        w.weekday == day.weekday() and _covers(start, end, w.start_time, w.end_time)
        for w in windows
    )


def available_members(slot: Slot, days: list[datetime.date]) -> dict[datetime.date, list[str]]:
    """{day: handles of the organisation's active members whose availability
    covers the slot that day}, for coordinators filling gaps. Two queries
    whatever the number of days or people; overnight slots match nobody
    (a pattern window ends on the day it starts)."""
    if not days or slot.end_time <= slot.start_time:
        return {day: [] for day in days}
    weekdays = {day.weekday() for day in days}
    members = Membership.objects.filter(
        organisation_id=slot.site.organisation_id,
        status=Membership.Status.ACTIVE,
        user__status=User.Status.ACTIVE,
    ).values("user_id")
    windows: dict[int, list] = {}
    handles: dict[int, str] = {}
    for w in WeeklyAvailability.objects.filter(
        volunteer__in=members, weekday__in=weekdays
    ).select_related("volunteer"):
        windows.setdefault(w.volunteer_id, []).append(w)
        handles[w.volunteer_id] = w.volunteer.handle
    exceptions: dict[int, list] = {}
    for e in AvailabilityException.objects.filter(
        volunteer__in=members, on_date__in=days
    ).select_related("volunteer"):
        exceptions.setdefault(e.volunteer_id, []).append(e)
        handles[e.volunteer_id] = e.volunteer.handle
    out = {}
    for day in days:
        out[day] = sorted(
            handles[pk]
            for pk in handles
            if available_on(
                windows.get(pk, []), exceptions.get(pk, []), day, slot.start_time, slot.end_time
            )
        )
    return out


# ---- Calendar feed ---------------------------------------------------------------------

FEED_PAST_DAYS = 30


def has_calendar_feed(user) -> bool:
    return Volunteer.objects.filter(user=user).exclude(calendar_token_hash="").exists()


def user_for_feed(token: str) -> User:
    """The active person whose feed secret this is; 404 otherwise (a revoked,
    rotated or locked person's old address included)."""
    token = (token or "").strip()
    if len(token) < 32:
        raise Http404
    volunteer = (
        Volunteer.objects.filter(
            calendar_token_hash=hash_token(token), user__status=User.Status.ACTIVE
        )
        .select_related("user")
        .first()
    )
    if volunteer is None:
        raise Http404
    return volunteer.user


def feed_signups(user) -> QuerySet[SignUp]:
    """One's own active sign-ups from 30 days back: the feed's events."""
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    return (
        SignUp.objects.filter(volunteer=user, state=SignUp.State.ACTIVE, shift__date__gte=since)
        .select_related("shift__slot__site")
        .order_by("shift__starts_at")
    )


# ---- Engagement ------------------------------------------------------------------------

INACTIVE_DAYS = 30


def _active_since(since: datetime.date, today: datetime.date):
    """A person counts as active if they held a place on a shift, or attended
    a training session, between `since` and today."""
    shifts = SignUp.objects.filter(
        volunteer=OuterRef("pk"),
        state=SignUp.State.ACTIVE,
        shift__date__gte=since,
        shift__date__lte=today,
    )
    trainings = Attendance.objects.filter(
        volunteer=OuterRef("pk"),
        attended=True,
        session__on_date__gte=since,
        session__on_date__lte=today,
    )
    return Exists(shifts) | Exists(trainings)


def engagement_of(organisation: Organisation, *, today=None) -> tuple[list[User], list[User]]:
    """(active, inactive) active members of an organisation over the last
    30 days, by handle: one query."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=INACTIVE_DAYS)
    people = (
        User.objects.filter(
            status=User.Status.ACTIVE,
            memberships__organisation=organisation,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .annotate(recent=_active_since(since, today))
        .only("pk", "code", "handle", "language")
        .order_by("handle")
    )
    active, inactive = [], []
    for person in people:
        (active if person.recent else inactive).append(person)
    return active, inactive


# ---- Promotion -------------------------------------------------------------------------


def get_member_for_promotion(coordinator, org_code: str, member_code: str):
    """(organisation, member): an organisation the person coordinates and one
    of its members with an active membership; 404 otherwise."""
    organisation = get_coordinated_organisation(coordinator, org_code)
    member = (
        User.objects.filter(
            code=member_code,
            status__in=[User.Status.ACTIVE, User.Status.PENDING],
            memberships__organisation=organisation,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .first()
    )
    if member is None:
        raise Http404
    return organisation, member
