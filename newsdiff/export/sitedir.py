"""The directory ``newsdiff export html`` writes: only a new or empty one, or one it wrote before.

A directory the exporter makes its own holds a marker file, :data:`MARKER` (``.newsdiff-site``),
that lists every file written there, one site path a line. Exporting again:

1. reads the list of the earlier export (no marker in a non-empty directory: refused, exit 2);
2. appends each file to the marker as it is written (line-buffered), so that an export stopped
   halfway still knows everything it put there;
3. at the end removes the files of the earlier list that this export did not write (pages of
   articles or stories no longer in the site), and the directories that leaves empty, then
   rewrites the marker with exactly this export's files.

Only files named in the marker are ever removed, and only inside the directory: a file someone
else put there, or a listed path that leads outside (``..``, a symlinked directory), is left
alone. Each page is written under a temp name and renamed into place, so that a site being
served never shows half a page and a symlink planted at a page's path is replaced, not followed.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path
from typing import IO

from newsdiff.errors import ConfigError, OutputError
from newsdiff.export.files import os_reason, temp_path

logger = logging.getLogger(__name__)

MARKER = ".newsdiff-site"
_HEADER = (
    "# Written by `newsdiff export html`: the files it wrote in this directory, one a line.\n"
    "# An export removes those of them no longer part of the site; it never touches others.\n"
)


def check_site_dir(out: Path, *, database_url: str | None = None) -> None:
    """Refuse (:class:`ConfigError`, naming ``--out``) a directory the site cannot go in: a
    file; a non-empty directory without :data:`MARKER`; one holding the database in use."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: not a directory")
    if not out.is_dir():
        return
    if database_url is not None:
        from newsdiff.store.db import database_files

        root = out.resolve()
        for path in database_files(database_url):
            if path.is_relative_to(root):
                raise ConfigError(
                    f"--out {out}: holds the database in use ({path.name}); choose another "
                    "directory"
                )
    if (out / MARKER).is_symlink():
        raise ConfigError(f"--out {out}: its {MARKER} is a symlink; refusing to follow it")
    if (out / MARKER).is_file():
        return
    try:
        empty = not any(out.iterdir())
    except OSError as exc:
        raise OutputError(f"cannot read {out}: {os_reason(exc)}") from exc
    if not empty:
        raise ConfigError(
            f"--out {out}: directory not empty and not written by `newsdiff export html` (no "
            f"{MARKER} file in it); give a new or empty directory"
        )


def read_marker(out: Path) -> list[str]:
    """The site paths listed in ``out``'s marker (none when it has no marker)."""
    try:
        text = (out / MARKER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read {out / MARKER}: {exc}") from exc
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def _safe_relative(path: str) -> bool:
    """A listed path that stays inside the directory: relative, no ``..``, no empty part."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    parts = path.split("/")
    return all(part not in ("", ".", "..") for part in parts)


class SiteDir:
    """The output directory of one export: :meth:`write` each file, then :meth:`finish`."""

    def __init__(self, out: Path, *, database_url: str | None = None) -> None:
        check_site_dir(out, database_url=database_url)
        self.out = out
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {out}: {os_reason(exc)}") from exc
        self.earlier = set(read_marker(out))
        self.written: set[str] = set()
        self._marker: IO[str] | None = None
        try:
            self._marker = open(out / MARKER, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            if (out / MARKER).stat().st_size == 0:
                self._marker.write(_HEADER)
        except OSError as exc:
            self.close()
            raise OutputError(f"cannot write {out / MARKER}: {os_reason(exc)}") from exc

    def write(self, path: str, data: bytes) -> None:
        """Write site path ``path`` (``articles/3/v2.html``) under a temp name, then rename it."""
        target = self.out / path
        try:
            if path not in self.written and path not in self.earlier and self._marker:
                self._marker.write(path + "\n")
            self.written.add(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = temp_path(target)
            try:
                tmp.write_bytes(data)
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {os_reason(exc)}") from exc

    def finish(self) -> int:
        """Remove the earlier export's files this one did not write; rewrite the marker with
        this export's files. Returns how many files were removed."""
        removed = 0
        root = self.out.resolve()
        for path in sorted(self.earlier - self.written):
            if not _safe_relative(path):
                logger.warning("%s: not removing %r: not a path inside the site", MARKER, path)
                continue
            target = self.out / path
            try:
                if not target.parent.resolve().is_relative_to(root):
                    continue
                if target.is_symlink() or target.is_file():
                    target.unlink()
                    removed += 1
                    self._prune(posixpath.dirname(path))
            except OSError as exc:
                raise OutputError(f"cannot remove {target}: {os_reason(exc)}") from exc
        self.close()
        listing = _HEADER + "".join(f"{p}\n" for p in sorted(self.written))
        tmp = temp_path(self.out / MARKER)
        try:
            tmp.write_text(listing, encoding="utf-8")
            os.replace(tmp, self.out / MARKER)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write {self.out / MARKER}: {os_reason(exc)}") from exc
        return removed

    def _prune(self, directory: str) -> None:
        """Remove ``directory`` and its parents inside the site while they are empty."""
        while directory:
            try:
                (self.out / directory).rmdir()
            except OSError:
                return
            directory = posixpath.dirname(directory)

    def close(self) -> None:
        if self._marker is not None:
            try:
                self._marker.close()
            except OSError:
                pass
            self._marker = None
