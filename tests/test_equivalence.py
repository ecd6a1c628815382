"""The fast path (libyaml events + jsonschema-rs) reports exactly what the reference path reports (ruamel.yaml round
trip + python-jsonschema), on job specs mutated with values where YAML parsers and regex engines disagree."""

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import plain, ruamel_load

from lflint.documents import load
from lflint.engine import Linter
from lflint.rules import builtin_rules

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SPECS = [
    load(p.read_bytes(), p.name)[0][0].data for p in sorted(EXAMPLES.glob("*.lfjob.*")) if not p.name.startswith("bad-")
]
# Written unquoted into the YAML: YAML 1.1 and 1.2 read most of these differently. (A timestamp with a time is left
# out: ruamel.yaml builds a datetime whose text is not the source's, and lflint keeps the source text.)
RAW = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "Yes",
    "0777",
    "0o17",
    "1_000",
    "0x1F",
    "1e3",
    "1.5",
    ".5",
    "2001-12-14",
    "12:30:00",
    "1:20",
    ".inf",
    "-.inf",
    ".nan",
    "~",
    "null",
    "true",
    "True",
    "+1",
    "-0",
    "0b101",
    "'*'",
    "MANNUAL",
    "SCHEDULE",
    "UPDATE",
    "TEXT",
    "obs://sales-data/raw",
    "hdfs://x/y",
    "jdbc:postgresql://h:5432/d",
    "${LF_DB_PASSWORD}",
    "[]",
    "{}",
    "[DATABASE, TABLE]",
    "|\n  text\n",
    '"a\\n"',
    "'  '",
    '"\\x1c"',
    '"٣"',
    '"\u3000"',
]
FIELDS = [
    "execute_day",
    "execute_hour",
    "execute_minute",
    "execute_frequency",
    "execute_strategy",
    "name",
    "type",
    "conflict_strategy",
    "file_discovery_type",
    "policy_type",
    "datasource_type",
    "network_type",
    "key",
    "principal_name",
    "catalog_id",
    "instnace_id",
    "password",
    "username",
    "jdbc_url",
    "header",
    "separator",
    "file_sample_rate",
    "table_depth",
    "sync_objects",
    "locations",
    "principals",
]


class Raw(str):
    """A scalar written into YAML as it is."""


# Printable text (a YAML file may not hold control characters raw; RAW covers the escaped ones)
text = st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), max_size=10)
values = st.sampled_from(RAW).map(Raw) | st.integers(-100, 10**12) | st.booleans() | st.none() | text


def to_yaml(value, indent=0) -> str:
    pad = " " * indent
    if isinstance(value, dict) and value:
        return "".join(f"\n{pad}{json.dumps(k)}:{to_yaml(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list) and value:
        return "".join(f"\n{pad}-{to_yaml(v, indent + 2)}" for v in value)
    if isinstance(value, Raw):
        return " " + value.replace("\n", "\n" + pad)
    return " " + json.dumps(value, ensure_ascii=False)


def paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


@st.composite
def mutated_specs(draw):
    spec = copy.deepcopy(draw(st.sampled_from(SPECS)))
    for _ in range(draw(st.integers(1, 5))):
        where = draw(st.sampled_from(list(paths(spec))))
        parent = spec
        for token in where[:-1]:
            parent = parent[token]
        action = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if action == "set":
            parent[where[-1]] = draw(values)
        elif action == "delete":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(FIELDS))] = draw(values)
        if not spec:
            break
    return spec


RULES = builtin_rules()
FAST, REFERENCE = Linter(RULES), Linter(RULES, fast=False)


def findings(linter, data):
    return sorted({(f.rule.id, f.pointer, f.message, f.suggestion, f.at_key) for f in linter.findings(data)})


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_fast_path_reports_what_the_reference_path_reports(spec):
    yaml_text = to_yaml(spec).lstrip("\n") + "\n"
    docs, problems = load(yaml_text, "job.yaml")
    reference_data = plain(ruamel_load(yaml_text))
    assert problems == [] and json.dumps(docs[0].data) == json.dumps(reference_data)  # NaN == NaN here
    assert findings(FAST, docs[0].data) == findings(REFERENCE, reference_data)


