"""reviewdog's diagnostic format, one rdjson Diagnostic per line (``reviewdog -f=rdjsonl``)."""

from __future__ import annotations

import json

from .rdjson import diagnostic


def render(diagnostics, context):
    return "".join(
        json.dumps(diagnostic(d, context.rules, context.lines), ensure_ascii=True, separators=(",", ":")) + "\n"
        for d in diagnostics
    )
