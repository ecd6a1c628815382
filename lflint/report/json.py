"""The JSON report: a public contract (see README, "JSON output")."""

import json


def render(diagnostics, rules, **_):
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
