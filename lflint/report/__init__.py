"""One module per output format, each a ``render(diagnostics, rules, **context) -> str`` over the same list."""

import os
import re
from pathlib import Path

_SURROGATE = re.compile("[\ud800-\udfff]")


def same_width(line: str) -> str:
    """A source line for an excerpt: each character ``secrets.printable`` would escape (but tab) shown as one
    U+FFFD, so that the caret stays under its column."""
    return line if line.isprintable() else "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in line)


def json_text(value) -> str:
    """JSON that any UTF-8 writer can write: a lone surrogate (from an undecodable file name) stays an escape."""
    import json  # noqa: PLC0415

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
    import hashlib  # noqa: PLC0415 - only the formats with fingerprints pay for it

    key = "\0".join((relative_uri(d.file), str(d.document), d.rule, d.pointer or f"{d.line}:{d.column}",
                     d.message if not d.pointer else ""))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()  # a JSON spec may hold a lone surrogate
