"""Adopting lflint in an existing repository and reviewing pull requests: the baseline, --add-suppressions,
rdjson, repository-relative paths, --diff-base (issue 16). Through the CLI only."""

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import GOOD

FIXTURES = Path(__file__).parent / "fixtures"
BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: UPSERTT  # keep me")
SECRET = "hunter2-Very-Secret"
WITH_SECRET = BAD.replace("    instance_id:", f"    password: {SECRET}\n    instance_id:")  # LF102 at a secret


def git(*args, cwd):
    env = dict(
        os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t"
    )
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def rules_of(out):
    return sorted(d["rule"] for d in out)


# -- baseline ----------------------------------------------------------------------------------------------------


def test_baseline_hides_old_findings_and_survives_line_shifts(run, run_json, tmp_path):
    spec = tmp_path / "a.lfjob.yaml"
    spec.write_text(BAD)
    code, out = run("check", "--write-baseline")
    assert code == 0 and "wrote 1 baseline entry" in out
    assert run_json()[0] == 0
    spec.write_text("# a new comment\n\n" + BAD.replace("\ntype:", "\n# another\ntype:"))  # every line moves
    code, out = run_json()
    assert code == 0 and out == []
    assert rules_of(run_json("--no-baseline")[1]) == ["LF104"]


def test_a_changed_value_comes_back_and_its_stale_entry_is_reported(run, run_json, tmp_path):
    spec = tmp_path / "a.lfjob.yaml"
    spec.write_text(BAD)
    run("check", "--write-baseline")
    spec.write_text(BAD.replace("UPSERTT", "UPSERTX"))
    code, out = run_json()
    assert code == 1 and rules_of(out) == ["LF012", "LF104"]
    stale = next(d for d in out if d["rule"] == "LF012")
    assert stale["file"] == ".lflint-baseline.json" and stale["severity"] == "info" and stale["line"] == 4
    assert (tmp_path / ".lflint-baseline.json").read_text().splitlines()[3].lstrip().startswith('{"file"')


