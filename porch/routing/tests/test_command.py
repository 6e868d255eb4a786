"""`porch bench-routing` end to end, in a fresh process without Django settings."""

import os
import re
import subprocess
import sys

import pytest

from porch.cli import main


def run(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORCH_"))}
    return subprocess.run(
        [sys.executable, "-m", "porch.cli", "bench-routing", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_command_solves_a_solomon_file_and_reports_the_gap(data_dir):
    out = run(
        data_dir / "C201.txt",
        "--time-limit",
        "1",
        "--seed",
        "2",
        "--solution",
        data_dir / "C201.sol",
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    cost = re.search(r"^cost\s+(\d+\.\d)$", text, re.M)
    routes = re.search(r"^routes\s+(\d+)$", text, re.M)
    assert cost and routes
    assert re.search(r"^feasible\s+yes$", text, re.M)
    assert re.search(r"^reference\s+589\.1 \(recomputed, file states 589\.1\)$", text, re.M)
    gap = float(re.search(r"^gap\s+(-?\d+\.\d\d) %$", text, re.M).group(1))
    assert gap == round(100 * (float(cost.group(1)) - 589.1) / 589.1, 2)
    listed = re.findall(r"^Route #\d+: ([\d ]+)$", text, re.M)
    assert len(listed) == int(routes.group(1))
    visited = sorted(int(c) for line in listed for c in line.split())
    assert visited == list(range(1, 101))


def test_command_explains_a_missing_file(tmp_path, capsys):
    # The error paths run in-process, through the same porch.cli entry point.
    assert main(["bench-routing", str(tmp_path / "nope.txt"), "--time-limit", "1"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_command_requires_a_positive_time_limit(data_dir, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["bench-routing", str(data_dir / "C101.txt")])
    assert stopped.value.code == 2
    assert "--time-limit" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["bench-routing", str(data_dir / "C101.txt"), "--time-limit", "0"])
    assert "must be positive" in capsys.readouterr().err
