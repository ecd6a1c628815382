"""One module per output format, each a ``render(diagnostics, context: Context) -> str`` over the same list.

The formats are the modules of this package (``FORMATS``, found by listing it, not by a hand-kept list): a new
format is a new module here with a ``render`` function (and its golden file in tests/golden/, generated).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..rules import Rule
    from ..secrets import Excerpt

DEFAULT = "text"
# the package's modules, found as pkgutil.iter_modules finds them (it would import importlib.util at every start)
FORMATS = (DEFAULT, *sorted({n[:-3] for n in os.listdir(__path__[0]) if n.endswith(".py")} - {"__init__", DEFAULT}))


class Context(NamedTuple):
    """What a format may read besides the diagnostics."""

    rules: dict[str, Rule]  # the rules of the run, by id (a rule may also be there by slug)
    lines: dict[tuple[str, int], Excerpt] = {}  # (file, line number) -> the source line shown, masked; never changed
    colour: bool = False  # the terminal takes ANSI colours
    files: int = 0  # how many files were linted
    paths: tuple[str, ...] = ()  # the files linted, in order
    root: Path | None = None  # the repository root that the (relative) paths start from (``paths.repository_root``)


def render(fmt: str, diagnostics, context: Context) -> str:
    """The report of ``diagnostics`` in format ``fmt`` (one of ``FORMATS``)."""
    import importlib

    return importlib.import_module(f"{__name__}.{fmt}").render(diagnostics, context)


_SURROGATE = re.compile("[\ud800-\udfff]")


def same_width(line: str) -> str:
    """A source line for an excerpt: each character ``secrets.printable`` would escape (but tab) shown as one
    U+FFFD, so that the caret stays under its column."""
    return line if line.isprintable() else "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in line)


def json_text(value) -> str:
    """JSON that any UTF-8 writer can write: a lone surrogate (from an undecodable file name) stays an escape."""
    import json

    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


def relative_uri(file: str) -> str:
    """A path relative to the working directory, with forward slashes (what code-review tools expect)."""
    if file in ("-", "<string>"):
        return file
    try:
        return Path(os.path.relpath(file)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(file).as_posix()


def fingerprint(d) -> str:
    """Stable while unrelated lines move: built from the file, document, rule and JSON pointer, not the line."""
    import hashlib  # only the formats with fingerprints pay for it

    key = "\0".join(
        (
            relative_uri(d.file),
            str(d.document),
            d.rule,
            d.pointer or f"{d.line}:{d.column}",
            d.message if not d.pointer else "",
        )
    )
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()  # a JSON spec may hold a lone surrogate
