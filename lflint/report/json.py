"""The JSON report: a public contract (see README, "JSON output")."""

from . import json_text


def render(diagnostics, rules, **_):
    return json_text([d.to_dict() for d in diagnostics])
