"""Raw captures: the HTTP response behind each new version, kept as a WARC record.

Captures go to one gzip'd WARC/1.1 file per UTC day, ``<captures dir>/newsdiff-YYYY-MM-DD.warc.gz``
(a ``warcinfo`` record opens each file). Each record is its own gzip member, so the offset stored on
a version points at a member that any WARC reader can start at, and the files open in standard
web-archive tools (pywb, ReplayWeb.page, ``warcio index``). Several processes may append to the
same file: each append holds an exclusive ``flock`` and is one ``write`` of the whole record.

The fetcher keeps the body decoded (httpx undoes gzip and chunking), so the stored response drops
``Content-Encoding`` and ``Transfer-Encoding`` and carries the decoded body's ``Content-Length``:
replay tools then read exactly the bytes newsdiff extracted from.

A record is written before the transaction that stores the version (no file I/O while the
database is locked); if that transaction then makes no version (another process stored the same
text first), the record stays in the file unreferenced, a valid capture all the same.
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from newsdiff import __version__
from newsdiff.collect.http import charset_of
from newsdiff.config import Settings, data_dir
from newsdiff.errors import NotFound, StoreError

logger = logging.getLogger(__name__)

FILE_PREFIX = "newsdiff-"
FILE_SUFFIX = ".warc.gz"
# Headers that describe the bytes on the wire, which a capture of the decoded body must not carry
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
# ~0.7 ms per 100 KB page, files 12% bigger than at level 6 (1.4 ms): a poll's CPU is scarcer
_GZIP_LEVEL = 3


@dataclass(frozen=True)
class CaptureRef:
    """Where a capture is: a file name inside the captures dir, and its record's byte range."""

    file: str
    offset: int
    length: int


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


def capture_file_name(captured_at: datetime) -> str:
    """The day file a capture taken at ``captured_at`` goes to (the UTC day)."""
    return f"{FILE_PREFIX}{captured_at.astimezone(UTC):%Y-%m-%d}{FILE_SUFFIX}"


def _warc_date(when: datetime) -> str:
    return str(datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True))


def _header_name(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


def _writer() -> WARCWriter:
    # uncompressed into memory: each record is gzip'd on its own by _serialise
    return WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")


def _serialise(writer: WARCWriter, record: object) -> bytes:
    out: io.BytesIO = writer.out
    out.seek(0)
    out.truncate()
    writer.write_record(record)
    return _gzip(out.getvalue())


def _response_records(
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    captured_at: datetime,
    request_headers: Mapping[str, str] | None,
) -> tuple[bytes, bytes]:
    """The gzip'd response record, and the gzip'd request record (empty without
    ``request_headers``)."""
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


def _warcinfo(file_name: str) -> bytes:
    writer = _writer()
    info = {
        "software": f"newsdiff/{__version__} (warcio)",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "HTTP responses that newsdiff stored as new article versions",
    }
    return _serialise(writer, writer.create_warcinfo_record(file_name, info))


def write_capture(
    directory: Path,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    captured_at: datetime,
    *,
    request_headers: Mapping[str, str] | None = None,
) -> CaptureRef:
    """Append a ``response`` record (and, with ``request_headers``, the ``request`` that got
    it) to the day's WARC file in ``directory`` and say where the response record is.

    ``body`` is the decoded body; ``headers`` the response headers (wire encodings dropped
    here). Safe with concurrent writers in other processes. Raises :class:`StoreError` when
    the file cannot be written."""
    response, request = _response_records(url, status, headers, body, captured_at, request_headers)
    name = capture_file_name(captured_at)
    path = directory / name
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                offset = f.seek(0, os.SEEK_END)
                prefix = _warcinfo(name) if offset == 0 else b""
                f.write(prefix + response + request)
                f.flush()
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError as exc:
        raise StoreError(f"cannot write capture to {path}: {exc}") from exc
    return CaptureRef(name, offset + len(prefix), len(response))


def _capture_path(directory: Path, file: str) -> Path:
    if not file or Path(file).name != file or file in (".", ".."):
        raise StoreError(f"bad capture file name {file!r}")
    return directory / file


def read_capture(directory: Path, ref: CaptureRef) -> Capture:
    """The response stored at ``ref``. Raises :class:`NotFound` when the file is gone and
    :class:`StoreError` when the record is not a readable WARC response."""
    path = _capture_path(directory, ref.file)
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
    capture = _first_response(data, f"{path}:{ref.offset}")
    if capture is None:
        raise StoreError(f"no WARC response record at {path}:{ref.offset}")
    return capture


def _first_response(data: bytes, where: str) -> Capture | None:
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
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
    return None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
