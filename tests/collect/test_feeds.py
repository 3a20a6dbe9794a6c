"""Feed parsing: unit cases, and robustness over the shared corpora (skipped when absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdiff.collect.feeds import parse_feed
from newsdiff.errors import FeedError
from tests.conftest import CORPORA

REAL = CORPORA / "feeds-real"
FEEDPARSER = CORPORA / "feeds-feedparser"


def test_relative_links_resolve_against_final_url() -> None:
    doc = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>A</title><link>/news/a</link></item></channel></rss>"""
    parsed = parse_feed(doc, {"Content-Type": "application/rss+xml"}, "https://example.org/feeds/x")
    assert [i.link for i in parsed.items] == ["https://example.org/news/a"]


def test_atom_with_dates() -> None:
    doc = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>Atom</title><entry><title>One</title><link href="https://example.org/1"/>
    <id>tag:1</id><updated>2008-11-11T10:00:00Z</updated></entry></feed>"""
    parsed = parse_feed(doc, {}, "https://example.org/atom")
    assert parsed.title == "Atom"
    assert parsed.items[0].published_at is not None
    assert parsed.items[0].published_at.isoformat() == "2008-11-11T10:00:00+00:00"


def test_entries_without_links_are_counted() -> None:
    doc = b"""<rss version="2.0"><channel><title>T</title><item><title>No link</title></item>
    <item><title>Ok</title><link>https://example.org/ok</link></item></channel></rss>"""
    parsed = parse_feed(doc, {}, "https://example.org/rss")
    assert len(parsed.items) == 1 and parsed.skipped == 1
    assert parsed.warning and "1 entries without a usable link" in parsed.warning


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError):
        parse_feed(
            b"<html><body><p>Hello</p></body></html>",
            {"Content-Type": "text/html"},
            "https://e.org/",
        )


@pytest.mark.skipif(not REAL.is_dir(), reason="shared corpora absent")
@pytest.mark.parametrize(
    "path", sorted(REAL.glob("*.*")) if REAL.is_dir() else [], ids=lambda p: p.name
)
def test_real_feeds(path: Path) -> None:
    if path.name == "LICENSE":
        pytest.skip("not a feed")
    data = path.read_bytes()
    is_html = data.lstrip()[:20].lower().startswith((b"<head", b"<html", b"<!doctype html"))
    try:
        parsed = parse_feed(data, {}, f"https://example.org/{path.name}")
    except FeedError:
        if is_html:
            return  # an HTML page saved under a feed's name: refusing it is right
        pytest.fail(f"{path.name}: a real feed was refused")
    assert not is_html, "an HTML page was taken for a feed"
    assert parsed.items or parsed.skipped or parsed.title is not None
    for item in parsed.items:
        assert item.link.startswith(("http://", "https://"))


def _fixtures() -> list[Path]:
    if not FEEDPARSER.is_dir():
        return []
    return sorted(p for p in FEEDPARSER.rglob("*.xml") if p.is_file())


@pytest.mark.skipif(not FEEDPARSER.is_dir(), reason="shared corpora absent")
@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_feedparser_fixtures_never_crash(path: Path) -> None:
    data = path.read_bytes()
    head = data[:2000].decode("latin-1")
    headers = dict(re.findall(r"^Header:\s*([\w-]+):\s*(.+?)\s*$", head, re.MULTILINE))
    try:
        parsed = parse_feed(data, headers, "https://example.org/feed.xml")
    except FeedError:
        return  # a clear refusal is fine; a crash is not
    expect = re.search(r"^Expect:\s*(.+)$", head, re.MULTILINE)
    if expect and "not bozo" in expect.group(1) and parsed.items:
        assert parsed.warning is None or "without a usable link" in parsed.warning


def test_adding_a_feed_again_keeps_its_outlet(tmp_path: Path) -> None:
    """Issue 15: re-running `feeds add URL` moved the feed to an outlet named after its host
    while printing "already known"; with --outlet it moves, and says so."""
    from click.testing import CliRunner

    from newsdiff.cli import cli
    from newsdiff.store.db import migrate

    url = f"sqlite:///{tmp_path / 'nd.sqlite'}"
    migrate(url)
    env = {"NEWSDIFF_DATABASE_URL": url}
    runner = CliRunner()
    feed = "https://news.example.org/rss.xml"
    first = runner.invoke(cli, ["feeds", "add", feed, "--outlet", "Example News"], env=env)
    assert first.exit_code == 0 and "added" in first.output
    again = runner.invoke(cli, ["feeds", "add", feed], env=env)
    assert again.exit_code == 0 and "already known" in again.output
    assert "Example News" in again.output and "changed" not in again.output
    listed = runner.invoke(cli, ["feeds", "list", "--json"], env=env)
    assert '"outlet": "Example News"' in listed.output
    moved = runner.invoke(cli, ["feeds", "add", feed, "--outlet", "Other Paper"], env=env)
    assert "outlet changed from Example News to Other Paper" in moved.output
    listed = runner.invoke(cli, ["feeds", "list", "--json"], env=env)
    assert '"outlet": "Other Paper"' in listed.output
