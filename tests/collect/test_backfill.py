"""Backfill from a web archive, against a fake archive on 127.0.0.1 (no network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from newsdiff.cli import main
from newsdiff.collect.archive import TokenBucket
from newsdiff.collect.backfill import run_backfill
from newsdiff.collect.backfill_report import BackfillSummary
from newsdiff.collect.cdx import archive_date, parse_cdx, parse_replay_url, parse_timestamp
from newsdiff.collect.warc import CaptureRef, capture_dir, read_capture
from newsdiff.config import Settings, settings_from_dict
from newsdiff.errors import ArchiveRateLimited, ConfigError
from newsdiff.store.articles import track_article
from newsdiff.store.db import Database
from newsdiff.store.history import merge_version
from newsdiff.store.models import Article, Check, Version
from newsdiff.store.versions import VersionFields, add_version, list_checks, list_versions
from tests.collect.fake_archive import FakeArchive
from tests.collect.server import article_html

URL = "https://news.example.org/local/bridge-closure"
T1, T2, T3, T4, T5, T6, T7 = (
    "20081103090000",
    "20081103150000",
    "20081104080000",
    "20081105120000",
    "20081106120000",
    "20081107120000",
    "20081108120000",
)

TITLE_A = "Old river bridge to close for repairs"
TITLE_B = "Old river bridge closes for three months"
P1 = (
    "The old stone bridge over the river at Millbrook will close to traffic next month so that "
    "engineers can replace the crumbling supports, the county council said on Monday evening."
)
P1_B = (
    "The old stone bridge over the river at Millbrook closed to traffic on Wednesday so that "
    "engineers can replace the crumbling supports, the county council confirmed."
)
P2 = (
    "Drivers will face a detour of about eleven miles through the neighbouring villages, and the "
    "bus company has warned that journeys into the town centre will take longer during the work."
)
P3 = (
    "Local shopkeepers said they feared losing passing trade and asked the council to keep a "
    "footpath open across the bridge for pedestrians and cyclists while the repairs go on."
)
P4 = (
    "A council spokeswoman said the footbridge would stay open at weekends and that the work was "
    "expected to take about three months if the weather held through the winter."
)
P5 = (
    "The contractor said divers had found more damage below the waterline than the survey had "
    "shown, and that the closure might last into the spring as a result of the extra work."
)

TEXT_A = (TITLE_A, [P1, P2, P3])
TEXT_B = (TITLE_B, [P1_B, P2, P3, P4])
TEXT_C = (TITLE_B, [P1_B, P2, P3, P4, P5])

ERROR_PAGE = """<!DOCTYPE html><html><head><title>Page not found</title></head>
<body><h1>Sorry</h1><p>We could not find that page.</p></body></html>"""


def page(text: tuple[str, list[str]], generated: str = "2008-11-03 09:00") -> str:
    return article_html(text[0], text[1], generated=generated)


class FakeTime:
    """An injectable monotonic clock and sleep: waits are recorded, never spent."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def archive() -> Iterator[FakeArchive]:
    fake = FakeArchive(page_size=3)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_settings(db_url: str, archive: FakeArchive, **archive_keys: Any) -> Settings:
    return settings_from_dict(
        {
            "database": {"url": db_url},
            "fetch": {"timeout_s": 5, "user_agent": "newsdiff-test/1.0"},
            "archive": {
                "cdx_url": archive.cdx_url,
                "replay_url": archive.replay_url,
                **archive_keys,
            },
        }
    )


def backfill(
    settings: Settings, fake_time: FakeTime, urls: list[str] | None = None, **kwargs: Any
) -> BackfillSummary:
    database = Database(settings.database.url)
    try:
        return run_backfill(
            settings,
            database,
            [URL] if urls is None else urls,
            clock=fake_time.clock,
            sleep=fake_time.sleep,
            **kwargs,
        )
    finally:
        database.dispose()


def history(settings: Settings, url: str = URL) -> tuple[list[Version], list[Check]]:
    database = Database(settings.database.url)
    try:
        with database.read() as session:
            article = session.scalars(select(Article).where(Article.url == url)).one()
            return list_versions(session, article.id), list_checks(session, article.id)
    finally:
        database.dispose()


def ts(value: str) -> datetime:
    return parse_timestamp(value)


