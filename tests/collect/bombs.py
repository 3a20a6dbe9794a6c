"""Compression bombs and raw responses for the hostile-server tests.

A gzip of N MiB of zeros is built without compressing N MiB: after a full flush, deflate starts
afresh, so every further MiB of zeros compresses to the same bytes. The member is valid (the
trailer's CRC is computed over the zeros chunk by chunk), so only the size is hostile.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from functools import cache
from http.server import BaseHTTPRequestHandler

from tests.collect.server import Route

MIB = 1 << 20


@cache
def gzip_of_zeros(mib: int, prefix: bytes = b"") -> bytes:
    """A gzip member that expands to ``prefix`` and ``mib`` MiB of zero bytes (about 1 KB per
    MiB of zeros)."""
    zeros = bytes(MIB)
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    segment = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush()[:-8]  # the final empty block, without this packer's trailer
    crc = zlib.crc32(prefix)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    trailer = struct.pack("<II", crc, (len(prefix) + mib * MIB) & 0xFFFFFFFF)
    return head + segment * mib + end + trailer


def gzip_bytes(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def raw_route(
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes | Iterable[bytes] = b"",
    *,
    content_length: bool = True,
) -> Route:
    """A response written as given: headers may repeat; without ``content_length`` the body
    is streamed (any iterable of chunks, even an endless one) and ends with the connection."""

    def write(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        for key, value in headers:
            request.send_header(key, value)
        if content_length:
            assert isinstance(body, bytes)
            request.send_header("Content-Length", str(len(body)))
        else:
            request.send_header("Connection", "close")
        request.end_headers()
        for chunk in [body] if isinstance(body, bytes) else body:
            request.wfile.write(chunk)

    return Route(writer=write)
