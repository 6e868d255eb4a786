"""Mutual aid: requests (household codes, not names), hubs, delivery runs.

Design note (DOMAIN.md W5, THREAT_MODEL R10, R14, R31).
- A household is known by its code. Its callback number is sealed under the
  household's own vault subject (data class "callback"); a keyed hash of the
  number, never the number, finds duplicates within the organisation.
- The exact address and its coordinates exist only from confirmation to
  delivery, sealed under a second subject (data class "address") that
  expires seven days after confirmation. Shredding it (at delivery, or by
  the purge at expiry) destroys the key; an undelivered request then needs a
  new callback.
- A trusted intermediary (a school, a church) asks for N bags for families
  it knows: such a request carries no household data at all.
- Address points imported from an open data CSV are public facts about the
  city, not about anyone: a plain table with exact floats (ARCHITECTURE.md
  traps: no R*Tree).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, PUBLIC, SENSITIVE
from porch.vault.fields import EncryptedCoordinatesField, EncryptedTextField


def new_household_code() -> str:
    """Six characters of the unambiguous alphabet: read aloud, written on bags."""
    return new_code(6)


class Need(models.TextChoices):
    STAPLES = "staples", _("Staples (rice, oil, flour)")
    HALAL = "halal", _("Halal food")
    PRODUCE = "produce", _("Fresh produce")
    FORMULA_STANDARD = "formula_standard", _("Infant formula, standard")
    FORMULA_SENSITIVE = "formula_sensitive", _("Infant formula, sensitive")
    FORMULA_SOY = "formula_soy", _("Infant formula, soy")
    DIAPERS_NEWBORN = "diapers_newborn", _("Diapers, newborn")
    DIAPERS_1_2 = "diapers_1_2", _("Diapers, sizes 1-2")
    DIAPERS_3_4 = "diapers_3_4", _("Diapers, sizes 3-4")
    DIAPERS_5_6 = "diapers_5_6", _("Diapers, sizes 5-6")
    MEDICINE = "medicine_pickup", _("Medicine pickup")
    HYGIENE = "hygiene", _("Hygiene supplies")


class Diet(models.TextChoices):
    ANY = "any", _("No restrictions")
    HALAL = "halal", _("Halal")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    KOSHER = "kosher", _("Kosher")
    DIABETIC = "diabetic", _("Diabetic-friendly")
    GLUTEN_FREE = "gluten_free", _("Gluten-free")


class HomeTimes(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Mornings (9-12)")
    AFTERNOON = "afternoon", _("Afternoons (12-17)")
    EVENING = "evening", _("Evenings (17-20)")


# The delivery window, in hours of the day, for each answer above.
HOME_WINDOWS = {
    HomeTimes.ANY: (9, 20),
    HomeTimes.MORNING: (9, 12),
    HomeTimes.AFTERNOON: (12, 17),
    HomeTimes.EVENING: (17, 20),
}


# The household's language: tier 1 and tier 2 of DOMAIN.md, by their own names.
HOUSEHOLD_LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("so", "Soomaali"),
    ("hmn", "Hmoob"),
    ("om", "Afaan Oromoo"),
    ("am", "አማርኛ"),
    ("kar", "Karen"),
    ("vi", "Tiếng Việt"),
    ("lo", "ລາວ"),
    ("ar", "العربية"),
]


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("This week")
    SOON = "soon", _("Within two days")
    URGENT = "urgent", _("Today: no food in the house")


class AidRequest(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        INTERMEDIARY = "intermediary", _("Trusted intermediary")

    class Source(models.TextChoices):
        INTAKE = "intake", _("Intake call")
        INTERMEDIARY = "intermediary", _("Trusted intermediary")
        SMS = "sms", _("Text message")
        IMPORT = "import", _("Imported sheet")

    class Status(models.TextChoices):
        NEEDS_CALLBACK = "needs_callback", _("Needs callback")
        NO_ANSWER = "no_answer", _("No answer")
        CONFIRMED = "confirmed", _("Confirmed")
        ON_RUN = "on_run", _("On a run")
        DELIVERED = "delivered", _("Delivered")
        NOT_DELIVERED = "not_delivered", _("Could not deliver")
        DUPLICATE = "duplicate", _("Duplicate")
        OUTSIDE_AREA = "outside_area", _("Outside our area")
        REFERRED = "referred", _("Referred to another group")

    OPEN = (Status.NEEDS_CALLBACK, Status.NO_ANSWER, Status.CONFIRMED, Status.ON_RUN)
    CLOSED_BY_HAND = (Status.DUPLICATE, Status.OUTSIDE_AREA, Status.REFERRED)

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "kind": INTERNAL,
        "source": INTERNAL,
        "status": INTERNAL,
        "zone": INTERNAL,
        "cross_streets": CRITICAL,
        "household_size": SENSITIVE,
        "bags": INTERNAL,
        "needs": SENSITIVE,
        "diet": SENSITIVE,
        "language": SENSITIVE,
        "home_times": SENSITIVE,
        "urgency": SENSITIVE,
        "partner": INTERNAL,
        "callback_number": CRITICAL,
        "callback_hash": SENSITIVE,
        "callback_attempts": INTERNAL,
        "household": INTERNAL,
        "address": CRITICAL,
        "point": CRITICAL,
        "address_subject": INTERNAL,
        "unassigned_reason": INTERNAL,
        "taken_by": INTERNAL,
        "created_on": INTERNAL,
        "confirmed_on": INTERNAL,
        "closed_on": INTERNAL,
    }

    code = models.CharField(max_length=8, unique=True, default=new_household_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="aid_requests"
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.HOUSEHOLD)
    source = models.CharField(max_length=12, choices=Source, default=Source.INTAKE)
    status = models.CharField(
        max_length=16, choices=Status, default=Status.NEEDS_CALLBACK, db_index=True
    )
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sealed with the household's key: two corners locate a home closely enough.
    cross_streets = EncryptedTextField(_("cross streets"), subject_field="household")
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    bags = models.PositiveSmallIntegerField(_("bags"), default=1)
    needs = models.JSONField(default=list, blank=True)
    diet = models.CharField(_("diet"), max_length=12, choices=Diet, default=Diet.ANY)
    language = models.CharField(_("language"), max_length=8, default="en")
    home_times = models.CharField(
        _("when someone is home"), max_length=10, choices=HomeTimes, default=HomeTimes.ANY
    )
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency, default=Urgency.ROUTINE)
    # An intermediary's own label (e.g. "Lincoln Elementary"), never a family's.
    partner = models.CharField(_("partner"), max_length=80, blank=True)
    callback_number = EncryptedTextField(_("callback number"), subject_field="household")
    callback_hash = models.CharField(max_length=64, blank=True, db_index=True)
    callback_attempts = models.PositiveSmallIntegerField(default=0)
    # The household's vault subject (callback details); declared after the
    # fields it seals, see porch.vault.fields.
    household = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = EncryptedTextField(_("address"), subject_field="address_subject")
    point = EncryptedCoordinatesField(subject_field="address_subject")
    address_subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unassigned_reason = models.CharField(max_length=24, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_on = models.DateField(default=timezone.localdate)
    confirmed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(n, n)) for n in self.needs]


class Hub(models.Model):
    """A place goods are kept and handed out. Private unless opted in (W6)."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "zone": INTERNAL,
        "name": INTERNAL,
        "lat": SENSITIVE,
        "lon": SENSITIVE,
        "opening_hours": INTERNAL,
        "is_public": INTERNAL,
        "created_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="hubs"
    )
    zone = models.ForeignKey("coalition.Zone", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_public = models.BooleanField(_("listed publicly"), default=False)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StockItem(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "hub": INTERNAL,
        "name": INTERNAL,
        "unit": INTERNAL,
        "count": INTERNAL,
        "reserved": INTERNAL,
        "low_threshold": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="stock")
    name = models.CharField(_("item"), max_length=80)
    unit = models.CharField(_("unit"), max_length=20, default="bag")
    count = models.PositiveIntegerField(_("count"), default=0)
    reserved = models.PositiveIntegerField(default=0)
    low_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=0)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["hub", "name"], name="stock_item_per_hub")]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> int:
        return max(self.count - self.reserved, 0)

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_threshold


class DeliveryRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open to claim")
        CLAIMED = "claimed", _("Claimed")
        DISPATCHED = "dispatched", _("Under way")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "hub": INTERNAL,
        "day": INTERNAL,
        "status": INTERNAL,
        "driver": INTERNAL,
        "first_stop_at": INTERNAL,
        "last_window_end": INTERNAL,
        "bags": INTERNAL,
        "stop_count": INTERNAL,
        "zone_names": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="delivery_runs"
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="runs")
    day = models.DateField(db_index=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT, db_index=True)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The planned arrival at the first stop and the close of the last stop's
    # window: R31's window runs from an hour before the first to the second.
    first_stop_at = models.DateTimeField()
    last_window_end = models.DateTimeField()
    bags = models.PositiveSmallIntegerField(default=0)
    stop_count = models.PositiveSmallIntegerField(default=0)
    zone_names = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["day", "first_stop_at", "pk"]

    def __str__(self) -> str:
        return self.code


class Stop(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("To deliver")
        DELIVERED = "delivered", _("Delivered")
        NOT_DELIVERED = "not_delivered", _("Could not deliver")

    class Reason(models.TextChoices):
        NOBODY_HOME = "nobody_home", _("Nobody was home")
        UNSAFE = "unsafe", _("The street did not look safe")
        WRONG_ADDRESS = "wrong_address", _("The address was wrong")
        REFUSED = "refused", _("The household declined")
        RAN_OUT = "ran_out", _("Ran out of time or goods")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "run": INTERNAL,
        "request": INTERNAL,
        "position": INTERNAL,
        "arrival": INTERNAL,
        "window_end": INTERNAL,
        "outcome": INTERNAL,
        "reason": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    run = models.ForeignKey(DeliveryRun, on_delete=models.CASCADE, related_name="stops")
    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField()
    arrival = models.DateTimeField()
    window_end = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome, default=Outcome.PENDING)
    reason = models.CharField(max_length=16, choices=Reason, blank=True)

    class Meta:
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return self.code


