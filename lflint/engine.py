"""The Linter: one file's text in, its finished diagnostics out. No I/O, nothing printed.

The life of a finding, in order (``Linter.lint``):

1. ``documents.load_stream``: bytes → documents, one by one, and the problems that kept one from loading (LF0xx);
2. ``Linter.findings``: every enabled rule over each document's data (``validation`` for schema rules, ``checks``
   for code rules), worded by ``messages``; a finding is keyed by JSON pointer;
3. positions: only a finding's pointer is located in the source (a clean document never pays for it);
4. per-file ignores (``ignore``, from the settings), then inline suppressions and unused ones (``suppress``);
5. ranges in true columns, a finding on a secret ``MASK`` wide (``secrets``).

``Linter.diagnostic`` is the one place where a Diagnostic is made: it stamps the rule's id, slug and severity
and masks the pointer, for the rules' findings and for the file-level findings of the runner (LF007, LF010);
``Linter.with_fix`` adds a fix that asks where the file's secrets are, once every document is read. A file's
diagnostics are held as ``diagnostic.Findings``: a long stream's as rows of numbers.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import NamedTuple

from . import suppress
from .config import MAX_FILE_SIZE
from .diagnostic import Diagnostic, Edit, Findings, Fix
from .documents import Source, join_pointer, load_stream, split_pointer
from .messages import (
    certain,
    describe,
    documented,
    field_label,
    missing_fields,
    missing_message,
    quoted_names,
    show,
    unknown_field,
)
from .rules import RULES_DIR, Rule, find_rule, matches
from .secrets import DEFAULT_PLACEHOLDER, for_user_rules, shown_pointer
from .validation import gate, holds, passes, plain, schema_errors, select

FILE_START = (1, 1, 1, 2)  # the range of a finding about a whole file: its first character


class Finding(NamedTuple):
    rule: Rule
    pointer: str
    message: str
    suggestion: str | None = None
    at_key: bool = False
    # what replacing the range by the suggestion would be: "safe" (``messages.certain``), "unsafe" (a guess) or
    # None (no fix: it would, say, repeat a key)
    applicability: str | None = "unsafe"
    # a fix other than the suggestion written in place (``edits.planned``): ("value", current, new) writes the
    # scalar at ``pointer`` as ``new``; ("remove", item, earlier) removes the list item at pointer ``item``, a
    # repeat of the one at pointer ``earlier``
    edit: tuple | None = None


class Context:
    """What code rules may read besides the document."""

    def __init__(self, placeholder=None, schedule_value_type: str | None = None):
        if placeholder is None:
            from .compiler import compile_pattern

            placeholder = compile_pattern(DEFAULT_PLACEHOLDER)
        self.placeholder = placeholder
        self.schedule_value_type = schedule_value_type  # the `schedule-value-type` setting


class Linter:
    """Lints sources with a fixed set of rules; build one per set of settings and reuse it."""

    def __init__(
        self,
        rules: Iterable[Rule],
        context: Context | None = None,
        severities: dict[str, str] | None = None,
        fast: bool = True,
        max_bytes: int = MAX_FILE_SIZE,
    ):
        self.rules = {r.id: r for r in rules}
        self.context = context or Context()
        self.severities = severities or {}
        self.by_keyword = {kw: r for r in self.rules.values() if r.kind == "keyword" for kw in r.keywords}
        self.declarative = [r for r in self.rules.values() if r.kind == "schema"]
        self._users = {r.id for r in self.declarative if _is_user(r)}  # rule ids: Path equality is slow per file
        self.coded = [r for r in self.rules.values() if r.kind == "code"]
        self.fast = fast  # False: python-jsonschema only (the reference path the tests compare with)
        self.max_bytes = max_bytes  # a larger source is not parsed (LF008)
        self._gates = None  # built on the first document that needs it

    def severity(self, rule: Rule) -> str:
        return self.severities.get(rule.id, rule.severity)

    # -- one file ------------------------------------------------------------------------------------------------

    def lint(self, raw: bytes | str, filename: str, ignore: Iterable[str] = ()) -> tuple[Findings, Source | None]:
        """The diagnostics of one file, sorted (true columns; on a secret, ``MASK`` wide), and its source (for
        excerpts and fixes). ``ignore``: the selectors the per-file ignores give this file."""
        source, documents, problems = load_stream(raw, filename, self.max_bytes)
        # A file's findings are held until its end (a later syntax error or limit changes how every one is shown:
        # ``Source.unmapped``), so they are held as rows of numbers (``Findings``), in order: each document's
        # sorted as it is linted, a fix that asks where the file's secrets are made once every document is read.
        held, later, hows = Findings(), array("q"), []  # the rows whose fix is made at the end, and how
        shared: dict[tuple, tuple] = {}
        for doc in documents:  # each YAML document is read here, linted and dropped: a long stream stays small
            made = []
            findings = self.findings(doc.data)
            deleting = {f.pointer for f in findings if f.rule.fix == "delete"}
            for f in findings:
                fix, how = None, None
                if f.rule.fix:  # made from the document's structure (``remedies``)
                    kind, fix = _remedy(f, doc, deleting)
                    if kind == "remedy":
                        fix, how = None, (kind, fix)
                elif f.suggestion and f.applicability:  # a new spelling written in place of a key or string
                    current = _key_or_value(doc.data, f.pointer, f.at_key)
                    how = ("replacing", (current, f.applicability)) if isinstance(current, str) else None
                elif f.edit and f.applicability and (rewrite := _planned(doc, f)):  # planned by a code rule
                    how = ("rewrite", rewrite)
                d = self.diagnostic(
                    f.rule.id,
                    file=filename,
                    document=doc.index,
                    range=doc.locate(f.pointer, f.at_key),
                    message=f.message,
                    pointer=f.pointer,
                    suggestion=f.suggestion,
                    fix=fix,
                )
                if d:
                    made.append((d, how))
            for d, how in sorted(made, key=itemgetter(0)):
                if how:  # a long stream repeats a few ("replacing", (current, applicability)): each held once
                    later.append(len(held))
                    hows.append(shared.setdefault(how, how) if how[0] == "replacing" else how)
                held.append(d)
        for row, (kind, how) in zip(later, hows, strict=True):
            held[row] = self.with_fix(held[row], source, **{kind: how})
        del later, hows
        found = [  # complete only now: a later document may have ended the stream (a syntax error, a limit)
            self.diagnostic(p.rule, file=filename, document=p.document, range=_not_empty(p.range), message=p.message)
            for p in problems
        ]
        ignore = tuple(ignore)
        directives = suppress.Directives(source if source and not source.is_json else None, self._enabled_id)
        kept = (
            d
            for d in _each_once(heapq.merge(held, sorted(filter(None, found))))
            if not (ignore and any(matches(self.rules[d.rule], s) for s in ignore)) and not directives.silence(d)
        )
        diagnostics = Findings()
        for _, on_document in groupby(kept, key=attrgetter("document")):
            for d in sorted(_on_source(source, d) for d in on_document) if source else on_document:
                diagnostics.append(d)
        del held
        unused = directives.unused(filename, lambda *found: self._unused(source, *found))
        if unused:  # known once every finding has been looked at (few: a file's stale suppressions)
            diagnostics = Findings(heapq.merge(diagnostics, sorted(_on_source(source, d) for d in unused)))
        return diagnostics, source

    def diagnostic(
        self,
        rule_id: str,
        *,
        file: str,
        message: str,
        range: tuple[int, int, int, int] = FILE_START,
        document: int = 0,
        pointer: str = "",
        suggestion: str | None = None,
        fix: Fix | None = None,
    ) -> Diagnostic | None:
        """The one place a Diagnostic is made; None when rule ``rule_id`` is not enabled. ``fix``: one made
        without the whole file (a deletion of a rule's ``fix``; one the cache kept); ``with_fix`` adds those that
        ask where the file's secrets are."""
        rule = self.rules.get(rule_id)
        if rule is None:
            return None
        line, column, end_line, end_column = range
        return Diagnostic(
            file=file,
            document=document,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            rule=rule.id,
            name=rule.slug,
            severity=self.severity(rule),
            message=message,
            pointer=shown_pointer(pointer),
            suggestion=suggestion,
            fix=fix,
        )

    @staticmethod
    def with_fix(
        d: Diagnostic,
        source: Source | None,
        replacing: tuple[object, str] | None = None,
        rewrite: Fix | None = None,
        remedy: Callable[[Source], Fix | None] | None = None,
    ) -> Diagnostic:
        """``d`` with the fix made once the whole ``source`` is read: ``replacing``: (the key or value at ``d``'s
        range that its suggestion would replace, and whether that is safe or unsafe); ``rewrite``: a fix planned
        from the document (``edits``), kept unless an edit of it touches a secret; ``remedy``: what makes the fix
        from the source (a rule's ``fix``)."""
        fix = None
        if replacing and source and d.suggestion:
            fix = _replacement(source, d[2:6], *replacing, d.suggestion)
        if rewrite and source and not any(_touches_secret(source, e) for e in rewrite.edits):
            fix = rewrite
        elif remedy and source:
            fix = remedy(source)
        return d._replace(fix=fix) if fix else d

    def _enabled_id(self, name: str) -> str | None:
        rule = find_rule(self.rules, name)
        return rule.id if rule else None

    def _unused(
        self, source: Source, file: str, line: int, column: int, end_column: int, message: str
    ) -> Diagnostic | None:
        if source.on_secret((line, column, line, end_column)):  # the comment may be the rest of the secret before it
            message = "a suppression comment on a secret's line (not shown) silences no finding"
        return self.diagnostic("LF009", file=file, range=(line, column, line, end_column), message=message)

    # -- findings ------------------------------------------------------------------------------------------------

    def findings(self, data: dict) -> list[Finding]:
        findings = []
        gates = self._gates_of()
        shown = for_user_rules(data) if True in gates else data  # user rules never see a secret
        plain_data = self.fast and plain(data)  # then no rule's check copies its part of the document again
        if not (
            self.fast and passes(gates[False], data, plain_data) and (True not in gates or passes(gates[True], shown))
        ):
            plain_shown = plain_data if shown is data else self.fast and plain(shown)
            findings.extend(self._structural(data, self.fast, plain_data))
            for rule in self.declarative:
                user = rule.id in self._users
                findings.extend(
                    self._declarative(rule, shown if user else data, self.fast, plain_shown if user else plain_data)
                )
        if self.coded or findings:
            from . import checks

            for rule in self.coded:
                check = getattr(checks, rule.check)
                for pointer, value in select(data, rule.given):
                    for found in check(value, pointer, self.context):
                        findings.append(Finding(rule, *found))
            # In a block the service ignores, only structure is reported (the service still parses it)
            ignored = tuple(checks.ignored_blocks(data)) if findings else ()
            if ignored:
                findings = [
                    f
                    for f in findings
                    if f.rule.kind == "keyword"
                    or f.rule.in_ignored_blocks
                    or not any(f.pointer == b or f.pointer.startswith(b + "/") for b in ignored)
                ]
        return findings

    def _gates_of(self) -> dict:
        """The gates that pass exactly the documents on which no schema-based rule can report: one call for a clean
        document, two with user rules, which see the document as ``secrets.for_user_rules`` shows it (False: the
        job schema and lflint's rules; True, when there are user rules: theirs)."""
        if self._gates is None:
            users = [r for r in self.declarative if _is_user(r)]
            self._gates = {False: gate([r for r in self.declarative if not _is_user(r)], bool(self.by_keyword))}
            if users:
                self._gates[True] = gate(users, job_schema=False)
        return self._gates

    def _structural(self, data: dict, fast: bool, is_plain: bool) -> Iterable[Finding]:
        if not self.by_keyword:
            return
        seen_required = set()  # jsonschema yields one error per missing field; report them from the first
        for error in schema_errors(None, data, fast, is_plain):
            pointer = "".join(join_pointer("", t) for t in error.absolute_path)
            rule = self.by_keyword.get(error.validator)
            if error.validator == "additionalProperties":
                known = error.schema.get("properties", {})
                for key in error.instance:
                    if key not in known and rule:
                        message, suggestion = unknown_field(key, pointer, known)
                        fix = None if suggestion in error.instance else _safe_if(certain(key, suggestion))
                        yield Finding(rule, join_pointer(pointer, key), message, suggestion, True, fix)
            elif error.validator == "required":
                if rule and pointer not in seen_required:
                    seen_required.add(pointer)
                    for missing in missing_fields(error):
                        yield Finding(rule, pointer, missing_message(pointer, [missing]))
            elif rule:
                message, suggestion = describe(error, pointer)
                fix = _safe_if(certain(error.instance, suggestion, documented(error.schema)))
                yield Finding(rule, pointer, message, suggestion, False, fix)

    def _declarative(self, rule: Rule, data: dict, fast: bool, is_plain: bool) -> Iterable[Finding]:
        if fast and holds(rule, data, is_plain):
            return  # most rules pass a failing document: one compiled yes/no each, no select and no errors
        for base, value in select(data, rule.given):
            seen_required = set()
            for error in schema_errors(rule, value, fast, is_plain):
                pointer = base + "".join(join_pointer("", t) for t in error.absolute_path)
                if error.validator == "required":
                    if pointer in seen_required:
                        continue
                    seen_required.add(pointer)
                    missing = missing_fields(error)  # one finding names every field missing at one place
                    cases = [(missing_message(pointer, missing), None, quoted_names(missing))]
                else:
                    cases = [(*describe(error, pointer), "")]
                fix = _safe_if(certain(error.instance, cases[0][1], documented(error.schema)))
                at = pointer
                if rule.report_at and isinstance(value, dict) and rule.report_at in value:
                    at = join_pointer(base, rule.report_at)
                for default, suggestion, missing in cases:
                    message = (rule.message or "{default}").format(
                        field=field_label(at), value=show(error.instance, at), missing=missing, default=default
                    )
                    yield Finding(rule, at, message, suggestion, False, fix if at == pointer else None)


def _on_source(source: Source, d: Diagnostic) -> Diagnostic:
    """``d`` as reports give it: in true columns, ``MASK`` wide on a secret and then with no suggestion; with no
    fix when an edit's range would tell something of a secret (``Source.reveals``: an edit of the finding's
    range on a secret would)."""
    rng = (d.line, d.column, d.end_line, d.end_column)
    line, column, end_line, end_column = source.mask_range(rng)
    if source.on_secret(rng):
        d = d._replace(suggestion=None)
    if d.fix and any(source.reveals(e[:4]) for e in d.fix.edits):
        d = d._replace(fix=None)
    if (line, column, end_line, end_column) == rng:
        return d  # the same finding, not a copy of it: a long stream's findings are not held twice
    return d._replace(line=line, column=column, end_line=end_line, end_column=end_column)


def _each_once(diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
    """``diagnostics`` (sorted) without repeats."""
    previous = None
    for d in diagnostics:
        if d != previous:
            yield d
        previous = d


def _remedy(finding: Finding, doc, deleting: set[str]) -> tuple[str, Fix | Callable[[Source], Fix | None] | None]:
    """The fix of ``finding``, whose rule has a ``fix``, as an argument of ``Linter.diagnostic``: a deletion made
    now (``fix``: it asks only the text and the document), a placeholder once the file's secrets are known
    (``remedy``). Neither holds ``doc``'s positions: a long stream's documents are dropped as they are linted."""
    from . import remedies

    if finding.rule.fix == "delete":
        return "fix", remedies.delete(doc.source, doc.root, finding.pointer, deleting)
    return "remedy", remedies.placeholder(doc.source, doc.root, finding.pointer, finding.suggestion)


# A plain YAML scalar that reads as a string of the same characters (not a number, boolean or null)
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_NOT_STRINGS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _safe_if(sure: bool) -> str:
    return "safe" if sure else "unsafe"


def _replacement(source: Source, rng, current, applicability: str, suggestion: str) -> Fix | None:
    """The fix that writes ``suggestion`` where ``current`` (a key, or a string value) stands at ``rng``: inside
    its quotes when quoted; none when the text there is not ``current`` as written (an escape, a block scalar),
    when the new text would read as something else, or on a secret."""
    line, column, end_line, end_column = rng
    if not isinstance(current, str) or line != end_line or source.on_secret(rng):
        return None
    text = source.line(line)[column - 1 : end_column - 1]
    quote = text[:1] if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'" else ""
    if quote:
        text, column, end_column = text[1:-1], column + 1, end_column - 1
        fits = not any(c in suggestion for c in (quote, "\\")) and suggestion.isprintable()
    else:
        fits = not source.is_json and _PLAIN.fullmatch(suggestion) and suggestion.lower() not in _NOT_STRINGS
    if text != current or not fits or text == suggestion:
        return None
    return Fix(
        applicability,
        f"replace {show(current)} with {show(suggestion)}",
        (Edit(line, column, line, end_column, suggestion),),
    )


def _planned(doc, finding: Finding) -> Fix | None:
    """The fix ``finding.edit`` plans (``edits.planned``), or None where the text does not allow it."""
    from .edits import planned

    found = planned(doc, finding.pointer, finding.edit)
    return Fix(finding.applicability, *found) if found else None


def _touches_secret(source: Source, edit: Edit) -> bool:
    start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
    return source.unmapped or any(r[:2] < end and start < r[2:] for r in source.secrets_on(start[0], end[0]))


def _key_or_value(data, pointer: str, at_key: bool):
    """The key (``at_key``) or the value at ``pointer`` in ``data``; None where there is none."""
    tokens = split_pointer(pointer)
    if at_key:
        return tokens[-1] if tokens else None
    for token in tokens:
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def _is_user(rule: Rule) -> bool:
    return rule.path.parent != RULES_DIR


def _not_empty(range_: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A loader's range, at least one character wide."""
    line, column, end_line, end_column = range_
    return range_ if (end_line, end_column) > (line, column) else (line, column, line, column + 1)
