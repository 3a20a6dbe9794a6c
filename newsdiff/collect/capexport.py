"""``newsdiff captures export``: the raw captures as plain ``.warc.gz``, for other tools.

Whatever form the captures are stored in (see :mod:`newsdiff.collect.warc`), the export is
standard WARC/1.1: one gzip member per record, a ``warcinfo`` record first, each ``response``
followed by the ``request`` that got it when that was kept. Every record is checked as it is
read (the compact form's SHA-256, the plain form's gzip CRC); a damaged one is left out and
named in the report, and the export goes on.

What is exported: every record in the captures dir's day files (including records that no
version references: a capture written by a poll whose text another process stored first), or,
with an article, the captures of that article's versions. ``since`` keeps day files (or
versions) of that day or later. The output is a directory (one ``newsdiff-YYYY-MM-DD.warc.gz``
per day of capture) or, when its name ends in ``.warc.gz``, one file. Files are written beside
their final name and renamed into place, so an interrupted export leaves no half file.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdiff.collect import capstore
from newsdiff.collect.capstore import CaptureRef
from newsdiff.collect.warc import (
    FILE_PREFIX,
    FILE_SUFFIX,
    gzip_member,
    record_bytes,
    warcinfo_record,
)
from newsdiff.errors import ConfigError, OutputError, StoreError
from newsdiff.store.db import Database

Progress = Callable[[str, int, int], None]

_DAY_FILE = re.compile(r"^newsdiff-(\d{4}-\d{2}-\d{2})(\.warc\.gz|\.ndcap)$")


@dataclass
class ExportReport:
    records: int = 0  # responses written
    requests: int = 0
    files: list[Path] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # one line each

    def line(self) -> str:
        text = (
            f"exported {_count(self.records, 'capture')} "
            f"({self.requests} with {'its request' if self.requests == 1 else 'their requests'}) "
            f"to {_count(len(self.files), 'file')}"
        )
        if self.damaged:
            text += f"; {len(self.damaged)} damaged, left out"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def export_captures(
    directory: Path,
    out: Path,
    *,
    database: Database | None = None,
    article_id: int | None = None,
    since: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the captures in ``directory`` to ``out`` as plain WARC (see the module docstring);
    ``article_id`` (which needs ``database``): only that article's versions' captures.

    Raises :class:`ConfigError` when ``out`` is the captures dir or an output file exists
    (without ``force``), :class:`OutputError` when it cannot be written."""
    single = out.name.endswith(FILE_SUFFIX)
    target_dir = out.parent if single else out
    if target_dir.resolve() == directory.resolve():
        raise ConfigError(f"{out} is the captures dir: export to another directory")
    report = ExportReport()
    with _Output(out, single, force, report) as output:
        if article_id is not None:
            if database is None:
                raise ConfigError("--article needs the database")
            _export_article(directory, database, article_id, since, output, report, progress)
        else:
            _export_files(directory, since, output, report, progress)
    return report


# -- what is read --------------------------------------------------------------------------------


def day_files(directory: Path, since: date | None = None) -> list[tuple[date, str]]:
    """The day files of the captures dir (either form), oldest first."""
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(directory):
            match = _DAY_FILE.match(entry.name)
            if match is None:
                continue
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(match.group(1))
                if since is None or day >= since:
                    found.append((day, entry.name))
    return sorted(found)


def _export_files(
    directory: Path,
    since: date | None,
    output: _Output,
    report: ExportReport,
    progress: Progress | None,
) -> None:
    files = day_files(directory, since)
    checked = capstore.CheckedBases()  # each base read and checked once in the export
    for done, (day, name) in enumerate(files):
        if progress:
            progress("files", done, len(files))
        if capstore.is_compact(name):
            records = _compact_records(directory, name, report, checked)
        else:
            records = _plain_records(directory / name, report)
        for response, request in records:
            output.write(day, response, request)
    if progress:
        progress("files", len(files), len(files))


def _compact_records(
    directory: Path, name: str, report: ExportReport, checked: capstore.CheckedBases
) -> Iterator[tuple[bytes, bytes]]:
    for ref, head in capstore.scan_file(directory, name):
        if isinstance(head, StoreError):
            report.damaged.append(str(head))
            continue
        try:
            raw, head = capstore.load_record(directory, ref, checked=checked)
        except StoreError as exc:
            report.damaged.append(str(exc))
            continue
        yield raw[: head.response_length], raw[head.response_length :]


