"""`porch bootstrap`: the coalition (if none), its first organisation and its
first admin, by flags or interactively. Prints the handle, a TOTP secret and
recovery codes once; they are not stored in readable form anywhere."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from porch.accounts import actions, totp


class Command(BaseCommand):
    help = "Create the coalition and its first admin (refused if a coalition admin exists)."

    def add_arguments(self, parser):
        parser.add_argument("--coalition", help="Name of the coalition.")
        parser.add_argument("--organisation", help="Name of the admin's organisation.")
        parser.add_argument("--handle", help="Sign-in handle (generated when left out).")
        parser.add_argument("--password", help="Password (asked for when left out).")

    def handle(self, *args, **options):
        interactive = sys.stdin.isatty()
        coalition = options["coalition"] or self._ask("Coalition name: ", interactive)
        organisation = options["organisation"] or self._ask("Organisation name: ", interactive)
        password = options["password"] or self._ask_password(interactive)
        try:
            admin, seed, codes = actions.do_bootstrap(
                coalition_name=coalition,
                organisation_name=organisation,
                password=password,
                handle=options["handle"] or "",
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        write = self.stdout.write
        write(self.style.SUCCESS("The first coalition admin is ready."))
        write(f"Handle:      {admin.handle}")
        write(f"TOTP secret: {seed}")
        write(f"TOTP URI:    {totp.otpauth_uri(seed, admin.handle)}")
        write("Recovery codes (each works once; write them down):")
        for code in codes:
            write(f"  {code}")
        write("Add the secret to an authenticator app now: it is not shown again.")

    def _ask(self, prompt: str, interactive: bool) -> str:
        if not interactive:
            raise CommandError(
                "Missing flags: give --coalition, --organisation and --password "
                "(or run this in a terminal to be asked)."
            )
        value = input(prompt).strip()
        if not value:
            raise CommandError("A name is needed.")
        return value

    def _ask_password(self, interactive: bool) -> str:
        if not interactive:
            self._ask("", False)
        password = getpass.getpass("Password (at least 12 characters): ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The two passwords are not the same.")
        return password
