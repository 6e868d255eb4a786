"""Recruitment pages: the volunteer questions after sign-up, the volunteer's
own status page, the coordinator's list of recruits with the roles that can
be offered, and the import of an existing volunteer sheet.

Same shape as views.py: access → form → action → redirect or render; bad
input re-renders with 400 and a translated message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.accounts import access as accounts_access
from porch.accounts.models import User
from porch.coalition.models import Membership
from porch.core.forms import add_errors
from porch.volunteers import access, importing, recruitment
from porch.volunteers.forms import (
    AssignRoleForm,
    ClaimForm,
    ImportMappingForm,
    ImportUploadForm,
    JoinForm,
)
from porch.volunteers.models import WEEKDAY_LABELS, WeeklyAvailability

GET_POST = ["GET", "POST"]


# ---- The volunteer questions and the status page -------------------------------------


def _may_join(user) -> bool:
    return user.is_authenticated and user.status in (User.Status.PENDING, User.Status.ACTIVE)


def _join_initial(user, volunteer) -> dict:
    initial: dict = {}
    if volunteer is not None and volunteer.recruited_on is not None:
        initial.update(
            languages=volunteer.languages,
            roles=volunteer.roles_of_interest,
            zones=list(volunteer.zones.values_list("code", flat=True)),
            risk=recruitment.risk_answers_of(volunteer),
        )
    by_day: dict[int, list[str]] = {}
    for window in WeeklyAvailability.objects.filter(volunteer=user):
        by_day.setdefault(window.weekday, []).append(
            f"{window.start_time:%H:%M}-{window.end_time:%H:%M}"
        )
    for day in range(len(WEEKDAY_LABELS)):
        initial[f"day_{day}"] = ", ".join(by_day.get(day, []))
    return initial


@never_cache
@require_http_methods(GET_POST)
def join(request):
    """Public: anyone may read how volunteering works. Signed-in people
    (waiting for vouches or active) answer the volunteer questions."""
    user = request.user
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('accounts:login')}?next={reverse('volunteers:join')}")
        return render(request, "volunteers/join_intro.html")
    if not _may_join(user):
        raise Http404
    volunteer = recruitment.volunteer_of(user)
    organisations = None
    if not Membership.objects.filter(user=user).exists():
        organisations = accounts_access.public_organisations()
    form = JoinForm(
        request.POST or None,
        initial=_join_initial(user, volunteer) if request.method == "GET" else None,
        zones=recruitment.zones_to_choose(),
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recruitment.do_join_as_volunteer(
                user,
                languages=data["languages"],
                zones=data["zones"],
                roles=data["roles"],
                risk=data["risk"],
                windows=data["windows"],
                organisation=data.get("organisation"),
                actor=user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("volunteers:status")
    status = 400 if request.method == "POST" else 200
    return render(request, "volunteers/join.html", {"form": form}, status=status)


@require_GET
@login_required
def status(request):
    """Where the volunteer stands and what comes next: theirs alone."""
    if not _may_join(request.user):
        raise Http404
    steps = recruitment.steps_for(request.user)
    context = {"steps": steps, "next_step": recruitment.next_step(steps)}
    return render(request, "volunteers/status.html", context)


# ---- Coordinators: recruits and their roles ----------------------------------------------


@require_GET
@login_required
def recruits(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    rows = recruitment.recruits_of(organisation)
    return render(request, "volunteers/recruits.html", {"organisation": organisation, "rows": rows})


@require_POST
@login_required
def recruit_role(request, code, member):
    organisation, member = access.get_member_for_promotion(request.user, code, member)
    back = reverse("volunteers:recruits", args=[organisation.code])
    form = AssignRoleForm(request.POST)
    if not form.is_valid():
        return _problem(request, [_("Choose a role from the list.")], back)
    try:
        recruitment.do_assign_role(
            organisation, member, form.cleaned_data["role"], actor=request.user
        )
    except ValidationError as error:
        return _problem(request, error.messages, back)
    messages.success(request, _("The role was given."))
    return redirect(back)


@never_cache
@require_POST
@login_required
def recruit_claim_link(request, code, member):
    """The one sign-in link of an imported person, shown to the coordinator once."""
    organisation, member = access.get_member_for_promotion(request.user, code, member)
    back = reverse("volunteers:recruits", args=[organisation.code])
    try:
        token = recruitment.do_issue_claim_link(organisation, member, actor=request.user)
    except ValidationError as error:
        return _problem(request, error.messages, back)
    link = request.build_absolute_uri(reverse("volunteers:claim", args=[token]))
    context = {"organisation": organisation, "member": member, "link": link, "back": back}
    return render(request, "volunteers/claim_link.html", context)


@never_cache
@require_http_methods(GET_POST)
def claim(request, token):
    """Public: an imported person sets their password with their link."""
    volunteer = recruitment.volunteer_for_claim(token)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vouch_code = recruitment.do_claim_account(
                volunteer, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            context = {"handle": volunteer.user.handle, "vouch_code": vouch_code}
            return render(request, "volunteers/claimed.html", context)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "handle": volunteer.user.handle}
    return render(request, "volunteers/claim.html", context, status=status)


def _problem(request, errors, back):
    return render(request, "volunteers/problem.html", {"errors": errors, "back": back}, status=400)


# ---- Importing a volunteer sheet ---------------------------------------------------------


class CappedMemoryUploadHandler(FileUploadHandler):
    """Keeps an upload in memory only, whatever its size claims (R19): the
    bytes never reach a temporary file, and past the cap the file is dropped
    and the view says so."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = content_length > importing.MAX_BYTES + 64 * 1024

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.chunks: list[bytes] = []
        self.size = 0
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > importing.MAX_BYTES:
            self.request.too_large_upload = True
            raise SkipFile
        self.chunks.append(raw_data)
        return None

    def file_complete(self, file_size):
        import io

        from django.core.files.uploadedfile import InMemoryUploadedFile

        data = io.BytesIO(b"".join(self.chunks))
        self.chunks = []
        return InMemoryUploadedFile(
            data, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )


