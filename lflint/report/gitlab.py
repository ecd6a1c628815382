"""GitLab Code Quality report (a JSON array of issues)."""

import json

from . import fingerprint, relative_uri

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render(diagnostics, rules, **_):
    return json.dumps([{
        "description": f"{d.rule} {d.message}",
        "check_name": f"{d.rule} {d.name}",
        "fingerprint": fingerprint(d),
        "severity": SEVERITIES[d.severity],
        "location": {"path": relative_uri(d.file), "lines": {"begin": d.line, "end": d.end_line}},
    } for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
