"""SARIF 2.1.0, as GitHub code scanning ingests it."""

from .. import __version__
from . import fingerprint, json_text, relative_uri

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render(diagnostics, context):
    ordered = sorted({r.id: r for r in context.rules.values()}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(ordered)}
    descriptors = [
        {
            "id": r.id,
            "name": r.slug,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.docs["what"]},
            "help": {
                "text": f"{r.docs['why']}\n\nHow to fix: {r.docs['fix']}",
                "markdown": f"{r.docs['why']}\n\n**How to fix:** {r.docs['fix']}",
            },
            "helpUri": r.url,
            "defaultConfiguration": {"level": LEVELS[r.severity]},
        }
        for r in ordered
    ]
    results = []
    for d in diagnostics:
        result = {
            "ruleId": d.rule,
            "level": LEVELS[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": relative_uri(d.file), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        },
                    }
                }
            ],
            "partialFingerprints": {"lflintFingerprint/v1": fingerprint(d)},
        }
        if d.rule in index:
            result["ruleIndex"] = index[d.rule]
        if d.pointer:
            result["properties"] = {"pointer": d.pointer, "document": d.document}
        if d.fix:
            result["fixes"] = [_fix(d)]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lflint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/lflint/lflint",
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    if context.root is not None:
        log["runs"][0]["originalUriBaseIds"] = {"%SRCROOT%": {"uri": context.root.as_uri().rstrip("/") + "/"}}
    return json_text(log)


def _fix(d) -> dict:
    """A finding's fix as SARIF gives it: its edits as replacements of regions of the file."""
    return {
        "description": {"text": f"{d.fix.message} ({d.fix.applicability})"},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": relative_uri(d.file), "uriBaseId": "%SRCROOT%"},
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.line,
                            "startColumn": e.column,
                            "endLine": e.end_line,
                            "endColumn": e.end_column,
                        },
                        "insertedContent": {"text": e.content},
                    }
                    for e in d.fix.edits
                ],
            }
        ],
    }
