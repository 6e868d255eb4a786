"""What other apps do when an account is locked (DOMAIN.md, "When a member is
compromised"): return the member's pending assignments to the queue, end
calendar feeds, and so on.

    from porch.accounts.hooks import register_on_lock

    @register_on_lock
    def release_runs(user, *, actor): ...

Hooks run after the lock has committed (transaction.on_commit, robust), each
in its own transaction. The lock itself must never wait for or be undone by
a later app's failure: an infiltrator keeps no access because a hook broke.
A failing hook is logged (by name, no content) and the others still run.
"""

from collections.abc import Callable

ON_LOCK: list[Callable] = []


def register_on_lock(fn: Callable) -> Callable:
    if fn not in ON_LOCK:
        ON_LOCK.append(fn)
    return fn
