"""Load YAML and JSON job specs into plain data plus a map from JSON pointer to source range.

YAML is read from libyaml's event stream (PyYAML's C parser when present), built into data by a small iterative
builder that resolves plain scalars with the YAML 1.2 core rules of ruamel.yaml, the reference loader (``yes`` is a
string, ``0777`` is 777). No tag ever constructs an object. JSON is read by the standard library; its positions are
found by a second, lazy scan only when a finding needs them.

Anything that cannot be loaded becomes a ``Problem`` (a rule id, a message and a range), never an exception.
"""

from __future__ import annotations

import gc
import json
import re
import sys
import warnings
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Generator, Iterator
from functools import cache
from itertools import islice
from typing import Any, NamedTuple

from .config import MAX_FILE_SIZE
from .secrets import MASK, Excerpt, holds_secret, is_secret_key, mentions_secret, printable, shown_key

MAX_DEPTH = 200  # a job spec nests 5 levels deep
MAX_ALIASED = 200_000  # values that aliases add to a file (each alias counts its anchor's values): stops alias bombs


class Span:
    """Where a value sits in the source; ``key`` is the range of the mapping key that holds it; ``origin``, for
    an alias, is the span of the anchored node it repeats."""

    __slots__ = ("range", "key", "children", "origin")

    def __init__(self, range_, key=None, children=None, origin=None):
        self.range = range_  # (line, column, end_line, end_column), 1-based, end column exclusive
        self.key = key
        self.children = children  # dict[str, Span] | list[Span] | None
        self.origin = origin


class Problem(NamedTuple):
    """A file-level finding from loading: syntax, encoding, limits."""

    rule: str
    message: str
    range: tuple[int, int, int, int] = (1, 1, 1, 2)
    document: int = 0


class Document:
    """One YAML document (or a JSON file): its data and, for findings, where each value sits."""

    __slots__ = ("data", "index", "source", "_root")

    def __init__(self, data: Any, index: int, source: Source, root: Span | None = None):
        self.data, self.index, self.source, self._root = data, index, source, root

    @property
    def root(self) -> Span:
        if self._root is None:  # JSON: positions are found only when a finding asks for them
            self._root = _scan_json(self.source)[0]
        return self._root

    def locate(self, pointer: str, at_key: bool = False) -> tuple[int, int, int, int]:
        """The source range of ``pointer``; a missing member resolves to its nearest existing parent.

        ``at_key`` asks for the key of a mapping member rather than its value; a mapping or list that spans
        several lines is also reported at its key, so that a range never covers a whole block. A scalar that
        spans several lines (``name: |``) is the value itself: its range ends after its last character.
        """
        span, tokens = self.root, split_pointer(pointer)
        found = True
        for token in tokens:
            child = _child(span, token)
            if child is None:
                found = False
                break
            span = child
        line, col, end_line, end_col = span.range
        if found and not at_key and span.children is None and end_line != line:
            while end_col == 1 and end_line > line:  # libyaml ends a block scalar at the next line's start
                end_line -= 1
                end_col = len(self.source.line(end_line)) + 1
            return (line, col, end_line, end_col)
        if span.key and (at_key and found or span.range[0] != span.range[2] or not found):
            return span.key
        if span.range[0] != span.range[2]:
            line, col = span.range[:2]
            return (line, col, line, col + 1)
        return span.range

    def extent(self, pointer: str) -> tuple[int, int, int, int] | None:
        """The whole node at ``pointer`` as written, from its first character to just after its last (a block
        collection ends with its last member, not where the parser ended it); None when there is no such node,
        or when a member of it is written elsewhere (a merge key's)."""
        span = self.root
        for token in split_pointer(pointer):
            span = _child(span, token)
            if span is None:
                return None
        return _extent(span, self.source)


def _extent(span: Span, source: Source) -> tuple[int, int, int, int] | None:
    line, col, end_line, end_col = span.range
    if span.origin is not None or not span.children:  # an alias, a scalar, an empty collection (`{}`, `[]`)
        while end_col == 1 and end_line > line:  # libyaml ends a block scalar at the next line's start
            end_line -= 1
            end_col = len(source.line(end_line)) + 1
        return (line, col, end_line, end_col)
    if _FLOW_START.match(source.text, source.offset(line, col)):
        return span.range
    members = span.children.values() if isinstance(span.children, dict) else span.children
    ends = [_extent(m, source) for m in members]
    if any(e is None or e[:2] < (line, col) for e in ends):
        return None
    return (line, col, *max(e[2:] for e in ends))


_FLOW_START = re.compile(r"(?:[&!][^\s]*\s+)*[\[{]")  # a flow collection, after its anchor and tag if any


