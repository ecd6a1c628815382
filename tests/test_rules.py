"""Every rule's examples run as tests; the rule docs are generated from the same files."""

import json
import os
from pathlib import Path

import pytest

from lflint.docgen import example_findings, rules_markdown, run_examples
from lflint.rules import RuleError, all_rules, builtin_rules, load_rule_file

RULES = builtin_rules()
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.id}-{r.slug}")
def test_rule_examples(rule):
    assert run_examples(rule, all_rules()) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_file_is_named_after_its_rule(rule):
    assert rule.path.name == f"{rule.id}-{rule.slug}.yaml"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_builtin_rule_file_is_valid(rule):
    """lflint does not validate its own rule files at startup; this test does, against the same rule schema."""
    import jsonschema
    import yaml

    data = yaml.safe_load(rule.path.read_text(encoding="utf-8"))
    jsonschema.validate(
        data, json.loads((ROOT / "schemas/rule.schema.json").read_text()), cls=jsonschema.Draft202012Validator
    )
    assert data["id"].startswith("LF")
    if "then" in data:
        jsonschema.Draft202012Validator.check_schema(data["then"])


def test_every_rule_that_a_spec_can_trigger_has_a_bad_example():
    untestable = {"LF003", "LF007", "LF010", "LF012"}  # not UTF-8, an unreadable path, a bug (see test_loading),
    # a baseline entry (see test_adoption)
    assert [r.id for r in RULES if not r.examples["bad"] and r.id not in untestable] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_rule_that_offers_a_fix_shows_the_text_it_leaves(rule):
    """For each applicability of fix (safe, unsafe) that a rule's findings offer in its bad examples, one of those
    examples states the text the fix leaves (``fixed`` / ``unsafe_fixed``, which ``test_rule_examples`` checks);
    a rule documents its fixes (``docs.autofix``) exactly when it offers some (an ``autofix`` starting "none:" says
    why a rule offers none)."""
    found = example_findings(rule, all_rules())
    offered = [
        {d.fix.applicability for d in found["bad", number] if d.rule == rule.id and d.fix}
        for number in range(1, len(rule.examples["bad"]) + 1)
    ]
    shown = {a for here, stated in zip(offered, rule.fixed, strict=True) for a in here & set(stated)}
    assert set().union(*offered) == shown, "add `fixed:` / `unsafe_fixed:` to a bad example that has the fix"
    assert (not rule.docs.get("autofix", "none:").startswith("none:")) == bool(shown)


def test_a_stated_fixed_text_is_checked(tmp_path):
    source = (ROOT / "rules/LF104-invalid-value.yaml").read_text(encoding="utf-8")
    assert "      fixed: |\n" in source and "conflict_strategy: UPSERT  # expect: LF104" in source
    broken = tmp_path / "LF104-invalid-value.yaml"
    broken.write_text(source.replace("conflict_strategy: UPSERT  # expect: LF104", "conflict_strategy: Upsert  # x"))
    problems = run_examples(load_rule_file(broken, builtin=True), all_rules())
    assert problems == [
        "bad example 1: `fixed` is not what `check --fix` leaves (- stated, + left):\n"
        "@@ -7,3 +7,3 @@\n"
        "     target_database: sales\n"
        "-    conflict_strategy: Upsert  # x\n"
        "+    conflict_strategy: UPSERT  # expect: LF104\n"
        "     file_discovery_type: PARQUET\n"
    ]


def test_every_schema_keyword_maps_to_a_rule():
    keywords = set()

    def walk(node):
        if isinstance(node, dict):
            keywords.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((ROOT / "schemas/job.schema.json").read_text()))
    assertions = keywords & {
        "required",
        "additionalProperties",
        "type",
        "enum",
        "const",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "maxItems",
        "minItems",
    }
    mapped = {k for r in RULES for k in r.keywords}
    assert assertions <= mapped


def test_docs_are_current():
    assert (ROOT / "docs/rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `python -m lflint.docgen > docs/rules.md`"
    )


def test_broken_rule_file_names_the_file(tmp_path):
    bad = tmp_path / "ORG001-x.yaml"
    bad.write_text("id: ORG001\nslug: x\nseverity: fatal\n")
    with pytest.raises(RuleError, match="ORG001-x.yaml"):
        load_rule_file(bad, builtin=False)


def test_rule_command_prints_docs(run):
    code, out = run("rule", "LF302")
    assert code == 0 and "schedule-day-invalid" in out and "How to fix" in out
    assert run("rule", "schedule-day-invalid")[1] == out
    code, out = run("rule", "LF3O2")
    assert code == 2 and "did you mean 'LF302'" in out


def test_rules_command_lists_catalogue(run):
    code, out = run("rules")
    assert code == 0
    assert len([line for line in out.splitlines() if " LF" in line]) == len(RULES)


