import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lflint.cli import main

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
    return subprocess.run([sys.executable, "-m", "lflint", *args], capture_output=True, text=True, cwd=cwd,
                          input=input, timeout=60)


@pytest.fixture(autouse=True)
def user_cache_home(tmp_path_factory, monkeypatch):
    """The user's cache directory (where the cache's signing key lives) of each test, never the real one."""
    home = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    from lflint.cache import machine_key

    machine_key.cache_clear()
    return home
