"""The Python API: ``lint_text``, ``fix_text`` and ``lint_paths``, each a thin shell around ``runner.Runner``.

Settings are keyword-only parameters named as the config keys are, with ``_`` for ``-``; they are checked as the
config file is (``config.check_overrides``), so a bad value or an unknown name is a ``ConfigError``. ``None``: the
config file's value (or the default).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from .config import ConfigError
from .diagnostic import Diagnostic
from .runner import Runner


def lint_text(
    text: str | bytes,
    filename: str = "<string>.yaml",
    *,
    config: str | os.PathLike | None = None,
    isolated: bool = False,
    select: Iterable[str] | str | None = None,
    extend_select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    severity: dict[str, str] | None = None,
    per_file_ignores: dict[str, list[str]] | None = None,
    include: Iterable[str] | str | None = None,
    exclude: Iterable[str] | str | None = None,
    fail_on: str | None = None,
    rule_paths: Iterable[str] | str | None = None,
    placeholder: str | None = None,
    cache: bool | None = None,
    cache_dir: str | None = None,
    max_file_size: int | str | None = None,
    baseline: str | None = None,
    fix: bool | None = None,
    unsafe_fixes: bool | None = None,
    fixable: Iterable[str] | str | None = None,
    unfixable: Iterable[str] | str | None = None,
    schedule_value_type: str | None = None,
    **unknown: Any,
) -> list[Diagnostic]:
    """Lint one job spec given as text; ``filename`` decides YAML or JSON (``.json``) and the config used. The
    findings cache is never used here, and the text is never changed (``fix_text`` applies fixes)."""
    overrides = {k: v for k, v in locals().items() if k not in ("text", "filename", "config", "isolated", "unknown")}
    return Runner(config, isolated, {**overrides, **unknown}, cache=False).lint_bytes(text, filename)


def fix_text(
    text: str,
    filename: str = "<string>.yaml",
    unsafe: bool = False,
    *,
    config: str | os.PathLike | None = None,
    isolated: bool = False,
    **settings: Any,
) -> tuple[str, list[Diagnostic]]:
    """``text`` with the fixes of its findings applied (safe ones; ``unsafe``: unsafe ones too), every other
    character as it was, and the findings that remain. Settings as for ``lint_text``."""
    runner = Runner(config, isolated, {**settings, "fix": True, "unsafe_fixes": unsafe}, cache=False)
    result = runner.fix_bytes(text, filename)
    return (text if result.text is None else result.text), list(result.diagnostics)


def lint_paths(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    config: str | os.PathLike | None = None,
    isolated: bool = False,
    jobs: int | None = 1,
    select: Iterable[str] | str | None = None,
    extend_select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    severity: dict[str, str] | None = None,
    per_file_ignores: dict[str, list[str]] | None = None,
    include: Iterable[str] | str | None = None,
    exclude: Iterable[str] | str | None = None,
    fail_on: str | None = None,
    rule_paths: Iterable[str] | str | None = None,
    placeholder: str | None = None,
    cache: bool | None = None,
    cache_dir: str | None = None,
    max_file_size: int | str | None = None,
    baseline: str | None = None,
    fix: bool | None = None,
    unsafe_fixes: bool | None = None,
    fixable: Iterable[str] | str | None = None,
    unfixable: Iterable[str] | str | None = None,
    schedule_value_type: str | None = None,
    **unknown: Any,
) -> list[Diagnostic]:
    """Lint files and directories (job specs found by the ``include`` globs) as ``lflint check`` does; ``jobs``:
    processes (``None``: every CPU for big sets). With ``fix`` (or the config's ``fix = true``) the files are
    fixed in place as ``check --fix`` fixes them, and the findings that remain are returned."""
    overrides = {k: v for k, v in locals().items() if k not in ("paths", "config", "isolated", "jobs", "unknown")}
    runner = Runner(config, isolated, {**overrides, **unknown})
    return [d for result in runner.run(paths, jobs) for d in result.diagnostics]


__all__ = ["ConfigError", "Diagnostic", "fix_text", "lint_paths", "lint_text"]
