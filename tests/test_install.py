"""A plain (non-editable) install works from anywhere, and the pre-commit hook works in a real repository."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "examples/discovery-sales.lfjob.yaml").read_text()
BAD = (ROOT / "examples/bad-discovery.lfjob.yaml").read_text()


def sh(*args, cwd=None, env=None, check=True):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def hook_repos(tmp_path, repo):
    """``repo`` as a git repository of its files, and a committed snapshot of this checkout (as pre-commit clones
    hooks); the snapshot's path and the environment to run pre-commit in."""
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@t",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@t",
    )
    sh("git", "init", "-q", cwd=repo, env=env)
    sh("git", "add", ".", cwd=repo, env=env)
    source = tmp_path / "lflint-src"  # a committed snapshot of this checkout, as pre-commit clones hooks
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache"),
    )
    sh("git", "init", "-q", cwd=source, env=env)
    sh("git", "add", ".", cwd=source, env=env)
    sh("git", "commit", "-qm", "snapshot", cwd=source, env=env)
    return source, env


def try_repo(source, hook, repo, env):
    """``pre-commit try-repo`` of the hook ``hook`` of the checkout ``source`` over every file of ``repo``."""
    return sh(
        sys.executable, "-m", "pre_commit", "try-repo", str(source), hook, "--all-files", cwd=repo, env=env, check=False
    )


def test_wheel_ships_rules_and_schemas(tmp_path):
    sh(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(tmp_path / "dist"),
        str(ROOT),
    )
    [wheel] = (tmp_path / "dist").glob("lflint-*.whl")
    # as a user installs it: a clean venv, the wheel and its declared dependencies (nothing from this interpreter)
    sh(sys.executable, "-m", "venv", str(tmp_path / "venv"))
    bindir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    sh(str(bindir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = sh(str(bindir / "python"), "-c", "import lflint; print(lflint.__file__)", cwd=elsewhere).stdout
    assert str(tmp_path / "venv") in where  # the wheel, not the checkout
    result = sh(str(bindir / "lflint"), "check", str(ROOT / "examples"), "--format", "json", cwd=elsewhere, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr and '"rule": "LF104"' in result.stdout
    rules = sh(str(bindir / "lflint"), "rules", cwd=elsewhere).stdout
    assert "LF501" in rules and "LF001" in rules


def test_pre_commit_hook(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "jobs").mkdir()
    (repo / "jobs/good.lfjob.yaml").write_text(GOOD)
    (repo / "jobs/bad.lfjob.yaml").write_text(BAD)
    (repo / ".github/workflows").mkdir(parents=True)
    (repo / ".github/workflows/ci.yaml").write_text("on: push\njobs: {}\n")
    (repo / "deploy.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    source, env = hook_repos(tmp_path, repo)
    result = try_repo(source, "lflint", repo, env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "jobs/bad.lfjob.yaml:8:24: LF104" in output
    assert "good.lfjob.yaml" not in output.split("lflint")[-1].replace("bad.lfjob", "")
    assert "ci.yaml" not in output and "deploy.yaml" not in output
    # the lflint-fix hook repairs what --fix can (pre-commit fails a hook that changed files, as for ruff's)
    before = (repo / "jobs/bad.lfjob.yaml").read_text()
    result = try_repo(source, "lflint-fix", repo, env)
    assert result.returncode == 1, result.stdout + result.stderr
    fixed = (repo / "jobs/bad.lfjob.yaml").read_text()
    assert "conflict_strategy: UPSERT" in fixed and "execute_day: 1" in fixed and fixed != before
    assert (repo / "jobs/good.lfjob.yaml").read_text() == GOOD
    # with only the good spec and the unrelated YAML the hook passes
    (repo / "jobs/bad.lfjob.yaml").unlink()
    sh("git", "add", "-A", cwd=repo, env=env)
    result = try_repo(source, "lflint", repo, env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_prints_one_summary_for_many_files(tmp_path):
    """pre-commit splits the files into one batch per CPU unless the hook is serial; made to see 8 CPUs here, so
    that the test means the same on any machine."""
    repo = tmp_path / "repo"
    (repo / "jobs").mkdir(parents=True)
    for n in range(40):
        (repo / f"jobs/good{n:02d}.lfjob.yaml").write_text(GOOD)
    (repo / "jobs/zz-bad.lfjob.yaml").write_text(BAD)
    source, env = hook_repos(tmp_path, repo)
    env.pop("PRE_COMMIT_NO_CONCURRENCY", None)
    eight_cpus = (
        "import sys, pre_commit.xargs as x; x.cpu_count = lambda: 8; from pre_commit.main import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    result = sh(
        sys.executable,
        "-c",
        eight_cpus,
        "try-repo",
        str(source),
        "lflint",
        "--all-files",
        cwd=repo,
        env=env,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    summaries = [line for line in output.splitlines() if line.startswith(("Found ", "All checks passed"))]
    assert len(summaries) == 1 and summaries[0].startswith("Found ") and summaries[0].endswith(" in 41 files."), output
