from django.urls import path

from porch.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/two-factor/", views.two_factor, name="two-factor"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("join/<str:token>/", views.join, name="join"),
    path("vouch/", views.vouch, name="vouch"),
    path("account/", views.account_settings, name="settings"),
    path("account/password/", views.change_password, name="password"),
    path("account/language/", views.change_language, name="language"),
    path("account/contact/", views.change_contact, name="contact"),
    path("account/leave/", views.leave, name="leave"),
    path("account/tokens/", views.create_token, name="token-create"),
    path("account/tokens/<str:code>/revoke/", views.revoke_token, name="token-revoke"),
    path("account/vouch-code/", views.vouch_code, name="vouch-code"),
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/step-up/", views.step_up, name="step-up"),
    path("people/<str:code>/", views.person, name="person"),
    path("people/<str:code>/lock/", views.person_lock, name="person-lock"),
    path("people/<str:code>/unlock/", views.person_unlock, name="person-unlock"),
    path(
        "people/<str:code>/reset-two-factor/",
        views.person_reset_two_factor,
        name="person-reset-two-factor",
    ),
    path("people/<str:code>/exposure/", views.person_exposure, name="person-exposure"),
    path("approvals/", views.approval_list, name="approvals"),
    path("approvals/<str:code>/", views.approval_decide, name="approval-decide"),
]