class Source:
    """One file's text, and where its secrets are (found from its documents, only when a report asks)."""

    __slots__ = (
        "filename",
        "text",
        "is_json",
        "_line_starts",
        "_lines",
        "documents",
        "complete",
        "found",
        "_secrets",
        "_unmapped",
    )

    def __init__(self, filename: str, text: str, is_json: bool):
        self.filename, self.text, self.is_json = filename, text, is_json
        self._line_starts: array | None = None  # where every _EVERY-th line starts (``_starts``)
        self._lines = 0  # how many lines the text has, once ``_starts`` has counted them
        self.documents: list[Document] = []  # every document, mappings or not (a linted YAML stream: none)
        self.complete = True  # False: loading stopped early, so part of the text has no spans
        self.found: list | _Ranges = []  # spans and key ranges of secrets as the loader met them (JSON: the scan)
        self._secrets: array | None = None  # their merged ranges, each two positions (``_at``), in order
        self._unmapped: bool | None = None

    def secrets_on(self, first: int, last: int) -> list[tuple[int, int, int, int]]:
        """The ranges of the secret values (and of the keys that hold a secret), sorted and merged, that lines
        ``first``..``last`` hold part of: found by bisection, so that a report of many findings over many secrets
        costs what it shows (a stream of documents, each with a secret and a finding)."""
        if self._secrets is None:
            for doc in self.documents:
                doc.root  # noqa: B018 - JSON: the scan that finds positions finds the secrets too
            merged = self._with_comments(_merge([r.range if isinstance(r, Span) else r for r in self.found]))
            self._secrets = array("q", (_at(*p) for r in merged for p in (r[:2], r[2:])))
            self.found = []
        secrets, touching = self._secrets, []
        # the positions only grow (the ranges are merged): the first range that ends on line ``first`` or later
        for k in range(bisect_left(secrets, _at(first, 0)) // 2 * 2, len(secrets), 2):
            line, column = divmod(secrets[k], _LINE)
            if line > last:
                break
            touching.append((line, column, *divmod(secrets[k + 1], _LINE)))
        return touching

    def _with_comments(self, ranges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
        """``ranges`` and each comment on the line a secret ends on (``password: abc #def``: ``#def`` may be the
        rest of the password), from the secret's end when only blanks come between."""
        comments = []
        for _, _, number, col in [] if self.is_json else ranges:
            line = self.line(number) if col > 1 else ""  # a secret that ends at a line's start is not on it
            found = _COMMENT.search(line, col - 1)
            if found:
                start = col if not line[col - 1 : found.start()].strip() else found.start() + 1
                comments.append((number, start, number, len(line.rstrip()) + 1))
        return _merge(ranges + comments) if comments else ranges

    def _touching(self, number: int) -> list[tuple[int, int, int, int]]:
        """The secrets (in order) that line ``number`` holds part of."""
        return self.secrets_on(number, number)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line break."""
        start = self._line_start(number)
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")

    @property
    def unmapped(self) -> bool:
        """Whether the text may hold a secret that no span marks: it did not load, and it names a secret key
        (or escapes a character, which could spell one)."""
        if self._unmapped is None:
            self._unmapped = not self.complete and ("\\" in self.text or mentions_secret(self.text))
        return self._unmapped

    def masked_line(self, number: int, written: tuple = ()) -> Excerpt | None:
        """Line ``number`` as reports may show it: each secret that touches it shown as one ``MASK``, with where
        each mask stands; None when the file did not load and so may hold secrets that no span marks. A secret
        that lies wholly in one of the ``written`` ranges (text a fix of lflint wrote: a placeholder) is shown."""
        if self.unmapped:
            return None
        self._starts()  # and so the number of lines
        if not 0 < number <= self._lines:
            return None
        line, out, col, masks = self.line(number), "", 1, []
        for l1, c1, l2, c2 in self._touching(number):
            if any(w[:2] <= (l1, c1) and (l2, c2) <= w[2:] for w in written):
                continue
            if l1 <= number <= l2:
                start, end = (c1 if l1 == number else 1), (c2 if l2 == number else len(line) + 1)
                out += line[col - 1 : start - 1]
                mask = MASK if l1 == number else ""
                masks.append((start, end, len(out) + 1, len(mask)))
                out += mask
                col = end
        return Excerpt(out + line[col - 1 :], tuple(masks))

    def on_secret(self, rng: tuple[int, int, int, int]) -> bool:
        """Whether ``rng`` lies within a secret (or in a text that may hold secrets no span marks)."""
        return self.unmapped or any(r[:2] <= rng[:2] and rng[2:] <= r[2:] for r in self._touching(rng[0]))

    def reveals(self, rng: tuple[int, int, int, int]) -> bool:
        """Whether an edit of ``rng`` would give away anything of a secret: it starts or ends inside one, or it
        covers one and ends on the line of the secret's last character (its column would move with the secret's
        length); always in a text that may hold secrets no span marks."""
        if self.unmapped:
            return True
        start, end = rng[:2], rng[2:]
        for r in self._touching(start[0]) + self._touching(end[0]):
            if r[:2] < start < r[2:] or r[:2] < end < r[2:]:
                return True
            last_line = r[2] if r[3] > 1 else r[2] - 1
            if start <= r[:2] and r[2:] <= end and end[0] == last_line:
                return True
        return False

    def mask_range(self, rng: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """``rng`` as diagnostics give it, in true source columns: a range within a secret is ``MASK`` wide from
        the secret's start, so that no position gives away a secret's length; a range that ends or starts inside
        a secret reaches its edge; in a text that may hold secrets no span marks, every range is one point."""
        if self.unmapped:
            return (*rng[:2], rng[0], rng[1] + 1)
        start, end = rng[:2], rng[2:]
        for r in self._touching(start[0]):
            if r[:2] <= start and end <= r[2:]:
                return (*r[:2], r[0], r[1] + len(MASK))
        for r in self._touching(start[0]):  # a point inside a secret moves to its edge
            if r[:2] < start < r[2:]:
                start = r[:2]
        for r in self._touching(end[0]):
            if r[:2] < end < r[2:]:
                end = r[2:]
        return (*start, *end)

    def offset(self, line: int, column: int) -> int:
        """The offset in ``text`` of (``line``, ``column``), 1-based: ``position``'s inverse."""
        return self._line_start(line) + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, column), 1-based, of ``offset`` in ``text``."""
        block = bisect_right(self._starts(), offset) - 1
        start = self._line_starts[block]
        line = block * _EVERY + 1 + self.text.count("\n", start, offset)
        last_break = self.text.rfind("\n", start, offset)
        return line, offset - (start if last_break < 0 else last_break + 1) + 1

    def _starts(self) -> array:
        """Where lines 1, 1 + _EVERY, 1 + 2 * _EVERY, ... start (offsets in ``text``); the lines between are found
        from them (a long stream has many lines: 229,000 offsets held cost 0.9 MB)."""
        if self._line_starts is None:
            starts = array("i" if len(self.text) < 2**31 else "q", [0])  # 4 bytes an offset where it can
            starts.extend(m.end() for m in islice(re.finditer("\n", self.text), _EVERY - 1, None, _EVERY))
            self._line_starts, self._lines = starts, self.text.count("\n") + 1
        return self._line_starts

    def _line_start(self, number: int) -> int:
        """The offset in ``text`` where line ``number`` (1-based) starts."""
        start = self._starts()[(number - 1) // _EVERY]
        skip = (number - 1) % _EVERY
        return _lines(skip).match(self.text, start).end() if skip else start


_EVERY = 16  # a Source holds where every 16th line starts
_COMMENT = re.compile(r"(?:(?<=[ \t])|^)#")
_LINE = 1 << 32  # a position (line, column) as one number: line * _LINE + column (a column never reaches 2**32)


@cache
def _lines(count: int) -> re.Pattern:
    """``count`` lines, each to its line break."""
    return re.compile(f"(?:[^\n]*\n){{{count}}}")


def _at(line: int, column: int) -> int:
    return line * _LINE + column


class _Ranges:
    """The secrets' ranges a YAML stream's loader records (``_record_secret``), as a flat array of positions, not
    tuples: a long stream has many. A span is taken by its range, final once the loader records it."""

    __slots__ = ("_positions",)

    def __init__(self):
        self._positions = array("q")

    def append(self, recorded) -> None:
        line, column, end_line, end_column = recorded.range if isinstance(recorded, Span) else recorded
        self._positions.extend((_at(line, column), _at(end_line, end_column)))

    def __iter__(self) -> Iterator[tuple[int, int, int, int]]:
        positions = self._positions
        for k in range(0, len(positions), 2):
            yield (*divmod(positions[k], _LINE), *divmod(positions[k + 1], _LINE))


def _record_secret(found: list, key: str, span: Span, key_range) -> None:
    """Note where the value under ``key`` sits (and its anchored node, and the key itself) if it is secret."""
    if is_secret_key(key):
        found.append(span)  # a span: JSON learns where a container ends only after this
        if span.origin is not None:
            found.append(span.origin)
        if holds_secret(key) and key_range:
            found.append(key_range)


def _merge(ranges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    merged: list[tuple[int, int, int, int]] = []
    for r in sorted(ranges):
        if r[:2] == r[2:]:
            continue  # an empty value (null) hides nothing
        if merged and r[:2] <= merged[-1][2:]:
            merged[-1] = (*merged[-1][:2], *max(merged[-1][2:], r[2:]))
        else:
            merged.append(r)
    return merged


def _child(span: Span, token: str) -> Span | None:
    children = span.children
    if isinstance(children, dict):
        return children.get(token)
    if isinstance(children, list) and token.isdigit() and int(token) < len(children):
        return children[int(token)]
    return None


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def join_pointer(parent: str, token: str | int) -> str:
    return f"{parent}/{str(token).replace('~', '~0').replace('/', '~1')}"


def decode(raw: bytes) -> str | Problem:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:4]):
        return Problem("LF003", "file is UTF-16 or UTF-32 encoded; job specs must be UTF-8")
    try:
        text = read_breaks(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        before = read_breaks(raw[: exc.start].decode("utf-8-sig"))
        line = before.count("\n") + 1
        col = len(before.rpartition("\n")[2]) + 1  # in characters, as every column
        return Problem(
            "LF003", f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} at line {line}", (line, col, line, col + 1)
        )
    return text


# A carriage return not before a line feed is a line break (YAML's, and an editor's); lflint reads it as one "\n"
# (one character for one, so every column and offset stays), so that its lines are the parser's (docs/ambiguities.md).
_LONE_CR = re.compile(r"\r(?!\n)")


def read_breaks(text: str) -> str:
    """``text`` with each lone carriage return read as a line feed (the same text when it has none)."""
    return _LONE_CR.sub("\n", text) if "\r" in text and _LONE_CR.search(text) else text


def load(raw: bytes | str, filename: str, max_bytes: int = MAX_FILE_SIZE) -> tuple[list[Document], list[Problem]]:
    """Every document in the file and every problem that kept one from loading."""
    return load_source(raw, filename, max_bytes)[1:]


def load_source(
    raw: bytes | str, filename: str, max_bytes: int = MAX_FILE_SIZE
) -> tuple[Source | None, list[Document], list[Problem]]:
    """``load``, with the file's ``Source`` (None for a file too large, not UTF-8 or empty)."""
    source, documents, problems = load_stream(raw, filename, max_bytes, keep=True)
    return source, list(documents), problems


