"""porch import-addresses FILE: load the city's address points (offline geocoding)."""

from django.core.management.base import BaseCommand, CommandError

from porch.aid.geocode import ImportProblem, import_csv


class Command(BaseCommand):
    help = "Import address points from an OpenAddresses-style CSV (LON,LAT,NUMBER,STREET,...)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the points already imported first."
        )

    def handle(self, *args, file, replace, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as stream:
                count = import_csv(stream, replace=replace)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except ImportProblem as error:
            raise CommandError(f"nothing imported: {error}") from None
        self.stdout.write(f"imported {count} address points")
