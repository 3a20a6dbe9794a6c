"""Undo a response's Content-Encoding as it streams in, within a byte budget.

Why not let httpx decode: its decoders hand each network chunk to zlib without ``max_length``, so
a few kilobytes of ``Content-Encoding: gzip, gzip`` (a gzip of a gzip of gigabytes of zeros) become
gigabytes in one call, before any size check can run and without an ``await`` at which the total
timeout could fire. Here every zlib call is given ``max_length``, layers are run depth first (a
piece of one layer's output goes all the way through the next layers before the next piece is
made), and every layer's output is counted against the budget. So no step holds more than about
:data:`STEP_BYTES` per layer plus the decoded body, and the work per raw chunk is bounded too.

Only what the fetcher advertises (``Accept-Encoding: gzip, deflate``) is decoded: gzip (and its
alias x-gzip, several members in a row allowed), deflate (zlib-wrapped as HTTP says, or raw
deflate as some servers send) and identity. Any other compression (br, zstd, compress) is refused
rather than stored as compressed bytes, which is what httpx does with a coding it does not know.
Words that name no compression (``none``, ``utf-8``: :data:`NOT_CODINGS`) are read as identity,
as browsers read them. A stream that simply ends early is accepted, as browsers do.

Errors are this module's own (:class:`OverBudget`, :class:`DecodeError`); the fetcher translates
them into :mod:`newsdiff.errors` with the URL.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator

logger = logging.getLogger(__name__)

STEP_BYTES = 64 * 1024  # the most one zlib call may produce
MAX_LAYERS = 4  # more Content-Encoding layers than this is not a real server
SUPPORTED = ("gzip", "x-gzip", "deflate")
#: values misconfigured servers put in Content-Encoding that name no compression at all: taken as
#: identity, as browsers do (a compression we cannot undo, such as br, is refused instead)
NOT_CODINGS = frozenset({"identity", "none", "utf-8", "utf8", "binary", "8bit", "7bit", "chunked"})

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_WBITS = -zlib.MAX_WBITS


class OverBudget(Exception):
    """The decoded body (or one of its intermediate layers) outgrew the budget."""


class DecodeError(Exception):
    """The body cannot be decoded: an unsupported coding or corrupt data."""


def parse_encodings(header: str) -> list[str]:
    """The codings of a Content-Encoding value in the order they were applied (identity and
    :data:`NOT_CODINGS` dropped).

    Raises :class:`DecodeError` for a coding this module cannot undo or too many layers."""
    codings = [c.strip().lower() for c in header.split(",")]
    codings = [c for c in codings if c and c not in NOT_CODINGS]
    for coding in codings:
        if coding not in SUPPORTED:
            raise DecodeError(f"unsupported Content-Encoding {coding!r}")
    if len(codings) > MAX_LAYERS:
        raise DecodeError(f"{len(codings)} Content-Encoding layers (at most {MAX_LAYERS})")
    return codings


class _Layer:
    """One coding being undone: a zlib decompressor plus what it needs to start or restart."""

    def __init__(self, coding: str, budget: int) -> None:
        self.coding = coding
        self.budget = budget  # the most this layer may produce in all
        self.produced = 0
        self.members = 0  # gzip members started
        self._member_out = 0  # produced by the current member
        self.ignored = 0  # bytes after the end of the data, dropped
        self._head = b""  # deflate: the first bytes, until zlib or raw can be told apart
        self._z: zlib._Decompress | None = None
        self._finished = False  # the data ended (no further member can follow)
        if coding != "deflate":
            self._start_gzip_member()

    def _start_gzip_member(self) -> None:
        self._z = zlib.decompressobj(_GZIP_WBITS)
        self.members += 1
        self._member_out = 0

    def run(self, data: bytes, max_length: Callable[[], int]) -> Iterator[bytes]:
        """Decompress ``data``, yielding pieces of at most ``max_length()`` bytes each."""
        if self._finished:
            self.ignored += len(data)
            return
        if self._z is None:  # deflate: which kind is only known from the first two bytes
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._z = zlib.decompressobj(_ZLIB_WBITS if _is_zlib_header(data) else _RAW_WBITS)
        pending = data
        while True:
            limit = max(1, max_length())
            try:
                out = self._z.decompress(pending, limit)
            except zlib.error as exc:
                if self.coding != "deflate" and self.members > 1 and not self._member_out:
                    # junk after a complete gzip member, not another member: ignored
                    self._finish_with(pending)
                    return
                raise DecodeError(f"corrupt {self.coding} data: {exc}") from exc
            pending = self._z.unconsumed_tail
            if out:
                self.produced += len(out)
                self._member_out += len(out)
                if self.produced > self.budget:
                    raise OverBudget(f"{self.coding} layer")
                yield out
            if self._z.eof:
                rest = self._z.unused_data + pending
                if self.coding == "deflate":
                    self._finish_with(rest)
                    return
                self._start_gzip_member()  # a gzip stream may hold several members
                if not rest:
                    return
                pending = rest
                continue
            if not pending and len(out) < limit:
                return

    def _finish_with(self, rest: bytes) -> None:
        self._finished = True
        self.ignored += len(rest)
        if rest.strip(b"\0\r\n\t "):
            logger.debug("ignoring %d bytes after the end of %s data", len(rest), self.coding)


def _is_zlib_header(head: bytes) -> bool:
    """Whether the first two bytes are a zlib header (RFC 1950: deflate method, checksum of 31)."""
    cmf, flg = head[0], head[1]
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0


class BodyDecoder:
    """Feed raw body chunks in; the decoded body comes out, never more than ``budget`` bytes.

    ``feed`` raises :class:`OverBudget` as soon as the decoded body would exceed ``budget``; what
    was decoded up to the budget stays available from :meth:`body` (robots.txt parses the first
    part of an oversized file). Intermediate layers are compressed data, never much larger than
    the decoded body: each may produce ``budget`` plus a little slack for incompressible data.
    """

    def __init__(self, content_encoding: str, budget: int) -> None:
        codings = parse_encodings(content_encoding)
        slack = budget // 256 + 4096
        # undone in reverse order: the last coding applied is the outermost
        self._layers = [_Layer(c, budget + slack) for c in reversed(codings)]
        self.budget = budget
        self.size = 0
        self._parts: list[bytes] = []

    @property
    def codings(self) -> str:
        return ", ".join(layer.coding for layer in reversed(self._layers)) or "identity"

    def feed(self, data: bytes) -> None:
        """Decode one raw chunk. Raises :class:`OverBudget` or :class:`DecodeError`."""
        self._push(0, data)

    def body(self) -> bytes:
        """What was decoded so far (all of it once the raw stream has been fed)."""
        return b"".join(self._parts)

    def _remaining(self) -> int:
        return self.budget - self.size

    def _push(self, depth: int, data: bytes) -> None:
        if depth == len(self._layers):
            self._keep(data)
            return
        last = depth == len(self._layers) - 1
        # the innermost layer never makes more than one byte past the budget in one step
        step = (lambda: min(STEP_BYTES, self._remaining() + 1)) if last else (lambda: STEP_BYTES)
        for piece in self._layers[depth].run(data, step):
            self._push(depth + 1, piece)

    def _keep(self, data: bytes) -> None:
        room = self._remaining()
        if len(data) > room:
            if room > 0:
                self._parts.append(data[:room])
                self.size += room
            raise OverBudget("decoded body")
        self._parts.append(data)
        self.size += len(data)
