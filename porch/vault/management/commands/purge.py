"""`porch purge`: run one purge pass now (shred what is due, rotate, checkpoint)."""

from django.core.management.base import BaseCommand

from porch.vault.erasure import purge


class Command(BaseCommand):
    help = "Shred everything past its retention, finish any rotation, checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="Also start a new key epoch.")

    def handle(self, *args, **options):
        result = purge()
        if options["rotate"]:
            from porch.vault.epochs import rotate

            rotate(force=True)
        self.stdout.write(
            f"purge done: {result.expired} expired, {result.from_ledger} from the ledger, "
            f"{result.other} other rows"
        )
