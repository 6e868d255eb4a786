"""porch manage import_requests ORG FILE [--map field=Column ...] [--dry-run]

Import a request sheet (Airtable / Google Sheets CSV export) for an
organisation, as the coordinator's page does: the file is read in memory with
a size cap, a sheet with a forbidden column is refused, every bad row is
listed with its reasons (row numbers only, never the cells) and nothing is
imported while any row is bad. Without --map the columns are guessed from the
header names (printed, to check).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from porch.aid import importing
from porch.coalition.models import Organisation


class Command(BaseCommand):
    help = "Import aid requests from a CSV export (column mapping, dry run, one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="the organisation's code")
        parser.add_argument("file")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="fields: " + ", ".join(importing.FIELD_CODES),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, import nothing"
        )

    def handle(self, *args, organisation, file, map, dry_run, **options):
        org = Organisation.objects.filter(code=organisation, erased_on__isnull=True).first()
        if org is None:
            raise CommandError(f"no organisation with code {organisation}")
        path = Path(file)
        try:
            with path.open("rb") as stream:
                data = stream.read(importing.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            if len(data) > importing.MAX_BYTES:
                raise ValidationError(importing.too_large_message())
            sheet = importing.read_sheet(importing.decode(data))
            mapping = importing.guess_mapping(sheet.headers)
            for item in map:
                field, sep, column = item.partition("=")
                if not sep or field not in importing.FIELD_CODES:
                    raise CommandError(
                        "--map expects FIELD=COLUMN with FIELD one of "
                        + ", ".join(importing.FIELD_CODES)
                    )
                mapping[field] = column
            for field, column in mapping.items():
                self.stdout.write(f"{field} <- {column}")
            report = importing.dry_run(org, sheet, mapping)
            for row in report.bad:
                self.stdout.write(f"row {row.number}: {' '.join(row.errors)}")
            if report.bad:
                raise CommandError(f"nothing imported: {len(report.bad)} rows have problems")
            if dry_run:
                self.stdout.write(
                    f"dry run: {report.ready} ready, {report.skipped} already imported"
                )
                return
            report = importing.do_import(org, sheet, mapping, actor=None)
        except ValidationError as error:
            raise CommandError("nothing imported: " + " ".join(error.messages)) from None
        self.stdout.write(f"imported {report.imported}, skipped {report.skipped} already imported")
