"""The one data model every part of lflint shares: a diagnostic."""

from __future__ import annotations

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
