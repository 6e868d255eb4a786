"""The one seam from volunteers to messaging (ARCHITECTURE.md: volunteers may
call messaging.actions through its public functions).

Notifications are content-free (THREAT_MODEL R5): a kind such as
"assignment" ("You have a new assignment — open Porch"), never a site, a time
or a name. Messaging was built alongside this app; if
`porch.messaging.actions.do_notify_user` is missing (a checkout without
it) this records nothing and returns False. `key` makes a repeat harmless:
the same key for the same person queues nothing new (one coverage nudge per
site per day, however often the button is pressed).
"""

ASSIGNMENT = "assignment"  # a swap offered to you, a place given to you
NOTIFICATION = "notification"  # something new: a gap to fill, a reminder, thanks


def notify(user, kind: str, *, actor, key: str = "") -> bool:
    """Queue one content-free notification for `user`; True if queued."""
    try:
        from porch.messaging.actions import do_notify_user
    except ImportError:
        return False
    do_notify_user(user, kind, actor=actor, key=key)
    return True
