"""Meta-tests for rules every app follows (STYLE.md, THREAT_MODEL R2, R30)."""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parents[1]
PORCH = ROOT / "porch"


def view_modules() -> list[Path]:
    found = list(PORCH.glob("*/views.py")) + list(PORCH.glob("*/views/*.py"))
    found += list(PORCH.glob("api/*.py"))
    return sorted(p for p in found if "tests" not in p.parts)


def direct_reads(path: Path) -> list[str]:
    """Calls a view must not make: Model.objects.get(...), get_object_or_404(...)."""
    problems = []
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"get_object_or_404", "get_list_or_404"}:
            problems.append(f"{where}:{node.lineno} {func.id}")
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "objects"
        ):
            problems.append(f"{where}:{node.lineno} .objects.get(")
    return problems


def test_it_finds_the_view_modules():
    names = {p.parent.name for p in view_modules()}
    assert {"accounts", "api"} <= names


def test_it_reads_objects_in_views_only_through_access_functions():
    problems = [problem for path in view_modules() for problem in direct_reads(path)]
    assert problems == []


def test_it_detects_a_direct_read(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "def v(r, c):\n    get_object_or_404(Thing, code=c)\n    return Thing.objects.get(code=c)\n"
    )
    assert direct_reads(sample) == ["views.py:2 get_object_or_404", "views.py:3 .objects.get("]


def porch_models():
    return [m for m in apps.get_models() if m.__module__.startswith("porch.")]


def test_it_has_no_ip_address_field_in_any_model():
    offenders = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.GenericIPAddressField)
    ]
    assert offenders == []


def test_it_names_no_field_after_client_network_data():
    suspicious = ("ip", "ip_address", "user_agent", "remote_addr", "useragent")
    offenders = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.name.lower() in suspicious
    ]
    assert offenders == []
