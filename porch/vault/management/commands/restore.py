"""`porch restore FILE --identity KEYFILE --yes`: replace the database with a backup.

Then shreds again everything in the shred ledger and starts a new epoch.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from porch.vault.backup import BackupError, read_identity, restore


class Command(BaseCommand):
    help = "Restore a backup over the current database, then re-apply the shred ledger."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--identity", type=Path, required=True, help="age identity file")
        parser.add_argument("--yes", action="store_true", help="Yes, replace the database.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("restore replaces the whole database: add --yes to proceed")
        try:
            result = restore(options["backup"], read_identity(options["identity"]))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored; {result.from_ledger} shredded again from the ledger")
