"""The optional findings cache (``--cache`` or ``cache = true``), after ruff's.

One JSON file per lflint version under the cache directory maps each linted path to a key and its findings. The
key hashes the file's bytes and everything else the findings depend on: the effective settings, the rule files
and the job schema (a new lflint version also starts a new file). An unchanged repository is re-linted at the cost of
reading and hashing its files. The file is read once and written back only when something changed, through a temporary
file and an atomic rename, so concurrent runs (two pre-commit hooks) never see half a file: the last one wins.

The cache directory may come from anywhere (a CI cache restored from another branch, a directory committed to the
repository), so what is read back is trusted only as far as it proves itself (docs/security.md, "Cache"): each
entry carries an HMAC made with a secret kept in the user's cache directory (``machine_key``), never in the
repository, and is validated like input (types, ranges, rules the run knows, their severities); anything else is a
miss. Links are never followed there, and the cache holds no source text: excerpts are read again from the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import Settings, read_small
from .diagnostic import Diagnostic, Edit, Fix
from .fileio import read_regular, write_atomic
from .rules import JOB_SCHEMA, RULES_DIR, RuleError

if TYPE_CHECKING:
    from .engine import Linter

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
KEY_BYTES = 32
MAX_CACHE_BYTES = 128 * 1024**2  # a cache file larger than this (a forged or broken one) is not read: a miss


def settings_key(settings: Settings) -> str:
    """What, besides the file, the findings depend on: settings, rule files (lflint's too: an editable install
    changes them without a new version) and the job schema. A Runner computes it once per settings."""
    digest = hashlib.sha256(repr(settings).encode())
    directories = [RULES_DIR, *(Path(settings.root, d) for d in settings.rule_paths)]
    for path in [JOB_SCHEMA, *(p for d in directories for p in sorted(d.glob("*.y*ml")))]:
        digest.update(str(path).encode() + b"\0" + read_small(path, "rule file", RuleError))
    return digest.hexdigest()


def file_key(raw: bytes, settings_hash: str) -> str:
    return hashlib.sha256(raw + settings_hash.encode()).hexdigest()


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/lflint``, else ``~/.cache/lflint``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "lflint"


@cache
def machine_key() -> bytes | None:
    """The secret that signs cache entries: 32 random bytes in the user's cache directory (0600), made once per
    user; None (so no cache) when it cannot be made or read safely."""
    import secrets
    import tempfile

    try:
        directory = user_cache_dir()
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = directory / "cache-key"
        if not os.path.lexists(path):
            fd, temporary = tempfile.mkstemp(dir=directory, prefix=".cache-key.")  # 0600
            try:
                os.write(fd, secrets.token_bytes(KEY_BYTES))
                os.close(fd)
                with contextlib.suppress(FileExistsError):  # another run made it first
                    os.link(temporary, path)  # atomic: a concurrent run sees the whole key or none
            finally:
                os.unlink(temporary)
        return _read_private(path)
    except (OSError, RuntimeError, ValueError):  # no home, a read-only one, or a key that is not ours alone
        return None


def _read_private(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    try:
        info = os.fstat(fd)
        mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or not mine or info.st_size != KEY_BYTES:
            raise ValueError(path)
        return os.read(fd, KEY_BYTES)
    finally:
        os.close(fd)


def _int(value, low: int) -> bool:
    return type(value) is int and value >= low


def _valid(fields, linter: Linter) -> bool:
    """Whether one cached finding is one this run could report (see ``Cache.put`` for the fields)."""
    if type(fields) is not list or len(fields) != 12:
        return False
    document, line, column, end_line, end_column, rule_id, slug, severity, message, pointer, suggestion, fix = fields
    rule = linter.rules.get(rule_id) if type(rule_id) is str else None
    return (
        rule is not None
        and slug == rule.slug
        and severity == linter.severity(rule)
        and _int(document, 0)
        and _int(line, 1)
        and _int(column, 1)
        and _int(end_line, line)
        and _int(end_column, 1 if end_line > line else column)
        and type(message) is str
        and message
        and type(pointer) is str
        and (pointer == "" or pointer.startswith("/"))
        and (suggestion is None or type(suggestion) is str)
        and (fix is None or _fix_of(fix) is not None)
    )


def _through_link(directory: Path, root: Path) -> bool:
    """Whether ``directory`` or a folder between ``root`` and it is a link (which the cache never follows)."""
    return any(d.is_symlink() for d in (directory, *directory.parents) if d != root and root in d.parents)


def _fix_of(fields) -> Fix | None:
    """A cached fix (``[applicability, message, [[line, column, end_line, end_column, content], ...]]``)."""
    if (
        type(fields) is not list
        or len(fields) != 3
        or fields[0] not in ("safe", "unsafe")
        or type(fields[1]) is not str
    ):
        return None
    edits = fields[2]
    if type(edits) is not list or not edits:
        return None
    if not all(type(e) is list and len(e) == 5 and all(_int(n, 1) for n in e[:4]) and type(e[4]) is str for e in edits):
        return None
    return Fix(fields[0], fields[1], tuple(Edit(*e) for e in edits))


class Cache:
    def __init__(self, directory: Path, root: Path | None = None):
        """The cache in ``directory``, under ``root`` (the config's directory): off if a link leads there."""
        self.path = directory / f"lflint-{__version__}.json"
        self.changed = False
        through_link = _through_link(directory, root) if root else directory.is_symlink()
        self.secret = None if through_link else machine_key()  # None: every lookup misses, no write
        self.entries: dict[str, list] = {}
        raw = read_regular(self.path, MAX_CACHE_BYTES, follow=False) if self.secret else None
        if isinstance(raw, str) or (raw and len(raw) > MAX_CACHE_BYTES):  # not a regular file, a link, too large
            raw = None
        try:
            entries = json.loads(raw) if raw else {}
        except ValueError:  # a cache that cannot be read: start afresh
            entries = {}
        if isinstance(entries, dict):
            self.entries = entries

    def _mac(self, name: str, key: str, fields: list) -> str:
        message = json.dumps([name, key, fields], ensure_ascii=False, separators=(",", ":")).encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def get(self, name: str, key: str, linter: Linter) -> list[Diagnostic] | None:
        """The findings cached for ``name`` with ``key``, if the entry is signed by this user's key and every
        finding is one ``linter`` could report (an enabled rule, at its severity); else None (a miss)."""
        entry = self.entries.get(name)
        if not self.secret or type(entry) is not list or len(entry) != 3 or entry[0] != key:
            return None
        fields, mac = entry[1], entry[2]
        if (
            type(mac) is not str
            or type(fields) is not list
            or not hmac.compare_digest(mac, self._mac(name, key, fields))
        ):
            return None
        if not all(_valid(f, linter) for f in fields):
            return None
        return [
            linter.diagnostic(
                rule,
                file=name,
                document=document,
                range=(line, column, end_line, end_column),
                message=message,
                pointer=pointer,
                suggestion=suggestion,
                fix=_fix_of(fix) if fix else None,
            )
            for document, line, column, end_line, end_column, rule, _, _, message, pointer, suggestion, fix in fields
        ]

    def put(self, name: str, key: str, diagnostics: list[Diagnostic]) -> None:
        if not self.secret:
            return
        fields = [
            [
                d.document,
                d.line,
                d.column,
                d.end_line,
                d.end_column,
                d.rule,
                d.name,
                d.severity,
                d.message,
                d.pointer,
                d.suggestion,
                [d.fix.applicability, d.fix.message, [list(e) for e in d.fix.edits]] if d.fix else None,
            ]
            for d in diagnostics
        ]
        self.entries[name] = [key, fields, self._mac(name, key, fields)]
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if directory.is_symlink():
                return
            try:  # O_EXCL: an existing .gitignore, or a link of that name, is left alone (never written through)
                fd = os.open(directory / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write("# Created by lflint: this directory is a cache, never commit it.\n*\n")
            write_atomic(self.path, json.dumps(self.entries, ensure_ascii=False, separators=(",", ":")))
        except OSError:  # a read-only checkout: linting still worked, only the cache is lost
            pass
