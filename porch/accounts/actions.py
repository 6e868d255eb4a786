"""Every state change to accounts: sign-up, vouching, login throttling, 2FA,
sessions, API tokens, invitations, and locking a compromised member.

Throttling (R25) lives on the User row only (failed_logins, throttled_until):
nothing about the client is read or kept. Sessions die together when
session_generation is bumped (R27); the middleware compares it on every
request. Contact details and TOTP seeds are sealed in the vault under the
person's profile subject (porch.accounts.models); leaving Porch shreds it.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts import access, approvals, hooks, totp
from porch.accounts.models import (
    ApiToken,
    Invitation,
    RecoveryCode,
    TOTPDevice,
    User,
    Vouch,
    hash_secret,
    hash_token,
)
from porch.accounts.roles import ADDRESS_ROLES, ADMIN_ROLES, Role, TrustLevel
from porch.coalition import role_checks
from porch.coalition.models import Coalition, Membership, Organisation
from porch.core import audit
from porch.core.codes import new_code, new_token
from porch.vault.erasure import checkpoint, shred

logger = logging.getLogger("porch.accounts")

RECOVERY_CODES = 10
MAX_API_TOKENS = 10
# Granting these needs a second admin (R34), also when they come by invitation.
SECOND_ADMIN_ROLES = ADDRESS_ROLES | ADMIN_ROLES


def _bump_generation(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def do_end_sessions(user: User, *, actor) -> None:
    """Kill every session of `user` (R27: password, 2FA or role change)."""
    with transaction.atomic():
        _bump_generation(user)
        audit.record(actor, "account.sessions_ended", obj=user)


# ---- Invitations --------------------------------------------------------------


def do_create_invitation(organisation: Organisation, *, role: str, team=None, actor):
    """A single-use, expiring invitation. Returns (invitation, token); the link
    is /join/<token>/ and the token is never stored or shown again."""
    if role not in Role.values:
        raise ValidationError(_("Choose a role from the list."))
    scope = access.manager_scope(actor)
    if scope != access.ALL and organisation.pk not in scope:
        raise PermissionDenied
    if role == Role.COALITION_ADMIN and scope != access.ALL:
        raise PermissionDenied(_("Only a coalition admin can invite a coalition admin."))
    if role == Role.ORG_ADMIN and not access.can_administer_organisation(actor, organisation):
        raise PermissionDenied(_("Only an admin can invite an organisation admin."))
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError(_("That team belongs to another organisation."))
    token = new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            token_hash=hash_token(token),
            organisation=organisation,
            team=team,
            role=role,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.PORCH_INVITATION_DAYS),
        )
        audit.record(actor, "invitation.created", obj=invitation, organisation=organisation)
    return invitation, token


def do_revoke_invitation(invitation: Invitation, *, actor) -> None:
    scope = access.manager_scope(actor)
    if scope != access.ALL and invitation.organisation_id not in scope:
        raise PermissionDenied
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_by_id is not None:
            raise ValidationError(_("This invitation has already been used."))
        if invitation.revoked:
            return
        invitation.revoked = True
        invitation.save(update_fields=["revoked"])
        audit.record(
            actor, "invitation.revoked", obj=invitation, organisation=invitation.organisation
        )


# ---- Sign-up and vouching --------------------------------------------------------


def do_sign_up(
    *,
    password: str,
    language: str = "en",
    legal_name: str = "",
    phone: str = "",
    email: str = "",
    organisation: Organisation | None = None,
    invitation: Invitation | None = None,
) -> tuple[User, str]:
    """Create a pending applicant. Returns (user, vouch code); the code is
    shown once and kept only as a keyed hash."""
    vouch_code = new_code(8)
    with transaction.atomic():
        team = None
        role = Role.VOLUNTEER
        if invitation is not None:
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if not invitation.is_usable():
                raise ValidationError(invitation_problem(invitation))
            organisation, team, role = invitation.organisation, invitation.team, invitation.role
        user = User(
            status=User.Status.PENDING,
            trust_level=TrustLevel.VIEWER,
            language=language,
            # Nothing given, nothing sealed: most people need no profile key.
            legal_name=legal_name or None,
            phone=phone or None,
            email=email or None,
            vouch_code_hash=hash_secret(vouch_code),
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
        if organisation is not None:
            Membership.objects.create(
                user=user, organisation=organisation, team=team, role=Role.VOLUNTEER
            )
        if invitation is not None:
            invitation.used_by = user
            invitation.used_on = timezone.localdate()
            invitation.save(update_fields=["used_by", "used_on"])
            if role != Role.VOLUNTEER:
                _grant_invited_role(user, invitation)
        audit.record(user, "account.signed_up", obj=user, organisation=organisation)
    return user, vouch_code


def _grant_invited_role(user: User, invitation: Invitation) -> None:
    """The role an invitation names. It counts only once the person's trust
    reaches it; roles that see addresses or administer still wait for a
    second admin (R34), asked for on the inviter's behalf — and so does a
    role the registered role checks refuse today (one that needs training a
    newcomer cannot have yet): the approval is refused until they pass."""
    awaiting = invitation.role in SECOND_ADMIN_ROLES or bool(
        role_checks.refusals(user, invitation.role)
    )
    membership = Membership.objects.create(
        user=user,
        organisation=invitation.organisation,
        team=invitation.team,
        role=invitation.role,
        status=Membership.Status.AWAITING_APPROVAL if awaiting else Membership.Status.ACTIVE,
        granted_by=invitation.created_by,
    )
    if awaiting and "coalition.grant_role" in approvals.KINDS:
        approvals.do_request_approval(
            "coalition.grant_role",
            {"membership": membership.code},
            organisation=invitation.organisation,
            actor=invitation.created_by,
        )


def invitation_problem(invitation: Invitation) -> str:
    if invitation.revoked:
        return _("This invitation was withdrawn. Ask the person who invited you for a new link.")
    if invitation.used_by_id is not None:
        return _("This invitation has already been used. Each link works once.")
    return _("This invitation has expired. Ask the person who invited you for a new link.")


def do_renew_vouch_code(user: User, *, actor) -> str:
    """A fresh vouch code for an applicant who lost theirs; the old one stops working."""
    if user.status != User.Status.PENDING:
        raise ValidationError(_("Only people waiting for vouches have a vouch code."))
    code = new_code(8)
    with transaction.atomic():
        user.vouch_code_hash = hash_secret(code)
        user.save(update_fields=["vouch_code_hash"])
        audit.record(actor, "account.vouch_code_renewed", obj=user)
    return code


def do_vouch(vouchee: User, *, actor) -> Vouch:
    """`actor` vouches that they know and trust `vouchee`. Enough vouches
    (Coalition.vouches_required) make the applicant an active responder."""
    if actor.status != User.Status.ACTIVE or actor.trust_level < TrustLevel.RESPONDER:
        raise PermissionDenied(_("Only active members can vouch for someone."))
    if actor.pk == vouchee.pk:
        raise ValidationError(_("You cannot vouch for yourself."))
    with transaction.atomic():
        vouchee = User.objects.select_for_update().get(pk=vouchee.pk)
        if vouchee.status != User.Status.PENDING:
            raise ValidationError(_("This person is not waiting for vouches."))
        if Vouch.objects.filter(voucher=actor, vouchee=vouchee).exists():
            raise ValidationError(_("You have already vouched for this person."))
        vouch = Vouch.objects.create(voucher=actor, vouchee=vouchee)
        audit.record(actor, "account.vouched", obj=vouchee)
        if vouchee.vouches_received.count() >= access.vouches_required():  # type: ignore[attr-defined]
            _activate(vouchee, actor)
    return vouch


# Who may attest at an in-person orientation (a trainer), and who may raise trust.
ATTEST_MIN_TRUST = TrustLevel.TRAINED
RAISE_MIN_TRUST = TrustLevel.COORDINATOR


def _activate(vouchee: User, actor) -> None:
    vouchee.status = User.Status.ACTIVE
    vouchee.trust_level = max(vouchee.trust_level, TrustLevel.RESPONDER)
    vouchee.trusted_on = timezone.localdate()
    vouchee.vouch_code_hash = ""
    vouchee.save(update_fields=["status", "trust_level", "trusted_on", "vouch_code_hash"])
    audit.record(actor, "account.activated", obj=vouchee)


def do_attest(vouchee: User, *, actor) -> Vouch:
    """A trainer attests, having met `vouchee` at an in-person orientation,
    that they know them: in a surge this counts as the full set of vouches
    (DOMAIN.md W8). Recorded as the trainer's vouch plus an attestation in
    the audit trail. Callers check that the orientation happened (see
    volunteers.actions.do_attest_attendees)."""
    if actor.status != User.Status.ACTIVE or actor.trust_level < ATTEST_MIN_TRUST:
        raise PermissionDenied(_("Only active trainers can attest for someone."))
    if actor.pk == vouchee.pk:
        raise ValidationError(_("You cannot vouch for yourself."))
    with transaction.atomic():
        vouchee = User.objects.select_for_update().get(pk=vouchee.pk)
        if vouchee.status != User.Status.PENDING:
            raise ValidationError(_("This person is not waiting for vouches."))
        vouch, _created = Vouch.objects.get_or_create(voucher=actor, vouchee=vouchee)
        audit.record(actor, "account.attested", obj=vouchee)
        _activate(vouchee, actor)
    return vouch


def do_raise_trust(user: User, level: int, *, actor) -> None:
    """Raise an active person's trust level (a promotion). The actor must be
    an active coordinator or above and above the level given; trust only goes
    up here (lowering it is locking or a membership change)."""
    if level not in TrustLevel.values:
        raise ValidationError(_("Choose a trust level from the list."))
    if (
        actor.status != User.Status.ACTIVE
        or actor.trust_level < RAISE_MIN_TRUST
        or level >= actor.trust_level
        or actor.pk == user.pk
    ):
        raise PermissionDenied(_("You cannot give this trust level."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.status != User.Status.ACTIVE:
            raise ValidationError(_("Only active members can be promoted."))
        if user.trust_level >= level:
            raise ValidationError(_("This person already has that trust level or a higher one."))
        User.objects.filter(pk=user.pk).update(trust_level=level)
        audit.record(actor, "account.trust_raised", obj=user)


# ---- Login throttling (R25, R26) ----------------------------------------------------


def do_authenticate(request, handle: str, password: str) -> User | None:
    """The account for these credentials, or None for every kind of failure
    (unknown, wrong password, throttled, locked) in similar time."""
    handle = (handle or "").strip().lower()
    user = User.objects.filter(handle=handle).first()
    if user is not None and is_throttled(user):
        User().set_password(password or "")  # pay for one hash, like a real check
        return None
    authenticated = authenticate(request, handle=handle, password=password or "")
    if authenticated is None:
        if user is not None:
            do_count_failed_attempt(user)
        return None
    if authenticated.failed_logins or authenticated.throttled_until:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, throttled_until=None)
    return authenticated


def is_throttled(user: User) -> bool:
    return user.throttled_until is not None and user.throttled_until > timezone.now()


def do_count_failed_attempt(user: User) -> bool:
    """One more wrong password or code; returns True when this throttles the
    account for PORCH_LOGIN_LOCK_MINUTES."""
    with transaction.atomic():
        row = User.objects.select_for_update().only("failed_logins").get(pk=user.pk)
        failures = row.failed_logins + 1
        if failures >= settings.PORCH_LOGIN_ATTEMPTS:
            until = timezone.now() + timedelta(minutes=settings.PORCH_LOGIN_LOCK_MINUTES)
            User.objects.filter(pk=user.pk).update(failed_logins=0, throttled_until=until)
            user.failed_logins, user.throttled_until = 0, until
            return True
        User.objects.filter(pk=user.pk).update(failed_logins=failures)
        user.failed_logins = failures
        return False


# ---- Two-factor (R23) ------------------------------------------------------------------


def _claim_totp(user: User, code: str) -> bool:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return False
    step = totp.matching_step(device.seed, code, after=device.last_step)
    if step is None:
        return False
    # Conditional: two requests racing with one code cannot both succeed.
    return TOTPDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step) == 1


def _use_recovery_code(user: User, code: str) -> bool:
    digest = hash_secret(_normalise(code))
    found = RecoveryCode.objects.filter(user=user, code_hash=digest, used_on__isnull=True).first()
    if found is None:
        return False
    today = timezone.localdate()
    return RecoveryCode.objects.filter(pk=found.pk, used_on__isnull=True).update(used_on=today) == 1


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def do_verify_totp(user: User, code: str, *, actor) -> bool:
    """A fresh authenticator code (login or step-up); each code works once."""
    if is_throttled(user):
        return False
    if _claim_totp(user, code):
        return True
    do_count_failed_attempt(user)
    return False


def do_verify_second_factor(user: User, code: str, *, actor) -> bool:
    """An authenticator code or, failing that, an unused recovery code."""
    if is_throttled(user):
        return False
    if _claim_totp(user, code):
        return True
    if _use_recovery_code(user, code):
        audit.record(actor, "account.recovery_code_used", obj=user)
        return True
    do_count_failed_attempt(user)
    return False


def do_start_two_factor(user: User, *, actor) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh secret."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed:
            raise ValidationError(_("Two-factor sign-in is already set up."))
        if device is None:
            device = TOTPDevice(user=user)
        device.seed = totp.new_seed()
        device.last_step = -1
        device.save()
        audit.record(actor, "account.two_factor_started", obj=user)
    return device


def do_confirm_two_factor(user: User, code: str, *, actor) -> list[str]:
    """Confirm the new authenticator with a code from it. Returns ten recovery
    codes, shown once. Other sessions end (R27: 2FA change)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is None or device.confirmed:
            raise ValidationError(_("Start setting up two-factor sign-in first."))
        step = totp.matching_step(device.seed, code, after=device.last_step)
        if step is None:
            raise ValidationError(
                _("That code did not match. Check the time on your phone and try a new code.")
            )
        device.confirmed = True
        device.last_step = step
        device.save(update_fields=["confirmed", "last_step"])
        codes = _replace_recovery_codes(user)
        _bump_generation(user)
        audit.record(actor, "account.two_factor_confirmed", obj=user)
    return codes


