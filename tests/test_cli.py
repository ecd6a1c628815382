"""The command line as a user meets it: exit codes, the text and JSON reports, stdin, directory walks."""

import json
from pathlib import Path

import pytest
from conftest import GOOD, lflint_subprocess

import lflint

BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")
WARN = GOOD.replace("file_discovery_type: PARQUET", "file_discovery_type: TEXT")


def test_clean_file_exits_0(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    code, out = run("check", "a.lfjob.yaml")
    assert code == 0
    assert out == "All checks passed in 1 file.\n"


def test_text_report_shows_line_and_caret(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    code, out = run("check", "a.lfjob.yaml")
    assert code == 1
    assert out.splitlines() == [
        "a.lfjob.yaml:8:24: LF104 [error] [*] `conflict_strategy` must be one of UPDATE, INSERT, UPSERT; found "
        '"upsert"; did you mean UPSERT?',
        "  |",
        "8 |     conflict_strategy: upsert",
        "  |                        ^^^^^^",
        "Found 1 problem (1 error) in 1 file.",
        "[*] 1 fixable with `--fix`.",
    ]


def test_fail_on_levels(run, tmp_path):
    (tmp_path / "w.lfjob.yaml").write_text(WARN)
    assert run("check", "w.lfjob.yaml")[0] == 1  # default: warning
    assert run("check", "w.lfjob.yaml", "--fail-on", "error")[0] == 0
    assert run("check", "w.lfjob.yaml", "--fail-on", "info")[0] == 1


def test_usage_error_exits_2(run):
    assert run("check", "--format", "xml")[0] == 2
    assert run("check", "--select", "LF999")[0] == 2


def test_json_contract(run_json, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD.replace("instance_id:", "instance_idd:"))
    code, found = run_json("a.lfjob.yaml")
    assert code == 1
    assert found[0] == {
        "file": "a.lfjob.yaml",
        "line": 4,
        "column": 3,
        "end_line": 4,
        "end_column": 31,
        "rule": "LF101",
        "name": "missing-field",
        "severity": "error",
        "message": "`parameter.metadata_discovery_parameter` is missing required field `instance_id`",
        "pointer": "/parameter/metadata_discovery_parameter",
        "document": 0,
        "suggestion": None,
        "fix": None,
    }
    unknown = next(d for d in found if d["rule"] == "LF102")
    assert unknown["pointer"] == "/parameter/metadata_discovery_parameter/instance_idd"
    assert (unknown["line"], unknown["column"], unknown["end_column"]) == (11, 5, 17)
    assert unknown["suggestion"] == "instance_id"
    assert unknown["fix"] == {  # a guess from the spelling: unsafe
        "applicability": "unsafe",
        "message": 'replace "instance_idd" with "instance_id"',
        "edits": [{"line": 11, "column": 5, "end_line": 11, "end_column": 17, "content": "instance_id"}],
    }
    assert [set(d) for d in found] == [set(found[0])] * len(found)


def test_stdin_with_filename(run_json):
    code, found = run_json(
        "-", "--stdin-filename", "job.json", input=json.dumps({"name": "ab", "type": "X", "parameter": {}})
    )
    assert code == 1
    assert {(d["file"], d["rule"], d["pointer"]) for d in found} == {
        ("job.json", "LF106", "/name"),
        ("job.json", "LF104", "/type"),
    }


def test_directory_walk_lints_only_job_specs(run_json, tmp_path):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs/sales.lfjob.yaml").write_text(BAD)
    (tmp_path / "jobs/sales.lfjob.json").write_text("{}")
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/ci.yaml").write_text("on: push\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind: Pod\n")
    code, found = run_json(".")
    assert code == 1
    assert {d["file"] for d in found} == {str(Path("jobs/sales.lfjob.yaml")), str(Path("jobs/sales.lfjob.json"))}
    # named explicitly, any file is linted
    code, found = run_json("k8s.yaml")
    assert {d["rule"] for d in found} == {"LF101", "LF102"}


def test_secret_values_never_printed(run, tmp_path):
    spec = (Path(__file__).parent / "fixtures/reference-example.json").read_text()
    spec = spec.replace('"password" : "password"', '"password" : "Sup3rS3cret!"')
    (tmp_path / "ref.json").write_text(spec)
    for fmt in ("text", "json", "sarif", "github", "junit", "gitlab"):
        out = run("check", "ref.json", "--format", fmt)[1]
        for secret in ("Sup3rS3cret!", "LTAIxxxxxxxxxxxxxxxxRxPG", "12345xxxxxxxxxxxxxxxxNabcdefgh"):
            assert secret not in out, (fmt, secret)
    assert "****" in run("check", "ref.json")[1]


def test_version_schema_and_module_entry_point(run):
    assert run("--version")[1].strip() == f"lflint, version {lflint.__version__}"
    assert json.loads(run("schema")[1])["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert (
        json.loads(run("schema", "--draft", "2020-12")[1])["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    )
    result = lflint_subprocess("--version")
    assert result.returncode == 0 and lflint.__version__ in result.stdout


def test_api_matches_cli(run_json, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    _, found = run_json("a.lfjob.yaml")
    assert [d.to_dict() for d in lflint.lint_paths([tmp_path / "a.lfjob.yaml"])] == [
        dict(d, file=str(tmp_path / "a.lfjob.yaml")) for d in found
    ]
    assert [d.to_dict() for d in lflint.lint_text(BAD, "a.lfjob.yaml")] == found


def test_statistics_and_output_file(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    code, out = run("check", "a.lfjob.yaml", "--format", "json", "-o", "out/report.json", "--statistics")
    assert code == 1
    assert json.loads((tmp_path / "out/report.json").read_text())[0]["rule"] == "LF104"
    assert "Found 1 problem" in out and "1  LF104  invalid-value" in out


@pytest.mark.slow
def test_server_without_the_lsp_extra_says_how_to_get_it():
    import subprocess
    import sys

    code = "import sys; sys.modules['pygls'] = None; from lflint.cli import main; main(['server'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "pip install 'lflint[lsp]'" in result.stderr
