"""`python -m porch.core.tests.faultworld`: migrate the database that
PORCH_DATABASE_URL names (a throwaway one), build the test cast in it, and
print, as one JSON line, a signed-in coordinator's cookies and the intake
form's path. The fault tests run it for databases other than the test's own
(a throwaway PostgreSQL cluster, SQLite on a small loop device)."""

import json
import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from porch.core.testing import build_cast, sign_in

    call_command("migrate", "--noinput", verbosity=0)
    cast = build_cast()
    client = Client()
    sign_in(client, cast.people["ana"])
    print(
        json.dumps(
            {
                "cookies": {
                    settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
                },
                "path": reverse("aid:request-create", kwargs={"code": cast.org_a.code}),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
