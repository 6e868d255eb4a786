"""Every write of rapid response (STYLE.md: one funnel, atomic, audited).

Design note. Reports hold what was seen, never who. The report's vault
subject expires 72 hours after intake (data class "hotline_report"); the
vault's purge shreds it and `forget_report` deletes the row, so raw reports
never outlive that. The reporter's contact has its own subject, shredded
right after triage. DailyCount rows are bumped as things happen, so the
debrief never needs the raw rows.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from porch.accounts.roles import Role
from porch.core import audit
from porch.messaging import actions as messaging
from porch.messaging import catalogue
from porch.messaging.texts import time_bucket
from porch.response.models import (
    Alert,
    DailyCount,
    Debrief,
    Dispatch,
    Outcome,
    Report,
    ResponseSettings,
)
from porch.vault.epochs import new_subject
from porch.vault.erasure import expiry_for, shred

REPORT_KIND = "response_report"
REPORTER_KIND = "response_reporter"
DUPLICATE_WINDOW = timedelta(minutes=30)
PAIR = 2


ANSWER_MINUTES_RANGE = (1, 60)


def default_answer_minutes() -> int:
    """The instance's default (PORCH_RESPONSE_ANSWER_MINUTES, 5 unless set)."""
    return int(getattr(settings, "PORCH_RESPONSE_ANSWER_MINUTES", 5))


def answer_minutes(coalition=None) -> int:
    """Minutes a verifier has to accept before the next one is asked: the
    coalition's setting, else the instance's default."""
    if coalition is not None:
        found = (
            ResponseSettings.objects.filter(coalition=coalition)
            .values_list("answer_minutes", flat=True)
            .first()
        )
        if found:
            return int(found)
    return default_answer_minutes()


def settings_for(coalition) -> ResponseSettings:
    found = ResponseSettings.objects.filter(coalition=coalition).first()
    return found or ResponseSettings(coalition=coalition, answer_minutes=default_answer_minutes())


def do_set_response_settings(
    coalition, *, answer_minutes: int, sms_organisation=None, actor
) -> ResponseSettings:
    """A coordinator or coalition admin of the coalition sets its answer time
    before escalation (range-checked) and the organisation that receives
    text-message reports when no desk is staffed. Audited."""
    low, high = ANSWER_MINUTES_RANGE
    if not isinstance(answer_minutes, int) or not low <= answer_minutes <= high:
        raise ValidationError(
            {
                "answer_minutes": [
                    _("Enter a number of minutes from %(low)s to %(high)s.")
                    % {"low": low, "high": high}
                ]
            }
        )
    if sms_organisation is not None and (
        sms_organisation.coalition_id != coalition.pk or sms_organisation.erased_on is not None
    ):
        raise ValidationError(
            {"sms_organisation": [_("Choose an organisation of this coalition.")]}
        )
    with transaction.atomic():
        found, _created = ResponseSettings.objects.update_or_create(
            coalition=coalition,
            defaults={"answer_minutes": answer_minutes, "sms_organisation": sms_organisation},
        )
        audit.record(actor, "response.settings_set", code=coalition.code)
    return found


def _bump(report: Report, outcome: str = "", **fields: int) -> None:
    row, _created = DailyCount.objects.get_or_create(
        organisation_id=report.organisation_id,
        zone_id=report.zone_id,
        day=timezone.localdate(report.created_at),
        outcome=outcome,
    )
    DailyCount.objects.filter(pk=row.pk).update(**{k: F(k) + v for k, v in fields.items()})


def _seconds_since(report: Report, now) -> int:
    return max(0, int((now - report.created_at).total_seconds()))


def _debrief(report: Report, *, first: str | None = None, now=None, **changes) -> None:
    """Note what happened on the report's debrief row: `first` (to_dispatch,
    to_accept or to_outcome) only if not set yet; counters as F() + n."""
    if report.debrief_id is None:
        return
    rows = Debrief.objects.filter(pk=report.debrief_id)
    if first is not None:
        rows.filter(**{f"{first}__isnull": True}).update(
            **{first: _seconds_since(report, now or timezone.now())}
        )
    if changes:
        rows.update(**{k: (F(k) + v if k in _COUNTERS else v) for k, v in changes.items()})


_COUNTERS = {"dispatches", "confirmations", "false_alarms"}