def load_stream(
    raw: bytes | str, filename: str, max_bytes: int = MAX_FILE_SIZE, keep: bool = False
) -> tuple[Source | None, Iterator[Document], list[Problem]]:
    """``load_source`` one document at a time: the file's ``Source``, an iterator over its mapping documents, and
    the problems, a list complete only once the iterator is exhausted (a syntax error may end the stream after
    many documents). A YAML document is read when the iterator reaches it and, unless ``keep``, is not kept in
    ``Source.documents``: a long stream costs the memory of one document (its secrets' ranges stay in
    ``Source.found``). A JSON file is one document, always kept (the scan that finds its secrets reads it)."""
    if len(raw) > max_bytes:
        return (
            None,
            iter(()),
            [Problem("LF008", f"file is larger than {show_size(max_bytes)} (the `max-file-size` setting); not parsed")],
        )
    text = decode(raw) if isinstance(raw, bytes) else read_breaks(raw.removeprefix("\ufeff"))  # as decode reads it
    if isinstance(text, Problem):
        return None, iter(()), [text]
    if not text or text.isspace():  # text.strip() would copy the text
        return (
            None,
            iter(()),
            [Problem("LF004", "file is empty; a job spec is a mapping with name, type and parameter")],
        )
    source = Source(filename, text, filename.lower().endswith(".json"))
    problems: list[Problem] = []
    return source, _documents(source, problems, keep or source.is_json), problems


