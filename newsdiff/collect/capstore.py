"""Compact raw captures: each record a zstd frame compressed against an earlier record.

Successive captures of one page are near-identical, and the pages of one host share their
template, so a record is stored as a zstd frame whose dictionary is the raw bytes of an earlier
record (zstd's ``--patch-from``: a raw-content dictionary). Day files are
``<captures dir>/newsdiff-YYYY-MM-DD.ndcap``, appended under ``flock`` as the ``.warc.gz`` day
files are; a version's ``CaptureRef(file, offset, length)`` points at one record, and the
suffix tells :mod:`newsdiff.collect.warc` which form it is.

A record is a zstd *skippable frame* holding our header, then one standard zstd frame (with
zstd's own content checksum) holding the uncompressed WARC bytes: the ``response`` record,
then the ``request`` record if there is one. The ``zstd`` tool reads a record cut out of a day
file (``zstd -d``, with ``--patch-from=BASE`` holding its base's WARC bytes for a delta).
The header says

- the SHA-256 of those uncompressed bytes (checked on every read) and their length, and where
  the response ends;
- the record's *depth*: 0 for a full copy (a keyframe), else one more than its base's;
- its base (file, offset, length and the base's SHA-256), when it has one;
- a CRC-32 of the header itself, so a scan can find records again after a torn append.

Choosing the base (:func:`append_capture`), in steps:

1. The caller passes the article's latest capture (the poller looks it up before its write
   transaction; a capture store that indexed articles itself would duplicate the database).
   When that record is compact, of a day near enough (``MAX_BASE_DAYS``) and of depth < 2, it
   is the base; at depth 2 its own base (the article's depth-1 *anchor*) is. So every version
   of an article after the first is a delta against one earlier version of the same article,
   and reading any record decodes at most three frames (``MAX_DEPTH = 2``).
2. Every ``REANCHOR_EVERY`` versions of an article (counted in the header) the article is
   anchored again (step 3), so that its delta does not grow with every edit since its anchor.
3. Otherwise the host's *anchor*: a full copy of a recent page of the same host, found in a
   small per-host index in the captures dir (``newsdiff-anchors.json``; only bases are found
   there, never data, so losing it costs space, not captures). A first capture of an article is
   then a delta against another page of its template.
4. With no usable anchor, or when the delta against the anchor is more than half the anchor's
   own size (the host changed its template), the record is a full copy and becomes the host's
   anchor.

Measured on the poll bench's pages (bench/poll.py's generator, an edit and a rotating ad block
between versions, articles of 2-50 versions): 3.8 KiB a capture against 17.6 KiB for a gzip'd
WARC record, for about the same write CPU (1.05x). A third level of chain saved 4% more for a
fourth frame to decode on every read; anchoring again every 4 or 16 versions, or never, cost 2-6%
more than 8; zstd levels above 3 took 2-3x the CPU for 10-30% fewer bytes.

A base that cannot be read or fails its check is never used: the record is compressed against
the next candidate (or stored full), so a damaged record never spreads. Bases are at most
``MAX_BASE_DAYS`` days older than the record (so a record depends on day files at most twice that
old); a reader needs the whole chain, so the captures dir is kept (or exported) whole.

Reading decodes the base chain from disk, checks every record's SHA-256 and names the file and
offset of what is wrong (a cut-short or corrupt frame, a missing or damaged base). A crash
during an append leaves a torn record at the end of the file, unreferenced; the records
before it (and the records appended after it) stay readable, and a scan skips it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import zstandard

from newsdiff.errors import NotFound, StoreError

logger = logging.getLogger(__name__)

SUFFIX = ".ndcap"
ANCHORS_FILE = "newsdiff-anchors.json"
#: a record's chain: itself, its base, its base's base at most (three frames to decode)
MAX_DEPTH = 2
#: an article is anchored again (a delta against its host's anchor) every so many versions
REANCHOR_EVERY = 8
#: bases are taken from day files at most this many days from the record's
MAX_BASE_DAYS = 7
#: a delta against the host's anchor bigger than this share of the anchor: a new anchor
REFRESH_SHARE = 0.5
#: zstd level (see the module docstring)
LEVEL = 3

# a zstd skippable frame (magic 0x184D2A5E) holds the header: zstd itself steps over it
_SKIPPABLE = struct.pack("<I", 0x184D2A5E)
_TAG = b"NDC1"
_FIXED = struct.Struct("<4sBBHI32sIIQI32sH")
_CRC = struct.Struct("<I")
_MAX_HEADER = _FIXED.size + 1024 + _CRC.size
_HAS_REQUEST = 1


@dataclass(frozen=True)
class CaptureRef:
    """Where a capture is: a file name inside the captures dir, and its record's byte range."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class Header:
    """What a compact record says of itself (see the module docstring)."""

    depth: int
    flags: int
    generation: int  # versions of the article since its anchor (0 for anchors and full copies)
    response_length: int
    digest: bytes
    raw_length: int
    payload_length: int
    base: CaptureRef | None
    base_digest: bytes
    size: int  # bytes of the skippable frame holding the header

    @property
    def total(self) -> int:
        return self.size + self.payload_length


