"""`porch backup`: a clean copy of the database, encrypted to the offline age key."""

from django.core.management.base import BaseCommand, CommandError

from porch.vault.backup import BackupError, make_backup, prune_backups


class Command(BaseCommand):
    help = "Write an encrypted backup (age) to PORCH_BACKUP_DIR; --prune deletes expired ones."

    def add_arguments(self, parser):
        parser.add_argument("--prune", action="store_true", help="Only delete expired backups.")

    def handle(self, *args, **options):
        try:
            if options["prune"]:
                removed = prune_backups()
                self.stdout.write(f"{len(removed)} expired backups deleted")
                return
            path = make_backup()
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written: {path}")
