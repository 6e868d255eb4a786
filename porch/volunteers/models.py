"""Sites, recurring slots, shifts and sign-ups; walking groups; training.

Design note. A Slot is a recurrence (weekday set, local start and end time,
date range). A Shift is one occurrence of a slot on one date, created the
first time someone signs up for it; it carries its start and end as aware
datetimes (so overnight desks and daylight-saving changes need no special
case) and a `filled` counter. Sign-ups take a place with a conditional
UPDATE of that counter (`filled < max_staff`), so twenty people racing for
the last place get exactly one place between them on SQLite and PostgreSQL
(THREAT_MODEL R46); a person's own sign-ups are serialised by locking their
VolunteerProfile row, so nobody is double-booked either.

Check-in and check-out are booleans, not times (R3): the slot already says
when the shift was. Walking groups store a count of children and an age
band, never a child's name (DOMAIN.md W7): there is no field for one.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.accounts.roles import Role
from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, SENSITIVE
from porch.vault.fields import EncryptedTextField

WEEKDAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


class Course(models.TextChoices):
    """The training catalogue (DOMAIN.md W8)."""

    KNOW_YOUR_RIGHTS = "kyr", _("Know your rights")
    LEGAL_OBSERVER = "legal_observer", _("Legal observer")
    VERIFIER = "verifier", _("Verifier")
    DRIVER_SAFETY = "driver_safety", _("Driver safety")
    DE_ESCALATION = "de_escalation", _("De-escalation")
    DISPATCHER = "dispatcher", _("Dispatcher")


class Kit(models.TextChoices):
    VEST = "vest", _("High-visibility vest")
    WHISTLE = "whistle", _("Whistle")
    PHONE = "phone", _("Charged phone with the hotline saved")
    CARD = "card", _("Protocol card for this site")
    KYR_CARDS = "kyr_cards", _("Know-your-rights cards to hand out")
    WATER = "water", _("Water")
    FIRST_AID = "first_aid", _("First-aid kit")
    LIGHT = "light", _("Torch or flashlight")


class Volunteer(models.Model):
    """Porch's per-person volunteering record. Its row is the lock that
    serialises one person's sign-ups; it also holds their calendar feed."""

    SENSITIVITY = {
        "id": INTERNAL,
        "user": INTERNAL,
        "calendar_token_hash": SENSITIVE,
        "created_on": INTERNAL,
        "languages": INTERNAL,
        "zones": INTERNAL,
        "roles_of_interest": INTERNAL,
        "risk_answers": CRITICAL,
        "withheld_roles": SENSITIVE,
        "recruited_on": INTERNAL,
        "imported": INTERNAL,
        "claim_token_hash": SENSITIVE,
        "profile": INTERNAL,
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer"
    )
    # SHA-256 of the feed's secret (accounts.models.hash_token); blank: no feed.
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_on = models.DateField(default=timezone.localdate)
    # Recruitment (porch.volunteers.recruitment): what the person told us when
    # they joined. Language codes, role codes.
    languages = models.JSONField(default=list, blank=True)
    zones = models.ManyToManyField("coalition.Zone", blank=True, related_name="+")
    roles_of_interest = models.JSONField(default=list, blank=True)
    # The private self-assessment of personal risk: the answers, sealed under
    # the person's own profile key (shredded when they leave), and only
    # their effect in the clear — the roles never offered to them.
    risk_answers = EncryptedTextField(
        subject_field="profile", record_field="user_id", subject_factory="vault_profile"
    )
    withheld_roles = models.JSONField(default=list, blank=True)
    # The day they finished the volunteer questions; None: not yet.
    recruited_on = models.DateField(null=True, blank=True)
    # Brought in from an organisation's existing sheet (importing.py).
    imported = models.BooleanField(default=False)
    # SHA-256 of the single link an imported person uses to set their
    # password (recruitment.do_issue_claim_link); blank: none issued.
    claim_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The owner's profile subject (same as user.profile), declared after the
    # sealed field (see porch.vault.fields, subject_factory).
    profile = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"volunteer:{self.user_id}"

    def vault_profile(self):
        subject = self.user.vault_profile()
        self.profile = subject
        if self.pk is not None:
            Volunteer.objects.filter(pk=self.pk).update(profile=subject)
        return subject


class SiteQuerySet(models.QuerySet):
    def live(self):
        return self.filter(archived=False)


class Site(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        BUS_STOP = "bus_stop", _("Bus stop")
        HUB_DESK = "hub_desk", _("Hub desk")
        HOTLINE_DESK = "hotline_desk", _("Hotline desk")
        COURT = "court", _("Court or check-in office")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "team": INTERNAL,
        "parent": INTERNAL,
        "kind": INTERNAL,
        "name": INTERNAL,
        "zone": INTERNAL,
        "meeting_point": INTERNAL,
        "kit": INTERNAL,
        "archived": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="sites"
    )
    team = models.ForeignKey(
        "coalition.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="sites"
    )
    # A school's bus stops are its child sites.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="stops"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    name = models.CharField(_("name"), max_length=120)
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where volunteers meet (a public corner, "the east doors"), never a home.
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    kit = models.JSONField(default=list, blank=True)
    archived = models.BooleanField(default=False)
    created_on = models.DateField(default=timezone.localdate)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(archived=False),
                name="site_name_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:site", kwargs={"code": self.code})

    def kit_labels(self) -> list[str]:
        labels = dict(Kit.choices)
        return [str(labels[item]) for item in self.kit if item in labels]


