"""Pseudonymous accounts (THREAT_MODEL R8, R23–R27).

A person is known by a generated handle. Legal name, phone and e-mail are
optional (R8) and, with the TOTP seed, sealed in the vault under the
person's own data key: their *profile* subject, made the first time one of
them is saved. Shredding the profile (when they leave Porch, or in a panic)
erases all four at once (R10, R14, R23). Throttling state lives on the
account, never on the client (R25); sessions carry only Django's auth keys
plus a generation number that is bumped to kill every session at once (R27).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from porch.accounts.roles import TWO_FACTOR_ROLES, TrustLevel
from porch.core.codes import new_code
from porch.core.sensitivity import CRITICAL, INTERNAL, SENSITIVE
from porch.vault.fields import EncryptedTextField

# The kind and data class of a person's vault subject.
PROFILE_KIND = "volunteer_profile"

_ADJECTIVES = (
    "amber brave bright calm clever cosy eager fair gentle golden hardy humble jolly "
    "keen kind lively loyal lucky merry mild nimble noble plucky proud quiet ready "
    "rosy silver sly snowy steady sunny swift tidy warm wise witty young"
).split()
_NOUNS = (
    "acorn badger birch bison cardinal cedar comet crane fern finch fox heron hickory "
    "lake lark linden loon lynx maple marten meadow oak otter owl pine plover prairie "
    "raven river robin sparrow spruce sumac swan thrush walnut willow wren"
).split()


def generate_handle() -> str:
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{secrets.randbelow(900) + 100}"


def hash_secret(value: str) -> str:
    """Keyed hash for short secrets we must compare but never read back."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def hash_token(key: str) -> str:
    """SHA-256 hex of a long random secret (API tokens, invitation links).

    These secrets carry 256 bits of entropy, so an unkeyed hash is enough and
    survives a change of SECRET_KEY.
    """
    return hashlib.sha256(key.strip().encode()).hexdigest()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, handle=None, password=None, **fields):
        user = self.model(handle=handle or generate_handle(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for vouches")
        ACTIVE = "active", _("Active")
        LOCKED = "locked", _("Locked")
        LEFT = "left", _("Left Porch")

    SENSITIVITY = {
        "id": INTERNAL,
        "password": SENSITIVE,
        "last_login": INTERNAL,
        "code": INTERNAL,
        "handle": INTERNAL,
        "status": INTERNAL,
        "trust_level": INTERNAL,
        "language": INTERNAL,
        "legal_name": CRITICAL,
        "email": CRITICAL,
        "phone": CRITICAL,
        "vouch_code_hash": SENSITIVE,
        "joined_on": INTERNAL,
        "trusted_on": INTERNAL,
        "last_active_on": INTERNAL,
        "failed_logins": INTERNAL,
        "throttled_until": INTERNAL,
        "session_generation": INTERNAL,
        "is_superuser": INTERNAL,
        "profile": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    handle = models.CharField(_("handle"), max_length=40, unique=True, default=generate_handle)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    trust_level = models.PositiveSmallIntegerField(choices=TrustLevel, default=TrustLevel.VIEWER)
    language = models.CharField(max_length=8, default="en")
    # Optional (R8); None when not given. Sealed with the profile's data key.
    legal_name = EncryptedTextField(
        _("legal name"), subject_field="profile", subject_factory="vault_profile"
    )
    email = EncryptedTextField(
        _("e-mail"), subject_field="profile", subject_factory="vault_profile"
    )
    phone = EncryptedTextField(_("phone"), subject_field="profile", subject_factory="vault_profile")
    # The applicant tells this code to the people who vouch for them, in person.
    vouch_code_hash = models.CharField(max_length=64, blank=True)
    # Dates, not times (R3); last activity is overwritten, never appended.
    joined_on = models.DateField(default=timezone.localdate)
    trusted_on = models.DateField(null=True, blank=True)
    last_active_on = models.DateField(null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    throttled_until = models.DateTimeField(null=True, blank=True)
    session_generation = models.PositiveIntegerField(default=1)
    # Operators of the instance itself (bootstrap); never a data viewer (R34).
    is_superuser = models.BooleanField(default=False)
    # Declared after the sealed fields: see porch.vault.fields (subject_factory).
    profile = models.OneToOneField(
        "vault.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UserManager()

    USERNAME_FIELD = "handle"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.handle

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status not in (self.Status.LOCKED, self.Status.LEFT)

    def vault_profile(self):
        """This person's vault subject, made when something first needs sealing.

        The row is read again under a lock: this instance may be stale, and a
        second subject would orphan everything sealed with the first one.
        """
        from porch.vault.epochs import new_subject
        from porch.vault.models import Subject

        subject = self.profile if self.profile_id is not None else None
        if subject is not None and subject.is_live():
            return subject
        with transaction.atomic():
            if self.pk is not None:
                current = (
                    User.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("profile_id", flat=True)
                    .first()
                )
                subject = Subject.objects.filter(pk=current).first() if current else None
            else:
                subject = None
            if subject is None:
                subject = new_subject(PROFILE_KIND, data_class=PROFILE_KIND)
                if self.pk is not None:
                    # The save in progress may not write `profile` (update_fields).
                    User.objects.filter(pk=self.pk).update(profile=subject)
        self.profile = subject
        return subject

    @property
    def is_staff(self) -> bool:
        return False

    def active_roles(self) -> set[str]:
        return set(
            self.memberships.filter(status="active").values_list("role", flat=True)  # type: ignore[attr-defined]
        )

    def needs_two_factor(self) -> bool:
        return bool(self.active_roles() & TWO_FACTOR_ROLES)

    def has_two_factor(self) -> bool:
        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()


def forget_profile(subject) -> None:
    """Shredder for profile subjects: no ciphertext left behind that nothing opens."""
    User.objects.filter(profile=subject).update(legal_name=None, email=None, phone=None)


class TOTPDevice(models.Model):
    """A TOTP authenticator. Its seed is sealed under the owner's profile
    subject, and the device goes when that subject is shredded (R23)."""

    SENSITIVITY = {
        "id": INTERNAL,
        "user": INTERNAL,
        "seed": CRITICAL,
        "confirmed": INTERNAL,
        "last_step": INTERNAL,
        "profile": INTERNAL,
    }

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    # Bound to the owner (record = user id): a seed copied onto another
    # device row does not open.
    seed = EncryptedTextField(
        subject_field="profile", record_field="user_id", subject_factory="vault_profile"
    )
    confirmed = models.BooleanField(default=False)
    # The last accepted time step: a code is accepted once (R23).
    last_step = models.BigIntegerField(default=-1)
    # The owner's profile subject (same as user.profile), declared after the
    # seed (see porch.vault.fields, subject_factory).
    profile = models.ForeignKey(
        "vault.Subject", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"totp:{self.user_id}"

    def vault_profile(self):
        subject = self.user.vault_profile()
        self.profile = subject
        if self.pk is not None:
            TOTPDevice.objects.filter(pk=self.pk).update(profile=subject)
        return subject


class RecoveryCode(models.Model):
    SENSITIVITY = {"id": INTERNAL, "user": INTERNAL, "code_hash": SENSITIVE, "used_on": INTERNAL}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery:{self.user_id}"


class Vouch(models.Model):
    SENSITIVITY = {"id": INTERNAL, "voucher": INTERNAL, "vouchee": INTERNAL, "on_date": INTERNAL}

    voucher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="vouches_given")
    vouchee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="vouches_received")
    on_date = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voucher", "vouchee"], name="one_vouch_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(voucher=models.F("vouchee")), name="no_self_vouch"
            ),
        ]

    def __str__(self) -> str:
        return f"vouch:{self.voucher_id}->{self.vouchee_id}"


class Invitation(models.Model):
    """Single-use, expiring. The link's secret is stored only as a hash."""

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "token_hash": SENSITIVE,
        "organisation": INTERNAL,
        "team": INTERNAL,
        "role": INTERNAL,
        "created_by": INTERNAL,
        "expires_at": INTERNAL,
        "used_by": INTERNAL,
        "used_on": INTERNAL,
        "revoked": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(
        "coalition.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    team = models.ForeignKey(
        "coalition.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=20, default="volunteer")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_on = models.DateField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code

    def is_usable(self) -> bool:
        return not self.revoked and self.used_by_id is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "user": INTERNAL,
        "name": INTERNAL,
        "key_hash": SENSITIVE,
        "created_on": INTERNAL,
        "last_used_on": INTERNAL,
        "revoked": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    created_on = models.DateField(default=timezone.localdate)
    last_used_on = models.DateField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code


class Approval(models.Model):
    """Two-person rule (R28, R34): one admin asks, a different admin approves.

    The payload holds opaque codes only; the action named by `kind` runs when
    the second person approves (see accounts.approvals).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a second person")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    SENSITIVITY = {
        "id": INTERNAL,
        "code": INTERNAL,
        "kind": INTERNAL,
        "payload": INTERNAL,
        "organisation": INTERNAL,
        "requested_by": INTERNAL,
        "decided_by": INTERNAL,
        "state": INTERNAL,
        "created_at": INTERNAL,
        "decided_on": INTERNAL,
    }

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    organisation = models.ForeignKey(
        "coalition.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"
