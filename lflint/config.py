"""Settings: defaults, then ``[tool.lflint]`` in pyproject.toml or ``.lflint.toml``, then the command line."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostic import SEVERITIES
from .secrets import DEFAULT_PLACEHOLDER

CONFIG_FILE = ".lflint.toml"
DEFAULT_INCLUDE = ("*.lfjob.yaml", "*.lfjob.yml", "*.lfjob.json")
DEFAULT_EXCLUDE = (".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist")
MAX_FILE_SIZE = 10 * 1024 * 1024  # job specs are a few KB; a file this large is refused unless configured
LARGEST_FILE_SIZE = 1024**4  # the most `max-file-size` may say (1 TB): a sanity bound, not a policy
CONFIG_LIMIT = 1024 * 1024  # config and rule files are read up to this size (1 MB); larger ones are an error
SCHEDULE_VALUE_TYPES = ("string", "integer")
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


class ConfigError(Exception):
    """A configuration that cannot be used; the message says where and why."""


class Settings(NamedTuple):
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    fail_on: str = "warning"
    rule_paths: tuple[str, ...] = ()
    placeholder: str = DEFAULT_PLACEHOLDER
    cache: bool = False
    cache_dir: str = ".lflint_cache"
    max_file_size: int = MAX_FILE_SIZE  # bytes
    baseline: str = ".lflint-baseline.json"  # relative to the config file's directory
    fix: bool = False  # apply safe fixes (``check --fix``)
    unsafe_fixes: bool = False  # and unsafe ones
    fixable: tuple[str, ...] = ()  # only these rules' fixes (ids, prefixes, slugs); empty: every rule's
    unfixable: tuple[str, ...] = ()  # never these rules' fixes
    schedule_value_type: str | None = None  # "string" | "integer": the form of execute_day/hour/minute (LF307)
    root: str = "."  # directory that relative globs and rule paths start from
    origin: tuple[tuple[str, str], ...] = ()  # key -> where its value came from

    def source_of(self, key: str) -> str:
        return dict(self.origin).get(key, "default")


KEYS = {name.replace("_", "-"): name for name in Settings._fields if name not in ("root", "origin")}
_LISTS = {"select", "extend_select", "ignore", "include", "exclude", "rule_paths", "fixable", "unfixable"}


def read_small(path: Path, what: str, error: type[Exception]) -> bytes:
    """A config or rule file's bytes, read by ``fileio.read_regular`` up to ``CONFIG_LIMIT``; ``error`` (naming
    the file and ``what`` it is) if it cannot be read, is not a regular file or is larger."""
    from .fileio import read_regular

    raw = read_regular(path, CONFIG_LIMIT)
    if isinstance(raw, str):
        raise error(f"{path}: cannot read {what}: {raw}")
    if len(raw) > CONFIG_LIMIT:
        raise error(f"{path}: cannot read {what}: larger than {CONFIG_LIMIT // 1024**2} MB")
    return raw


def _toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    raw = read_small(path, "config", ConfigError)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: invalid TOML: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None


def _check(path: Path, table: dict) -> dict[str, Any]:
    """Validate a config table and return it with Settings field names and tuple values."""
    from .messages import did_you_mean

    out: dict[str, Any] = {}
    for key, value in table.items():
        name = KEYS.get(key)
        if name is None:
            hint = did_you_mean(key.replace("_", "-"), KEYS)
            raise ConfigError(f"{path}: unknown key {key!r}" + (f"; did you mean {hint!r}?" if hint else ""))
        where = f"{path}: {key!r}"
        if name in _LISTS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} must be a list of strings")
            value = tuple(value)
        elif name == "severity":
            if not isinstance(value, dict) or any(v not in SEVERITIES for v in value.values()):
                raise ConfigError(f'{where} must be a table of rule = "error" | "warning" | "info"')
            value = tuple(value.items())
        elif name == "per_file_ignores":
            if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(isinstance(i, str) for i in v) for v in value.values()
            ):
                raise ConfigError(f"{where} must be a table of glob = [rules]")
            value = tuple((k, tuple(v)) for k, v in value.items())
        elif name == "fail_on":
            if value not in SEVERITIES:
                raise ConfigError(f"{where} must be one of error, warning, info; found {value!r}")
        elif name in ("cache", "fix", "unsafe_fixes"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
        elif name == "cache_dir":
            if not isinstance(value, str) or not value or os.path.isabs(value) or ".." in Path(value).parts:
                raise ConfigError(
                    f"{where} must be a directory path inside the config file's directory (relative, "
                    f"without `..`); found {value!r}"
                )
        elif name == "baseline":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where} must be a file path")
        elif name == "schedule_value_type":
            if value not in SCHEDULE_VALUE_TYPES:
                raise ConfigError(f"{where} must be one of {', '.join(SCHEDULE_VALUE_TYPES)}; found {value!r}")
        elif name == "max_file_size":
            value = _size(where, value)
        elif name == "placeholder":
            if not isinstance(value, str):
                raise ConfigError(f"{where} must be a regular expression string")
            from .compiler import pattern_error

            problem = pattern_error(value)
            if problem:
                raise ConfigError(f"{where} is {problem}: {value!r}")
        out[name] = value
    return out


def _size(where: str, value: Any) -> int:
    """A size in bytes from an integer or a string such as "10MB" or "512 KB" (1 KB = 1024 bytes)."""
    found = re.fullmatch(r"\s*([0-9]+)\s*([KMG]?)(?:I?B)?\s*", value.upper()) if isinstance(value, str) else None
    if found:
        value = int(found.group(1)) * _UNITS[found.group(2)]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LARGEST_FILE_SIZE:
        raise ConfigError(
            f"{where} must be a size in bytes from 1 to 1TB (an integer, or a string such as "
            f'"10MB" or "512KB"); found {value!r}'
        )
    return value


def check_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Settings given as keyword arguments (the Python API) or options (the CLI), by their Python names (``None``:
    not given), checked as the config file's keys are."""
    from .messages import did_you_mean

    names = {name: key for key, name in KEYS.items()}
    for name in overrides:
        if name not in names:
            hint = did_you_mean(name, names)
            raise ConfigError(f"unknown setting {name!r}" + (f"; did you mean {hint!r}?" if hint else ""))
    return _check("arguments", {names[k]: v for k, v in overrides.items() if v is not None})


