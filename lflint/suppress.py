"""Inline suppressions in YAML comments, and reports of those that silence nothing.

    key: value  # lflint: disable=LF301,schedule-day-range -- reviewed, see TICKET-12
    # lflint: disable-next-line=LF501
    # lflint: disable-file=LF109

Comments are read only when a file mentions ``lflint:`` at all, so clean files do not pay for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .diagnostic import Diagnostic

DIRECTIVE = re.compile(
    r"(?:^|\s)#\s*lflint:\s*(?P<kind>disable-next-line|disable-file|disable)\s*=\s*"
    r"(?P<rules>[A-Za-z0-9_\-, ]*?)\s*(?:--\s.*|#.*)?$"
)


def apply(
    diagnostics: list[Diagnostic],
    text: str,
    filename: str,
    resolve: Callable[[str], str | None],
    unused: Callable[..., Diagnostic | None],
) -> list[Diagnostic]:
    """Drop suppressed diagnostics; add one ``unused`` diagnostic per selector that silenced nothing.

    ``resolve`` turns an id or slug into an enabled rule id (None when no enabled rule has that name); ``unused``
    makes the diagnostic (None when its rule, LF009, is not enabled).
    """
    if "lflint:" not in text:
        return diagnostics
    directives = []  # (scope line or 0 for the file, line, column, end column, selector, rule id)
    for number, line in enumerate(text.splitlines(), 1):
        if "lflint:" not in line:
            continue
        match = DIRECTIVE.search(line)
        if not match:
            continue
        kind = match["kind"]
        scope = 0 if kind == "disable-file" else number + 1 if kind == "disable-next-line" else number
        start = match.start() + line[match.start() :].index("#") + 1
        for selector in filter(None, (s.strip() for s in match["rules"].split(","))):
            directives.append([scope, number, start, len(line.rstrip()) + 1, selector, resolve(selector), False])
    kept = []
    for diagnostic in diagnostics:
        hit = [d for d in directives if d[5] == diagnostic.rule and d[0] in (0, diagnostic.line)]
        for directive in hit:
            directive[6] = True
        if not hit:
            kept.append(diagnostic)
    for _scope, line, col, end, selector, rule, used in directives:
        if not used:
            why = "names no rule" if rule is None else "silences no finding"
            found = unused(filename, line, col, end, f"suppression of {selector!r} {why}")
            if found is not None:
                kept.append(found)
    return sorted(kept)
