"""Moving a plaintext field into the vault, from a data migration.

A data migration works on historical models (apps.get_model), which have no
methods, so it cannot call new_subject() or rely on a model's
subject_factory. These helpers do the same work on whatever model classes
the migration hands in, and keep all key handling inside the vault:

    converter = Converter(apps)                  # locks VaultState, finds the epoch key
    subject = converter.new_subject("volunteer_profile")
    sealed = converter.seal(subject, "accounts.user", "phone", record=user.code, text="...")
    converter.save_subjects()                    # bulk-inserts the new subjects

The AAD is built exactly as porch.vault.fields builds it, with the field's
*final* name, so a value sealed here under a temporary column opens once the
column is renamed. See docs/security.md, "Converting a field".
"""

from django.utils import timezone

from porch.vault import crypto
from porch.vault.fields import Sealed
from porch.vault.models import new_subject_code


class Converter:
    def __init__(self, apps):
        from porch.vault.keys import source

        self.Subject = apps.get_model("vault", "Subject")
        VaultState = apps.get_model("vault", "VaultState")
        VaultState.objects.get_or_create(pk=1)
        state = VaultState.objects.select_for_update().get(pk=1)
        src = source()
        if state.current_epoch == 0:
            if self.Subject.objects.exists():
                raise crypto.KeysUnavailable("vault has subjects but no current epoch")
            number = max(src.epochs(), default=0) + 1
            src.create_epoch(number)
            state.current_epoch = number
            state.rotated_at = timezone.now()
            state.save(update_fields=["current_epoch", "rotated_at"])
        self.epoch = state.current_epoch
        self.epoch_key = src.key(self.epoch)
        self.pending: list = []
        self.data_keys: dict[str, bytes] = {}

    def new_subject(self, kind: str, *, data_class: str = ""):
        data_key = crypto.new_key()
        subject = self.Subject(
            code=new_subject_code(),
            kind=kind,
            data_class=data_class,
            epoch=self.epoch,
            key_version=1,
            created_on=timezone.localdate(),
        )
        subject.wrapped_key = crypto.wrap_key(
            self.epoch_key, data_key, subject=subject.code, epoch=self.epoch
        )
        self.data_keys[subject.code] = data_key
        self.pending.append(subject)
        return subject

    def save_subjects(self) -> None:
        """Insert the subjects made since the last call (they get their pks)."""
        if self.pending:
            self.Subject.objects.bulk_create(self.pending, batch_size=500)
            self.pending = []

    def data_key(self, subject) -> bytes:
        key = self.data_keys.get(subject.code)
        if key is None:
            from porch.vault.keys import source

            key = crypto.unwrap_key(
                source().key(subject.epoch),
                bytes(subject.wrapped_key),
                subject=subject.code,
                epoch=subject.epoch,
            )
            self.data_keys[subject.code] = key
        return key

    def _aad(self, subject, model: str, field: str, record: str) -> bytes:
        return crypto.value_aad(model, field, str(record), subject.code, subject.key_version)

    def seal(self, subject, model: str, field: str, *, record, text: str) -> Sealed:
        aad = self._aad(subject, model, field, record)
        return Sealed(crypto.seal(self.data_key(subject), text.encode("utf-8"), aad))

    def open(self, subject, model: str, field: str, *, record, sealed: bytes) -> str:
        aad = self._aad(subject, model, field, record)
        return crypto.open_sealed(self.data_key(subject), bytes(sealed), aad).decode("utf-8")
