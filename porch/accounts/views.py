"""Accounts pages: sign-up, vouching, sign-in with 2FA, step-up, the account
page, a manager's view of a member, and the approvals inbox.

Secrets shown once (vouch codes, recovery codes, API keys) are rendered in
the response to the POST that made them and never stored in plain form, in
the session or in a message.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from porch.accounts import access, actions, approvals, totp
from porch.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    ContactForm,
    DecisionForm,
    LanguageForm,
    LeaveForm,
    LoginForm,
    PasswordChangeForm,
    SignUpForm,
    VouchForm,
)
from porch.accounts.middleware import GENERATION_KEY, SEEN_KEY, VERIFIED_KEY
from porch.accounts.models import User
from porch.accounts.roles import Role, TrustLevel
from porch.accounts.stepup import mark_verified, require_step_up
from porch.core.home import panels_for

# R26: one message for an unknown handle, a wrong password, a throttled or a
# locked account.
LOGIN_FAILED = gettext_lazy(
    "Those details did not work, or this account is resting after too many tries. Try again later."
)
CODE_FAILED = gettext_lazy("That code did not work. Try the newest code from your app.")
NO_APPLICANT = gettext_lazy(
    "That handle and vouch code do not match anyone waiting for vouches. Check both with them."
)
APPROVAL_KINDS = {
    "accounts.unlock": gettext_lazy("Unlock an account"),
    "accounts.reset_2fa": gettext_lazy("Reset someone's two-factor sign-in"),
    "coalition.grant_role": gettext_lazy("Grant a role"),
    "vault.panic_org": gettext_lazy("Erase an organisation's data"),
    "vault.panic_instance": gettext_lazy("Erase all data on this instance"),
}


def _safe_next(request, url: str | None, default: str = "accounts:home") -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


def _posted(request):
    """The POST data (even when empty, so a blank form is bound and refused)."""
    return request.POST if request.method == "POST" else None


def _next_param(request) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _set_language_cookie(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _start_session(request, user: User) -> None:
    """login() rotates the session key (R27); then the policy keys."""
    login(request, user, backend="porch.accounts.backends.HandleBackend")
    request.session.pop(VERIFIED_KEY, None)
    request.session[GENERATION_KEY] = user.session_generation
    request.session[SEEN_KEY] = int(time.time())


def _refuse_throttled(request):
    logout(request)
    messages.error(request, LOGIN_FAILED)
    return redirect("accounts:login")


# ---- Home ---------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "accounts/landing.html")
    context = {"panels": panels_for(request)}
    if user.status == User.Status.PENDING:
        context["vouches"] = user.vouches_received.count()
        context["vouches_required"] = access.vouches_required()
    else:
        context["roles"] = access.roles_by_organisation(user)
        waiting = len(access.approvals_to_decide(user))
        context["approvals_panel"] = {"count": waiting} if waiting else None
    return render(request, "accounts/home.html", context)


# ---- Sign-up and vouching ------------------------------------------------------------


def _sign_up(request, form, *, template, invitation=None, extra=None):
    context = {"form": form, **(extra or {})}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, vouch_code = actions.do_sign_up(
                password=data["password"],
                language=data["language"],
                legal_name=data["legal_name"],
                phone=data["phone"],
                email=data["email"],
                organisation=data.get("organisation"),
                invitation=invitation,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _start_session(request, user)
            # The welcome page is the first one in the language they chose.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            response = render(
                request, "accounts/welcome.html", {"handle": user.handle, "vouch_code": vouch_code}
            )
            return _set_language_cookie(response, user.language)
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(
        _posted(request),
        organisations=access.public_organisations(),
        initial={"language": request.LANGUAGE_CODE},
    )
    return _sign_up(request, form, template="accounts/signup.html")


@require_http_methods(["GET", "POST"])
def join(request, token):
    invitation = access.get_invitation_for_token(token)
    if not invitation.is_usable():
        problem = actions.invitation_problem(invitation)
        return render(request, "accounts/join_refused.html", {"problem": problem}, status=400)
    form = SignUpForm(_posted(request), initial={"language": request.LANGUAGE_CODE})
    return _sign_up(
        request,
        form,
        template="accounts/signup.html",
        invitation=invitation,
        extra={
            "invitation": invitation,
            "invited_role": Role(invitation.role).label if invitation.role in Role.values else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def vouch(request):
    user = request.user
    if user.status != User.Status.ACTIVE or user.trust_level < TrustLevel.RESPONDER:
        raise PermissionDenied
    form = VouchForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        applicant = access.find_applicant(
            form.cleaned_data["handle"], form.cleaned_data["vouch_code"]
        )
        if applicant is None:
            form.add_error(None, NO_APPLICANT)
        else:
            try:
                actions.do_vouch(applicant, actor=user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you. Your vouch is recorded."))
                return redirect("accounts:vouch")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/vouch.html", {"form": form}, status=status)


@login_required
@require_POST
def vouch_code(request):
    try:
        code = actions.do_renew_vouch_code(request.user, actor=request.user)
    except ValidationError:
        raise Http404 from None
    return render(request, "accounts/vouch_code.html", {"vouch_code": code})


# ---- Sign-in, two-factor, step-up -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(_posted(request), initial={"next": _next_param(request)})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            user = actions.do_authenticate(request, data["handle"], data["password"])
            if user is not None:
                _start_session(request, user)
                return _set_language_cookie(_after_login(request, user), user.language)
            form.add_error(None, LOGIN_FAILED)
        return render(request, "accounts/login.html", {"form": form}, status=400)
    timed_out = request.GET.get("timeout") == "1"
    return render(request, "accounts/login.html", {"form": form, "timed_out": timed_out})


def _after_login(request, user: User):
    next_url = _safe_next(request, _next_param(request))
    if user.has_two_factor():
        return redirect(reverse("accounts:two-factor") + "?" + _query(next_url))
    if user.needs_two_factor():
        return redirect(reverse("accounts:two-factor-setup") + "?" + _query(next_url))
    return redirect(next_url)


def _query(next_url: str) -> str:
    return urlencode({"next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    response = redirect("accounts:login")
    # R27, R38: nothing of this session stays in the browser.
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    user = request.user
    if not user.has_two_factor():
        return redirect("accounts:two-factor-setup")
    form = CodeForm(_posted(request), initial={"next": _next_param(request)})
    if request.method == "POST":
        if form.is_valid() and actions.do_verify_second_factor(
            user, form.cleaned_data["code"], actor=user
        ):
            mark_verified(request)
            return redirect(_safe_next(request, form.cleaned_data["next"]))
        if actions.is_throttled(user):
            return _refuse_throttled(request)
        form.add_error(None, CODE_FAILED)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/two_factor.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    device = access.device_for(user)
    if request.method == "POST" and request.POST.get("action") == "start":
        try:
            actions.do_start_two_factor(user, actor=user)
        except ValidationError:
            return redirect("accounts:two-factor-setup")
        return redirect(reverse("accounts:two-factor-setup") + "?" + _query(_next_param(request)))
    form = CodeForm(_posted(request), initial={"next": _next_param(request)})
    if request.method == "POST":
        if device is None or device.confirmed or not form.is_valid():
            return _render_setup(request, device, form, status=400)
        try:
            codes = actions.do_confirm_two_factor(user, form.cleaned_data["code"], actor=user)
        except ValidationError as error:
            form.add_error(None, error)
            return _render_setup(request, device, form, status=400)
        request.session[GENERATION_KEY] = user.session_generation
        mark_verified(request)
        next_url = _safe_next(request, form.cleaned_data["next"])
        context = {"recovery_codes": codes, "next_url": next_url}
        return render(request, "accounts/recovery_codes.html", context)
    return _render_setup(request, device, form)


def _render_setup(request, device, form, *, status=200):
    context = {"device": device, "form": form}
    if device is not None and device.confirmed:
        context["codes_left"] = access.unused_recovery_codes(request.user).count()
    elif device is not None:
        uri = totp.otpauth_uri(device.seed, request.user.handle)
        context.update(secret=totp.grouped(device.seed), qr=totp.qr_data_uri(uri), uri=uri)
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@login_required
@require_POST
@require_step_up
def recovery_codes(request):
    try:
        codes = actions.do_renew_recovery_codes(request.user, actor=request.user)
    except ValidationError:
        return redirect("accounts:two-factor-setup")
    context = {"recovery_codes": codes, "next_url": reverse("accounts:settings")}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def step_up(request):
    user = request.user
    form = CodeForm(_posted(request), initial={"next": _next_param(request)})
    has_device = user.has_two_factor()
    if request.method == "POST":
        if (
            has_device
            and form.is_valid()
            and actions.do_verify_totp(user, form.cleaned_data["code"], actor=user)
        ):
            mark_verified(request)
            return redirect(_safe_next(request, form.cleaned_data["next"]))
        if actions.is_throttled(user):
            return _refuse_throttled(request)
        form.add_error(None, CODE_FAILED)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "has_device": has_device}
    return render(request, "accounts/step_up.html", context, status=status)


# ---- The account page --------------------------------------------------------------------


def _render_account(request, *, status=200, **forms):
    user = request.user
    context = {
        "roles": access.roles_by_organisation(user),
        "tokens": access.api_tokens_for(user),
        "has_two_factor": user.has_two_factor(),
        "password_form": forms.get("password_form") or PasswordChangeForm(user=user),
        "language_form": forms.get("language_form")
        or LanguageForm(initial={"language": user.language}),
        "contact_form": forms.get("contact_form")
        or ContactForm(
            initial={"legal_name": user.legal_name, "phone": user.phone, "email": user.email}
        ),
        "token_form": forms.get("token_form") or ApiTokenForm(),
        "leave_form": forms.get("leave_form") or LeaveForm(prefix="leave"),
        "new_key": forms.get("new_key"),
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_safe
def account_settings(request):
    return _render_account(request)


@login_required
@require_POST
def change_password(request):
    user = request.user
    form = PasswordChangeForm(request.POST, user=user)
    if form.is_valid():
        try:
            actions.do_change_password(
                user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password"],
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Every other session has ended; this one carries on (R27).
            update_session_auth_hash(request, user)
            request.session[GENERATION_KEY] = user.session_generation
            messages.success(request, _("Your password is changed. Other sessions have ended."))
            return redirect("accounts:settings")
    return _render_account(request, status=400, password_form=form)


@login_required
@require_POST
def change_language(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _render_account(request, status=400, language_form=form)
    actions.do_set_language(request.user, form.cleaned_data["language"], actor=request.user)
    messages.success(request, _("Your language preference is saved."))
    response = redirect("accounts:settings")
    return _set_language_cookie(response, request.user.language)


@login_required
@require_POST
def change_contact(request):
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _render_account(request, status=400, contact_form=form)
    actions.do_update_contact(request.user, **form.cleaned_data, actor=request.user)
    messages.success(request, _("Your contact details are saved."))
    return redirect("accounts:settings")


@login_required
@require_POST
def leave(request):
    form = LeaveForm(request.POST, prefix="leave")
    if form.is_valid():
        try:
            actions.do_leave_porch(
                request.user, password=form.cleaned_data["password"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            logout(request)
            response = render(request, "accounts/left.html")
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
            return response
    return _render_account(request, status=400, leave_form=form)


@login_required
@require_POST
def create_token(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = actions.do_create_api_token(
                request.user, form.cleaned_data["name"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.args[0] if error.args else str(error))
        else:
            return _render_account(request, new_key=key)
    return _render_account(request, status=400, token_form=form)


@login_required
@require_POST
def revoke_token(request, code):
    token = access.get_api_token_for_user(request.user, code)
    actions.do_revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:settings")


# ---- A manager's view of a member -----------------------------------------------------------


@login_required
@require_safe
def person(request, code):
    target = access.get_person_for_manager(request.user, code)
    context = {
        "person": target,
        "memberships": target.memberships.select_related("organisation", "team").order_by(  # type: ignore[attr-defined]
            "organisation__name", "role"
        ),
        "vouches": access.vouches_for(target),
        "vouched_count": target.vouches_given.count(),  # type: ignore[attr-defined]
        "can_administer": access.can_administer(request.user, target),
        "has_device": access.device_for(target) is not None,
        "is_self": target.pk == request.user.pk,
    }
    return render(request, "accounts/person.html", context)


def _person_action(request, code, action, done_message):
    target = access.get_person_for_manager(request.user, code)
    try:
        action(target, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:person", code=target.code)
    messages.success(request, done_message)
    return redirect("accounts:person", code=target.code)


@login_required
@require_POST
def person_lock(request, code):
    return _person_action(
        request,
        code,
        actions.do_lock_account,
        _("The account is locked. Its sessions and API tokens no longer work."),
    )


@login_required
@require_POST
def person_unlock(request, code):
    return _person_action(
        request,
        code,
        actions.do_request_unlock,
        _("Unlocking is requested. A second admin must approve it."),
    )


@login_required
@require_POST
def person_reset_two_factor(request, code):
    return _person_action(
        request,
        code,
        actions.do_request_two_factor_reset,
        _("A two-factor reset is requested. A second admin must approve it."),
    )


@login_required
@require_safe
@require_step_up
def person_exposure(request, code):
    target = access.get_person_for_manager(request.user, code)
    entries = list(access.shown_to(target))
    context = {
        "person": target,
        "vouched_for": access.vouched_for(target),
        "entries": entries,
        "truncated": len(entries) >= access.EXPOSURE_LIMIT,
    }
    return render(request, "accounts/exposure.html", context)


# ---- Approvals inbox -------------------------------------------------------------------------


@login_required
@require_safe
def approval_list(request):
    waiting = access.approvals_to_decide(request.user)
    for approval in waiting:
        approval.kind_label = APPROVAL_KINDS.get(approval.kind, approval.kind)
    mine = list(access.approvals_requested_by(request.user))
    for approval in mine:
        approval.kind_label = APPROVAL_KINDS.get(approval.kind, approval.kind)
    return render(request, "accounts/approvals.html", {"waiting": waiting, "mine": mine})


@login_required
@require_POST
@require_step_up
def approval_decide(request, code):
    approval = access.get_approval_for_user(request.user, code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("accounts:approvals")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        approvals.do_decide_approval(approval, approve=approve, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:approvals")
    messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("accounts:approvals")
