"""The optional findings cache (``--cache`` or ``cache = true``), after ruff's and git's index.

One JSON file per lflint version under the cache directory maps each linted path, per set of settings, to what it
was when linted and its findings. The settings key hashes everything besides the file that the findings depend on:
the effective settings, the rule files and the job schema (a new lflint version also starts a new file). A file is
unchanged when its size, its modification and change times, its inode and its device are those recorded (as git
and ruff decide it): it is not even read. Else its bytes are hashed and compared with the hash recorded, so that a
touched file, a file replaced by a rename or a cache moved to another checkout costs a read, never a wrong answer.
A file changed just before its entry was made could change again, unseen, within the same timestamp (git's "racy
clean" case): such an entry records no times, so the next run hashes the file (``Cache.settled``). The file is
read once and written back only when something changed, through a temporary file and an atomic rename, so
concurrent runs (two pre-commit hooks) never see half a file: the last one wins.

The cache directory may come from anywhere (a CI cache restored from another branch, a directory committed to the
repository), so what is read back is trusted only as far as it proves itself (docs/security.md, "Cache"): the file
carries an HMAC of its entries made with a secret kept in the user's cache directory (``machine_key``), never in
the repository, and each entry is validated like input (types, ranges, rules the run knows, their severities);
anything else is a miss. Links are never followed there, and the cache holds no source text: the lines of a
finding's excerpt are read again from the file (``Cache.get``'s ``plain``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
import time
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
    from .secrets import Excerpt

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
KEY_BYTES = 32
MAX_CACHE_BYTES = 128 * 1024**2  # a cache file larger than this (a forged or broken one) is not read: a miss
# A file's times are trusted only when older than the run's start by more than the filesystem's clock may lag and
# round (a coarse kernel clock: a tick; whole seconds, even two, on FAT or HFS+)
RACY_NS = 100_000_000
RACY_COARSE_NS = 3_000_000_000
_SECOND = 1_000_000_000
HEX = 64  # the length of a content key (SHA-256 in hex)


def settings_key(settings: Settings) -> str:
    """What, besides the file, the findings depend on: settings, rule files (lflint's too: an editable install
    changes them without a new version) and the job schema. A Runner computes it once per settings."""
    digest = hashlib.sha256(repr(settings).encode())
    directories = [RULES_DIR, *(Path(settings.root, d) for d in settings.rule_paths)]
    for path in [JOB_SCHEMA, *(p for d in directories for p in sorted(d.glob("*.y*ml")))]:
        digest.update(str(path).encode() + b"\0" + read_small(path, "rule file", RuleError))
    return digest.hexdigest()


def content_key(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/lflint``, else ``~/.cache/lflint``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "lflint"


@cache
def machine_key() -> bytes | None:
    """The secret that signs the cache: 32 random bytes in the user's cache directory (0600), made once per user;
    None (so no cache) when it cannot be made or read safely."""
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
    """Whether one cached finding is one this run could report (see ``Cache.put`` for the fields; its fix is
    checked by ``_fix_of``)."""
    if type(fields) is not list or len(fields) != 12:
        return False
    document, line, column, end_line, end_column, rule_id, slug, severity, message, pointer, suggestion, _ = fields
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


def _signed(raw: bytes, secret: bytes) -> dict:
    """The entries of a cache file (``["HMAC", ENTRIES]``: the HMAC-SHA256 of the text of ENTRIES, in hex) whose
    signature is this user's; else none."""
    raw = raw.rstrip()
    body = raw[68:-1]
    if raw[:2] != b'["' or raw[66:68] != b'",' or raw[-1:] != b"]":
        return {}
    if not hmac.compare_digest(raw[2:66], hmac.digest(secret, body, "sha256").hex().encode()):
        return {}
    try:
        groups = json.loads(body)
    except ValueError:
        return {}
    return groups if type(groups) is dict and all(type(g) is dict for g in groups.values()) else {}