def test_the_mutations_reach_the_rules():
    """The generator is worth its time only if the documents it makes trip many different rules."""
    seen = set()

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated_specs())
    def collect(spec):
        seen.update(f[0] for f in findings(FAST, plain(ruamel_load(to_yaml(spec).lstrip("\n") + "\n"))))

    collect()
    assert len(seen) >= 15, sorted(seen)


@pytest.mark.parametrize(
    "value",
    [
        "\x1c",
        "\x85",
        "\ufeff",
        "\u3000",
        "\u200b",
        " ",
        "a\n",
        "\u0663",
        "1\n",
        float("inf"),
        float("-inf"),
        float("nan"),
        10**30,
        -(10**30),
        2**64,
        1.0,
        -0.0,
    ],
)
def test_values_where_engines_disagree(value):
    """Python's and ECMA-262's ``\\s``, ``\\d`` and ``$`` differ on the strings, Python and Rust on the numbers
    (JSON has no infinity); every pattern in lflint avoids the first, and the fast path hands the second over."""
    for spec in SPECS:
        spec = copy.deepcopy(spec)
        spec["name"] = value
        block = next(iter(spec["parameter"].values()))
        block.update(
            execute_day=value,
            execute_hour=value,
            execute_minute=value,
            file_name=value,
            file_sample_rate=value,
            table_depth=value,
            header=value,
        )
        for location in block.get("locations", []):
            location["key"] = location["value"] = value
        assert findings(FAST, spec) == findings(REFERENCE, spec)


def test_a_trailing_newline_fails_an_anchored_pattern_on_both_paths():
    data = {"name": "nightly\n", "type": "METADATA_DISCOVERY", "parameter": {}}
    assert "LF105" in {f[0] for f in findings(FAST, data)}
    assert findings(FAST, data) == findings(REFERENCE, data)


@pytest.mark.parametrize("odd", ["\ud800", "x\udfffy", float("inf"), float("nan"), "plain"])
def test_documents_with_many_findings_and_a_value_jsonschema_rs_cannot_take(odd):
    """A document with findings of many rules is checked rule by rule; one that holds a lone surrogate (JSON's
    "\\ud800") or an infinity anywhere is handed to jsonschema-rs as a copy, one that holds none as it is."""
    for spec in SPECS:
        spec = copy.deepcopy(spec)
        spec["type"] = spec["type"].lower()
        spec.pop("name", None)
        block = next(iter(spec["parameter"].values()))
        block.update(instnace_id=block.pop("instance_id", "x"), execute_hour=25, log_location="s3://x")
        block["description" if isinstance(odd, float) else f"k{odd}"] = odd
        for location in block.get("locations", []):
            location["key"] = odd
        found = findings(FAST, spec)
        assert len({f[0] for f in found}) >= 3
        assert found == findings(REFERENCE, spec)


odd_text = st.text(st.sampled_from(["a", "é", "\ud800", "\udfff", " ", "1"]), max_size=4)
odd_values = st.recursive(
    odd_text | st.floats() | st.integers(-5, 5) | st.booleans() | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SPECS), st.sampled_from(["name", "description", "type", "instnace_id"]), odd_values)
def test_values_jsonschema_rs_cannot_take_anywhere(spec, field, value):
    """A lone surrogate (JSON's "\\ud800"), an infinity or a NaN at any depth of a field's value, clean or
    failing: the fast path (which hands a document without them to jsonschema-rs as it is) reports what the
    reference path reports."""
    spec = copy.deepcopy(spec)
    spec[field] = value
    next(iter(spec["parameter"].values()))["execute_day"] = value
    assert findings(FAST, spec) == findings(REFERENCE, spec)