def is_compact(file: str) -> bool:
    return file.endswith(SUFFIX)


def where(directory: Path, ref: CaptureRef) -> str:
    return f"{directory / ref.file}:{ref.offset}"


def record_path(directory: Path, file: str) -> Path:
    if not file or Path(file).name != file or file in (".", ".."):
        raise StoreError(f"bad capture file name {file!r}")
    return directory / file


# -- the record --------------------------------------------------------------------------------


def _encode_header(
    depth: int,
    flags: int,
    generation: int,
    response_length: int,
    raw: bytes,
    payload: bytes,
    base: tuple[CaptureRef, bytes] | None,
) -> bytes:
    ref, base_digest = base if base is not None else (CaptureRef("", 0, 0), b"\0" * 32)
    name = ref.file.encode()
    body = _FIXED.pack(
        _TAG,
        depth,
        flags,
        min(generation, 0xFFFF),
        response_length,
        hashlib.sha256(raw).digest(),
        len(raw),
        len(payload),
        ref.offset,
        ref.length,
        base_digest,
        len(name),
    )
    body += name
    body += _CRC.pack(zlib.crc32(body))
    return _SKIPPABLE + struct.pack("<I", len(body)) + body


def parse_header(data: bytes, at: str) -> Header:
    """The header at the start of ``data``; :class:`StoreError` (naming ``at``) when there is
    none or it is damaged."""
    if len(data) < 8 + _FIXED.size + _CRC.size or data[:4] != _SKIPPABLE:
        raise StoreError(f"no compact capture record at {at}")
    (size,) = struct.unpack_from("<I", data, 4)
    if size < _FIXED.size + _CRC.size or size > _MAX_HEADER or len(data) < 8 + size:
        raise StoreError(f"compact capture record at {at} has a damaged header")
    body, (crc,) = data[8 : 4 + size], _CRC.unpack_from(data, 4 + size)
    (tag, depth, flags, generation, response_length, digest, raw_length, payload_length) = (
        _FIXED.unpack_from(body)[:8]
    )
    base_offset, base_length, base_digest, name_length = _FIXED.unpack_from(body)[8:]
    if (
        tag != _TAG
        or zlib.crc32(body) != crc
        or _FIXED.size + name_length != len(body)
        or response_length > raw_length
    ):
        raise StoreError(f"compact capture record at {at} has a damaged header")
    name = body[_FIXED.size :].decode("utf-8", "replace")
    base = CaptureRef(name, base_offset, base_length) if name else None
    if (base is None) != (depth == 0):
        raise StoreError(f"compact capture record at {at} has a damaged header")
    return Header(
        depth,
        flags,
        generation,
        response_length,
        digest,
        raw_length,
        payload_length,
        base,
        base_digest,
        8 + size,
    )


def _read(directory: Path, ref: CaptureRef, length: int | None = None) -> bytes:
    path = record_path(directory, ref.file)
    want = ref.length if length is None else min(length, ref.length)
    try:
        with open(path, "rb") as f:
            f.seek(ref.offset)
            data = f.read(want)
    except FileNotFoundError:
        raise NotFound(f"capture file {path} is missing") from None
    except OSError as exc:
        raise StoreError(f"cannot read capture file {path}: {exc}") from exc
    if len(data) != want:
        raise StoreError(f"capture at {path}:{ref.offset} is cut short")
    return data


def read_header(directory: Path, ref: CaptureRef) -> Header:
    at = where(directory, ref)
    head = parse_header(_read(directory, ref, 8 + _MAX_HEADER), at)
    if head.total != ref.length:
        raise StoreError(f"compact capture record at {at} is not {ref.length} bytes long")
    return head


