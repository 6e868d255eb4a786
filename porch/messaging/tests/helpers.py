"""Small builders for messaging tests (fictional numbers from +1 612 234 xxxx)."""

from porch.messaging.actions import address_hash
from porch.messaging.models import Subscriber
from porch.vault.epochs import new_subject


def numbers(count: int, start: int = 5000) -> list[str]:
    return [f"+1612234{start + i:04d}" for i in range(count)]


def active_subscriber(organisation, number, zone, language="en", *, medium="sms"):
    """A confirmed subscriber, as if they had answered YES."""
    subscriber = Subscriber.objects.create(
        subject=new_subject("subscriber", organisation=organisation),
        organisation=organisation,
        address=number,
        address_hash=address_hash(number),
        medium=medium,
        language=language,
        source=Subscriber.Source.WEB_FORM,
        state=Subscriber.State.ACTIVE,
    )
    subscriber.zones.add(*(zone if isinstance(zone, (list, tuple)) else [zone]))
    return subscriber