class Slot(models.Model):
    """A recurring need: weekdays × local start/end time × a date range."""

    class Purpose(models.TextChoices):
        DROP_OFF = "drop_off", _("Drop-off")
        PICK_UP = "pick_up", _("Pick-up")
        PATROL = "patrol", _("Patrol")
        DESK = "desk", _("Desk shift")
        STAFF_ESCORT = "staff_escort", _("Staff escort")
        COURT_HEARING = "court_hearing", _("Court hearing accompaniment")
        CHECK_IN = "check_in", _("Check-in accompaniment")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "site": INTERNAL,
        "purpose": INTERNAL,
        "weekdays": INTERNAL,
        "start_time": INTERNAL,
        "end_time": INTERNAL,
        "starts_on": INTERNAL,
        "ends_on": INTERNAL,
        "min_staff": INTERNAL,
        "max_staff": INTERNAL,
        "required_role": INTERNAL,
        "required_course": INTERNAL,
        "archived": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="slots")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose)
    # ISO weekday digits, Monday = 0: "01234" is Monday to Friday.
    weekdays = models.CharField(_("weekdays"), max_length=7)
    start_time = models.TimeField(_("starts at"))
    # An end at or before the start means the shift ends the next morning.
    end_time = models.TimeField(_("ends at"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    min_staff = models.PositiveSmallIntegerField(_("minimum staffing"), default=2)
    max_staff = models.PositiveSmallIntegerField(_("maximum staffing"), default=4)
    required_role = models.CharField(_("required role"), max_length=20, choices=Role, blank=True)
    required_course = models.CharField(
        _("required training"), max_length=20, choices=Course, blank=True
    )
    archived = models.BooleanField(default=False)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["start_time", "purpose"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_staff__gte=models.F("min_staff")), name="slot_max_at_least_min"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="slot_range_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("volunteers:slot", kwargs={"code": self.code})

    @property
    def weekday_set(self) -> set[int]:
        return {int(d) for d in self.weekdays if d.isdigit()}

    def weekday_labels(self) -> list[str]:
        return [str(WEEKDAY_LABELS[d]) for d in sorted(self.weekday_set)]

    def occurs_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on and day.weekday() in self.weekday_set

    def dates_between(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        first, last = max(first, self.starts_on), min(last, self.ends_on)
        weekdays = self.weekday_set
        days = []
        day = first
        while day <= last:
            if day.weekday() in weekdays:
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """The aware start and end of this slot's occurrence on `day`."""
        zone = timezone.get_default_timezone()
        start = datetime.datetime.combine(day, self.start_time, tzinfo=zone)
        end_day = day if self.end_time > self.start_time else day + datetime.timedelta(days=1)
        return start, datetime.datetime.combine(end_day, self.end_time, tzinfo=zone)


class Shift(models.Model):
    """One occurrence of a slot, with the count of places taken."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "slot": INTERNAL,
        "date": INTERNAL,
        "starts_at": INTERNAL,
        "ends_at": INTERNAL,
        "filled": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    filled = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "date"], name="one_shift_per_slot_and_day")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.slot_id}:{self.date}"


class SignUp(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Signed up")
        CANCELLED = "cancelled", _("Cancelled")
        SWAPPED = "swapped", _("Swapped to someone else")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "shift": INTERNAL,
        "volunteer": INTERNAL,
        "state": INTERNAL,
        "checked_in": INTERNAL,
        "checked_out": INTERNAL,
        "kit_checked": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signups"
    )
    state = models.CharField(max_length=10, choices=State, default=State.ACTIVE)
    # Booleans, not times (R3).
    checked_in = models.BooleanField(default=False)
    checked_out = models.BooleanField(default=False)
    kit_checked = models.JSONField(default=list, blank=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(state="active"),
                name="one_active_signup_per_shift",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("volunteers:signup", kwargs={"code": self.code})


class Swap(models.Model):
    """An offer of one's place to another volunteer, who accepts or declines.
    With `exchange`, the other volunteer's own sign-up comes back in return."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "signup": INTERNAL,
        "to_volunteer": INTERNAL,
        "exchange": INTERNAL,
        "state": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="swaps")
    to_volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swaps_offered"
    )
    exchange = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.OFFERED)
    created_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("volunteers:swap", kwargs={"code": self.code})


