"""Repository-relative paths: what every machine-readable report and the baseline name a file by, so that a run
from a subdirectory (or from outside the repository) still points at the right file."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def git_root(directory: Path) -> Path | None:
    """The top level of the git work tree holding ``directory`` (absolute): the nearest directory with a
    ``.git`` entry (a directory, or a file in a worktree or submodule); None outside one."""
    for candidate in (directory, *directory.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def repository_root(start: Path, config_root: str | os.PathLike = ".") -> Path:
    """The root that paths are relative to: the git top level above ``start``, else the directory of the config
    file (``config_root``, ``Settings.root``; "." with no config file: the working directory)."""
    return git_root(Path(os.path.abspath(start))) or Path(os.path.abspath(config_root))


def relative_path(file: str, root: Path) -> str:
    """``file`` relative to ``root`` with forward slashes; a file outside ``root`` (or stdin) as given."""
    if file in ("-", "<string>"):
        return file
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return Path(file).as_posix()
    return Path(file).as_posix() if relative.startswith("..") else Path(relative).as_posix()


class GitError(Exception):
    """git could not answer: not a repository, an unknown revision, no git."""


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """The files (absolute) that differ from the revision ``ref`` in the work tree holding ``cwd``: committed
    since, staged or not; deleted ones left out."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise GitError("git did not answer within 120 s") from None
        if done.returncode:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            raise GitError(lines[0].removeprefix("fatal: ") if lines else f"git {args[0]} failed")
        return done.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    if ref.startswith("-"):
        raise GitError(f"not a revision: {ref!r}")
    names = git("diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", ref, "--")
    return {Path(os.path.abspath(top / name)) for name in names.split("\0") if name}
