"""Behaviours a mutation run found that no test noticed (issue 19), each pinned through the CLI or the API."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import GOOD, user_rule

import lflint
from lflint import lint_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BAD = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: upsert")
SECRET = "Sup3rS3cret!"
MIGRATION = (EXAMPLES / "hive-migration.lfjob.yaml").read_text().replace("${LF_HIVE_DB_PASSWORD}", SECRET)


def found(text, filename="job.yaml"):
    return [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in lint_text(text, filename)]


# -- inline suppressions --------------------------------------------------------------------------------------


def test_a_suppression_silences_only_its_own_rule(run_json, tmp_path):
    spec = BAD.replace("target_catalog: hive", "target_catalog: hive  # lflint: disable=LF303")
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    code, result = run_json("a.lfjob.yaml")
    assert code == 1
    assert [(d["rule"], d["line"]) for d in result] == [("LF009", 6), ("LF104", 8)]


def test_unused_suppression_ranges(run_json, tmp_path):
    line = "    target_catalog: hive  # lflint: disable=LF303, nope -- why"
    (tmp_path / "a.lfjob.yaml").write_text(GOOD.replace("    target_catalog: hive", line))
    _, result = run_json("a.lfjob.yaml")
    start = line.index("#") + 1
    assert [(d["line"], d["column"], d["end_line"], d["end_column"]) for d in result] == [
        (6, start, 6, len(line) + 1)
    ] * 2
    spec = "# lflint: disable-next-line=LF104\n" + GOOD
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    _, result = run_json("a.lfjob.yaml")
    assert [(d["rule"], d["line"], d["column"], d["end_column"]) for d in result] == [("LF009", 1, 1, 34)]


# -- secrets ----------------------------------------------------------------------------------------------------


def test_user_rule_on_a_block_with_a_secret_never_prints_it(run, tmp_path):
    user_rule(
        tmp_path,
        "ORG010",
        "parameter.metadata_migration_parameter.datasource_parameter",
        {"not": {"properties": {"datasource_type": {"const": "HIVE"}}}},
    )
    (tmp_path / "m.lfjob.yaml").write_text(MIGRATION)
    for fmt in ("text", "json"):
        code, out = run("check", "m.lfjob.yaml", "--format", fmt)
        assert code == 1 and "ORG010" in out and SECRET not in out
    [message] = [d.message for d in lflint.lint_paths([tmp_path / "m.lfjob.yaml"]) if d.rule == "ORG010"]
    assert message.startswith("`datasource_parameter` ") and SECRET not in message


# -- user rules -------------------------------------------------------------------------------------------------


def test_user_rule_with_unique_items_and_no_message(run_json, tmp_path):
    user_rule(
        tmp_path,
        "ORG011",
        "parameter.metadata_discovery_parameter",
        {"properties": {"principals": {"uniqueItems": True}}},
    )
    spec = GOOD + (
        "    principals:\n      - {principal_type: USER, principal_source: IAM, principal_name: a}\n"
        "      - {principal_type: USER, principal_source: IAM, principal_name: b}\n"
    )
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    assert run_json("a.lfjob.yaml")[0] == 0
    (tmp_path / "a.lfjob.yaml").write_text(spec.replace("principal_name: b", "principal_name: a"))
    code, result = run_json("a.lfjob.yaml")
    assert [(d["rule"], d["line"], d["message"]) for d in result if d["rule"] == "ORG011"] == [
        ("ORG011", 12, "`principals` lists the same item twice")
    ]


# -- the findings cache -----------------------------------------------------------------------------------------


def test_the_cache_answers_for_unchanged_files(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    (tmp_path / "b.lfjob.yaml").write_text(GOOD)
    fresh = run("check", "a.lfjob.yaml", "--format", "json", "--no-cache")
    code, out = run("check", ".", "--format", "json", "--cache", "--statistics")
    assert code == 1 and "0 of 2 files answered from the cache" in out
    code, out = run("check", ".", "--cache", "--statistics")
    assert "2 of 2 files answered from the cache" in out
    assert (
        out.replace("2 of 2 files answered from the cache\n", "") == run("check", ".", "--no-cache", "--statistics")[1]
    )  # excerpts and all
    (tmp_path / "b.lfjob.yaml").write_text(BAD)
    code, out = run("check", ".", "--format", "json", "--cache", "--statistics")
    assert "1 of 2 files answered from the cache" in out
    assert json.loads(run("check", ".", "--format", "json", "--cache")[1])[-1]["file"] == "b.lfjob.yaml"
    assert run("check", "a.lfjob.yaml", "--format", "json", "--cache") == fresh


# -- reports ----------------------------------------------------------------------------------------------------


def test_junit_counts_failing_files(run, tmp_path):
    for name, text in (("a", BAD), ("b", GOOD), ("c", BAD)):
        (tmp_path / f"{name}.lfjob.yaml").write_text(text)
    root = ET.fromstring(run("check", ".", "--format", "junit")[1])
    suite = root.find("testsuite")
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    assert (suite.get("tests"), suite.get("failures")) == ("3", "2")


def test_text_report_written_to_a_file_keeps_its_source_lines(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    code, out = run("check", "a.lfjob.yaml", "-o", "report.txt")
    assert code == 1 and out == "Found 1 problem (1 error) in 1 file.\n"
    assert (tmp_path / "report.txt").read_text() == run("check", "a.lfjob.yaml")[1]
    assert "8 |     conflict_strategy: upsert\n" in (tmp_path / "report.txt").read_text()


def _fingerprints(run, name):
    sarif = json.loads(run("check", name, "--format", "sarif")[1])["runs"][0]["results"]
    gitlab = json.loads(run("check", name, "--format", "gitlab")[1])
    return (
        [(r["ruleId"], r["partialFingerprints"]["lflintFingerprint/v1"]) for r in sarif],
        [(i["check_name"].split()[0], i["fingerprint"]) for i in gitlab],
    )


def test_fingerprints_tell_findings_on_one_line_apart(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(
        GOOD.replace("target_catalog: hive", "target_catalog: hive  # lflint: disable=LF303, nope")
    )
    for fingerprints in _fingerprints(run, "a.lfjob.yaml"):
        assert [rule for rule, _ in fingerprints] == ["LF009", "LF009"]
        assert len({f for _, f in fingerprints}) == 2


def test_fingerprints_survive_a_changed_value(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(BAD)
    before = _fingerprints(run, "a.lfjob.yaml")
    (tmp_path / "a.lfjob.yaml").write_text(BAD.replace("upsert", "upsrt"))
    assert lint_text(BAD, "a.lfjob.yaml")[0].message != lint_text(BAD.replace("upsert", "upsrt"))[0].message
    assert _fingerprints(run, "a.lfjob.yaml") == before


# -- messages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: [a]\n", "`name` must be a string; found a list"),
        ("name: {a: 1}\n", "`name` must be a string; found a mapping"),
        ("name: 12345\n", "`name` must be a string; found 12345"),
        ("name: ~\n", "`name` must be a string; found null"),
    ],
)
def test_messages_name_the_type_found(text, message):
    assert message in [d.message for d in lint_text(text, "job.yaml")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("- a\n", "a job spec must be a mapping, found a list"),
        ("just text\n", "a job spec must be a mapping, found a string"),
        ("12\n", "a job spec must be a mapping, found an integer"),
        ("1.5\n", "a job spec must be a mapping, found a number"),
        ("true\n", "a job spec must be a mapping, found a boolean"),
        ("? {a: 1}\n: x\n", "keys must be strings in a job spec, found a mapping as a key; the entry is not read"),
        ("? [a]\n: x\n", "keys must be strings in a job spec, found a list as a key; the entry is not read"),
    ],
)
def test_file_level_messages_name_the_type_found(text, message):
    # (a mapping whose only key is not read is an empty job: LF101 asks for its fields)
    assert [d.message for d in lint_text(text, "job.yaml") if d.rule != "LF101"] == [message]


def test_name_length_messages():
    [short] = lint_text(GOOD.replace("discover_sales", "ab"), "job.yaml")
    assert (short.rule, short.message) == ("LF106", "`name` must be at least 4 characters long; found 2")
    [long] = lint_text(GOOD.replace("discover_sales", "a" * 256), "job.yaml")
    assert (long.rule, long.message) == ("LF106", "`name` must be at most 255 characters long; found 256")


# -- positions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, position",
    [
        ("name: [a, b\n", (2, 1)),  # the stream ends inside the list
        ("name: x\ntype: a: b\n", (2, 8)),  # the second colon
        ("name: x\n  type: y\n", (2, 7)),
        ('name: "x\n', (2, 1)),
    ],
)
def test_yaml_syntax_error_position(text, position):
    line, column = position
    assert found(text) == [("LF001", line, column, line, column + 1)]


@pytest.mark.parametrize(
    "raw, position",
    [
        (b"name: caf\xe9\n", (1, 10)),
        (b"a: 1\nname: caf\xe9s\n", (2, 10)),
        ("name: é ü ".encode() + b"\xff\n", (1, 11)),  # columns count characters, not bytes
    ],
)
def test_invalid_utf8_position(raw, position):
    line, column = position
    assert found(raw) == [("LF003", line, column, line, column + 1)]


@pytest.mark.parametrize(
    "text, position",
    [
        ("---\n", (2, 1, 2, 2)),
        ("# a comment\n---\n", (3, 1, 3, 2)),
        ("--- # nothing here\n...\n", (2, 1, 2, 2)),
    ],
)
def test_empty_document_range(text, position):
    assert found(text) == [("LF004", *position)]


def test_one_line_and_multi_line_values():
    one_line = GOOD.replace("target_catalog: hive", "target_catalog: [hive, x]")
    assert found(one_line) == [("LF103", 6, 21, 6, 30)]  # the whole value
    several = GOOD.replace("target_catalog: hive", "target_catalog: [hive,\n      x]")
    assert found(several) == [("LF103", 6, 5, 6, 19)]  # its key, never a whole block
    flow = (
        "name: discover_sales\ntype: METADATA_DISCOVERY\n"
        "parameter: {metadata_discovery_parameter: {data_location: obs://sales-data/raw}}\n"
    )
    assert set(found(flow)) == {("LF101", 3, 43, 3, 80)}


# -- tags -------------------------------------------------------------------------------------------------------


def test_core_tags_that_match_their_value_are_fine():
    spec = (
        GOOD.replace("parameter:\n", "parameter: !!map\n")
        .replace("    instance_id:", "    table_depth: !!int 3\n    give_write: !!bool false\n    instance_id:")
        .replace("target_catalog: hive", "target_catalog: !!str hive")
    )
    assert found(spec) == []
    assert found(GOOD + "    sync_objects: !!seq []\n") == [("LF102", 12, 5, 12, 17)]


@pytest.mark.parametrize(
    "value, tag",
    [
        ("!!int abc", "!!int"),
        ("!!map [1]", "!!map"),
        ("!!seq {a: 1}", "!!seq"),
        ("!!bool 3", "!!bool"),
        ("!custom x", "!custom"),
    ],
)
def test_tags_that_do_not_match_their_value(value, tag):
    [d] = [d for d in lint_text(GOOD + f"    table_depth: {value}\n", "job.yaml") if d.rule == "LF006"]
    assert (d.line, d.column, d.end_line) == (12, 18, 12)
    assert d.message == f"tag {tag} is not supported in a job spec; the value is read as plain YAML"


# -- files and processes ----------------------------------------------------------------------------------------


def test_unreadable_paths_are_a_file_level_finding(run_json, tmp_path):
    from lflint.runner import Runner

    [d] = Runner(isolated=True, cache=False).check_file(tmp_path).diagnostics  # the API takes any path
    assert (d.rule, d.line, d.column, d.end_line, d.end_column, d.message) == (
        "LF007",
        1,
        1,
        1,
        2,
        "cannot read file: is a directory",
    )
    code, [missing] = run_json("missing.lfjob.yaml")
    assert code == 1 and (missing["rule"], missing["line"], missing["column"], missing["end_column"]) == (
        "LF007",
        1,
        1,
        2,
    )
    assert missing["message"] == "cannot read file: no such file or directory"


def test_parallel_run_fills_the_cache_and_leaves_no_process_behind(run, tmp_path):
    import multiprocessing

    for n in range(3):
        (tmp_path / f"{n}.lfjob.yaml").write_text(BAD if n else GOOD)
    fresh = run("check", ".", "--format", "json", "--no-cache", "--jobs", "2")
    assert run("check", ".", "--format", "json", "--cache", "--jobs", "2") == fresh
    assert multiprocessing.active_children() == []
    [cache] = (tmp_path / ".lflint_cache").glob("lflint-*.json")
    assert all(f"{n}.lfjob.yaml" in cache.read_text() for n in range(3))  # the parent stored the workers' findings


@pytest.mark.parametrize(
    "text, message",
    [
        ('cache-dir = ""\n', "'cache-dir' must be a directory path"),
        ("cache-dir = 3\n", "'cache-dir' must be a directory path"),
        ("placeholder = 3\n", "'placeholder' must be a regular expression string"),
        ('placeholder = "(x"\n', "'placeholder' is not a regular expression"),
        ('per-file-ignores = {"*.yaml" = "LF1"}\n', "'per-file-ignores' must be a table of glob = [rules]"),
        ('severity = "error"\n', "'severity' must be a table of rule ="),
        ("cache = 1\n", "'cache' must be true or false"),
    ],
)
def test_config_values_are_checked(run, tmp_path, text, message):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    (tmp_path / ".lflint.toml").write_text(text)
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and message in out


def test_a_user_rule_whose_then_is_no_schema_is_refused(run, tmp_path):
    user_rule(tmp_path, "ORG012", "parameter.*", {"properties": {"log_location": {"type": 12}}})
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and "ORG012.yaml: `then` is not a valid JSON Schema" in out


def test_user_rule_on_field_names_names_them(run_json, tmp_path):
    user_rule(
        tmp_path,
        "ORG013",
        "parameter.metadata_discovery_parameter",
        {"propertyNames": {"pattern": "^[a-z_]+$"}, "additionalProperties": True},
    )
    (tmp_path / "a.lfjob.yaml").write_text(
        GOOD.replace("    target_catalog: hive", "    target_catalog: hive\n    Owner: x")
    )
    code, found = run_json("a.lfjob.yaml", "--select", "ORG013")
    assert [d["message"] for d in found] == [
        "`parameter.metadata_discovery_parameter` has field names this rule does not allow: `Owner`"
    ]


def test_per_file_ignores_for_a_file_outside_the_config_directory(run_json, tmp_path):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj/.lflint.toml").write_text('[per-file-ignores]\n"outside/*" = ["LF104"]\n')
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/a.lfjob.yaml").write_text(BAD)
    assert run_json("outside/a.lfjob.yaml", "--config", "proj/.lflint.toml") == (0, [])
