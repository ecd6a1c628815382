"""`lflint schema` as editors use it: a valid draft-07 schema (and the 2020-12 one lflint checks with), with a
description on every field, a description for every enum value, and the same verdicts as the original."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from lflint.rules import builtin_rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def schemas(request):
    from click.testing import CliRunner

    from lflint.cli import main

    def export(*args):
        return json.loads(CliRunner().invoke(main, ["schema", *args]).output)

    return export(), export("--draft", "2020-12")


def fields(node, path=""):
    """(path, subschema) of every property and list item."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}/{name}", sub
            yield from fields(sub, f"{path}/{name}")
        for key in ("items", "definitions", "$defs"):
            if isinstance(node.get(key), dict):
                subs = node[key].items() if key != "items" else [("*", node[key])]
                for name, sub in subs:
                    yield from fields(sub, f"{path}/{name}")


def test_both_drafts_are_valid_schemas(schemas):
    editors, original = schemas
    jsonschema.Draft7Validator.check_schema(editors)
    jsonschema.Draft202012Validator.check_schema(original)
    assert "$defs" not in json.dumps(editors)  # draft-07 spells them definitions


def test_every_field_is_described_for_editors(schemas):
    editors, original = schemas
    for path, sub in fields(original):
        assert sub.get("description") or "$ref" in sub, path  # a $ref target is checked under $defs
        if "enum" in sub:
            assert len(sub.get("enumDescriptions", [])) == len(sub["enum"]), path
        for example in sub.get("examples", []) + ([sub["default"]] if "default" in sub else []):
            resolved = {**original["$defs"][sub["$ref"].rsplit("/", 1)[1]], **sub} if "$ref" in sub else sub
            assert jsonschema.Draft202012Validator({**resolved, "$defs": original["$defs"]}).is_valid(example), path
    assert all(sub.get("description") for sub in original["$defs"].values())
    for path, sub in fields(editors):
        if "description" in sub:
            assert sub["markdownDescription"] == sub["description"], path
        if "enumDescriptions" in sub:
            assert sub["markdownEnumDescriptions"] == sub["enumDescriptions"], path


def documents():
    for rule in builtin_rules():
        for example in rule.examples["good"] + rule.examples["bad"]:
            try:
                data = yaml.safe_load(example)
            except yaml.YAMLError:
                continue
            if isinstance(data, dict):
                yield data
    for path in sorted((ROOT / "examples").glob("*.lfjob.*")):
        yield yaml.safe_load(path.read_text())


def test_draft_07_gives_the_same_verdicts(schemas):
    editors, original = schemas
    seven, twenty = jsonschema.Draft7Validator(editors), jsonschema.Draft202012Validator(original)
    checked = 0
    for data in documents():
        assert sorted(e.json_path for e in seven.iter_errors(data)) == sorted(
            e.json_path for e in twenty.iter_errors(data)
        )
        checked += 1
    assert checked > 50


def _hover(node, definitions):
    """The description yaml-language-server 2.x shows on hover: it merges a $ref's target into the referring
    node (the node's own keys win), collects an allOf's items before the schema around them, and shows the first
    (markdown) description it collected."""
    while "$ref" in node:
        target = definitions[node["$ref"].rsplit("/", 1)[1]]
        node = {
            **target,
            **{k: v for k, v in node.items() if k != "$ref"},
            **({"$ref": target["$ref"]} if "$ref" in target else {}),
        }
    for sub in node.get("allOf", []):
        text = _hover(sub, definitions)
        if text:
            return text
    return node.get("markdownDescription") or node.get("description")


def test_every_field_hovers_with_its_own_description(schemas):
    editors, original = schemas
    exported = dict(fields(editors))
    checked = 0
    for path, sub in fields(original):
        target = original["$defs"][sub["$ref"].rsplit("/", 1)[1]] if "$ref" in sub else {}
        own = sub.get("description") or target.get("description")
        assert _hover(exported[path], editors["definitions"]) == own, path
        checked += "$ref" in sub and "description" in sub
    assert checked >= 11  # the fields that share a definition but describe themselves
