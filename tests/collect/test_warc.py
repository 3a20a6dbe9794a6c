"""Raw captures: WARC records written, appended concurrently, read back, and kept by the poller
for each new version (and nothing else); ``newsdiff extract --version`` re-extracts them."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from newsdiff.collect.warc import (
    CaptureRef,
    capture_dir,
    read_capture,
    write_capture,
)
from newsdiff.config import Settings
from newsdiff.errors import NotFound, StoreError
from newsdiff.store.db import Database
from newsdiff.store.models import Check, Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site, article_html
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=UTC)
PAGE = "<html><head><title>Lamp</title></head><body><p>Caf\u00e9 l\u00e4mp {n}</p></body></html>"


def records(path: Path) -> list[tuple[str, str | None, int]]:
    """(type, target URI, offset) of every record in a WARC file, read by warcio alone."""
    out = []
    with open(path, "rb") as f:
        iterator = ArchiveIterator(f)
        for record in iterator:
            out.append(
                (
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    iterator.get_record_offset(),
                )
            )
    return out


# -- the file format -----------------------------------------------------------------------------


def test_round_trip_keeps_url_status_headers_and_decoded_body(tmp_path: Path) -> None:
    body = PAGE.format(n=1).encode("utf-8")
    headers = {
        "content-type": "text/html; charset=utf-8",
        "content-encoding": "gzip",  # httpx decoded it: the stored body is not gzip'd
        "transfer-encoding": "chunked",
        "content-length": "17",
        "etag": '"v1"',
    }
    ref = write_capture(tmp_path, "https://news.example/a?id=7", 200, headers, body, WHEN)
    assert ref.file == "newsdiff-2026-11-25.warc.gz"
    capture = read_capture(tmp_path, ref)
    assert capture.url == "https://news.example/a?id=7"
    assert capture.status == 200 and capture.body == body
    assert capture.headers == {
        "content-type": "text/html; charset=utf-8",
        "etag": '"v1"',
        "content-length": str(len(body)),
    }
    assert capture.charset == "utf-8"
    assert capture.captured_at == WHEN
    # the record alone is one gzip member holding a WARC/1.1 response
    with open(tmp_path / ref.file, "rb") as f:
        f.seek(ref.offset)
        member = gzip.decompress(f.read(ref.length))
    head = member.split(b"\r\n\r\n", 1)[0].decode()
    assert head.startswith("WARC/1.1\r\n")
    assert "WARC-Type: response" in head
    assert "WARC-Date: 2026-11-25T09:30:15.123456Z" in head
    assert b"HTTP/1.1 200 OK\r\n" in member


def test_file_opens_in_warcio_with_warcinfo_request_and_days(tmp_path: Path) -> None:
    first = write_capture(
        tmp_path,
        "https://news.example/a",
        200,
        {"content-type": "text/html"},
        b"<p>one</p>",
        WHEN,
        request_headers={"user-agent": "newsdiff-test/1.0", "accept": "text/html"},
    )
    second = write_capture(
        tmp_path, "https://news.example/b", 203, {}, b"<p>two</p>", WHEN + timedelta(hours=1)
    )
    next_day = write_capture(
        tmp_path, "https://news.example/c", 200, {}, b"<p>three</p>", WHEN + timedelta(days=1)
    )
    assert first.file == second.file != next_day.file == "newsdiff-2026-11-26.warc.gz"
    found = records(tmp_path / first.file)
    assert [(kind, url) for kind, url, _ in found] == [
        ("warcinfo", None),
        ("response", "https://news.example/a"),
        ("request", "https://news.example/a"),
        ("response", "https://news.example/b"),
    ]
    offsets = {url: offset for kind, url, offset in found if kind == "response"}
    assert offsets == {
        "https://news.example/a": first.offset,
        "https://news.example/b": second.offset,
    }
    assert read_capture(tmp_path, second).status == 203
    assert [kind for kind, _, _ in records(tmp_path / next_day.file)] == ["warcinfo", "response"]
    # warcio's own checker: every digest is right
    check = subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "check", str(tmp_path / first.file)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_missing_or_broken_capture_is_an_error(tmp_path: Path) -> None:
    ref = write_capture(tmp_path, "https://news.example/a", 200, {}, b"<p>x</p>", WHEN)
    with pytest.raises(StoreError, match="not a readable WARC record"):
        read_capture(tmp_path, CaptureRef(ref.file, ref.offset + 3, ref.length - 3))
    with pytest.raises(StoreError, match="no WARC response record"):  # the warcinfo record
        read_capture(tmp_path, CaptureRef(ref.file, 0, ref.offset))
    with pytest.raises(StoreError, match="cut short"):
        read_capture(tmp_path, CaptureRef(ref.file, ref.offset, ref.length + 10_000))
    with pytest.raises(NotFound, match="missing"):
        read_capture(tmp_path, CaptureRef("newsdiff-1999-01-01.warc.gz", 0, 10))
    with pytest.raises(StoreError, match="bad capture file name"):
        read_capture(tmp_path, CaptureRef("../etc/passwd", 0, 10))


_WRITER = """
import json, sys
from datetime import datetime, UTC
from pathlib import Path
from urllib.parse import urlsplit
from newsdiff.collect.warc import write_capture
directory, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
when = datetime(2026, 11, 25, 12, tzinfo=UTC)
refs = []
for i in range(count):
    body = (f"<p>{name} {i} " + "filler " * (i * 37 % 500) + "</p>").encode()
    ref = write_capture(directory, f"https://news.example/{name}/{i}", 200, {}, body, when)
    refs.append([ref.file, ref.offset, ref.length])
