"""Compact captures seen from outside: `newsdiff captures export` writes plain WARC that warcio
reads, the poller stores each new version's capture compactly against the previous one, and
`newsdiff extract --version` reads it back."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsdiff.collect import capstore
from newsdiff.collect.capexport import export_captures
from newsdiff.collect.capstore import CaptureRef
from newsdiff.collect.warc import capture_dir, read_capture, write_capture
from newsdiff.errors import ConfigError
from newsdiff.store.models import Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.fake_archive import FakeArchive
from tests.collect.server import Site, article_html
from tests.collect.test_backfill import FakeTime
from tests.collect.test_captures_store import WHEN, flip, page, write
from tests.collect.test_warc import LEAD, SECOND, THIRD, poll, stored, track
from tests.test_cli import run

WARCIO = str(Path(sys.executable).with_name("warcio"))


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    capstore.clear_cache()
    yield
    capstore.clear_cache()


def read_warc(path: Path) -> list[tuple[str, str | None, bytes]]:
    """(type, target URI, payload) of every record, read by warcio with its digests checked."""
    out = []
    with path.open("rb") as f:
        for record in ArchiveIterator(f, check_digests="raise"):
            payload = record.content_stream().read()
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), payload))
    return out


def two_forms(directory: Path) -> dict[str, list[CaptureRef]]:
    """Captures of both forms over two days: a plain day file from before the compact form, then
    compact records (full copies, deltas against the host, chains of one article)."""
    plain = [
        write_capture(
            directory,
            "https://news.example/old",
            200,
            {"content-type": "text/html"},
            b"<p>old form</p>",
            WHEN - timedelta(days=1),
            request_headers={"user-agent": "newsdiff-test/1.0"},
        )
    ]
    compact = [write(directory, 1, 0), write(directory, 2, 0)]
    compact.append(write(directory, 2, 1, compact[-1]))
    compact.append(write(directory, 2, 2, compact[-1], when=WHEN + timedelta(days=1)))
    return {"plain": plain, "compact": compact}


def test_export_is_plain_warc_that_warcio_reads(tmp_path: Path) -> None:
    directory = tmp_path / "captures"
    two_forms(directory)
    out = tmp_path / "export"
    report = export_captures(directory, out)
    assert (report.records, report.requests, report.damaged) == (5, 5, [])
    assert [p.name for p in report.files] == [
        "newsdiff-2026-11-24.warc.gz",
        "newsdiff-2026-11-25.warc.gz",
        "newsdiff-2026-11-26.warc.gz",
    ]
    records = [read_warc(path) for path in report.files]
    assert [[kind for kind, _, _ in day] for day in records] == [
        ["warcinfo", "response", "request"],
        ["warcinfo", "response", "request", "response", "request", "response", "request"],
        ["warcinfo", "response", "request"],
    ]
    bodies = [payload for day in records for kind, _, payload in day if kind == "response"]
    assert bodies == [b"<p>old form</p>", page(1, 0), page(2, 0), page(2, 1), page(2, 2)]
    # one gzip member per record: warcio's index gives each record's offset, and a reader
    # that starts there reads that record alone
    path = report.files[1]
    index = subprocess.run(
        [WARCIO, "index", "-f", "offset,length,warc-type", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert [row["warc-type"] for row in rows] == [kind for kind, _, _ in records[1]]
    data = path.read_bytes()
    for row in rows:
        member = data[int(row["offset"]) : int(row["offset"]) + int(row["length"])]
        assert gzip.decompress(member).startswith(b"WARC/1.1\r\n")
    check = subprocess.run([WARCIO, "check", *map(str, report.files)], capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_export_to_one_file_since_a_day(tmp_path: Path) -> None:
    directory = tmp_path / "captures"
    two_forms(directory)
    out = tmp_path / "since.warc.gz"
    report = export_captures(directory, out, since=date(2026, 11, 25))
    assert report.files == [out] and report.records == 4
    kinds = [kind for kind, _, _ in read_warc(out)]
    assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
    assert kinds.count("response") == 4
    # never into the captures dir itself, never over a file without force
    with pytest.raises(ConfigError, match="captures dir"):
        export_captures(directory, directory)
    with pytest.raises(ConfigError, match="exists"):
        export_captures(directory, out)
    assert export_captures(directory, out, force=True).records == 5


def test_export_leaves_out_and_names_damaged_records(tmp_path: Path) -> None:
    directory = tmp_path / "captures"
    refs = two_forms(directory)["compact"]
    # article 2's second version: its third (in the next day's file) is a delta against the
    # article's first, as the second is, not against the second
    damaged = refs[2]
    flip(directory / damaged.file, damaged.offset + damaged.length - 25)
    report = export_captures(directory, tmp_path / "export")
    assert report.records == 4 and len(report.damaged) == 1
    assert f"{directory / damaged.file}:{damaged.offset}" in report.damaged[0]
    bodies = [p for f in report.files for kind, _, p in read_warc(f) if kind == "response"]
    assert page(2, 1) not in bodies and page(2, 2) in bodies


# -- the poller and the command line ------------------------------------------------------------


def test_poll_keeps_compact_captures_and_the_cli_exports_and_reextracts_them(
    site: Site, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    settings = make_settings(db_url)
    assert settings.captures.compact  # the default
    directory = capture_dir(settings)
    assert directory is not None
    # another page of the site first: the host's anchor
    site.set("/news/gates", article_html("Gates inspected", [THIRD, LEAD]).encode())
    track(settings, site.url("/news/gates"))
    poll(settings, clock)
    first = article_html("Barrier stays shut", [LEAD, SECOND]).encode()
    site.set("/news/barrier", gzip.compress(first), headers={"Content-Encoding": "gzip"})
    track(settings, site.url("/news/barrier"))
    clock.advance(minutes=20)
    poll(settings, clock)
    second = article_html("Barrier stays shut", [LEAD, SECOND, THIRD]).encode()
    site.set("/news/barrier", second)
    clock.advance(minutes=20)
    poll(settings, clock)
    anchor, v1, v2 = stored(settings, Version)
    refs = [CaptureRef(v.warc_file, v.warc_offset, v.warc_length) for v in (anchor, v1, v2)]
    anchor_ref = refs.pop(0)
    assert all(ref.file.endswith(".ndcap") for ref in refs)
    assert [read_capture(directory, ref).body for ref in refs] == [first, second]
    request = capstore.load_record(directory, refs[0])[0].split(b"WARC-Type: request", 1)[1]
    assert b"User-Agent: newsdiff-test/1.0" in request
    # the first version's capture is compressed against the other page, the second against
    # the first (the poller found it)
    assert capstore.read_header(directory, refs[0]).base == anchor_ref
    assert capstore.read_header(directory, refs[1]).base == refs[0]

    env = {"NEWSDIFF_DATABASE_URL": db_url}
    extracted = run("extract", "--version", str(v2.id), "--json", env=env)
    assert extracted.exit_code == 0, extracted.output
    data = json.loads(extracted.output)
    assert data["paragraphs"] == [LEAD, SECOND, THIRD] and data["stored"]["same_text"] is True

    out = tmp_path / "article.warc.gz"
    exported = run("captures", "export", "--article", str(v1.article_id), str(out), env=env)
    assert exported.exit_code == 0, exported.output
    assert "exported 2 captures (2 with their requests) to 1 file" in exported.output, (
        exported.output
    )
    assert [p for kind, _, p in read_warc(out) if kind == "response"] == [first, second]
    again = run("captures", "export", "--article", str(v1.article_id), str(out), env=env)
    assert again.exit_code == 2 and "exists" in again.output
    into = run("captures", "export", str(directory), env=env)
    assert into.exit_code == 2 and "captures dir" in into.output
    whole = run("captures", "export", "--quiet", str(tmp_path / "all"), env=env)
    assert whole.exit_code == 0 and whole.output == ""
    assert len(list((tmp_path / "all").glob("newsdiff-*.warc.gz"))) == 1

    # damage: one line naming the record, exit 1
    flip(directory / refs[0].file, refs[0].offset + refs[0].length - 25)
    broken = run("extract", "--version", str(v2.id), env=env)
    assert broken.exit_code == 1
    assert f"{directory / refs[1].file}:{refs[1].offset}: its base is damaged" in broken.output
    assert len(broken.output.strip().splitlines()) == 1
    failed = run("captures", "export", str(tmp_path / "after"), env=env)
    assert failed.exit_code == 1 and failed.output.count("damaged: ") == 2
    assert "exported 1 capture (1 with its request)" in failed.output  # the other page


def test_captures_help() -> None:
    result = run("captures", "export", "--help")
    assert result.exit_code == 0
    assert "plain gzip'd WARC" in result.output and "--article" in result.output


@pytest.fixture
def fake_archive() -> Iterator[FakeArchive]:
    fake = FakeArchive(page_size=3)
    fake.start()
    yield fake
    fake.stop()


def test_backfill_compresses_each_version_against_the_articles_previous(
    db_url: str, fake_archive: FakeArchive
) -> None:
    from tests.collect.test_backfill import TEXT_B, backfill, fill_story, history
    from tests.collect.test_backfill import make_settings as backfill_settings
    from tests.collect.test_backfill import page as archived_page

    archive, fake_time = fake_archive, FakeTime()
    fill_story(archive)
    settings = backfill_settings(db_url, archive)
    directory = capture_dir(settings)
    assert directory is not None
    # a page of the archive's host is already the host's anchor
    host = urlsplit(archive.replay_url).netloc
    anchor = write_capture(
        directory,
        f"http://{host}/other",
        200,
        {},
        archived_page(TEXT_B).encode(),
        datetime.now(UTC),
        compact=True,
    )
    backfill(settings, fake_time)
    versions, _ = history(settings)
    refs = [CaptureRef(v.warc_file, v.warc_offset, v.warc_length) for v in versions]
    bases = [capstore.read_header(directory, ref).base for ref in refs]
    # the first against the host's anchor, the next ones against the first (depth 1, 2, 2)
    assert bases == [anchor, refs[0], refs[0]]


def test_an_archive_of_both_forms_reads_and_exports(
    site: Site, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    # captures kept plain before the compact form, then compact ones for the same article
    plain_settings = make_settings(db_url, captures={"compact": False})
    first = article_html("Barrier stays shut", [LEAD, SECOND]).encode()
    site.set("/news/barrier", first)
    track(plain_settings, site.url("/news/barrier"))
    poll(plain_settings, clock)
    settings = make_settings(db_url)
    second = article_html("Barrier stays shut", [LEAD, SECOND, THIRD]).encode()
    site.set("/news/barrier", second)
    clock.advance(minutes=20)
    poll(settings, clock)
    directory = capture_dir(settings)
    assert directory is not None
    v1, v2 = stored(settings, Version)
    refs = [CaptureRef(v.warc_file, v.warc_offset, v.warc_length) for v in (v1, v2)]
    assert refs[0].file.endswith(".warc.gz") and refs[1].file.endswith(".ndcap")
    assert [read_capture(directory, ref).body for ref in refs] == [first, second]
    assert capstore.read_header(directory, refs[1]).depth == 0  # a plain capture is no base

    env = {"NEWSDIFF_DATABASE_URL": db_url}
    for version in (v1, v2):
        extracted = run("extract", "--version", str(version.id), env=env)
        assert extracted.exit_code == 0 and "same text as stored" in extracted.output
    out = tmp_path / "both.warc.gz"
    exported = run("captures", "export", "--article", str(v1.article_id), str(out), env=env)
    assert exported.exit_code == 0, exported.output
    assert "exported 2 captures (2 with their requests)" in exported.output
    records = read_warc(out)
    assert [kind for kind, _, _ in records] == [
        "warcinfo",
        "response",
        "request",
        "response",
        "request",
    ]
    assert [p for kind, _, p in records if kind == "response"] == [first, second]
