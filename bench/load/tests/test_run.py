"""The load harness runs end to end for a few seconds against SQLite and
gives a sane report (no timings asserted: the machine is shared)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_short_sqlite_run_produces_a_sane_report(tmp_path):
    out = tmp_path / "report.json"
    done = subprocess.run(
        [
            sys.executable, "-m", "bench.load.run", "--duration", "3", "--volunteers", "20",
            "--dispatchers", "4", "--runs", "5", "--think", "0.2", "0.5", "--json", str(out),
            "--city-volunteers", "40",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    overall = report["overall"]
    assert overall["requests"] > 0 and overall["requests_per_s"] > 0
    assert 0 <= overall["error_rate"] <= 1
    assert 0 < overall["p50_ms"] <= overall["p95_ms"] <= overall["p99_ms"]
    assert report["database"] == "SQLite"
    assert overall["server_cpu_ms_per_request"] > 0  # the server's processes were measured
    for name, row in report["endpoints"].items():
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], name
        assert sum(row["statuses"].values()) == row["requests"], name
    # Both kinds of people and both reads and writes were exercised.
    assert "GET /volunteers/" in report["endpoints"]
    assert "GET /response/" in report["endpoints"]
    assert any(name.startswith("POST ") for name in report["endpoints"])
    assert "R50 target" in done.stdout
