"""The one data model every part of lflint shares: a diagnostic."""

from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("info", "warning", "error")  # in rising order


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


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

    def to_dict(self) -> dict:
        return self._asdict()
