"""Browser journey (W7, W8): a parent, already vouched, completes
know-your-rights training (the coordinator marks attendance), signs up for a
bus-stop drop-off that needs it, and swaps it with another volunteer; the
coordinator sees the gap and tells the team; the stop's protocol card prints
in Somali. Selectors use ids and names, not text."""

import datetime

import pytest
from django.utils import timezone

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.accounts.roles import Role
from porch.coalition.models import Membership
from porch.core.testing import PASSWORD, make_member, pdf_text
from porch.messaging.models import OutboxMessage
from porch.volunteers.models import Certification, SignUp, Site, Slot, TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.pg_smoke]


def submit(page, selector):
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


def sign_in(page, handle, seed=None):
    page.goto("/login/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    submit(page, "main form")
    if seed is not None:
        page.fill("#id_code", totp.current_code(seed))
        submit(page, "main form")


def test_it_takes_a_parent_from_training_to_a_swapped_drop_off(
    page, chromium, live_server, live_cast, screenshot
):
    cast = live_cast
    seed = totp.new_seed()
    TOTPDevice.objects.create(user=cast.ana, seed=seed, confirmed=True)
    parent = make_member("rosa", cast.org_a, Role.PATROL)
    quinn = make_member("quinn", cast.org_a, Role.PATROL)
    Membership.objects.filter(user__in=[parent, quinn]).update(team=cast.team_a)
    today = timezone.localdate()
    school = Site.objects.create(
        organisation=cast.org_a, team=cast.team_a, kind="school", name="Cedar Flats Elementary"
    )
    stop = Site.objects.create(
        organisation=cast.org_a,
        team=cast.team_a,
        parent=school,
        kind="bus_stop",
        name="Maple and 5th",
        kit=["vest", "whistle"],
    )
    slot = Slot.objects.create(
        site=stop,
        purpose="drop_off",
        weekdays="0123456",
        start_time=datetime.time(7, 15),
        end_time=datetime.time(8, 15),
        starts_on=today,
        ends_on=today + datetime.timedelta(days=60),
        min_staff=2,
        max_staff=3,
        required_course="kyr",
    )
    session = TrainingSession.objects.create(
        organisation=cast.org_a, course="kyr", on_date=today, capacity=20, trainer=cast.ana
    )
    Certification.objects.create(
        volunteer=quinn, course="kyr", expires_on=today + datetime.timedelta(days=300)
    )
    tomorrow = today + datetime.timedelta(days=1)

    # The parent takes a place in the know-your-rights session.
    sign_in(page, "rosa")
    page.goto(f"/volunteers/training/{session.code}/")
    submit(page, "#register")
    assert page.locator("#registered").count() == 1

    # The coordinator marks her attendance: the certificate is issued.
    ana = chromium.new_context(base_url=live_server.url)
    coordinator = ana.new_page()
    sign_in(coordinator, "ana", seed)
    coordinator.goto(f"/volunteers/training/{session.code}/")
    coordinator.fill("#mark-attended #id_handle", "rosa")
    submit(coordinator, "#mark-attended")
    screenshot(coordinator, "attendance")
    assert Certification.objects.filter(volunteer=parent, course="kyr").exists()

    # The parent signs up for tomorrow's drop-off at the bus stop.
    page.goto("/volunteers/")
    with page.expect_navigation():
        page.locator(f"#sites a[href='/volunteers/sites/{stop.code}/']").click()
    with page.expect_navigation():
        page.locator(f"#slots a[href='/volunteers/slots/{slot.code}/']").click()
    submit(page, f"#day-{tomorrow:%Y-%m-%d}")
    signup = SignUp.objects.get(volunteer=parent)
    assert page.url.endswith(f"/volunteers/signups/{signup.code}/")
    screenshot(page, "signed-up")

    # She offers it to Quinn, who accepts.
    page.fill("#swap #id_handle", "quinn")
    submit(page, "#swap")
    other = chromium.new_context(base_url=live_server.url)
    quinns = other.new_page()
    sign_in(quinns, "quinn")
    quinns.goto("/volunteers/")
    with quinns.expect_navigation():
        quinns.locator("#swaps-waiting a").first.click()
    submit(quinns, "#accept")
    assert SignUp.objects.get(volunteer=quinn, state="active").shift.date == tomorrow
    assert SignUp.objects.get(pk=signup.pk).state == "swapped"
    other.close()

    # The coordinator sees the gaps and tells the team.
    coordinator.goto(f"/volunteers/orgs/{cast.org_a.code}/coverage/")
    section = coordinator.locator(f"#site-{stop.code}")
    assert section.locator("td.uncovered").count() >= 1
    screenshot(coordinator, "coverage")
    submit(coordinator, f"#site-{stop.code} form.notify")
    told = set(OutboxMessage.objects.values_list("user__handle", flat=True))
    assert {"rosa", "quinn"} <= told

    # The bus stop's protocol card, in Somali.
    card = coordinator.request.get(f"/volunteers/sites/{stop.code}/card/so/")
    assert card.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(card.body()).split())
    assert "Maple and 5th" in text
    assert "Weligaa ha qorin hana wadaagin magacyada carruurta" in text
    ana.close()
