"""The Python API and the one place that turns paths and settings into diagnostics.

The CLI, the pre-commit hook and the language server all go through ``Runner``.
"""

from __future__ import annotations

import os
import stat
import sys
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from . import suppress
from .config import (DEFAULT_EXCLUDE, ConfigError, Settings, check_overrides, find_config, load_config, path_matches,
                     with_overrides)
from .diagnostic import Diagnostic, severity_rank
from .engine import Context, Linter
from .rules import Rule, RuleError, all_rules, find_rule, matches
from .secrets import Excerpt


PARALLEL_FROM = 300  # with --jobs unset, this many files or more are spread over every CPU
REPORT_URL = "https://github.com/lflint/lflint/issues"


class FileResult(NamedTuple):
    """One file's diagnostics, with the source lines they point at (secrets masked) for excerpts."""

    name: str
    diagnostics: list[Diagnostic]
    lines: dict[int, Excerpt] = {}  # a shared default, never changed
    key: str | None = None  # the cache key of the file's content and settings, when it is to be cached
    error: str | None = None  # an internal error that kept the file from being linted (a bug in lflint)
    cached: bool = False  # answered from the cache


class Runner:
    """Lints files with the settings that apply to each (nearest config file, then command-line overrides).

    ``cache``: True or False turns the findings cache on or off; None leaves it to the ``cache`` setting that
    applies in the working directory."""

    def __init__(self, config: str | os.PathLike | None = None, isolated: bool = False,
                 overrides: dict | None = None, cache: bool | None = None):
        self.config = Path(config) if config else None
        self.isolated = isolated
        self.overrides = check_overrides(overrides or {})
        self._found: dict[Path, Path | None] = {}  # directory -> nearest config file
        self._stamps: dict[Settings, tuple] = {}  # settings -> when the user's rule files last changed
        if self.config:
            load_config(self.config.resolve())  # fail early on a broken --config
        self.cache = None
        if cache is not False:
            here = self.settings_for(Path.cwd() / "x")
            if cache or here.cache:
                from .cache import Cache  # noqa: PLC0415

                self.cache = Cache(Path(here.root, here.cache_dir))

    # -- settings ------------------------------------------------------------------------------------------------

    def settings_for(self, path: Path) -> Settings:
        if self.isolated:
            base = Settings()
        elif self.config:
            base = load_config(self.config.resolve())
        else:
            directory = path.parent if path.name else Path.cwd()
            if directory not in self._found:
                self._found[directory] = find_config(directory.resolve())
            found = self._found[directory]
            base = load_config(found) if found else Settings()
        return _settings(base, tuple(sorted(self.overrides.items())))

    def linter_for(self, settings: Settings) -> Linter:
        return _linter(settings, self._stamp(settings))

    def _stamp(self, settings: Settings) -> tuple:
        """The user's rule files with their mtimes and sizes, read once per Runner: a long-lived process (the
        language server) that makes a Runner per request sees a rule file change."""
        if settings not in self._stamps:
            files = [p for d in settings.rule_paths if Path(settings.root, d).is_dir()
                     for p in sorted(Path(settings.root, d).glob("*.y*ml"))]
            self._stamps[settings] = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        return self._stamps[settings]

    # -- linting -------------------------------------------------------------------------------------------------

    def lint_bytes(self, raw: bytes | str, filename: str, settings: Settings | None = None) -> list[Diagnostic]:
        return self._lint(raw, filename, settings)[0]

    def _lint(self, raw: bytes | str, filename: str, settings: Settings | None = None):
        """The diagnostics of one file (in true columns; on a secret, ``MASK`` wide), and its source."""
        settings = settings or self.settings_for(Path(filename))
        linter = self.linter_for(settings)
        diagnostics, source = linter.lint_source(raw, filename)
        ignored = [s for pattern, sels in settings.per_file_ignores
                   if path_matches(Path(filename), Path(settings.root), (pattern,)) for s in sels]
        if ignored:
            diagnostics = [d for d in diagnostics if not any(matches(linter.rules[d.rule], s) for s in ignored)]
        if source and not source.is_json:
            diagnostics = suppress.apply(diagnostics, source.text, filename,
                                         lambda name: _enabled_id(linter, name), _unused_factory(linter, source))
        if source and diagnostics:
            diagnostics = sorted(_on_source(source, d) for d in diagnostics)
        return diagnostics, source

    def check_file(self, path: Path) -> FileResult:
        """One file's findings, with the lines they point at; answered from the cache when it is on."""
        settings = self.settings_for(path)
        raw = read_regular(path, settings.max_file_size)
        if isinstance(raw, str):
            return FileResult(str(path), self._file_finding(settings, str(path), "LF007", raw))
        return self.check_bytes(raw, str(path))

    def _file_finding(self, settings: Settings, name: str, rule_id: str, message: str) -> list[Diagnostic]:
        linter = self.linter_for(settings)
        rule = linter.rules.get(rule_id)
        return [Diagnostic(name, 0, 1, 1, 1, 2, rule.id, rule.slug, linter.severity(rule), message, "")] \
            if rule else []

    def check_bytes(self, raw: bytes, name: str) -> FileResult:
        """``check_file`` of bytes already read; an internal error (a bug) while linting them becomes the file's
        finding (LF010) and ``error``, so that the run goes on with the other files."""
        try:
            return self._check_bytes(raw, name)
        except (ConfigError, RuleError):
            raise
        except Exception as exc:  # noqa: BLE001 - one hostile file costs its own findings, never the run's
            error = internal_error(exc)
            return FileResult(name, self._file_finding(self.settings_for(Path(name)), name, "LF010",
                                                       error), error=error)

    def _check_bytes(self, raw: bytes, name: str) -> FileResult:
        settings = self.settings_for(Path(name))
        key = None
        if self.cache is not None:
            from .cache import file_key, settings_key  # noqa: PLC0415

            key = file_key(raw, settings_key(settings, self._stamp(settings)))
            linter = self.linter_for(settings)
            hit = self.cache.get(name, key, linter.rules, linter.severity)
            if hit is not None:
                return FileResult(name, hit, self._excerpts(raw, name, settings, hit), cached=True)
        diagnostics, source = self._lint(raw, name, settings)
        return FileResult(name, diagnostics, excerpt_lines(source, diagnostics), key)

    @staticmethod
    def _excerpts(raw: bytes, name: str, settings: Settings, diagnostics: list[Diagnostic]) -> dict[int, str]:
        """The excerpt lines of cached findings, read again from the file (the cache holds no source text); only
        a file with findings is loaded again, to mask its secrets from the parsed document."""
        if not diagnostics:
            return {}
        from .documents import load_source  # noqa: PLC0415

        return excerpt_lines(load_source(raw, name, settings.max_file_size)[0], diagnostics)

    def run(self, paths: Iterable[str | os.PathLike], jobs: int | None = None) -> Iterator[FileResult]:
        """``check_file`` over ``expand(paths)``, in that order; ``jobs`` > 1 spreads the files over processes
        (``None``: every CPU from ``PARALLEL_FROM`` files on, else one). Results stream: nothing is held."""
        files = self.expand(paths)
        head = list(islice(files, PARALLEL_FROM))
        if jobs is None:
            jobs = (os.cpu_count() or 1) if len(head) == PARALLEL_FROM else 1
        if jobs <= 1:
            results = map(self.check_file, chain(head, files))
        else:
            import multiprocessing  # noqa: PLC0415

            # fork starts a worker with the rules already loaded; elsewhere each worker builds its own Runner
            method = "fork" if sys.platform == "linux" else "spawn"
            pool = multiprocessing.get_context(method).Pool(jobs, _start_worker, (
                self.config, self.isolated, self.overrides, self.cache is not None))
            results = pool.imap(_worker_check, chain(head, files), chunksize=8)
        try:
            for result in results:
                if self.cache is not None and result.key is not None:
                    self.cache.put(result.name, result.key, result.diagnostics)
                yield result
        finally:
            if jobs > 1:
                pool.terminate()
            if self.cache is not None:
                self.cache.save()

    def expand(self, paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
        """Files to lint: every file named, and the job specs (``include`` globs) found under each directory; a
        directory the walk cannot read is yielded too, so that ``check_file`` reports it."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        for given in paths:
            path = Path(given)
            if not os.path.isdir(path):  # also a path that cannot be looked at: check_file says why
                yield path
                continue
            unreadable: list[OSError] = []
            for directory, subdirs, files in os.walk(path, onerror=unreadable.append):
                yield from _drain(unreadable)
                settings = self.settings_for(Path(directory) / "x")
                root = Path(settings.root)
                subdirs[:] = sorted(d for d in subdirs if d not in DEFAULT_EXCLUDE and
                                    not path_matches(Path(directory) / d, root, settings.exclude))
                files.sort()
                for name in files:
                    file = Path(os.path.join(directory, name))  # not `/ name`: pathlib would intern every name
                    if path_matches(file, root, settings.include) and not path_matches(file, root,
                                                                                        settings.exclude):
                        yield file
            yield from _drain(unreadable)

    def fails(self, diagnostic: Diagnostic) -> bool:
        return severity_rank(diagnostic.severity) >= severity_rank(self.settings_for(
            Path(diagnostic.file)).fail_on)


def _drain(errors: list[OSError]) -> Iterator[Path]:
    while errors:
        yield Path(errors.pop(0).filename)


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def read_regular(path: Path, limit: int) -> bytes | str:
    """The bytes of the regular file at ``path``, at most ``limit`` + 1 of them, or why it is not read. Opening
    never blocks (a FIFO), and the file opened is the one checked; nothing but a regular file is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return f"cannot read file: {reason}"
        if stat.S_ISDIR(mode):
            return f"cannot read directory: {reason}"
        return _not_regular(mode) or f"cannot read file: {reason}"
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):  # opens on Linux, but open() below would raise
        os.close(fd)
        return "cannot read file: is a directory"
    with open(fd, "rb") as fh:
        return _not_regular(mode) or fh.read(limit + 1)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file ({kind}); only regular files are linted"


