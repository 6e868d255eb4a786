"""Step 3 of 3: the plaintext columns go, and the sealed columns take their
names. After this no column of accounts holds a name, phone, e-mail or seed
in clear (R1, R10, R23)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_seal_contact_details_and_totp_seeds")]

    operations = [
        migrations.RemoveField(model_name="user", name="legal_name"),
        migrations.RemoveField(model_name="user", name="email"),
        migrations.RemoveField(model_name="user", name="phone"),
        # A default, so that migrating backwards can add the column again.
        migrations.AlterField(
            model_name="totpdevice", name="seed", field=models.CharField(default="", max_length=64)
        ),
        migrations.RemoveField(model_name="totpdevice", name="seed"),
        migrations.RenameField(
            model_name="user", old_name="sealed_legal_name", new_name="legal_name"
        ),
        migrations.RenameField(model_name="user", old_name="sealed_email", new_name="email"),
        migrations.RenameField(model_name="user", old_name="sealed_phone", new_name="phone"),
        migrations.RenameField(model_name="totpdevice", old_name="sealed_seed", new_name="seed"),
    ]
