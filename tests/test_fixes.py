"""Fixes (issue 15): ``check --fix`` / ``--unsafe-fixes`` / ``--diff`` / ``--show-fixes``, the fix settings,
``lflint.fix_text``, and properties of applying every safe fix."""

import json
import os
import re
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

# every bad example of the catalogue, with the settings it states (config keys, as the API takes them)
BAD_EXAMPLES = [
    (spec, {key.replace("-", "_"): value for key, value in settings.items()})
    for r in all_rules().values()
    for spec, settings in zip(r.examples["bad"], r.settings, strict=True)
]
# (rule, applicability) of the fixes whose text a rule's bad example states (tests/test_rules.py checks the text)
STATED = {(r.id, a) for r in all_rules().values() for stated in r.fixed for a in stated}
ENUMS = ["UPSERT", "PARQUET", "METADATA_DISCOVERY"]


def _check_fix(text: str, name: str = "a.lfjob.yaml", **settings) -> str:
    """Apply the safe fixes of ``text``; check what every fix must keep; return the fixed text."""
    fixed, left = lflint.fix_text(text, name, **settings)
    before = lflint.lint_text(text, name, **settings)
    assert {(d.rule, d.fix.applicability) for d in before if d.fix} <= STATED  # no fix the catalogue does not show
    assert lflint.fix_text(fixed, name, **settings)[0] == fixed  # a second --fix is byte-identical
    assert not any(d.fix and d.fix.applicability == "safe" for d in left) or fixed == text
    if fixed == text:
        return fixed
    assert len(load_source(fixed, name)[2]) <= len(load_source(text, name)[2])  # it loads as well
    # bytes outside the edited ranges are unchanged: the text between the edits is all there, in order
    source = load_source(text, name)[0]
    cuts = sorted(
        (source.offset(e.line, e.column), source.offset(e.end_line, e.end_column))
        for d in before
        if d.fix and d.fix.applicability == "safe"
        for e in d.fix.edits
    )
    pattern, at = "", 0
    for start, end in cuts:
        pattern, at = pattern + re.escape(text[at:start]) + ".*?", max(at, end)
    assert re.fullmatch(pattern + re.escape(text[at:]), fixed, re.DOTALL)
    assert not any(d.fix and d.fix.applicability == "safe" for d in lflint.lint_text(fixed, name, **settings))
    return fixed


@pytest.mark.parametrize("example_text, settings", BAD_EXAMPLES)
def test_applying_safe_fixes_to_rule_examples(example_text, settings):  # every bad example of the catalogue
    _check_fix(example_text, **settings)


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


# -- schedule-value-type (LF307), repeated entries (LF217, LF208), --fix over processes -----------------------------

SCHEDULED = GOOD + "    execute_strategy: SCHEDULE\n    execute_frequency: WEEKLY\n"
PEOPLE = [("GROUP", "IAM", "sales_analysts"), ("USER", "IAM", "sales_lead"), ("ROLE", "IAM", "auditor")]


def _principal(style: str, entry: tuple) -> str:
    fields = dict(zip(("principal_type", "principal_source", "principal_name"), entry, strict=True))
    if style == "json":
        return json.dumps(fields)
    flow = "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"
    return flow if style == "flow" else "\n        ".join(f"{k}: {v}" for k, v in fields.items())


def _with_principals(style: str, entries: list, comment: str = "") -> str:
    if style == "block":
        items = "".join(f"      - {_principal(style, e)}{comment}\n" for e in entries)
        return GOOD + "    principals:\n" + items + "    give_write: true\n"
    return (
        GOOD + f"    principals: [{', '.join(_principal(style, e) for e in entries)}]{comment}\n    give_write: true\n"
    )


def test_schedule_values_in_the_form_the_config_asks_for(run, tmp_path):
    path = tmp_path / "a.lfjob.yaml"
    spec = SCHEDULED + '    execute_day: 1  # Monday?\n    execute_hour: "2"\n    execute_minute: 30\n'
    path.write_text(spec)
    assert run("check", "a.lfjob.yaml") == (0, "All checks passed in 1 file.\n")  # off by default: either form
    (tmp_path / ".lflint.toml").write_text('schedule-value-type = "string"\n')
    code, out = run("check", "--fix", "--show-fixes", "a.lfjob.yaml")
    assert code == 0 and "Fixed 2 findings." in out
    assert 'LF307 write `execute_day` as "1"' in out and 'LF307 write `execute_minute` as "30"' in out
    assert path.read_text() == spec.replace("day: 1 ", 'day: "1" ').replace("minute: 30", 'minute: "30"')
    assert run("check", "--fix", "a.lfjob.yaml") == (0, "All checks passed in 1 file.\n")  # a second --fix: same
    (tmp_path / ".lflint.toml").write_text('schedule-value-type = "integer"\n')
    code, out = run("check", "a.lfjob.yaml")
    assert code == 1 and 'LF307 [warning] [*] `execute_day` is the string "1"; the `schedule-value-type` setting' in out
    assert run("check", "--fix", "a.lfjob.yaml")[0] == 0
    assert path.read_text() == spec.replace('hour: "2"', "hour: 2")
    (tmp_path / ".lflint.toml").write_text('schedule-value-type = "strings"\n')
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and "'schedule-value-type' must be one of string, integer; found 'strings'" in out