@csrf_exempt
@never_cache
def import_sheet(request, code):
    """Upload → column mapping and dry run → confirm (one transaction).
    Each step posts the sheet's text back; nothing is kept between steps."""
    request.upload_handlers = [CappedMemoryUploadHandler(request)]
    return _import_sheet(request, code)


@csrf_protect
@require_http_methods(GET_POST)
@login_required
def _import_sheet(request, code):
    organisation = access.get_coordinated_organisation(request.user, code)
    context: dict = {"organisation": organisation}
    if request.method == "GET":
        context["upload"] = ImportUploadForm()
        return render(request, "volunteers/import.html", context)
    if "sheet" in request.FILES or getattr(request, "too_large_upload", False):
        upload = ImportUploadForm(request.POST, request.FILES)
        if getattr(request, "too_large_upload", False):
            upload.add_error("sheet", importing.too_large_message())
        elif upload.is_valid():
            try:
                text = importing.decode(upload.cleaned_data["sheet"].read())
                sheet = importing.read_sheet(text)
            except ValidationError as error:
                add_errors(upload, error)
            else:
                mapping = ImportMappingForm(
                    initial={"sheet_text": text, **importing.guess_mapping(sheet.headers)},
                    headers=sheet.headers,
                )
                chosen = importing.mapping_from(mapping.initial, sheet.headers)
                context.update(
                    mapping=mapping, report=importing.plan(organisation, sheet, chosen), sheet=sheet
                )
                return render(request, "volunteers/import.html", context)
        context["upload"] = upload
        return render(request, "volunteers/import.html", context, status=400)
    # The mapping step: a dry run, or the import itself when confirmed.
    text = request.POST.get("sheet_text", "")
    try:
        sheet = importing.read_sheet(text)
    except ValidationError as error:
        context["upload"] = ImportUploadForm()
        context["errors"] = error.messages
        return render(request, "volunteers/import.html", context, status=400)
    mapping = ImportMappingForm(request.POST, headers=sheet.headers)
    if not mapping.is_valid():
        context.update(mapping=mapping, sheet=sheet)
        return render(request, "volunteers/import.html", context, status=400)
    chosen = importing.mapping_from(mapping.cleaned_data, sheet.headers)
    if mapping.cleaned_data.get("confirm"):
        try:
            created = importing.do_import_volunteers(
                organisation, sheet, chosen, actor=request.user
            )
        except ValidationError as error:
            context["errors"] = error.messages
        else:
            messages.success(
                request,
                _("%(count)d volunteers were imported.") % {"count": len(created)},
            )
            return redirect("volunteers:recruits", code=organisation.code)
    report = importing.plan(organisation, sheet, chosen)
    context.update(mapping=mapping, report=report, sheet=sheet)
    status = 400 if context.get("errors") or mapping.cleaned_data.get("confirm") else 200
    return render(request, "volunteers/import.html", context, status=status)
