"""The baseline: the findings a repository already had when it adopted lflint, which ``lflint check`` then does not
report (``--write-baseline`` records them).

An entry is keyed by what survives edits: the file's repository-relative path, the rule, the JSON pointer and a
hash of the offending value's text as reports show it (secrets masked), never by line. The value of a secret
enters no entry, not even as a hash: a finding at a secret's pointer is keyed by its pointer alone. The file is
JSON, one entry per line, sorted, so that a re-write without changes is byte-identical and a diff shows each
finding fixed or added.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from .config import ConfigError
from .diagnostic import Diagnostic, Findings
from .secrets import is_secret_key

VERSION = 1
MAX_SIZE = 64 * 1024 * 1024  # a baseline larger than this is refused, never read whole
NOT_BASELINED = frozenset({"LF010", "LF012"})  # a bug in lflint, and the baseline's own findings
_FIRST_ENTRY_LINE = 4  # where ``render`` puts the first entry


class Entry(NamedTuple):
    file: str
    rule: str
    pointer: str
    hash: str


def value_hash(d: Diagnostic, excerpt) -> str:
    """A hash of the text at ``d``'s range on its first line as reports show it (``excerpt``, a
    ``secrets.Excerpt``: each secret one ``MASK``); empty at a secret's pointer (the pointer alone keys it) and
    where the line is not shown."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in d.pointer.split("/")[1:]]
    if any(is_secret_key(t) for t in tokens) or excerpt is None:
        return ""
    import hashlib  # loads OpenSSL (4 MB): only a run with findings pays for it

    start, end = excerpt.columns(d.column, d.end_column)
    text = excerpt.text[start - 1 : end - 1 if d.end_line == d.line else None]
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def render(entries: list[Entry]) -> str:
    rows = ",\n".join("    " + json.dumps(e._asdict(), ensure_ascii=True) for e in sorted(entries))
    listed = f"[\n{rows}\n  ]" if rows else "[]"
    return f'{{\n  "version": {VERSION},\n  "entries": {listed}\n}}\n'


def read(path: Path) -> tuple[list[Entry], bool]:
    """The entries of the baseline at ``path`` (none when there is no file), and whether the file is laid out as
    ``render`` writes it (then each entry's line is known)."""
    from .fileio import read_regular

    if not os.path.lexists(path):
        return [], True
    raw = read_regular(path, MAX_SIZE)  # never blocks (a FIFO), never more than the limit
    if isinstance(raw, str):
        raise ConfigError(f"{path}: baseline {raw}")
    if len(raw) > MAX_SIZE:
        raise ConfigError(f"{path}: baseline larger than {MAX_SIZE // 1024 // 1024} MB; not read")
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("version") != VERSION:
            raise ConfigError(f"{path}: baseline version must be {VERSION}; found {data.get('version')!r}")
        entries = [Entry(e["file"], e["rule"], e["pointer"], e["hash"]) for e in data["entries"]]
        if not all(isinstance(f, str) for e in entries for f in e):
            raise TypeError
    except ConfigError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ConfigError(f"{path}: not an lflint baseline (write one with `lflint check --write-baseline`)") from None
    return entries, render(entries).encode("utf-8") == raw


class Baseline:
    """One run's baseline: drops the findings it holds, and knows which of its entries matched none."""

    def __init__(self, path: Path, root: Path, record: bool = False):
        from .paths import relative_path

        with contextlib.suppress(ValueError):  # ValueError: another drive on Windows
            path = Path(os.path.relpath(path))  # opened from the working directory: no search of those above
        self.path, self.root, self._relative = path, root, relative_path
        self.entries, self._canonical = read(path)
        self._left = Counter(self.entries)
        self._files = {e.file for e in self.entries}
        self._linted: set[str] = set()  # the files linted that have entries
        # every finding of the files linted, when ``record`` (for --write-baseline); else nothing grows with the run
        self.found: list[Entry] | None = [] if record else None

    def filter(self, result):
        """``result`` (an ``api.FileResult``) without the findings the baseline holds."""
        if not self.entries and self.found is None:
            return result
        file = self._relative(result.name, self.root)
        if file in self._files:
            self._linted.add(file)
        kept = Findings()  # as compact as the linter's: a long stream has many
        for d in result.diagnostics:
            if d.rule in NOT_BASELINED:
                kept.append(d)
                continue
            entry = Entry(file, d.rule, d.pointer, value_hash(d, result.lines.get(d.line)))
            if self.found is not None:
                self.found.append(entry)
            if self._left[entry] > 0:
                self._left[entry] -= 1
            else:
                kept.append(d)
        return result._replace(diagnostics=kept)

    def unused(self, linter, name: str) -> list[Diagnostic]:
        """One finding of LF012 (made by ``linter``, the one maker of diagnostics) per entry of a linted file that
        matched no finding; ``name``: the baseline file as reports name it."""
        lines = {e: i for i, e in enumerate(sorted(self.entries), _FIRST_ENTRY_LINE)} if self._canonical else {}
        out = []
        for entry in sorted(self._left.elements()):
            if entry.file in self._linted:
                line = lines.get(entry, 1)
                message = (
                    f"baseline entry for {entry.rule} at `{entry.pointer or '(the file)'}` in {entry.file} matches "
                    "no finding; `--write-baseline` removes it"
                )
                out.append(linter.diagnostic("LF012", file=name, range=(line, 1, line, 2), message=message))
        return [d for d in out if d is not None]

    def write(self) -> int:
        """Write the entries of this run's findings, keeping those of files it did not lint; their number."""
        from .fileio import write_atomic

        entries = [e for e in self.entries if e.file not in self._linted] + self.found
        write_atomic(self.path, render(entries))
        return len(entries)


def location(settings, root: Path) -> Path:
    """Where the run's baseline is: the ``baseline`` setting, relative to the config file's directory (to the
    repository root when there is no config file)."""
    return Path(settings.root if settings.origin or settings.root != "." else root, settings.baseline)