class DeliveryCount(models.Model):
    """What remains after the addresses are gone: counts per zone and day."""

    SENSITIVITY = {
        "id": INTERNAL,
        "organisation": INTERNAL,
        "zone": INTERNAL,
        "day": INTERNAL,
        "delivered": PUBLIC,
        "bags": PUBLIC,
    }

    organisation = models.ForeignKey("coalition.Organisation", on_delete=models.CASCADE)
    zone = models.ForeignKey(
        "coalition.Zone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    delivered = models.PositiveIntegerField(default=0)
    bags = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "zone", "day"], name="one_delivery_count_per_zone_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day}:{self.zone_id}:{self.delivered}"


class AddressPoint(models.Model):
    """One address point of the city's open data (public), for offline geocoding."""

    SENSITIVITY = {
        "id": INTERNAL,
        "lat": PUBLIC,
        "lon": PUBLIC,
        "number": PUBLIC,
        "street": PUBLIC,
        "street_key": PUBLIC,
        "postcode": PUBLIC,
    }

    lat = models.FloatField()
    lon = models.FloatField()
    number = models.CharField(max_length=16)
    street = models.CharField(max_length=120)
    street_key = models.CharField(max_length=120, db_index=True)
    postcode = models.CharField(max_length=12, blank=True)

    class Meta:
        indexes = [models.Index(fields=["street_key", "number"], name="address_point_lookup")]

    def __str__(self) -> str:
        return f"{self.number} {self.street}"


# ---- Hubs: donations, reservations, meals, reimbursements (hubs slice) ------------------


