from django.urls import path

from porch.coalition import views

app_name = "coalition"

urlpatterns = [
    path("", views.index, name="index"),
    path("orgs/<str:code>/", views.organisation, name="organisation"),
    path("orgs/<str:code>/edit/", views.organisation_edit, name="organisation-edit"),
    path("orgs/<str:code>/invitations/new/", views.invitation_create, name="invitation-create"),
    path("orgs/<str:code>/teams/new/", views.team_create, name="team-create"),
    path("orgs/<str:code>/roles/grant/", views.role_grant, name="role-grant"),
    path("invitations/<str:code>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("teams/<str:code>/", views.team, name="team"),
    path("teams/<str:code>/edit/", views.team_edit, name="team-edit"),
    path("teams/<str:code>/delete/", views.team_delete, name="team-delete"),
    path("memberships/<str:code>/revoke/", views.role_revoke, name="role-revoke"),
    path("zones/", views.zones, name="zones"),
    path("zones/new/", views.zone_create, name="zone-create"),
    path("zones/<str:code>/edit/", views.zone_edit, name="zone-edit"),
    path("regions/new/", views.region_create, name="region-create"),
    path("regions/<str:code>/edit/", views.region_edit, name="region-edit"),
    path("settings/", views.coalition_settings, name="settings"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/<str:code>/", views.referral, name="referral"),
    path("referrals/<str:code>/accept/", views.referral_accept, name="referral-accept"),
    path("referrals/<str:code>/decline/", views.referral_decline, name="referral-decline"),
    path("referrals/<str:code>/withdraw/", views.referral_withdraw, name="referral-withdraw"),
]
