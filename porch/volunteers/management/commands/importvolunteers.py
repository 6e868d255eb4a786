"""porch manage importvolunteers ORG FILE --as HANDLE [--map COLUMN=FIELD ...] [--confirm]

A dry run by default: who would be created, each bad line with its reason,
the columns refused. With --confirm, the whole sheet is imported in one
transaction, or nothing when any line is bad. The file is read in memory
with the same size cap as the web page (porch.volunteers.importing).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from porch.accounts.models import User
from porch.volunteers import access, importing


class Command(BaseCommand):
    help = "Import an organisation's existing volunteer sheet (CSV); a dry run unless --confirm."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The organisation's code.")
        parser.add_argument("file", help="The sheet, as CSV UTF-8.")
        parser.add_argument(
            "--as", dest="actor", required=True, help="Handle of a coordinator of the organisation."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="What a column holds: handle, phone, email, languages, zones, roles, or empty "
            "to ignore it. Without any --map the columns are guessed from their names.",
        )
        parser.add_argument("--confirm", action="store_true", help="Import (default: dry run).")

    def handle(self, *args, organisation, file, actor, map, confirm, **options):
        person = User.objects.filter(handle=actor.strip().lower(), status="active").first()
        try:
            if person is None:
                raise Http404
            org = access.get_coordinated_organisation(person, organisation)
        except Http404:
            raise CommandError("no such organisation coordinated by that handle") from None
        try:
            with open(file, "rb") as stream:
                data = stream.read(importing.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            sheet = importing.read_sheet(importing.decode(data))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if map:
            given = dict(item.partition("=")[::2] for item in map)
            unknown = [v for v in given.values() if v not in importing.FIELD_CODES]
            if unknown:
                raise CommandError(f"unknown field(s): {', '.join(unknown)}")
            form = {f"col_{i}": given.get(h, "") for i, h in enumerate(sheet.headers)}
        else:
            form = importing.guess_mapping(sheet.headers)
        chosen = importing.mapping_from(form, sheet.headers)
        report = importing.plan(org, sheet, chosen)
        for column, reason in report.refused:
            self.stdout.write(f"refused column {column}: {reason}")
        for index, field in sorted(chosen.items()):
            self.stdout.write(f"column {sheet.headers[index]} → {field}")
        for problem in report.problems:
            self.stdout.write(problem)
        count = len(report.people)
        self.stdout.write(
            f"{count} volunteer would be created."
            if count == 1
            else f"{count} volunteers would be created."
        )
        if not confirm:
            return
        try:
            created = importing.do_import_volunteers(org, sheet, chosen, actor=person)
        except PermissionDenied:
            raise CommandError("that handle does not coordinate the organisation") from None
        except ValidationError as error:
            raise CommandError("nothing imported: " + " ".join(error.messages)) from None
        for user in created:
            self.stdout.write(f"created {user.handle}")
        self.stdout.write(f"imported {len(created)} volunteers")