def test_rewrite_prunes_stale_entries_and_is_byte_identical(run, run_json, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    (tmp_path / "b.lfjob.yaml").write_text(BAD.replace("name: discover_sales", "name: x"))
    run("check", "--write-baseline")
    baseline = tmp_path / ".lflint-baseline.json"
    first = baseline.read_bytes()
    entries = json.loads(first)["entries"]
    assert entries == sorted(entries, key=lambda e: (e["file"], e["rule"], e["pointer"], e["hash"]))
    assert len(entries) == 3
    run("check", "--write-baseline")
    assert baseline.read_bytes() == first
    (tmp_path / "b.lfjob.yaml").write_text(GOOD)
    assert rules_of(run_json()[1]) == ["LF012", "LF012"]
    run("check", "--write-baseline")
    assert [e["file"] for e in json.loads(baseline.read_text())["entries"]] == ["a.lfjob.yaml"]
    assert run_json() == (0, [])


def test_entries_of_files_not_linted_are_kept_and_not_judged(run, run_json, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    (tmp_path / "b.lfjob.yaml").write_text(BAD)
    run("check", "--write-baseline")
    assert run_json("a.lfjob.yaml") == (0, [])
    run("check", "--write-baseline", "a.lfjob.yaml")
    assert {e["file"] for e in json.loads((tmp_path / ".lflint-baseline.json").read_text())["entries"]} == {
        "a.lfjob.yaml",
        "b.lfjob.yaml",
    }


def test_no_secret_in_the_baseline_not_even_hashed(run, run_json, tmp_path):
    import hashlib

    spec = tmp_path / "a.lfjob.yaml"
    spec.write_text(WITH_SECRET)
    run("check", "--write-baseline")
    text = (tmp_path / ".lflint-baseline.json").read_text()
    at_secret = [e for e in json.loads(text)["entries"] if e["pointer"].endswith("/password")]
    assert at_secret and at_secret[0]["hash"] == ""
    digests = {hashlib.sha256(s.encode()).hexdigest() for s in (SECRET, f"password: {SECRET}")}
    assert SECRET not in text and not any(d[:16] in text for d in digests)
    spec.write_text(WITH_SECRET.replace(SECRET, "another-secret"))  # a new secret value: still baselined
    assert run_json() == (0, [])


def test_baseline_setting_and_a_broken_baseline(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    (tmp_path / ".lflint.toml").write_text('baseline = "ci/lflint-baseline.json"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    os.chdir(sub)  # found next to the config, wherever lflint runs
    run("check", "..", "--write-baseline")  # an optional value: paths go first (or --write-baseline=FILE)
    assert (tmp_path / "ci/lflint-baseline.json").is_file()
    assert run("check", "..")[0] == 0
    (tmp_path / "ci/lflint-baseline.json").write_text("[1, 2]")
    code, out = run("check", "..")
    assert code == 2 and "not an lflint baseline" in out


# -- --add-suppressions ------------------------------------------------------------------------------------------


def test_add_suppressions_keeps_every_other_byte(run, run_json, tmp_path):
    spec = tmp_path / "a.lfjob.yaml"
    original = ("\ufeff" + WITH_SECRET.replace("\n", "\r\n")).encode()
    spec.write_bytes(original)
    os.chmod(spec, 0o600)
    code, out = run("check", "--add-suppressions", "--reason", "legacy, see TICKET-7")
    assert code == 0 and "added 2 suppressions in 1 file" in out
    after = spec.read_bytes()
    assert run_json("--no-baseline") == (0, [])
    added = [(a, b) for a, b in zip(original.split(b"\n"), after.split(b"\n"), strict=True) if a != b]
    assert len(added) == 2 and len(after.split(b"\n")) == len(original.split(b"\n"))
    for old, new in added:
        assert new.startswith(old[:-1]) and new.endswith(b" -- legacy, see TICKET-7\r")
    assert b"# keep me  # lflint: disable=LF104 -- legacy" in after
    assert spec.stat().st_mode & 0o777 == 0o600


def test_add_suppressions_extends_a_directive_and_leaves_json_alone(run, run_json, tmp_path):
    spec = tmp_path / "a.lfjob.yaml"
    spec.write_text(BAD.replace("# keep me", "# lflint: disable=LF109 -- old"))
    (tmp_path / "b.lfjob.json").write_text('{"name": "x"}')
    code, out = run("check", "--add-suppressions")
    assert "disable=LF109,LF104 -- old" in spec.read_text()
    assert "b.lfjob.json: not a YAML file" in out
    assert rules_of(run_json("a.lfjob.yaml")[1]) == ["LF009"]  # LF109 silences nothing: it was stale before


def test_add_suppressions_leaves_a_file_of_lone_carriage_returns_alone(run, tmp_path):
    """Its lines end at "\r", not where ``str.split("\n")`` would put a comment: left alone, and told why."""
    spec = tmp_path / "a.lfjob.yaml"
    original = BAD.replace("\n", "\r").encode()
    spec.write_bytes(original)
    code, out = run("check", "--add-suppressions")
    assert "a.lfjob.yaml: a line ends in a lone carriage return" in out and spec.read_bytes() == original


# -- rdjson ------------------------------------------------------------------------------------------------------


def _rdjson_schema():
    return json.loads((FIXTURES / "rdjson-DiagnosticResult.json").read_text())


def test_rdjson_is_schema_valid_with_byte_columns_and_suggestions(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(
        BAD.replace("name: discover_sales", 'name: "déjà_vu"').replace("UPSERTT  # keep me", "'UPSERTT'  # ünïcode")
    )
    (tmp_path / "b.lfjob.json").write_text('{"name": "日本語のジョブ", "type": "METADATA_DISCOVERYY", "parameter": {}}')
    code, out = run("check", "--format", "rdjson")
    result = json.loads(out)
    jsonschema.Draft4Validator(_rdjson_schema()).validate(result)
    by = {(d["location"]["path"], d["code"]["value"]): d for d in result["diagnostics"]}
    name = by[("a.lfjob.yaml", "LF105")]["location"]["range"]
    assert name == {"start": {"line": 1, "column": 7}, "end": {"line": 1, "column": 18}}  # "déjà_vu": 11 bytes
    strategy = by[("a.lfjob.yaml", "LF104")]
    span = strategy["location"]["range"]
    inside = {
        "start": {**span["start"], "column": span["start"]["column"] + 1},
        "end": {**span["end"], "column": span["end"]["column"] - 1},
    }
    assert strategy["suggestions"] == [{"range": inside, "text": "UPSERT"}]  # the fix's edit: inside the quotes
    kind = by[("b.lfjob.json", "LF104")]
    line = '{"name": "日本語のジョブ", "type": "METADATA_DISCOVERYY", "parameter": {}}'.encode()
    start = kind["location"]["range"]["start"]["column"] - 1
    end = kind["location"]["range"]["end"]["column"] - 1
    assert line[start:end] == b'"METADATA_DISCOVERYY"'
    (suggested,) = kind["suggestions"]
    first, last = suggested["range"]["start"]["column"] - 1, suggested["range"]["end"]["column"] - 1
    assert line[first:last] == b"METADATA_DISCOVERYY" and suggested["text"] == "METADATA_DISCOVERY"
    assert kind["severity"] == "ERROR"
    code, lines = run("check", "--format", "rdjsonl")
    rows = [json.loads(row) for row in lines.splitlines()]
    assert rows == result["diagnostics"]
    for row in rows:
        jsonschema.Draft4Validator({**_rdjson_schema(), "$ref": "#/definitions/reviewdog.rdf.Diagnostic"}).validate(row)


def test_no_suggestion_at_a_secret(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD.replace("    instance_id:", "    passwort: x\n    instance_id:"))
    code, out = run("check", "--format", "rdjson")
    [finding] = json.loads(out)["diagnostics"]
    assert finding["code"]["value"] == "LF102" and "suggestions" not in finding  # did you mean `password`? no


# -- repository-relative paths, --diff-base ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab", "junit", "rdjson", "rdjsonl"])
def test_paths_are_relative_to_the_repository_root_from_a_subdirectory(run, tmp_path, fmt):
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "specs/team").mkdir(parents=True)
    (tmp_path / "specs/team/a.lfjob.yaml").write_text(BAD)
    (tmp_path / "docs").mkdir()
    os.chdir(tmp_path / "docs")
    code, out = run("check", "--format", fmt, "../specs")
    assert "specs/team/a.lfjob.yaml" in out and "../" not in out
    if fmt == "sarif":
        run_ = json.loads(out)["runs"][0]
        assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
        assert run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
            "uri": "specs/team/a.lfjob.yaml",
            "uriBaseId": "%SRCROOT%",
        }


def test_without_git_paths_are_relative_to_the_config_directory(run_json, tmp_path):
    (tmp_path / ".lflint.toml").write_text("")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/a.lfjob.yaml").write_text(BAD)
    os.chdir(tmp_path / "specs")
    assert [d["file"] for d in run_json()[1]] == ["specs/a.lfjob.yaml"]


def test_diff_base_lints_only_changed_specs(run_json, tmp_path):
    git("init", "-q", cwd=tmp_path)
    for name in ("old", "changed"):
        (tmp_path / f"{name}.lfjob.yaml").write_text(BAD)
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "one", cwd=tmp_path)
    (tmp_path / "changed.lfjob.yaml").write_text(BAD + "# touched\n")
    (tmp_path / "new.lfjob.yaml").write_text(BAD)
    git("add", "new.lfjob.yaml", cwd=tmp_path)
    code, out = run_json("--diff-base", "HEAD")
    assert code == 1 and sorted({d["file"] for d in out}) == ["changed.lfjob.yaml", "new.lfjob.yaml"]
    assert run_json("--diff-base", "HEAD", "old.lfjob.yaml") == (0, [])


def test_diff_base_outside_git_or_with_a_bad_ref_is_a_clear_error(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    code, out = run("check", "--diff-base", "main")
    assert code == 2 and out.startswith("lflint: error: --diff-base main: not a git repository")
    assert len(out.strip().splitlines()) == 1
    git("init", "-q", cwd=tmp_path)
    code, out = run("check", "--diff-base", "no-such-ref")
    assert code == 2 and "--diff-base no-such-ref:" in out and len(out.strip().splitlines()) == 1


# -- the GitHub Action -------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _readme_block(start: str) -> dict:
    import re

    import yaml

    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return yaml.safe_load(next(b for b in blocks if start in b))


def test_the_action_is_valid_and_the_readme_shows_its_inputs():
    import re

    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite" and action["name"] and action["description"]
    inputs = action["inputs"]
    assert all(spec.get("description") and isinstance(spec.get("default"), str) for spec in inputs.values())
    for step in action["runs"]["steps"]:
        assert ("uses" in step) != ("run" in step)
        if "run" in step:
            assert step["shell"] == "bash" and "${{" not in step["run"]  # inputs only through env: no injection
    workflow = _readme_block("uses: lflint/lflint@")
    [step] = [s for s in workflow["jobs"]["lint"]["steps"] if s.get("uses", "").startswith("lflint/lflint@")]
    assert set(step["with"]) <= set(inputs)
    table = re.findall(r"^\| `([a-z-]+)` \| ", (ROOT / "README.md").read_text(), re.M)
    assert set(inputs) <= set(table)  # the README's table of inputs


def _run_step(env_inputs: dict, cwd: Path) -> subprocess.CompletedProcess:
    """The action's "Run lflint" step as the runner runs it (bash -eo pipefail), its env filled from inputs."""
    import re
    import sys

    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    [step] = [s for s in action["runs"]["steps"] if s.get("name") == "Run lflint"]
    defaults = {k: v["default"] for k, v in action["inputs"].items()} | env_inputs
    env = {k: re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: defaults[m[1]], v) for k, v in step["env"].items()}
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", **env)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_action_step_runs_lflint_with_its_inputs(tmp_path):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs/a.lfjob.yaml").write_text(BAD)
    (tmp_path / "jobs/b b.lfjob.yaml").write_text(GOOD)
    done = _run_step({"paths": "jobs/a.lfjob.yaml", "sarif-upload": "true"}, tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("::error file=jobs/a.lfjob.yaml,line=8,col=24,")
    assert json.loads((tmp_path / "lflint.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "LF104"
    done = _run_step({"paths": "jobs", "format": "json", "fail-on": "error"}, tmp_path)
    assert done.returncode == 1 and [d["file"] for d in json.loads(done.stdout)] == ["jobs/a.lfjob.yaml"]
    (tmp_path / "jobs/a.lfjob.yaml").write_text(GOOD)
    assert _run_step({"paths": "jobs"}, tmp_path).returncode == 0


# -- lflint new --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("job_type", ["METADATA_MIGRATION", "PERMISSION_MIGRATION", "metadata_discovery"])
def test_new_writes_a_spec_that_lints_clean_once_filled(run, run_json, tmp_path, job_type):
    import re

    code, out = run("new", job_type, "job.lfjob.yaml")
    assert code == 0 and "replace every <FILL_ME>" in out
    text = (tmp_path / "job.lfjob.yaml").read_text()
    assert f"type: {job_type.upper()}" in text and re.search(r"^    # \w+: .*  # \w", text, re.M)  # optional
    fill = [n for n, line in enumerate(text.splitlines(), 1) if "<FILL_ME>" in line.split("#")[0]]
    code, out = run_json("--isolated", "job.lfjob.yaml")
    assert fill and {d["line"] for d in out} <= set(fill)  # findings only where the user must fill
    filled = "\n".join(
        line
        if line.lstrip().startswith("#")
        else re.sub(r"<FILL_ME>(  # e\.g\. (\S+))?", lambda m: (m[2] or "to_fill") + (m[1] or ""), line)
        for line in text.splitlines()
    )
    (tmp_path / "job.lfjob.yaml").write_text(filled)
    assert run_json("--isolated", "job.lfjob.yaml") == (0, [])
    assert run("new", job_type, "job.lfjob.yaml")[0] == 2  # never over an existing file
    assert (tmp_path / "job.lfjob.yaml").read_text() == filled
    assert run("new", job_type)[1] == text  # stdout


def test_new_with_an_unknown_type(run):
    code, out = run("new", "MIGRATION")
    assert code == 2 and "one of METADATA_MIGRATION, PERMISSION_MIGRATION, METADATA_DISCOVERY" in out


def test_a_baseline_that_is_not_a_regular_file_is_one_line(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    os.mkfifo(tmp_path / ".lflint-baseline.json")  # would block a plain open()
    code, out = run("check")
    assert code == 2 and out.startswith("lflint: error: .lflint-baseline.json: baseline not a regular file (a FIFO)")
    assert len(out.splitlines()) == 1
