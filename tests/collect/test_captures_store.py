"""Compact captures (newsdiff/collect/capstore.py): records read back whole, the choice of bases
(chains of at most two, anchors per host, again every few versions), and damage of every kind
named precisely while the rest stays readable."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdiff.collect import capstore
from newsdiff.collect.capstore import CaptureRef
from newsdiff.collect.warc import read_capture, verify_capture, write_capture
from newsdiff.errors import NotFound, StoreError

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
WORDS = (
    "river barrier flood council engineers gates storm residents sandbags hall footbridge "
    "authority inspection spring water northern said would that the of and to in"
).split()


def template(version: int) -> str:
    """What every page of the host shares (a style sheet and a menu, some 50 KB) in one
    version of the host's template."""
    style = "".join(
        f".c{k}-{version}{{margin:{k % 7}px;color:#{(k * (2654435761 + version)) % 0xFFFFFF:06x}}}"
        for k in range(900)
    )
    menu = "".join(
        f"<li><a href='/{version}/section/{k * (version + 1)}'>{WORDS[(k + version) % len(WORDS)]}"
        f"</a></li>"
        for k in range(300)
    )
    return f"<style>{style}</style></head><body><ul>{menu}</ul>"


def paragraph(rng: random.Random, n: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def page(article: int, version: int, template: int = 0) -> bytes:
    """An article page: the host's template, the article's paragraphs (a word changed and a
    paragraph added per version) and a rotating ad block."""
    rng = random.Random(article)
    paras = [paragraph(rng) for _ in range(15)]
    for v in range(1, version + 1):
        edit = random.Random(article * 1000 + v)
        k = edit.randrange(len(paras))
        words = paras[k].split()
        words[edit.randrange(len(words))] = "amended"
        paras[k] = " ".join(words)
        paras.insert(edit.randrange(len(paras)), paragraph(edit, 40))
    ad = random.Random(article * 7 + version).getrandbits(64)
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html><head>{_TEMPLATES[template]}"
        f"<div class='ad'>ad {ad:x}</div><article>{body}</article></body></html>"
    ).encode()


_TEMPLATES = [template(0), template(1)]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    capstore.clear_cache()
    yield
    capstore.clear_cache()


def write(
    directory: Path,
    article: int,
    version: int,
    previous: CaptureRef | None = None,
    *,
    when: datetime = WHEN,
    host: str = "news.example",
    template: int = 0,
) -> CaptureRef:
    return write_capture(
        directory,
        f"https://{host}/a/{article}",
        200,
        {"content-type": "text/html; charset=utf-8"},
        page(article, version, template),
        when,
        request_headers={"user-agent": "newsdiff-test/1.0"},
        compact=True,
        previous=previous,
    )


def head(directory: Path, ref: CaptureRef) -> capstore.Header:
    return capstore.read_header(directory, ref)


# where fields sit in a record (capstore's header: after the skippable frame's 8 bytes)
DIGEST_AT = 8 + 12
BASE_DIGEST_AT = 8 + 12 + 32 + 4 + 4 + 8 + 4


def rewrite_header(path: Path, ref: CaptureRef, at: int, value: bytes) -> None:
    """Put ``value`` at ``at`` in the record's header and make its CRC right again."""
    data = bytearray(path.read_bytes())
    start = ref.offset + at
    data[start : start + len(value)] = value
    size = int.from_bytes(data[ref.offset + 4 : ref.offset + 8], "little")
    body = bytes(data[ref.offset + 8 : ref.offset + 4 + size])
    data[ref.offset + 4 + size : ref.offset + 8 + size] = zlib.crc32(body).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x55
    path.write_bytes(bytes(data))


# -- round trip ----------------------------------------------------------------------------------


