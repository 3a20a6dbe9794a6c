"""Writing export files safely.

Every command that writes a file (``--out``) goes through here, so that all of them:

- never write over the database in use (its file, -wal, -shm or -journal), compared by resolved
  path (symlinks followed) and by inode (hard links), whatever ``--force`` says;
- refuse an existing file unless ``force`` (``--force``); a device or a pipe (``/dev/stdout``,
  ``/dev/null``, a shell's ``>(...)``) is not a file to keep and is written directly;
- never leave half a file in place: a regular file is written next to the target under a temp
  name and renamed over it when complete (a failure leaves the old file, if any, untouched).

Refusals are bad usage (:class:`ConfigError`, exit 2); a file that cannot be written (no
permission, a full disk, a missing directory) is an :class:`OutputError` (exit 1).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO, cast

from newsdiff.errors import ConfigError, OutputError


def os_reason(exc: OSError) -> str:
    """An OSError's reason without its errno and path: ``No space left on device``."""
    return exc.strerror or str(exc)


def _same_file(a: Path, b: Path) -> bool:
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return a.resolve() == b.resolve()


def is_database_file(path: Path, database_url: str) -> bool:
    """Is ``path`` (or what it links to) one of the files of the database at ``database_url``?"""
    from newsdiff.store.db import database_files

    return any(_same_file(path, protected) for protected in database_files(database_url))


def check_target(out: Path, *, database_url: str, force: bool, option: str = "--out") -> Path:
    """The file to write for ``option OUT``, after the refusals (:class:`ConfigError`): the
    database in use; a directory; an existing regular file without ``force``. A symlink is
    followed: the file it names is the one replaced."""
    if is_database_file(out, database_url):
        raise ConfigError(f"{option} {out}: is the database in use; choose another file")
    target = out.resolve() if out.is_symlink() else out
    if target.is_dir():
        raise ConfigError(f"{option} {out}: is a directory; give a file name")
    if target.exists() and _is_regular(target) and not force:
        raise ConfigError(f"{option} {out}: already exists; give --force to replace it")
    return target


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def temp_path(target: Path) -> Path:
    """A new, empty file next to ``target`` (created here, so never someone else's) to write
    before renaming it over ``target``."""
    for n in range(1000):
        candidate = target.with_name(f".{target.name}.{os.getpid()}-{n}.partial")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {os_reason(exc)}") from exc
        os.close(fd)
        return candidate
    raise OutputError(f"cannot write {target}: no free temp name next to it")  # pragma: no cover


@contextmanager
def _replacing(target: Path, binary: bool) -> Iterator[IO[Any]]:
    mode = "wb" if binary else "w"
    options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    if target.exists() and not _is_regular(target):
        try:
            with open(target, mode, **options) as handle:
                yield handle
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {os_reason(exc)}") from exc
        return
    tmp = temp_path(target)
    try:
        with open(tmp, mode, **options) as handle:
            yield handle
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {os_reason(exc)}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def replacing(target: Path) -> Iterator[TextIO]:
    """Open ``target`` for writing UTF-8 text. A regular file (or a new one) is written under a
    temp name and renamed into place at the end of the block; a device or pipe is written
    directly. Any OSError becomes an :class:`OutputError` naming ``target``; an error in the
    block removes the temp file."""
    with _replacing(target, binary=False) as handle:
        yield cast(TextIO, handle)


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` the way :func:`replacing` writes text."""
    with _replacing(target, binary=True) as handle:
        handle.write(data)
