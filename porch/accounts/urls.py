from django.urls import path

from porch.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup, name="signup"),
    path("account/", views.account_settings, name="settings"),
    path("login/two-factor/", views.two_factor, name="two-factor"),
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
]
