"""Raw captures: the HTTP response behind each new version, kept as a WARC record.

Two forms, told apart by the day file's suffix (a version's ``CaptureRef`` names the file):

- compact (the default, ``[captures] compact = true``): ``newsdiff-YYYY-MM-DD.ndcap``, each
  record a zstd frame compressed against an earlier record of the same article or host
  (:mod:`newsdiff.collect.capstore` says how, and how it is checked);
  ``newsdiff captures export`` writes them out as plain ``.warc.gz``;
- plain: what follows, and what every capture was before the compact form.

Plain captures go to one gzip'd WARC/1.1 file per UTC day,
``<captures dir>/newsdiff-YYYY-MM-DD.warc.gz`` (a ``warcinfo`` record opens each file). Each
record is its own gzip member, so the offset stored on a version points at a member that any
WARC reader can start at, and the files open in standard web-archive tools (pywb,
ReplayWeb.page, ``warcio index``). Several processes may append to the
same file: each append holds an exclusive ``flock`` and is one ``write`` of the whole record.

The fetcher keeps the body decoded (httpx undoes gzip and chunking), so the stored response drops
``Content-Encoding`` and ``Transfer-Encoding`` and carries the decoded body's ``Content-Length``:
replay tools then read exactly the bytes newsdiff extracted from.

Either form holds the same WARC records, byte for byte once uncompressed.

A record is written before the transaction that stores the version (no file I/O while the
database is locked); if that transaction then makes no version (another process stored the same
text first), the record stays in the file unreferenced, a valid capture all the same.
"""

from __future__ import annotations

import fcntl
import functools
import io
import logging
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import make_url
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from newsdiff import __version__
from newsdiff.collect import capstore
from newsdiff.collect.capstore import CaptureRef as CaptureRef  # the readers import it from here
from newsdiff.collect.http import charset_of
from newsdiff.config import Settings, data_dir
from newsdiff.errors import NotFound, StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

FILE_PREFIX = "newsdiff-"
FILE_SUFFIX = ".warc.gz"
COMPACT_SUFFIX = capstore.SUFFIX
# Headers that describe the bytes on the wire, which a capture of the decoded body must not carry
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
# ~0.7 ms per 100 KB page, files 12% bigger than at level 6 (1.4 ms): a poll's CPU is scarcer
_GZIP_LEVEL = 3


@dataclass(frozen=True)
class Capture:
    """A stored HTTP response (headers with lower-case names, as the fetcher gives them)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    captured_at: datetime | None

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type", ""))


def captures_path(settings: Settings) -> Path:
    """Where captures are kept: ``[captures] dir``; by default ``captures/`` next to a SQLite
    database, else in the data dir (whether or not new captures are being made)."""
    if settings.captures.dir:
        return Path(settings.captures.dir).expanduser()
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().parent / "captures"
    return data_dir() / "captures"


def capture_dir(settings: Settings) -> Path | None:
    """Where new captures go, or ``None`` when ``[captures] enabled = false``."""
    return captures_path(settings) if settings.captures.enabled else None


def capture_file_name(captured_at: datetime, *, compact: bool = False) -> str:
    """The day file a capture taken at ``captured_at`` goes to (the UTC day)."""
    suffix = COMPACT_SUFFIX if compact else FILE_SUFFIX
    return f"{FILE_PREFIX}{captured_at.astimezone(UTC):%Y-%m-%d}{suffix}"


def _warc_date(when: datetime) -> str:
    return str(datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True))


def _header_name(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member (how a ``.warc.gz`` holds each record)."""
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


def _writer() -> WARCWriter:
    # uncompressed into memory: each record is gzip'd on its own by _serialise
    return WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")


def _serialise(writer: WARCWriter, record: object) -> bytes:
    """The record's uncompressed bytes."""
    out: io.BytesIO = writer.out
    out.seek(0)
    out.truncate()
    writer.write_record(record)
    return out.getvalue()


