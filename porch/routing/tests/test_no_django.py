"""routing/ depends on nothing in Porch and never on Django (ARCHITECTURE.md §1)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROUTING = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_in_routing_imports_django_or_other_porch_apps():
    files = sorted(ROUTING.rglob("*.py"))
    assert len(files) > 5
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top != "django", f"{path.name} imports {name}"
            # The tests may drive the `porch` CLI; the package itself may not
            # lean on any other part of Porch.
            if top == "porch" and "tests" not in path.relative_to(ROUTING).parts:
                assert name.startswith("porch.routing"), f"{path.name} imports {name}"


def test_routing_imports_and_plans_without_django_loaded():
    code = (
        "import sys\n"
        "from porch.routing import bench, distances, plan, vrplib_io\n"
        "from porch.routing.model import Driver, Hub, Stop\n"
        "p = plan.plan([Stop('s', 45.0, -93.0)], [Driver('d', 'h', 0, 86400, 5)],"
        " [Hub('h', 45.01, -93.0)], time_limit_s=0.1)\n"
        "assert p.driver_of('s') == 'd'\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django loaded'\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORCH_"))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr


def test_routing_runs_on_the_pyvrp_series_it_was_written_for():
    # PyVRP's API changes between minor versions (ARCHITECTURE.md, known
    # traps): upgrading means re-reading plan.py and bench.py, then this line.
    from importlib.metadata import version

    assert version("pyvrp").startswith("0.14.")