MESSAGES = Path(__file__).parent / "golden" / "rule-messages.txt"


def test_bad_examples_say_what_they_say():
    """The message of every finding of every bad example, against a checked-in file: a wording change is a diff
    in review (regenerate with LFLINT_UPDATE_GOLDEN=1, as the golden reports)."""
    every = all_rules()
    lines = [
        f"{rule.id} {kind} {number}:{d.line}:{d.column} {d.rule} {d.message}"
        for rule in RULES
        for (kind, number), found in example_findings(rule, every).items()
        for d in found
    ]
    text = "\n".join(lines) + "\n"
    if os.environ.get("LFLINT_UPDATE_GOLDEN"):
        MESSAGES.write_text(text, encoding="utf-8")
    assert text == MESSAGES.read_text(encoding="utf-8"), (
        f"{MESSAGES.name} differs: if the change is intended, run LFLINT_UPDATE_GOLDEN=1 pytest tests/test_rules.py"
    )
    worded = {line.split()[0] for line in lines if line.split()[3] == line.split()[0]}
    assert [r.id for r in RULES if r.examples["bad"] and r.id not in worded] == []


def test_every_builtin_rule_states_its_kind():
    import yaml

    for rule in RULES:
        assert yaml.safe_load(rule.path.read_text(encoding="utf-8"))["kind"] == rule.kind


def test_a_code_rule_naming_a_missing_function_fails_at_load(tmp_path):
    source = (ROOT / "rules/LF208-duplicate-location-key.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "LF208-duplicate-location-key.yaml"
    broken.write_text(source.replace("check: duplicate_location_keys", "check: duplicate_location_kyes"))
    with pytest.raises(RuleError, match="`check: duplicate_location_kyes` names no function of lflint/checks.py"):
        load_rule_file(broken, builtin=True)


@pytest.mark.parametrize(
    "change, error",
    [
        (("given: parameter.*", "kind: code\ncheck: literal_secrets\ngiven: parameter.*"), "a user rule is data only"),
        (("given: parameter.*", "kind: file\ngiven: parameter.*"), "a user rule is data only"),
        (("then:", "kind: schema\nkeywords: [required]\nthen:"), "has `then`, and no `keywords` or `check`"),
        (("then:", "kind: schema\nthen:"), None),
        (("then:", "fix: delete\nthen:"), "`fix` is for built-in rules only"),  # README, "Fixing"
    ],
)
def test_a_user_rule_is_of_kind_schema(tmp_path, change, error):
    rule = tmp_path / "ORG001-corp-log-bucket.yaml"
    rule.write_text((ROOT / "examples/policies/ORG001-corp-log-bucket.yaml").read_text().replace(*change, 1))
    if error is None:
        assert load_rule_file(rule, builtin=False).kind == "schema"
    else:
        with pytest.raises(RuleError, match=error):
            load_rule_file(rule, builtin=False)


def test_builtin_rule_bundle_is_current():
    """lflint reads its built-in rules from rules/builtin.json, made from the rule files; after a rule file
    changes, `python -m lflint.rules` writes it again (a stale one is not used: every start would read YAML)."""
    from lflint.rules import BUNDLE, bundle_json, rule_data

    assert BUNDLE.read_text(encoding="utf-8") == bundle_json(), "run `python -m lflint.rules`"
    # the same values and types as read from YAML (JSON has no int keys, tuples or 1.0 beside 1)
    from_yaml = [rule_data(r.path, r.path.read_bytes()) for r in RULES]
    assert repr(json.loads(bundle_json())["rules"]) == repr(from_yaml)
    assert [repr(r.__getattribute__(a)) for r in RULES for a in r.__slots__] == [
        repr(r.__getattribute__(a)) for r in (load_rule_file(r.path, builtin=True) for r in RULES) for a in r.__slots__
    ]


def test_stale_rule_bundle_is_not_used(tmp_path, monkeypatch):
    """The bundle is read only while its digest is that of the rule files beside it (a rule file edited in a
    checkout makes it stale: then the YAML files are read)."""
    from lflint import rules

    bundle = json.loads(rules.BUNDLE.read_text(encoding="utf-8"))
    bundle["rules"][0]["summary"] = "from the bundle"
    monkeypatch.setattr(rules, "BUNDLE", tmp_path / "builtin.json")
    try:
        for digest, summary in ((bundle["digest"], "from the bundle"), ("0" * 64, RULES[0].summary)):
            rules.BUNDLE.write_text(json.dumps({**bundle, "digest": digest}))
            rules.json_file.cache_clear()
            rules.builtin_rules.cache_clear()
            assert rules.builtin_rules()[0].summary == summary
    finally:
        rules.builtin_rules.cache_clear()
        rules.json_file.cache_clear()