class Certification(models.Model):
    """A course passed, until it expires. Sessions and attendance issue them
    (see TrainingSession); a coordinator may also record one."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "volunteer": INTERNAL,
        "course": INTERNAL,
        "issued_on": INTERNAL,
        "expires_on": INTERNAL,
        "reminded_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications"
    )
    course = models.CharField(max_length=20, choices=Course)
    issued_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["course"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "course"], name="one_certificate_per_course"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day <= self.expires_on


class AgeBand(models.TextChoices):
    """Walking-group age bands and their adult:child ratios (DOMAIN.md W7)."""

    AGES_4_6 = "4-6", _("Ages 4 to 6 (one adult for every three children)")
    AGES_7_9 = "7-9", _("Ages 7 to 9 (one adult for every six children)")


CHILDREN_PER_ADULT = {AgeBand.AGES_4_6: 3, AgeBand.AGES_7_9: 6}
MAX_GROUP_CHILDREN = 60


def adults_needed(age_band: str, children: int) -> int:
    per_adult = CHILDREN_PER_ADULT[AgeBand(age_band)]
    return -(-children // per_adult)  # ceiling division


class WalkingGroup(models.Model):
    """Children walked together on a slot: how many and which age band.
    Children's names are never stored — there is deliberately no field."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "slot": INTERNAL,
        "label": INTERNAL,
        "age_band": INTERNAL,
        "children": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="walking_groups")
    # A route or colour ("Blue group, Maple Street"), never a child's name.
    label = models.CharField(_("group label"), max_length=60)
    age_band = models.CharField(_("age band"), max_length=4, choices=AgeBand)
    children = models.PositiveSmallIntegerField(_("number of children"))
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(children__gte=1) & Q(children__lte=MAX_GROUP_CHILDREN),
                name="walking_group_children_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def adults_needed(self) -> int:
        return adults_needed(self.age_band, self.children)


# How long a certificate lasts, in days, per course.
COURSE_VALID_DAYS = {
    Course.KNOW_YOUR_RIGHTS: 365,
    Course.LEGAL_OBSERVER: 365,
    Course.VERIFIER: 365,
    Course.DRIVER_SAFETY: 730,
    Course.DE_ESCALATION: 365,
    Course.DISPATCHER: 365,
}


class TrainingSession(models.Model):
    """One sitting of a course, in person, with a trainer and a capacity."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "course": INTERNAL,
        "on_date": INTERNAL,
        "capacity": INTERNAL,
        "trainer": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="training_sessions"
    )
    course = models.CharField(_("course"), max_length=20, choices=Course)
    on_date = models.DateField(_("day"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=20)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_trained"
    )
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["on_date", "course"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("volunteers:session", kwargs={"code": self.code})


class Attendance(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "session": INTERNAL,
        "volunteer": INTERNAL,
        "attended": INTERNAL,
    }

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    attended = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="one_place_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.volunteer_id}"


class WeeklyAvailability(models.Model):
    """One window of a volunteer's usual week: weekday, local start and end.

    Windows end on the day they start (end after start); a volunteer's
    windows on one weekday never overlap (actions.do_set_weekly_availability
    checks both and replaces the whole pattern at once)."""

    SENSITIVITY = {
        "id": INTERNAL,
        "volunteer": INTERNAL,
        "weekday": SENSITIVE,
        "start_time": SENSITIVE,
        "end_time": SENSITIVE,
    }

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_availability"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday = 0
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="weekly_window_in_order"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.weekday}"

    def weekday_label(self) -> str:
        return str(WEEKDAY_LABELS[self.weekday])


class AvailabilityException(models.Model):
    """A dated change to the weekly pattern: away (all day, or between two
    times) or available on a day the pattern does not say."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "volunteer": INTERNAL,
        "on_date": SENSITIVE,
        "start_time": SENSITIVE,
        "end_time": SENSITIVE,
        "available": SENSITIVE,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    on_date = models.DateField(_("day"))
    # Both blank: the whole day.
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    available = models.BooleanField(_("available"), default=False)

    class Meta:
        ordering = ["on_date", "start_time"]

    def __str__(self) -> str:
        return self.code

    @property
    def whole_day(self) -> bool:
        return self.start_time is None


class PromotionRules(models.Model):
    """A coalition's thresholds for raising trust (DOMAIN.md W8). Without a
    row, the defaults below apply (promotion.rules_for). The number of
    vouches is not kept here: it is the coalition's own
    `Coalition.vouches_required`, the one accounts' activation counts."""

    SENSITIVITY = {
        "id": INTERNAL,
        "coalition": INTERNAL,
        "dispatcher_months": INTERNAL,
        "dispatcher_referrals": INTERNAL,
    }

    coalition = models.OneToOneField(
        "coalition.Coalition", on_delete=models.CASCADE, related_name="promotion_rules"
    )
    dispatcher_months = models.PositiveSmallIntegerField(
        _("months active before dispatcher"), default=3
    )
    dispatcher_referrals = models.PositiveSmallIntegerField(
        _("referrals for dispatcher"), default=2
    )

    def __str__(self) -> str:
        return f"promotion-rules:{self.coalition_id}"

    @property
    def responder_vouches(self) -> int:
        """Vouches to become a responder: the coalition's, one source of truth."""
        if self.coalition_id is None:
            return 2
        return self.coalition.vouches_required