def do_renew_recovery_codes(user: User, *, actor) -> list[str]:
    if not user.has_two_factor():
        raise ValidationError(_("Set up two-factor sign-in first."))
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit.record(actor, "account.recovery_codes_renewed", obj=user)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [new_code(10) for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=hash_secret(code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


# ---- The account page ---------------------------------------------------------------


def do_change_password(user: User, *, old_password: str, new_password: str, actor) -> None:
    """Every other session ends (R27); the view keeps the current one."""
    if not user.check_password(old_password or ""):
        raise ValidationError(_("Your current password is not right."))
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _bump_generation(user)
        audit.record(actor, "account.password_changed", obj=user)


def do_set_language(user: User, language: str, *, actor) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a language from the list."))
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit.record(actor, "account.language_changed", obj=user)


def do_update_contact(user: User, *, legal_name: str, phone: str, email: str, actor) -> None:
    """Each value is sealed anew with the person's profile key; empty ones are
    stored as nothing at all."""
    with transaction.atomic():
        user.legal_name, user.phone, user.email = legal_name or None, phone or None, email or None
        user.save(update_fields=["legal_name", "phone", "email"])
        audit.record(actor, "account.contact_changed", obj=user)


def do_leave_porch(user: User, *, password: str, actor) -> None:
    """The person leaves: their profile is shredded at once (R14) and the
    account is anonymised.

    Shredding the profile subject destroys the data key that sealed their
    legal name, phone, e-mail and TOTP seed, and deletes the authenticator
    with it. Then the row keeps only what the audit log needs to point at: a
    random code and a new meaningless handle, status "left", no password.
    Memberships, vouches, recovery codes and API tokens are deleted; every
    session ends. The ON_LOCK hooks run after commit, as for a lock, so later
    apps return the person's assignments to the queue.
    """
    if actor.pk != user.pk:
        raise PermissionDenied
    if not user.check_password(password or ""):
        raise ValidationError(_("Your password is not right."))
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.status == User.Status.LEFT:
            return
        if current.profile_id is not None:
            shred(current.profile)
        RecoveryCode.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        TOTPDevice.objects.filter(user=user).delete()
        Membership.objects.filter(user=user).delete()
        Vouch.objects.filter(Q(voucher=user) | Q(vouchee=user)).delete()
        user.profile = None
        user.legal_name = user.phone = user.email = None
        user.handle = _left_handle()
        user.status = User.Status.LEFT
        user.trust_level = TrustLevel.VIEWER
        user.language = settings.LANGUAGE_CODE
        user.vouch_code_hash = ""
        user.trusted_on = user.last_active_on = user.throttled_until = None
        user.failed_logins = 0
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        _bump_generation(user)
        audit.record(actor, "account.left", obj=user)
        transaction.on_commit(checkpoint)  # R11: the WAL lets go of the old rows
        for hook in hooks.ON_LOCK:
            transaction.on_commit(partial(_run_lock_hook, hook, user, actor), robust=True)


def _left_handle() -> str:
    while User.objects.filter(handle=(handle := f"left-{new_code(12).lower()}")).exists():
        pass
    return handle


def do_create_api_token(user: User, name: str, *, actor) -> tuple[ApiToken, str]:
    """Returns (token, key); the key is shown once and stored as SHA-256."""
    if user.status != User.Status.ACTIVE:
        raise PermissionDenied(_("Only active members can create API tokens."))
    if access.api_tokens_for(user).count() >= MAX_API_TOKENS:
        raise ValidationError(_("You have too many API tokens. Revoke one first."))
    key = new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key))
        audit.record(actor, "api_token.created", obj=token)
    return token, key


