"""The one place that turns paths and settings into diagnostics: settings per directory, the walk, reading,
the findings cache and worker processes around a ``Linter`` (``engine``).

The CLI, the pre-commit hook, the language server and the Python API (``api``) all go through ``Runner``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from .config import (
    DEFAULT_EXCLUDE,
    ConfigError,
    Settings,
    check_overrides,
    find_config,
    load_config,
    path_matches,
    with_overrides,
)
from .diagnostic import Diagnostic, severity_rank
from .documents import read_breaks
from .engine import Context, Linter
from .fileio import read_regular
from .rules import RuleError, all_rules, matches
from .secrets import Excerpt

PARALLEL_FROM = 300  # with --jobs unset, this many files or more are spread over every CPU
MAX_JOBS_PER_CPU = 4  # --jobs is capped at this many processes per CPU
REPORT_URL = "https://github.com/lflint/lflint/issues"
LONE_CR_NOTE = "a line ends in a lone carriage return (\\r); not fixed (give its lines \\n or \\r\\n endings)"


class FileResult(NamedTuple):
    """One file's diagnostics, with the source lines they point at (secrets masked) for excerpts."""

    name: str
    diagnostics: Sequence[Diagnostic]  # the linter's are ``Findings``: held compactly, each made when read
    lines: dict[int, Excerpt] = {}  # a shared default, never changed
    key: tuple | None = None  # the cache key (settings, content, signature), when the result is to be cached
    error: str | None = None  # an internal error that kept the file from being linted (a bug in lflint)
    cached: bool = False  # answered from the cache
    fixed: list[Diagnostic] = []  # the findings fixes repaired (or, with ``diff``, would repair)
    diff: str | None = None  # the unified diff of the fixes (``Runner(diff=True)``: nothing is written)
    text: str | None = None  # the fixed text of a spec read from stdin
    note: str | None = None  # why fixes were not written


class Linters:
    """The Linter of each set of settings, built once per process (rules loaded, schemas compiled), and built
    again when the user's rule files it was built from change (``rule_files``: their names, mtimes and sizes)."""

    def __init__(self):
        self._built: dict[Settings, tuple[tuple, Linter]] = {}

    def get(self, settings: Settings, rule_files: tuple) -> Linter:
        built = self._built.get(settings)
        if built is None or built[0] != rule_files:
            built = self._built[settings] = (rule_files, build_linter(settings))
        return built[1]


LINTERS = Linters()


def build_linter(settings: Settings) -> Linter:
    """The rules ``settings`` select (an unknown selector is a ``ConfigError``), at their severities."""
    every = all_rules(tuple(str(Path(settings.root, p)) for p in settings.rule_paths))
    every = {r.id: r for r in every.values()}
    for selector in (
        *settings.select,
        *settings.extend_select,
        *settings.ignore,
        *settings.fixable,
        *settings.unfixable,
        *(s for _, sels in settings.per_file_ignores for s in sels),
        *dict(settings.severity),
    ):
        if not any(matches(r, selector) for r in every.values()):
            from .messages import did_you_mean

            hint = did_you_mean(selector, [*every, *(r.slug for r in every.values())])
            raise ConfigError(f"unknown rule {selector!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    chosen = [
        r
        for r in every.values()
        if (not settings.select or any(matches(r, s) for s in settings.select))
        or any(matches(r, s) for s in settings.extend_select)
    ]
    chosen = [r for r in chosen if not any(matches(r, s) for s in settings.ignore)]
    severities = {r.id: level for name, level in settings.severity for r in every.values() if matches(r, name)}
    return Linter(chosen, context_for(settings), severities, max_bytes=settings.max_file_size)


def context_for(settings: Settings) -> Context:
    """What code rules read from the settings."""
    from .compiler import compile_pattern

    return Context(compile_pattern(settings.placeholder), settings.schedule_value_type)


