"""Step 2 of 3: every person with a legal name, e-mail, phone or TOTP seed
gets a vault profile subject, and those values are sealed with its data key
into the new columns. The AAD names the fields' final names (0005 renames
the columns), so the values open through the live model afterwards.
Reversible: going back opens the values into the plaintext columns again."""

from django.db import migrations
from django.db.models import Q

PROFILE = "volunteer_profile"
FIELDS = ("legal_name", "email", "phone")
BATCH = 500


def seal_plaintext(apps, schema_editor):
    from porch.vault.conversion import Converter

    User = apps.get_model("accounts", "User")
    TOTPDevice = apps.get_model("accounts", "TOTPDevice")
    holders = User.objects.filter(
        ~Q(legal_name="") | ~Q(email="") | ~Q(phone="") | Q(totp__isnull=False)
    ).order_by("pk")
    if not holders.exists():
        return  # a fresh database: no key is made until something needs sealing
    converter = Converter(apps)
    last = 0
    while True:
        users = list(holders.filter(pk__gt=last)[:BATCH])
        if not users:
            break
        last = users[-1].pk
        devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users)}
        subjects = [converter.new_subject(PROFILE, data_class=PROFILE) for _ in users]
        converter.save_subjects()
        for user, subject in zip(users, subjects, strict=True):
            sealed = {
                f"sealed_{name}": converter.seal(
                    subject, "accounts.user", name, record=user.code, text=getattr(user, name)
                )
                if getattr(user, name)
                else None
                for name in FIELDS
            }
            User.objects.filter(pk=user.pk).update(profile_id=subject.pk, **sealed)
            device = devices.get(user.pk)
            if device is not None:
                TOTPDevice.objects.filter(pk=device.pk).update(
                    profile_id=subject.pk,
                    sealed_seed=converter.seal(
                        subject, "accounts.totpdevice", "seed", record=user.pk, text=device.seed
                    ),
                )


def open_sealed(apps, schema_editor):
    from porch.vault.conversion import Converter

    User = apps.get_model("accounts", "User")
    TOTPDevice = apps.get_model("accounts", "TOTPDevice")
    Subject = apps.get_model("vault", "Subject")
    if not User.objects.filter(profile__isnull=False).exists():
        return
    converter = Converter(apps)
    for user in User.objects.filter(profile__isnull=False).iterator():
        subject = Subject.objects.get(pk=user.profile_id)
        plain = {
            name: converter.open(
                subject, "accounts.user", name, record=user.code, sealed=user.__dict__[column]
            )
            if user.__dict__.get(column) is not None
            else ""
            for name, column in ((n, f"sealed_{n}") for n in FIELDS)
        }
        User.objects.filter(pk=user.pk).update(**plain)
    for device in TOTPDevice.objects.filter(profile__isnull=False).iterator():
        subject = Subject.objects.get(pk=device.profile_id)
        seed = converter.open(
            subject,
            "accounts.totpdevice",
            "seed",
            record=device.user_id,
            sealed=device.__dict__["sealed_seed"],
        )
        TOTPDevice.objects.filter(pk=device.pk).update(seed=seed)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_add_profile_subjects_and_sealed_columns")]

    operations = [migrations.RunPython(seal_plaintext, open_sealed)]
