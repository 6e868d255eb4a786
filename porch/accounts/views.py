# Skeleton: replaced by the accounts slice of issue 2.
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from porch.accounts.middleware import GENERATION_KEY
from porch.core.home import panels_for


@login_required
def home(request):
    return render(request, "accounts/home.html", {"panels": panels_for(request)})


@require_http_methods(["GET", "POST"])
def login_view(request):
    from django.contrib.auth import authenticate

    if request.method == "POST":
        user = authenticate(
            request, handle=request.POST.get("handle"), password=request.POST.get("password")
        )
        if user is not None:
            login(request, user)
            request.session[GENERATION_KEY] = user.session_generation
            return redirect("accounts:home")
    return render(request, "accounts/login.html")


@require_POST
def logout_view(request):
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


def signup(request):
    return HttpResponse(status=501)


@login_required
def account_settings(request):
    return HttpResponse(status=501)


def two_factor(request):
    return HttpResponse(status=501)


def two_factor_setup(request):
    return HttpResponse(status=501)
