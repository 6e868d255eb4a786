"""Browser journey (W7, W8, issue 5 "done when"): a parent finds the public
recruitment page, makes an account (accounts' own sign-up), answers the
volunteer questions with the private safety question, is vouched for by two
members with her handle and vouch code, takes know-your-rights training,
reads on her status page that the patrol role is ready, is given it by the
coordinator, signs up for a bus-stop drop-off and swaps it. Selectors use
ids and names, not text (except where the page's wording is what is tested).
SQLite only (the patrol journey beside it is the pg_smoke one)."""

import datetime

import pytest
from django.utils import timezone

from porch.accounts import totp
from porch.accounts.models import TOTPDevice, User
from porch.accounts.roles import Role
from porch.coalition.models import Membership
from porch.core.testing import PASSWORD, make_member
from porch.volunteers.models import Certification, SignUp, Site, Slot, TrainingSession, Volunteer

pytestmark = [pytest.mark.browser]

PARENT_PASSWORD = "walking-to-school-every-morning-42"


def submit(page, selector):
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit]").first.click()


def sign_in(page, handle, password=PASSWORD, seed=None):
    page.goto("/login/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", password)
    submit(page, "main form")
    if seed is not None:
        page.fill("#id_code", totp.current_code(seed))
        submit(page, "main form")


def test_a_parent_is_recruited_vouched_trained_and_swaps_a_drop_off(
    page, chromium, live_server, live_cast, screenshot
):
    cast = live_cast
    cast.org_a.is_public = True
    cast.org_a.save(update_fields=["is_public"])
    seed = totp.new_seed()
    TOTPDevice.objects.create(user=cast.ana, seed=seed, confirmed=True)
    quinn = make_member("quinn", cast.org_a, Role.PATROL)
    make_member("una", cast.org_a, Role.PATROL)
    today = timezone.localdate()
    Certification.objects.create(
        volunteer=quinn, course="kyr", expires_on=today + datetime.timedelta(days=300)
    )
    school = Site.objects.create(
        organisation=cast.org_a, kind="school", name="Cedar Flats Elementary"
    )
    stop = Site.objects.create(
        organisation=cast.org_a, parent=school, kind="bus_stop", name="Maple and 5th"
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
    tomorrow = today + datetime.timedelta(days=1)

    # The public page explains the steps and leads to accounts' sign-up.
    page.goto("/volunteers/join/")
    assert page.locator("#how-it-works li").count() == 5
    with page.expect_navigation():
        page.click("#make-account")
    page.fill("#id_password", PARENT_PASSWORD)
    page.fill("#id_password_again", PARENT_PASSWORD)
    page.select_option("#id_organisation", cast.org_a.code)
    page.fill("#id_phone", "612-555-0199")
    submit(page, "main form")
    handle = page.locator("#handle").inner_text().strip()
    vouch_code = page.locator("#vouch-code").inner_text().strip()
    parent = User.objects.get(handle=handle)
    assert parent.status == User.Status.PENDING and parent.phone == "612-555-0199"
    screenshot(page, "welcome")

    # Home points her to the volunteer questions; she answers them, and
    # ticks the private safety question about being seen in public — then,
    # told patrol is withheld by that answer, unticks it.
    with page.expect_navigation():
        page.click("main a.button")  # "Continue" on the welcome page
    with page.expect_navigation():
        page.click("#answer-questions")
    page.check("#join input[name=languages][value=so]")
    page.check("#join input[name=languages][value=en]")
    page.check(f"#join input[name=zones][value='{cast.zone.code}']")
    page.check("#join input[name=roles][value=patrol]")
    page.check("#join input[name=risk][value=seen_in_public]")
    page.fill("#id_day_0", "07:00-09:00")
    submit(page, "#join")
    assert page.locator("#join .error").count() == 1
    page.uncheck("#join input[name=risk][value=seen_in_public]")
    page.check("#join input[name=risk][value=near_agents]")
    submit(page, "#join")
    assert page.url.endswith("/volunteers/status/")
    volunteer = Volunteer.objects.get(user=parent)
    assert volunteer.roles_of_interest == ["patrol"]
    assert volunteer.withheld_roles == ["driver", "observer", "verifier"]
    assert page.locator("#step-questions.done").count() == 1
    assert page.locator("#step-vouches.todo").count() == 1
    screenshot(page, "status-pending")

    # Two members she knows vouch for her with her handle and vouch code.
    for voucher in ("quinn", "una"):
        context = chromium.new_context(base_url=live_server.url)
        theirs = context.new_page()
        sign_in(theirs, voucher)
        theirs.goto("/vouch/")
        theirs.fill("#id_handle", handle)
        theirs.fill("#id_vouch_code", vouch_code)
        submit(theirs, "main form")
        context.close()
    parent.refresh_from_db()
    assert parent.status == User.Status.ACTIVE

    # Know-your-rights: she takes a place, the coordinator marks her present.
    page.goto("/volunteers/status/")
    assert page.locator("#step-vouches.done").count() == 1
    assert page.locator("#step-vetting.todo").count() == 1
    with page.expect_navigation():
        page.click("#step-vetting a")
    with page.expect_navigation():
        page.locator(f"a[href='/volunteers/training/{session.code}/']").click()
    submit(page, "#register")
    ana = chromium.new_context(base_url=live_server.url)
    coordinator = ana.new_page()
    sign_in(coordinator, "ana", seed=seed)
    coordinator.goto(f"/volunteers/training/{session.code}/")
    coordinator.fill("#mark-attended #id_handle", handle)
    submit(coordinator, "#mark-attended")
    page.goto("/volunteers/status/")
    assert page.locator("#step-orientation.done").count() == 1
    assert page.locator("#step-vetting.done").count() == 1
    assert page.locator("#role-patrol").count() == 1
    screenshot(page, "status-trained")

    # The coordinator sees her among the recruits and gives her the role.
    coordinator.goto(f"/volunteers/orgs/{cast.org_a.code}/recruits/")
    submit(coordinator, f"#recruit-{handle} li.role-patrol")
    assert Membership.objects.filter(
        user=parent, role=Role.PATROL, status=Membership.Status.ACTIVE
    ).exists()
    screenshot(coordinator, "recruits")
    ana.close()
    # A new role ends her sessions (R27): she signs in again.
    page.goto("/volunteers/status/")
    assert "/login/" in page.url
    sign_in(page, handle, PARENT_PASSWORD)
    page.goto("/volunteers/status/")
    assert page.locator("#step-active.done").count() == 1

    # She signs up for tomorrow's drop-off at the bus stop…
    page.goto(f"/volunteers/slots/{slot.code}/")
    submit(page, f"#day-{tomorrow:%Y-%m-%d}")
    signup = SignUp.objects.get(volunteer=parent)
    assert page.url.endswith(f"/volunteers/signups/{signup.code}/")

    # …and offers it to Quinn, who accepts.
    page.fill("#swap #id_handle", "quinn")
    submit(page, "#swap")
    other = chromium.new_context(base_url=live_server.url)
    quinns = other.new_page()
    sign_in(quinns, "quinn")
    quinns.goto("/volunteers/")
    with quinns.expect_navigation():
        quinns.locator("#swaps-waiting a").first.click()
    submit(quinns, "#accept")
    other.close()
    assert SignUp.objects.get(pk=signup.pk).state == "swapped"
    assert SignUp.objects.get(volunteer=quinn, state="active").shift.date == tomorrow
