"""Every rule's examples run as tests; the rule docs are generated from the same files."""

import json
from pathlib import Path

import pytest

from lflint.docgen import rules_markdown, run_examples
from lflint.rules import all_rules, builtin_rules, load_rule_file, RuleError

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
    jsonschema.validate(data, json.loads((ROOT / "schemas/rule.schema.json").read_text()),
                        cls=jsonschema.Draft202012Validator)
    assert data["id"].startswith("LF")
    if "then" in data:
        jsonschema.Draft202012Validator.check_schema(data["then"])


def test_every_rule_that_a_spec_can_trigger_has_a_bad_example():
    untestable = {"LF003", "LF007", "LF010"}  # not UTF-8, a path that cannot be read, a bug: see test_loading
    assert [r.id for r in RULES if not r.examples["bad"] and r.id not in untestable] == []


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
    assertions = keywords & {"required", "additionalProperties", "type", "enum", "const", "pattern", "minLength",
                             "maxLength", "minimum", "maximum", "maxItems", "minItems"}
    mapped = {k for r in RULES for k in r.keywords}
    assert assertions <= mapped


def test_docs_are_current():
    assert (ROOT / "docs/rules.md").read_text(encoding="utf-8") == rules_markdown(), \
        "docs/rules.md is stale: run `python -m lflint.docgen > docs/rules.md`"


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
