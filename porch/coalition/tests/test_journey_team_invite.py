"""Browser journey: a coordinator creates a team and invites a member, who
joins through the link. Selectors use ids and names, not text."""

import pytest

from porch.accounts import totp
from porch.accounts.models import Invitation, TOTPDevice, User
from porch.coalition.models import Membership, Team
from porch.core.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.pg_smoke]

NEW_PASSWORD = "harbour lantern quiet morning"


def submit(page, form_selector="main form"):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()


def test_it_lets_a_coordinator_create_a_team_and_invite_a_member(
    page, chromium, live_server, live_cast, screenshot
):
    seed = totp.new_seed()
    TOTPDevice.objects.create(user=live_cast.ana, seed=seed, confirmed=True)
    org = live_cast.org_a

    page.goto("/login/")
    page.fill("#id_handle", "ana")
    page.fill("#id_password", PASSWORD)
    submit(page)
    page.fill("#id_code", totp.current_code(seed))
    submit(page)

    page.goto(f"/coalition/orgs/{org.code}/")
    with page.expect_navigation():
        page.locator(f"a[href='/coalition/orgs/{org.code}/teams/new/']").click()
    page.fill("#id_name", "Bus stop walkers")
    page.fill("#id_description", "Mornings at the Cedar Street stop")
    submit(page)
    team = Team.objects.get(organisation=org, name="Bus stop walkers")
    assert page.url.endswith(f"/coalition/teams/{team.code}/")
    screenshot(page, "team")

    page.goto(f"/coalition/orgs/{org.code}/invitations/new/")
    page.select_option("#id_role", "volunteer")
    page.select_option("#id_team", team.code)
    submit(page)
    link = page.locator("#invitation-link").input_value()
    assert "/join/" in link
    invitation = Invitation.objects.get(organisation=org, team=team)
    assert invitation.role == "volunteer" and invitation.used_by is None
    screenshot(page, "invitation")

    # The invited person opens the link in their own browser and signs up.
    guest = chromium.new_context(base_url=live_server.url)
    try:
        newcomer = guest.new_page()
        newcomer.goto(link)
        newcomer.fill("#id_password", NEW_PASSWORD)
        newcomer.fill("#id_password_again", NEW_PASSWORD)
        submit(newcomer)
        handle = newcomer.locator("#handle").inner_text().strip()
        screenshot(newcomer, "welcome")
    finally:
        guest.close()

    user = User.objects.get(handle=handle)
    invitation.refresh_from_db()
    assert invitation.used_by == user
    assert Membership.objects.filter(user=user, organisation=org, team=team, role="volunteer")

    # A used link does not work twice.
    again = chromium.new_context(base_url=live_server.url)
    try:
        second = again.new_page()
        response = second.goto(link)
        assert response.status == 400
    finally:
        again.close()
