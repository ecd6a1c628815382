"""Applying fixes: each finding's edits at their exact ranges, every other byte as it was; then lint again and
repeat (an overlapping fix waits for the next pass), until nothing changes or ``MAX_PASSES``. A pass whose result
would not load as the file did (a new syntax error, a duplicate key) is refused: the file keeps the last text
that loaded. No I/O here: ``runner`` reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .diagnostic import Diagnostic
from .documents import Source

MAX_PASSES = 10
BOM = "\ufeff"


class Fixed(NamedTuple):
    text: str  # the fixed text (the original when nothing was fixed)
    diagnostics: list[Diagnostic]  # what remains
    fixed: list[Diagnostic]  # the findings the fixes repaired, in the order they were applied
    source: Source | None  # of ``text``
    written: tuple = ()  # the ranges of ``text`` the fixes wrote (line, column, end_line, end_column)


def apply(source: Source, diagnostics: list[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """``source``'s text with the fixes of ``diagnostics`` applied, and the findings whose fixes were: a fix any
    of whose edits overlaps an edit already taken waits for the next pass."""
    taken: list[tuple[int, int, str]] = []
    applied = []
    for d in sorted(diagnostics, key=lambda d: min(d.fix.edits)):
        edits = [
            (source.offset(e.line, e.column), source.offset(e.end_line, e.end_column), e.content) for e in d.fix.edits
        ]
        if any(
            start < t_end and t_start < end or start == end == t_start
            for start, end, _ in edits
            for t_start, t_end, _ in taken
        ):
            continue
        taken.extend(edits)
        applied.append(d)
    text = source.text
    for start, end, content in sorted(taken, reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def fix(
    lint: Callable[[str], tuple[list[Diagnostic], Source | None]],
    text: str,
    wanted: Callable[[Diagnostic], bool],
) -> Fixed:
    """Lint ``text`` (``lint``) and apply the fixes of the findings ``wanted`` picks, pass after pass."""
    diagnostics, source = lint(text)
    fixed: list[Diagnostic] = []
    written: list[tuple[int, int]] = []  # offsets in ``text``
    for _ in range(MAX_PASSES):
        chosen = [d for d in diagnostics if d.fix and wanted(d)]
        if not chosen or source is None:
            break
        for tried in (chosen, chosen[:1]):  # fixes that break the file together (two keys renamed to one): singly
            new_text, applied = apply(source, tried)
            new_diagnostics, new_source = lint(new_text)
            if new_source is not None and _problems(new_source) <= _problems(source):
                break
        else:
            break  # even one fix breaks the file: keep the text that loaded
        edits = [(source.offset(*e[:2]), source.offset(*e[2:4]), e.content) for d in applied for e in d.fix.edits]
        written = _moved(written, sorted(edits))
        text, diagnostics, source = new_text, new_diagnostics, new_source
        fixed.extend(applied)
    shown = tuple((*source.position(a), *source.position(b)) for a, b in written) if source else ()
    return Fixed(text, diagnostics, fixed, source, shown)


def _moved(written: list[tuple[int, int]], edits: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """``written`` (offsets) after ``edits`` (sorted, not overlapping), and the ranges the edits wrote: of a range
    an edit replaces part of, the parts it keeps."""

    def shifted(offset: int) -> int:
        return offset + sum(len(content) - (b - a) for a, b, content in edits if b <= offset)

    moved = []
    for piece in written:
        pieces = [piece]
        for a, b, _ in edits:
            pieces = [p for s, e in pieces for p in ((s, min(e, a)), (max(s, b), e)) if p[0] < p[1]]
        moved.extend((shifted(s), shifted(s) + e - s) for s, e in pieces)
    shift = 0
    for a, b, content in edits:
        moved.append((a + shift, a + shift + len(content)))
        shift += len(content) - (b - a)
    return moved


def _problems(source: Source) -> int:
    """How many findings say the text did not load as a spec (the loader's, LF0xx)."""
    from .documents import load_source

    return len(load_source(source.text, source.filename)[2])


def diff(before: Source, after: Source, name: str, written: tuple = ()) -> str:
    """A unified diff of one file's fix, each line as reports show it (a secret as ``MASK``; a line of a file
    that may hold secrets no span marks, not at all), with its own line ending; what the fixes wrote (``written``
    ranges of ``after``: a placeholder, never a secret of the file) is shown as written."""
    import difflib

    lines = difflib.unified_diff(_shown_lines(before), _shown_lines(after, written), f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _shown_lines(source: Source, written: tuple = ()) -> list[str]:
    shown = []
    lines = source.text.split("\n")
    for number, line in enumerate(lines, 1):
        if number == len(lines) and not line:
            break
        masked = source.masked_line(number, written)
        ending = ("\r" if line.endswith("\r") else "") + ("\n" if number < len(lines) else "")
        shown.append((masked.text if masked else "(not shown: this file may hold a secret)") + ending)
    return shown
