"""Configuration, inline suppressions and users' own rules, through the CLI."""

import json
import shutil
from pathlib import Path

from conftest import GOOD

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHEDULED = GOOD + (
    "    execute_strategy: SCHEDULE\n    execute_frequency: MONTHLY\n    execute_day: 31\n"
    "    execute_hour: 2\n    execute_minute: 30\n"
)


def rules_of(run_json, *args):
    code, found = run_json(*args)
    return code, sorted((d["rule"], d["line"], d["severity"]) for d in found)


def test_pyproject_and_dedicated_file(run_json, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(SCHEDULED)
    assert rules_of(run_json, "a.lfjob.yaml") == (1, [("LF303", 14, "warning")])
    (tmp_path / "pyproject.toml").write_text('[tool.lflint]\nignore = ["schedule-day-skips-months"]\n')
    assert rules_of(run_json, "a.lfjob.yaml") == (0, [])
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/b.lfjob.yaml").write_text(SCHEDULED)
    (tmp_path / "sub/.lflint.toml").write_text('[severity]\nLF303 = "error"\n')
    assert rules_of(run_json, "sub/b.lfjob.yaml") == (1, [("LF303", 14, "error")])  # nearest file wins
    assert rules_of(run_json, "sub/b.lfjob.yaml", "--isolated") == (1, [("LF303", 14, "warning")])
    assert rules_of(run_json, "a.lfjob.yaml", "--config", "sub/.lflint.toml")[1] == [("LF303", 14, "error")]


def test_select_prefix_extend_select_and_cli_precedence(run_json, tmp_path):
    spec = SCHEDULED.replace("discover_sales", "discover-sales")
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    (tmp_path / ".lflint.toml").write_text('select = ["LF3"]\n')
    assert rules_of(run_json, "a.lfjob.yaml")[1] == [("LF303", 14, "warning")]
    assert rules_of(run_json, "a.lfjob.yaml", "--extend-select", "LF105")[1] == [
        ("LF105", 1, "error"),
        ("LF303", 14, "warning"),
    ]
    assert rules_of(run_json, "a.lfjob.yaml", "--select", "invalid-characters")[1] == [("LF105", 1, "error")]


def test_severity_override_changes_exit_code(run_json, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(SCHEDULED)
    (tmp_path / ".lflint.toml").write_text('fail-on = "error"\n')
    assert rules_of(run_json, "a.lfjob.yaml")[0] == 0
    (tmp_path / ".lflint.toml").write_text('fail-on = "error"\n[severity]\nschedule-day-skips-months = "error"\n')
    assert rules_of(run_json, "a.lfjob.yaml")[0] == 1
    (tmp_path / ".lflint.toml").write_text('[severity]\nLF303 = "info"\n')
    assert rules_of(run_json, "a.lfjob.yaml") == (0, [("LF303", 14, "info")])


def test_per_file_ignores_include_exclude(run_json, tmp_path):
    for name in ("jobs/a.lfjob.yaml", "sandbox/b.lfjob.yaml", "legacy/c.lfjob.yaml", "jobs/d.job.yml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(SCHEDULED)
    (tmp_path / ".lflint.toml").write_text(
        'exclude = ["legacy"]\ninclude = ["*.lfjob.yaml", "*.job.yml"]\n[per-file-ignores]\n"sandbox/*" = ["LF3"]\n'
    )
    code, found = run_json(".")
    assert sorted({d["file"] for d in found}) == [str(Path("jobs/a.lfjob.yaml")), str(Path("jobs/d.job.yml"))]


def test_config_errors_exit_2(run, tmp_path):
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    cases = {
        'ignoer = ["LF1"]\n': "did you mean 'ignore'?",
        "select = 3\n": "must be a list of strings",
        'ignore = ["LF999"]\n': "unknown rule 'LF999'",
        'fail-on = "fatal"\n': "must be one of",
        "select = [\n": "invalid TOML",
        '[severity]\nLF101 = "loud"\n': "must be a table",
    }
    for text, message in cases.items():
        (tmp_path / ".lflint.toml").write_text(text)
        code, out = run("check", "a.lfjob.yaml")
        assert code == 2 and message in out, (text, out)
        assert "Traceback" not in out
    assert run("check", "a.lfjob.yaml", "--config", "nope.toml")[0] == 2


def test_show_settings(run, tmp_path):
    (tmp_path / ".lflint.toml").write_text('ignore = ["LF109"]\n')
    code, out = run("config", "--select", "LF1")
    assert code == 0
    assert "ignore             = ['LF109']  # " + str(tmp_path / ".lflint.toml") in out
    assert "select             = ['LF1']  # command line" in out
    assert "fail-on            = warning  # default" in out


def test_inline_suppressions(run_json, tmp_path):
    spec = SCHEDULED.replace("execute_day: 31", "execute_day: 31  # lflint: disable=LF303 -- month-end run")
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    assert rules_of(run_json, "a.lfjob.yaml") == (0, [])
    spec = SCHEDULED.replace(
        "    execute_day: 31", "    # lflint: disable-next-line=schedule-day-skips-months\n    execute_day: 31"
    )
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    assert rules_of(run_json, "a.lfjob.yaml") == (0, [])
    (tmp_path / "a.lfjob.yaml").write_text("# lflint: disable-file=LF303,LF105\n" + SCHEDULED)
    code, found = run_json("a.lfjob.yaml")
    assert [(d["rule"], d["line"], d["message"]) for d in found] == [
        ("LF009", 1, "suppression of 'LF105' silences no finding")
    ]


def test_unused_and_unknown_suppressions(run_json, tmp_path):
    spec = GOOD.replace("target_catalog: hive", "target_catalog: hive  # lflint: disable=LF303, nope")
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    code, found = run_json("a.lfjob.yaml")
    assert code == 1
    assert [(d["rule"], d["line"], d["column"], d["message"]) for d in found] == [
        ("LF009", 6, 27, "suppression of 'LF303' silences no finding"),
        ("LF009", 6, 27, "suppression of 'nope' names no rule"),
    ]
    assert rules_of(run_json, "a.lfjob.yaml", "--ignore", "unused-suppression") == (0, [])


def test_user_rules(run_json, run, tmp_path):
    shutil.copytree(EXAMPLES / "policies", tmp_path / "policies")
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["policies"]\n')
    (tmp_path / "a.lfjob.yaml").write_text(GOOD)
    code, found = run_json("a.lfjob.yaml")
    assert [(d["rule"], d["name"], d["line"]) for d in found] == [("ORG001", "corp-log-bucket", 10)]
    assert "ORG002" in run("rules")[1]
    code, out = run("test-rules", "policies")
    assert code == 0 and out.splitlines()[-1] == "2 passed, 0 failed"


def test_user_rule_errors(run, tmp_path):
    (tmp_path / "rules").mkdir()
    rule = (EXAMPLES / "policies/ORG001-corp-log-bucket.yaml").read_text()
    (tmp_path / "rules/x.yaml").write_text(rule.replace("id: ORG001", "id: LF101"))
    code, out = run("test-rules", "rules")
    assert code == 2 and "LF prefix is lflint's own" in out
    (tmp_path / "rules/x.yaml").write_text(rule.replace("given: parameter.*", "check: literal_secrets"))
    assert "data only" in run("test-rules", "rules")[1]
    (tmp_path / "rules/x.yaml").write_text(rule.replace("# expect: ORG001", ""))
    code, out = run("test-rules", "rules")
    assert code == 1 and "FAIL  ORG001" in out and "0 passed, 1 failed" in out


def test_a_user_rule_cannot_declare_fixes(run, tmp_path):
    """A user rule is data: it cannot know a safe edit, so its bad examples state no fixed text (a bad example may
    still be written as a mapping, its spec under ``spec``)."""
    (tmp_path / "rules").mkdir()
    rule = (EXAMPLES / "policies/ORG001-corp-log-bucket.yaml").read_text()
    bad = rule[rule.index("    - |\n", rule.index("  bad:")) :]
    spec = "    - spec: |\n" + "".join(f"  {line}" for line in bad.splitlines(True)[1:])
    (tmp_path / "rules/x.yaml").write_text(rule.replace(bad, spec))
    assert run("test-rules", "rules") == (0, "ok    ORG001  corp-log-bucket\n1 passed, 0 failed\n")
    fixed = spec + "      fixed: |\n        name: x\n"
    (tmp_path / "rules/x.yaml").write_text(rule.replace(bad, fixed))
    code, out = run("test-rules", "rules")
    assert code == 2 and out.endswith(
        "bad example 1 states `fixed`, but a rule of your own cannot declare fixes (it is data: lflint cannot "
        "know a safe edit for it); remove it\n"
    )
    (tmp_path / ".lflint.toml").write_text('rule-paths = ["rules"]\n')
    code, out = run("check", ".")
    assert code == 2 and "a rule of your own cannot declare fixes" in out


def test_json_files_use_config_not_comments(run_json, tmp_path):
    (tmp_path / "a.lfjob.json").write_text(json.dumps({"name": "abc"}))
    (tmp_path / ".lflint.toml").write_text('[per-file-ignores]\n"*.json" = ["LF101", "LF106"]\n')
    assert rules_of(run_json, "a.lfjob.json") == (0, [])


def test_placeholder_pattern(run_json, tmp_path):
    spec = (EXAMPLES / "hive-migration.lfjob.yaml").read_text()
    (tmp_path / "a.lfjob.yaml").write_text(spec)
    assert rules_of(run_json, "a.lfjob.yaml") == (0, [])
    (tmp_path / ".lflint.toml").write_text("placeholder = '^vault:'\n")
    assert rules_of(run_json, "a.lfjob.yaml") == (1, [("LF501", 11, "error")])
    (tmp_path / "a.lfjob.yaml").write_text(spec.replace("${LF_HIVE_DB_PASSWORD}", "vault:db/hive"))
    assert rules_of(run_json, "a.lfjob.yaml") == (0, [])
