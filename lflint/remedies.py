"""Fixes made from a document's structure (a rule's ``fix``): ``delete`` removes the member a finding names, key
and whole value; ``placeholder`` writes a placeholder where a literal secret stands. Each gives the fix, or None
where it cannot be exact (``placeholder`` once the file's secrets are known: it gives what makes the fix then,
holding the value's range, not the document's positions); ``engine.Linter.diagnostic`` takes it, and
``Source.reveals`` then refuses any edit whose range would tell something of a secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .diagnostic import Edit, Fix
from .documents import Source, Span, join_pointer, split_pointer

_PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)*")  # an anchor or a tag before a node
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")
_SEPARATOR = re.compile(r"\s*,\s*")  # between two members of a flow mapping (no comment)


def delete(source: Source, root: Span, pointer: str, deleting: set[str]) -> Fix | None:
    """Remove the member at ``pointer``: whole lines in a block mapping (from its key's line to its value's last
    line), the member and one comma in a flow mapping or JSON. None when it would empty the mapping (every member
    is in ``deleting``), when the key is not alone at the start of its line (``- key:``, ``? key``), when the
    member came from a merge (``<<``), when an alias crosses the edit, or when a comment sits between flow
    members."""
    tokens = split_pointer(pointer)
    parent = _at(root, tokens[:-1])
    if parent is None or not isinstance(parent.children, dict) or tokens[-1] not in parent.children:
        return None
    span = parent.children[tokens[-1]]
    base = "".join(join_pointer("", t) for t in tokens[:-1])
    members = [s for s in parent.children.values() if s.key and s.key[:2] >= parent.range[:2]]  # not merged
    members.sort(key=lambda s: s.key)
    if span not in members or all(join_pointer(base, k) in deleting for k in parent.children):
        return None
    edits = _flow(source, span, members) if _is_flow(source, parent) else _block(source, span)
    if edits is None or _crossed(source, root, edits):
        return None
    return Fix("unsafe", f"delete `{tokens[-1]}`", tuple(edits))


def placeholder(source: Source, root: Span, pointer: str, text: str) -> Callable[[Source], Fix | None]:
    """What writes ``text`` in place of the secret at ``pointer`` once the file's secrets are known: from the
    value's start to the start of the line after the secret (and a trailing comment, which may be part of it),
    keeping the rest of that line, so that no range ends where the secret did. None for an alias, a secret that
    ends the file without a line break, and a line on which another secret follows. It holds the value's range,
    not ``root``."""
    tokens = split_pointer(pointer)
    parent = _at(root, tokens[:-1])
    span = parent.children.get(tokens[-1]) if parent is not None and isinstance(parent.children, dict) else None
    if span is None or span.origin is not None or span.children is not None:
        return lambda source: None
    value, quoted = span.range, source.is_json or _is_flow(source, parent)
    return lambda source: _placeholder(source, value, quoted, text)


def _placeholder(source: Source, value: tuple[int, int, int, int], quoted: bool, text: str) -> Fix | None:
    """``placeholder``'s fix: ``value`` is the secret value's range; ``quoted``, whether a plain one must be quoted
    (JSON, a flow mapping)."""
    on_line = source.secrets_on(value[0], value[0])
    secret = next((r for r in on_line if r[:2] == value[:2] and value[2:] <= r[2:]), None)
    if secret is None or not re.fullmatch(
        r"[ \t]*(?:#.*)?", source.text[source.offset(*value[2:]) : source.offset(*secret[2:])]
    ):
        return None  # past the value only a comment may be part of the secret (not `, a: 1 #` in a flow mapping)
    line, column, end_line, end_column = secret
    first = source.text[source.offset(line, column)]
    quote = first if first in "'\"" else '"' if quoted else ""
    if end_column == 1:  # a block scalar: it ends at a line's start (after its empty lines, part of it)
        rest, eol = "", _line_break(source, end_line - 1)
    else:
        rest, eol = source.line(end_line)[end_column - 1 :], _line_break(source, end_line)
        after = [r for r in source.secrets_on(end_line, end_line) if r[:2] >= (end_line, end_column)]
        if not eol or after:
            return None
        end_line, end_column = end_line + 1, 1
    return Fix(
        "unsafe",
        f"replace the literal secret with {text}",
        (Edit(line, column, end_line, end_column, quote + text + quote + rest + eol),),
    )


def _block(source: Source, span: Span) -> list[Edit] | None:
    line, column = span.key[:2]
    if source.line(line)[: column - 1].strip():
        return None
    end = _end(source, span)
    last = end[0] if end[1] > 1 else end[0] - 1
    last = _last_filled(source, line, last)
    if _line_break(source, last):
        return [Edit(line, 1, last + 1, 1, "")]
    if line == 1:
        return None
    return [Edit(line - 1, len(source.line(line - 1)) + 1, last, len(source.line(last)) + 1, "")]


def _flow(source: Source, span: Span, members: list[Span]) -> list[Edit] | None:
    text, offset = source.text, source.offset
    index = members.index(span)
    key, value = offset(*span.key[:2]), offset(*span.range[:2])
    if len(members) == 1 or not re.fullmatch(r"\s*:\s*", text[offset(*span.key[2:]) : value]):
        return None  # `{a, b}`: a member without a value
    if not text[:key].rstrip().endswith(("{", ",")):
        return None  # `{? a: 1}`
    if text[value] in ",}]" or text[value].isspace():  # an empty value stands where the next token is
        return None
    end = offset(*span.range[2:])  # a flow value's end is exact
    after = source.line(span.range[2])[span.range[3] - 1 :]
    alone = not source.line(span.key[0])[: span.key[1] - 1].strip()
    if index + 1 < len(members):
        following = offset(*members[index + 1].key[:2])
        if not _SEPARATOR.fullmatch(text[end:following]):
            return None
        if alone and re.fullmatch(r"\s*,\s*", after) and members[index + 1].key[0] > span.range[2]:
            return [Edit(span.key[0], 1, span.range[2] + 1, 1, "")]
        return [Edit(*span.key[:2], *source.position(following), "")]
    before = members[index - 1]
    previous = offset(*before.range[2:])
    if not _SEPARATOR.fullmatch(text[previous:key]):
        return None
    if (
        alone
        and re.fullmatch(r"\s*,?\s*", after)
        and before.range[2] < span.key[0]
        and _line_break(source, span.range[2])
    ):
        edits = [Edit(span.key[0], 1, span.range[2] + 1, 1, "")]
        if "," not in after:  # the comma before the member goes, unless a trailing comma stays
            comma = source.position(text.index(",", previous))
            edits.insert(0, Edit(*comma, comma[0], comma[1] + 1, ""))
        return edits
    return [Edit(*source.position(previous), *span.range[2:], "")]


def _end(source: Source, span: Span) -> tuple[int, int]:
    """Where a value's text ends: a block collection's end is that of its last entry (libyaml's end mark of a
    block collection is the next token's start, past comments)."""
    if span.origin is not None or span.children is None or _is_flow(source, span):
        return span.range[2:]
    children = span.children.values() if isinstance(span.children, dict) else span.children
    ends = [e for c in children for e in (_end(source, c), *([c.key[2:]] if c.key else []))]
    return max(ends, default=span.range[:2])


def _is_flow(source: Source, span: Span) -> bool:
    at = source.offset(*span.range[:2])
    at = _PROPERTIES.match(source.text, at).end()
    return source.text[at : at + 1] in ("{", "[")


def _crossed(source: Source, root: Span, edits: list[Edit]) -> bool:
    """Whether an alias and the node it repeats lie one inside an edit, the other outside it (an anchor the edits
    remove that a merge ``<<: *name`` outside them names, too: a merge keeps no span of its alias)."""
    cut = [(source.offset(*e[:2]), source.offset(*e[2:4])) for e in edits]
    text = source.text
    names = [name for start, end in cut for name in _ANCHOR.findall(text[start:end])]
    if names:  # (the text kept is a copy of the file's: made only when it must be searched)
        kept = "".join(text[b:a] for (_, b), (a, _) in zip([(0, 0), *cut], [*cut, (len(text), 0)], strict=True))
        if any(f"*{name}" in kept for name in names):
            return True

    def inside(rng) -> bool:
        start, end = source.offset(*rng[:2]), source.offset(*rng[2:])
        return any(a <= start and end <= b for a, b in cut)

    stack = [root]
    while stack:
        span = stack.pop()
        if span.origin is not None:
            if inside(span.range) != inside(span.origin.range):
                return True
        elif isinstance(span.children, dict):
            stack.extend(span.children.values())
        elif isinstance(span.children, list):
            stack.extend(span.children)
    return False


def _at(root: Span, tokens: list[str]) -> Span | None:
    span = root
    for token in tokens:
        children = span.children
        if isinstance(children, dict) and token in children:
            span = children[token]
        elif isinstance(children, list) and token.isdigit() and int(token) < len(children):
            span = children[int(token)]
        else:
            return None
        if span.origin is not None:
            return None  # through an alias: the text is elsewhere
    return span


def _last_filled(source: Source, first: int, last: int) -> int:
    """``last``, or the line before the empty lines that end lines ``first``..``last`` (a block scalar's)."""
    while last > first and not source.line(last):
        last -= 1
    return last


def _line_break(source: Source, number: int) -> str:
    """The line break that ends line ``number`` ("" on a last line without one)."""
    start = source.offset(number, len(source.line(number)) + 1)
    ending = source.text[start : start + 2]
    return "\r\n" if ending == "\r\n" else "\n" if ending[:1] == "\n" else ""
