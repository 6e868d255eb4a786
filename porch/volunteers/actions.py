"""Every state change in volunteers: sites, slots, sign-ups, swaps, check-in.

Places on a shift are taken with a conditional UPDATE of Shift.filled
(`filled < max_staff`), inside a transaction that first locks the person's
Volunteer row: twenty people racing for the last place get exactly one, and
one person racing themselves cannot overlap two shifts (R46). On SQLite the
transactions are IMMEDIATE already (porch.core.dbsqlite), so writers queue.
Notifications are content-free and sent after commit (notify.py).
"""

import datetime
import secrets
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts import actions as accounts_actions
from porch.accounts.models import User, hash_token
from porch.accounts.roles import Role, TrustLevel
from porch.core import audit
from porch.volunteers import access, notify
from porch.volunteers.models import (
    COURSE_VALID_DAYS,
    MAX_GROUP_CHILDREN,
    AgeBand,
    Attendance,
    AvailabilityException,
    Certification,
    Course,
    Kit,
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

MAX_STAFF = 50
MAX_SLOT_DAYS = 366
MAX_SHIFT_HOURS = 16


def _after_commit(user, kind: str, actor, key: str = "") -> None:
    transaction.on_commit(partial(notify.notify, user, kind, actor=actor, key=key), robust=True)


def _require_coordinator(actor, organisation) -> None:
    if not access.is_coordinator(actor, organisation):
        raise PermissionDenied


def _clean_name(value: str, *, max_length: int) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError({"name": [_("Give it a name.")]})
    if len(name) > max_length:
        raise ValidationError(
            {"name": [_("Keep the name to %(max)d characters or fewer.") % {"max": max_length}]}
        )
    return name


# ---- Sites ------------------------------------------------------------------------------


def _check_site(organisation, *, kind, team, parent, kit) -> list[str]:
    if kind not in Site.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of site from the list.")]})
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": [_("Choose a team of this organisation.")]})
    if parent is not None:
        if parent.organisation_id != organisation.pk or parent.kind != Site.Kind.SCHOOL:
            raise ValidationError({"parent": [_("A bus stop belongs to a school of yours.")]})
        if kind != Site.Kind.BUS_STOP:
            raise ValidationError({"parent": [_("Only a bus stop can belong to a school.")]})
    kit = list(dict.fromkeys(kit or []))
    if any(item not in Kit.values for item in kit):
        raise ValidationError({"kit": [_("Choose kit items from the list.")]})
    return kit


def _check_site_name(organisation, name: str, *, exclude=None) -> None:
    clash = Site.objects.live().filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        message = _("This organisation already has a site by that name.")
        raise ValidationError({"name": [ValidationError(message, code="duplicate")]})


def do_create_site(
    organisation,
    *,
    kind: str,
    name: str,
    zone=None,
    team=None,
    parent=None,
    meeting_point: str = "",
    kit=(),
    actor,
) -> Site:
    _require_coordinator(actor, organisation)
    with transaction.atomic():
        name = _clean_name(name, max_length=120)
        kit = _check_site(organisation, kind=kind, team=team, parent=parent, kit=kit)
        _check_site_name(organisation, name)
        site = Site(
            organisation=organisation,
            kind=kind,
            name=name,
            zone=zone,
            team=team,
            parent=parent,
            meeting_point=" ".join((meeting_point or "").split()),
            kit=kit,
        )
        site.full_clean()
        site.save()
        audit.record(actor, "site.created", obj=site, organisation=organisation)
    return site


def do_update_site(
    site: Site, *, name: str, zone=None, team=None, meeting_point: str = "", kit=(), actor
) -> Site:
    _require_coordinator(actor, site.organisation)
    with transaction.atomic():
        site.name = _clean_name(name, max_length=120)
        site.kit = _check_site(
            site.organisation, kind=site.kind, team=team, parent=site.parent, kit=kit
        )
        _check_site_name(site.organisation, site.name, exclude=site)
        site.zone, site.team = zone, team
        site.meeting_point = " ".join((meeting_point or "").split())
        site.full_clean()
        site.save(update_fields=["name", "kit", "zone", "team", "meeting_point"])
        audit.record(actor, "site.updated", obj=site, organisation=site.organisation)
    return site


def do_archive_site(site: Site, *, actor) -> None:
    """Hide the site and its bus stops; their future shifts are cancelled."""
    _require_coordinator(actor, site.organisation)
    with transaction.atomic():
        sites = [site, *Site.objects.live().filter(parent=site)]
        for each in sites:
            for slot in each.slots.filter(archived=False):
                _cancel_future_signups(slot, actor)
        Site.objects.filter(pk__in=[s.pk for s in sites]).update(archived=True)
        Slot.objects.filter(site__in=sites).update(archived=True)
        site.archived = True
        audit.record(actor, "site.archived", obj=site, organisation=site.organisation)


# ---- Slots (recurrences) ------------------------------------------------------------------


def parse_weekdays(values) -> str:
    """["0", "2"] → "02"; refuses anything but 0–6 (Monday = 0)."""
    days = set()
    for value in values or []:
        text = str(value).strip()
        if len(text) != 1 or text not in "0123456":
            raise ValidationError({"weekdays": [_("Choose weekdays from the list.")]})
        days.add(text)
    if not days:
        raise ValidationError({"weekdays": [_("Choose at least one weekday.")]})
    return "".join(sorted(days))


def validate_recurrence(
    *,
    weekdays: str,
    start_time: datetime.time,
    end_time: datetime.time,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date | None = None,
) -> None:
    """A recurrence that can happen: raises ValidationError naming each field."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if start_time == end_time:
        errors["end_time"] = [_("A shift cannot end at the time it starts.")]
    else:
        start = datetime.datetime.combine(today, start_time)
        end = datetime.datetime.combine(today, end_time)
        if end <= start:
            end += datetime.timedelta(days=1)
        if end - start > datetime.timedelta(hours=MAX_SHIFT_HOURS):
            errors["end_time"] = [
                _("A shift can last at most %(hours)d hours. Split a longer one into two slots.")
                % {"hours": MAX_SHIFT_HOURS}
            ]
    if starts_on < today:
        errors["starts_on"] = [_("The first day cannot be in the past.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The last day must be on or after the first day.")]
    elif (ends_on - starts_on).days >= MAX_SLOT_DAYS:
        errors["ends_on"] = [_("A slot can repeat for at most a year. Add another slot after.")]
    elif not errors.get("starts_on"):
        probe = Slot(weekdays=weekdays, starts_on=starts_on, ends_on=ends_on)
        if not probe.dates_between(starts_on, ends_on):
            errors["weekdays"] = [_("None of these weekdays falls between the first and last day.")]
    if errors:
        raise ValidationError(errors)


def _check_staffing(min_staff: int, max_staff: int) -> None:
    errors = {}
    if min_staff < 1:
        errors["min_staff"] = [_("A slot needs at least one person.")]
    if max_staff > MAX_STAFF:
        errors["max_staff"] = [_("A slot can take at most %(max)d people.") % {"max": MAX_STAFF}]
    elif max_staff < min_staff:
        errors["max_staff"] = [_("The maximum must be at least the minimum.")]
    if errors:
        raise ValidationError(errors)


def do_create_slot(
    site: Site,
    *,
    purpose: str,
    weekdays,
    start_time: datetime.time,
    end_time: datetime.time,
    starts_on: datetime.date,
    ends_on: datetime.date,
    min_staff: int,
    max_staff: int,
    required_role: str = "",
    required_course: str = "",
    actor,
) -> Slot:
    _require_coordinator(actor, site.organisation)
    if purpose not in Slot.Purpose.values:
        raise ValidationError({"purpose": [_("Choose a purpose from the list.")]})
    if required_role and required_role not in Role.values:
        raise ValidationError({"required_role": [_("Choose a role from the list.")]})
    if required_course and required_course not in Course.values:
        raise ValidationError({"required_course": [_("Choose a training from the list.")]})
    days = weekdays if isinstance(weekdays, str) else parse_weekdays(weekdays)
    days = parse_weekdays(list(days))
    validate_recurrence(
        weekdays=days,
        start_time=start_time,
        end_time=end_time,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _check_staffing(min_staff, max_staff)
    with transaction.atomic():
        slot = Slot(
            site=site,
            purpose=purpose,
            weekdays=days,
            start_time=start_time,
            end_time=end_time,
            starts_on=starts_on,
            ends_on=ends_on,
            min_staff=min_staff,
            max_staff=max_staff,
            required_role=required_role or "",
            required_course=required_course or "",
        )
        slot.full_clean()
        slot.save()
        audit.record(actor, "slot.created", obj=slot, organisation=site.organisation)
    return slot


def _cancel_future_signups(slot: Slot, actor) -> int:
    today = timezone.localdate()
    signups = list(
        SignUp.objects.filter(
            shift__slot=slot, shift__date__gte=today, state=SignUp.State.ACTIVE
        ).select_related("volunteer")
    )
    for signup in signups:
        _release(signup, SignUp.State.CANCELLED)
        _after_commit(signup.volunteer, notify.NOTIFICATION, actor)
    return len(signups)


def do_archive_slot(slot: Slot, *, actor) -> int:
    """Stop a slot; its future sign-ups are cancelled and their people told."""
    _require_coordinator(actor, slot.site.organisation)
    with transaction.atomic():
        cancelled = _cancel_future_signups(slot, actor)
        slot.archived = True
        slot.save(update_fields=["archived"])
        audit.record(actor, "slot.archived", obj=slot, organisation=slot.site.organisation)
    return cancelled


# ---- Sign-ups ---------------------------------------------------------------------


def _lock_volunteer(user) -> Volunteer:
    """The person's Volunteer row, locked: their sign-ups queue behind it."""
    try:
        with transaction.atomic():
            Volunteer.objects.get_or_create(user=user)
    except IntegrityError:
        pass  # created by a concurrent request
    return Volunteer.objects.select_for_update().get(user=user)


def _shift(slot: Slot, day: datetime.date) -> Shift:
    starts_at, ends_at = slot.window(day)
    try:
        with transaction.atomic():
            shift, _created = Shift.objects.get_or_create(
                slot=slot, date=day, defaults={"starts_at": starts_at, "ends_at": ends_at}
            )
    except IntegrityError:
        shift = Shift.objects.get(slot=slot, date=day)
    return shift


def _check_day(slot: Slot, day: datetime.date) -> None:
    today = timezone.localdate()
    if day < today:
        raise ValidationError(_("That day has passed. Choose a day from today on."))
    if not slot.occurs_on(day):
        raise ValidationError(_("This slot does not run on that day."))
    if slot.window(day)[1] <= timezone.now():
        raise ValidationError(_("This shift has already ended."))


def eligibility_problem(user, slot: Slot, day: datetime.date) -> str | None:
    """Why this person may not take this slot on this day (None: they may)."""
    organisation = slot.site.organisation
    if user.trust_level < TrustLevel.RESPONDER:
        return _("Only members who have been vouched for can sign up for shifts.")
    roles = access.roles_by_organisation(user).get(organisation.pk, set())
    if not roles:
        return _("Only members of this organisation can sign up for its shifts.")
    if slot.required_role and slot.required_role not in roles:
        return _("This shift needs the role “%(role)s”.") % {"role": Role(slot.required_role).label}
    if slot.required_course and slot.required_course not in access.valid_courses(user, day):
        return _("This shift needs the “%(course)s” training, valid on that day.") % {
            "course": Course(slot.required_course).label
        }
    return None


def _check_no_overlap(user, shift: Shift, *, ignoring=()) -> None:
    clash = SignUp.objects.filter(
        volunteer=user,
        state=SignUp.State.ACTIVE,
        shift__starts_at__lt=shift.ends_at,
        shift__ends_at__gt=shift.starts_at,
    ).exclude(pk__in=[s.pk for s in ignoring])
    if clash.exists():
        raise ValidationError(
            _("You are already signed up for a shift at that time."), code="duplicate"
        )


def _take_place(shift: Shift, slot: Slot) -> None:
    taken = Shift.objects.filter(pk=shift.pk, filled__lt=slot.max_staff).update(
        filled=F("filled") + 1
    )
    if not taken:
        raise ValidationError(_("This shift is full. Choose another day or slot."), code="full")


def _release(signup: SignUp, state) -> None:
    SignUp.objects.filter(pk=signup.pk).update(state=state)
    Shift.objects.filter(pk=signup.shift_id, filled__gt=0).update(filled=F("filled") - 1)
    signup.state = state


def do_sign_up(slot: Slot, day: datetime.date, *, volunteer, actor) -> SignUp:
    """Take a place on `slot` on `day`. Refuses past days, days the slot does
    not run, full shifts, overlapping shifts and people without the role or
    training the slot needs."""
    if actor.pk != volunteer.pk:
        raise PermissionDenied
    _check_day(slot, day)
    problem = eligibility_problem(volunteer, slot, day)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        _lock_volunteer(volunteer)
        shift = _shift(slot, day)
        _check_no_overlap(volunteer, shift)
        _take_place(shift, slot)
        signup = SignUp.objects.create(shift=shift, volunteer=volunteer)
        audit.record(actor, "signup.created", obj=signup, organisation=slot.site.organisation)
    return signup


def do_cancel_signup(signup: SignUp, *, actor) -> None:
    if actor.pk != signup.volunteer_id:
        raise PermissionDenied
    with transaction.atomic():
        _lock_volunteer(actor)
        signup.refresh_from_db(fields=["state"])
        if signup.state != SignUp.State.ACTIVE:
            raise ValidationError(_("This sign-up is no longer active."))
        if signup.shift.ends_at <= timezone.now():
            raise ValidationError(_("This shift is over and cannot be cancelled."))
        _release(signup, SignUp.State.CANCELLED)
        Swap.objects.filter(signup=signup, state=Swap.State.OFFERED).update(
            state=Swap.State.WITHDRAWN
        )
        audit.record(
            actor, "signup.cancelled", obj=signup, organisation=signup.shift.slot.site.organisation
        )


def do_check_in(signup: SignUp, *, kit=(), actor) -> None:
    """On arrival, with the kit items the volunteer has with them."""
    if actor.pk != signup.volunteer_id:
        raise PermissionDenied
    shift = signup.shift
    now = timezone.now()
    if signup.state != SignUp.State.ACTIVE:
        raise ValidationError(_("This sign-up is no longer active."))
    if now < shift.starts_at - datetime.timedelta(hours=1) or now > shift.ends_at:
        raise ValidationError(_("You can check in from an hour before the shift until it ends."))
    kit = [item for item in dict.fromkeys(kit or []) if item in shift.slot.site.kit]
    with transaction.atomic():
        signup.checked_in = True
        signup.kit_checked = kit
        signup.save(update_fields=["checked_in", "kit_checked"])
        audit.record(
            actor, "signup.checked_in", obj=signup, organisation=shift.slot.site.organisation
        )


def do_check_out(signup: SignUp, *, actor) -> None:
    if actor.pk != signup.volunteer_id:
        raise PermissionDenied
    if not signup.checked_in or signup.state != SignUp.State.ACTIVE:
        raise ValidationError(_("Check in first."))
    with transaction.atomic():
        signup.checked_out = True
        signup.save(update_fields=["checked_out"])
        audit.record(
            actor,
            "signup.checked_out",
            obj=signup,
            organisation=signup.shift.slot.site.organisation,
        )


# ---- Swaps ------------------------------------------------------------------------


def do_offer_swap(signup: SignUp, *, to_volunteer, exchange: SignUp | None = None, actor) -> Swap:
    """Offer one's place to a colleague; with `exchange`, ask for theirs back."""
    if actor.pk != signup.volunteer_id:
        raise PermissionDenied
    organisation = signup.shift.slot.site.organisation
    if signup.state != SignUp.State.ACTIVE or signup.shift.starts_at <= timezone.now():
        raise ValidationError(
            _("Only an active sign-up for a shift not yet started can be swapped.")
        )
    if to_volunteer.pk == actor.pk:
        raise ValidationError(_("Choose someone other than yourself."))
    if not access.colleagues(organisation).filter(pk=to_volunteer.pk).exists():
        raise ValidationError(_("That person is not an active member of this organisation."))
    if exchange is not None and (
        exchange.volunteer_id != to_volunteer.pk or exchange.state != SignUp.State.ACTIVE
    ):
        raise ValidationError(_("Choose one of their own active sign-ups to take in return."))
    with transaction.atomic():
        if Swap.objects.filter(signup=signup, state=Swap.State.OFFERED).exists():
            raise ValidationError(
                _("You have already offered this shift. Withdraw that offer first."),
                code="duplicate",
            )
        swap = Swap.objects.create(signup=signup, to_volunteer=to_volunteer, exchange=exchange)
        audit.record(actor, "swap.offered", obj=swap, organisation=organisation)
        _after_commit(to_volunteer, notify.ASSIGNMENT, actor)
    return swap


def do_accept_swap(swap: Swap, *, actor) -> SignUp:
    """The colleague takes the place (and, in an exchange, gives theirs)."""
    if actor.pk != swap.to_volunteer_id:
        raise PermissionDenied
    offerer = swap.signup.volunteer
    with transaction.atomic():
        for user in sorted([offerer, actor], key=lambda u: u.pk):
            _lock_volunteer(user)
        swap.refresh_from_db(fields=["state"])
        if swap.state != Swap.State.OFFERED:
            raise ValidationError(_("This swap is no longer open."))
        given = SignUp.objects.select_related("shift__slot__site__organisation").get(
            pk=swap.signup_id
        )
        returned = None
        if swap.exchange_id:
            returned = SignUp.objects.select_related("shift__slot__site__organisation").get(
                pk=swap.exchange_id
            )
        if given.state != SignUp.State.ACTIVE or (
            returned is not None and returned.state != SignUp.State.ACTIVE
        ):
            raise ValidationError(_("This swap is no longer open."))
        moves = [(given, actor, offerer)]
        if returned is not None:
            moves.append((returned, offerer, actor))
        for signup, taker, _giver in moves:
            if signup.shift.starts_at <= timezone.now():
                raise ValidationError(_("This shift has already started."))
            problem = eligibility_problem(taker, signup.shift.slot, signup.shift.date)
            if problem:
                raise ValidationError(problem)
            _check_no_overlap(taker, signup.shift, ignoring=[s for s, _t, _g in moves])
        taken = None
        for signup, taker, _giver in moves:
            SignUp.objects.filter(pk=signup.pk).update(state=SignUp.State.SWAPPED)
            new = SignUp.objects.create(shift=signup.shift, volunteer=taker)
            if taker.pk == actor.pk:
                taken = new
        swap.state = Swap.State.ACCEPTED
        swap.save(update_fields=["state"])
        audit.record(
            actor, "swap.accepted", obj=swap, organisation=given.shift.slot.site.organisation
        )
        _after_commit(offerer, notify.NOTIFICATION, actor)
    assert taken is not None
    return taken


def _close_swap(swap: Swap, state, *, actor, allowed_pk: int) -> None:
    if actor.pk != allowed_pk:
        raise PermissionDenied
    with transaction.atomic():
        swap.refresh_from_db(fields=["state"])
        if swap.state != Swap.State.OFFERED:
            raise ValidationError(_("This swap is no longer open."))
        swap.state = state
        swap.save(update_fields=["state"])
        audit.record(actor, f"swap.{state}", obj=swap)


def do_decline_swap(swap: Swap, *, actor) -> None:
    _close_swap(swap, Swap.State.DECLINED, actor=actor, allowed_pk=swap.to_volunteer_id)
    _after_commit(swap.signup.volunteer, notify.NOTIFICATION, actor)


def do_withdraw_swap(swap: Swap, *, actor) -> None:
    _close_swap(swap, Swap.State.WITHDRAWN, actor=actor, allowed_pk=swap.signup.volunteer_id)


# ---- Walking groups (children counted, never named) -------------------------------


def _check_group(slot: Slot, *, label: str, age_band: str, children, exclude=None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": [_("Give the group a label, such as a colour or route.")]})
    if len(label) > 60:
        raise ValidationError({"label": [_("Keep the label to 60 characters or fewer.")]})
    if age_band not in AgeBand.values:
        raise ValidationError({"age_band": [_("Choose an age band from the list.")]})
    if not isinstance(children, int) or not 1 <= children <= MAX_GROUP_CHILDREN:
        raise ValidationError(
            {
                "children": [
                    _("A group has between 1 and %(max)d children.") % {"max": MAX_GROUP_CHILDREN}
                ]
            }
        )
    others = slot.walking_groups.all()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    needed = adults_needed(age_band, children) + sum(g.adults_needed for g in others)
    if needed > slot.max_staff:
        raise ValidationError(
            {
                "children": [
                    _(
                        "The walking groups on this slot would need %(needed)d adults, but the "
                        "slot takes at most %(max)d. Raise the slot's maximum or split the groups."
                    )
                    % {"needed": needed, "max": slot.max_staff}
                ]
            }
        )
    return label


def do_add_walking_group(
    slot: Slot, *, label: str, age_band: str, children: int, actor
) -> WalkingGroup:
    _require_coordinator(actor, slot.site.organisation)
    with transaction.atomic():
        label = _check_group(slot, label=label, age_band=age_band, children=children)
        group = WalkingGroup(slot=slot, label=label, age_band=age_band, children=children)
        group.full_clean()
        group.save()
        audit.record(actor, "walking_group.added", obj=group, organisation=slot.site.organisation)
    return group


def do_remove_walking_group(group: WalkingGroup, *, actor) -> None:
    organisation = group.slot.site.organisation
    _require_coordinator(actor, organisation)
    with transaction.atomic():
        audit.record(actor, "walking_group.removed", obj=group, organisation=organisation)
        group.delete()


# ---- Training -----------------------------------------------------------------------


def do_create_session(
    organisation, *, course: str, on_date: datetime.date, capacity: int, trainer, actor
) -> TrainingSession:
    _require_coordinator(actor, organisation)
    errors = {}
    if course not in Course.values:
        errors["course"] = [_("Choose a course from the catalogue.")]
    if on_date < timezone.localdate():
        errors["on_date"] = [_("The day cannot be in the past.")]
    if not 1 <= capacity <= 500:
        errors["capacity"] = [_("A session has between 1 and 500 places.")]
    if trainer is None or not access.roles_by_organisation(trainer).get(organisation.pk):
        errors["trainer"] = [_("The trainer must be an active member of this organisation.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = TrainingSession.objects.create(
            organisation=organisation,
            course=course,
            on_date=on_date,
            capacity=capacity,
            trainer=trainer,
        )
        audit.record(actor, "training.session_created", obj=session, organisation=organisation)
    return session


def _take_seat(session: TrainingSession, volunteer) -> Attendance:
    """The person's place in the session, taken under the session's row lock."""
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    attendance = Attendance.objects.filter(session=locked, volunteer=volunteer).first()
    if attendance is not None:
        return attendance
    if locked.attendances.count() >= locked.capacity:
        raise ValidationError(_("This session is full."), code="full")
    return Attendance.objects.create(session=locked, volunteer=volunteer)


def do_register_for_session(session: TrainingSession, *, actor) -> Attendance:
    if session.on_date < timezone.localdate():
        raise ValidationError(_("This session has already taken place."))
    with transaction.atomic():
        if Attendance.objects.filter(session=session, volunteer=actor).exists():
            raise ValidationError(_("You already have a place."), code="duplicate")
        attendance = _take_seat(session, actor)
        audit.record(actor, "training.registered", obj=session, organisation=session.organisation)
    return attendance


def do_mark_attended(session: TrainingSession, volunteer, *, actor) -> Certification:
    """The trainer or a coordinator records that `volunteer` took part; their
    certificate for the course is issued or renewed from that day."""
    if not access.can_run_session(actor, session):
        raise PermissionDenied
    if session.on_date > timezone.localdate():
        raise ValidationError(_("Attendance can be marked on the day of the session or after."))
    with transaction.atomic():
        attendance = _take_seat(session, volunteer)
        Attendance.objects.filter(pk=attendance.pk).update(attended=True)
        expires = session.on_date + datetime.timedelta(days=COURSE_VALID_DAYS[session.course])
        certificate, _created = Certification.objects.update_or_create(
            volunteer=volunteer,
            course=session.course,
            defaults={"issued_on": session.on_date, "expires_on": expires, "reminded_on": None},
        )
        audit.record(actor, "training.attended", obj=session, organisation=session.organisation)
    return certificate


def do_vouch_for_attendees(session: TrainingSession, *, actor) -> int:
    """Bulk vouching in a surge: the trainer vouches, through accounts'
    own vouching, for every attendee who still waits for vouches. Returns
    how many vouches were given; people already vouched by them are skipped."""
    if session.trainer_id != actor.pk:
        raise PermissionDenied(_("Only the session's trainer can vouch for its attendees."))
    given = 0
    pending = User.objects.filter(
        attendances__session=session, attendances__attended=True, status=User.Status.PENDING
    ).exclude(vouches_received__voucher=actor)
    for person in pending:
        accounts_actions.do_vouch(person, actor=actor)
        given += 1
    return given


def do_attest_attendees(session: TrainingSession, *, actor) -> int:
    """In a surge, the trainer attests for every attendee of this in-person
    session still waiting for vouches (accounts.do_attest: one attestation is
    the full set of vouches). Only attendees marked present, only from the
    session's day on. Returns how many people were made active."""
    if session.trainer_id != actor.pk:
        raise PermissionDenied(_("Only the session's trainer can attest for its attendees."))
    if session.on_date > timezone.localdate():
        raise ValidationError(_("You can attest only once the session has taken place."))
    pending = User.objects.filter(
        attendances__session=session, attendances__attended=True, status=User.Status.PENDING
    )
    attested = 0
    for person in pending:
        accounts_actions.do_attest(person, actor=actor)
        attested += 1
    return attested


def remind_expiring_certifications(today=None) -> int:
    """Holders of a certificate expiring within 30 days are told once."""
    today = today or timezone.localdate()
    due = Certification.objects.filter(
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=30),
        reminded_on__isnull=True,
        volunteer__status=User.Status.ACTIVE,
    ).select_related("volunteer")
    count = 0
    for certificate in due:
        notify.notify(certificate.volunteer, notify.NOTIFICATION, actor=None)
        Certification.objects.filter(pk=certificate.pk).update(reminded_on=today)
        count += 1
    return count


# ---- Coverage --------------------------------------------------------------------


def do_notify_site_team(site: Site, *, actor, today=None) -> int:
    """Tell the site's team (or, without a team, its coordinators) that
    shifts need people. Content-free; returns how many were told."""
    if actor is not None:
        _require_coordinator(actor, site.organisation)
    today = today or timezone.localdate()
    gaps = access.coverage(Site.objects.filter(pk=site.pk), today=today, only_gaps=True)
    if not gaps:
        return 0
    people = list(access.people_to_notify_about(site))
    key = f"gaps-{site.code}-{today:%Y%m%d}"
    with transaction.atomic():
        audit.record(actor, "coverage.team_notified", obj=site, organisation=site.organisation)
        for person in people:
            _after_commit(person, notify.NOTIFICATION, actor, key)
    return len(people)


# ---- A locked account (accounts.hooks) ------------------------------------------


def release_on_lock(user, *, actor) -> None:
    """A locked member's future places go back to their shifts, their swap
    offers close and their calendar feed dies."""
    now = timezone.now()
    for signup in SignUp.objects.filter(
        volunteer=user, state=SignUp.State.ACTIVE, shift__ends_at__gt=now
    ):
        _release(signup, SignUp.State.CANCELLED)
    Swap.objects.filter(signup__volunteer=user, state=Swap.State.OFFERED).update(
        state=Swap.State.WITHDRAWN
    )
    Swap.objects.filter(to_volunteer=user, state=Swap.State.OFFERED).update(
        state=Swap.State.DECLINED
    )
    Volunteer.objects.filter(user=user).update(calendar_token_hash="")
    audit.record(actor, "volunteer.released_on_lock", obj=user)


# ---- Availability ------------------------------------------------------------------

MAX_WINDOWS_PER_DAY = 6
MAX_EXCEPTION_DAYS = 366


def parse_windows(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """ "07:00-09:00, 14:30-16:00" → [(07:00, 09:00), (14:30, 16:00)], sorted.

    Refuses a malformed time, an end at or before its start and windows that
    overlap, each with a translated message."""
    windows = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        pieces = [p.strip() for p in part.replace("–", "-").split("-")]
        if len(pieces) != 2:
            raise ValidationError(
                _("Write each window as two times, like 07:00-09:00 (“%(text)s”).")
                % {"text": part[:40]}
            )
        try:
            start, end = (datetime.time.fromisoformat(p) for p in pieces)
        except ValueError:
            raise ValidationError(
                _("“%(text)s” is not a time window. Write it like 07:00-09:00.")
                % {"text": part[:40]}
            ) from None
        if end <= start:
            raise ValidationError(
                _("A window must end after it starts (%(text)s).") % {"text": part[:40]}
            )
        windows.append((start, end))
    return check_windows(windows)


def check_windows(windows) -> list[tuple[datetime.time, datetime.time]]:
    """Sorted windows of one day; refuses reversed or overlapping ones."""
    windows = sorted(windows)
    for start, end in windows:
        if end <= start:
            raise ValidationError(_("A window must end after it starts."))
    for (_s1, end1), (start2, _e2) in zip(windows, windows[1:], strict=False):
        if start2 < end1:
            raise ValidationError(_("Two of these windows overlap. Join them or move one."))
    if len(windows) > MAX_WINDOWS_PER_DAY:
        raise ValidationError(
            _("Give at most %(max)d windows a day.") % {"max": MAX_WINDOWS_PER_DAY}
        )
    return windows


def do_set_weekly_availability(user, windows: dict, *, actor) -> int:
    """Replace `user`'s weekly pattern with `windows` ({weekday: [(start,
    end), …]}). Only the volunteer edits their own availability."""
    if actor.pk != user.pk:
        raise PermissionDenied
    rows = []
    errors: dict[str, list[str]] = {}
    for weekday, day_windows in sorted(windows.items()):
        if weekday not in range(7):
            raise ValidationError(_("Choose a weekday from the list."))
        try:
            checked = check_windows(day_windows)
        except ValidationError as error:
            errors[f"day_{weekday}"] = error.messages
            continue
        rows += [
            WeeklyAvailability(volunteer=user, weekday=weekday, start_time=s, end_time=e)
            for s, e in checked
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_volunteer(user)
        WeeklyAvailability.objects.filter(volunteer=user).delete()
        WeeklyAvailability.objects.bulk_create(rows)
        # No times in the audit trail: only that the pattern changed.
        audit.record(actor, "availability.weekly_set", obj=user)
    return len(rows)


def do_add_availability_exception(
    user,
    *,
    on_date: datetime.date,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    available: bool = False,
    actor,
) -> AvailabilityException:
    """A dated exception: away (or available) all day or between two times.
    Refuses past days, days more than a year ahead, half-given or reversed
    times, and an overlap with another exception on that day."""
    if actor.pk != user.pk:
        raise PermissionDenied
    today = timezone.localdate()
    if on_date < today:
        raise ValidationError({"on_date": [_("That day has passed. Choose a day from today on.")]})
    if on_date > today + datetime.timedelta(days=MAX_EXCEPTION_DAYS):
        raise ValidationError({"on_date": [_("Choose a day within the next year.")]})
    if (start_time is None) != (end_time is None):
        raise ValidationError({"end_time": [_("Give both times, or neither for the whole day.")]})
    if start_time is not None and end_time <= start_time:
        raise ValidationError({"end_time": [_("The end must be after the start.")]})
    with transaction.atomic():
        _lock_volunteer(user)
        for other in AvailabilityException.objects.filter(volunteer=user, on_date=on_date):
            if (
                other.whole_day
                or start_time is None
                or (start_time < other.end_time and other.start_time < end_time)
            ):
                raise ValidationError(
                    _("This overlaps another exception on that day. Remove that one first."),
                    code="duplicate",
                )
        exception = AvailabilityException.objects.create(
            volunteer=user,
            on_date=on_date,
            start_time=start_time,
            end_time=end_time,
            available=available,
        )
        audit.record(actor, "availability.exception_added", obj=exception)
    return exception


def do_remove_availability_exception(exception: AvailabilityException, *, actor) -> None:
    if actor.pk != exception.volunteer_id:
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor, "availability.exception_removed", obj=exception)
        exception.delete()


# ---- Calendar feed -----------------------------------------------------------------


def do_issue_calendar_feed(user, *, actor) -> str:
    """A new secret for `user`'s calendar feed, returned once and stored only
    as its hash. Issuing again rotates it: the old address stops working."""
    if actor.pk != user.pk:
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        volunteer = _lock_volunteer(user)
        rotated = bool(volunteer.calendar_token_hash)
        Volunteer.objects.filter(pk=volunteer.pk).update(calendar_token_hash=hash_token(token))
        audit.record(actor, "calendar.rotated" if rotated else "calendar.issued", obj=user)
    return token


def do_revoke_calendar_feed(user, *, actor) -> None:
    if actor.pk != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        volunteer = _lock_volunteer(user)
        if not volunteer.calendar_token_hash:
            raise ValidationError(_("You have no calendar feed to revoke."))
        Volunteer.objects.filter(pk=volunteer.pk).update(calendar_token_hash="")
        audit.record(actor, "calendar.revoked", obj=user)


# ---- Engagement --------------------------------------------------------------------

THANKS = "thanks"
REENGAGE = "reengage"


def do_send_engagement(organisation, kind: str, *, actor, today=None) -> int:
    """Thank the members active in the last 30 days, or nudge those who were
    not, through messaging's content-free notification ("something new —
    open Porch"): no name, site or time leaves Porch. One of each kind per
    person per organisation per ISO week, however often it is pressed.
    Returns how many people it was queued for."""
    _require_coordinator(actor, organisation)
    if kind not in (THANKS, REENGAGE):
        raise ValidationError(_("Choose thanks or a re-engagement nudge."))
    today = today or timezone.localdate()
    active, inactive = access.engagement_of(organisation, today=today)
    people = [p for p in (active if kind == THANKS else inactive) if p.pk != actor.pk]
    year, week, _weekday = today.isocalendar()
    key = f"engage-{kind}-{organisation.code}-{year}w{week}"
    with transaction.atomic():
        audit.record(actor, f"engagement.{kind}_sent", organisation=organisation)
        for person in people:
            _after_commit(person, notify.NOTIFICATION, actor, key)
    return len(people)
