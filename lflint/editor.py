"""Where the cursor is in a job spec, as the language server needs it: the field under it, and what may be typed.

Positions here are 0-based lines and code-point columns (JSON: offsets). ``field_at`` reads a document that
parses. While typing, a document usually does not, so ``yaml_context`` reads YAML by its indentation and
``json_context`` reads JSON by its brackets, to tell completion where the cursor is.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .documents import Span, load


class Field(NamedTuple):
    tokens: list[str]  # JSON pointer tokens of the field
    range: tuple[int, int, int, int]  # of its key (or of the value, for a list item), 1-based as Span ranges


def _inside(rng, line: int, col: int) -> bool:
    return rng is not None and (rng[0], rng[1]) <= (line, col) < (rng[2], rng[3])


def field_at(text: str, filename: str, line: int, col: int) -> Field | None:
    """The field whose key or value holds the position, in a document that parses."""
    docs, _ = load(text, filename)
    line, col = line + 1, col + 1
    for doc in docs:
        span: Span = doc.root
        if not _inside(span.range, line, col):
            continue
        tokens: list[str] = []
        found = None
        while isinstance(span.children, (dict, list)):
            items = span.children.items() if isinstance(span.children, dict) else enumerate(span.children)
            for token, child in items:
                if _inside(child.key, line, col) or _inside(child.range, line, col):
                    tokens.append(str(token))
                    found = Field(list(tokens), child.key or child.range)
                    if _inside(child.key, line, col):
                        return found
                    span = child
                    break
            else:
                break
        return found
    return None


# A plain key takes everything to the first `:` or `#` (its trailing spaces are stripped after): a lazy key before
# `\s*` backtracked quadratically on a long line without a colon.
_KEY = re.compile(r"^( *)(?:(- +))?([^\s#:'\"][^:#]*|\"[^\"]*\"\s*|'[^']*'\s*):(?:\s|$)")
_ITEM = re.compile(r"^( *)- ")


class Context(NamedTuple):
    tokens: list[str]  # path of the mapping (key mode) or of the value (value mode); "*" for a list item
    mode: str  # "key" or "value"
    present: set[str]  # keys already in the mapping (key mode)
    start: int | None = None  # JSON: offset where the token being typed starts (the cursor, if none is)


def _key_of(line: str) -> tuple[int, str, int | None] | None:
    """(column of the key, the key, column of the item dash or None) for a ``key:`` line."""
    m = _KEY.match(line)
    if not m:
        return None
    dash = len(m.group(1)) if m.group(2) else None
    return len(m.group(1)) + len(m.group(2) or ""), m.group(3).rstrip().strip("'\""), dash


def yaml_context(lines: list[str], line: int, col: int) -> Context | None:
    """What is being typed at the position in block-style YAML, from indentation alone (it need not parse)."""
    before = lines[line][:col] if line < len(lines) else ""
    value = re.match(r"^( *)(- +)?([\w.-]+):(?:[ \t][^#]*)?$", before)
    key = re.match(r"^( *)(- +)?([\w.-]*)$", before)
    if value:
        column, mode = len(value.group(1)) + len(value.group(2) or ""), "value"
        own = [value.group(3)]
        new_item = False
    elif key:
        column, mode, own = len(key.group(1)) + len(key.group(2) or ""), "key", []
        new_item = bool(key.group(2))
    else:
        return None
    present: set[str] = set()
    tokens: list[str] = []
    target = column
    if new_item:  # "- |": the first key of a new item of the list whose items start at this dash
        tokens.insert(0, "*")
        target = len(key.group(1))
    collecting = not new_item  # still in the mapping being typed into: its keys are present
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if text.startswith(("---", "...")):
            break
        found = _key_of(text)
        if found is None:
            item = _ITEM.match(text)
            if item and len(item.group(1)) < target:  # "- value" lines: a list of scalars above
                tokens.insert(0, "*")
                target, collecting = len(item.group(1)), False
            continue
        at, name, dash = found
        if at == target and collecting:
            present.add(name)
        if at < target:  # the mapping's own key
            tokens.insert(0, name)
            target, collecting = at, False
        if dash is not None and dash < target:  # "- key:" starts the list item that holds the position
            tokens.insert(0, "*")
            target, collecting = dash, False
    if mode == "key" and not new_item:  # keys below the cursor in the same mapping
        for text in lines[line + 1 :]:
            found = _key_of(text)
            if (
                text.strip()
                and not text.lstrip().startswith("#")
                and (len(text) - len(text.lstrip())) < column
                and not (found and found[0] == column)
            ):
                break
            if found and found[0] == column:
                if found[2] is not None and found[2] < column:
                    break  # the next item of the list
                present.add(found[1])
    return Context(tokens + own, mode, present)


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[{}\[\],:]|[^\s{}\[\],:"]+')


def json_context(text: str, offset: int) -> Context | None:
    """What is being typed at ``offset`` in JSON that need not parse: the containers open there, and whether a
    key or a value goes at the cursor."""
    stack: list[list] = []  # [is_object, current key or index, keys seen, expecting: "key" | "colon" | "value"]
    start = offset
    for m in _JSON_TOKEN.finditer(text, 0, offset):
        token = m.group()
        frame = stack[-1] if stack else None
        if m.end() == offset and token not in "{}[],:":
            start = m.start()  # the cursor ends this token: it is what is being typed
            break
        if token in "{[":
            if frame and not frame[0]:
                frame[1] += 1
            stack.append([token == "{", None if token == "{" else -1, set(), "key" if token == "{" else "value"])
        elif token in "}]":
            if stack:
                stack.pop()
        elif frame is None:
            continue
        elif token == ",":
            frame[3] = "key" if frame[0] else "value"
        elif token == ":":
            frame[3] = "value"
        elif frame[0] and frame[3] == "key" and token.startswith('"'):
            frame[1] = token.strip('"')
            frame[2].add(frame[1])
            frame[3] = "colon"
    if not stack or stack[-1][3] == "colon":
        return None
    frame = stack[-1]
    mode = "key" if frame[0] and frame[3] == "key" else "value"
    tokens = [("*" if not f[0] else f[1] or "") for f in stack]
    if mode == "key":
        tokens.pop()
    present = set(frame[2]) | _keys_after(text, offset) if mode == "key" else set()
    return Context(tokens, mode, present, start)


def _keys_after(text: str, offset: int) -> set[str]:
    """The keys of the object open at ``offset`` that come after it."""
    keys, depth, previous = set(), 0, ","
    for m in _JSON_TOKEN.finditer(text, offset):
        token = m.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and previous in ",{" and token.startswith('"'):
            keys.add(token.strip('"'))
        previous = token
    return keys