def _documents(source: Source, problems: list[Problem], keep: bool) -> Iterator[Document]:
    """The mapping documents of ``source`` as they are read; the problems of the others (LF004, LF005) and of the
    file as a whole are added to ``problems`` after the loader's, once the last is read."""
    read = _json_documents(source, problems) if source.is_json else _load_yaml(source, problems)
    shapes: list[Problem] = []
    empty = None  # the first empty document (a stray "---" in a stream): LF004 if it is the file's only one
    count = filled = 0
    for doc in _without_gc(read):
        count += 1
        if keep:
            source.documents.append(doc)
        if doc.data is None:
            empty = empty or Problem("LF004", "document is empty", doc.locate(""), doc.index)
            continue
        filled += 1
        if isinstance(doc.data, dict):
            yield doc
        else:
            message = f"a job spec must be a mapping, found {type_name(doc.data)}"
            shapes.append(Problem("LF005", message, doc.locate(""), doc.index))
    source.complete = not any(p.rule in ("LF001", "LF008") for p in problems)
    if count == 1 and empty:
        shapes.append(empty)
    problems.extend(shapes)
    if not problems and not filled:
        problems.append(
            Problem("LF004", "file holds only empty documents" if count else "file holds no document, only comments")
        )


def _without_gc(documents: Iterator[Document]) -> Iterator[Document]:
    """``documents``, each built with the cyclic collector off: the data and position tree hold no reference
    cycles, so it has nothing to find in them; left on, it scans the growing tree again at each full collection
    (docs/performance.md). It is on again while the document is linted."""
    collecting = gc.isenabled()
    while True:
        gc.disable()
        try:
            doc = next(documents, None)
        finally:
            if collecting:
                gc.enable()
        if doc is None:
            return
        yield doc


def _json_documents(source: Source, problems: list[Problem]) -> Iterator[Document]:
    docs, found = _load_json(source)
    problems.extend(found)
    yield from docs


def show_size(size: int) -> str:
    """``10485760`` → ``10 MB``; a size that is not a whole number of KB or MB in bytes."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size:,} bytes"


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


# --- JSON -------------------------------------------------------------------------------------------------------


def _load_json(source: Source) -> tuple[list[Document], list[Problem]]:
    duplicates = []

    def pairs(items):
        obj = dict(items)
        if len(obj) != len(items):
            duplicates.append(True)
        return obj

    try:
        data = json.loads(source.text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        return [], [Problem("LF001", f"invalid JSON: {exc.msg}", (exc.lineno, exc.colno, exc.lineno, exc.colno + 1))]
    except RecursionError:
        return [], [Problem("LF008", "JSON nests too deeply to be a job spec; not parsed")]
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits())
        # each run of digits once (a search for `[0-9]{4301,}` restarts inside every shorter run: quadratic)
        found = next(
            (m for m in re.finditer("[0-9]+", source.text) if m.end() - m.start() > sys.get_int_max_str_digits()), None
        )
        start, end = (found.start(), found.end()) if found else (0, 1)
        return [], [Problem("LF008", _too_many_digits(), (*source.position(start), *source.position(end)))]
    doc = Document(data, 0, source)
    problems = []
    if duplicates:
        root, dups = _scan_json(source)
        doc._root = root
        secret = [r.range for r in source.found if isinstance(r, Span)]
        problems = [
            Problem(
                "LF002", _duplicate(None if any(r[:2] <= rng[:2] and rng[2:] <= r[2:] for r in secret) else key), rng
            )
            for key, rng in dups
        ]
    if _depth_exceeds(data, MAX_DEPTH):
        return [], [Problem("LF008", f"JSON nests deeper than {MAX_DEPTH} levels; not a job spec")]
    return [doc], problems


def _too_many_digits() -> str:
    return f"a number of more than {sys.get_int_max_str_digits():,} digits; not a job spec, not parsed"


def _duplicate(key: str | None) -> str:
    """LF002's message; ``key`` None: a key inside a secret, not shown."""
    shown = "(hidden: inside a secret)" if key is None else f"`{printable(shown_key(key))}`"
    return f"duplicate key {shown}: the last value is used"


