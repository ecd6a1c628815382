"""Settings: defaults, then ``[tool.lflint]`` in pyproject.toml or ``.lflint.toml``, then the command line."""

from __future__ import annotations

import fnmatch
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostic import SEVERITIES

CONFIG_FILE = ".lflint.toml"
DEFAULT_INCLUDE = ("*.lfjob.yaml", "*.lfjob.yml", "*.lfjob.json")
DEFAULT_EXCLUDE = (".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox", "build", "dist")


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
    placeholder: str = r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"
    cache: bool = False
    cache_dir: str = ".lflint_cache"
    root: str = "."  # directory that relative globs and rule paths start from
    origin: tuple[tuple[str, str], ...] = ()  # key -> where its value came from

    def source_of(self, key: str) -> str:
        return dict(self.origin).get(key, "default")


KEYS = {name.replace("_", "-"): name for name in Settings._fields if name not in ("root", "origin")}
_LISTS = {"select", "extend_select", "ignore", "include", "exclude", "rule_paths"}


def _toml(path: Path) -> dict:
    try:
        import tomllib  # noqa: PLC0415
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # noqa: PLC0415
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _check(path: Path, table: dict) -> dict[str, Any]:
    """Validate a config table and return it with Settings field names and tuple values."""
    from .engine import did_you_mean  # noqa: PLC0415

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
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} must be a list of strings")
            value = tuple(value)
        elif name == "severity":
            if not isinstance(value, dict) or any(v not in SEVERITIES for v in value.values()):
                raise ConfigError(f"{where} must be a table of rule = \"error\" | \"warning\" | \"info\"")
            value = tuple(value.items())
        elif name == "per_file_ignores":
            if not isinstance(value, dict) or not all(
                    isinstance(v, list) and all(isinstance(i, str) for i in v) for v in value.values()):
                raise ConfigError(f"{where} must be a table of glob = [rules]")
            value = tuple((k, tuple(v)) for k, v in value.items())
        elif name == "fail_on":
            if value not in SEVERITIES:
                raise ConfigError(f"{where} must be one of error, warning, info; found {value!r}")
        elif name == "cache":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
        elif name == "cache_dir":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where} must be a directory path")
        elif name == "placeholder":
            if not isinstance(value, str):
                raise ConfigError(f"{where} must be a regular expression string")
            try:
                re.compile(value)
            except re.error as exc:
                raise ConfigError(f"{where} is not a valid regular expression: {exc}") from None
        out[name] = value
    return out


def find_config(start: Path) -> Path | None:
    """The nearest .lflint.toml, or pyproject.toml with a [tool.lflint] table, at or above ``start``."""
    for directory in (start, *start.parents):
        dedicated = directory / CONFIG_FILE
        if dedicated.is_file():
            return dedicated
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and b"[tool.lflint" in pyproject.read_bytes():
            return pyproject
    return None


def load_config(path: Path) -> Settings:
    """The settings of a config file, re-read when the file changes (a language server outlives edits)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    return _load_config(path, stat.st_mtime_ns, stat.st_size)


@cache
def _load_config(path: Path, mtime: int, size: int) -> Settings:
    table = _toml(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("lflint", {})
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
