"""The human report: one finding, the source line with a caret under its span, and a closing summary."""

from __future__ import annotations

from collections import Counter

from ..secrets import Excerpt, printable
from . import same_width

_COLOURS = {"error": "31", "warning": "33", "info": "34"}


def _style(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def render(diagnostics, context):
    """Each finding with the source line ``context.lines`` holds for it, then the summary."""
    body = "".join(block(d, context.lines.get((d.file, d.line)), context.colour) for d in diagnostics)
    fixable = fixable_line(Counter(d.fix.applicability for d in diagnostics if d.fix))
    return body + summary(diagnostics, context.files) + "\n" + (fixable + "\n" if fixable else "")


def block(d, excerpt: Excerpt | None, colour: bool = False) -> str:
    """One finding: its location, rule and message, then the source line with a caret under the span."""
    severity = _style(d.severity, _COLOURS[d.severity] + ";1", colour)
    out = [
        f"{_style(printable(d.file), '1', colour)}:{d.line}:{d.column}: {_style(d.rule, '1', colour)} "
        f"[{severity}] {'[*] ' if d.fix and d.fix.applicability == 'safe' else ''}{printable(d.message)}"
    ]
    line = excerpt.text if excerpt else ""  # masked already where it was read (runner.excerpt_lines)
    if line.strip():  # the range is in true columns: the caret stands where they are in the masked line
        start, end = excerpt.columns(d.column, d.end_column)
        width = max(1, (end if d.end_line == d.line else len(line) + 1) - start)
        gutter = " " * len(str(d.line))
        caret = " " * (start - 1) + "^" * width
        out += [
            f"{gutter} |",
            f"{d.line} | {same_width(line)}",
            f"{gutter} | {_style(caret, _COLOURS[d.severity], colour)}",
        ]
    return "\n".join(out) + "\n"


def summary(diagnostics, files: int) -> str:
    return summary_of(Counter(d.severity for d in diagnostics), files)


def summary_of(counts: Counter, files: int) -> str:
    """The closing line from the number of findings per severity (what a streamed report keeps)."""
    in_files = f"in {files} file{'s' if files != 1 else ''}"
    problems = sum(counts.values())
    if not problems:
        return f"All checks passed {in_files}."
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    return f"Found {problems} problem{'s' if problems != 1 else ''} ({', '.join(parts)}) {in_files}."


def fixable_line(fixes: Counter) -> str:
    """How many findings ``--fix`` would repair (``fixes``: the remaining findings' fixes per applicability),
    and how many more ``--unsafe-fixes`` would; empty when none."""
    safe, unsafe = fixes["safe"], fixes["unsafe"]
    if not safe and not unsafe:
        return ""
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    return f"[*] {safe} fixable with `--fix`{more}."