print(json.dumps(refs))
"""


def test_two_processes_append_concurrently(tmp_path: Path) -> None:
    count = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), name, str(count)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in ("left", "right")
    ]
    results = {}
    for name, proc in zip(("left", "right"), procs, strict=True):
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        results[name] = [CaptureRef(*row) for row in json.loads(out)]
    for name, refs in results.items():
        for i, ref in enumerate(refs):
            capture = read_capture(tmp_path, ref)
            assert capture.url == f"https://news.example/{name}/{i}"
            assert capture.body.startswith(f"<p>{name} {i} ".encode())
    found = records(tmp_path / "newsdiff-2026-11-25.warc.gz")
    assert [kind for kind, _, _ in found].count("warcinfo") == 1
    assert len(found) == 1 + 2 * count


def test_threads_append_concurrently(tmp_path: Path) -> None:
    refs: dict[str, CaptureRef] = {}
    lock = threading.Lock()

    def write(worker: int) -> None:
        for i in range(25):
            url = f"https://news.example/{worker}/{i}"
            ref = write_capture(tmp_path, url, 200, {}, f"<p>{url}</p>".encode(), WHEN)
            with lock:
                refs[url] = ref

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refs) == 100
    for url, ref in refs.items():
        assert read_capture(tmp_path, ref).body == f"<p>{url}</p>".encode()
    assert len(records(tmp_path / "newsdiff-2026-11-25.warc.gz")) == 101


# -- the poller keeps a capture for each new version --------------------------------------------

LEAD = (
    "The river authority said on Monday that the flood barrier at Eastwick would stay closed "
    "until the end of the month while engineers inspect the gates for damage from the storm."
)
SECOND = (
    "Residents of the low-lying streets near the barrier were told that sandbags would be "
    "handed out at the community hall, and that the footbridge would reopen in a few days."
)
THIRD = (
    "A spokeswoman for the authority added that the inspection had been planned for the "
    "spring but was brought forward after water was seen seeping under the northern gate."
)


def poll(settings: Settings, clock: Clock) -> None:
    from newsdiff.collect.poll import run_poll

    database = Database(settings.database.url)
    try:
        summary = run_poll(settings, database, force=True, clock=clock)
    finally:
        database.dispose()
    assert summary.failures == 0, summary.problems


def stored(settings: Settings, model: type) -> list:
    database = Database(settings.database.url)
    try:
        with database.read() as session:
            return list(session.scalars(select(model).order_by(model.id)))
    finally:
        database.dispose()


def track(settings: Settings, url: str, outlet: str | None = None) -> None:
    from newsdiff.collect.articles import track_url

    database = Database(settings.database.url)
    try:
        track_url(database, url, outlet=outlet)
    finally:
        database.dispose()


def responses(directory: Path) -> int:
    return sum(
        kind == "response" for path in directory.glob("*.warc.gz") for kind, _, _ in records(path)
    )


def test_poll_keeps_a_capture_per_new_version(site: Site, db_url: str, clock: Clock) -> None:
    # the captures of one day share a file: the clock keeps this test's hour of polls in one
    # day (conftest's Clock)
    # the plain form, read here by warcio alone (the compact one: test_captures_store.py)
    settings = make_settings(db_url, captures={"compact": False})
    directory = capture_dir(settings)
    assert directory is not None
    first = article_html("Barrier stays shut", [LEAD, SECOND]).encode()
    # served gzip'd: the capture holds the decoded page with a matching Content-Length
    site.set("/news/barrier", gzip.compress(first), headers={"Content-Encoding": "gzip"})
    track(settings, site.url("/news/barrier"))
    poll(settings, clock)
    (v1,) = stored(settings, Version)
    assert v1.warc_file and v1.warc_offset is not None and v1.warc_length
    capture = read_capture(directory, CaptureRef(v1.warc_file, v1.warc_offset, v1.warc_length))
    assert capture.body == first and capture.status == 200
    assert capture.url == site.url("/news/barrier")
    assert "content-encoding" not in capture.headers
    assert capture.headers["content-length"] == str(len(first))
    assert capture.captured_at == v1.captured_at
    # the request that got it follows the response, as web archives keep them
    with (directory / v1.warc_file).open("rb") as f:
        records = [(r.rec_type, r.http_headers) for r in ArchiveIterator(f)]
    assert [kind for kind, _ in records] == ["warcinfo", "response", "request"]
    sent = records[2][1]
    assert sent is not None and (sent.protocol, sent.statusline) == (
        "GET",
        "/news/barrier HTTP/1.1",
    )
    assert sent.get_header("User-Agent") == settings.fetch.user_agent
    assert sent.get_header("Host") == urlsplit(site.url("/")).netloc

    # same bytes, then other bytes with the same text: checks, no capture
    clock.advance(minutes=20)
    poll(settings, clock)
    site.set("/news/barrier", first.replace(b"<body>", b"<body><!-- build 2 -->"))
    clock.advance(minutes=20)
    poll(settings, clock)
    assert len(stored(settings, Version)) == 1 and len(stored(settings, Check)) == 3
    assert responses(directory) == 1

    second = article_html("Barrier stays shut", [LEAD, SECOND, THIRD]).encode()
    site.set("/news/barrier", second)
    clock.advance(minutes=20)
    poll(settings, clock)
    v1, v2 = stored(settings, Version)
    assert v2.warc_file == v1.warc_file and v2.warc_offset > v1.warc_offset
    assert (
        read_capture(directory, CaptureRef(v2.warc_file, v2.warc_offset, v2.warc_length)).body
        == second
    )
    assert responses(directory) == 2
    checks = stored(settings, Check)
    assert [c.outcome for c in checks] == ["new_version", "unchanged", "unchanged", "new_version"]
    assert all(c.warnings is None and c.error is None for c in checks)


def test_captures_off_keeps_none(site: Site, tmp_path: Path, clock: Clock) -> None:
    url = f"sqlite:///{tmp_path / 'off.sqlite'}"
    from newsdiff.store.db import migrate

    migrate(url)
    settings = make_settings(url, captures={"enabled": False})
    assert capture_dir(settings) is None
    site.set("/news/barrier", article_html("Barrier stays shut", [LEAD, SECOND]).encode())
    track(settings, site.url("/news/barrier"))
    poll(settings, clock)
    (version,) = stored(settings, Version)
    assert version.warc_file is None and version.warc_offset is None
    assert not list(tmp_path.rglob("*.warc.gz"))


def test_captures_go_to_the_configured_dir(
    site: Site, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    settings = make_settings(db_url, captures={"dir": str(tmp_path / "warcs")})
    site.set("/news/barrier", article_html("Barrier stays shut", [LEAD, SECOND]).encode())
    track(settings, site.url("/news/barrier"))
    poll(settings, clock)
    (version,) = stored(settings, Version)
    assert (tmp_path / "warcs" / str(version.warc_file)).is_file()


def test_rule_warnings_go_to_check_warnings(site: Site, db_url: str, clock: Clock) -> None:
    settings = make_settings(
        db_url,
        outlets={"Gazette": {"exclude_selectors": [".no-such-box"], "drop_paragraphs": ["^Zzz"]}},
    )
    site.set("/news/barrier", article_html("Barrier stays shut", [LEAD, SECOND]).encode())
    track(settings, site.url("/news/barrier"), outlet="Gazette")
    poll(settings, clock)
    (check,) = stored(settings, Check)
    assert check.outcome == "new_version" and check.error is None
    assert check.warnings is not None
    lines = check.warnings.split("\n")
    assert "outlet rule exclude_selectors '.no-such-box' matched nothing" in lines
    assert any("drop_paragraphs" in line and "Zzz" in line for line in lines)


# -- newsdiff extract --version ------------------------------------------------------------------


def test_cli_extract_version_reextracts_the_capture(
    site: Site, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    settings = make_settings(db_url)
    site.set("/news/barrier", article_html("Barrier stays shut", [LEAD, SECOND, THIRD]).encode())
    track(settings, site.url("/news/barrier"))
    poll(settings, clock)
    site.set("/news/barrier", b"<html>the page is gone now</html>")  # never fetched again
    (version,) = stored(settings, Version)
    env = {"NEWSDIFF_DATABASE_URL": db_url}

    text = run("extract", "--version", str(version.id), env=env)
    assert text.exit_code == 0, text.output
    assert f"stored:     version {version.id} (article {version.article_id} v1" in text.output
    assert "today:      same text as stored" in text.output
    assert f"[3] {THIRD}" in text.output

    as_json = run("extract", "--version", f"{version.article_id}:1", "--json", env=env)
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["paragraphs"] == [LEAD, SECOND, THIRD]
    assert data["stored"]["version_id"] == version.id and data["stored"]["same_text"] is True

    # today's rules differ from those the version was stored with: the text differs
    config = tmp_path / "rules.toml"
    host = site.url("/").split("/")[2]  # the outlet of an article tracked without one
    config.write_text(f'[outlets."{host}"]\ndrop_paragraphs = ["^A spokeswoman"]\n', "utf-8")
    changed = run("extract", "--version", str(version.id), "--config", str(config), env=env)
    assert changed.exit_code == 0, changed.output
    assert f"rules:      {host}" in changed.output
    assert "today:      DIFFERS from stored (same headline; 3 -> 2 paragraphs)" in changed.output

    # usage mistakes exit 2; a missing version or capture is one line and exit 1
    assert run("extract", env=env).exit_code == 2
    assert run("extract", "page.html", "--version", "1", env=env).exit_code == 2
    assert run("extract", "--version", "nonsense", env=env).exit_code == 2
    unknown = run("extract", "--version", "999", env=env)
    assert unknown.exit_code == 1 and "no version with id 999" in unknown.output
    (Path(str(capture_dir(settings))) / str(version.warc_file)).unlink()
    missing = run("extract", "--version", str(version.id), env=env)
    assert missing.exit_code == 1 and "missing" in missing.output
    assert len(missing.output.strip().splitlines()) == 1


def test_cli_extract_version_without_capture(site: Site, tmp_path: Path, clock: Clock) -> None:
    url = f"sqlite:///{tmp_path / 'off.sqlite'}"
    from newsdiff.store.db import migrate

    migrate(url)
    settings = make_settings(url, captures={"enabled": False})
    site.set("/news/barrier", article_html("Barrier stays shut", [LEAD, SECOND]).encode())
    track(settings, site.url("/news/barrier"))
    poll(settings, clock)
    result = run("extract", "--version", "1", env={"NEWSDIFF_DATABASE_URL": url})
    assert result.exit_code == 1
    assert "has no raw capture" in result.output
    assert len(result.output.strip().splitlines()) == 1
