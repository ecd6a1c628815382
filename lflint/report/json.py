"""The JSON report: a public contract (see README, "JSON output")."""

from . import json_text


def render(diagnostics, context):
    return json_text([d.to_dict() for d in diagnostics])