def fill_story(archive: FakeArchive) -> None:
    """The article's archived life: A, A again (another page footer), an error page, B, a
    redirect to C's capture, C, then a redirect to another page."""
    archive.add(URL, T1, page(TEXT_A, "2008-11-03 09:00"))
    archive.add(URL, T2, page(TEXT_A, "2008-11-03 15:00"))
    archive.add(URL, T3, ERROR_PAGE)
    archive.add(URL, T4, page(TEXT_B))
    archive.add(URL, T5, b"", redirect_to=f"/web/{T6}id_/{URL}")
    archive.add(URL, T6, page(TEXT_C))
    archive.add(URL, T7, b"", redirect_to=f"/web/{T7}id_/https://news.example.org/")
    archive.add("https://news.example.org/", T7, page(("Front page", [P2, P3])))
    archive.trouble.malformed_lines = [
        f'["{T1[:7]}", "{URL}", "200"',  # cut short
        '["20081108000000", "not-a-url"]',  # wrong arity
    ]


# -- units ---------------------------------------------------------------------------------------


def test_parse_cdx_wayback_rows_with_resume_key_and_malformed_lines() -> None:
    body = (
        b'[["timestamp","original","statuscode","digest","mimetype"],\n'
        b'["20081103090000","https://a.example/x","200","AAA","text/html"],\n'
        b'["2008110","https://a.example/x","200"\n'
        b'["20081103","https://a.example/x","200","BBB","text/html"],\n'
        b'["notatime","https://a.example/x","200","CCC","text/html"],\n'
        b"[],\n"
        b'["resume-here"]]\n'
    )
    page = parse_cdx(body)
    assert [c.timestamp for c in page.captures] == ["20081103090000", "20081103000000"]
    assert page.resume_key == "resume-here"
    assert page.malformed == 2
    assert page.captures[0].source == "archive:20081103090000"
    assert page.captures[0].captured_at == datetime(2008, 11, 3, 9, 0, tzinfo=UTC)


def test_parse_cdx_pywb_json_lines_and_empty_answers() -> None:
    lines = (
        b'{"urlkey": "x", "timestamp": "20100101120000", "url": "http://b.example/", '
        b'"mime": "text/html", "status": "200", "digest": "D1"}\n'
        b"{broken\n"
    )
    page = parse_cdx(lines)
    assert len(page.captures) == 1 and page.malformed == 1
    capture = page.captures[0]
    assert (capture.original, capture.mimetype, capture.statuscode) == (
        "http://b.example/",
        "text/html",
        "200",
    )
    assert parse_cdx(b"").captures == [] and parse_cdx(b"[]\n").captures == []
    assert parse_cdx(b"[]\n").resume_key is None


def test_dates_and_replay_urls() -> None:
    assert archive_date("2008") == "2008"
    assert archive_date("2008-11") == "200811"
    assert archive_date("2008-11-12") == "20081112"
    assert archive_date("2008-11-12T09:30") == "200811120930"
    assert archive_date("20081112093000") == "20081112093000"
    for bad in ("yesterday", "2008-13", "2008-02-30", "123"):
        with pytest.raises(ConfigError):
            archive_date(bad)
    template = "https://web.archive.org/web/{timestamp}id_/{url}"
    assert parse_replay_url(
        template, "https://web.archive.org/web/20081103090000id_/http://a.example/x?y=1"
    ) == ("20081103090000", "http://a.example/x?y=1")
    assert parse_replay_url(template, "https://a.example/x") is None


def test_token_bucket_paces_requests(fake_time: FakeTime) -> None:
    bucket = TokenBucket(20 / 60, clock=fake_time.clock, sleep=fake_time.sleep)

    async def take(n: int) -> None:
        for _ in range(n):
            await bucket.acquire()

    asyncio.run(take(5))
    assert sum(fake_time.sleeps) == pytest.approx(12.0)  # 5 requests at 20 a minute
    fake_time.now += 60  # a quiet minute refills one token, not twenty
    fake_time.sleeps.clear()
    asyncio.run(take(2))
    assert sum(fake_time.sleeps) == pytest.approx(3.0)


