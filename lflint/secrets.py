"""What lflint calls secret, and how a secret or any other user string is shown (docs/security.md).

A secret is the value of a secret key (``password``, ``access_key``, ``secret_key``, in any case) anywhere in a
document, and a key that begins with a secret's name followed by ``:``, ``=`` or a space (``password:s3cret``, a
flow-mapping typo): such a key is shown without its characters past the name. Masked text is ``MASK``, always
of that width. The loader (``documents``) knows where each secret sits; reports show source lines and ranges
only as masked there.
"""

from __future__ import annotations

import re

SECRET_KEYS = frozenset({"password", "access_key", "secret_key"})
MASK = "****"
# What a secret's value may be instead of a literal: a reference to a secret store (the `placeholder` setting)
DEFAULT_PLACEHOLDER = r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"
_KEY = re.compile("(?:" + "|".join(sorted(SECRET_KEYS)) + r")(?=$|[:= \t])", re.I)


def is_secret_key(key: str) -> bool:
    """Whether the value under ``key`` is a secret: a secret's name, alone or followed by ``:``, ``=`` or space."""
    return _KEY.match(key) is not None


def holds_secret(key: str) -> bool:
    """Whether ``key`` itself holds secret characters (``password:s3cret``)."""
    match = _KEY.match(key)
    return match is not None and match.end() < len(key)


def shown_key(key: str) -> str:
    """A key as messages and pointers show it: ``password:s3cret`` → ``password:****``."""
    match = _KEY.match(key)
    if match is None or match.end() == len(key):
        return key
    return key[:match.end() + 1] + MASK


def mask_tokens(tokens: list[str]) -> list[str]:
    """JSON pointer tokens as shown: a key that holds a secret masked, and everything under a secret key."""
    shown, hidden = [], False
    for token in tokens:
        shown.append(MASK if hidden else shown_key(token))
        hidden = hidden or is_secret_key(token)
    return shown


def is_secret(pointer: str) -> bool:
    """Whether the value at JSON ``pointer`` is (part of) a secret."""
    from .documents import split_pointer  # documents imports this module

    return any(is_secret_key(t) for t in split_pointer(pointer))


def shown_pointer(pointer: str) -> str:
    """``pointer`` as a diagnostic shows it: no key that holds a secret, nothing under a secret key."""
    from .documents import join_pointer, split_pointer

    return "".join(join_pointer("", t) for t in mask_tokens(split_pointer(pointer)))


def printable(text: str) -> str:
    """``text`` with every character that is not printable (controls such as ESC or a newline, bidi overrides,
    line separators, non-space blanks) written as its Python escape, so no user string can move the cursor,
    clear a terminal or start a line of its own in a report."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