def internal_error(exc: BaseException) -> str:
    """An unexpected exception as one line: its type and where it was raised (never its message, which may
    quote the input), and where to report it."""
    import traceback  # noqa: PLC0415

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {Path(frames[-1].filename).name}:{frames[-1].lineno} ({frames[-1].name})" if frames else ""
    return f"internal error: {type(exc).__name__}{where} (please report it at {REPORT_URL} with the command you ran)"


def excerpt_lines(source, diagnostics: list[Diagnostic]) -> dict[int, Excerpt]:
    """The source lines that ``diagnostics`` point at, as ``Source.masked_line`` shows them (none for a file that
    was not text)."""
    lines = {d.line: source.masked_line(d.line) for d in diagnostics} if source else {}
    return {number: line for number, line in lines.items() if line is not None}


_worker: Runner | None = None


def _start_worker(config, isolated, overrides, cache) -> None:
    global _worker  # noqa: PLW0603 - one Runner per worker process; only the parent writes the cache
    import signal  # noqa: PLC0415

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (exit 130), not a traceback
    _worker = Runner(config, isolated, overrides, cache)


def _worker_check(path: Path) -> FileResult:
    return _worker.check_file(path)


@cache
def _settings(base: Settings, overrides: tuple) -> Settings:
    return with_overrides(base, dict(overrides))