# ---- Intake ---------------------------------------------------------------------------


def do_take_report(
    organisation,
    *,
    zone=None,
    intersection: str = "",
    size: str = "unknown",
    activity: str = "other",
    uniform: str = "unknown",
    equipment: str = "none",
    seen_at=None,
    details: str = "",
    language: str = "en",
    contact: str = "",
    source: str = Report.Source.CALL,
    actor,
) -> Report:
    intersection = (intersection or "").strip()[:120]
    if zone is None and not intersection:
        raise ValidationError({"zone": [_("Give the zone or the nearest intersection.")]})
    if language not in catalogue.LANGUAGES:
        language = catalogue.FALLBACK
    with transaction.atomic():
        expires = expiry_for("hotline_report")
        subject = new_subject(
            REPORT_KIND, organisation=organisation, data_class="hotline_report", expires_at=expires
        )
        reporter = None
        if (contact or "").strip():
            reporter = new_subject(
                REPORTER_KIND,
                organisation=organisation,
                data_class="hotline_report",
                expires_at=expires,
            )
        report = Report(
            organisation=organisation,
            source=source,
            zone=zone,
            intersection=intersection,
            size=size,
            activity=activity,
            uniform=uniform,
            equipment=equipment,
            seen_at=seen_at or timezone.now(),
            language=language,
            subject=subject,
            reporter=reporter,
            taken_by=actor,
        )
        report.details = (details or "").strip()[:2000] or None
        report.reporter_contact = (contact or "").strip()[:40] or None if reporter else None
        report.full_clean(exclude=["details", "reporter_contact", "subject", "reporter", "debrief"])
        report.debrief = Debrief.objects.create(
            organisation=organisation,
            zone=zone,
            day=timezone.localdate(report.created_at),
            source=source,
        )
        report.save()
        _bump(report, reports=1)
        audit.record(actor, "response.report_taken", obj=report, organisation=organisation)
    return report


# ---- Triage ---------------------------------------------------------------------------

TRIAGE_CHOICES = (
    Report.Status.DO_NOT_SHARE,
    Report.Status.UNCONFIRMED,
    Report.Status.REPORT_NOW,
)