class Runner:
    """Lints files with the settings that apply to each (nearest config file, then command-line overrides).

    ``cache``: True or False turns the findings cache on or off; None leaves it to the ``cache`` setting that
    applies in the working directory. ``linter``: lint every file with this Linter, whatever its settings say
    (the rule examples run so); by default each set of settings gets its own (``LINTERS``)."""

    def __init__(
        self,
        config: str | os.PathLike | None = None,
        isolated: bool = False,
        overrides: dict | None = None,
        cache: bool | None = None,
        linter: Linter | None = None,
        diff: bool = False,
    ):
        self.config = Path(config) if config else None
        self.diff = diff  # fix files as their `fix` setting says, but write nothing: give the diff
        self.isolated = isolated
        self.overrides = check_overrides(overrides or {})
        self.linter = linter
        self._found: dict[Path, Path | None] = {}  # directory -> nearest config file
        self._with_overrides: dict[Settings, Settings] = {}  # a config file's settings -> with the overrides
        self._rule_files: dict[Settings, tuple] = {}  # settings -> the user's rule files, as first seen
        self._settings_keys: dict[Settings, str] = {}  # settings -> what the cache keys them by
        self._in_directory: dict[str, Settings] = {}  # a file's directory, as its name gives it -> its settings
        if self.config:
            load_config(self.config.resolve())  # fail early on a broken --config
        self.cache = None
        if cache is not False:
            here = self.settings_in(Path.cwd())
            if cache or here.cache:
                from .cache import Cache

                self.cache = Cache(Path(here.root, here.cache_dir), Path(here.root))

    # -- settings ------------------------------------------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        """The settings of the file at ``path`` (``-`` and ``<string>`` are in the working directory); looked up
        once per directory in a run (a config file is read again by the next Runner, not by every file's lookup)."""
        if not path.name:
            return self.settings_in(Path.cwd())
        directory = os.path.dirname(str(path))  # a Path's text: `path.parent` and hashing it cost 5 µs a file
        settings = self._in_directory.get(directory)
        if settings is None:
            settings = self._in_directory[directory] = self.settings_in(path.parent)
        return settings

    def settings_in(self, directory: Path) -> Settings:
        """The settings of the files in ``directory``: ``--isolated``'s defaults, ``--config``'s file or the
        nearest config file; then the overrides."""
        if self.isolated:
            base = Settings()
        elif self.config:
            base = load_config(self.config.resolve())
        else:
            if directory not in self._found:
                self._found[directory] = find_config(directory.resolve())
            found = self._found[directory]
            base = load_config(found) if found else Settings()
        if base not in self._with_overrides:
            self._with_overrides[base] = with_overrides(base, self.overrides)
        return self._with_overrides[base]

    def linter_for(self, settings: Settings) -> Linter:
        return self.linter or LINTERS.get(settings, self._rule_files_of(settings))

    def _rule_files_of(self, settings: Settings) -> tuple:
        """The user's rule files with their mtimes and sizes, looked at once per Runner: a long-lived process (the
        language server) that makes a Runner per request sees a rule file change."""
        if settings not in self._rule_files:
            files = [
                p
                for d in settings.rule_paths
                if Path(settings.root, d).is_dir()
                for p in sorted(Path(settings.root, d).glob("*.y*ml"))
            ]
            self._rule_files[settings] = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        return self._rule_files[settings]

    def _settings_key(self, settings: Settings) -> str:
        if settings not in self._settings_keys:
            from .cache import settings_key

            self._settings_keys[settings] = settings_key(settings)
        return self._settings_keys[settings]

    # -- linting -------------------------------------------------------------------------------------------------

    def lint_bytes(self, raw: bytes | str, filename: str, settings: Settings | None = None) -> list[Diagnostic]:
        return list(self._lint(raw, filename, settings)[0])

    def _lint(self, raw: bytes | str, filename: str, settings: Settings | None = None):
        """The diagnostics of one file (``Linter.lint``) with the per-file ignores of its settings, and its source."""
        settings = settings or self.settings_for(Path(filename))
        ignore = [
            s
            for pattern, sels in settings.per_file_ignores
            if path_matches(Path(filename), Path(settings.root), (pattern,))
            for s in sels
        ]
        return self.linter_for(settings).lint(raw, filename, ignore)

    def check_file(self, path: Path | Refused) -> FileResult:
        """One file's findings, with the lines they point at; answered from the cache when it is on."""
        if isinstance(path, Refused):
            name = str(path.path)
            return FileResult(name, self._file_finding(self.settings_for(path.path), name, "LF007", path.reason))
        settings = self.settings_for(path)
        seen = ""
        if self.cache is not None and not (settings.fix or self.diff):
            name = str(path)
            seen, fields = self.cache.unchanged(name, self._settings_key(settings))
            found = self.cache.findings(fields, name, self.linter_for(settings)) if fields else fields
            if found is not None:  # not even read
                return FileResult(name, found, cached=True)
        raw = read_regular(path, settings.max_file_size)
        if isinstance(raw, str):
            return FileResult(str(path), self._file_finding(settings, str(path), "LF007", raw))
        if settings.fix or self.diff:
            return self._fix_file(path, raw, settings)
        if self.cache is None:  # (the cache keys the bytes) not kept while the file is linted: 7 MB in a long stream
            raw = _decoded(raw, settings.max_file_size)
        return self.check_bytes(raw, str(path), settings, seen)

    # -- fixing --------------------------------------------------------------------------------------------------

    def fix_bytes(self, raw: bytes | str, name: str) -> FileResult:
        """The fixes the settings of ``name`` ask for (``fix``, ``unsafe-fixes``, ``fixable``, ``unfixable``)
        applied to ``raw``: the fixed ``text``, what remains, what was ``fixed``, and the ``diff``. Nothing is
        written. A text whose bytes the fixed text could not keep (not UTF-8 as written) is not fixed."""
        from . import fixes

        settings = self.settings_for(Path(name))
        linter = self.linter_for(settings)
        text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        bom = fixes.BOM if text.startswith(fixes.BOM) else ""
        if isinstance(raw, bytes) and text.encode("utf-8") != raw:
            return self.check_bytes(raw, name)

        def wanted(d: Diagnostic) -> bool:
            rule = linter.rules[d.rule]
            return (
                (d.fix.applicability == "safe" or settings.unsafe_fixes)
                and (not settings.fixable or any(matches(rule, s) for s in settings.fixable))
                and not any(matches(rule, s) for s in settings.unfixable)
            )

        if read_breaks(text) is not text:  # the fixed text would end its lines in "\n": a fix to make is not made
            checked = self.check_bytes(raw, name)
            return (
                checked._replace(note=LONE_CR_NOTE)
                if any(d.fix and wanted(d) for d in checked.diagnostics)
                else checked
            )

        before = None

        def lint(text: str):
            nonlocal before
            found = self._lint(text, name, settings)
            before = before or found[1]
            return found

        result = fixes.fix(lint, text.removeprefix(bom), wanted)
        if not result.fixed:
            return FileResult(name, result.diagnostics, excerpt_lines(result.source, result.diagnostics))
        return FileResult(
            name,
            result.diagnostics,
            excerpt_lines(result.source, result.diagnostics),
            fixed=result.fixed,
            diff=fixes.diff(before, result.source, name, result.written),
            text=bom + result.text,
        )

    def _fix_file(self, path: Path, raw: bytes, settings: Settings) -> FileResult:
        """``fix_bytes`` of the file at ``path``, written back (atomically, keeping its mode) unless ``diff``; a
        file that changed on disk since it was read is left alone, with a ``note``."""
        try:
            result = self.fix_bytes(raw, str(path))
        except (ConfigError, RuleError):
            raise
        except Exception:  # noqa: BLE001 - a bug: the file is linted, not fixed (check_bytes reports it)
            return self.check_bytes(raw, str(path))
        if not result.fixed or self.diff:
            return result
        import stat

        from .fileio import write_atomic

        if read_regular(path, settings.max_file_size) != raw:
            return self.check_bytes(raw, str(path))._replace(note="changed on disk during the run; not fixed")
        write_atomic(path, result.text, mode=stat.S_IMODE(os.stat(path).st_mode))
        return result._replace(text=None)

    def _file_finding(self, settings: Settings, name: str, rule_id: str, message: str) -> list[Diagnostic]:
        """A finding about the file as a whole (LF007, LF010), at its first character."""
        found = self.linter_for(settings).diagnostic(rule_id, file=name, message=message)
        return [found] if found else []

    def check_bytes(self, raw: bytes, name: str, settings: Settings | None = None, seen: str = "") -> FileResult:
        """``check_file`` of bytes already read (``settings``: those of ``name``, when known; ``seen``: the file's
        signature before, ``Cache.unchanged``); an internal error (a bug) while linting them becomes the file's
        finding (LF010) and ``error``, so that the run goes on with the other files."""
        try:
            return self._check_bytes(raw, name, settings, seen)
        except (ConfigError, RuleError):
            raise
        except Exception as exc:  # noqa: BLE001 - one hostile file costs its own findings, never the run's
            error = internal_error(exc)
            return FileResult(
                name, self._file_finding(self.settings_for(Path(name)), name, "LF010", error), error=error
            )

    def _check_bytes(self, raw: bytes, name: str, settings: Settings | None, seen: str = "") -> FileResult:
        settings = settings or self.settings_for(Path(name))
        key = None
        if self.cache is not None:
            from .cache import content_key

            key = (self._settings_key(settings), content_key(raw), seen)
            hit = self.cache.get(name, key, self.linter_for(settings))
            if hit is not None:
                return FileResult(name, hit[0], self._excerpts(raw, name, settings, *hit), key, cached=True)
        diagnostics, source = self._lint(raw, name, settings)
        return FileResult(name, diagnostics, excerpt_lines(source, diagnostics), key)

    @staticmethod
    def _excerpts(
        raw: bytes, name: str, settings: Settings, diagnostics: list[Diagnostic], plain: list[int] | None
    ) -> dict[int, Excerpt]:
        """The excerpt lines of cached findings, read again from the file (the cache holds no source text): the
        ``plain`` lines, which no secret touches, as they are; else the file is loaded again, to mask its secrets
        from the parsed document."""
        from .documents import decode, load_source

        if plain is not None:  # numbered as Source.line numbers them: lines end at "\n", without a "\r" before
            lines = decode(raw).split("\n") if plain else []
            return {n: Excerpt(lines[n - 1].rstrip("\r"), ()) for n in plain}
        return excerpt_lines(load_source(raw, name, settings.max_file_size)[0], diagnostics)

    def run(self, paths: Iterable[str | os.PathLike], jobs: int | None = None) -> Iterator[FileResult]:
        """``check_file`` over ``expand(paths)``, in that order; ``jobs`` > 1 spreads the files over processes
        (``None``: every CPU from ``PARALLEL_FROM`` files on, else one). Results stream: nothing is held."""
        files = self.expand(paths)
        head = list(islice(files, PARALLEL_FROM))
        if jobs is None:
            jobs = (os.cpu_count() or 1) if len(head) == PARALLEL_FROM else 1
        # never more workers than files (when they are all known) or than MAX_JOBS_PER_CPU per CPU
        jobs = min(jobs, MAX_JOBS_PER_CPU * (os.cpu_count() or 1), *([len(head)] if len(head) < PARALLEL_FROM else []))
        if jobs <= 1:
            results = map(self.check_file, chain(head, files))
        else:
            import multiprocessing

            # fork starts a worker with the rules already loaded; elsewhere each worker builds its own Runner
            method = "fork" if sys.platform == "linux" else "spawn"
            pool = multiprocessing.get_context(method).Pool(
                jobs,
                _start_worker,
                (self.config, self.isolated, self.overrides, self.cache is not None, self.linter, self.diff),
            )
            # files go to the workers and results come back in batches: fewer round trips between processes; a short
            # list keeps small batches to keep every worker busy to its end
            many = len(head) == PARALLEL_FROM
            results = _in_order(pool, chain(head, files), 16 if many else 8, MAX_BATCH if many else 8)
        try:
            for result in results:
                if self.cache is not None and result.key is not None:
                    self.cache.put(result.name, result.key, result.diagnostics, result.lines, result.cached)
                yield result
        finally:
            if jobs > 1:
                pool.terminate()
            if self.cache is not None:
                self.cache.save()

    def expand(self, paths: Iterable[str | os.PathLike]) -> Iterator[Path | Refused]:
        """Files to lint: every file named, and the job specs (``include`` globs) found under each directory; a
        directory the walk cannot read is yielded too, so that ``check_file`` reports it.

        A walk does not enter a link to a directory, and does not read a link to a file outside the directory
        walked (a committed link to ``/proc/self/environ`` would print the CI's environment): it is ``Refused``.
        A file named (even a link) is read as given."""
        if isinstance(paths, (bytes, bytearray)):
            raise TypeError("paths must be a str, a path or an iterable of them, not bytes")
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        for given in paths:
            path = Path(given)
            if not os.path.isdir(path):  # also a path that cannot be looked at: check_file says why
                yield path
                continue
            unreadable: list[OSError] = []
            top = os.path.realpath(path)
            for directory, subdirs, files in os.walk(path, onerror=unreadable.append):
                yield from _drain(unreadable)
                settings = self.settings_in(Path(directory))
                root = Path(settings.root)
                subdirs[:] = sorted(
                    d
                    for d in subdirs
                    if d not in DEFAULT_EXCLUDE and not path_matches(Path(directory) / d, root, settings.exclude)
                )
                names = "\0".join(sorted(files))  # one string while they are linted, not one per name (7 MB at
                files.clear()  # 100,000 files); no file name holds a NUL
                for name in _split(names):
                    file = Path(os.path.join(directory, name))  # not `/ name`: pathlib would intern every name
                    if path_matches(file, root, settings.include) and not path_matches(file, root, settings.exclude):
                        yield _outside(file, top) or file
            yield from _drain(unreadable)

    def fails(self, diagnostic: Diagnostic) -> bool:
        return severity_rank(diagnostic.severity) >= severity_rank(self.settings_for(Path(diagnostic.file)).fail_on)


class Refused(NamedTuple):
    """A file a walk found but does not read, and why (reported as LF007)."""

    path: Path
    reason: str


def _outside(file: Path, top: str) -> Refused | None:
    """``file`` refused if it is a link whose target is not inside the walked directory ``top`` (resolved)."""
    if not os.path.islink(file):
        return None
    target = os.path.realpath(file)
    if target == top or target.startswith(top.rstrip(os.sep) + os.sep):
        return None
    return Refused(file, "a link to a file outside the directory walked; not read (name the file itself to lint it)")


def _split(names: str) -> Iterator[str]:
    """The names of a string of names that NULs separate, one at a time (``str.split`` would hold them all)."""
    start = 0
    while names:
        end = names.find("\0", start)
        yield names[start:] if end < 0 else names[start:end]
        if end < 0:
            return
        start = end + 1


def _drain(errors: list[OSError]) -> Iterator[Path]:
    while errors:
        yield Path(errors.pop(0).filename)


def _decoded(raw: bytes, max_bytes: int) -> bytes | str:
    """The text that ``Linter.lint`` would decode ``raw`` to, where linting that text gives the same findings (not
    too large, UTF-8, no second byte order mark for ``lint`` to take off); else ``raw``."""
    from .documents import decode

    text = decode(raw) if len(raw) <= max_bytes else None
    return text if isinstance(text, str) and not text.startswith("\ufeff") else raw


def internal_error(exc: BaseException) -> str:
    """An unexpected exception as one line: its type and where it was raised (never its message, which may
    quote the input), and where to report it."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {Path(frames[-1].filename).name}:{frames[-1].lineno} ({frames[-1].name})" if frames else ""
    return f"internal error: {type(exc).__name__}{where} (please report it at {REPORT_URL} with the command you ran)"


def excerpt_lines(source, diagnostics: Iterable[Diagnostic]) -> dict[int, Excerpt]:
    """The source lines that ``diagnostics`` start and end on, as ``Source.masked_line`` shows them (none for a
    file that was not text)."""
    lines: dict[int, Excerpt] = {}
    shared: dict[Excerpt, Excerpt] = {}  # equal lines once: a long stream repeats its lines
    for number in (n for d in diagnostics for n in (d.line, d.end_line)) if source else ():
        if number not in lines and (line := source.masked_line(number)) is not None:
            lines[number] = shared.setdefault(line, line)
    return lines


_worker: Runner | None = None


def _start_worker(config, isolated, overrides, cache, linter, diff) -> None:
    global _worker
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (exit 130), not a traceback
    _worker = Runner(config, isolated, overrides, cache, linter, diff)


def _worker_check(paths: list[str | Refused]) -> list[FileResult | None]:
    """A worker's results for a batch of files: None for a clean file (``_in_order`` makes it again)."""
    return [_worker_result(path) for path in paths]


def _worker_result(path: str | Refused) -> FileResult | None:
    if not isinstance(path, str):
        return _worker.check_file(path)
    result = _worker.check_file(Path(path))
    return None if result == _clean(path) else result


def _clean(name: str) -> FileResult:
    return FileResult(name, [])


MAX_BATCH = 256  # files a worker lints in one task, once the first batches have started every worker


def _in_order(pool, paths: Iterator[Path | Refused], batch: int, most: int) -> Iterator[FileResult]:
    """The workers' results for ``paths``, in order. The parent shares the cores with the workers, so it does
    little per file: batches grow from ``batch`` to ``most`` files (each task costs the pool's threads in the
    parent about a millisecond of CPU), a path travels as its text (a ``Path`` pickles through a Python call), and
    a clean file's result does not travel at all (the parent makes it from the path it sent)."""
    from collections import deque

    sent: deque = deque()

    def batches() -> Iterator[list[str | Refused]]:
        nonlocal batch
        while chunk := list(islice(paths, batch)):
            sent.extend(chunk)
            yield [str(p) if isinstance(p, Path) else p for p in chunk]
            batch = min(2 * batch, most)

    for results in pool.imap(_worker_check, batches()):
        for result in results:
            path = sent.popleft()
            yield _clean(str(path)) if result is None else result  # None: the clean file sent as `str(path)`