class Cache:
    def __init__(self, directory: Path, root: Path | None = None):
        """The cache in ``directory``, under ``root`` (the config's directory): off if a link leads there."""
        self.path = directory / f"lflint-{__version__}.json"
        self.changed = False
        self.started = time.time_ns()  # before any file is read
        through_link = _through_link(directory, root) if root else directory.is_symlink()
        self.secret = None if through_link else machine_key()  # None: every lookup misses, no write
        raw = read_regular(self.path, MAX_CACHE_BYTES, follow=False) if self.secret else None
        if isinstance(raw, str) or (raw and len(raw) > MAX_CACHE_BYTES):  # not a regular file, a link, too large
            raw = None
        # settings key -> path -> entry (``put``); a path is under one settings key at a time
        self.groups: dict[str, dict[str, str | list]] = _signed(raw, self.secret) if raw else {}

    def _get(self, name: str, settings: str) -> tuple[str, list, list[int] | None] | None:
        """The entry of ``name`` under ``settings`` as (content key and signature, findings, plain lines), if it
        has a shape ``put`` gives it (the findings and lines are checked where they are used)."""
        entry = self.groups.get(settings, {}).get(name)
        if type(entry) is str:
            return entry, [], []
        if type(entry) is list and len(entry) == 3 and type(entry[0]) is str:
            return entry[0], entry[1], entry[2]
        return None

    def unchanged(self, name: str, settings: str) -> tuple[str, list | None]:
        """The signature of the file ``name``, taken before it is read: its size, its modification and change
        times (a write, a touch or a rename moves the change time, which no one can set back), its inode and
        device (a file replaced by a rename, another checkout), "" when it cannot be looked at; and the findings
        cached for it (their fields, for ``findings``) if the signature is the one recorded and they need no line
        of the file (no findings, or none with an excerpt): the file is not read."""
        try:
            info = os.stat(name)
        except (OSError, ValueError):
            return "", None
        seen = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"
        entry = self._get(name, settings)
        if entry is None or entry[0][HEX + 1 :] != seen or entry[2] != []:
            return seen, None
        return seen, entry[1]

    def get(
        self, name: str, key: tuple[str, str, str], linter: Linter
    ) -> tuple[list[Diagnostic], list[int] | None] | None:
        """The findings cached for ``name`` with ``key`` (settings key, content key, signature) and the numbers of
        their excerpt lines that no secret touches (None: some are masked, so the file is loaded again), if every
        finding is one ``linter`` could report (an enabled rule, at its severity); else None (a miss)."""
        entry = self._get(name, key[0])
        if entry is None or entry[0][:HEX] != key[1]:
            return None
        plain = entry[2]
        if plain is not None and (type(plain) is not list or not all(_int(n, 1) for n in plain)):
            return None
        found = self.findings(entry[1], name, linter)
        return None if found is None else (found, plain)

    @staticmethod
    def findings(fields: list, name: str, linter: Linter) -> list[Diagnostic] | None:
        """The cached findings ``fields``, if each is one ``linter`` could report; else None."""
        if type(fields) is not list:
            return None
        found = []
        for f in fields:
            if not _valid(f, linter):
                return None
            document, line, column, end_line, end_column, rule, _, _, message, pointer, suggestion, fix = f
            if fix is not None and (fix := _fix_of(fix)) is None:
                return None
            found.append(
                linter.diagnostic(
                    rule,
                    file=name,
                    document=document,
                    range=(line, column, end_line, end_column),
                    message=message,
                    pointer=pointer,
                    suggestion=suggestion,
                    fix=fix,
                )
            )
        return found

    def settled(self, seen: str) -> str:
        """``seen`` if a later write to the file must change it, else "" (git's "racy clean" case): a file whose
        modification or change time is not older than the run's start by more than the filesystem may lag and
        round could be written again within the same timestamp, with the same size, after it was read."""
        times = [int(t) for t in seen.split(":")[1:3]] if seen else [self.started]
        return seen if all(t < self.started - (RACY_COARSE_NS if t % _SECOND == 0 else RACY_NS) for t in times) else ""

    def put(
        self,
        name: str,
        key: tuple[str, str, str],
        diagnostics: list[Diagnostic],
        lines: dict[int, Excerpt],
        cached: bool = False,
    ) -> None:
        """Record ``name``'s findings under ``key`` (settings key, content key, signature taken before it was
        read) and which of their excerpt lines no secret touches; ``cached``: they came from the entry for that
        content, so only its signature may be new. An entry is "CONTENT-KEY SIGNATURE" (the signature empty when
        it is not ``settled``) for a file without findings, else [that, the findings, the numbers of their
        excerpt lines if no secret touches one, else None]."""
        if not self.secret:
            return
        settings, content, seen = key
        head = f"{content} {self.settled(seen)}"
        group = self.groups.setdefault(settings, {})
        entry = self._get(name, settings)
        if cached and entry is not None and entry[0][:HEX] == content:
            if entry[0] != head:
                group[name] = head if type(group[name]) is str else [head, *entry[1:]]
                self.changed = True
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
        plain = sorted(lines) if all(not e.masks for e in lines.values()) else None
        for other in [s for s, files in self.groups.items() if s != settings and name in files]:
            del self.groups[other][name]
            if not self.groups[other]:
                del self.groups[other]
        group[name] = [head, fields, plain] if fields else head
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
            body = json.dumps(self.groups, separators=(",", ":"))
            mac = hmac.digest(self.secret, body.encode(), "sha256").hex()
            write_atomic(self.path, f'["{mac}",{body}]')
        except OSError:  # a read-only checkout: linting still worked, only the cache is lost
            pass