def test_round_trip_keeps_everything_and_is_much_smaller(tmp_path: Path) -> None:
    body = page(1, 0)
    ref = write_capture(
        tmp_path,
        "https://news.example/a?id=7",
        200,
        {"content-type": "text/html; charset=utf-8", "content-encoding": "gzip", "etag": '"v1"'},
        body,
        WHEN,
        request_headers={"user-agent": "newsdiff-test/1.0"},
        compact=True,
    )
    assert ref.file == "newsdiff-2026-11-25.ndcap"
    capture = read_capture(tmp_path, ref)
    assert capture.url == "https://news.example/a?id=7"
    assert capture.status == 200 and capture.body == body
    assert capture.headers == {
        "content-type": "text/html; charset=utf-8",
        "etag": '"v1"',
        "content-length": str(len(body)),
    }
    assert capture.captured_at == WHEN
    verify_capture(tmp_path, ref)
    # the same WARC records as the plain form, byte for byte once uncompressed (but the
    # record ids and dates): the response, then the request
    raw, header = capstore.load_record(tmp_path, ref)
    assert raw.startswith(b"WARC/1.1\r\n") and b"WARC-Type: response" in raw[:400]
    assert b"WARC-Type: request" in raw[header.response_length :][:400]
    assert header.depth == 0 and header.base is None
    # the next version of the article is a delta against this one: a few KB for ~60 KB
    second = write(tmp_path, 1, 1, ref)
    assert read_capture(tmp_path, second).body == page(1, 1)
    assert head(tmp_path, second).base == ref
    assert second.length < ref.length / 4 < len(page(1, 1)) / 16
    # standard zstd frames after skippable ones: the zstd tool reads a full copy alone, and a
    # delta with its base's WARC bytes given as --patch-from
    zstd = shutil.which("zstd")
    if zstd is not None:
        data = (tmp_path / ref.file).read_bytes()
        (tmp_path / "one.zst").write_bytes(data[ref.offset : ref.offset + ref.length])
        (tmp_path / "two.zst").write_bytes(data[second.offset : second.offset + second.length])
        (tmp_path / "base.warc").write_bytes(raw)
        one = subprocess.run([zstd, "-d", "-c", tmp_path / "one.zst"], capture_output=True)
        assert one.stdout == raw
        patch = f"--patch-from={tmp_path / 'base.warc'}"
        two = subprocess.run([zstd, "-d", "-c", patch, tmp_path / "two.zst"], capture_output=True)
        assert two.stdout == capstore.load_record(tmp_path, second)[0]


def test_plain_and_compact_refs_read_side_by_side(tmp_path: Path) -> None:
    plain = write_capture(tmp_path, "https://news.example/a", 200, {}, b"<p>old</p>", WHEN)
    compact = write(tmp_path, 1, 0, plain)  # a plain previous capture is no base
    assert plain.file.endswith(".warc.gz") and compact.file.endswith(".ndcap")
    assert read_capture(tmp_path, plain).body == b"<p>old</p>"
    assert read_capture(tmp_path, compact).body == page(1, 0)
    assert head(tmp_path, compact).depth == 0
    verify_capture(tmp_path, plain)
    verify_capture(tmp_path, compact)


# -- the choice of bases -------------------------------------------------------------------------


