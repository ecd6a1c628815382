"""The pure editor functions the language server completes with: what is being typed at a position."""

import pytest

from lflint.editor import json_context, yaml_context

YAML = [
    "name: x",
    "parameter:",
    "  metadata_discovery_parameter:",
    "    conflict_strategy: ",
    "    ",
    "    locations:",
    "      - key: a",
    "        ",
    "typ",
]
DISCOVERY = ["parameter", "metadata_discovery_parameter"]


@pytest.mark.parametrize(
    "line, column, tokens, mode, present",
    [
        (0, 6, ["name"], "value", set()),
        (3, 23, [*DISCOVERY, "conflict_strategy"], "value", set()),
        (4, 4, DISCOVERY, "key", {"conflict_strategy", "locations"}),
        (7, 8, [*DISCOVERY, "locations", "*"], "key", {"key"}),
        (8, 3, [], "key", {"name", "parameter"}),
    ],
)
def test_yaml_context(line, column, tokens, mode, present):
    found = yaml_context(YAML, line, column)
    assert (found.tokens, found.mode, found.present) == (tokens, mode, present)


@pytest.mark.parametrize(
    "text, tokens, mode, start",
    [
        (
            '{"name": "x", "parameter": {"metadata_discovery_parameter": {"conflict_strategy": "',
            [*DISCOVERY, "conflict_strategy"],
            "value",
            82,
        ),
        ('{"na', [], "key", 1),
        ('{"parameter": {"a": [{"k', ["parameter", "a", "*"], "key", 22),
        ('{"name": ', ["name"], "value", 9),
        ("[1, ", ["*"], "value", 4),
    ],
)
def test_json_context(text, tokens, mode, start):
    found = json_context(text, len(text))
    assert (found.tokens, found.mode, found.start) == (tokens, mode, start)
