"""Step 1 of 3 in moving contact details and TOTP seeds into the vault:
the profile subject links and the new ciphertext columns, beside the old
plaintext ones (which 0005 drops). Separate migrations, because PostgreSQL
refuses to ALTER a table with row updates pending in the same transaction."""

import django.db.models.deletion
import porch.vault.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("vault", "0001_vault_subjects_and_sealed_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for vouches"),
                    ("active", "Active"),
                    ("locked", "Locked"),
                    ("left", "Left Porch"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="profile",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="vault.subject",
            ),
        ),
        migrations.AddField(
            model_name="totpdevice",
            name="profile",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="vault.subject",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="sealed_legal_name",
            field=porch.vault.fields.EncryptedTextField(
                subject_field="profile", verbose_name="legal name"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="sealed_email",
            field=porch.vault.fields.EncryptedTextField(
                subject_field="profile", verbose_name="e-mail"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="sealed_phone",
            field=porch.vault.fields.EncryptedTextField(
                subject_field="profile", verbose_name="phone"
            ),
        ),
        migrations.AddField(
            model_name="totpdevice",
            name="sealed_seed",
            field=porch.vault.fields.EncryptedTextField(
                record_field="user_id", subject_field="profile"
            ),
        ),
    ]