@cache
def _linter(settings: Settings, stamp: tuple) -> Linter:
    """The Linter of ``settings``, built once per ``stamp`` (which only keys this cache)."""
    rule_paths = tuple(str(Path(settings.root, p)) for p in settings.rule_paths)
    rules = all_rules(rule_paths)
    every = {r.id: r for r in rules.values()}
    for selector in (*settings.select, *settings.extend_select, *settings.ignore,
                     *(s for _, sels in settings.per_file_ignores for s in sels), *dict(settings.severity)):
        if not any(matches(r, selector) for r in every.values()):
            from .engine import did_you_mean  # noqa: PLC0415

            hint = did_you_mean(selector, [*every, *(r.slug for r in every.values())])
            raise ConfigError(f"unknown rule {selector!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    chosen = [r for r in every.values()
              if (not settings.select or any(matches(r, s) for s in settings.select))
              or any(matches(r, s) for s in settings.extend_select)]
    chosen = [r for r in chosen if not any(matches(r, s) for s in settings.ignore)]
    severities = {r.id: level for name, level in settings.severity for r in every.values() if matches(r, name)}
    from .compiler import compile_pattern  # noqa: PLC0415

    return Linter(chosen, Context(compile_pattern(settings.placeholder)), severities,
                  max_bytes=settings.max_file_size)


def _enabled_id(linter: Linter, name: str) -> str | None:
    rule = find_rule(linter.rules, name)
    return rule.id if rule else None


def _unused_factory(linter: Linter, source):
    rule: Rule | None = linter.rules.get("LF009")
    if rule is None:
        return None
    severity = linter.severity(rule)

    def unused(file, line, col, end, message):
        if source.on_secret((line, col, line, end)):  # the comment may be the rest of the secret before it
            message = "a suppression comment on a secret's line (not shown) silences no finding"
        return Diagnostic(file, 0, line, col, line, end, rule.id, rule.slug, severity, message, "")

    return unused


def _on_source(source, d: Diagnostic) -> Diagnostic:
    """``d`` as reports give it: in true columns, ``MASK`` wide on a secret and then with no fix to offer (an
    edit of that range would change the secret, not what the finding is about)."""
    rng = (d.line, d.column, d.end_line, d.end_column)
    line, column, end_line, end_column = source.mask_range(rng)
    suggestion = None if source.on_secret(rng) else d.suggestion
    return d._replace(line=line, column=column, end_line=end_line, end_column=end_column, suggestion=suggestion)


def lint_text(text: str | bytes, filename: str = "<string>.yaml", *, config: str | None = None,
              isolated: bool = False, **overrides) -> list[Diagnostic]:
    """Lint one job spec given as text; ``filename`` decides YAML or JSON (``.json``) and the config used."""
    return Runner(config, isolated, overrides, cache=False).lint_bytes(text, filename)


def lint_paths(paths: Iterable[str | os.PathLike], *, config: str | None = None, isolated: bool = False,
               jobs: int | None = 1, **overrides) -> list[Diagnostic]:
    """Lint files and directories (job specs found by the ``include`` globs) as ``lflint check`` does."""
    runner = Runner(config, isolated, overrides)
    return [d for result in runner.run(paths, jobs) for d in result.diagnostics]


__all__ = ["ConfigError", "Diagnostic", "Runner", "lint_paths", "lint_text"]
