"""Fixes (issue 15): ``check --fix`` / ``--unsafe-fixes`` / ``--diff`` / ``--show-fixes``, the fix settings,
``lflint.fix_text``, and properties of applying every safe fix."""

import json
import os
import stat

import pytest
from conftest import GOOD, lflint_subprocess
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import lflint
from lflint.documents import load_source
from lflint.rules import all_rules

BAD = GOOD.replace("conflict_strategy: UPSERT", 'conflict_strategy: "upsert"  # keep me').replace(
    "file_discovery_type: PARQUET", "file_discovery_type: parquet"
)
FIXED = GOOD.replace("conflict_strategy: UPSERT", 'conflict_strategy: "UPSERT"  # keep me')


def test_fix_repairs_in_place_keeping_every_other_byte_and_the_mode(run, tmp_path):
    path = tmp_path / "a.lfjob.yaml"
    path.write_bytes(BAD.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    code, out = run("check", "--fix", "--show-fixes", "a.lfjob.yaml")
    assert code == 0 and "Fixed 2 findings." in out and 'LF104 replace "upsert" with "UPSERT"' in out
    assert path.read_bytes() == FIXED.replace("\n", "\r\n").encode()  # quotes, comment, CRLF kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert run("check", "--fix", "a.lfjob.yaml") == (0, "All checks passed in 1 file.\n")
    assert path.read_bytes() == FIXED.replace("\n", "\r\n").encode()  # a second --fix changes nothing


def test_report_marks_fixable_findings_and_counts_them(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD.replace("instance_id:", "instance_idd:"))
    code, out = run("check", "a.lfjob.yaml")
    assert code == 1 and "LF104 [error] [*] `conflict_strategy`" in out
    assert "LF102 [error] unknown field `instance_idd`" in out  # a guess: unsafe, not marked
    assert out.endswith("[*] 2 fixable with `--fix` (1 more with `--unsafe-fixes`).\n")
    assert (tmp_path / "a.lfjob.yaml").read_text() == BAD.replace("instance_id:", "instance_idd:")


def test_unsafe_fixes_only_when_asked(run, tmp_path):
    path = tmp_path / "a.lfjob.yaml"
    path.write_text(GOOD.replace("instance_id:", "instance_idd:"))
    assert run("check", "--fix", "a.lfjob.yaml")[0] == 1
    assert "instance_idd:" in path.read_text()
    assert run("check", "--fix", "--unsafe-fixes", "a.lfjob.yaml")[0] == 0
    assert path.read_text() == GOOD


def test_diff_writes_nothing_and_masks_secrets(tmp_path):
    spec = (
        "name: migrate_x\ntype: METADATA_MIGRATION\nparameter:\n  metadata_migration_parameter:\n"
        "    datasource_type: DLF\n    datasource_parameter:\n      password: hunter2hunter2\n"
    )
    path = tmp_path / "a.lfjob.yaml"
    path.write_text(spec)
    done = lflint_subprocess("check", "--isolated", "--diff", "a.lfjob.yaml", cwd=tmp_path)
    assert done.returncode == 1 and path.read_text() == spec
    assert "-    datasource_type: DLF\n+    datasource_type: ALIYUN_DLF\n" in done.stdout  # the documented spelling
    assert "      password: ****\n" in done.stdout and "hunter2" not in done.stdout + done.stderr
    assert done.stdout.startswith("--- a/a.lfjob.yaml\n+++ b/a.lfjob.yaml\n")
    path.write_text(GOOD)
    clean = lflint_subprocess("check", "--isolated", "--diff", "a.lfjob.yaml", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_stdin_fix_writes_the_fixed_spec_to_stdout(tmp_path):
    done = lflint_subprocess("check", "--isolated", "--fix", "-", "--stdin-filename", "a.lfjob.yaml", input=BAD)
    assert done.stdout == FIXED and done.returncode == 0 and "Fixed 2 findings." in done.stderr
    left = lflint_subprocess("check", "--isolated", "--fix", "-", input=GOOD.replace("name:", "nme:"))
    assert left.stdout == GOOD.replace("name:", "nme:") and left.returncode == 1


def test_suppressed_findings_and_config_unfixable_are_not_fixed(run, tmp_path):
    path = tmp_path / "a.lfjob.yaml"
    path.write_text(BAD.replace("  # keep me", "  # lflint: disable=LF104"))
    run("check", "--fix", "a.lfjob.yaml")
    assert '"upsert"' in path.read_text() and "PARQUET" in path.read_text()
    (tmp_path / ".lflint.toml").write_text('fix = true\nunfixable = ["invalid-value"]\n')
    path.write_text(BAD)
    assert run("check", "a.lfjob.yaml")[0] == 1
    assert path.read_text() == BAD
    (tmp_path / ".lflint.toml").write_text('fix = true\nfixable = ["LF1"]\n')
    assert run("check", "a.lfjob.yaml")[0] == 0 and path.read_text() == FIXED


def test_streams_and_json_are_fixed_in_their_own_quotes():
    stream = "name: job_one\ntype: metadata_discovery\n---\n{name: job_two, type: 'metadata_migration'}\n"
    fixed, _ = lflint.fix_text(stream, "a.lfjob.yaml")
    assert fixed == stream.replace("metadata_discovery", "METADATA_DISCOVERY").replace(
        "'metadata_migration'", "'METADATA_MIGRATION'"
    )
    text = json.dumps({"name": "job_one", "type": "metadata_discovery"}, indent=3)
    fixed, left = lflint.fix_text(text, "a.lfjob.json")
    assert fixed == text.replace("metadata_discovery", "METADATA_DISCOVERY") and all(d.fix is None for d in left)


def test_keys_renamed_to_one_name_are_fixed_one_at_a_time():
    text = "name: job1\ntype: METADATA_DISCOVERY\nparameter:\n  metadata_discovery_parameter:\n"
    text += "    execute_date: 1\n    Execute_Day: 2\n"
    fixed, left = lflint.fix_text(text, "a.lfjob.yaml")
    assert fixed == text.replace("execute_date", "execute_day")  # both at once would repeat the key
    assert not load_source(fixed, "a.lfjob.yaml")[2]
    [unknown] = [d for d in left if d.rule == "LF102"]
    assert unknown.fix is None  # its target is there now


def test_a_finding_on_a_secret_offers_no_fix():
    text = GOOD.replace("instance_id", "pasword")
    [d] = lflint.lint_text(text, "a.lfjob.yaml", select=["LF102"])
    assert d.fix is None
    assert lflint.fix_text(text, "a.lfjob.yaml", unsafe=True)[0] == text


def test_a_file_changed_during_the_run_is_left_alone(run, tmp_path, monkeypatch):
    import lflint.fixes

    path = tmp_path / "a.lfjob.yaml"
    path.write_text(BAD)
    apply = lflint.fixes.apply

    def meanwhile(source, diagnostics):
        path.write_text(BAD + "# edited\n")
        return apply(source, diagnostics)

    monkeypatch.setattr(lflint.fixes, "apply", meanwhile)
    code, out = run("check", "--fix", "a.lfjob.yaml")
    assert code == 2 and "changed on disk during the run; not fixed" in out
    assert path.read_text() == BAD + "# edited\n"


def test_sarif_carries_fixes(run, tmp_path):
    import jsonschema

    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    log = json.loads(run("check", "--format", "sarif", "a.lfjob.yaml")[1])
    schema = os.path.join(os.path.dirname(__file__), "fixtures", "sarif-2.1.0.json")
    with open(schema) as fh:
        jsonschema.validate(log, json.load(fh))
    results = log["runs"][0]["results"]
    assert [len(r["fixes"]) for r in results] == [1, 1]  # the two LF104 findings
    [fix] = [r["fixes"][0] for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 8]
    [change] = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 8, "startColumn": 25, "endLine": 8, "endColumn": 31},
            "insertedContent": {"text": "UPSERT"},
        }
    ]