def test_archive_config_keys_and_errors() -> None:
    settings = settings_from_dict({"archive": {"requests_per_minute": 6, "replay_per_second": 0.5}})
    assert settings.archive.requests_per_minute == 6
    assert settings.archive.replay_per_second == 0.5
    assert settings.archive.max_retries == 5
    with pytest.raises(ConfigError, match="archive.replay_url"):
        settings_from_dict({"archive": {"replay_url": "https://a.example/web/{url}"}})
    with pytest.raises(ConfigError, match="archive.requests_per_minute"):
        settings_from_dict({"archive": {"requests_per_minute": 0}})


# -- one article ---------------------------------------------------------------------------------


def test_backfill_one_article(db_url: str, archive: FakeArchive, fake_time: FakeTime) -> None:
    fill_story(archive)
    archive.trouble.cdx_429 = 1
    settings = make_settings(db_url, archive)
    summary = backfill(settings, fake_time)

    versions, checks = history(settings)
    assert [(v.number, v.title, v.captured_at, v.source) for v in versions] == [
        (1, TITLE_A, ts(T1), f"archive:{T1}"),
        (2, TITLE_B, ts(T4), f"archive:{T4}"),
        (3, TITLE_B, ts(T6), f"archive:{T6}"),
    ]
    assert versions[0].captured_at.tzinfo is not None
    assert versions[0].paragraph_list == TEXT_A[1]
    assert versions[2].paragraph_list == TEXT_C[1]
    assert versions[1].title_changed and versions[1].words_added > 0
    outcomes = {c.source: (c.outcome, c.checked_at) for c in checks}
    assert outcomes == {
        f"archive:{T1}": ("new_version", ts(T1)),
        f"archive:{T2}": ("unchanged", ts(T2)),
        f"archive:{T3}": ("error", ts(T3)),
        f"archive:{T4}": ("new_version", ts(T4)),
        f"archive:{T5}": ("new_version", ts(T6)),  # redirected: dated by the capture served
        f"archive:{T6}": ("unchanged", ts(T6)),
        f"archive:{T7}": ("error", ts(T7)),  # redirected to another page: nothing stored
    }
    by_source = {c.source: c for c in checks}
    assert "news.example.org/" in (by_source[f"archive:{T7}"].error or "")
    assert by_source[f"archive:{T5}"].final_url == URL
    assert len(checks) == 7

    # every replay asked for the original bytes; the CDX was paged with resume keys
    replays = archive.paths("/web/")
    assert replays and all("id_/" in p for p in replays)
    assert all("TOOLBAR" not in v.paragraphs for v in versions)
    cdx = archive.paths("/cdx")
    assert any("resumeKey=" in p for p in cdx)
    assert all("collapse=digest" in p and "filter=statuscode%3A200" in p for p in cdx)
    # 429 honoured its Retry-After, and CDX queries were paced at 20 a minute
    assert 7.0 in fake_time.sleeps
    assert sum(fake_time.sleeps) >= 3.0 * (len(cdx) - 1)

    assert (summary.captures, summary.new_versions, summary.unchanged, summary.errors) == (
        7,
        3,
        2,
        2,
    )
    assert summary.malformed_lines == 2
    assert "2 malformed CDX lines skipped" in summary.line()

    # a raw capture of the archive's response for each version stored, none for the others
    directory = capture_dir(settings)
    assert directory is not None
    for version in versions:
        assert version.warc_file and version.warc_offset is not None and version.warc_length
        ref = CaptureRef(version.warc_file, version.warc_offset, version.warc_length)
        raw = read_capture(directory, ref)
        timestamp = (version.source or "").removeprefix("archive:")
        assert raw.url == archive.replay_url.format(timestamp=timestamp, url=URL)
        assert raw.status == 200 and raw.headers["content-type"].startswith("text/html")
        served = next(c for c in archive.captures if (c.url, c.timestamp) == (URL, timestamp))
        assert raw.body == served.body
    # every record in the captures dir, whatever its form, exported as plain WARC
    from newsdiff.collect.capexport import export_captures

    out = directory.parent / "all-captures.warc.gz"
    export_captures(directory, out)
    with out.open("rb") as f:
        responses = sum(r.rec_type == "response" for r in ArchiveIterator(f))
    assert responses == 3