def do_revoke_api_token(token: ApiToken, *, actor) -> None:
    with transaction.atomic():
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit.record(actor, "api_token.revoked", obj=token)


# ---- A compromised member ----------------------------------------------------------------


def do_lock_account(user: User, *, actor) -> None:
    """Lock at once (DOMAIN.md): sessions and API tokens die, then the ON_LOCK
    hooks run after commit so later apps return assignments to the queue."""
    if actor.pk == user.pk:
        raise ValidationError(_("Ask another coordinator to lock your account."))
    if not access.can_manage(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        current = User.objects.select_for_update().only("status").get(pk=user.pk)
        if current.status == User.Status.LOCKED:
            return
        user.status = User.Status.LOCKED
        user.save(update_fields=["status"])
        _bump_generation(user)
        ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
        audit.record(actor, "account.locked", obj=user)
        for hook in hooks.ON_LOCK:
            transaction.on_commit(partial(_run_lock_hook, hook, user, actor), robust=True)


def _run_lock_hook(hook, user: User, actor) -> None:
    with transaction.atomic():
        hook(user, actor=actor)


def do_request_unlock(user: User, *, actor):
    user.refresh_from_db(fields=["status"])
    if user.status != User.Status.LOCKED:
        raise ValidationError(_("This account is not locked."))
    if not access.can_administer(actor, user):
        raise PermissionDenied
    return approvals.do_request_approval("accounts.unlock", {"user": user.code}, actor=actor)


def do_request_two_factor_reset(user: User, *, actor):
    if not TOTPDevice.objects.filter(user=user).exists():
        raise ValidationError(_("This account has no two-factor sign-in to reset."))
    if not access.can_administer(actor, user):
        raise PermissionDenied
    return approvals.do_request_approval("accounts.reset_2fa", {"user": user.code}, actor=actor)


def do_unlock_account(user: User, *, actor) -> None:
    """Runs when a second admin approves (approvals enforce who may decide)."""
    with transaction.atomic():
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        user.refresh_from_db(fields=["status", "trusted_on"])
        if user.status != User.Status.LOCKED:
            raise ValidationError(_("This account is not locked."))
        user.status = User.Status.ACTIVE if user.trusted_on else User.Status.PENDING
        user.failed_logins, user.throttled_until = 0, None
        user.save(update_fields=["status", "failed_logins", "throttled_until"])
        _bump_generation(user)
        audit.record(actor, "account.unlocked", obj=user)


def do_reset_two_factor(user: User, *, actor) -> None:
    """Runs when a second admin approves: the person enrols again at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        _bump_generation(user)
        audit.record(actor, "account.two_factor_reset", obj=user)


def run_approved_unlock(approval, actor) -> None:
    user = access.approval_subject(approval)
    if user is None:
        raise ValidationError(_("That account no longer exists."))
    do_unlock_account(user, actor=actor)


def run_approved_two_factor_reset(approval, actor) -> None:
    user = access.approval_subject(approval)
    if user is None:
        raise ValidationError(_("That account no longer exists."))
    do_reset_two_factor(user, actor=actor)


# ---- The first admin (porch bootstrap) -------------------------------------------------------


def do_bootstrap(
    *, coalition_name: str, organisation_name: str, password: str, handle: str = ""
) -> tuple[User, str, list[str]]:
    """The coalition (if none), its first organisation and first admin.
    Returns (admin, TOTP seed, recovery codes) to print once."""
    if Membership.objects.filter(role=Role.COALITION_ADMIN).exists():
        raise ValidationError(_("This instance already has a coalition admin."))
    handle = (handle or "").strip().lower()
    if handle and User.objects.filter(handle=handle).exists():
        raise ValidationError(_("That handle is taken. Choose another."))
    with transaction.atomic():
        coalition = Coalition.objects.order_by("pk").first()
        if coalition is None:
            coalition = Coalition.objects.create(name=coalition_name)
        organisation = Organisation.objects.create(coalition=coalition, name=organisation_name)
        admin = User(
            status=User.Status.ACTIVE,
            trust_level=TrustLevel.ADMIN,
            trusted_on=timezone.localdate(),
        )
        if handle:
            admin.handle = handle
        validate_password(password, admin)
        admin.set_password(password)
        admin.save()
        for role in (Role.COALITION_ADMIN, Role.ORG_ADMIN):
            Membership.objects.create(user=admin, organisation=organisation, role=role)
        seed = totp.new_seed()
        TOTPDevice.objects.create(user=admin, seed=seed, confirmed=True)
        codes = _replace_recovery_codes(admin)
        audit.record(admin, "account.bootstrapped", obj=admin, organisation=organisation)
    return admin, seed, codes
