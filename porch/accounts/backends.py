"""Authenticate by handle and password in similar time whether or not the
account exists (R26): an unknown handle still pays for one password hash."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend


class HandleBackend(BaseBackend):
    def authenticate(self, request, handle=None, password=None, **kwargs):
        User = get_user_model()
        handle = (handle or kwargs.get("username") or "").strip().lower()
        try:
            user = User.objects.get(handle=handle)
        except User.DoesNotExist:
            User().set_password(password or "")  # equalise timing
            return None
        if user.check_password(password or "") and user.is_active:
            return user
        return None

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User.objects.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if user.is_active else None