def _response_records(
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    captured_at: datetime,
    request_headers: Mapping[str, str] | None,
) -> tuple[bytes, bytes]:
    """The response record, and the request record (empty without ``request_headers``),
    uncompressed."""
    writer = _writer()
    date = _warc_date(captured_at)
    kept = [(_header_name(k), v) for k, v in headers.items() if k.lower() not in _WIRE_HEADERS]
    kept.append(("Content-Length", str(len(body))))
    http_headers = StatusAndHeaders(_status_line(status), kept, protocol="HTTP/1.1")
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date},
    )
    response_bytes = _serialise(writer, response)
    if request_headers is None:
        return response_bytes, b""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_http = StatusAndHeaders(
        f"GET {target} HTTP/1.1",
        [("Host", parts.netloc), *((_header_name(k), v) for k, v in request_headers.items())],
        is_http_request=True,
    )
    request = writer.create_warc_record(
        url,
        "request",
        http_headers=request_http,
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    return response_bytes, _serialise(writer, request)


def warcinfo_record(file_name: str) -> bytes:
    """The gzip'd ``warcinfo`` record that opens a ``.warc.gz`` file named ``file_name``."""
    writer = _writer()
    info = {
        "software": f"newsdiff/{__version__} (warcio)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "HTTP responses that newsdiff stored as new article versions",
    }
    return gzip_member(_serialise(writer, writer.create_warcinfo_record(file_name, info)))


def write_capture(
    directory: Path,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    captured_at: datetime,
    *,
    request_headers: Mapping[str, str] | None = None,
    compact: bool = False,
    previous: CaptureRef | None = None,
) -> CaptureRef:
    """Append a ``response`` record (and, with ``request_headers``, the ``request`` that got
    it) to the day's file in ``directory`` and say where the response record is.

    ``body`` is the decoded body; ``headers`` the response headers (wire encodings dropped
    here). Plain ``.warc.gz`` unless ``compact``; then ``previous`` is the latest capture of
    the same article if there is one (the base it is best compressed against; any form, any
    state: a base that cannot be used is passed over). Safe with concurrent writers in other
    processes. Raises :class:`StoreError` when the file cannot be written."""
    response, request = _response_records(url, status, headers, body, captured_at, request_headers)
    name = capture_file_name(captured_at, compact=compact)
    path = directory / name
    if compact:
        parts = urlsplit(url)  # a site is its host and port (the demo's sites share a host)
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        try:
            return capstore.append_capture(
                directory, name, host, response + request, len(response), previous=previous
            )
        except OSError as exc:
            raise StoreError(f"cannot write capture to {path}: {exc}") from exc
    response, request = gzip_member(response), gzip_member(request) if request else b""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                offset = f.seek(0, os.SEEK_END)
                prefix = warcinfo_record(name) if offset == 0 else b""
                f.write(prefix + response + request)
                f.flush()
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError as exc:
        raise StoreError(f"cannot write capture to {path}: {exc}") from exc
    return CaptureRef(name, offset + len(prefix), len(response))


def _labelled(label: str | None, exc: StoreError) -> StoreError:
    """``exc`` with ``label`` (for example ``version 12``) in front of its message."""
    if label is None:
        return exc
    return type(exc)(f"{label}: {exc}")


def read_capture(directory: Path, ref: CaptureRef, *, label: str | None = None) -> Capture:
    """The response stored at ``ref``, in either form, checked (the compact form's SHA-256,
    the gzip member's CRC). Raises :class:`NotFound` when the file is gone and
    :class:`StoreError` when the record is damaged or not a WARC response: one line naming the
    file and offset, after ``label`` (say, ``version 12``) when given."""
    try:
        return _first_response(*record_bytes(directory, ref))
    except StoreError as exc:
        raise _labelled(label, exc) from exc


def verify_capture(
    directory: Path,
    ref: CaptureRef,
    *,
    label: str | None = None,
    checked: capstore.CheckedBases | None = None,
) -> None:
    """Check the record at ``ref`` as a reader would, and more: a compact record's chain of
    bases and every SHA-256; a plain record's gzip CRC and WARC digests. Raises as
    :func:`read_capture` does. Over a whole archive, pass one ``checked`` (a
    :class:`~newsdiff.collect.capstore.CheckedBases`) to every call: each base is then read and
    checked once in the pass rather than once for every record built on it."""
    try:
        data, at = record_bytes(directory, ref, checked=checked)
        if not capstore.is_compact(ref.file):
            _check_gzip(data, at)
        _first_response(data, at, check_digests=True)
    except StoreError as exc:
        raise _labelled(label, exc) from exc


def _check_gzip(data: bytes, where: str) -> None:
    """A plain record's gzip member read to its end, CRC-32 and length checked: a damaged
    member can still give warcio a response that looks whole (1 in 100 random damages)."""
    reader = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        while data:
            reader.decompress(data, 1 << 20)
            data = reader.unconsumed_tail
        reader.flush()
    except zlib.error as exc:
        raise StoreError(f"capture at {where} is damaged (gzip: {exc})") from None
    if not reader.eof:
        raise StoreError(f"capture at {where} is cut short (gzip member not ended)")


def record_bytes(
    directory: Path, ref: CaptureRef, *, checked: capstore.CheckedBases | None = None
) -> tuple[bytes, str]:
    """The record at ``ref`` as a WARC reader takes it (a gzip member, or the compact form's
    uncompressed records), and where it is (``path:offset``) for messages."""
    if capstore.is_compact(ref.file):
        raw, _ = capstore.load_record(directory, ref, checked=checked)
        return raw, capstore.where(directory, ref)
    path = capstore.record_path(directory, ref.file)
    try:
        with open(path, "rb") as f:
            f.seek(ref.offset)
            data = f.read(ref.length)
    except FileNotFoundError:
        raise NotFound(f"capture file {path} is missing") from None
    except OSError as exc:
        raise StoreError(f"cannot read capture file {path}: {exc}") from exc
    if len(data) != ref.length:
        raise StoreError(f"capture at {path}:{ref.offset} is cut short")
    return data, f"{path}:{ref.offset}"


def _first_response(data: bytes, where: str, *, check_digests: bool = False) -> Capture:
    try:
        iterator = ArchiveIterator(
            io.BytesIO(data), check_digests="raise" if check_digests else False
        )
        for record in iterator:
            if record.rec_type != "response":
                continue
            http = record.http_headers
            return Capture(
                url=str(record.rec_headers.get_header("WARC-Target-URI")),
                status=int(http.get_statuscode()) if http else 0,
                headers={k.lower(): v for k, v in http.headers} if http else {},
                body=bytes(record.content_stream().read()),
                captured_at=_parse_date(record.rec_headers.get_header("WARC-Date")),
            )
    except (ArchiveLoadFailed, ValueError, EOFError, zlib.error) as exc:
        raise StoreError(f"capture at {where} is not a readable WARC record: {exc}") from exc
    raise StoreError(f"no WARC response record at {where}")


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def latest_capture(session: Session, article_id: int) -> CaptureRef | None:
    """The capture of the article's latest version that has one: what a new compact capture of
    the article is best compressed against."""
    row = session.execute(_latest_capture_query(), {"article_id": article_id}).first()
    if row is None or row.warc_offset is None:
        return None
    return CaptureRef(str(row.warc_file), int(row.warc_offset), int(row.warc_length or 0))


@functools.cache
def _latest_capture_query() -> Select[tuple[str | None, int | None, int | None]]:
    # built once, a Core query of the table: on the path of every capture, a third of the time
    # of building an ORM query each time (0.08 ms against 0.2 ms with its read transaction)
    from newsdiff.store.models import Version

    versions = Version.__table__.c
    return (
        select(versions.warc_file, versions.warc_offset, versions.warc_length)
        .where(versions.article_id == bindparam("article_id"), versions.warc_file.is_not(None))
        .order_by(versions.number.desc())
        .limit(1)
    )
