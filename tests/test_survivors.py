"""Behaviours that mutants surviving a mutation run changed and no test noticed (issue 19; docs/testing.md names
the mutant each test kills), pinned through the CLI and the API as a user sees them."""

import contextlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import GOOD, lflint_subprocess, user_rule

import lflint
from lflint import lint_text
from lflint.cache import machine_key
from lflint.engine import Linter
from lflint.rules import load_rule_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def org_rule(tmp_path, then, given="parameter.metadata_discovery_parameter"):
    """User rule ORG001 (no message of its own) in tmp_path/policies, switched on by tmp_path/.lflint.toml."""
    user_rule(tmp_path, "ORG001", given, then)


def org_findings(run_json, name):
    code, result = run_json(name)
    return [
        (d["line"], d["column"], d["end_column"], d["pointer"], d["message"]) for d in result if d["rule"] == "ORG001"
    ]


# -- messages ---------------------------------------------------------------------------------------------------


def test_a_long_value_is_shortened_with_an_ellipsis():
    [finding] = lint_text(GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: " + "ab" * 40), "a.yaml")
    assert finding.message == ('`conflict_strategy` must be one of UPDATE, INSERT, UPSERT; found "' + "ab" * 28 + '…"')
    exactly = "a" * 58  # 60 characters with its quotes: shown whole
    [finding] = lint_text(GOOD.replace("conflict_strategy: UPSERT", f"conflict_strategy: {exactly}"), "a.yaml")
    assert finding.message.endswith(f'found "{exactly}"')


def test_pattern_messages_of_a_user_rule(run_json, tmp_path):
    org_rule(tmp_path, {"properties": {"n": {"pattern": "^[a-z]+$"}, "o": {"pattern": "^(x|y)$"}}})
    (tmp_path / "a.lfjob.yaml").write_text(GOOD + '    n: ""\n    o: z\n')
    where = "/parameter/metadata_discovery_parameter/"
    assert org_findings(run_json, "a.lfjob.yaml") == [
        (12, 8, 10, where + "n", '`n` must match ^[a-z]+$; found ""'),  # no character is wrong: none is named
        (13, 8, 9, where + "o", '`o` must match ^(x|y)$; found "z"'),  # not a character class: none is named
    ]
    (tmp_path / "a.lfjob.yaml").write_text(GOOD + "    n: ab1\n    o: x\n")
    assert org_findings(run_json, "a.lfjob.yaml") == [
        (12, 8, 11, where + "n", '`n` must match ^[a-z]+$; found "ab1": `1` at character 3 is not allowed')
    ]


def test_an_infinity_under_a_key_with_tilde_and_slash(run_json, tmp_path):
    org_rule(tmp_path, {"properties": {"a~b/c": {"maximum": 5}}})
    (tmp_path / "a.lfjob.yaml").write_text(GOOD + "    a~b/c: .inf\n")
    assert org_findings(run_json, "a.lfjob.yaml") == [
        (12, 12, 16, "/parameter/metadata_discovery_parameter/a~0b~1c", "`a~b/c` must be at most 5; found Infinity")
    ]


def test_the_api_module_exports_what_lflint_serves():
    names = {}
    exec("from lflint.api import *", names)
    assert {"ConfigError", "Diagnostic", "fix_text", "lint_paths", "lint_text"} <= set(names)
    assert all(names[n] is getattr(lflint, n) for n in ("ConfigError", "Diagnostic", "fix_text", "lint_paths"))


def test_pattern_properties_read_patterns_as_lflint_does_on_both_paths(tmp_path):
    """The reference path (python-jsonschema, which the fast path is tested against) runs lflint's patterns, not
    ``re``: ``$`` is the end of the text, so `x` and a line break is not matched by ``^x$``."""
    org_rule(tmp_path, {"patternProperties": {"^x$": {}}, "additionalProperties": False})
    rule = load_rule_file(tmp_path / "policies" / "ORG001.yaml", builtin=False)
    data = {"parameter": {"metadata_discovery_parameter": {"x\n": 1, "x": 2}}}
    for fast in (True, False):
        found = [(f.rule.id, f.pointer, f.message) for f in Linter([rule], fast=fast).findings(data)]
        assert found == [
            (
                "ORG001",
                "/parameter/metadata_discovery_parameter",
                "`parameter.metadata_discovery_parameter` has a field this rule does not allow: `x\\n`",
            )
        ], fast


# -- loading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1__01", "+1_0_1", "0x_6_5", "0b_1100101"])
def test_integers_with_underscores(value):
    [finding] = lint_text(GOOD + f"    file_sample_rate: {value}\n", "a.yaml")
    assert (finding.rule, finding.message) == ("LF107", "`file_sample_rate` must be between 0 and 100; found 101")


@pytest.mark.parametrize("null", ["~", "null", "Null", "NULL"])
def test_every_spelling_of_null(null):
    [finding] = lint_text(GOOD.replace("name: discover_sales", f"name: {null}"), "a.yaml")
    assert (finding.rule, finding.message) == ("LF103", "`name` must be a string; found null")


def test_a_star_or_ampersand_inside_a_word_is_no_alias_or_anchor():
    """Past 256 KB only libyaml reads a file, so an odd anchor name makes it LF008; `2*3.5` or `a&b:c` in a
    comment or a value are neither anchors nor aliases."""
    padding = "# " + "x" * 300_000 + "\n"
    assert lint_text("description: x*y.z\n" + GOOD + padding + "# 2*3.5 a&b:c\n", "a.yaml") == []
    [finding] = lint_text("description: *b:c\n" + GOOD + padding, "a.yaml")
    assert (finding.rule, finding.line, finding.column) == ("LF008", 1, 14)


# -- secrets in excerpts and diffs ------------------------------------------------------------------------------


def _block_secret_spec(password="|\n        abcdefg\n        hijklmn"):
    """The migration example with a literal password (two lines by default), and a fixable finding on the line
    after it."""
    spec = (EXAMPLES / "hive-migration.lfjob.yaml").read_text().replace("    conflict_strategy: UPSERT\n", "")
    old = (
        "      password: ${LF_HIVE_DB_PASSWORD}   # filled in from the secret store at deploy time\n"
        "      subnet_ip: 192.168.10.0\n"
    )
    new = f"      subnet_ip: 192.168.10.0\n      password: {password}\n    conflict_strategy: upsert  # note\n"
    assert old in spec
    return spec.replace(old, new)


def test_a_block_secret_is_masked_line_by_line(run, tmp_path):
    (tmp_path / "m.lfjob.yaml").write_text(_block_secret_spec())
    code, out = run("check", "m.lfjob.yaml", "--diff")
    assert out.splitlines()[:8] == [
        "--- a/m.lfjob.yaml",
        "+++ b/m.lfjob.yaml",
        "@@ -12,7 +12,7 @@",
        "       password: ****",  # the first line of the secret
        " ",  # its other lines: nothing of them, not a character
        " ",
        "-    conflict_strategy: upsert  # note",  # the line after it: all of it, comment and all
        "+    conflict_strategy: UPSERT  # note",
    ]
    code, out = run("check", "m.lfjob.yaml", "--select", "LF104")
    assert out.splitlines()[:4] == [
        "m.lfjob.yaml:15:24: LF104 [error] [*] `conflict_strategy` must be UPSERT; found "
        '"upsert"; did you mean UPSERT?',
        "   |",
        "15 |     conflict_strategy: upsert  # note",
        "   |                        ^^^^^^",
    ]


def test_a_comment_after_a_secret_is_masked_up_to_its_last_character(run, tmp_path):
    """(``password: abc #def``: ``#def`` may be the rest of the password.) The blanks after it are shown."""
    (tmp_path / "m.lfjob.yaml").write_text(_block_secret_spec("abc  # note   "))
    code, out = run("check", "m.lfjob.yaml", "--diff")
    assert out.splitlines()[5:8] == [
        "       password: ****   ",
        "-    conflict_strategy: upsert  # note",
        "+    conflict_strategy: UPSERT  # note",
    ]


def test_a_comment_after_a_secret_and_a_bracket_is_masked_from_its_hash(run, tmp_path):
    spec = (EXAMPLES / "hive-migration.lfjob.yaml").read_text()
    block = spec[spec.index("    datasource_parameter:\n") : spec.index("    source_catalog:")]
    line = "    datasource_parameter: {username: r, password: abc}  # note"
    (tmp_path / "m.lfjob.yaml").write_text(spec.replace(block, line + "\n"))
    code, out = run("check", "m.lfjob.yaml", "--select", "LF501")
    assert out.splitlines()[2:4] == [
        "8 |     datasource_parameter: {username: r, password: ****}  ****",
        "  | " + " " * line.index("abc") + "^^^^",
    ]


def test_a_secret_that_is_not_a_string_is_never_shown(run, tmp_path):
    """(Found by hand when checking the issue's list: dropping the guard in messages.show, which no mutant of
    the sample did, printed `found 12345678`.)"""
    spec = (EXAMPLES / "hive-migration.lfjob.yaml").read_text().replace("${LF_HIVE_DB_PASSWORD}", "12345678")
    (tmp_path / "m.lfjob.yaml").write_text(spec)
    [finding] = lint_text(spec, "m.lfjob.yaml")
    assert (finding.rule, finding.message) == (
        "LF103",
        "`datasource_parameter.password` must be a string; found a value (hidden)",
    )
    for fmt in ("text", "json", "sarif", "gitlab", "github", "junit", "rdjson"):
        code, out = run("check", "m.lfjob.yaml", "--format", fmt)
        assert code == 1 and "LF103" in out and "12345678" not in out


# -- fixes ------------------------------------------------------------------------------------------------------


def test_a_fix_writes_only_text_that_reads_as_the_suggestion(run_json, tmp_path):
    org_rule(tmp_path, {"properties": {"n": {"enum": ["it's", "c\\d"]}}})
    for value, suggestion, fix in [
        ("'its'", "it's", False),  # it's inside single quotes would end them
        ('"cd"', "c\\d", False),  # a backslash inside double quotes is an escape
        ('"its"', "it's", True),
        ("its", "it's", False),  # unquoted, it's would start a quoted string
        ("c-d", "c\\d", False),
    ]:
        (tmp_path / "a.lfjob.yaml").write_text(GOOD + f"    n: {value}\n")
        [finding] = [d for d in run_json("a.lfjob.yaml")[1] if d["rule"] == "ORG001"]
        assert (finding["suggestion"], finding["fix"] is not None) == (suggestion, fix)


# -- the findings cache -----------------------------------------------------------------------------------------


def _open_files():
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the directory's own descriptor, closed by now
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
    return found


def test_a_cached_run_leaves_no_file_open(run, tmp_path, user_cache_home):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    before = _open_files()
    for _ in range(2):  # makes the signing key, then reads it
        assert run("check", "a.lfjob.yaml", "--cache")[0] == 0
        machine_key.cache_clear()
    assert not {f for f in _open_files() - before if str(tmp_path) in f or str(user_cache_home) in f}


def test_a_cache_file_larger_than_the_limit_is_not_read(run, tmp_path, monkeypatch):
    (tmp_path / ".lflint.toml").write_text("")
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    assert "0 of 1 file answered from the cache" in run("check", "a.lfjob.yaml", "--cache", "--statistics")[1]
    [cache_file] = (tmp_path / ".lflint_cache").glob("lflint-*.json")
    entries = cache_file.read_bytes()
    monkeypatch.setattr("lflint.cache.MAX_CACHE_BYTES", len(entries) + 10)  # as if the cache had grown to it
    cache_file.write_bytes(entries + b" " * 10)  # at the limit: read
    assert "1 of 1 file answered from the cache" in run("check", "a.lfjob.yaml", "--cache", "--statistics")[1]
    cache_file.write_bytes(entries + b" " * 11)  # past it: not read, however valid
    assert "0 of 1 file answered from the cache" in run("check", "a.lfjob.yaml", "--cache", "--statistics")[1]


# -- --diff-base ------------------------------------------------------------------------------------------------


def test_diff_base_is_never_an_option_of_git(run, tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    written = tmp_path / "written-by-git"
    ref = f"--output={written}"
    code, out = run("check", "--diff-base", ref)
    assert (code, out) == (2, f"lflint: error: --diff-base {ref}: not a revision: {ref!r}\n")
    assert not written.exists()


# -- reports and the baseline file ------------------------------------------------------------------------------


def test_github_commands_escape_every_line_break_of_a_message(run, tmp_path):
    org_rule(tmp_path, {"properties": {"n": {"enum": ["x"]}}})
    rule = json.loads((tmp_path / "policies" / "ORG001.yaml").read_text())
    rule["message"] = "one\rtwo\nthree 100% {field}"
    (tmp_path / "policies" / "ORG001.yaml").write_text(json.dumps(rule))
    (tmp_path / "a.lfjob.yaml").write_text(GOOD + "    n: y\n")
    code, out = run("check", "a.lfjob.yaml", "--format", "github", "--select", "ORG")
    assert (code, out) == (
        1,
        "::error file=a.lfjob.yaml,line=12,col=8,endLine=12,endColumn=9,title=ORG001 (org001)::"
        "one%0Dtwo%0Athree 100%25 `n`\n",
    )


def test_the_baseline_file_is_one_indented_entry_a_line(run, tmp_path):
    (tmp_path / ".lflint.toml").write_text("")
    bad = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: UPSERTT")
    (tmp_path / "a.lfjob.yaml").write_text(bad)
    (tmp_path / "b.lfjob.yaml").write_text(bad)
    run("check", "--write-baseline")
    text = (tmp_path / ".lflint-baseline.json").read_text()
    entries = json.loads(text)["entries"]
    assert [(e["file"], e["rule"]) for e in entries] == [("a.lfjob.yaml", "LF104"), ("b.lfjob.yaml", "LF104")]
    rows = ",\n".join("    " + json.dumps(e) for e in entries)
    assert text == '{\n  "version": 1,\n  "entries": [\n' + rows + "\n  ]\n}\n"


def test_a_comment_after_a_baselined_value_keeps_it_baselined(run, run_json, tmp_path):
    (tmp_path / ".lflint.toml").write_text("")
    bad = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: UPSERTT")
    (tmp_path / "a.lfjob.yaml").write_text(bad)
    run("check", "--write-baseline")
    (tmp_path / "a.lfjob.yaml").write_text(bad.replace("UPSERTT", "UPSERTT  # known, see TICKET-1"))
    assert run_json("a.lfjob.yaml") == (0, [])


def test_an_unused_baseline_entry_is_reported_at_its_line(run, run_json, tmp_path):
    (tmp_path / ".lflint.toml").write_text("")
    bad = GOOD.replace("conflict_strategy: UPSERT", "conflict_strategy: UPSERTT")
    (tmp_path / "a.lfjob.yaml").write_text(bad)
    run("check", "--write-baseline")
    (tmp_path / "a.lfjob.yaml").write_text(bad.replace("UPSERTT", "UPSERTX"))
    [stale] = [d for d in run_json("a.lfjob.yaml")[1] if d["rule"] == "LF012"]
    assert (stale["file"], stale["line"], stale["column"], stale["end_line"], stale["end_column"]) == (
        ".lflint-baseline.json",
        4,
        1,
        4,
        2,
    )


# -- configuration ----------------------------------------------------------------------------------------------


def test_a_config_file_of_exactly_the_limit_is_read(tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    body = 'ignore = ["LF110"]\n#'
    (tmp_path / ".lflint.toml").write_text(body + "x" * (2**20 - len(body) - 1) + "\n")
    assert (tmp_path / ".lflint.toml").stat().st_size == 2**20
    result = lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_user_rule_message_template_that_is_not_a_string(tmp_path):
    org_rule(tmp_path, {"properties": {"n": {"x-message": 5, "minLength": 100}}})
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    result = lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path)
    path = tmp_path / "policies" / "ORG001.yaml"
    assert (result.returncode, result.stderr) == (2, f"lflint: error: {path}: `x-message` must be a string\n")


@pytest.mark.parametrize("first", ["required", "properties"])
def test_a_user_rule_reports_every_error_after_its_missing_fields(run_json, tmp_path, first):
    then = {"required": ["p", "q"], "properties": {"target_catalog": {"maxLength": 2}}}
    org_rule(tmp_path, {k: then[k] for k in sorted(then, key=lambda k: k != first)})
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    assert sorted(m for *_, m in org_findings(run_json, "a.lfjob.yaml")) == [
        "`parameter.metadata_discovery_parameter` is missing required fields `p` and `q`",
        "`target_catalog` must be at most 2 characters long; found 4",
    ]


def test_an_invalid_user_rule_names_where(tmp_path):
    org_rule(tmp_path, {})
    rule = json.loads((tmp_path / "policies" / "ORG001.yaml").read_text())
    rule["docs"]["why"] = 1
    (tmp_path / "policies" / "ORG001.yaml").write_text(json.dumps(rule))
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    result = lflint_subprocess("check", "a.lfjob.yaml", cwd=tmp_path)
    path = tmp_path / "policies" / "ORG001.yaml"
    assert (result.returncode, result.stderr) == (
        2,
        f"lflint: error: {path}: invalid rule at docs/why: 1 is not of type 'string'\n",
    )


def test_the_largest_max_file_size_is_accepted(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    (tmp_path / ".lflint.toml").write_text('max-file-size = "1024GB"\n')  # 1 TB, the largest
    assert run("check", "a.lfjob.yaml") == (0, "All checks passed in 1 file.\n")
    (tmp_path / ".lflint.toml").write_text(f"max-file-size = {1024**4 + 1}\n")
    code, out = run("check", "a.lfjob.yaml")
    assert code == 2 and "must be a size in bytes from 1 to 1TB" in out
