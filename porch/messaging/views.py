"""Messaging pages: access → form → action → redirect or render.

The subscribe form is public; everything else needs a signed-in coordinator
or admin of the list's organisation (or a coalition admin for the
coalition's list). Webhooks are verified by their channel: a bad signature
is 403, an unreadable body 400, and neither stores anything.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from porch.coalition import access as coalition_access
from porch.core.forms import add_errors
from porch.messaging import access, actions, catalogue, keywords
from porch.messaging.forms import (
    BroadcastForm,
    NotificationForm,
    OrganiserSubscriberForm,
    SubscribeForm,
    TemplateForm,
)
from porch.messaging.models import Subscriber
from porch.messaging.texts import Texts, hotline, preview, sample_context_for, time_bucket

GET_POST = ["GET", "POST"]


def _posted(request):
    # An empty POST is still a submission: it binds, fails and answers 400.
    return request.POST if request.method == "POST" else None


# ---- Public: subscribe ------------------------------------------------------------


@require_http_methods(GET_POST)
def subscribe(request):
    form = SubscribeForm(
        _posted(request), zones=access.zones(), organisations=access.public_organisations()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_subscribe(
                organisation=data["organisation"],
                address=data["address"],
                medium=data["medium"],
                zones=data["zones"],
                language=data["language"],
                source=Subscriber.Source.WEB_FORM,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            # The same page whether or not the number was known (no enumeration).
            return render(request, "messaging/subscribe_done.html", {"medium": data["medium"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/subscribe.html", {"form": form}, status=status)


# ---- Lists and subscribers ------------------------------------------------------------


@require_GET
@login_required
def index(request):
    coalition_access.require_active(request.user)
    lists = access.lists_for(request.user)
    if not lists:
        raise Http404
    rows = [{"list": item, "broadcasts": list(access.broadcasts_of(item)[:5])} for item in lists]
    return render(request, "messaging/index.html", {"rows": rows})


@require_GET
@login_required
def subscribers(request, code):
    subscriber_list = access.get_list_for_user(request.user, code)
    rows = access.subscribers_of(subscriber_list)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = dict(
        Subscriber.objects.for_owner(subscriber_list.organisation)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    context = {"list": subscriber_list, "page": page, "counts": counts}
    return render(request, "messaging/subscribers.html", context)


@require_http_methods(GET_POST)
@login_required
def subscriber_add(request, code):
    subscriber_list = access.get_list_for_user(request.user, code)
    form = OrganiserSubscriberForm(_posted(request), zones=access.zones())
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_subscribe(
                organisation=subscriber_list.organisation,
                source=Subscriber.Source.ORGANISER,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Added. They will get a text asking them to reply YES."))
            return redirect("messaging:subscribers", code=subscriber_list.code)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "list": subscriber_list}
    return render(request, "messaging/subscriber_add.html", context, status=status)


@require_POST
@login_required
def subscriber_stop(request, code):
    subscriber = access.get_subscriber_for_user(request.user, code)
    actions.do_stop_subscriber(subscriber, actor=request.user)
    messages.success(request, _("Stopped. Nothing more will be sent to this subscriber."))
    owner = subscriber.organisation
    list_code = owner.code if owner else coalition_access.current_coalition().code
    return redirect("messaging:subscribers", code=list_code)


# ---- Broadcasts ------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def broadcast_new(request, code):
    subscriber_list = access.get_list_for_user(request.user, code)
    form = BroadcastForm(_posted(request), zones=access.zones())
    previews = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST:
            try:
                broadcast = actions.do_broadcast(
                    data["zones"],
                    data["template"],
                    advice=data["advice"],
                    organisation=subscriber_list.organisation,
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The broadcast is on its way."))
                return redirect("messaging:broadcast", code=broadcast.code)
        else:
            previews = _preview(data)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    context = {"form": form, "list": subscriber_list, "previews": previews}
    return render(request, "messaging/broadcast_new.html", context, status=status)


def _preview(data) -> list[dict]:
    number = hotline()
    bucket = time_bucket()
    zone_text = ", ".join(sorted(zone.name for zone in data["zones"]))

    def context_for(language):
        return catalogue.Context(
            zone=zone_text,
            time=bucket,
            advice=catalogue.advice_text(data["advice"], language),
            hotline=number,
        )

    return preview(Texts(), data["template"], context_for)


@require_GET
@login_required
def broadcast(request, code):
    item = access.get_broadcast_for_user(request.user, code)
    context = {
        "broadcast": item,
        "list": access.list_of(item, request.user),
        "counts": item.counts(),
        "zones": item.zones.all(),
        "follow_ups": item.follow_ups.order_by("pk"),
        "can_close": item.kind == "alert" and item.closed_on is None and item.erased_on is None,
    }
    return render(request, "messaging/broadcast.html", context)


def _follow_up(request, code, do):
    item = access.get_broadcast_for_user(request.user, code)
    try:
        follow_up = do(item, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("messaging:broadcast", code=item.code)
    return redirect("messaging:broadcast", code=follow_up.code)


@require_POST
@login_required
def broadcast_all_clear(request, code):
    return _follow_up(request, code, actions.do_send_all_clear)


@require_POST
@login_required
def broadcast_correction(request, code):
    return _follow_up(request, code, actions.do_send_correction)


# ---- Templates ---------------------------------------------------------------------------


def _require_coalition_admin(user) -> None:
    if not coalition_access.is_coalition_admin(user):
        raise Http404


@require_GET
@login_required
def templates(request):
    _require_coalition_admin(request.user)
    texts = Texts()
    rows = [
        {
            "key": key,
            "label": catalogue.KEY_LABELS[key],
            "languages": preview(texts, key, sample_context_for),
        }
        for key in catalogue.KEYS
    ]
    return render(request, "messaging/templates.html", {"rows": rows})


@require_http_methods(GET_POST)
@login_required
def template_edit(request, key, language):
    _require_coalition_admin(request.user)
    if key not in catalogue.KEYS or language not in catalogue.LANGUAGES:
        raise Http404
    texts = Texts()
    form = TemplateForm(_posted(request), initial={"text": texts.text(key, language)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_template(key, language, form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The template was saved."))
            return redirect("messaging:templates")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "label": catalogue.KEY_LABELS[key], "language": language}
    return render(request, "messaging/template_edit.html", context, status=status)


# ---- A volunteer's own notifications --------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def notifications(request):
    coalition_access.require_active(request.user)
    initial = {"medium": actions.notification_medium(request.user)}
    form = NotificationForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_set_notification_medium(
            request.user, form.cleaned_data["medium"], actor=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("messaging:notifications")
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/notifications.html", {"form": form}, status=status)


# ---- Webhooks -------------------------------------------------------------------------------


def _webhook_channel(kind: str):
    from porch.messaging.channels import CHANNELS, ChannelNotConfigured, get_channel

    if kind not in CHANNELS:
        raise Http404
    try:
        return get_channel(kind, for_webhooks=True)
    except ChannelNotConfigured:
        raise Http404 from None


@csrf_exempt
@require_POST
def inbound(request, kind):
    from porch.messaging.channels.base import BadSignature, MalformedInbound

    channel = _webhook_channel(kind)
    try:
        received = channel.parse_inbound(request)
    except BadSignature:
        return HttpResponseForbidden(_("The signature does not match."))
    except MalformedInbound:
        return HttpResponseBadRequest(_("The message could not be read."))
    text = None
    for message in received:
        reply = keywords.answer(message, inline=channel.replies_inline)
        text = text or reply
    return channel.inbound_reply(text)


@csrf_exempt
@require_POST
def status(request, kind):
    from porch.messaging.channels.base import BadSignature, MalformedInbound

    channel = _webhook_channel(kind)
    try:
        report = channel.parse_status(request)
    except BadSignature:
        return HttpResponseForbidden(_("The signature does not match."))
    except MalformedInbound:
        return HttpResponseBadRequest(_("The report could not be read."))
    if report is not None:
        actions.do_record_status(*report)
    return HttpResponse(status=204)
