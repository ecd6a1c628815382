"""GitLab Code Quality report (a JSON array of issues)."""

from . import fingerprint, json_text, relative_uri

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render(diagnostics, context):
    return json_text(
        [
            {
                "description": f"{d.rule} {d.message}",
                "check_name": f"{d.rule} {d.name}",
                "fingerprint": fingerprint(d),
                "severity": SEVERITIES[d.severity],
                "location": {"path": relative_uri(d.file), "lines": {"begin": d.line, "end": d.end_line}},
            }
            for d in diagnostics
        ]
    )
