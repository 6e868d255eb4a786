from django.urls import path

from porch.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.index, name="index"),
    path("counts/", views.counts, name="counts"),
    path("availability/", views.availability, name="availability"),
    path(
        "availability/exceptions/new/",
        views.availability_exception_add,
        name="availability-exception-add",
    ),
    path(
        "availability/exceptions/<str:code>/remove/",
        views.availability_exception_remove,
        name="availability-exception-remove",
    ),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/issue/", views.calendar_issue, name="calendar-issue"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar-revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("orgs/<str:code>/coverage/", views.coverage, name="coverage"),
    path("orgs/<str:code>/sites/new/", views.site_create, name="site-create"),
    path("orgs/<str:code>/training/", views.sessions, name="sessions"),
    path("orgs/<str:code>/training/new/", views.session_create, name="session-create"),
    path("training/<str:code>/", views.session, name="session"),
    path("training/<str:code>/register/", views.session_register, name="session-register"),
    path("training/<str:code>/attended/", views.session_attended, name="session-attended"),
    path("training/<str:code>/vouch/", views.session_vouch, name="session-vouch"),
    path("training/<str:code>/attest/", views.session_attest, name="session-attest"),
    path("sites/<str:code>/", views.site, name="site"),
    path("sites/<str:code>/edit/", views.site_edit, name="site-edit"),
    path("sites/<str:code>/archive/", views.site_archive, name="site-archive"),
    path("sites/<str:code>/notify/", views.site_notify, name="site-notify"),
    path("sites/<str:code>/slots/new/", views.slot_create, name="slot-create"),
    path("sites/<str:code>/card/<str:language>/", views.site_card, name="site-card"),
    path("slots/<str:code>/", views.slot, name="slot"),
    path("slots/<str:code>/groups/new/", views.walking_group_create, name="group-create"),
    path("groups/<str:code>/remove/", views.walking_group_remove, name="group-remove"),
    path("slots/<str:code>/archive/", views.slot_archive, name="slot-archive"),
    path("slots/<str:code>/signup/", views.slot_signup, name="slot-signup"),
    path("signups/<str:code>/", views.signup, name="signup"),
    path("signups/<str:code>/cancel/", views.signup_cancel, name="signup-cancel"),
    path("signups/<str:code>/check-in/", views.signup_check_in, name="signup-check-in"),
    path("signups/<str:code>/check-out/", views.signup_check_out, name="signup-check-out"),
    path("signups/<str:code>/swap/", views.signup_swap, name="signup-swap"),
    path("swaps/<str:code>/", views.swap, name="swap"),
    path("swaps/<str:code>/accept/", views.swap_accept, name="swap-accept"),
    path("swaps/<str:code>/decline/", views.swap_decline, name="swap-decline"),
    path("swaps/<str:code>/withdraw/", views.swap_withdraw, name="swap-withdraw"),
]