def test_rerun_and_resume_after_interruption(
    db_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    from newsdiff.collect.extract import extract_article

    fill_story(archive)
    settings = make_settings(db_url, archive)
    calls = 0

    class Interrupted(Exception):
        pass

    def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise Interrupted("the machine went down")
        return extract_article(*args, **kwargs)

    with pytest.raises(Interrupted):
        backfill(settings, fake_time, extractor=flaky)
    versions, checks = history(settings)
    assert [c.source for c in checks] == [f"archive:{T1}", f"archive:{T2}"]
    assert len(versions) == 1

    before = len(archive.paths("/web/"))
    summary = backfill(settings, fake_time)
    replayed = archive.paths("/web/")[before:]
    assert not any(f"/web/{T1}" in p or f"/web/{T2}" in p for p in replayed)
    assert summary.already_done == 2
    versions, checks = history(settings)
    assert [v.source for v in versions] == [f"archive:{T1}", f"archive:{T4}", f"archive:{T6}"]
    sources = [c.source for c in checks]
    assert len(sources) == len(set(sources)) == 7

    # a third run costs only the CDX listing
    before = len(archive.paths("/web/"))
    again = backfill(settings, fake_time)
    assert again.already_done == 7 and again.new_versions == 0
    assert len(archive.paths("/web/")) == before

    # --retry-errors takes the failed captures again (and only those)
    retried = backfill(settings, fake_time, retry_errors=True)
    assert retried.already_done == 5 and retried.errors == 2


def test_empty_result_stores_nothing(
    db_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    settings = make_settings(db_url, archive)
    summary = backfill(settings, fake_time, ["https://news.example.org/never-archived"])
    assert (summary.urls, summary.urls_failed, summary.captures) == (1, 0, 0)
    database = Database(db_url)
    try:
        with database.read() as session:
            assert session.scalars(select(Article)).first() is None
    finally:
        database.dispose()


# -- politeness ----------------------------------------------------------------------------------


def test_repeated_429_stops_with_a_message(
    sqlite_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    fill_story(archive)
    archive.trouble.cdx_429 = 100
    settings = make_settings(sqlite_url, archive, max_retries=3)
    with pytest.raises(ArchiveRateLimited, match="429 Too Many Requests 4 times in a row"):
        backfill(settings, fake_time)
    assert len(archive.paths("/cdx")) == 4
    assert fake_time.sleeps.count(7.0) == 3  # each Retry-After honoured


def test_long_retry_after_stops_at_once(
    sqlite_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    fill_story(archive)
    archive.trouble.cdx_429 = 1
    archive.trouble.retry_after = "3600"
    settings = make_settings(sqlite_url, archive)
    with pytest.raises(ArchiveRateLimited, match="wait 3600s"):
        backfill(settings, fake_time)
    assert len(archive.paths("/cdx")) == 1 and fake_time.sleeps == []


def test_5xx_backs_off_exponentially(
    sqlite_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    archive.add(URL, T1, page(TEXT_A))
    archive.trouble.replay_503 = 3
    settings = make_settings(sqlite_url, archive, replay_per_second=1000.0)
    summary = backfill(settings, fake_time)
    assert summary.new_versions == 1 and summary.retries == 3
    assert [s for s in fake_time.sleeps if s >= 1] == [1.0, 2.0, 4.0]


# -- merging with live versions ------------------------------------------------------------------


def _live(database: Database, text: tuple[str, list[str]], when: datetime) -> int:
    with database.write() as session:
        article, _ = track_article(session, URL, now=when)
        add_version(
            session,
            article,
            VersionFields(
                title=text[0],
                paragraphs=text[1],
                extractor="test",
                extractor_version="1",
            ),
            captured_at=when,
        )
        return article.id


def _live_in(db_url: str, text: tuple[str, list[str]], when: datetime) -> None:
    database = Database(db_url)
    try:
        _live(database, text, when)
    finally:
        database.dispose()


def test_archived_version_goes_before_live_one(
    db_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    from newsdiff.diff import Document, compare

    live_at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    _live_in(db_url, TEXT_B, live_at)
    archive.add(URL, T1, page(TEXT_A))
    settings = make_settings(db_url, archive)
    backfill(settings, fake_time)

    versions, _ = history(settings)
    assert [(v.number, v.source, v.captured_at) for v in versions] == [
        (1, f"archive:{T1}", ts(T1)),
        (2, "live", live_at),
    ]
    expected = compare(Document(*TEXT_A), Document(*TEXT_B)).stats
    live = versions[1]
    assert (live.words_added, live.words_removed, live.paragraphs_inserted) == (
        expected.words_added,
        expected.words_removed,
        expected.paragraphs_inserted,
    )
    assert live.title_changed


def test_merge_inserts_between_and_moves_earlier(
    db_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    from newsdiff.diff import Document, compare

    live_at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    _live_in(db_url, TEXT_C, live_at)
    archive.add(URL, T1, page(TEXT_A))
    archive.add(URL, T4, page(TEXT_B))
    archive.add(URL, T6, page(TEXT_C))  # the archive saw the live text first
    settings = make_settings(db_url, archive)
    summary = backfill(settings, fake_time)

    versions, checks = history(settings)
    assert [(v.number, v.title, v.captured_at, v.source) for v in versions] == [
        (1, TITLE_A, ts(T1), f"archive:{T1}"),
        (2, TITLE_B, ts(T4), f"archive:{T4}"),
        (3, TITLE_B, ts(T6), f"archive:{T6}"),
    ]
    assert summary.moved_earlier == 1
    expected = compare(Document(*TEXT_B), Document(*TEXT_C)).stats
    assert (versions[2].words_added, versions[2].paragraphs_inserted) == (
        expected.words_added,
        expected.paragraphs_inserted,
    )
    assert not versions[2].title_changed
    database = Database(db_url)
    try:
        with database.read() as session:
            article = session.scalars(select(Article)).one()
            assert article.version_count == 3
            assert article.last_checked_at == ts(T6)
    finally:
        database.dispose()
    assert [c.outcome for c in checks] == ["new_version", "new_version", "unchanged"]


def test_merge_version_keeps_numbers_in_time_order(database: Database) -> None:
    texts = [
        (f"Headline {i}", [f"Paragraph number {i} of the story, written for this test."])
        for i in range(6)
    ]
    days = [datetime(2020, 1, d, tzinfo=UTC) for d in (2, 4, 6, 8)]
    with database.write() as session:
        article, _ = track_article(session, URL, now=days[0])
        for day, text in zip(days, texts[:4], strict=True):
            merge_version(
                session,
                article,
                VersionFields(
                    title=text[0],
                    paragraphs=text[1],
                    source="live",
                    extractor="t",
                    extractor_version="1",
                ),
                captured_at=day,
            )
    with database.write() as session:
        article = session.scalars(select(Article)).one()
        for day, text in ((1, texts[4]), (5, texts[5])):
            result = merge_version(
                session,
                article,
                VersionFields(
                    title=text[0],
                    paragraphs=text[1],
                    source="archive:x",
                    extractor="t",
                    extractor_version="1",
                ),
                captured_at=datetime(2020, 1, day, tzinfo=UTC),
            )
            assert result.placement == "inserted"
        same = merge_version(
            session,
            article,
            VersionFields(
                title=texts[0][0],
                paragraphs=texts[0][1],
                source="archive:y",
                extractor="t",
                extractor_version="1",
            ),
            captured_at=datetime(2020, 1, 3, tzinfo=UTC),
        )
        assert same.placement == "same_as_previous" and same.outcome == "unchanged"
    with database.read() as session:
        rows = list_versions(session, article.id)
        assert [v.number for v in rows] == [1, 2, 3, 4, 5, 6]
        assert [v.captured_at.day for v in rows] == [1, 2, 4, 5, 6, 8]
        assert [v.title for v in rows] == [
            "Headline 4",
            "Headline 0",
            "Headline 1",
            "Headline 5",
            "Headline 2",
            "Headline 3",
        ]
        assert rows[0].paragraphs_inserted == 1 and rows[1].title_changed


# -- story discovery -----------------------------------------------------------------------------


def fill_prefix(archive: FakeArchive) -> None:
    base = "https://news.example.org/local/"
    archive.add(base + "bridge-closure", T1, page(TEXT_A))
    archive.add(base + "bridge-closure", T4, page(TEXT_B))
    archive.add(
        base + "cake-contest",
        T2,
        page(("Village show crowns a new baker", [P2.replace("bridge", "hall"), P3, P4])),
    )
    archive.add(base + "footpath", T3, page(("Footpath reopens", [P5, P3])))
    archive.add(base + "map.png", T3, b"\x89PNG", mimetype="image/png")
    archive.add("https://news.example.org/sport/match", T3, page(("Cup tie", [P2, P3])))


def test_story_discovery_keeps_matching_urls(
    db_url: str, archive: FakeArchive, fake_time: FakeTime
) -> None:
    fill_prefix(archive)
    settings = make_settings(db_url, archive)

    def about(headline: str, text: str) -> bool:
        return "bridge" in headline.lower()

    summary = backfill(
        settings,
        fake_time,
        [],
        story=("bridge", "https://news.example.org/local/", about),
        max_urls=2,
    )
    assert (summary.discovered, summary.examined, summary.over_limit) == (3, 2, 1)
    assert (summary.matched, summary.off_story) == (1, 1)
    assert summary.new_versions == 2
    line = summary.story_line() or ""
    assert "1 matched the story" in line and "1 off-story" in line and "1 over --max-urls" in line
    cdx = archive.paths("/cdx")
    assert any("matchType=prefix" in p for p in cdx)
    assert not any("sport" in p for p in archive.paths("/web/"))


# -- the command line ----------------------------------------------------------------------------


@click.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _entry(args: tuple[str, ...]) -> None:
    main(list(args))


def run(*args: str, config: Path) -> Result:
    return CliRunner().invoke(_entry, ["--config", str(config), *args], catch_exceptions=False)


@pytest.fixture
def config(tmp_path: Path, archive: FakeArchive) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[database]
url = "sqlite:///{tmp_path / "cli.sqlite"}"
[fetch]
timeout_s = 5
[archive]
cdx_url = "{archive.cdx_url}"
replay_url = "{archive.replay_url}"
requests_per_minute = 60000
replay_per_second = 1000.0
""",
        encoding="utf-8",
    )
    assert run("init", config=path).exit_code == 0
    return path


def test_cli_backfill_then_versions(config: Path, archive: FakeArchive, tmp_path: Path) -> None:
    fill_story(archive)
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# the bridge story\n{URL}\n\n{URL}\n", encoding="utf-8")
    result = run("backfill", "--file", str(listing), "--from", "2008-11", config=config)
    assert result.exit_code == 0, result.output
    assert "backfill: 1 URLs (0 failed), 7 captures (0 already done), 3 new versions" in (
        result.output
    )
    shown = run("versions", URL, "--json", config=config)
    data = json.loads(shown.output)
    assert [d["source"] for d in data] == [f"archive:{T1}", f"archive:{T4}", f"archive:{T6}"]
    as_json = run("backfill", URL, "--json", config=config)
    assert json.loads(as_json.output)["already_done"] == 7


def test_cli_usage_errors_exit_2(config: Path) -> None:
    assert run("backfill", config=config).exit_code == 2
    bad_date = run("backfill", URL, "--from", "last week", config=config)
    assert bad_date.exit_code == 2 and "--from" in bad_date.output
    assert run("backfill", "--story", "x", config=config).exit_code == 2
    assert run("backfill", URL, "--story", "x", "--prefix", URL, config=config).exit_code == 2


def test_cli_unlistable_url_exits_1(config: Path, archive: FakeArchive) -> None:
    archive.trouble.cdx_429 = 100
    archive.trouble.retry_after = "3600"
    result = run("backfill", URL, config=config)
    assert result.exit_code == 1
    assert "3600" in result.output and "Traceback" not in result.output


def test_cli_story_uses_the_story_keywords(
    config: Path, archive: FakeArchive, tmp_path: Path
) -> None:
    fill_prefix(archive)
    story = tmp_path / "bridge.toml"
    story.write_text(
        """
[story]
slug = "millbrook-bridge"
title = "The Millbrook bridge closure"
keywords = ["Millbrook", "bridge"]

[[events]]
slug = "closure"
date = 2008-11-05
title = "The bridge closes"
keywords = ["closed", "detour"]
""",
        encoding="utf-8",
    )
    assert run("story", "import", str(story), config=config).exit_code == 0
    result = run(
        "backfill",
        "--story",
        "millbrook-bridge",
        "--prefix",
        "https://news.example.org/local/",
        config=config,
    )
    assert result.exit_code == 0, result.output
    assert "story millbrook-bridge: 3 URLs found" in result.output
    assert "1 matched the story" in result.output and "2 off-story" in result.output
