"""Write an audit row: who, what, which object code, which day. No content."""

from porch.core.models import AuditEntry


def record(actor, action: str, *, obj=None, code: str = "", organisation=None) -> AuditEntry:
    object_type = ""
    if obj is not None:
        object_type = obj._meta.model_name
        code = code or getattr(obj, "code", "") or ""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_code=code,
        organisation=organisation,
    )
