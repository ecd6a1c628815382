"""Inline suppressions in YAML comments, and reports of those that silence nothing.

    key: value  # lflint: disable=LF301,schedule-day-range -- reviewed, see TICKET-12
    # lflint: disable-next-line=LF501
    # lflint: disable-file=LF109

Comments are read only when a file mentions ``lflint:`` at all, so clean files do not pay for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .diagnostic import Diagnostic

if TYPE_CHECKING:
    from .documents import Source

# A directive is its head (``# lflint: disable=``, the ``#`` first on the line or after a space), then the rules
# (letters, digits, ``_-,`` and spaces), then optionally ``-- reason`` or a ``#`` comment. The head is a regular
# expression; the rest is read by ``_rules`` in one pass (one regular expression for both backtracked cubically on
# a run of spaces: docs/security.md, "Resources").
HEAD = re.compile(r"(?:^|(?<=\s))#\s*lflint:\s*(?P<kind>disable-next-line|disable-file|disable)\s*=\s*")
_RULE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-, ")


def _rules(line: str, start: int) -> str | None:
    """The rules of a directive whose head ends at ``start``: the shortest run of rule characters after which only
    spaces, then the end of the line, ``#...`` or ``-- ...``, follow; None if there is none."""
    at = start
    while True:
        end = at
        while end < len(line) and line[end].isspace():
            end += 1
        if end == len(line) or line[end] == "#" or (line.startswith("--", end) and line[end + 2 : end + 3].isspace()):
            return line[start:at]
        if not all(c in _RULE_CHARS for c in line[at : end + 1]):
            return None
        at = end + 1


def find_directive(line: str) -> tuple[str, int, str] | None:
    """The first directive of ``line``: its kind, the offset of its ``#`` and its rules text; None if none."""
    for head in HEAD.finditer(line):
        rules = _rules(line, head.end())
        if rules is not None:
            return head["kind"], head.start(), rules
    return None


class Directives:
    """The suppressions of a YAML file's ``source`` (none without one), each remembering whether it silenced a
    finding; only the lines that mention ``lflint:`` are read (a long stream has hundreds of thousands), numbered
    as its findings are (``Source.position``).

    ``resolve`` turns an id or slug into an enabled rule id (None when no enabled rule has that name)."""

    def __init__(self, source: Source | None, resolve: Callable[[str], str | None]):
        self._found = []  # [scope line or 0 for the file, line, column, end column, selector, rule id, used]
        for number, line in _lines_with(source, "lflint:") if source else ():
            found = find_directive(line)
            if not found:
                continue
            kind, hash_at, rules = found
            scope = 0 if kind == "disable-file" else number + 1 if kind == "disable-next-line" else number
            for selector in filter(None, (s.strip() for s in rules.split(","))):
                self._found.append(
                    [scope, number, hash_at + 1, len(line.rstrip()) + 1, selector, resolve(selector), False]
                )

    def silence(self, diagnostic: Diagnostic) -> bool:
        """Whether a suppression silences ``diagnostic`` (each one that does is marked used)."""
        hit = False
        for directive in self._found:
            if directive[5] == diagnostic.rule and directive[0] in (0, diagnostic.line):
                directive[6] = hit = True
        return hit

    def unused(self, filename: str, make: Callable[..., Diagnostic | None]) -> list[Diagnostic]:
        """One diagnostic per selector that silenced nothing, sorted; ``make`` makes it (None when its rule,
        LF009, is not enabled)."""
        found = (
            make(
                filename,
                line,
                col,
                end,
                f"suppression of {selector!r} {'names no rule' if rule is None else 'silences no finding'}",
            )
            for _scope, line, col, end, selector, rule, used in self._found
            if not used
        )
        return sorted(d for d in found if d is not None)


def _lines_with(source: Source, needle: str) -> Iterator[tuple[int, str]]:
    """The lines of ``source`` that hold ``needle``, with their numbers."""
    text, at = source.text, 0
    while (hit := text.find(needle, at)) >= 0:
        number = source.position(hit)[0]
        yield number, source.line(number)
        at = text.find("\n", hit) + 1
        if not at:
            return


NOT_SUPPRESSED = frozenset({"LF009", "LF010", "LF012"})  # a stale suppression, a bug, a baseline entry


def add_suppressions(results, reason: str | None, max_bytes: int) -> tuple[dict[str, int], list[str]]:
    """Write an inline suppression for each finding of ``results`` (``api.FileResult``) into its YAML file: a
    ``# lflint: disable=ID -- reason`` comment at the end of the finding's line, or the rule added to the list of
    the directive already there. Every other byte is kept; a file is written (atomically) only when it still
    loads to the same data. Returns the number of rules suppressed per file, and why files were left alone."""
    from pathlib import Path

    from .documents import load_source, read_breaks
    from .fileio import write_atomic

    edited, skipped = {}, []
    for result in results:
        per_line: dict[int, list[str]] = {}
        for d in result.diagnostics:
            if d.rule not in NOT_SUPPRESSED and d.rule not in per_line.setdefault(d.line, []):
                per_line[d.line].append(d.rule)
        per_line = {line: rules for line, rules in per_line.items() if rules}
        if not per_line or result.error:
            continue
        if result.name.lower().endswith(".json") or result.name == "-":
            skipped.append(f"{result.name}: not a YAML file; JSON holds no comments")
            continue
        path = Path(result.name)
        raw = path.read_bytes()
        before = load_source(raw, result.name, max_bytes)
        if before[0] is None or not before[0].complete:
            skipped.append(f"{result.name}: does not load; fix its syntax first")
            continue
        text = raw.decode("utf-8")
        if read_breaks(text) is not text:  # its lines are not those of text.split("\n")
            skipped.append(f"{result.name}: a line ends in a lone carriage return (\\r); suppress by hand")
            continue
        lines = text.split("\n")
        for number, rules in per_line.items():
            lines[number - 1] = _suppressed(lines[number - 1], rules, reason)
        new = "\n".join(lines)
        after = load_source(new.encode("utf-8"), result.name, max_bytes)
        if (
            after[0] is None
            or [repr(d.data) for d in after[1]] != [repr(d.data) for d in before[1]]
            or sorted(p.rule for p in after[2]) != sorted(p.rule for p in before[2])
        ):
            skipped.append(
                f"{result.name}: a comment would change its data (a finding inside a multi-line "
                "string?); suppress by hand"
            )
            continue
        write_atomic(path, new, mode=path.stat().st_mode)
        edited[result.name] = sum(len(r) for r in per_line.values())
    return edited, skipped


def _suppressed(line: str, rules: list[str], reason: str | None) -> str:
    """``line`` with ``rules`` suppressed: added to the line's own ``disable`` directive, else a new one."""
    end_of_line = "\r" if line.endswith("\r") else ""
    body = line[: len(line) - len(end_of_line)]
    found = find_directive(body)
    if found and found[0] == "disable":
        start = HEAD.match(body, found[1]).end()
        end = start + len(found[2])
        listed = [r.strip() for r in found[2].split(",") if r.strip()]
        joined = ",".join(listed + [r for r in rules if r not in listed])
        return body[:start] + joined + body[end:] + end_of_line
    why = f" -- {reason}" if reason else ""
    return f"{body.rstrip(' ')}  # lflint: disable={','.join(rules)}{why}{end_of_line}" if body.strip() else line
