"""Seed the fictional demo city and print a login for every role (demo mode only)."""

from django.core.management.base import BaseCommand, CommandError

from porch.coalition import demo


class Command(BaseCommand):
    help = "Seed Riverbend, the fictional demo city, and print its demo logins (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--volunteers",
            type=int,
            default=demo.DEFAULT_VOLUNTEERS,
            help="How many volunteers to seed besides the printed logins "
            f"(default {demo.DEFAULT_VOLUNTEERS}).",
        )

    def handle(self, *args, volunteers: int, **options):
        if volunteers < 0 or volunteers > 100_000:
            raise CommandError("--volunteers must be between 0 and 100000.")
        try:
            result = demo.seed(volunteers=volunteers)
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        if result.created:
            self.stdout.write(f"Seeded the demo city. {demo.summary_line(result.coalition)}")
        else:
            self.stdout.write(
                f"The demo city is already seeded; nothing changed. "
                f"{demo.summary_line(result.coalition)}"
            )
        self.stdout.write("")
        for line in demo.login_lines():
            self.stdout.write(line)