def _depth_exceeds(data: Any, limit: int) -> bool:
    level = [data]
    for _ in range(limit):
        level = [c for v in level if isinstance(v, (dict, list)) for c in (v.values() if isinstance(v, dict) else v)]
        if not level:
            return False
    return True


_JSON_TOKEN = re.compile(r'[ \t\r\n]*(?:("(?:[^"\\]|\\.)*")|([{}\[\],:])|([^ \t\r\n{}\[\],:]+))', re.S)


def _scan_json(source: Source) -> tuple[Span, list[tuple[str, tuple]]]:
    """Build the span tree of a JSON text already known to be valid (iterative: no recursion limit). Tokens come
    in order and only whitespace between them holds line breaks, so each position is counted from the last."""
    text = source.text
    line, line_start = 1, 0  # the line being read and its offset
    stack: list[tuple[Span, str | None]] = []  # container span, pending key
    key = key_range = None
    root = None
    duplicates = []
    found = source.found = []

    def rng(start, end):  # on the line being read
        return (line, start - line_start + 1, line, end - line_start + 1)

    def attach(span):
        nonlocal root, key, key_range
        if not stack:
            root = span
            return
        parent = stack[-1]
        if isinstance(parent.children, dict):
            _record_secret(found, key, span, key_range)
            span.key = key_range
            if key in parent.children:
                duplicates.append((key, key_range))
            parent.children[key] = span
            key = None
        else:
            parent.children.append(span)

    expect_key = False
    for m in _JSON_TOKEN.finditer(text):
        string, punct, atom = m.groups()
        start = m.start(1) if string else m.start(2) if punct else m.start(3)
        if m.start() != start and (breaks := text.count("\n", m.start(), start)):
            line, line_start = line + breaks, text.rindex("\n", m.start(), start) + 1
        if punct in ("{", "["):
            span = Span(rng(start, start + 1), children={} if punct == "{" else [])
            attach(span)
            stack.append(span)
            expect_key = punct == "{"
        elif punct in ("}", "]"):
            span = stack.pop()
            span.range = (*span.range[:2], line, m.end() - line_start + 1)
            expect_key = False
        elif punct == ",":
            expect_key = isinstance(stack[-1].children, dict)
        elif punct == ":":
            expect_key = False
        elif string is not None and expect_key:
            key, key_range = json.loads(string) if "\\" in string else string[1:-1], rng(start, m.end())
        elif string is not None or atom:
            attach(Span(rng(start, m.end())))
    return root or Span((1, 1, 1, 2)), duplicates


# --- YAML -------------------------------------------------------------------------------------------------------

# The YAML 1.2 core schema as ruamel.yaml resolves it (first characters, then the pattern).
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+")
_FLOAT = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)""",
    re.X,
)
_NUMBER_START = frozenset("-+0123456789")
# the first characters of every plain scalar that reads as something else than its text (null, a boolean, a number)
_MAY_RESOLVE = frozenset("~nNtTfF.") | _NUMBER_START | {""}
_INT_BASES = {"0b": 2, "0o": 8, "0x": 16}


class TooManyDigits(ValueError):
    """An integer of more decimal digits than Python converts to text (``sys.get_int_max_str_digits()``)."""


@cache
def _ten_to(power: int) -> int:
    return 10**power


def resolve_plain(text: str) -> Any:
    """A plain (unquoted, untagged) scalar's value under YAML 1.2: timestamps stay strings (JSON has no dates)."""
    if text[:1] not in _MAY_RESOLVE:
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if len(text) < 19 and text.isdigit() and text.isascii():  # a small decimal integer, the usual number (`0777`: 777)
        return int(text)
    first = text[0]
    if first in _NUMBER_START and _INT.fullmatch(text):
        digits = text.replace("_", "")
        sign = -1 if digits[0] == "-" else 1
        digits = digits.lstrip("+-")
        limit, prefixed = sys.get_int_max_str_digits(), digits[:2] in _INT_BASES
        if limit and not prefixed and len(digits) > limit:
            raise TooManyDigits
        try:
            value = int(digits[2:], _INT_BASES[digits[:2]]) if prefixed else int(digits)
        except ValueError:  # "0b_": ruamel.yaml raises; a string is the honest reading
            return text
        if limit and value >= _ten_to(limit):  # in every base, as JSON's: past it no report could show it
            raise TooManyDigits
        return sign * value
    if (first in _NUMBER_START or first == ".") and _FLOAT.fullmatch(text):
        return float(
            text.replace("_", "")
            .replace(".inf", "inf")
            .replace(".Inf", "inf")
            .replace(".INF", "inf")
            .replace(".nan", "nan")
            .replace(".NaN", "nan")
            .replace(".NAN", "nan")
        )
    return text