def _raw_dict(raw: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def load_record(
    directory: Path, ref: CaptureRef, *, checked: CheckedBases | None = None
) -> tuple[bytes, Header]:
    """The uncompressed WARC bytes of the record at ``ref`` and its header, its chain decoded
    and every SHA-256 checked. Raises :class:`NotFound` when the record's own file is gone and
    :class:`StoreError` (one line naming the file and offset) for anything else wrong.

    ``checked``: bases already read and checked in this pass over the archive, taken from there
    and added to it (``newsdiff db check`` reads each host's anchor once, not once a record)."""

    def base_of(base: CaptureRef, depth_left: int) -> tuple[bytes, Header, _Dict]:
        if checked is not None:
            found = checked.get(base)
            if found is not None:
                return found
        raw, head = _load(directory, base, base_of, depth_left=depth_left, check_sha=True)
        if checked is not None:
            checked.put(base, raw, head)
        return raw, head, None

    return _load(directory, ref, base_of, depth_left=MAX_DEPTH, check_sha=True)


class CheckedBases:
    """The last few bases read and checked in one pass over an archive, with their dictionaries
    (see :func:`load_record`). Only for one pass: it trusts what it was given."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[CaptureRef, tuple[bytes, Header, _Dict]] = OrderedDict()
        self._size = size

    def get(self, ref: CaptureRef) -> tuple[bytes, Header, _Dict] | None:
        found = self._items.get(ref)
        if found is not None:
            self._items.move_to_end(ref)
        return found

    def put(self, ref: CaptureRef, raw: bytes, head: Header) -> None:
        self._items[ref] = (raw, head, _raw_dict(raw))
        while len(self._items) > self._size:
            self._items.popitem(last=False)


_Dict = zstandard.ZstdCompressionDict | None
#: how a chain's bases are found: (ref, depth left) -> raw bytes, header, dictionary if made
_BaseOf = Callable[[CaptureRef, int], tuple[bytes, Header, _Dict]]


def _load(
    directory: Path, ref: CaptureRef, base_of: _BaseOf, *, depth_left: int, check_sha: bool
) -> tuple[bytes, Header]:
    at = where(directory, ref)
    data = _read(directory, ref)
    head = parse_header(data, at)
    if head.total != ref.length:
        raise StoreError(f"compact capture record at {at} is not {ref.length} bytes long")
    dictionary = None
    if head.base is not None:
        base_at = where(directory, head.base)
        if depth_left <= 0 or head.depth > MAX_DEPTH:
            raise StoreError(f"capture at {at}: its chain of bases is too long (damaged header)")
        try:
            base_raw, base_head, dictionary = base_of(head.base, depth_left - 1)
        except NotFound:
            raise StoreError(f"capture at {at}: its base {base_at} is missing") from None
        except StoreError as exc:
            raise StoreError(f"capture at {at}: its base is damaged ({exc})") from exc
        if base_head.digest != head.base_digest:
            raise StoreError(
                f"capture at {at}: its base {base_at} is not the record it was compressed against"
            )
        if dictionary is None:
            dictionary = _raw_dict(base_raw)
    try:
        # the frame carries zstd's own checksum of its content, checked here
        decompressor = zstandard.ZstdDecompressor(dict_data=dictionary)
        raw = decompressor.decompress(data[head.size :], max_output_size=head.raw_length)
    except zstandard.ZstdError as exc:
        raise StoreError(f"capture at {at} is a corrupt zstd frame: {exc}") from exc
    if len(raw) != head.raw_length or (check_sha and hashlib.sha256(raw).digest() != head.digest):
        raise StoreError(f"capture at {at} fails its SHA-256 check")
    return raw, head


# -- bases kept in memory while writing ------------------------------------------------------


@dataclass(frozen=True)
class _Base:
    ref: CaptureRef
    head: Header
    raw: bytes
    dictionary: zstandard.ZstdCompressionDict


class _BaseCache:
    """The last few bases a writer used, with their dictionaries ready (a host's anchor serves
    every new article of the host). Keyed by where the record is and its digest: a record
    never changes once written, and a header read from disk that says otherwise misses."""

    def __init__(self, size: int = 16) -> None:
        self._items: OrderedDict[tuple[str, str, int, bytes], _Base] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self._digested: set[tuple[str, str, int, bytes]] = set()

    def get(
        self, directory: Path, ref: CaptureRef, head: Header, *, compress: bool = True
    ) -> _Base:
        """The base at ``ref``: to compress against, or (``compress=False``) to decompress a
        record built on it."""
        key = (str(directory), ref.file, ref.offset, head.digest)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                if key in self._digested or not compress:
                    return found
        # compressed against again (a host's anchor, say): its tables made once make each use
        # cheaper than loading it for one compression. A new object: other threads may be
        # compressing with the old one
        if found is not None:
            dictionary = _raw_dict(found.raw)
            dictionary.precompute_compress(level=LEVEL)
            found = _Base(found.ref, found.head, found.raw, dictionary)
            with self._lock:
                self._items[key] = found
                self._digested.add(key)
            return found

        def base_of(base: CaptureRef, _depth_left: int) -> tuple[bytes, Header, _Dict]:
            cached = self.get(directory, base, read_header(directory, base), compress=False)
            return cached.raw, cached.head, cached.dictionary

        # zstd's checksum of each frame stands for the SHA-256 here (what is written is hashed
        # itself; reads check every SHA-256): a damaged base still fails and is passed over
        raw, _ = _load(directory, ref, base_of, depth_left=MAX_DEPTH, check_sha=False)
        base = _Base(ref, head, raw, _raw_dict(raw))
        with self._lock:
            self._items[key] = base
            while len(self._items) > self._size:
                gone, _ = self._items.popitem(last=False)
                self._digested.discard(gone)
        return base

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._digested.clear()


_bases = _BaseCache()


def clear_cache() -> None:
    """Forget the bases and anchors kept in memory (tests; a long-lived process need not)."""
    _bases.clear()
    _anchor_cache.clear()


# -- the host index ------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(path: Path, mode: int) -> Iterator[BinaryIO]:
    with open(path, "a+b") as f:
        fcntl.flock(f.fileno(), mode)
        try:
            yield f
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


_anchor_cache: dict[str, tuple[tuple[int, int], dict[str, CaptureRef]]] = {}


def _anchors(directory: Path) -> dict[str, CaptureRef]:
    """The hosts' anchors (read again only when the file changed since this process read it)."""
    path = directory / ANCHORS_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        logger.warning("captures: ignoring the unreadable anchor index %s: %s", path, exc)
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _anchor_cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with _locked(path, fcntl.LOCK_SH) as f:
            stamp = (os.fstat(f.fileno()).st_mtime_ns, os.fstat(f.fileno()).st_size)
            f.seek(0)
            data = json.loads(f.read() or b"{}")
        anchors = {host: CaptureRef(*value) for host, value in data.items()}
    except (OSError, ValueError, TypeError) as exc:
        logger.warning("captures: ignoring the unreadable anchor index %s: %s", path, exc)
        return {}
    _anchor_cache[str(path)] = (stamp, anchors)
    return anchors


def _set_anchor(directory: Path, host: str, ref: CaptureRef) -> None:
    path = directory / ANCHORS_FILE
    try:
        with _locked(path, fcntl.LOCK_EX) as f:
            f.seek(0)
            try:
                data = json.loads(f.read() or b"{}")
                if not isinstance(data, dict):
                    data = {}
            except ValueError:
                data = {}
            data[host] = [ref.file, ref.offset, ref.length]
            f.seek(0)
            f.truncate()
            f.write(json.dumps(data, sort_keys=True, indent=0).encode())
            f.flush()
    except OSError as exc:  # the capture is stored all the same; only the next ones grow
        logger.warning("captures: cannot update the anchor index %s: %s", path, exc)


# -- writing -------------------------------------------------------------------------------------


def _day(file: str) -> date | None:
    stem = file.removeprefix("newsdiff-").split(".", 1)[0]
    try:
        return date.fromisoformat(stem)
    except ValueError:
        return None


def _near(file: str, day: date | None) -> bool:
    other = _day(file)
    return other is not None and day is not None and abs((other - day).days) <= MAX_BASE_DAYS


def _base_head(directory: Path, ref: CaptureRef | None, day: date | None) -> Header | None:
    """The header of ``ref`` as a candidate base, or ``None`` when it is not compact, too far in
    time or unreadable (logged: the caller falls back to the next candidate)."""
    if ref is None or not is_compact(ref.file) or not _near(ref.file, day):
        return None
    try:
        return read_header(directory, ref)
    except StoreError as exc:  # NotFound too
        logger.warning("captures: not using %s as a base: %s", where(directory, ref), exc)
        return None


def _base(directory: Path, ref: CaptureRef, head: Header) -> _Base | None:
    """The content of a candidate base, or ``None`` when it is damaged (logged): a damaged
    record is never compressed against."""
    try:
        return _bases.get(directory, ref, head)
    except StoreError as exc:
        logger.warning("captures: not using %s as a base: %s", where(directory, ref), exc)
        return None


def _compress(raw: bytes, base: _Base | None) -> bytes:
    compressor = zstandard.ZstdCompressor(
        level=LEVEL,
        dict_data=base.dictionary if base is not None else None,
        write_checksum=True,
        write_content_size=True,
        write_dict_id=False,
    )
    return compressor.compress(raw)


def _encode(
    directory: Path, day: date | None, host: str, raw: bytes, previous: CaptureRef | None
) -> tuple[bytes, int, int, _Base | None]:
    """The frame for ``raw`` (steps 1-4 of the module docstring): payload, depth, generation
    and base."""
    # 1-2. the article's previous capture, or the article's anchor (the previous one's base)
    previous_head = _base_head(directory, previous, day)
    if previous_head is not None:
        ref: CaptureRef | None = previous
        head: Header | None = previous_head
        if previous_head.depth >= MAX_DEPTH:
            ref = previous_head.base
            head = _base_head(directory, ref, day)
        # versions since the article's anchor: the deepest records are counted
        generation = previous_head.generation + 1 if head and head.depth == MAX_DEPTH - 1 else 0
        if ref is not None and head is not None and head.depth < MAX_DEPTH:
            base = _base(directory, ref, head) if generation < REANCHOR_EVERY else None
            if base is not None:
                return _compress(raw, base), head.depth + 1, generation, base
    # 3. the host's anchor
    anchor = _anchors(directory).get(host)
    head = _base_head(directory, anchor, day)
    if anchor is not None and head is not None and head.depth == 0:
        base = _base(directory, anchor, head)
        if base is not None:
            payload = _compress(raw, base)
            if len(payload) <= REFRESH_SHARE * head.payload_length:
                return payload, 1, 0, base
    # 4. a full copy
    return _compress(raw, None), 0, 0, None


def append_capture(
    directory: Path,
    file: str,
    host: str,
    raw: bytes,
    response_length: int,
    *,
    previous: CaptureRef | None = None,
) -> CaptureRef:
    """Compress ``raw`` (a WARC response record, then any request record; the response is the
    first ``response_length`` bytes) against a base chosen as the module docstring says, append
    it to ``file`` in ``directory`` and say where it is. ``previous``: the latest capture of the
    same article, when there is one. Safe with concurrent writers in other processes."""
    directory.mkdir(parents=True, exist_ok=True)
    day = _day(file)
    payload, depth, generation, base = _encode(directory, day, host, raw, previous)
    flags = _HAS_REQUEST if response_length < len(raw) else 0
    header = _encode_header(
        depth,
        flags,
        generation,
        response_length,
        raw,
        payload,
        (base.ref, base.head.digest) if base is not None else None,
    )
    path = record_path(directory, file)
    with open(path, "ab") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            offset = f.seek(0, os.SEEK_END)
            f.write(header + payload)
            f.flush()
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    ref = CaptureRef(file, offset, len(header) + len(payload))
    if depth == 0 and host:
        _set_anchor(directory, host, ref)
    return ref


# -- scanning a day file -------------------------------------------------------------------------


def scan_file(directory: Path, file: str) -> Iterator[tuple[CaptureRef, Header | StoreError]]:
    """Every record of a compact day file, in order: its ref and header, or the error that
    makes a stretch of the file unreadable (a torn append), after which the scan goes on at the
    next record."""
    path = record_path(directory, file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read capture file {path}: {exc}") from exc
    offset = 0
    while offset < len(data):
        at = f"{path}:{offset}"
        try:
            head = parse_header(data[offset : offset + 8 + _MAX_HEADER], at)
            end = offset + head.total
            if end > len(data) or (end < len(data) and data[end : end + 4] != _SKIPPABLE):
                # a torn append, or one that another record's followed
                raise StoreError(f"capture at {at} is cut short")
        except StoreError as exc:
            following = data.find(_SKIPPABLE, offset + 1)
            end = len(data) if following < 0 else following
            yield CaptureRef(file, offset, end - offset), exc
            offset = end
            continue
        yield CaptureRef(file, offset, head.total), head
        offset += head.total