def test_chains_anchors_and_reanchoring(tmp_path: Path) -> None:
    # the host's first page is a full copy and becomes its anchor
    a1 = write(tmp_path, 1, 0)
    assert head(tmp_path, a1).depth == 0
    anchors = json.loads((tmp_path / capstore.ANCHORS_FILE).read_text())
    assert anchors == {"news.example": [a1.file, a1.offset, a1.length]}
    # another article of the host: a delta against the anchor (the shared template)
    b1 = write(tmp_path, 2, 0)
    assert (head(tmp_path, b1).depth, head(tmp_path, b1).base) == (1, a1)
    assert b1.length < a1.length / 2
    # another host: its own anchor
    c1 = write(tmp_path, 3, 0, host="other.example")
    assert head(tmp_path, c1).depth == 0

    # an article's versions: against its previous one while that is shallow, then against
    # the article's depth-1 record, and every REANCHOR_EVERY versions against the host again
    refs = [b1]
    for version in range(1, 3 * capstore.REANCHOR_EVERY):
        refs.append(write(tmp_path, 2, version, refs[-1]))
    heads = [head(tmp_path, ref) for ref in refs]
    assert max(h.depth for h in heads) == capstore.MAX_DEPTH == 2
    assert (heads[1].depth, heads[1].base) == (2, b1)
    assert all(h.base == b1 for h in heads[1 : capstore.REANCHOR_EVERY])
    again = [i for i, h in enumerate(heads) if h.depth == 1]
    assert again == [0, capstore.REANCHOR_EVERY, 2 * capstore.REANCHOR_EVERY]
    assert all(heads[i].base == a1 for i in again)
    for version, ref in enumerate(refs):
        assert read_capture(tmp_path, ref).body == page(2, version)

    # the article of the anchor itself: depth 1 against it, then 2
    a2 = write(tmp_path, 1, 1, a1)
    a3 = write(tmp_path, 1, 2, a2)
    assert (head(tmp_path, a2).depth, head(tmp_path, a3).depth) == (1, 2)
    assert head(tmp_path, a3).base == a2


