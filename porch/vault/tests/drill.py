"""A Porch process driven line by line, for the forensic and crash tests.

    python -m porch.vault.tests.drill          (commands on stdin, one per line)

Each command answers one line, "ok ..." once its work is committed, so a
parent that kills the process knows exactly what was acknowledged. Not a
test module (no test_ prefix): the tests start it with their own
PORCH_VAR_DIR, key directory and database.
"""

import json
import os
import sys
from datetime import timedelta

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "porch.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from porch.accounts import actions as account_actions
    from porch.accounts.models import TOTPDevice, User
    from porch.vault.backup import make_backup
    from porch.vault.epochs import new_subject, rotate
    from porch.vault.erasure import purge
    from porch.vault.models import SealedRecord, Subject

    def reply(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "migrate":
            call_command("migrate", verbosity=0)
            reply("ok")
        elif cmd == "create":
            # arg: JSON {"text":..., "data":..., "point":[lat, lon], "expires_in": seconds}
            values = json.loads(arg)
            expires = values.pop("expires_in", None)
            subject = new_subject(
                "incident",
                data_class="closed_case",
                expires_at=None if expires is None else timezone.now() + timedelta(seconds=expires),
            )
            record = SealedRecord.objects.create(subject=subject, label="drill", **values)
            reply(f"ok {record.code} {subject.code}")
        elif cmd == "view":
            record = SealedRecord.objects.get(code=arg)
            reply("ok " + json.dumps([record.text, record.data, list(record.point)]))
        elif cmd == "edit":
            code, _, rest = arg.partition(" ")
            record = SealedRecord.objects.get(code=code)
            for name, value in json.loads(rest).items():
                setattr(record, name, value)
            record.save()
            reply("ok")
        elif cmd == "close":
            Subject.objects.filter(records__code=arg).update(expires_at=timezone.now())
            reply("ok")
        elif cmd == "purge":
            result = purge(batch=int(arg or 500))
            reply(f"ok {result.expired}")
        elif cmd == "rotate":
            reply(f"ok {rotate(force=True).destroyed}")
        elif cmd == "backup":
            reply(f"ok {make_backup()}")
        elif cmd == "verify":
            # arg: JSON list of record codes; answers how many are missing or unreadable.
            codes = json.loads(arg)
            found = {r.code: r for r in SealedRecord.objects.filter(code__in=codes)}
            bad = [c for c in codes if c not in found or not found[c].text]
            reply(f"ok {len(bad)}")
        elif cmd == "person":
            # arg: JSON {"handle", "password", "legal_name", "phone", "email", "seed"}
            values = json.loads(arg)
            seed = values.pop("seed")
            user = User.objects.create_user(**values)
            TOTPDevice.objects.create(user=user, seed=seed, confirmed=True)
            reply(f"ok {user.code}")
        elif cmd == "person-view":
            user = User.objects.get(code=arg)
            reply("ok " + json.dumps([user.legal_name, user.phone, user.email, user.totp.seed]))
        elif cmd == "person-edit":
            code, _, rest = arg.partition(" ")
            values = json.loads(rest)
            user = User.objects.get(code=code)
            device = user.totp
            device.seed = values.pop("seed")
            device.save()
            account_actions.do_update_contact(user, **values, actor=user)
            reply("ok")
        elif cmd == "person-leave":
            code, _, password = arg.partition(" ")
            user = User.objects.get(code=code)
            account_actions.do_leave_porch(user, password=password, actor=user)
            reply("ok")
        elif cmd == "count":
            reply(f"ok {SealedRecord.objects.count()} {Subject.objects.count()}")
        elif cmd == "writer":
            # Write records forever, acknowledging each after commit.
            n = 0
            while True:
                with transaction.atomic():  # subject and record commit together
                    subject = new_subject("incident")
                    record = SealedRecord.objects.create(subject=subject, label="w", text=f"w{n}")
                reply(f"ack {record.code}")
                n += 1
        elif cmd == "purger":
            while True:
                purge(batch=int(arg or 3))
                reply("purged")
        else:
            reply(f"error unknown command {cmd}")


if __name__ == "__main__":
    main()
