"""The one data model every part of lflint shares: a diagnostic."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

SEVERITIES = ("info", "warning", "error")  # in rising order


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


class Edit(NamedTuple):
    """Replace the text from (line, column) to (end_line, end_column) (1-based, true columns, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


class Fix(NamedTuple):
    """What would repair a finding: ``safe`` (the only meaning the spec can have had) or ``unsafe`` (a guess, or
    it changes what the job does)."""

    applicability: str  # "safe" | "unsafe"
    message: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict:
        return {
            "applicability": self.applicability,
            "message": self.message,
            "edits": [e._asdict() for e in self.edits],
        }


class Diagnostic(NamedTuple):
    """One finding, with an exact source range (1-based; end column exclusive)."""

    file: str
    document: int
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    name: str
    severity: str
    message: str
    pointer: str
    suggestion: str | None = None
    fix: Fix | None = None

    def to_dict(self) -> dict:
        return {**self._asdict(), "fix": self.fix.to_dict() if self.fix else None}


class Findings(Sequence):
    """One file's diagnostics, in order. A file of many (a long stream) holds them as numbers: what changes from
    one to the next (the document, the range, the ranges of the fix's edits) in arrays, the rest (file, rule,
    message, pointer, suggestion; the fix's applicability, message and new texts) once per kind, and a Diagnostic
    is made each time one is read. A long stream repeats a few kinds thousands of times: 8,000 findings with their
    fixes held as Diagnostics cost 387 bytes each, as rows 76. Fewer than ``compact_from`` are held as they are
    (most files have a few: each Diagnostic then made once)."""

    __slots__ = ("_list", "_compact_from", "_rows", "_kinds", "_edits", "_kind_of")

    WIDTH = 7  # a row: document, line, column, end_line, end_column, kind, first edit (-1: no fix)

    def __init__(self, diagnostics: Iterable[Diagnostic] = (), compact_from: int = 256):
        self._list: list[Diagnostic] | None = []  # None once held as rows
        self._compact_from = compact_from
        self._rows = array("q")
        self._edits = array("q")  # line, column, end_line, end_column of each edit
        self._kinds: list[tuple] = []  # (file, rule, name, severity, message, pointer, suggestion, fix's)
        self._kind_of: dict[tuple, int] = {}
        for d in diagnostics:
            self.append(d)

    def append(self, d: Diagnostic) -> None:
        if self._list is None:
            self._rows.extend(self._row(d))
            return
        self._list.append(d)
        if len(self._list) >= self._compact_from:
            held, self._list = self._list, None
            for d in held:
                self._rows.extend(self._row(d))

    def __setitem__(self, index: int, d: Diagnostic) -> None:
        if self._list is not None:
            self._list[index] = d
            return
        start = self._at(index)
        self._rows[start : start + self.WIDTH] = array("q", self._row(d))

    def _row(self, d: Diagnostic) -> tuple:
        fix = d.fix
        kind = (d[0], *d[6:12], fix and (fix.applicability, fix.message, tuple(e.content for e in fix.edits)))
        number = self._kind_of.get(kind)
        if number is None:
            number = self._kind_of[kind] = len(self._kinds)
            self._kinds.append(kind)
        first = len(self._edits) if fix else -1
        for edit in fix.edits if fix else ():
            self._edits.extend(edit[:4])
        return (*d[1:6], number, first)

    def __len__(self) -> int:
        return len(self._rows) // self.WIDTH if self._list is None else len(self._list)

    def _at(self, index: int) -> int:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("Findings index out of range")
        return index * self.WIDTH

    def __getitem__(self, index):
        if self._list is not None:
            return self._list[index]
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        return self._made(self._at(index))

    def __iter__(self) -> Iterator[Diagnostic]:
        if self._list is not None:
            return iter(self._list)
        return map(self._made, range(0, len(self._rows), self.WIDTH))

    def _made(self, start: int) -> Diagnostic:
        """The Diagnostic of the row at ``start`` in ``_rows``."""
        kind, first = self._kinds[self._rows[start + 5]], self._rows[start + 6]
        fix = kind[7]
        if fix:
            applicability, message, contents = fix
            at, edits = self._edits, range(first, first + 4 * len(contents), 4)
            fix = Fix(
                applicability,
                message,
                tuple(
                    Edit(at[k], at[k + 1], at[k + 2], at[k + 3], new) for k, new in zip(edits, contents, strict=True)
                ),
            )
        return Diagnostic._make((kind[0], *self._rows[start : start + 5], *kind[1:7], fix))

    def __eq__(self, other) -> bool:
        return isinstance(other, (Findings, list, tuple)) and list(self) == list(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Findings({list(self)!r})"