# Plain scalars the loader reads without its resolver (first character) or with its shortcuts (small decimal
# integers), beside ones that only look so: each must read as YAML 1.2 reads it (ruamel.yaml), at the same place.
PLAIN_KEYS = ["name", "t", "f", "n", "yes", "on", "no", "nan", "Null1", "~x", "0x", "1_a", ".x", "tru", "-x", "_k"]
PLAIN_VALUES = [
    *PLAIN_KEYS,
    "0",
    "00",
    "0777",
    "123456789012345678",
    "1234567890123456789",
    "12345678901234567890",
    "1_000",
    "0b1",
    "-7",
    "+7",
    "1e3",
    "\u0663",
    "1\u0663",
    "0\uff11\uff12",
    "1\u00b2",
    "True",
    "true",
    "null",
    "~",
    ".5",
    ".inf",
    "",
]
plain_keys = st.sampled_from(PLAIN_KEYS)
plain_values = st.sampled_from(PLAIN_VALUES)
plain_trees = st.recursive(
    plain_values,
    lambda inner: st.lists(inner, min_size=1, max_size=3) | st.dictionaries(plain_keys, inner, min_size=1, max_size=4),
    max_leaves=12,
)


def plain_yaml(value, indent=0) -> str:
    """``value`` as block YAML with every key and scalar written plain (an empty string: an empty value)."""
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}:{plain_yaml(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        return "".join(f"\n{pad}-{plain_yaml(v, indent + 2)}" for v in value)
    return f" {value}" if value else ""


def places(node, span, found):
    """(path, where lflint puts it, where ruamel.yaml puts it) of every key and value under a round-trip ``node``."""
    if isinstance(node, dict):
        for key, child in node.items():
            line, col = node.lc.key(key)
            found.append((("key", key), span.children[key].key[:2], (line + 1, col + 1)))
            line, col = node.lc.value(key)
            if child is not None:  # an empty value: libyaml places it where it would stand, ruamel.yaml after
                found.append((("value", key), span.children[key].range[:2], (line + 1, col + 1)))
            places(child, span.children[key], found)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            line, col = node.lc.item(index)
            if child is not None:
                found.append((("item", index), span.children[index].range[:2], (line + 1, col + 1)))
            places(child, span.children[index], found)
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(plain_keys, plain_trees, min_size=1, max_size=5))
def test_plain_scalars_read_as_yaml_1_2_reads_them_at_their_places(spec):
    yaml_text = plain_yaml(spec).lstrip("\n") + "\n"
    docs, problems = load(yaml_text, "job.yaml")
    reference = ruamel_load(yaml_text)
    assert problems == [] and json.dumps(docs[0].data) == json.dumps(plain(reference))
    for where, ours, theirs in places(reference, docs[0].root, []):
        assert ours == theirs, (where, yaml_text)


json_text = st.text(
    st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs", "Zl", "Zp")) | st.sampled_from('"\\/~'), max_size=4
)
json_trees = st.recursive(
    st.none() | st.booleans() | st.integers() | json_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(json_text, json_trees, min_size=1, max_size=5), st.sampled_from([None, 0, 2, "\t"]))
def test_json_keys_and_values_at_their_places(spec, indent):
    """A JSON file's positions (counted on from token to token, found only when a finding asks) are where
    ruamel.yaml, which reads JSON as YAML flow, puts each key and value; escaped keys and line breaks included."""
    text = json.dumps(spec, indent=indent, ensure_ascii=False).replace("\n", "\n \n") + "\n"
    text = "".join(c if c.isprintable() or c in "\n\t" else json.dumps(c)[1:-1] for c in text)  # as ruamel reads
    docs, problems = load(text, "job.json")
    assert problems == []
    for where, ours, theirs in places(ruamel_load(text), docs[0].root, []):
        assert ours == theirs, (where, text)
