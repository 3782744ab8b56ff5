"""The benchmark harness runs end to end (real processes) and reports every figure; speed is not checked."""

import json
import math
import subprocess
import sys

import pytest

from tests.integration.stack import REPO

pytestmark = [pytest.mark.integration, pytest.mark.bench]


def quick_bench(tmp_path, *arguments: str) -> tuple[dict, str]:
    """`python -m bench --quick arguments...`: its JSON report and its printed table; fails the test if it fails."""
    results = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", *arguments, "--json", str(results)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(results.read_text()), run.stdout


def test_the_quick_benchmarks_run_end_to_end_and_report_ratios(tmp_path):
    report, printed = quick_bench(tmp_path, "--only", "render", "--only", "e2e")
    rows = report["rows"]
    assert {row["benchmark"] for row in rows} == {"render", "e2e"}
    for row in rows:
        assert math.isfinite(row["product"]) and row["product"] > 0, row
    side_by_side = [row for row in rows if row["metric"].startswith("median")]
    assert side_by_side and all(row["ratio"] is not None for row in side_by_side)
    assert "| render" in printed and "| e2e" in printed


def test_the_languages_benchmark_runs_and_reports_each_language_against_english(tmp_path):
    report, _ = quick_bench(tmp_path, "--only", "languages")
    rows = report["rows"]
    assert {row["benchmark"] for row in rows} == {"languages"}
    metrics = {row["metric"] for row in rows}
    assert {"submit p50, ar vs en", "submit p50, ja vs en", "render median, ja vs en, Japanese answers"} <= metrics
    for row in rows:
        assert math.isfinite(row["ratio"]) and row["ratio"] > 0, row


def test_a_history_run_fills_the_database_and_compares_full_with_empty(tmp_path):
    report, _ = quick_bench(tmp_path, "--history", "500", "--only", "operations")
    assert report["context"]["history"]["submissions"] == 500
    assert report["context"]["history"]["events"] >= 4 * 500 * 0.9
    metrics = {row["metric"] for row in report["rows"]}
    assert {"relay tick", "sweep", "/healthz", "status page", "metrics scrape", "admin search by email"} <= metrics
    assert "retention run" in metrics
    for row in report["rows"]:
        assert row["benchmark"] == "operations" and row["ratio"] is not None and math.isfinite(row["ratio"]), row
