"""The benchmark scripts keep working (their timings are never asserted: see docs/performance.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_generator_is_seeded_and_mixes_what_it_promises(tmp_path):
    for out in ("a", "b"):
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks/generate.py"), str(tmp_path / out), "--count", "200"], check=True
        )
    a, b = sorted((tmp_path / "a").iterdir()), sorted((tmp_path / "b").iterdir())
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    texts = [p.read_text() for p in a]
    assert 10 < sum(p.suffix == ".json" for p in a) < 60
    assert all(t.startswith("#") for p, t in zip(a, texts, strict=True) if p.suffix == ".yaml")
    assert {"METADATA_DISCOVERY", "METADATA_MIGRATION", "PERMISSION_MIGRATION"} <= {
        kind
        for t in texts
        for kind in ("METADATA_DISCOVERY", "METADATA_MIGRATION", "PERMISSION_MIGRATION")
        if kind in t
    }


def test_benchmark_runs_and_reports_every_goal():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks/run.py"),
            "--sizes",
            "1",
            "3",
            "--repeat",
            "1",
            "--rss-files",
            "2",
            "--stream-docs",
            "4",
            "--spec-mb",
            "0.01",
            "0.02",
            "0.03",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "marginal cost of a file" in result.stdout
    assert "one file: lflint <= 0.5x check-jsonschema" in result.stdout
    assert "clean file: marginal cost <= 1.2x the floor" in result.stdout
    assert "ajv-cli" in result.stdout  # its column, or why it was skipped
    for goal in ("-j 2 >= 1.7x -j 1", "lflint <= yamllint", "findings <= 1.5x", "warm cache"):
        assert goal in result.stdout
    assert "2 files: peak RSS <= 40 MB" in result.stdout
    assert "4-document stream, --format json: peak RSS <= 40 MB" in result.stdout
    assert "large spec: CPU per MB added" in result.stdout


def test_fix_benchmark_runs_and_fixes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/fix.py"), "--files", "3", "--repeat", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "check --fix  3 files:" in result.stdout and "--fix / check:" in result.stdout
