"""Sensitivity classes (THREAT_MODEL R1).

Every concrete field of every Porch model is named in its model's
`SENSITIVITY` mapping. A meta-test walks all models and fails on a field
without a class; the vault adds the rule that critical fields are encrypted.
"""

PUBLIC = "public"
INTERNAL = "internal"
SENSITIVE = "sensitive"
CRITICAL = "critical"
CLASSES = (PUBLIC, INTERNAL, SENSITIVE, CRITICAL)


def missing_classes(model) -> list[str]:
    declared = getattr(model, "SENSITIVITY", {})
    # Many-to-many fields hold data too (their link table), so they are
    # classified like any column.
    names = [f.name for f in model._meta.concrete_fields]
    names += [f.name for f in model._meta.local_many_to_many]
    problems = [name for name in names if declared.get(name) not in CLASSES]
    problems += [f"{name} (not a field)" for name in declared if name not in names]
    return problems
