"""reviewdog's diagnostic format, one rdjson Diagnostic per line (``reviewdog -f=rdjsonl``)."""

from __future__ import annotations

import json

from . import _SURROGATE
from .rdjson import diagnostic


def render(diagnostics, context):
    return "".join(
        _SURROGATE.sub(
            lambda m: f"\\u{ord(m[0]):04x}",
            json.dumps(diagnostic(d, context.rules, context.lines), ensure_ascii=False, separators=(",", ":")),
        )
        + "\n"
        for d in diagnostics
    )