def do_triage_report(report: Report, *, status: str, reason: str, actor) -> Report:
    reason = (reason or "").strip()
    errors = {}
    if status not in TRIAGE_CHOICES:
        errors["status"] = [_("Choose do not share, unconfirmed or report now.")]
    if not reason:
        errors["reason"] = [_("Say briefly why.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status in (Report.Status.MERGED, Report.Status.CLOSED):
            raise ValidationError(_("This report is closed."))
        report.status = status
        report.triage_reason = reason[:200]
        report.triaged_at = timezone.now()
        report.save(update_fields=["status", "triage_reason", "triaged_at"])
        _debrief(report, triage=status)
        reporter = report.reporter
        audit.record(actor, "response.report_triaged", obj=report, organisation=report.organisation)
        if reporter is not None:
            # The contact was needed to acknowledge and ask follow-up questions
            # during triage; after it, nobody needs to know who called.
            transaction.on_commit(lambda: shred(reporter))
    return report


def likely_duplicates(report: Report):
    """Open reports of the same zone within half an hour of this one."""
    if report.zone_id is None:
        return Report.objects.none()
    return (
        Report.objects.open()
        .filter(
            organisation_id=report.organisation_id,
            zone_id=report.zone_id,
            created_at__gte=report.created_at - DUPLICATE_WINDOW,
            created_at__lte=report.created_at + DUPLICATE_WINDOW,
        )
        .exclude(pk=report.pk)
        .order_by("created_at")
    )


def do_merge_report(report: Report, into: Report, *, actor) -> Report:
    if into.pk == report.pk or into.organisation_id != report.organisation_id:
        raise ValidationError(_("Choose another report of your organisation to merge into."))
    if into.status in (Report.Status.MERGED, Report.Status.CLOSED):
        raise ValidationError(_("That report is closed; merge into an open one."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.status = Report.Status.MERGED
        report.duplicate_of = into
        report.closed_at = timezone.now()
        report.save(update_fields=["status", "duplicate_of", "closed_at"])
        audit.record(actor, "response.report_merged", obj=report, organisation=report.organisation)
    return report


# ---- Verification -----------------------------------------------------------------------


def _roster_rows(organisation, *, now, zone_ids, no_zone: bool, report=None) -> list[tuple]:
    """(verifier id, site zone id, language, trust level) for every sign-up
    running now on a verifier slot at one of the organisation's sites in
    `zone_ids` (and at sites without a zone if `no_zone`), by someone whose
    verifier role counts there — the volunteers app's roster, read-only.
    With `report`: less its taker and everyone already asked about it.

    The "counts" rule of coalition.access.role_counts_q is written out for
    the one role: an active membership as verifier in the organisation, an
    active account, enough trust. Plain SQL, because this is the hot path of
    choosing verifiers (docs/benchmarks.md, Response): building the same
    query with the ORM cost 2.5 ms of the 5 ms budget; the result is checked
    against a plain full sort in porch/response/tests/test_ranking.py."""
    from django.db import connection

    from porch.accounts.models import User
    from porch.accounts.roles import ROLE_INFO
    from porch.coalition.models import Membership
    from porch.volunteers.models import Shift, SignUp, Site, Slot

    quote = connection.ops.quote_name
    table = {
        model: quote(model._meta.db_table)
        for model in (SignUp, Shift, Slot, Site, User, Membership, Dispatch)
    }
    where_zone = []
    params: list = []
    if zone_ids:
        where_zone.append(f"si.zone_id IN ({', '.join(['%s'] * len(zone_ids))})")
        params.extend(zone_ids)
    if no_zone:
        where_zone.append("si.zone_id IS NULL")
    if not where_zone:
        return []
    moment = connection.ops.adapt_datetimefield_value(now)
    # Only quoted table names and %s placeholders are interpolated.
    sql = (
        f"SELECT su.volunteer_id, si.zone_id, u.language, u.trust_level "  # noqa: S608
        f"FROM {table[SignUp]} su "
        f"JOIN {table[Shift]} sh ON sh.id = su.shift_id "
        f"JOIN {table[Slot]} sl ON sl.id = sh.slot_id "
        f"JOIN {table[Site]} si ON si.id = sl.site_id "
        f"JOIN {table[User]} u ON u.id = su.volunteer_id "
        f"WHERE ({' OR '.join(where_zone)}) AND si.organisation_id = %s "
        f"AND sl.required_role = %s AND sh.starts_at <= %s AND sh.ends_at > %s "
        f"AND su.state = %s AND u.status = %s AND u.trust_level >= %s "
        f"AND EXISTS (SELECT 1 FROM {table[Membership]} m WHERE m.user_id = su.volunteer_id "
        f"AND m.organisation_id = %s AND m.role = %s AND m.status = %s)"
    )
    if report is not None:
        sql += (
            f" AND su.volunteer_id <> %s AND NOT EXISTS (SELECT 1 FROM {table[Dispatch]} d "  # noqa: S608
            f"WHERE d.report_id = %s AND d.verifier_id = su.volunteer_id)"
        )
    params += [
        organisation.pk,
        Role.VERIFIER.value,
        moment,
        moment,
        SignUp.State.ACTIVE.value,
        User.Status.ACTIVE.value,
        int(ROLE_INFO[Role.VERIFIER].min_trust),
        organisation.pk,
        Role.VERIFIER.value,
        Membership.Status.ACTIVE.value,
    ]
    if report is not None:
        params += [report.taken_by_id or 0, report.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _zone_tiers(report: Report) -> list[tuple[tuple, list[int]]]:
    """The coalition's zones grouped by rank (same zone first, then distance
    between centroids), nearest first; zones without a centroid last."""
    from porch.coalition.models import Zone

    origin = report.zone
    coalition_id = report.organisation.coalition_id
    tiers: dict[tuple, list[int]] = {}
    rows = (
        Zone.objects.filter(region__coalition_id=coalition_id)
        .order_by()
        .values_list("pk", "centroid_lat", "centroid_lon")
    )
    for pk, lat, lon in rows:
        same = origin is not None and pk == origin.pk
        if same:
            key = (0, 0.0 if origin.centroid_lat is not None else math.inf)
        elif origin is None or origin.centroid_lat is None or lat is None:
            key = (1, math.inf)
        else:
            dlat = lat - origin.centroid_lat
            dlon = (lon - origin.centroid_lon) * math.cos(math.radians(lat))
            key = (1, math.hypot(dlat, dlon))
        tiers.setdefault(key, []).append(pk)
    tiers.setdefault((1, math.inf), [])  # sites with no zone, and zones elsewhere
    return sorted(tiers.items())


def ranked_verifiers(report: Report, *, now=None, limit: int | None = None) -> list:
    """On-shift verifiers not yet asked, nearest zone centroid first (same
    zone first), then the reporter's language, then higher trust, then the
    oldest account; never the report's taker. A verifier on several running
    shifts counts at the nearest one.

    Performance (docs/benchmarks.md, Response): with `limit`, zones are read
    nearest first in growing batches of whole distance tiers and the search
    stops once `limit` candidates are in hand, since nobody in a farther
    tier can outrank them; only the chosen accounts are loaded. Three queries
    when the nearest zones have enough verifiers."""
    from porch.accounts.models import User

    now = now or timezone.now()
    tiers = _zone_tiers(report)
    best: dict[int, tuple] = {}
    index, batch_size = 0, 1
    while index < len(tiers):
        batch = tiers[index : index + batch_size] if limit is not None else tiers
        index += len(batch)
        batch_size *= 4
        rank_of = {pk: key for key, pks in batch for pk in pks}
        rows = _roster_rows(
            report.organisation,
            now=now,
            zone_ids=list(rank_of),
            no_zone=batch[-1][0] == (1, math.inf),
            report=report,
        )
        for user_id, zone_id, language, trust in rows:
            key = (
                *rank_of.get(zone_id, (1, math.inf)),
                0 if language == report.language else 1,
                -trust,
                user_id,
            )
            if user_id not in best or key < best[user_id]:
                best[user_id] = key
        if limit is not None and len(best) >= limit:
            break
    chosen = sorted(best, key=best.__getitem__)
    if limit is not None:
        chosen = chosen[:limit]
    users = User.objects.in_bulk(chosen)
    return [users[pk] for pk in chosen]


def _ask(report: Report, verifier, *, actor) -> Dispatch:
    dispatch = Dispatch.objects.create(report=report, verifier=verifier, dispatched_by=actor)
    _debrief(report, first="to_dispatch", now=dispatch.asked_at, dispatches=1)
    key = f"dispatch-{dispatch.code}"
    transaction.on_commit(
        lambda: messaging.do_notify_user(verifier, catalogue.DISPATCH, actor=actor, key=key)
    )
    _bump(report, dispatches=1)
    return dispatch


def do_dispatch_verifiers(report: Report, *, actor, count: int = PAIR, now=None) -> list[Dispatch]:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("organisation", "zone")
            .get(pk=report.pk)
        )
        if report.status not in (Report.Status.UNCONFIRMED, Report.Status.REPORT_NOW):
            raise ValidationError(_("Triage the report as unconfirmed or report now first."))
        chosen = ranked_verifiers(report, now=now, limit=count)
        if not chosen:
            raise ValidationError(_("No verifier is on shift for this organisation right now."))
        dispatches = [_ask(report, verifier, actor=actor) for verifier in chosen]
        audit.record(
            actor, "response.verifiers_dispatched", obj=report, organisation=report.organisation
        )
    return dispatches


def _ask_next(report: Report, *, actor, now=None) -> Dispatch | None:
    chosen = ranked_verifiers(report, now=now, limit=1)
    return _ask(report, chosen[0], actor=actor) if chosen else None


def do_answer_dispatch(dispatch: Dispatch, *, accept: bool, actor) -> Dispatch:
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().select_related("report").get(pk=dispatch.pk)
        if actor is None or dispatch.verifier_id != actor.pk:
            raise ValidationError(_("Only the verifier asked can answer this dispatch."))
        if dispatch.state != Dispatch.State.ASKED:
            raise ValidationError(_("This dispatch has been answered already."))
        now = timezone.now()
        dispatch.state = Dispatch.State.ACCEPTED if accept else Dispatch.State.DECLINED
        dispatch.answered_at = now
        dispatch.save(update_fields=["state", "answered_at"])
        report = dispatch.report
        if accept:
            seconds = _seconds_since(report, now)
            _bump(report, responses=1, response_seconds=seconds)
            _debrief(report, first="to_accept", now=now)
        else:
            _ask_next(report, actor=None)
        audit.record(actor, "response.dispatch_answered", obj=dispatch)
    return dispatch


def do_report_outcome(dispatch: Dispatch, *, outcome: str, actor) -> Dispatch:
    """The verifier's own outcome: each confirmation is submitted separately (R32)."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose one of the outcomes offered.")]})
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().select_related("report").get(pk=dispatch.pk)
        if actor is None or dispatch.verifier_id != actor.pk:
            raise ValidationError(_("Only the verifier sent can report this outcome."))
        if dispatch.state != Dispatch.State.ACCEPTED:
            raise ValidationError(_("Accept the dispatch before reporting an outcome."))
        dispatch.state = Dispatch.State.DONE
        dispatch.outcome = outcome
        dispatch.reported_at = timezone.now()
        dispatch.save(update_fields=["state", "outcome", "reported_at"])
        _bump(dispatch.report, outcome, dispatches=1)
        report = dispatch.report
        _debrief(report, first="to_outcome", now=dispatch.reported_at)
        if report.debrief_id is not None:
            Debrief.objects.filter(pk=report.debrief_id, outcome="").update(outcome=outcome)
        if outcome == Outcome.CONFIRMED:
            _debrief(report, confirmations=1)
        elif outcome == Outcome.FALSE_ALARM:
            _debrief(report, false_alarms=1)
        audit.record(actor, "response.outcome_reported", obj=dispatch)
    return dispatch


def do_escalate_dispatches(*, now=None) -> int:
    """Dispatches unanswered for the coalition's answer time (its setting,
    else PORCH_RESPONSE_ANSWER_MINUTES) expire; the next verifier is asked."""
    now = now or timezone.now()
    default = default_answer_minutes()
    minutes = dict(ResponseSettings.objects.values_list("coalition_id", "answer_minutes"))
    shortest = min([default, *minutes.values()])
    stale = Dispatch.objects.filter(
        state=Dispatch.State.ASKED, asked_at__lte=now - timedelta(minutes=shortest)
    ).values_list("pk", "asked_at", "report__organisation__coalition_id")
    due = [
        pk
        for pk, asked_at, coalition_id in stale
        if asked_at <= now - timedelta(minutes=minutes.get(coalition_id, default))
    ]
    escalated = 0
    for pk in due:
        with transaction.atomic():
            dispatch = (
                Dispatch.objects.select_for_update()
                .select_related("report")
                .filter(pk=pk, state=Dispatch.State.ASKED)
                .first()
            )
            if dispatch is None:
                continue
            dispatch.state = Dispatch.State.EXPIRED
            dispatch.answered_at = now
            dispatch.save(update_fields=["state", "answered_at"])
            _ask_next(dispatch.report, actor=None, now=now)
            audit.record(None, "response.dispatch_expired", obj=dispatch)
            escalated += 1
    return escalated


def heading_counts(reports) -> dict[int, int]:
    """Verifiers who accepted and have not reported yet, per report."""
    from django.db.models import Count

    rows = (
        Dispatch.objects.filter(report__in=reports, state=Dispatch.State.ACCEPTED)
        .values("report_id")
        .annotate(n=Count("pk"))
    )
    return {row["report_id"]: row["n"] for row in rows}


# ---- Alerts ----------------------------------------------------------------------------


def do_publish_alert(report: Report, *, actor, advice: str = "know_rights") -> Alert:
    """R32: two confirmations from two distinct verifier accounts, neither the
    dispatcher who took the report, each submitted on its own dispatch."""
    if report.zone_id is None:
        raise ValidationError(_("Set the report's zone before publishing an alert."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if not report.can_publish():
            raise ValidationError(
                _("Two different verifiers must each confirm this report before an alert goes out.")
            )
        if report.alerts.filter(kind=Alert.Kind.ALERT).exists():
            raise ValidationError(_("An alert for this report has been published already."))
        broadcast = messaging.do_broadcast(
            [report.zone], catalogue.ALERT, actor=actor, organisation=None, advice=advice
        )
        alert = Alert.objects.create(
            organisation=report.organisation,
            zone=report.zone,
            kind=Alert.Kind.ALERT,
            report=report,
            broadcast=broadcast,
            time_bucket=broadcast.time_bucket,
            published_by=actor,
        )
        _bump(report, Outcome.CONFIRMED, alerts=1)
        _debrief(report, alerted=True)
        audit.record(actor, "response.alert_published", obj=alert, organisation=report.organisation)
    return alert


def _follow_up(alert: Alert, kind: str, *, actor) -> Alert:
    if alert.kind != Alert.Kind.ALERT or alert.broadcast_id is None:
        raise ValidationError(_("Only a published alert can have an all-clear or a correction."))
    with transaction.atomic():
        if kind == Alert.Kind.ALL_CLEAR:
            broadcast = messaging.do_send_all_clear(alert.broadcast, actor=actor)
        else:
            broadcast = messaging.do_send_correction(alert.broadcast, actor=actor)
        if kind == Alert.Kind.ALL_CLEAR and alert.report is not None:
            _debrief(alert.report, cleared=True)
        follow_up = Alert.objects.create(
            organisation=alert.organisation,
            zone=alert.zone,
            kind=kind,
            report=alert.report,
            original=alert,
            broadcast=broadcast,
            time_bucket=time_bucket(),
            published_by=actor,
        )
        audit.record(actor, f"response.{kind}", obj=follow_up, organisation=alert.organisation)
    return follow_up


def do_clear_alert(alert: Alert, *, actor) -> Alert:
    """The all-clear, to exactly the alert's audience (messaging.do_send_all_clear)."""
    return _follow_up(alert, Alert.Kind.ALL_CLEAR, actor=actor)


def do_correct_alert(alert: Alert, *, actor) -> Alert:
    return _follow_up(alert, Alert.Kind.CORRECTION, actor=actor)


def false_alarm_verifiers(report: Report) -> set[int]:
    """Distinct verifier accounts (never the taker) who reported a false alarm."""
    rows = report.dispatches.filter(outcome=Outcome.FALSE_ALARM).exclude(
        verifier=report.taken_by_id
    )
    return set(rows.values_list("verifier_id", flat=True))


def do_clear_false_alarm(report: Report, *, actor) -> Alert:
    """A false alarm ends in an all-clear and no alert: the zone's public
    status and the STATUS reply say "all clear", nobody is texted (there was
    no alert, so there is no audience to correct). Like an alert it needs two
    distinct verifiers, here each reporting a false alarm; it closes the report."""
    if report.zone_id is None:
        raise ValidationError(_("Set the report's zone before announcing an all-clear."))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.alerts.exists():
            raise ValidationError(
                _("This report has an alert or an all-clear already; use the alert's buttons.")
            )
        if len(false_alarm_verifiers(report)) < PAIR:
            raise ValidationError(
                _("Two different verifiers must each report a false alarm before an all-clear.")
            )
        follow_up = Alert.objects.create(
            organisation=report.organisation,
            zone=report.zone,
            kind=Alert.Kind.ALL_CLEAR,
            report=report,
            time_bucket=time_bucket(),
            published_by=actor,
        )
        report.status = Report.Status.CLOSED
        report.closed_at = timezone.now()
        report.save(update_fields=["status", "closed_at"])
        _debrief(report, cleared=True)
        audit.record(
            actor, "response.false_alarm_cleared", obj=follow_up, organisation=report.organisation
        )
    return follow_up


def do_close_report(report: Report, *, actor) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.status = Report.Status.CLOSED
        report.closed_at = timezone.now()
        report.save(update_fields=["status", "closed_at"])
        audit.record(actor, "response.report_closed", obj=report, organisation=report.organisation)
    return report


def zone_status(zone) -> Alert | None:
    """The zone's current verified status: its latest alert or all-clear of
    the last 12 hours (corrections amend, they do not change the status)."""
    since = timezone.now() - timedelta(hours=12)
    return (
        Alert.objects.filter(zone=zone, published_at__gte=since)
        .exclude(kind=Alert.Kind.CORRECTION)
        .order_by("-published_at", "-pk")
        .first()
    )


# ---- Shredders (run inside the vault's shredding transaction) -------------------------------


def forget_report(subject) -> None:
    Report.objects.filter(subject=subject).delete()


def forget_reporter(subject) -> None:
    Report.objects.filter(reporter=subject).update(reporter_contact=None)