def _claims(pyproject: Path) -> bool:
    """Whether a pyproject.toml is lflint's config: it has a ``tool.lflint`` table, or something lflint must
    report rather than pass over (a ``tool`` or ``tool.lflint`` that is not a table, a file that cannot be read,
    invalid TOML that mentions lflint)."""
    try:
        table = _toml(pyproject)
    except ConfigError:
        from .fileio import read_regular

        raw = read_regular(pyproject, CONFIG_LIMIT)
        return isinstance(raw, str) or len(raw) > CONFIG_LIMIT or b"lflint" in raw
    return "tool" in table and (not isinstance(table["tool"], dict) or "lflint" in table["tool"])


def find_config(start: Path) -> Path | None:
    """The nearest .lflint.toml (whatever it is: one that cannot be read is an error, not passed over), or
    pyproject.toml that ``_claims`` is lflint's, at or above ``start``."""
    for directory in (start, *start.parents):
        dedicated = directory / CONFIG_FILE
        if os.path.lexists(dedicated):
            return dedicated
        pyproject = directory / "pyproject.toml"
        if os.path.lexists(pyproject) and _claims(pyproject):
            return pyproject
    return None


_LOADED: dict[Path, tuple[tuple[int, int], Settings]] = {}  # config file -> (its mtime and size, its settings)


def load_config(path: Path) -> Settings:
    """The settings of a config file, read again when its mtime or size changes (a language server outlives
    edits)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    version = (stat.st_mtime_ns, stat.st_size)
    loaded = _LOADED.get(path)
    if loaded is None or loaded[0] != version:
        loaded = _LOADED[path] = (version, _read_config(path))
    return loaded[1]


def _read_config(path: Path) -> Settings:
    table = _toml(path)
    if path.name == "pyproject.toml":
        for key in ("tool", "lflint"):
            table = table.get(key, {})
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: `{'tool.lflint' if key == 'lflint' else key}` must be a table")
    values = _check(path, table)
    return Settings(root=str(path.parent), origin=tuple((k, str(path)) for k in values), **values)


def with_overrides(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """Command-line values win over the file's."""
    given = {k: v for k, v in overrides.items() if v not in (None, ())}
    if not given:
        return settings
    origin = dict(settings.origin) | {k: "command line" for k in given}
    return settings._replace(origin=tuple(origin.items()), **given)


def path_matches(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    """Whether ``path`` (or its file name) matches one of the globs, relative to ``root``."""
    if not patterns:
        return False
    if any(fnmatch.fnmatch(path.name, p) for p in patterns):
        return True
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(fnmatch.fnmatch(relative, p) for p in patterns)
