from django.urls import path

from porch.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="index"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("orgs/<str:code>/listing/", views.listing_edit, name="listing-edit"),
    path("orgs/<str:code>/referrals/", views.referral_inbox, name="referral-inbox"),
    path("<str:code>/", views.campaign, name="campaign"),
    path("<str:code>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<str:code>/open/", views.campaign_open, name="campaign-open"),
    path("<str:code>/end/", views.campaign_end, name="campaign-end"),
    path("<str:code>/updates/new/", views.campaign_update_new, name="campaign-update-new"),
]
