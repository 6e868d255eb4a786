"""Daily jobs, run by `porch worker` under a lease (porch.core.periodic):
coverage gaps told to each site's team, and tomorrow's shifts reminded.
Both are content-free notifications (R5)."""

import datetime
import logging

from django.utils import timezone

from porch.core.periodic import register
from porch.volunteers import access, actions, notify
from porch.volunteers.models import SignUp, Site

logger = logging.getLogger("porch.volunteers")


@register("volunteers.coverage-gaps", every=datetime.timedelta(days=1))
def notify_coverage_gaps(today=None) -> int:
    """Every site with a shift short of its minimum in the next seven days
    has its team told once a day. Returns how many people were told."""
    told = 0
    gaps = access.coverage(Site.objects.live(), today=today, only_gaps=True)
    for entry in gaps:
        told += actions.do_notify_site_team(entry.site, actor=None, today=today)
    logger.info("coverage gaps: %d sites, %d people told", len(gaps), told)
    return told


@register("volunteers.shift-reminders", every=datetime.timedelta(days=1))
def remind_tomorrows_shifts(today=None) -> int:
    """Everyone signed up for a shift tomorrow gets one reminder."""
    tomorrow = (today or timezone.localdate()) + datetime.timedelta(days=1)
    people = {
        signup.volunteer
        for signup in SignUp.objects.filter(
            state=SignUp.State.ACTIVE, shift__date=tomorrow, volunteer__status="active"
        ).select_related("volunteer")
    }
    for person in people:
        notify.notify(person, notify.NOTIFICATION, actor=None)
    return len(people)


@register("volunteers.certification-reminders", every=datetime.timedelta(days=1))
def remind_expiring_certifications() -> int:
    return actions.remind_expiring_certifications()
