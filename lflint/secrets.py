"""What lflint calls secret, and how a secret or any other user string is shown (docs/security.md).

A secret is the value of a secret key anywhere in a document. A key is secret when it is a secret's name
(``password``, ``access_key``, ``secret_key``) followed by nothing or by any character that is not a letter or a
digit (``password:s3cret``, a flow-mapping typo; ``password;s3cret``), or when it reads as one: folded (NFKC, case
folded, look-alike letters of other scripts read as Latin, everything but letters and digits dropped) it is as
close to a secret's name as ``difflib`` calls close (``pasword``, ``secretKey``, ``p\u0430ssword``, ``PASSWORD``),
so that lflint never offers a secret's name for a key whose value it shows. A key's characters past a
secret's name and a separator are secret too: such a key is shown up to the separator. Masked text is ``MASK``,
always of that width. The loader (``documents``) knows where each secret sits; reports show source lines
through ``Excerpt``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

SECRET_KEYS = frozenset({"password", "access_key", "secret_key"})
MASK = "****"
# What a secret's value may be instead of a literal: a reference to a secret store (the `placeholder` setting)
DEFAULT_PLACEHOLDER = r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"
CLOSE = 0.6  # difflib's ratio from which a folded key reads as a secret's name (messages.did_you_mean's cutoff too)
_KEY = re.compile("(?:" + "|".join(sorted(SECRET_KEYS)) + r")(?=$|[\W_])", re.I)
# Letters of other scripts that look like the Latin letters of the secrets' names (Cyrillic, Greek, others)
_LOOK_ALIKE = str.maketrans(
    "\u0430\u0441\u0435\u043a\u043e\u0440\u0455\u0442\u0443\u0445\u0501\u051d\u0456"
    "\u03b1\u03ba\u03bf\u03c1\u03c4\u03c5\u03b5\u0261\u0251\u0269",
    "acekopstyxdwiakoptyegai",
)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold().translate(_LOOK_ALIKE) if c.isalnum())


_NAMES = frozenset(_fold(name) for name in SECRET_KEYS)


def _close(folded: str) -> bool:
    """Whether a folded key reads as a secret's name."""
    if folded in _NAMES:
        return True
    for name in _NAMES:
        total = len(folded) + len(name)
        # difflib's ratio counts matching characters in order, so it never exceeds that of the longest common
        # subsequence: the keys of a clean file (`execute_day`, `network_type`) stop there, without difflib
        if 2 * min(len(folded), len(name)) >= CLOSE * total and 2.0 * _in_common(folded, name) / total >= CLOSE:
            from difflib import SequenceMatcher

            if SequenceMatcher(None, folded, name).ratio() >= CLOSE:
                return True
    return False


