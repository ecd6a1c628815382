import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import settings

from lflint.cli import main

# Property tests: the same examples on every run in CI (a fixed budget, no timing, no example database), and a
# long randomized search on demand: HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_properties.py ...
# Every failure either finds stays in its test as an explicit @example.
settings.register_profile("ci", derandomize=True, max_examples=300, deadline=None, database=None, print_blob=True)
settings.register_profile("fuzz", max_examples=5_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

GOOD = """\
name: discover_sales
type: METADATA_DISCOVERY
parameter:
  metadata_discovery_parameter:
    data_location: obs://sales-data/raw
    target_catalog: hive
    target_database: sales
    conflict_strategy: UPSERT
    file_discovery_type: PARQUET
    log_location: obs://sales-logs/discovery
    instance_id: 2180518f42b84947b20badfc53981a25
"""


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the CLI in-process from an empty directory; returns (exit code, stdout)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args, input=None):
        result = CliRunner().invoke(main, list(args), input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    return invoke


@pytest.fixture
def run_json(run):
    def invoke(*args, input=None):
        code, out = run("check", "--format", "json", *args, input=input)
        return code, json.loads(out)

    return invoke


def lflint_subprocess(*args, cwd=None, input=None):
    return subprocess.run(
        [sys.executable, "-m", "lflint", *args], capture_output=True, text=True, cwd=cwd, input=input, timeout=60
    )


@pytest.fixture(autouse=True)
def user_cache_home(tmp_path_factory, monkeypatch):
    """The user's cache directory (where the cache's signing key lives) of each test, never the real one."""
    home = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    from lflint.cache import machine_key

    machine_key.cache_clear()
    return home


def user_rule(tmp_path, rule_id, given, then, message=None):
    """A user rule in tmp_path/policies, switched on by tmp_path/.lflint.toml."""
    (tmp_path / "policies").mkdir(exist_ok=True)
    rule = {
        "id": rule_id,
        "slug": rule_id.lower(),
        "severity": "error",
        "summary": "a policy",
        "given": given,
        "then": then,
        "docs": {"what": "w", "why": "w", "fix": "f"},
        "examples": {"good": [], "bad": []},
    }
    if message:
        rule["message"] = message
    (tmp_path / "policies" / f"{rule_id}.yaml").write_text(json.dumps(rule))  # JSON is YAML
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["policies"]\n')