class Donation(models.Model):
    """Goods that came in: the count goes up, the donor stays unknown."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "item": INTERNAL,
        "quantity": INTERNAL,
        "received_on": INTERNAL,
        "recorded_by": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="donations")
    quantity = models.PositiveIntegerField(_("quantity"))
    received_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.code


class StockReservation(models.Model):
    """Units of a hub's item set aside for one delivery run."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        RELEASED = "released", _("Released")
        CONSUMED = "consumed", _("Used")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "item": INTERNAL,
        "run": INTERNAL,
        "quantity": INTERNAL,
        "status": INTERNAL,
        "created_by": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="reservations")
    run = models.ForeignKey(DeliveryRun, on_delete=models.CASCADE, related_name="reservations")
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(max_length=10, choices=Status, default=Status.HELD, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code


class MealCount(models.Model):
    """Free meals a hub handed out on a day: a number, nobody's name."""

    SENSITIVITY = {
        "id": INTERNAL,
        "hub": INTERNAL,
        "day": INTERNAL,
        "meals": PUBLIC,
    }

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="meal_counts")
    day = models.DateField()
    meals = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "day"], name="one_meal_count_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}:{self.meals}"


class Reimbursement(models.Model):
    """A driver's out-of-pocket cost: an amount and a run code, no names or memos.
    The receipt photo is re-encoded without metadata (R6) and sealed under its
    own vault subject (R19); shredding the subject destroys it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "organisation": INTERNAL,
        "run_code": INTERNAL,
        "amount_cents": INTERNAL,
        "status": INTERNAL,
        "receipt": SENSITIVE,
        "subject": INTERNAL,
        "submitted_by": INTERNAL,
        "decided_by": INTERNAL,
        "submitted_on": INTERNAL,
        "decided_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="aid_reimbursements"
    )
    run_code = models.CharField(_("run code"), max_length=12)
    amount_cents = models.PositiveIntegerField(_("amount"))
    status = models.CharField(
        max_length=10, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    # A JPEG re-encoded by Pillow, base64, sealed (never plaintext on disk).
    receipt = EncryptedTextField(subject_field="subject")
    subject = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_on = models.DateField(default=timezone.localdate)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.code


class ImportedRow(models.Model):
    """Idempotent CSV import: the keyed hash of a sheet row's content, per organisation."""

    SENSITIVITY = {
        "id": INTERNAL,
        "organisation": INTERNAL,
        "row_hash": INTERNAL,
        "request": INTERNAL,
    }

    organisation = models.ForeignKey("coalition.Organisation", on_delete=models.CASCADE)
    row_hash = models.CharField(max_length=64)
    request = models.ForeignKey(
        AidRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "row_hash"], name="one_import_per_row")
        ]

    def __str__(self) -> str:
        return self.row_hash[:8]


# ---- A driver's car: how many bags it holds and where they usually start (planning) ----
# porch.volunteers must not import aid, so the car lives here (porch/aid/cars.py).

CAR_BAGS_MIN, CAR_BAGS_MAX = 1, 60


class DriverCar(models.Model):
    """One driver's car for one organisation: the bags it holds and the hub
    the driver usually starts from. Read by porch.aid.planning."""

    SENSITIVITY = {
        "id": INTERNAL,
        "driver": INTERNAL,
        "organisation": INTERNAL,
        "bags": INTERNAL,
        "hub": INTERNAL,
        "updated_on": INTERNAL,
    }

    driver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    bags = models.PositiveSmallIntegerField(
        _("bags the car holds"),
        validators=[MinValueValidator(CAR_BAGS_MIN), MaxValueValidator(CAR_BAGS_MAX)],
    )
    hub = models.ForeignKey(
        Hub,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("usual hub"),
    )
    updated_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["driver", "organisation"], name="one_car_per_driver"),
            models.CheckConstraint(
                condition=models.Q(bags__gte=CAR_BAGS_MIN, bags__lte=CAR_BAGS_MAX),
                name="car_bags_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bags}"