def _in_common(a: str, b: str) -> int:
    """The length of the longest common subsequence of ``a`` and ``b``, a bit of an integer per character of ``b``
    (Crochemore et al., "A fast and practical bit-vector algorithm for the longest common subsequence problem")."""
    where: dict[str, int] = {}
    for i, c in enumerate(b):
        where[c] = where.get(c, 0) | 1 << i
    full = (1 << len(b)) - 1
    row = full
    for c in a:
        matched = row & where.get(c, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(b) - bin(row).count("1")


@lru_cache(maxsize=8192)
def _read(key: str) -> tuple[bool, int | None]:
    """(whether ``key`` is secret, where its secret characters start: after a secret's name and a separator)."""
    match = _KEY.match(key)
    if match:
        return True, match.end() + 1 if match.end() + 1 < len(key) else None
    folded = _fold(key)
    if folded in _NAMES:
        return True, None
    cuts = [i for i, c in enumerate(key) if i and not c.isalnum()]  # a name and a separator: `secret-key;x`,
    for test in (_NAMES.__contains__, _close):  # then a misspelt name and a separator: `pasword;x`
        cut = next((i for i in cuts if test(_fold(key[:i]))), None)
        if cut is not None:
            return True, cut + 1 if cut + 1 < len(key) else None
    return _close(folded), None


def is_secret_key(key: str) -> bool:
    """Whether the value under ``key`` is a secret (see the module's docstring)."""
    return _read(key)[0]


def holds_secret(key: str) -> bool:
    """Whether ``key`` itself holds secret characters (``password:s3cret``)."""
    return _read(key)[1] is not None


def shown_key(key: str) -> str:
    """A key as messages and pointers show it: ``password:s3cret`` → ``password:****``."""
    cut = _read(key)[1]
    return key if cut is None else key[:cut] + MASK


def for_user_rules(data: Any) -> Any:
    """``data`` as a user rule sees it: each secret value (of any type) replaced by ``MASK`` and each key that
    holds a secret shown as ``shown_key`` does, so that a rule learns of a secret only that it is there (never
    its length, its type, or whether it equals a guess; an empty one stays null); ``data`` itself when it holds
    no secret."""
    if isinstance(data, dict):
        out = {shown_key(k): MASK if is_secret_key(k) and v is not None else for_user_rules(v) for k, v in data.items()}
        return data if len(out) == len(data) and all(out.get(k, out) is v for k, v in data.items()) else out
    if isinstance(data, list):
        items = [for_user_rules(v) for v in data]
        return data if all(a is b for a, b in zip(items, data, strict=True)) else items
    return data


def mentions_secret(text: str) -> bool:
    """Whether any word of ``text`` is a secret key (for a text that did not load, so has no spans)."""
    return any(is_secret_key(word) for word in set(re.split(r"[\s:=,'\"{}\[\]#&*!|>]+", text)) if word)


def mask_tokens(tokens: list[str]) -> list[str]:
    """JSON pointer tokens as shown: a key that holds a secret masked, and everything under a secret key."""
    shown, hidden = [], False
    for token in tokens:
        shown.append(MASK if hidden else shown_key(token))
        hidden = hidden or is_secret_key(token)
    return shown


@lru_cache(maxsize=8192)
def is_secret(pointer: str) -> bool:
    """Whether the value at JSON ``pointer`` is (part of) a secret (kept, as ``shown_pointer``)."""
    from .documents import split_pointer  # documents imports this module

    return any(is_secret_key(t) for t in split_pointer(pointer))


@lru_cache(maxsize=8192)
def shown_pointer(pointer: str) -> str:
    """``pointer`` as a diagnostic shows it: no key that holds a secret, nothing under a secret key (kept: the
    same pointers come back in file after file)."""
    from .documents import join_pointer, split_pointer

    shown = "".join(join_pointer("", t) for t in mask_tokens(split_pointer(pointer)))
    return pointer if shown == pointer else shown  # the same string, not a copy: a long stream holds many


def printable(text: str) -> str:
    """``text`` with every character that is not printable (controls such as ESC or a newline, bidi overrides,
    line separators, non-space blanks) written as its Python escape, so no user string can move the cursor,
    clear a terminal or start a line of its own in a report."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class Excerpt(NamedTuple):
    """A source line as a report shows it (each secret on it one ``MASK``, a secret's other lines nothing of
    it), and each stretch that was replaced: (true start, true end, shown start, shown width), 1-based columns.
    Ranges are in true columns; ``columns`` says where a range stands in ``text``."""

    text: str
    masks: tuple = ()

    def columns(self, column: int, end_column: int) -> tuple[int, int]:
        for start, _, shown, width in self.masks:
            if column == start and end_column == start + len(MASK):  # a finding on a secret: its mask
                return shown, shown + width
        return self._shown(column, False), self._shown(end_column, True)

    def _shown(self, column: int, end: bool) -> int:
        shift = 0
        for start, stop, shown, width in self.masks:
            if column < start or end and column == start:
                break
            if column < stop or end and column == stop:  # inside a replaced stretch: its edge
                return shown + (width if end else 0)
            shift += stop - start - width
        return column - shift
