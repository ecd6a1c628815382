"""Fixes that are more than a new spelling written in place (``engine._replacement``): a scalar written again as
a value of another type, a repeated list item removed. Each plans its edits from a loaded document and its
source, and gives none when the text is not plainly what the data says (an escape, a tag, a comment in the way):
a fix never guesses at text. ``Linter.diagnostic`` makes the fix from them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .diagnostic import Edit
from .documents import Document, split_pointer
from .messages import field_label

_DECIMAL = re.compile(r"[-+]?[0-9]+")
_DIGITS = re.compile(r"(['\"])([0-9]+)\1")
_BLOCK_ITEM = re.compile(r"[ \t]*-[ \t]+")  # what stands before a block sequence item on its first line
_LINE_END = re.compile(r"[ \t]*(?:#.*)?")  # what may follow an item on its last line: blanks, a comment
_FLOW_GAP = re.compile(r"\s*,\s*")  # what stands between two items of a flow sequence (or a JSON array)


def planned(document: Document, pointer: str, edit: tuple) -> tuple[str, tuple[Edit, ...]] | None:
    """The message and edits of a finding's ``edit`` at ``pointer`` (see ``engine.Finding``), or None."""
    kind, *args = edit
    return (_retyped if kind == "value" else _removed)(document, pointer, *args)


def _retyped(document: Document, pointer: str, current: Any, new: Any) -> tuple[str, tuple[Edit, ...]] | None:
    """Write the scalar ``current`` at ``pointer`` as ``new`` (an integer as a string of its digits, or the other
    way), in JSON's notation, which YAML reads alike; only where it is written as a decimal integer or a quoted
    string of digits, on one line."""
    rng = document.extent(pointer)
    if rng is None or rng[0] != rng[2]:
        return None
    source = document.source
    text = source.line(rng[0])[rng[1] - 1 : rng[3] - 1]
    quoted = _DIGITS.fullmatch(text)
    if isinstance(current, str) and not (quoted and quoted.group(2) == current):
        return None
    if type(current) is int and not (_DECIMAL.fullmatch(text) and int(text) == current):
        return None
    written = json.dumps(new)
    return f"write {field_label(pointer)} as {written}", (Edit(*rng, written),)


def _removed(document: Document, _: str, pointer: str, earlier: str) -> tuple[str, tuple[Edit, ...]] | None:
    """Remove the list item at ``pointer`` (a finding's, or one of its members') when its text is byte for byte
    that of the item at ``earlier``: in a block sequence its whole lines (blanks and comments on them included:
    they are the item's), in a flow sequence or a JSON array the item and the comma before it."""
    rng, first = document.extent(pointer), document.extent(earlier)
    if rng is None or first is None:
        return None
    source = document.source
    start, end = source.offset(*rng[:2]), source.offset(*rng[2:])
    if source.text[start:end] != source.text[source.offset(*first[:2]) : source.offset(*first[2:])]:
        return None
    index = int(split_pointer(pointer)[-1])
    previous = document.extent(pointer.rsplit("/", 1)[0] + f"/{index - 1}")
    line_start = source.offset(rng[0], 1)
    if _BLOCK_ITEM.fullmatch(source.text, line_start, start):
        line_end = source.text.find("\n", end)
        if not _LINE_END.fullmatch(source.line(rng[2]), rng[3] - 1):
            return None
        if line_end < 0:  # the last line, with no line break: take the one before it instead
            start, end = line_start - 1 - source.text.endswith("\r\n", 0, line_start), len(source.text)
        else:
            start, end = line_start, line_end + 1
    elif previous is not None and _FLOW_GAP.fullmatch(source.text, source.offset(*previous[2:]), start):
        start = source.offset(*previous[2:])
    else:
        return None
    what = f"{field_label(pointer)}, a repeat of {field_label(earlier)}"
    return f"remove {what}", (Edit(*source.position(start), *source.position(end), ""),)
