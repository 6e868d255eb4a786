"""Accessibility (issue 9, item 6): axe-core on every main page, in one browser
and one context, and a keyboard-only request intake.

axe-core's minified build is vendored in tests/vendor/axe/ (version, source and
checksum in its README); the test checks the SHA-256 before injecting it, so a
changed file fails loudly instead of auditing with unknown rules. Serious and
critical violations fail the test; every one is listed with its page, rule and
the offending elements.
"""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.utils import timezone

from porch.accounts import totp
from porch.accounts.models import TOTPDevice
from porch.accounts.roles import Role
from porch.aid.models import AidRequest, DeliveryRun
from porch.aid.tests.fixtures import make_run, new_request
from porch.campaigns.models import Campaign
from porch.core.testing import PASSWORD, make_member, sign_in_browser
from porch.messaging.actions import do_broadcast
from porch.response.actions import do_take_report

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe" / "axe.min.js"
AXE_SHA256 = "66a8aaa95a8b044a7fd74a5435873bf04ff65a1ca75567c921b7509742085a14"
BLOCKING = ("serious", "critical")


def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "tests/vendor/axe/axe.min.js changed"
    return data.decode()


@pytest.fixture
def audit_page(chromium, live_server):
    """One context for the whole audit; CSP bypassed only so axe can be injected."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context, context.new_page()
    context.close()


def _as(context, live_server, user):
    """Point the context's session cookie at a fresh signed-in session for `user`."""
    context.clear_cookies()
    if user is not None:
        sign_in_browser(context, live_server.url, user)


def _pages(cast, extra):
    org = cast.org_a.code
    return [
        (None, ["/public/", "/login/", "/signup/", "/public/resources/"]),
        (
            extra["intake"],
            [
                "/",
                "/aid/",
                f"/aid/orgs/{org}/requests/new/",
                f"/aid/requests/{extra['request'].code}/",
            ],
        ),
        (
            cast.ana,
            [
                "/",
                "/aid/",
                f"/aid/orgs/{org}/plan/",
                f"/aid/orgs/{org}/requests/partner/",
                "/volunteers/",
                f"/volunteers/orgs/{org}/coverage/",
                "/volunteers/availability/",
                "/volunteers/calendar/",
                "/messaging/",
                f"/messaging/lists/{org}/subscribers/",
                f"/messaging/lists/{org}/broadcasts/new/",
                f"/messaging/broadcasts/{extra['broadcast'].code}/",
                "/messaging/notifications/",
                "/campaigns/",
                "/campaigns/new/",
                f"/campaigns/{extra['campaign'].code}/",
                "/response/",
                f"/response/org/{org}/report/",
                f"/response/report/{extra['report'].code}/",
                f"/volunteers/orgs/{org}/sites/new/",
                "/account/",
            ],
        ),
        (cast.ben, ["/", "/aid/", f"/aid/runs/{extra['run'].code}/", "/volunteers/"]),
        (cast.cal, ["/", "/volunteers/"]),
        (
            cast.eve,
            [
                "/",
                "/coalition/",
                f"/coalition/orgs/{org}/",
                f"/coalition/orgs/{org}/edit/",
                f"/coalition/teams/{cast.team_a.code}/",
                f"/coalition/orgs/{org}/invitations/new/",
                f"/campaigns/orgs/{org}/listing/",
            ],
        ),
        (
            cast.gus,
            [
                "/",
                "/coalition/",
                "/coalition/zones/",
                "/coalition/zones/new/",
                "/coalition/referrals/new/",
                "/coalition/settings/",
                "/coalition/referrals/",
                "/campaigns/dashboard/",
                "/approvals/",
                "/messaging/templates/",
            ],
        ),
    ]


def test_main_pages_have_no_serious_or_critical_violations(audit_page, live_server, live_cast):
    cast = live_cast
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        coalition=cast.coalition,
        organisation=cast.org_a,
        title="General strike",
        slogan="No work, no school, no shopping",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=2),
        state=Campaign.State.OPEN,
    )
    ida = make_member("ida", cast.org_a, Role.INTAKE)
    extra = {
        "intake": ida,
        "campaign": campaign,
        "request": new_request(cast.org_a, cast.zone, actor=ida),
        "run": make_run(cast.org_a, cast.zone, driver=cast.ben, status=DeliveryRun.Status.CLAIMED),
        "broadcast": do_broadcast([cast.zone], "alert", organisation=cast.org_a, actor=cast.ana),
        "report": do_take_report(cast.org_a, zone=cast.zone, actor=cast.ana),
    }
    source = axe_source()
    context, page = audit_page
    problems, audited = [], 0
    for user, paths in _pages(cast, extra):
        _as(context, live_server, user)
        for path in paths:
            response = page.goto(path)
            who = user.handle if user else "anonymous"
            if response.status != 200:
                problems.append(f"{who} {path}: HTTP {response.status}")
                continue
            page.add_script_tag(content=source)
            result = page.evaluate(
                "() => axe.run(document, {resultTypes: ['violations'],"
                " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',"
                " 'wcag21aa', 'best-practice']}})"
            )
            audited += 1
            for violation in result["violations"]:
                if violation["impact"] in BLOCKING:
                    targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
                    problems.append(
                        f"{who} {path}: {violation['id']} ({violation['impact']}): "
                        f"{violation['help']} → {targets}"
                    )
    assert not problems, "\n".join(problems)
    assert audited == sum(len(paths) for _user, paths in _pages(cast, extra)) >= 45


def test_an_intake_volunteer_takes_a_request_with_the_keyboard_only(page, live_server, live_cast):
    """Tab, Enter, Space and typing only: no clicks, no fill()."""
    cast = live_cast
    seed = totp.new_seed()
    ida = make_member("ida", cast.org_a, Role.INTAKE)
    TOTPDevice.objects.create(user=ida, seed=seed, confirmed=True)
    page.goto("/login/")

    def tab_to(selector, *, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                "(s) => document.activeElement && document.activeElement.matches(s)", selector
            ):
                return
        links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
        raise AssertionError(f"Tab never reached {selector} on {page.url}: {links}")

    def type_into(selector, text):
        tab_to(selector)
        page.keyboard.type(text)

    type_into("#id_handle", "ida")
    type_into("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Intake sees addresses, so the second factor comes next.
    type_into("#id_code", totp.current_code(seed))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # From the home page's "Your pages" panel to the aid pages.
    tab_to("#home-aid-index")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(f"#new-request-{cast.org_a.code}")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    type_into("#id_callback_number", "+1 612 555 0123")
    tab_to("#id_zone")
    # A native select answers typed letters: "C" picks Cedar Flats.
    page.keyboard.type("Cedar")
    type_into("#id_household_size", "4")
    tab_to("input[name=needs][value=staples]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=needs][value=staples]")
    tab_to("main form#aid-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    code = page.locator("#household-code").inner_text().strip()
    request = AidRequest.objects.get(code=code)
    assert request.organisation == cast.org_a
    assert request.household_size == 4 and "staples" in request.needs
    assert request.zone == cast.zone