_CORE_TAGS = "tag:yaml.org,2002:"
_TYPE_OF_TAG = {"str": str, "int": int, "float": float, "bool": bool, "null": type(None)}


# libyaml reads U+0085, U+2028 and U+2029 as line breaks, as YAML 1.1 did (so does ruamel.yaml's parser); YAML 1.2
# reads them as ordinary characters. The parsers get the text with each replaced by a private-use character found
# nowhere in the file (not even as an escape's hex digits), and scalars get them back: one character for one, so
# every position stays right.
_BREAKS_1_1 = "\x85\u2028\u2029"
_STAND_INS = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE))  # private-use code points, looked at per file
# An anchor or alias whose name holds a character besides letters, digits, `-` and `_`: libyaml ends the name there
# (`&an:chor value` is read as anchor `an` and the value `:chor value`); ruamel.yaml reads it whole, as YAML 1.2 does.
_ODD_NAME = re.compile(r"[0-9A-Za-z_-]*[^0-9A-Za-z_\-\s,\[\]{}]")
_COLON_NEXT = re.compile(r"[ \t\r\n]*:")
# ruamel.yaml's pure-Python parser reads what libyaml refuses or misreads; it is slow (about 400 KB a second), so
# it is tried only on files up to this size: a job spec is about 2 KB.
FALLBACK_MAX = 256 * 1024


def _parser_text(text: str) -> tuple[str, dict | None]:
    """The text the parsers read, and the table that turns its scalars back into the file's characters."""
    restore = None
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        lowered = text.lower()
        free = (c for r in _STAND_INS for c in map(chr, r) if c not in text and f"{ord(c):x}" not in lowered)
        stand_ins = dict(zip(_BREAKS_1_1, free, strict=False))
        text = text.translate(str.maketrans(stand_ins))
        restore = str.maketrans({v: k for k, v in stand_ins.items()})
    if text[-1] in " \t":  # a last line of blanks and no line break: both parsers would drop it from a block scalar
        text += "\n"
    return text, restore


def _odd_anchor(text: str) -> int:
    """Where an anchor or alias name holds a character libyaml does not take, or -1 (``str.find``: a regular
    expression costs a clean file 20 microseconds)."""
    for sign in "&*":
        at = text.find(sign)
        while at != -1:
            if (at == 0 or text[at - 1] in " \t\n[{,") and _ODD_NAME.match(text, at + 1):
                return at
            at = text.find(sign, at + 1)
    return -1


def _libyaml_events(text: str):
    """libyaml's events one by one (PyYAML's C parser when present), ending with the stream's end."""
    import yaml

    parser = yaml.CSafeLoader(_Pieces(text)) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(text)
    return iter(parser.get_event, None), yaml, yaml.YAMLError


class _Pieces:
    """``text`` as a stream that PyYAML's C parser reads a piece at a time, encoding each piece to UTF-8: given the
    ``str``, it would first make a UTF-8 copy as large as the file. The same bytes reach libyaml, and ``name`` is
    the one PyYAML gives a ``str`` (its messages show it)."""

    __slots__ = ("text", "at")
    name = "<unicode string>"

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def read(self, size: int) -> str:
        self.at += size
        return self.text[self.at - size : self.at]


def _ruamel_events(text: str):
    from ruamel.yaml import YAML, error, events

    return YAML(typ="safe", pure=True).parse(text), events, error.YAMLError


def _load_yaml(source: Source, problems: list[Problem]) -> Iterator[Document]:
    """The documents of a YAML stream, each as it is read; a file small enough for ruamel.yaml to read again when
    libyaml fails it is read whole first (its documents are then those of the reading that succeeds)."""
    text, restore = _parser_text(source.text)
    small = len(text) <= FALLBACK_MAX
    odd = _odd_anchor(text)
    if odd >= 0 and not small:
        end = _ODD_NAME.match(text, odd + 1).end()
        problems.append(
            Problem(
                "LF008",
                f"an anchor or alias name with characters besides letters, digits, `-` and `_`"
                f" ({printable(text[odd:end])}) is read only in files up to "
                f"{show_size(FALLBACK_MAX)}; not linted",
                (*source.position(odd), *source.position(end)),
            )
        )
        return
    if not small:
        source.found = _Ranges()
        yield from _build(source, text, restore, *_libyaml_events(text), problems, source.found)
        return
    if odd >= 0:
        docs, loaded, found, failed = _read(source, text, restore, *_ruamel_events(text))
    else:
        docs, loaded, found, failed = _read(source, text, restore, *_libyaml_events(text))
        if failed:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    second = _read(source, text, restore, *_ruamel_events(text))
            except Exception:  # noqa: BLE001 - ruamel.yaml's parser fails some input with an assertion, not a YAMLError
                second = None
            if second and not second[3]:
                docs, loaded, found, failed = second
    source.found = found
    problems.extend(loaded)
    yield from docs


def _read(source: Source, text: str, restore, events, ev, error) -> tuple[list[Document], list[Problem], _Ranges, bool]:
    """``_build`` to the end: the documents, the problems, the secrets' spans, and whether the parser stopped on a
    syntax error."""
    docs: list[Document] = []
    problems: list[Problem] = []
    found = _Ranges()
    build = _build(source, text, restore, events, ev, error, problems, found)
    while True:
        try:
            docs.append(next(build))
        except StopIteration as end:
            return docs, problems, found, end.value


