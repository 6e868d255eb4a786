"""One number of vouches: Coalition.vouches_required (what accounts'
activation counts). A coalition that changed only the promotion rules' copy
from the default keeps that choice: it moves to the coalition."""

from django.db import migrations

DEFAULT = 2


def move_to_coalition(apps, schema_editor):
    PromotionRules = apps.get_model("volunteers", "PromotionRules")
    Coalition = apps.get_model("coalition", "Coalition")
    for rules in PromotionRules.objects.exclude(responder_vouches=DEFAULT):
        Coalition.objects.filter(pk=rules.coalition_id, vouches_required=DEFAULT).update(
            vouches_required=rules.responder_vouches
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0001_initial"),
        ("volunteers", "0006_recruitment"),
    ]

    operations = [
        migrations.RunPython(move_to_coalition, migrations.RunPython.noop),
        migrations.RemoveField(model_name="promotionrules", name="responder_vouches"),
    ]
