"""The optional findings cache (``--cache`` or ``cache = true``), after ruff's.

One JSON file per lflint version under the cache directory maps each linted path to a key and its findings. The
key hashes the file's bytes and everything else the findings depend on: the effective settings, the rule files
and the job schema (a new lflint version also starts a new file). An unchanged repository is re-linted at the cost of reading
and hashing its files. The file is read once and written back only when something changed, through a temporary
file and an atomic rename, so concurrent runs (two pre-commit hooks) never see half a file: the last one wins.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from . import __version__
from .config import Settings
from .diagnostic import Diagnostic
from .fileio import write_atomic
from .rules import JOB_SCHEMA, RULES_DIR


@cache
def settings_key(settings: Settings, stamp: tuple) -> str:
    """What, besides the file, the findings depend on: settings, rule files (lflint's too: an editable install
    changes them without a new version) and the job schema; ``stamp`` (the rule files' mtimes) keys the cache."""
    digest = hashlib.sha256(repr(settings).encode())
    directories = [RULES_DIR, *(Path(settings.root, d) for d in settings.rule_paths)]
    for path in [JOB_SCHEMA, *(p for d in directories for p in sorted(d.glob("*.y*ml")))]:
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def file_key(raw: bytes, settings_hash: str) -> str:
    return hashlib.sha256(raw + settings_hash.encode()).hexdigest()


class Cache:
    def __init__(self, directory: Path):
        self.path = directory / f"lflint-{__version__}.json"
        self.changed = False
        try:
            self.entries: dict[str, list] = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self.entries, dict):
                raise ValueError
        except (OSError, ValueError):  # no cache yet, or one that cannot be read: start afresh
            self.entries = {}

    def get(self, name: str, key: str) -> tuple[list[Diagnostic], dict[int, str]] | None:
        entry = self.entries.get(name)
        if not entry or entry[0] != key:
            return None
        try:
            return [Diagnostic(name, *d) for d in entry[1]], {int(n): line for n, line in entry[2].items()}
        except (TypeError, ValueError, AttributeError):
            return None

    def put(self, name: str, key: str, diagnostics: list[Diagnostic], lines: dict[int, str]) -> None:
        fields = [[d.document, d.line, d.column, d.end_line, d.end_column, d.rule, d.name, d.severity, d.message,
                   d.pointer, d.suggestion] for d in diagnostics]
        self.entries[name] = [key, fields, lines]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by lflint: this directory is a cache, never commit it.\n*\n")
            write_atomic(self.path, json.dumps(self.entries, ensure_ascii=False, separators=(",", ":")))
        except OSError:  # a read-only checkout: linting still worked, only the cache is lost
            pass