def test_new_template_makes_a_new_anchor(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    b1 = write(tmp_path, 2, 0, template=1)  # the host's style sheet changed
    assert head(tmp_path, b1).depth == 0
    anchors = json.loads((tmp_path / capstore.ANCHORS_FILE).read_text())
    assert (
        anchors["news.example"]
        == [b1.file, b1.offset, b1.length]
        != [a1.file, a1.offset, a1.length]
    )
    c1 = write(tmp_path, 3, 0, template=1)
    assert head(tmp_path, c1).base == b1


def test_bases_come_from_nearby_days_only(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    later = WHEN + timedelta(days=capstore.MAX_BASE_DAYS + 1)
    a2 = write(tmp_path, 1, 1, a1, when=later)
    assert head(tmp_path, a2).depth == 0  # neither the article's nor the host's old record
    soon = WHEN + timedelta(days=capstore.MAX_BASE_DAYS)
    b1 = write(tmp_path, 2, 0, when=soon)
    assert head(tmp_path, b1).base == a2  # the host's anchor is now a2, a day file of its own


def test_a_lost_anchor_index_costs_space_not_captures(tmp_path: Path) -> None:
    write(tmp_path, 1, 0)
    (tmp_path / capstore.ANCHORS_FILE).write_text("{not json")
    b1 = write(tmp_path, 2, 0)
    assert head(tmp_path, b1).depth == 0 and read_capture(tmp_path, b1).body == page(2, 0)
    assert (
        json.loads((tmp_path / capstore.ANCHORS_FILE).read_text())["news.example"][1] == b1.offset
    )


# -- damage --------------------------------------------------------------------------------------


def test_corrupt_or_truncated_frame_is_named_and_nothing_else_affected(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    b1 = write(tmp_path, 2, 0)
    c1 = write(tmp_path, 3, 0)
    path = tmp_path / b1.file
    where = f"{path}:{b1.offset}"
    flip(path, b1.offset + b1.length - 20)  # inside the zstd frame
    for check in (read_capture, verify_capture):
        with pytest.raises(StoreError) as caught:
            check(tmp_path, b1, label="version 12")
        message = str(caught.value)
        assert message.startswith(f"version 12: capture at {where} ")
        assert "\n" not in message
    assert read_capture(tmp_path, a1).body == page(1, 0)
    assert read_capture(tmp_path, c1).body == page(3, 0)
    # cut short: a ref beyond the end, or a length that does not match the record
    with pytest.raises(StoreError, match="cut short"):
        read_capture(tmp_path, CaptureRef(c1.file, c1.offset, c1.length + 10))
    with pytest.raises(StoreError, match="is not .* bytes long"):
        read_capture(tmp_path, CaptureRef(c1.file, c1.offset, c1.length - 10))
    with pytest.raises(StoreError, match="no compact capture record"):
        read_capture(tmp_path, CaptureRef(c1.file, c1.offset + 3, c1.length - 3))
    with pytest.raises(NotFound, match="missing"):
        read_capture(tmp_path, CaptureRef("newsdiff-1999-01-01.ndcap", 0, 10))
    with pytest.raises(StoreError, match="bad capture file name"):
        read_capture(tmp_path, CaptureRef("../x.ndcap", 0, 10))


def test_a_frame_that_decompresses_to_other_bytes_fails_its_sha256(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    # the header (its CRC made right again) promises other content than the frame holds
    rewrite_header(tmp_path / a1.file, a1, DIGEST_AT, bytes(32))
    with pytest.raises(StoreError, match=f"capture at .*:{a1.offset} fails its SHA-256 check"):
        read_capture(tmp_path, a1)


def test_damaged_header_is_named(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    flip(tmp_path / a1.file, a1.offset + 20)
    with pytest.raises(StoreError, match=f"record at .*:{a1.offset} has a damaged header"):
        verify_capture(tmp_path, a1)


def test_missing_base_is_named(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)  # the anchor, in yesterday's file
    b1 = write(tmp_path, 2, 0, when=WHEN + timedelta(days=1))
    assert head(tmp_path, b1).base == a1 and b1.file != a1.file
    (tmp_path / a1.file).unlink()
    with pytest.raises(StoreError) as caught:
        read_capture(tmp_path, b1, label="version 3")
    assert str(caught.value) == (
        f"version 3: capture at {tmp_path / b1.file}:{b1.offset}: "
        f"its base {tmp_path / a1.file}:{a1.offset} is missing"
    )
    assert not isinstance(caught.value, NotFound)  # the record's own file is there
    # a new capture of the host is not compressed against the missing anchor
    c1 = write(tmp_path, 3, 0, when=WHEN + timedelta(days=1))
    assert head(tmp_path, c1).depth == 0 and read_capture(tmp_path, c1).body == page(3, 0)


def test_damaged_base_is_named_and_never_used_again(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    b1 = write(tmp_path, 2, 0)
    b2 = write(tmp_path, 2, 1, b1)
    other = write(tmp_path, 3, 0, host="other.example")
    flip(tmp_path / b1.file, b1.offset + b1.length - 30)
    capstore.clear_cache()  # as in a new process
    with pytest.raises(StoreError) as caught:
        verify_capture(tmp_path, b2)
    message = str(caught.value)
    assert message.startswith(f"capture at {tmp_path / b2.file}:{b2.offset}: its base is damaged (")
    assert f"{tmp_path / b1.file}:{b1.offset}" in message and "\n" not in message
    # the base of the damaged record, and other records, are fine
    assert read_capture(tmp_path, a1).body == page(1, 0)
    assert read_capture(tmp_path, other).body == page(3, 0)
    # the article's next version is not compressed against the damaged chain
    b3 = write(tmp_path, 2, 2, b2)
    assert head(tmp_path, b3).base == a1 and read_capture(tmp_path, b3).body == page(2, 2)


def test_a_base_that_is_another_record_is_detected(tmp_path: Path) -> None:
    write(tmp_path, 1, 0)
    b1 = write(tmp_path, 2, 0)
    # b1's header names its base by place and digest: the record found there is not that one
    # (as when a day file was replaced by another of the same name)
    rewrite_header(tmp_path / b1.file, b1, BASE_DIGEST_AT, bytes(32))
    with pytest.raises(
        StoreError, match=r"its base .* is not the record it was compressed against"
    ):
        read_capture(tmp_path, b1)


# -- crashes and concurrent writers --------------------------------------------------------------


def test_torn_append_leaves_other_records_readable_and_is_skipped(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    b1 = write(tmp_path, 2, 0)
    path = tmp_path / a1.file
    whole = path.read_bytes()
    # a writer died mid-append: half of a record is at the end of the file
    torn = whole[b1.offset : b1.offset + b1.length // 2]
    with path.open("ab") as f:
        f.write(torn)
    c1 = write(tmp_path, 3, 0)
    assert c1.offset == len(whole) + len(torn)
    for ref, article in ((a1, 1), (b1, 2), (c1, 3)):
        assert read_capture(tmp_path, ref).body == page(article, 0)
    scanned = list(capstore.scan_file(tmp_path, a1.file))
    good = [ref for ref, found in scanned if not isinstance(found, StoreError)]
    bad = [ref for ref, found in scanned if isinstance(found, StoreError)]
    assert good == [a1, b1, c1]
    assert [(ref.offset, ref.length) for ref in bad] == [(len(whole), len(torn))]


_WRITER = """
import json, sys
from datetime import datetime, UTC
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from tests.collect.test_captures_store import page
from newsdiff.collect.warc import write_capture
directory, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
when = datetime(2026, 11, 25, 12, tzinfo=UTC)
previous = {}
refs = []
for version in range(3):
    for article in range(first, first + count):
        ref = write_capture(
            directory, f"https://news.example/a/{article}", 200, {}, page(article, version),
            when, compact=True, previous=previous.get(article),
        )
        previous[article] = ref
        refs.append([article, version, ref.file, ref.offset, ref.length])
print(json.dumps(refs))
"""


def test_processes_append_concurrently(tmp_path: Path) -> None:
    count = 12
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), str(first), str(count), str(ROOT)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for first in (0, 100, 200)
    ]
    refs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        refs += json.loads(out)
    assert len(refs) == 3 * 3 * count
    for article, version, *where in refs:
        ref = CaptureRef(*where)
        assert read_capture(tmp_path, ref).body == page(article, version)
        verify_capture(tmp_path, ref)
    scanned = list(capstore.scan_file(tmp_path, "newsdiff-2026-11-25.ndcap"))
    assert not [found for _, found in scanned if isinstance(found, StoreError)]
    assert {ref for ref, _ in scanned} == {CaptureRef(*r[2:]) for r in refs}
    # they shared the host's anchors: most records are deltas
    assert sum(head(tmp_path, ref).depth > 0 for ref, _ in scanned) > len(refs) * 0.8


def test_threads_append_concurrently(tmp_path: Path) -> None:
    # as the poller writes: one thread per check, articles of two hosts, each with its chain
    refs: dict[tuple[int, int], CaptureRef] = {}
    lock = threading.Lock()

    def work(worker: int) -> None:
        previous = None
        for version in range(4):
            article = worker
            host = "news.example" if worker % 2 else "other.example"
            ref = write(tmp_path, article, version, previous, host=host)
            previous = ref
            with lock:
                refs[article, version] = ref

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refs) == 24
    for (article, version), ref in refs.items():
        assert read_capture(tmp_path, ref).body == page(article, version)
    anchors = json.loads((tmp_path / capstore.ANCHORS_FILE).read_text())
    assert set(anchors) == {"news.example", "other.example"}
    scanned = list(capstore.scan_file(tmp_path, "newsdiff-2026-11-25.ndcap"))
    assert {ref for ref, _ in scanned} == set(refs.values())


def test_a_pass_over_the_archive_checks_each_base_once(tmp_path: Path) -> None:
    a1 = write(tmp_path, 1, 0)
    b1 = write(tmp_path, 2, 0)
    b2 = write(tmp_path, 2, 1, b1)
    c1 = write(tmp_path, 3, 0)
    flip(tmp_path / c1.file, c1.offset + c1.length - 25)
    checked = capstore.CheckedBases()
    verify_capture(tmp_path, b2, checked=checked)
    # b2's bases were read, checked and kept for the rest of the pass
    assert checked.get(b1) is not None and checked.get(a1) is not None
    # what is checked is always read from disk: a damaged record is found, with kept bases
    with pytest.raises(StoreError, match=f":{c1.offset} is a corrupt zstd frame"):
        verify_capture(tmp_path, c1, checked=checked)
    for ref in (a1, b1, b2):
        verify_capture(tmp_path, ref, checked=checked)
