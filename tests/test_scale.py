"""Linting many files: --jobs gives the same report in the same order, and the optional cache gives the same
findings as a fresh run, follows edits and config changes, and survives a broken cache file. (Speed itself is
measured by benchmarks/run.py, never asserted here.)"""

import json
import sys
from pathlib import Path

import pytest
from conftest import GOOD, lflint_subprocess

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate


@pytest.fixture
def corpus(tmp_path):
    generate(tmp_path / "jobs", 60, seed=7)
    (tmp_path / "jobs/broken.lfjob.yaml").write_text("name: [unclosed\n")
    secret = GOOD.replace("instance_id:", "password: Sup3rS3cret!\n    instance_id:")
    (tmp_path / "jobs/secret.lfjob.yaml").write_text(secret)
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_jobs_give_the_same_report_in_the_same_order(corpus, fmt):
    one = lflint_subprocess("check", "jobs", "--format", fmt, "--jobs", "1", cwd=corpus)
    two = lflint_subprocess("check", "jobs", "--format", fmt, "--jobs", "2", cwd=corpus)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count("jobs") > 20


@pytest.mark.slow
def test_jobs_give_the_same_report_in_the_same_order_in_batches(tmp_path):
    """From ``PARALLEL_FROM`` files on, files and results go between the processes in batches (a last one short)."""
    from lflint.runner import PARALLEL_FROM

    generate(tmp_path / "jobs", PARALLEL_FROM * 2 + 45, seed=11)
    one = lflint_subprocess("check", "jobs", "--jobs", "1", "--statistics", cwd=tmp_path)
    for jobs in ("2", "3"):
        many = lflint_subprocess("check", "jobs", "--jobs", jobs, "--statistics", cwd=tmp_path)
        assert many.returncode == one.returncode == 1
        assert many.stdout == one.stdout and one.stdout.count("jobs/") > 100


def test_files_are_reported_in_walk_order(run_json, corpus):
    code, found = run_json("jobs", "--jobs", "2")
    files = [d["file"] for d in found]
    assert files == sorted(files)  # the walk is sorted; findings keep it, whichever process linted the file


def test_cache_is_off_by_default(run, corpus):
    run("check", "jobs")
    assert not (corpus / ".lflint_cache").exists()


def test_cache_gives_the_same_findings_and_follows_changes(run, corpus):
    fresh = run("check", "jobs", "--format", "json")[1]
    assert run("check", "jobs", "--format", "json", "--cache")[1] == fresh
    cache_dir = corpus / ".lflint_cache"
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")
    assert run("check", "jobs", "--format", "json", "--cache")[1] == fresh  # answered from the cache
    assert run("check", "jobs", "--cache")[1] == run("check", "jobs")[1]  # excerpts too

    target = sorted((corpus / "jobs").glob("job-*.lfjob.yaml"))[0]
    target.write_text(target.read_text().replace("\nname:", "\nnmae:", 1))
    edited = json.loads(run("check", "jobs", "--format", "json", "--cache")[1])
    assert any(d["file"].endswith(target.name) and d["rule"] == "LF102" for d in edited)
    assert edited == json.loads(run("check", "jobs", "--format", "json")[1])

    ignored = json.loads(run("check", "jobs", "--format", "json", "--cache", "--ignore", "LF102")[1])
    assert not any(d["rule"] == "LF102" for d in ignored)


def test_cache_follows_the_users_rule_files(run, corpus):
    import shutil

    rules = corpus / "lint-rules"
    rules.mkdir()
    policy = rules / "ORG001-corp-log-bucket.yaml"
    shutil.copy(Path(__file__).resolve().parent.parent / "examples/policies/ORG001-corp-log-bucket.yaml", policy)
    (corpus / ".lflint.toml").write_text('rule-paths = ["lint-rules"]\ncache = true\n')
    first = json.loads(run("check", "jobs", "--format", "json")[1])
    assert {d["severity"] for d in first if d["rule"] == "ORG001"} == {"error"}
    policy.write_text(policy.read_text().replace("severity: error", "severity: info"))
    again = json.loads(run("check", "jobs", "--format", "json")[1])
    assert {d["severity"] for d in again if d["rule"] == "ORG001"} == {"info"}


def test_cache_setting_and_a_broken_cache_file(run, corpus):
    (corpus / ".lflint.toml").write_text('cache = true\ncache-dir = "build/lint-cache"\n')
    fresh = run("check", "jobs", "--format", "json", "--no-cache")[1]
    assert not (corpus / "build").exists()
    assert run("check", "jobs", "--format", "json")[1] == fresh
    cache_file = next((corpus / "build/lint-cache").glob("lflint-*.json"))
    cache_file.write_text("{not json")
    assert run("check", "jobs", "--format", "json")[1] == fresh
    json.loads(cache_file.read_text())  # rewritten whole


@pytest.mark.slow
def test_concurrent_runs_share_the_cache_safely(corpus):
    import subprocess

    command = [sys.executable, "-m", "lflint", "check", "jobs", "--format", "json", "--cache"]
    runs = [subprocess.Popen(command, cwd=corpus, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert len(set(outputs)) == 1 and json.loads(outputs[0])
    assert json.loads(next((corpus / ".lflint_cache").glob("lflint-*.json")).read_text())
    assert not list((corpus / ".lflint_cache").glob("*.tmp"))  # no temporary file left behind


def test_cache_never_holds_a_secret(run, corpus):
    run("check", "jobs", "--cache")
    text = next((corpus / ".lflint_cache").glob("lflint-*.json")).read_text()
    assert "secret.lfjob.yaml" in text and "Sup3rS3cret!" not in text


def test_cache_settings_are_checked(run, corpus):
    (corpus / ".lflint.toml").write_text('cache = "yes"\n')
    code, out = run("check", "jobs")
    assert code == 2 and "'cache' must be true or false" in out