# -- properties --------------------------------------------------------------------------------------------------

BAD_EXAMPLES = [ex for r in all_rules().values() for ex in r.examples["bad"]]
# (rule, applicability) of the fixes whose text a rule's bad example states (tests/test_rules.py checks the text)
STATED = {(r.id, a) for r in all_rules().values() for stated in r.fixed for a in stated}
ENUMS = ["UPSERT", "PARQUET", "METADATA_DISCOVERY"]


def _check_fix(text: str) -> None:
    fixed, left = lflint.fix_text(text, "a.lfjob.yaml")
    before = lflint.lint_text(text, "a.lfjob.yaml")
    assert {(d.rule, d.fix.applicability) for d in before if d.fix} <= STATED  # no fix the catalogue does not show
    assert lflint.fix_text(fixed, "a.lfjob.yaml")[0] == fixed  # a second --fix is byte-identical
    assert not any(d.fix and d.fix.applicability == "safe" for d in left) or fixed == text
    if fixed == text:
        return
    assert len(load_source(fixed, "f.yaml")[2]) <= len(load_source(text, "f.yaml")[2])  # it loads as well
    fixed_lines = {d.line for d in before if d.fix and d.fix.applicability == "safe"}
    old, new = text.split("\n"), fixed.split("\n")
    assert len(old) == len(new)
    for number, (a, b) in enumerate(zip(old, new, strict=True), 1):
        assert a == b or number in fixed_lines  # bytes outside the edited lines are unchanged
    assert not any(d.fix and d.fix.applicability == "safe" for d in lflint.lint_text(fixed, "a.lfjob.yaml"))


@pytest.mark.parametrize("example_text", BAD_EXAMPLES)
def test_applying_safe_fixes_to_rule_examples(example_text):  # every bad example of the catalogue
    _check_fix(example_text)


@settings(max_examples=100, suppress_health_check=list(HealthCheck))
@given(
    value=st.sampled_from(ENUMS),
    case=st.sampled_from([str.lower, str.title, str.swapcase]),
    quote=st.sampled_from(["", "'", '"']),
    comment=st.sampled_from(["", "  # note", " #x"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    key=st.sampled_from([None, "instance_id", "target_catalog"]),
)
@example(value="UPSERT", case=str.lower, quote="", comment="", ending="\n", key=None)
def test_applying_safe_fixes_to_mutated_specs(value, case, quote, comment, ending, key):
    text = GOOD.replace(f" {value}\n", f" {quote}{case(value)}{quote}{comment}\n")
    if key:
        text = text.replace(f"{key}:", f"{key.upper()}:")  # the same name in another case: safe
    text = text.replace("\n", ending)
    assert lflint.fix_text(GOOD.replace("\n", ending), "a.lfjob.yaml")[0] == GOOD.replace("\n", ending)  # clean
    _check_fix(text)
    assert lflint.fix_text(text, "a.lfjob.yaml")[0] == GOOD.replace(
        f" {value}\n", f" {quote}{value}{quote}{comment}\n"
    ).replace("\n", ending)
