"""reviewdog's diagnostic format (rdjson): one DiagnosticResult; reviewdog posts each diagnostic as a review
comment on the changed lines and each suggestion as a one-click suggested change.

The JSON is ASCII (each other character escaped), and messages escape what is not printable as every
human-facing report does. Columns count UTF-8 bytes from 1 and ranges end exclusively. A finding's fix (what
``--fix`` or ``--unsafe-fixes`` would do) becomes its ``suggestions``, one per edit, on lines that show no secret.
"""

from __future__ import annotations

import json

from ..secrets import printable
from . import relative_uri

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def _byte_column(excerpt, column: int) -> int:
    """The UTF-8 byte column of the true ``column`` on a line shown as ``excerpt`` (``secrets.Excerpt``). A
    masked stretch counts one byte a character: its true characters are not known here, and counting them would
    tell a secret's bytes."""
    if excerpt is None:
        return column
    total, true, shown = 0, 1, 1
    for start, stop, shown_start, width in excerpt.masks:
        if start >= column:
            break
        total += len(excerpt.text[shown - 1 : shown - 1 + start - true].encode("utf-8", "surrogatepass"))
        if column < stop:
            return total + column - start + 1
        total += stop - start
        true, shown = stop, shown_start + width
    return total + len(excerpt.text[shown - 1 : shown - 1 + column - true].encode("utf-8", "surrogatepass")) + 1


def diagnostic(d, rules, lines) -> dict:
    """One rdjson Diagnostic; ``lines`` maps (file, line number) to the source line as shown
    (``secrets.Excerpt``), for byte columns and suggestions."""
    start, end = lines.get((d.file, d.line)), lines.get((d.file, d.end_line))
    span = {
        "start": {"line": d.line, "column": _byte_column(start, d.column)},
        "end": {"line": d.end_line, "column": _byte_column(end, d.end_column)},
    }
    out = {
        "message": printable(d.message),  # a comment on the pull request: shown as the text report shows it
        "location": {"path": relative_uri(d.file), "range": span},
        "severity": SEVERITIES[d.severity],
        "source": {"name": "lflint"},
        "code": {"value": d.rule},
    }
    rule = rules.get(d.rule)
    if rule is not None and rule.url:
        out["code"]["url"] = rule.url
    suggestions = _suggestions(d, lines)
    if suggestions:
        out["suggestions"] = suggestions
    return out


def render(diagnostics, context):
    # ASCII-only JSON: reviewdog turns it into review comments, so no control or bidi character of a file name
    # or message is written raw (JSON readers decode the escapes)
    result = {
        "source": {"name": "lflint", "url": "https://github.com/lflint/lflint"},
        "diagnostics": [diagnostic(d, context.rules, context.lines) for d in diagnostics],
    }
    return json.dumps(result, indent=2, ensure_ascii=True) + "\n"


def _suggestions(d, lines) -> list[dict]:
    """The edits of ``d``'s fix in byte columns; none when a line they touch is not shown or shows a secret."""
    out = []
    for edit in d.fix.edits if d.fix else ():
        first, last = lines.get((d.file, edit.line)), lines.get((d.file, edit.end_line))
        if first is None or last is None or first.masks or last.masks:
            return []
        start = {"line": edit.line, "column": _byte_column(first, edit.column)}
        end = {"line": edit.end_line, "column": _byte_column(last, edit.end_column)}
        out.append({"range": {"start": start, "end": end}, "text": edit.content})
    return out