class _Frame:
    __slots__ = ("data", "span", "anchor", "key", "key_range", "merges", "size", "is_map", "key_is_merge", "scalar")

    def __init__(self, data, span, anchor):
        self.data, self.span, self.anchor = data, span, anchor
        self.is_map = isinstance(data, dict)
        self.key = self.key_range = None
        self.key_is_merge = False
        self.merges = []
        self.size = 1
        self.scalar = False  # a flow entry `?x` that libyaml read as a one-pair mapping {x: null}


class _Abort(Exception):
    def __init__(self, problem):
        self.problem = problem


_DROPPED = object()  # the key of an entry that is not read (a key that is not a string)


def _build(
    source: Source, text: str, restore, events, ev, error, problems: list[Problem], found: list
) -> Generator[Document, None, bool]:
    """Data and spans from a parser's events: each document as its end arrives; the problems and the secrets' spans
    are added to ``problems`` and ``found``. Returns whether the parser stopped on a syntax error."""
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, Span, int]] = {}
    root: list = []
    index = 0
    aliased = 0  # values added by aliases in the whole file: the work a stream of documents may not multiply
    glued = "?" in text  # `?x` in a flow collection may have been read as `? x`

    def rng(ev):
        s, e = ev.start_mark, ev.end_mark
        if s.index == e.index:  # an empty scalar (`key:`, `?`): one column where it would stand, never zero
            return (s.line + 1, s.column + 1, s.line + 1, s.column + 2)
        return (s.line + 1, s.column + 1, e.line + 1, e.column + 1)

    def add(value, span, size, is_plain_merge=False):
        if not stack:
            root[:] = [value, span]
            return
        frame = stack[-1]
        frame.size += size
        if not frame.is_map:
            frame.data.append(value)
            frame.span.children.append(span)
        elif frame.key is None and not frame.key_is_merge:
            if is_plain_merge:
                frame.key_is_merge = True
            elif type(value) is str:
                frame.key, frame.key_range = value, span.range
            else:
                problems.append(
                    Problem(
                        "LF011",
                        f"keys must be strings in a job spec, found {type_name(value)} as a key; the entry is not read",
                        span.range,
                        index,
                    )
                )
                if isinstance(value, (dict, list)):
                    found.append(span.range)  # not read, so shown to no one: it may hold a secret under any name
                frame.key = _DROPPED
        elif frame.key_is_merge:
            sources = value if isinstance(value, list) else [value]
            children = span.children if isinstance(value, list) else [span]
            if not all(isinstance(v, dict) for v in sources):
                raise _Abort(
                    Problem("LF001", "a merge key '<<' takes a mapping or a list of mappings", span.range, index)
                )
            frame.merges.extend(zip(sources, children, strict=True))
            frame.key_is_merge = False
        elif frame.key is _DROPPED:
            frame.key = None
        else:
            key = frame.key
            if key in frame.data:
                problems.append(Problem("LF002", _duplicate(None if at_secret(1) else key), frame.key_range, index))
            span.key = frame.key_range
            _record_secret(found, key, span, frame.key_range)
            frame.data[key] = value
            frame.span.children[key] = span
            frame.key = None

    def scalar(ev):
        try:
            return _scalar(ev)
        except TooManyDigits:
            raise _Abort(Problem("LF008", _too_many_digits(), rng(ev), index)) from None

    def _scalar(ev):
        value = ev.value
        if restore:
            value = value.translate(restore)
        if ev.implicit[0]:
            if ev.tag:  # the non-specific tag `!`: a string, whatever it looks like
                return value
            return resolve_plain(value) if value else None
        tag = ev.tag
        if tag is None or tag == _CORE_TAGS + "str":
            return value
        kind = _TYPE_OF_TAG.get(tag[len(_CORE_TAGS) :]) if tag.startswith(_CORE_TAGS) else None
        resolved = resolve_plain(value) if value else None
        if kind is None or type(resolved) is not kind and not (kind is float and type(resolved) is int):
            unsupported(ev)
        return float(resolved) if kind is float and type(resolved) is int else resolved

    def check_tag(ev, expected):
        if ev.tag and ev.tag not in ("!", _CORE_TAGS + expected):
            unsupported(ev)

    def unsupported(ev):
        tag = "!!" + ev.tag[len(_CORE_TAGS) :] if ev.tag.startswith(_CORE_TAGS) else ev.tag
        tag = "(hidden: it stands where a secret is)" if at_secret() else printable(tag)
        problems.append(
            Problem(
                "LF006", f"tag {tag} is not supported in a job spec; the value is read as plain YAML", rng(ev), index
            )
        )

    def at_secret(skip=0):
        """Whether the node being read (``skip``: frames of its own left out) stands where a secret is: a loader
        message about it never quotes its text (a password that starts with ``!`` or ``*`` is a tag or an alias)."""
        return any(f.is_map and f.key is not None and is_secret_key(f.key) for f in stack[: len(stack) - skip])

    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    starts = {ev.MappingStartEvent: True, ev.SequenceStartEvent: False}
    ends = (ev.MappingEndEvent, ev.SequenceEndEvent)
    try:
        for event in events:
            kind = type(event)
            if kind is scalar_event:
                plain = event.implicit[0]
                value = event.value
                if not (plain and not event.tag and not restore):
                    value = scalar(event)
                elif not value:
                    value = None
                elif value[0] in _MAY_RESOLVE:  # most scalars read as the string written: no call for them
                    try:
                        value = resolve_plain(value)
                    except TooManyDigits:
                        raise _Abort(Problem("LF008", _too_many_digits(), rng(event), index)) from None
                mark, end = event.start_mark, event.end_mark
                start = mark.index
                line, col = mark.line + 1, mark.column + 1
                where = (line, col, line, col + 1) if start == end.index else (line, col, end.line + 1, end.column + 1)
                frame = stack[-1] if stack else None
                if frame is not None and not (glued and start and text[start - 1] == "?"):
                    # the common cases of `add`, inline: a mapping's string key, a mapping's value, a list item
                    key = frame.key
                    if not frame.is_map:
                        span = Span(where)
                        frame.size += 1
                        frame.data.append(value)
                        frame.span.children.append(span)
                    elif (
                        key is None and not frame.key_is_merge and type(value) is str and not (plain and value == "<<")
                    ):
                        span = None  # a key's range is all it keeps
                        frame.size += 1
                        frame.key, frame.key_range = value, where
                    elif key is not None and key is not _DROPPED and key not in frame.data:
                        span = Span(where, frame.key_range)
                        frame.size += 1
                        if is_secret_key(key):
                            _record_secret(found, key, span, frame.key_range)
                        frame.data[key] = value
                        frame.span.children[key] = span
                        frame.key = None
                    else:
                        span = Span(where)
                        add(value, span, 1, plain and event.value == "<<" and frame.is_map and key is None)
                    if event.anchor:
                        anchors[event.anchor] = (value, span or Span(where), 1)
                    continue
                span = Span(where)
                if glued and start and text[start - 1] == "?" and event.value and not event.style and plain:
                    # YAML 1.2 takes `?` for a key indicator only before a blank: `[?x]` and `{?x: 1}` hold "?x"
                    value = "?" + event.value
                    line, col, end_line, end_col = span.range
                    span.range = (line, col - 1, end_line, end_col)
                    top = stack[-1] if stack else None
                    if (
                        top
                        and top.is_map
                        and not top.data
                        and top.span.range[:2] == (line, col - 1)
                        and not _COLON_NEXT.match(text, event.end_mark.index)
                    ):
                        top.scalar = True
                add(
                    value,
                    span,
                    1,
                    event.implicit[0] and event.value == "<<" and stack and stack[-1].is_map and stack[-1].key is None,
                )
                if event.anchor:
                    anchors[event.anchor] = (value, span, 1)
            elif kind in starts:
                is_map = starts[kind]
                check_tag(event, "map" if is_map else "seq")
                if len(stack) >= MAX_DEPTH:
                    raise _Abort(
                        Problem("LF008", f"nesting deeper than {MAX_DEPTH} levels; not a job spec", rng(event), index)
                    )
                stack.append(
                    _Frame({} if is_map else [], Span(rng(event), children={} if is_map else []), event.anchor)
                )
            elif kind in ends:
                frame = stack.pop()
                if frame.scalar:
                    ((key, value_span),) = frame.span.children.items()
                    add(key, Span(value_span.key), 1)
                    continue
                line, col = frame.span.range[:2]
                frame.span.range = (line, col, event.end_mark.line + 1, event.end_mark.column + 1)
                for merged, merged_span in frame.merges:
                    for key, value in merged.items():
                        if key not in frame.data:
                            frame.data[key] = value
                            frame.span.children[key] = merged_span.children[key]
                add(frame.data, frame.span, frame.size)
                if frame.anchor:
                    anchors[frame.anchor] = (frame.data, frame.span, frame.size)
            elif kind is alias_event:
                if event.anchor not in anchors:
                    alias = "(hidden: it stands where a secret is)" if at_secret() else f"*{printable(event.anchor)}"
                    raise _Abort(
                        Problem("LF001", f"alias {alias} names no anchor defined before it", rng(event), index)
                    )
                value, target, size = anchors[event.anchor]
                aliased += size
                if aliased > MAX_ALIASED:
                    raise _Abort(
                        Problem(
                            "LF008",
                            f"aliases repeat more than {MAX_ALIASED:,} values in this file "
                            "(an alias bomb?); not linted further",
                            rng(event),
                            index,
                        )
                    )
                add(value, Span(rng(event), children=target.children, origin=target), size)
            elif kind is ev.DocumentEndEvent:
                if root:
                    yield Document(root[0], index, source, root[1])
                else:
                    problems.append(Problem("LF004", "document is empty", rng(event), index))
                root.clear()
                anchors.clear()
                index += 1
    except _Abort as abort:
        problems.append(abort.problem)
    except error as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        if "nesting depth" in what:  # libyaml's own depth limit (PyYAML 6.0.4 on), met by its scanner before ours
            rule, message = "LF008", f"nesting deeper than {MAX_DEPTH} levels; not a job spec"
        else:
            rule, message = "LF001", f"invalid YAML: {what}" + (f" ({context})" if context else "")
        problems.append(Problem(rule, message, (line, col, line, col + 1), index))
        return True
    return False
