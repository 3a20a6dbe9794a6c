"""db check's reading of a plain (gzip'd WARC) capture: every byte of the member is checked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdiff.collect.capstore import CaptureRef
from newsdiff.collect.warc import read_capture, verify_capture, write_capture
from newsdiff.errors import StoreError

WHEN = datetime(2008, 11, 12, 9, 0, tzinfo=UTC)
BODY = b"<html><body><p>" + b"The council said it would review the case. " * 200 + b"</p></html>"


def _plain(tmp_path: Path) -> CaptureRef:
    return write_capture(
        tmp_path, "https://news.example/a", 200, {"content-type": "text/html"}, BODY, WHEN
    )


def _damage(tmp_path: Path, ref: CaptureRef, at: int) -> None:
    path = tmp_path / ref.file
    data = bytearray(path.read_bytes())
    data[ref.offset + at] ^= 0x55
    path.write_bytes(bytes(data))


def test_a_plain_capture_verifies(tmp_path: Path) -> None:
    ref = _plain(tmp_path)
    assert ref.file.endswith(".warc.gz")
    verify_capture(tmp_path, ref)
    assert read_capture(tmp_path, ref).body == BODY


@pytest.mark.parametrize("from_end", [8, 7, 5, 4, 2, 1])  # the gzip trailer: CRC-32, length
def test_a_damaged_gzip_trailer_is_found(tmp_path: Path, from_end: int) -> None:
    ref = _plain(tmp_path)
    _damage(tmp_path, ref, ref.length - from_end)
    with pytest.raises(StoreError, match=rf"{ref.file}:{ref.offset} is damaged"):
        verify_capture(tmp_path, ref, label="version 3")