def test_schedule_values_in_json_and_through_the_api():
    text = json.dumps(
        {
            "name": "discover_sales",
            "type": "METADATA_DISCOVERY",
            "parameter": {
                "metadata_discovery_parameter": {
                    **{k: v for k, v in (line.strip().split(": ") for line in GOOD.splitlines()[4:])},
                    "execute_strategy": "SCHEDULE",
                    "execute_frequency": "HOURLY",
                    "execute_day": "*",
                    "execute_hour": "*",
                    "execute_minute": "07",
                }
            },
        },
        indent=2,
    )
    fixed, left = lflint.fix_text(text, "a.lfjob.json", schedule_value_type="integer")
    assert fixed == text.replace('"execute_minute": "07"', '"execute_minute": 7') and left == []
    assert lflint.fix_text(fixed, "a.lfjob.json", schedule_value_type="string")[0] == text.replace('"07"', '"7"')
    [d] = lflint.lint_text(text, "a.lfjob.json", schedule_value_type="integer")
    assert (d.rule, d.line, d.column, d.end_column, d.fix.applicability) == ("LF307", 17, 25, 29, "safe")
    assert lflint.lint_text(text, "a.lfjob.json") == []


@pytest.mark.parametrize(
    "written",
    [
        "execute_hour: !!int 2",
        "execute_hour: 0x2",
        "execute_hour: 2.0",
        'execute_hour: "\\x32"',
        "execute_hour: !!str 2",
    ],
)
def test_schedule_values_written_unplainly_get_no_fix(written):
    text = SCHEDULED + f'    execute_day: "1"\n    {written}\n    execute_minute: "30"\n'
    for wanted in ("string", "integer"):
        found = lflint.lint_text(text, "a.lfjob.yaml", schedule_value_type=wanted)
        assert all(d.fix is None for d in found if d.pointer.endswith("/execute_hour"))
        assert f"    {written}\n" in lflint.fix_text(text, "a.lfjob.yaml", schedule_value_type=wanted)[0]


def test_a_repeated_principal_is_removed_keeping_every_other_byte(run, tmp_path):
    path = tmp_path / "a.lfjob.yaml"
    spec = _with_principals("block", [PEOPLE[0], PEOPLE[1], PEOPLE[0]])
    spec = spec.replace("      - principal_type: USER", "      # the lead\n      - principal_type: USER  # keep")
    path.write_bytes(spec.replace("\n", "\r\n").encode())
    code, out = run("check", "--fix", "--show-fixes", "a.lfjob.yaml")
    assert code == 0 and "LF217 remove `principals[2]`, a repeat of `principals[0]`" in out
    kept = spec.split("      - principal_type: GROUP", 2)
    assert (
        path.read_bytes()
        == (kept[0] + "      - principal_type: GROUP" + kept[1])
        .replace("        principal_name: sales_lead\n", "        principal_name: sales_lead\n    give_write: true\n")
        .replace("\n", "\r\n")
        .encode()
    )
    assert run("check", "--fix", "a.lfjob.yaml") == (0, "All checks passed in 1 file.\n")


@pytest.mark.parametrize(
    "before, after",
    [
        ("[A, B, A]", "[A, B]"),
        ("[A, A, B, A]", "[A, B]"),
        ("[A,\n      A ,B]", "[A ,B]"),
        ("[A, B, A]  # two groups", "[A, B]  # two groups"),
        ("[A, # first\n      A]", None),  # a comment between: no fix
        ("[A, B, A']", None),  # not byte for byte the same (quoted): no fix
    ],
)
def test_a_repeated_entry_of_a_flow_sequence_is_removed(before, after):
    entry = _principal("flow", PEOPLE[0])
    shown = {"A": entry, "B": _principal("flow", PEOPLE[1]), "A'": entry.replace("IAM", "'IAM'")}

    def spec(items):
        return (
            GOOD + "    principals: " + re.sub("A'|A|B", lambda m: shown[m.group()], items) + "\n    give_write: true\n"
        )

    fixed, left = lflint.fix_text(spec(before), "a.lfjob.yaml")
    assert fixed == spec(after or before)
    assert [d.rule for d in left] == ([] if after else ["LF217"])


