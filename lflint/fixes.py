"""Applying fixes: each finding's edits at their exact ranges, every other byte as it was; then lint again and
repeat (an overlapping fix waits for the next pass), until nothing changes or ``MAX_PASSES``. A pass whose result
would not load as the file did (a new syntax error, a duplicate key) is refused: the file keeps the last text
that loaded. No I/O here: ``runner`` reads and writes.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from functools import cache
from typing import NamedTuple

from .diagnostic import Diagnostic
from .documents import Source

MAX_PASSES = 10
BOM = "\ufeff"


class Fixed(NamedTuple):
    text: str  # the fixed text (the original when nothing was fixed)
    diagnostics: Sequence[Diagnostic]  # what remains
    fixed: list[Diagnostic]  # the findings the fixes repaired, in the order they were applied
    source: Source | None  # of ``text``
    written: tuple = ()  # the ranges of ``text`` the fixes wrote (line, column, end_line, end_column)


def apply(source: Source, diagnostics: list[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """``source``'s text with the fixes of ``diagnostics`` applied, and the findings whose fixes were: a fix any
    of whose edits overlaps an edit already taken (or inserts where one starts) waits for the next pass. The
    edits taken are kept sorted, and each new one is looked up among them by bisection; the text is joined once
    from its pieces (a stream with thousands of fixes was copied whole per edit)."""
    taken: list[tuple[int, int, str]] = []  # sorted; never overlapping: each was checked against those before
    applied = []
    for d in sorted(diagnostics, key=lambda d: min(d.fix.edits)):
        edits = [
            (source.offset(e.line, e.column), source.offset(e.end_line, e.end_column), e.content) for e in d.fix.edits
        ]
        if any(_overlaps(taken, start, end) for start, end, _ in edits):
            continue
        for edit in edits:
            insort(taken, edit)
        applied.append(d)
    pieces, at = [], 0
    for start, end, content in taken:
        pieces += (source.text[at:start], content)
        at = end
    return "".join(pieces) + source.text[at:], applied


def _overlaps(taken: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Whether the edit ``start``-``end`` overlaps one of ``taken`` (sorted, none overlapping another, so that
    of those starting before ``end`` the last ends last), or inserts where one starts."""
    before = bisect_left(taken, (end,))
    if before and taken[before - 1][1] > start:
        return True
    return start == end and before < len(taken) and taken[before][0] == start


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
    """How many findings say the text did not load as a spec (the loader's, LF0xx); each document read and
    dropped (a long stream's documents all held at once cost 50 times its size)."""
    from .documents import load_stream

    _, documents, problems = load_stream(source.text, source.filename)
    for _ in documents:
        pass
    return len(problems)


LONG = 2000  # lines from which a stream's diff is found document by document


def diff(before: Source, after: Source, name: str, written: tuple = ()) -> str:
    """A unified diff of one file's fix, each line as reports show it (a secret as ``MASK``; a line of a file
    that may hold secrets no span marks, not at all), with its own line ending; what the fixes wrote (``written``
    ranges of ``after``: a placeholder, never a secret of the file) is shown as written."""
    old, new = _shown_lines(before), _shown_lines(after, written)
    out = []
    for group in _matcher()(None, old, new).get_grouped_opcodes(3):
        if not out:
            out += (f"--- a/{name}\n", f"+++ b/{name}\n")
        (_, i1, _, j1, _), (_, _, i2, _, j2) = group[0], group[-1]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += (" " + line for line in old[i1:i2])
                continue
            out += ("-" + line for line in old[i1:i2])
            out += ("+" + line for line in new[j1:j2])
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def _range(start: int, stop: int) -> str:
    """A hunk's range as a unified diff writes it (difflib's ``_format_range_unified``)."""
    length = stop - start
    return f"{start + 1}" if length == 1 else f"{start + (length > 0)},{length}"


@cache
def _matcher():
    import difflib  # not on the start path

    class Opcodes(difflib.SequenceMatcher):
        """difflib's matcher of two files' lines, except that a long stream whose documents pair up (the same
        number of ``---`` lines: fixes never add or remove one) is matched document by document: difflib's
        search for the longest match over the whole file grows with the square of its changes (a stream of
        10,000 jobs with 4,000 fixes took minutes); a fix never moves a line to another document. The hunks may
        then be smaller than difflib's over the whole file, which treats a line repeated in every document as
        junk it does not match."""

        def get_opcodes(self):
            a, b = self.a, self.b
            cuts_a, cuts_b = _cuts(a), _cuts(b)
            if len(a) < LONG or len(cuts_a) != len(cuts_b):
                return super().get_opcodes()
            opcodes: list = []
            for (a1, a2), (b1, b2) in zip(cuts_a, cuts_b, strict=True):
                for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a[a1:a2], b[b1:b2]).get_opcodes():
                    step = (tag, a1 + i1, a1 + i2, b1 + j1, b1 + j2)
                    if opcodes and tag == opcodes[-1][0] == "equal":
                        step = ("equal", opcodes[-1][1], step[2], opcodes[-1][3], step[4])
                        opcodes.pop()
                    opcodes.append(step)
            return opcodes

    return Opcodes


def _cuts(lines: list[str]) -> list[tuple[int, int]]:
    """The lines of each document of a stream, from one ``---`` line to the next."""
    starts = [0] + [i for i, line in enumerate(lines) if i and line.rstrip("\r\n") == "---"]
    return list(zip(starts, starts[1:] + [len(lines)], strict=True))


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
