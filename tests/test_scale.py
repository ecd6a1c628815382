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


# -- the warm cache: a file whose size, times, inode and device are those recorded is not read ----------------------

READS = """
import sys
from lflint.cli import main
opened = set()
sys.addaudithook(lambda event, args: opened.add(str(args[0])) if event == "open" else None)
try:
    main(sys.argv[1:])
finally:
    sys.stderr.write("".join(f"read {p}\\n" for p in sorted(opened) if p.endswith(".lfjob.yaml")))
"""


def lint_watching_reads(cwd, *args):
    """The output of ``lflint check --cache ARGS`` (as a process) and the specs it opened."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", READS, "check", "--cache", "--statistics", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout, {line[5:] for line in done.stderr.splitlines() if line.startswith("read ")}


def settle():
    """Wait until files written so far are older than a run's start by more than the cache's racy window."""
    import time

    from lflint.cache import RACY_NS

    time.sleep(2 * RACY_NS / 1e9)


BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")  # LF104, with an excerpt


def test_an_unchanged_file_is_not_read_again(tmp_path):
    import os

    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    (tmp_path / "b.lfjob.yaml").write_text(BAD)
    settle()
    cold, read = lint_watching_reads(tmp_path, ".")
    assert "0 of 2 files answered from the cache" in cold and read == {"a.lfjob.yaml", "b.lfjob.yaml"}
    warm, read = lint_watching_reads(tmp_path, ".")
    assert warm == cold.replace("0 of 2", "2 of 2")
    assert read == {"b.lfjob.yaml"}  # b's excerpt line is read from it (the cache holds no source text)

    os.utime(tmp_path / "a.lfjob.yaml")  # touched, not changed: read and hashed, not linted
    settle()
    touched, read = lint_watching_reads(tmp_path, ".")
    assert touched == warm and "a.lfjob.yaml" in read
    assert lint_watching_reads(tmp_path, ".") == (warm, {"b.lfjob.yaml"})  # its new times were recorded


def test_a_file_written_after_the_run_started_is_read_next_time(tmp_path):
    """git's "racy clean" case: a file written within the timestamp of its entry (here: a modification time
    later than the run's start) may change again with the same times, so its entry records none."""
    import os
    import time

    path = tmp_path / "a.lfjob.yaml"
    path.write_text(GOOD)
    later = time.time_ns() + 3600 * 10**9
    os.utime(path, ns=(later, later))
    for _ in range(2):
        out, read = lint_watching_reads(tmp_path, "a.lfjob.yaml")
        assert read == {"a.lfjob.yaml"}
    assert "1 of 1 file answered from the cache" in out


@pytest.mark.parametrize("how", ["in place", "renamed over it", "in another checkout"])
def test_a_file_changed_keeping_its_size_and_modification_time_is_linted_again(run, tmp_path, how):
    import os
    import shutil

    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "a.lfjob.yaml"
    path.write_text(GOOD)
    (repo / "b.lfjob.yaml").write_text(GOOD)
    settle()
    os.chdir(repo)
    assert run("check", ".", "--cache")[0] == 0
    if how == "in another checkout":  # the cache comes along (a CI cache restored elsewhere); times are kept
        shutil.copytree(repo, tmp_path / "other", copy_function=shutil.copy2)
        repo = tmp_path / "other"
        path = repo / "a.lfjob.yaml"
        os.chdir(repo)
    before = os.stat(path)
    changed = BAD  # the same size
    assert len(changed) == len(GOOD)
    if how == "renamed over it":
        (repo / "new").write_text(changed)
        os.utime(repo / "new", ns=(before.st_atime_ns, before.st_mtime_ns))
        os.replace(repo / "new", path)
    else:
        path.write_text(changed)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    code, out = run("check", ".", "--cache", "--statistics")
    assert code == 1 and "1 of 2 files answered from the cache" in out
    assert (
        out.replace("1 of 2 files answered from the cache\n", "") == run("check", ".", "--no-cache", "--statistics")[1]
    )


def test_a_warm_run_prints_what_a_cold_one_does_in_every_format(run, corpus):
    """Findings on lines a secret touches (masked: the file is loaded again), on plain lines (read from the file),
    in a file that did not load and names a secret (no excerpt), and clean files (not read)."""
    from lflint.report import FORMATS

    jobs = corpus / "jobs"
    literal = GOOD.replace("instance_id:", "password: {x: 1, y: Sup3rS3cret!}  # LF501 and LF1xx\n    instance_id:")
    (jobs / "literal.lfjob.yaml").write_text(literal)
    (jobs / "folded.lfjob.yaml").write_text(GOOD.replace("instance_id:", "password: >\n      Zq9wQ\n    instnace_id:"))
    (jobs / "unloaded.lfjob.yaml").write_text("password: s3cret\nname: [unclosed\n")
    settle()
    run("check", "jobs", "--cache")
    for fmt in FORMATS:
        cold = run("check", "jobs", "--format", fmt, "--no-cache")
        assert run("check", "jobs", "--format", fmt, "--cache") == cold, fmt
    text = next((corpus / ".lflint_cache").glob("lflint-*.json")).read_text()
    assert "Sup3rS3cret" not in text and "s3cret" not in text and "Zq9wQ" not in text


def test_a_file_whose_name_is_not_utf8_is_cached(run, tmp_path):
    """The cache file is ASCII (a name's undecodable bytes are escapes in it): such a name was an internal error."""
    import os

    (tmp_path / os.fsdecode(b"bad\xff.lfjob.yaml")).write_text(BAD)  # as test_robustness writes one
    settle()
    cold = run("check", ".", "--cache", "--statistics")
    assert cold[0] == 1 and "bad\\xff.lfjob.yaml:8:24: LF104" in cold[1] and "internal error" not in cold[1]
    assert run("check", ".", "--cache", "--statistics") == (1, cold[1].replace("0 of 1", "1 of 1"))