def _plain_records(path: Path, report: ExportReport) -> Iterator[tuple[bytes, bytes]]:
    """The records of a ``.warc.gz`` day file, uncompressed, its warcinfo left out (the export
    writes its own); requests follow their responses."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        report.damaged.append(f"cannot read capture file {path}: {exc}")
        return
    offset = 0
    pending: bytes | None = None
    while offset < len(data):
        try:
            raw, offset = _gunzip_member(data, offset)
        except zlib.error as exc:
            report.damaged.append(
                f"capture at {path}:{offset} is not a readable gzip member: {exc}"
            )
            break  # a plain file has no way to find the next member
        kind = _record_type(raw)
        if kind == "response":
            if pending is not None:
                yield pending, b""
            pending = raw
        elif kind == "request" and pending is not None:
            yield pending, raw
            pending = None
    if pending is not None:
        yield pending, b""


def _gunzip_member(data: bytes, offset: int, chunk: int = 1 << 16) -> tuple[bytes, int]:
    """The gzip member of ``data`` at ``offset``, uncompressed, and where the next one starts
    (fed in chunks: slicing the rest of the file each time would be quadratic)."""
    view = memoryview(data)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts = []
    position = offset
    while not decompressor.eof:
        if position >= len(data):
            raise zlib.error("member cut short")
        piece = view[position : position + chunk]
        parts.append(decompressor.decompress(piece))
        position += len(piece)
    return b"".join(parts), position - len(decompressor.unused_data)


def _record_type(raw: bytes) -> str | None:
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"warc-type":
            return value.strip().decode("ascii", "replace")
    return None


def _export_article(
    directory: Path,
    database: Database,
    article_id: int,
    since: date | None,
    output: _Output,
    report: ExportReport,
    progress: Progress | None,
) -> None:
    from newsdiff.store.models import Article, Version

    with database.read() as session:
        if session.get(Article, article_id) is None:
            from newsdiff.errors import NotFound

            raise NotFound(f"no article with id {article_id}")
        query = (
            select(Version.number, Version.warc_file, Version.warc_offset, Version.warc_length)
            .where(Version.article_id == article_id, Version.warc_file.is_not(None))
            .order_by(Version.number)
        )
        if since is not None:
            query = query.where(Version.captured_at >= datetime(*since.timetuple()[:3], tzinfo=UTC))
        rows = list(session.execute(query))
    checked = capstore.CheckedBases()
    for done, row in enumerate(rows):
        if progress:
            progress("versions", done, len(rows))
        ref = CaptureRef(str(row.warc_file), int(row.warc_offset), int(row.warc_length or 0))
        label = f"article {article_id} v{row.number}"
        try:
            response, request = _record_pair(directory, ref, checked)
        except StoreError as exc:
            report.damaged.append(f"{label}: {exc}")
            continue
        day = _day_of(ref.file)
        output.write(day, response, request)
    if progress:
        progress("versions", len(rows), len(rows))


def _record_pair(
    directory: Path, ref: CaptureRef, checked: capstore.CheckedBases
) -> tuple[bytes, bytes]:
    """The response at ``ref`` and the request kept with it (if any), uncompressed."""
    if capstore.is_compact(ref.file):
        raw, head = capstore.load_record(directory, ref, checked=checked)
        return raw[: head.response_length], raw[head.response_length :]
    member, at = record_bytes(directory, ref)
    try:
        response = zlib.decompress(member, zlib.MAX_WBITS | 16)
        for record in ArchiveIterator(io.BytesIO(response)):
            record.content_stream().read()  # the gzip CRC and the record are whole
    except (zlib.error, ArchiveLoadFailed, ValueError) as exc:
        raise StoreError(f"capture at {at} is not a readable WARC record: {exc}") from exc
    if _record_type(response) != "response":
        raise StoreError(f"no WARC response record at {at}")
    return response, _following_request(directory, ref)


def _following_request(directory: Path, ref: CaptureRef) -> bytes:
    """The request record right after a plain response member, when there is one."""
    path = directory / ref.file
    try:
        with open(path, "rb") as f:
            f.seek(ref.offset + ref.length)
            data = f.read(64 * 1024)
        raw, _ = _gunzip_member(data, 0)
    except (OSError, zlib.error):
        return b""
    return raw if _record_type(raw) == "request" else b""


def _day_of(file: str) -> date:
    match = _DAY_FILE.match(file)
    if match is not None:
        with contextlib.suppress(ValueError):
            return date.fromisoformat(match.group(1))
    return date(1970, 1, 1)


# -- what is written -----------------------------------------------------------------------------


class _Output:
    """The export's files: one per day in a directory, or one file; each opened on its first
    record with a warcinfo record, written under a temporary name and renamed at the end."""

    def __init__(self, out: Path, single: bool, force: bool, report: ExportReport) -> None:
        self._out, self._single, self._force, self._report = out, single, force, report
        self._open: dict[str, tuple[Path, Path, BinaryIO]] = {}

    def __enter__(self) -> _Output:
        try:
            (self._out.parent if self._single else self._out).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {self._out}: {exc}") from exc
        return self

    def _file(self, day: date) -> BinaryIO:
        name = self._out.name if self._single else f"{FILE_PREFIX}{day.isoformat()}{FILE_SUFFIX}"
        if name not in self._open:
            final = self._out if self._single else self._out / name
            if final.exists() and not self._force:
                raise ConfigError(f"{final} exists (--force to overwrite it)")
            temporary = final.with_name(f".{final.name}.partial")
            try:
                f: BinaryIO = open(temporary, "wb")  # noqa: SIM115 (closed in __exit__)
                f.write(warcinfo_record(final.name))
            except OSError as exc:
                raise OutputError(f"cannot write {temporary}: {exc}") from exc
            self._open[name] = (temporary, final, f)
        return self._open[name][2]

    def write(self, day: date, response: bytes, request: bytes) -> None:
        f = self._file(day)
        try:
            f.write(gzip_member(response))
            if request:
                f.write(gzip_member(request))
        except OSError as exc:
            raise OutputError(f"cannot write the export: {exc}") from exc
        self._report.records += 1
        self._report.requests += bool(request)

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        for temporary, final, f in self._open.values():
            f.close()
            if error is None:
                try:
                    os.replace(temporary, final)
                except OSError as exc:
                    raise OutputError(f"cannot write {final}: {exc}") from exc
                self._report.files.append(final)
            else:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        self._report.files.sort()
