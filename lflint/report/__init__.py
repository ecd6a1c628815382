"""One module per output format, each a ``render(diagnostics, rules, **context) -> str`` over the same list."""

import os
from pathlib import Path


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