def test_a_repeated_location_in_a_json_array_is_removed():
    entry = {"key": "hdfs://hacluster/warehouse", "value": "obs://lake-warehouse/hive"}
    other = {"key": "hdfs://hacluster/staging", "value": "obs://lake-staging/hive"}
    job = {"name": "migrate_hive", "type": "METADATA_MIGRATION", "parameter": {}}
    job["parameter"]["metadata_migration_parameter"] = {"locations": [entry, other, entry, {**entry, "value": "x"}]}
    for indent in (None, 2, "\t"):
        text = json.dumps(job, indent=indent)
        fixed, left = lflint.fix_text(text, "a.lfjob.json", select=["LF208"])
        job["parameter"]["metadata_migration_parameter"]["locations"].pop(2)
        assert fixed == json.dumps(job, indent=indent)  # commas, indentation and the other entries as they were
        job["parameter"]["metadata_migration_parameter"]["locations"].insert(2, entry)
        assert [(d.rule, d.fix) for d in left] == [("LF208", None)]  # same key, another value: no fix


@settings(max_examples=100, suppress_health_check=list(HealthCheck))
@given(
    style=st.sampled_from(["block", "flow", "json"]),
    entries=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=6),
    comment=st.sampled_from(["", "  # note"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    forms=st.lists(st.sampled_from(['"{}"', "{}", "'{}'"]), min_size=3, max_size=3),
    wanted=st.sampled_from([None, "string", "integer"]),
)
@example(style="block", entries=[PEOPLE[0], PEOPLE[0]], comment="", ending="\n", forms=["{}"] * 3, wanted="string")
def test_applying_safe_fixes_to_repeats_and_schedule_values(style, entries, comment, ending, forms, wanted):
    text = _with_principals(style, entries, "" if style == "json" else comment)
    schedule = zip(("execute_day", "execute_hour", "execute_minute"), forms, (3, 4, 5), strict=True)
    text = text.replace(
        "    principals:",
        "    execute_strategy: SCHEDULE\n    execute_frequency: WEEKLY\n"
        + "".join(f"    {k}: {f.format(v)}\n" for k, f, v in schedule)
        + "    principals:",
    )
    text = text.replace("\n", ending)
    fixed = _check_fix(text, **({"schedule_value_type": wanted} if wanted else {}))
    [doc] = load_source(fixed, "a.lfjob.yaml")[1]
    block = doc.data["parameter"]["metadata_discovery_parameter"]
    unique = list(dict.fromkeys(entries))
    assert [tuple(p.values()) for p in block["principals"]] == unique  # the first of each, in order
    if wanted:
        assert {type(block[k]) for k in ("execute_day", "execute_hour", "execute_minute")} == {
            str if wanted == "string" else int
        }


def test_fix_over_processes_gives_the_files_and_the_report_of_one_process(tmp_path):
    """``--fix -j 2`` over more files than a worker's chunk (8): the same fixed files, the same report, in the
    same order, as ``-j 1``."""
    specs = [
        BAD,
        _with_principals("block", [PEOPLE[0], PEOPLE[1], PEOPLE[0]]),
        _with_principals("flow", [PEOPLE[2], PEOPLE[2]]),
        SCHEDULED + "    execute_day: 1\n    execute_hour: 2\n    execute_minute: 30\n",
        GOOD.replace("instance_id:", "instance_idd:"),  # unsafe only: left, and reported
        GOOD,
    ]
    trees = []
    for jobs in ("1", "2"):
        tree = tmp_path / f"j{jobs}"
        (tree / "jobs").mkdir(parents=True)
        (tree / ".lflint.toml").write_text('schedule-value-type = "string"\n')
        for number in range(24):
            (tree / f"jobs/job{number:02}.lfjob.yaml").write_text(specs[number % len(specs)])
        done = lflint_subprocess("check", "--fix", "--show-fixes", "-j", jobs, "jobs", cwd=tree)
        files = {p.name: p.read_bytes() for p in sorted((tree / "jobs").iterdir())}
        trees.append((done.returncode, done.stdout, done.stderr, files))
    assert trees[0] == trees[1]
    code, out, _, files = trees[0]
    assert code == 1 and "Fixed 28 findings." in out and out.count("LF102 [error]") == 4  # an unsafe fix: left
    assert files["job01.lfjob.yaml"] == _with_principals("block", [PEOPLE[0], PEOPLE[1]]).encode()
    assert files["job05.lfjob.yaml"] == GOOD.encode()
