"""Every file lflint reads or writes goes through here.

Reading: only regular files, never blocking (a FIFO), at most a limit (``read_regular``). Writing: so that a
reader never sees half of one, through a temporary file beside it and an atomic rename (``write_atomic``)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_regular(path: Path, limit: int, follow: bool = True) -> bytes | str:
    """The bytes of the regular file at ``path``, at most ``limit`` + 1 of them (so that a caller sees it is too
    large), or why it is not read (a string). Opening never blocks (a FIFO), the file opened is the one checked,
    and nothing but a regular file is read; ``follow=False`` refuses a link. An error while reading (EIO) is the
    reason, not an exception."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        try:
            mode = os.stat(path).st_mode if follow else os.lstat(path).st_mode
        except OSError:
            return f"cannot read file: {reason}"
        if stat.S_ISDIR(mode):
            return f"cannot read directory: {reason}"
        if stat.S_ISLNK(mode):
            return "a link, which is not followed here"
        return _not_regular(mode) or f"cannot read file: {reason}"
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            return "cannot read file: is a directory"
        return _not_regular(status.st_mode) or _read_at_most(fd, limit + 1, status.st_size)
    except OSError as exc:  # e.g. /proc/self/mem: EIO
        return f"cannot read file: {(exc.strerror or str(exc)).lower()}"
    finally:
        os.close(fd)


def _read_at_most(fd: int, size: int, expected: int) -> bytes:
    """Up to ``size`` bytes of ``fd``, whose file says it holds ``expected``: one read of ``expected`` + 1 bytes
    (one allocation: reading in pieces and joining them held the file twice), then, for a file that grew or has
    no size (``/proc``), pieces of 64 KB (a read allocates its whole piece first, even at the end of the file).
    Never one read of ``size`` bytes, which would first allocate them all: a MemoryError for a small file under
    a large limit (a ``max-file-size`` of 1 TB)."""
    chunks = []
    want = min(expected + 1, 1 << 28)
    while size > 0 and (chunk := os.read(fd, min(size, max(want, 1 << 16)))):
        chunks.append(chunk)
        size -= len(chunk)
        want = 0
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"not a regular file ({kind}); only regular files are read"


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """``path`` holds ``text`` or its old content, never half; made as ``open`` would make it (mode 0666 less the
    umask; ``mode``: these permission bits, an edited file's own), through a new temporary file (O_EXCL: never a
    link followed) and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temporary = path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        if mode is not None:
            os.chmod(fd, mode & 0o7777)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
