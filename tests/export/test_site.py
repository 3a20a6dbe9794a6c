"""The static HTML site: files, links that resolve, escaped text, and a real browser's view."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from newsdiff.export import site as site_module
from newsdiff.export.site import SiteResult, export_site
from newsdiff.store.db import Database
from tests.export.conftest import Sample, build_sample

BASE = "https://archive.example.org/nd/"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def broken_links(root: Path) -> list[str]:
    """Every href/src of every page that points inside the site at a missing file, or at a
    place (``#id``) its page does not have."""
    broken = []
    pages = list(root.rglob("*.html"))
    assert pages
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme, f"{page}: unexpected link {link}"
            assert not link.startswith("/"), f"{page}: absolute path {link} does not open offline"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or not target.is_relative_to(root.resolve()):
                broken.append(f"{page.relative_to(root)} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                # a link to a place in a page: an element there has that id
                if f'id="{parts.fragment}"' not in target.read_text(encoding="utf-8"):
                    broken.append(f"{page.relative_to(root)} -> {link} (no such id)")
    return broken


def export(database: Database, out: Path, **kw: object) -> SiteResult:
    with database.read() as session:
        return export_site(session, out, **kw)  # type: ignore[arg-type]


def test_site_files_and_links(database: Database, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "site"
    calls: list[tuple[int, int]] = []
    result = export(database, out, base_url=BASE, progress=lambda d, t: calls.append((d, t)))
    assert (result.stories, result.articles, result.versions) == (1, 3, 5)
    assert calls[-1] == (3, 3)
    expected = [
        "index.html",
        "style.css",
        "feed.xml",
        "stories/council.html",
        "stories/council.xml",
        f"articles/{sample.a1}/index.html",
        f"articles/{sample.a1}/v1.html",
        f"articles/{sample.a1}/v2.html",
        f"articles/{sample.a1}/v3.html",
        f"articles/{sample.a2}/v2.html",
        f"articles/{sample.a3}/index.html",
    ]
    for path in expected:
        assert (out / path).is_file(), path
    assert broken_links(out) == []
    assert result.pages == len(list(out.rglob("*.html")))
    # the feeds link to pages that exist in the site
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert parsed.bozo == 0
    for entry in parsed.entries:
        assert (out / entry.link.removeprefix(BASE)).is_file()


def test_pages_show_history_and_diff(database: Database, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export(database, out)
    assert not (out / "feed.xml").exists()  # no base URL, no feed
    css = (out / "style.css").read_text(encoding="utf-8")
    assert "table.nd-diff del" in css and "table.nd-diff ins" in css
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "The council story" in index
    assert "Council review ordered" in index
    story = (out / "stories/council.html").read_text(encoding="utf-8")
    assert "Review ordered" in story and "2008-11-11" in story
    assert f"../articles/{sample.a1}/index.html" in story
    assert "No coverage linked." in story  # the event whose only article was unlinked
    history = (out / f"articles/{sample.a1}/index.html").read_text(encoding="utf-8")
    for n in (1, 2, 3):
        assert f'href="v{n}.html"' in history
    assert "changed between 2008-11-11 10:00 UTC and 2008-11-11 11:00 UTC" in history
    diff = (out / f"articles/{sample.a1}/v2.html").read_text(encoding="utf-8")
    assert '<table class="nd-diff">' in diff
    assert "<del>Monday</del>" in diff and "<ins>Tuesday</ins>" in diff
    assert 'href="v1.html"' in diff and 'href="v3.html"' in diff
    first = (out / f"articles/{sample.a1}/v1.html").read_text(encoding="utf-8")
    assert "on Monday, officials said." in first and "nd-diff" not in first


def add_dated_story(database: Database) -> None:
    """A story whose events are dated to the year, the month, and a range of days."""
    from datetime import date

    from newsdiff.store.models import Event, Story

    with database.write() as s:
        story = Story(slug="dates", title="Dated story", keywords=[])
        s.add(story)
        s.flush()
        s.add_all(
            [
                Event(
                    story_id=story.id,
                    slug="year",
                    title="Sometime that year",
                    date=date(2005, 1, 1),
                    date_precision="year",
                ),
                Event(
                    story_id=story.id,
                    slug="month",
                    title="Sometime that month",
                    date=date(2006, 12, 1),
                    date_precision="month",
                ),
                Event(
                    story_id=story.id,
                    slug="range",
                    title="Two weeks of hearings",
                    date=date(2008, 11, 13),
                    end_date=date(2008, 11, 26),
                ),
            ]
        )


def test_event_dates_at_their_precision(database: Database, sample: Sample, tmp_path: Path) -> None:
    add_dated_story(database)
    out = tmp_path / "site"
    export(database, out)
    story = (out / "stories/dates.html").read_text(encoding="utf-8")
    assert '<time datetime="2005">2005</time>Sometime that year' in story
    assert '<time datetime="2006-12">December 2006</time>Sometime that month' in story
    assert '<time datetime="2008-11-13">2008-11-13 – 2008-11-26</time>Two weeks' in story
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "3 events, 2005 – 2008-11-26" in index  # from the first date to the last day
    assert "2 events, 2008-11-11 – 2008-11-12" in index
    for page in (story, index):
        assert "2005-01-01" not in page and "2006-12-01" not in page


def test_version_page_links_live_page_and_wayback(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export(database, out)
    live = (out / f"articles/{sample.a1}/v2.html").read_text(encoding="utf-8")
    url = "https://daily.example/news/council-review"
    assert f'<a href="{url}" rel="nofollow noopener noreferrer">live page (today)</a> · ' in live
    # the Wayback Machine's capture nearest the version's time (v2: 2008-11-11 11:00 UTC)
    assert (
        f'<a href="https://web.archive.org/web/20081111110000/{url}" '
        'rel="nofollow noopener noreferrer">Wayback Machine (nearest 2008-11-11 11:00 UTC)</a>'
    ) in live
    assert ">original<" not in live
    # a version taken from the archive links to the very capture it came from
    archived = (out / f"articles/{sample.a2}/v2.html").read_text(encoding="utf-8")
    assert (
        '<a href="https://web.archive.org/web/20081112100000/https://other.example/2008/11/12/'
        'story" rel="nofollow noopener noreferrer">Wayback Machine (the capture this version '
        "was taken from)</a>"
    ) in archived


def test_wayback_link_keeps_the_url_escaped(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    from sqlalchemy import update

    from newsdiff.store.models import Version

    odd = 'https://daily.example/a?x=1&y="2"><script>alert(1)</script>'
    with database.write() as session:
        session.execute(
            update(Version).where(Version.article_id == sample.a1).values(final_url=odd)
        )
    out = tmp_path / "site"
    export(database, out)
    page = (out / f"articles/{sample.a1}/v2.html").read_text(encoding="utf-8")
    escaped = (
        "https://daily.example/a?x=1&amp;y=&quot;2&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert f'<a href="{escaped}" rel' in page
    assert f'<a href="https://web.archive.org/web/20081111110000/{escaped}" rel' in page
    assert "<script" not in page


def test_lists_read_rows_by_column_name(
    database: Database, sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index's lists read their rows by column name: with the columns of their SELECTs in
    reverse order the pages are the same."""
    from typing import Any

    export(database, tmp_path / "plain")

    def reversed_columns(build: Any) -> Any:
        def build_reversed(story: str | None) -> Any:
            stmt = build(story)
            return stmt.with_only_columns(*reversed(stmt.selected_columns))

        return build_reversed

    for name in ("_article_rows_stmt", "_recent_changes_stmt"):
        monkeypatch.setattr(site_module, name, reversed_columns(getattr(site_module, name)))
    export(database, tmp_path / "reversed")
    pages = sorted(p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        assert (tmp_path / "reversed" / page).read_bytes() == (
            tmp_path / "plain" / page
        ).read_bytes(), page


def test_article_text_is_escaped(database: Database, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export(database, out, base_url=BASE)
    pages = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    for path, text in pages.items():
        assert "<script" not in text, path
        assert "<b>bold" not in text, path
        assert "\x1b" not in text, path
    tricky = pages[out / f"articles/{sample.a2}/v1.html"]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in tricky
    assert "[red]not markup[/red] ␛[31mescape" in tricky
    assert "Headline with &quot;quotes&quot;, commas &amp; &lt;tags&gt;" in tricky


def test_story_only_site(database: Database, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "story-site"
    result = export(database, out, story=sample.story, base_url=BASE)
    assert (result.articles, result.versions) == (1, 3)
    assert not (out / f"articles/{sample.a2}").exists()
    assert not (out / "feed.xml").exists()
    assert (out / "stories/council.xml").is_file()
    assert broken_links(out) == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Articles covering the story (1)" in index
    assert "stories/council.xml" in index


def test_article_list_is_paginated(
    database: Database, sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(site_module, "PAGE_SIZE", 2)
    out = tmp_path / "site"
    export(database, out)
    assert (out / "articles-2.html").is_file()
    assert not (out / "articles-3.html").exists()
    assert 'href="articles-2.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_empty_archive(database: Database, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = export(database, out, base_url=BASE)
    assert result.articles == 0
    assert "No stories" in (out / "index.html").read_text(encoding="utf-8")
    assert feedparser.parse((out / "feed.xml").read_bytes()).bozo == 0
    assert broken_links(out) == []


def test_cli(tmp_path: Path) -> None:
    from tests.test_cli import run

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"NEWSDIFF_DATABASE_URL": url}
    assert run("init", env=env).exit_code == 0
    database = Database(url)
    build_sample(database)
    database.dispose()
    out = tmp_path / "site"
    result = run("export", "html", "--out", str(out), "--story", "council", env=env)
    assert result.exit_code == 0, result.output
    assert "1 stories, 1 articles, 3 versions" in result.output
    assert (out / "stories/council.xml").is_file()
    (tmp_path / "file").write_text("x")
    bad = run("export", "html", "--out", str(tmp_path / "file"), env=env)
    assert bad.exit_code == 2


# --- a real browser -------------------------------------------------------------------------


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(tmp_path: Path, *args: str) -> str:
    """Run headless Chromium with ``args``; returns what it printed on stdout."""
    browser = chromium()
    assert browser is not None
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args,
        ],
        check=True,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
    )
    return done.stdout


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """A minimal PNG decoder (8-bit RGB/RGBA, non-interlaced): width, height, RGB pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    pixels: list[tuple[int, int, int]] = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        pixels.extend((line[x], line[x + 1], line[x + 2]) for x in range(0, stride, bpp))
        prev = line
    return width, height, pixels


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_diff_page_in_headless_chromium(sqlite_url: str, tmp_path: Path) -> None:
    database = Database(sqlite_url)  # one backend is enough for what a browser shows
    sample = build_sample(database)
    out = tmp_path / "site"
    export(database, out)
    database.dispose()
    page = out / f"articles/{sample.a1}/v2.html"
    shot = tmp_path / "diff.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri())
    assert shot.is_file()
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    assert len(set(pixels)) > 50  # not blank
    # deleted words in red, inserted words in green (the diff CSS), the page styled from the
    # local stylesheet
    red = sum(1 for r, g, b in pixels if r > 140 and g < 80 and b < 90)
    green = sum(1 for r, g, b in pixels if g > 80 and r < 70 and b < 90 and g > r + 40)
    assert red > 30, red
    assert green > 30, green


# Measures every frame of the page it is put in, once all have loaded: the frame's width and
# scroll width, and for each row of the lists and of the diff, whether its cells with text (the
# paragraph numbers left out) sit side by side or one above the other. Written into the page as
# JSON, for --dump-dom.
MEASURE = """
addEventListener("load", () => {
  const frames = [];
  for (const frame of document.querySelectorAll("iframe")) {
    const doc = frame.contentDocument;
    let beside = 0, stacked = 0;
    for (const row of doc.querySelectorAll("table.nd-list tbody tr, table.nd-diff tr")) {
      const boxes = [...row.children]
        .filter((cell) => !cell.classList.contains("nd-num") && cell.textContent.trim())
        .map((cell) => cell.getBoundingClientRect())
        .filter((box) => box.width > 0 && box.height > 0);
      for (let i = 1; i < boxes.length; i++) {
        if (boxes[i].top >= boxes[i - 1].bottom - 1) stacked++; else beside++;
      }
    }
    frames.push({page: frame.getAttribute("src"), width: frame.contentWindow.innerWidth,
      scroll: doc.documentElement.scrollWidth, beside, stacked});
  }
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(frames);
  document.body.append(out);
});
"""


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_one_column_below_700px_in_headless_chromium(sqlite_url: str, tmp_path: Path) -> None:
    """Below 700 px wide the lists and the diff are one column and nothing scrolls sideways;
    at 1000 px the diff is side by side again."""
    import json
    import re

    from tests.export.conftest import build_edits_article

    database = Database(sqlite_url)
    sample = build_sample(database)
    edits = build_edits_article(database)
    export(database, tmp_path / "site")
    database.dispose()
    pages = [
        "index.html",
        "stories/council.html",
        f"articles/{sample.a1}/index.html",
        f"articles/{sample.a1}/v2.html",
        f"articles/{edits}/v2.html",  # the list of typed edits
    ]
    widths = (360, 699, 1000)
    frames = "".join(
        f'<iframe src="site/{page}" style="width:{width}px;height:600px;border:0"></iframe>\n'
        for width in widths
        for page in pages
    )
    host = tmp_path / "measure.html"
    host.write_text(
        f"<!DOCTYPE html>\n<html><body>\n{frames}<script>{MEASURE}</script>\n</body></html>\n",
        encoding="utf-8",
    )
    dom = run_chromium(
        tmp_path,
        "--allow-file-access-from-files",
        "--window-size=1200,900",
        "--dump-dom",
        host.as_uri(),
    )
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    measured = json.loads(found.group(1))
    assert [(m["page"], m["width"]) for m in measured] == [
        (f"site/{page}", width) for width in widths for page in pages
    ]
    for m in measured:
        assert m["scroll"] <= m["width"], m  # nothing wider than the window
        if m["width"] < 700:
            assert m["beside"] == 0 and m["stacked"] > 0, m
        else:
            assert m["beside"] > 0, m
    wide_diff = next(m for m in measured if m["width"] == 1000 and m["page"].endswith("/v2.html"))
    assert wide_diff["stacked"] == 0, wide_diff  # side by side: old on the left, new on the right


# --- typed edits on the pages -----------------------------------------------------------------


class EditRows(HTMLParser):
    """The text of each cell of the rows of ``table.nd-edits``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.depth = 0  # inside an nd-edits table
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "nd-edits" in classes:
            self.depth += 1
        elif self.depth and tag == "tr" and "nd-edit" in classes:
            self.rows.append([])
        elif self.depth and tag == "td":
            self.cell = []
        elif self.cell is not None and tag == "br":
            self.cell.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def edit_rows(page: str) -> list[list[str]]:
    parser = EditRows()
    parser.feed(page)
    return parser.rows


def version_row(history: str, number: int) -> str:
    start = history.index(f'<tr><td><a href="v{number}.html">')
    return history[start : history.index("</tr>", start)]


def test_version_pages_list_the_edits(database: Database, tmp_path: Path) -> None:
    from tests.export.conftest import build_edits_article

    aid = build_edits_article(database)
    out = tmp_path / "site"
    export(database, out)
    page = (out / f"articles/{aid}/v2.html").read_text(encoding="utf-8")
    section = page.index('<section class="nd-edits"><h2>Edits (6)</h2>')
    assert section < page.index('<table class="nd-diff">')  # above the diff
    assert "computed for this page: the version has not been analysed yet" in page
    rows = edit_rows(page)
    assert rows == [
        ["headline", "changed", "Inspectors to criticise council", "Inspectors criticise council"]
        + ["headline", ""],
        ["certainty", "firmer", "are expected to say", "said", "¶1", "markers: are expected to"],
        ["number silent", "changed", "12", "15", "¶1", "value: 12 → 15"],
        ["quote silent", "removed", "It was the worst case I had ever seen,", "", "¶2 (old)"]
        + ["speaker: Heather Brown"],
        ["source silent", "removed", "Heather Brown", "", "¶2 (old)"]
        + ["source: Heather Brown | anonymous: no"],
        ["source silent", "added", "", "spokesperson", "¶3"]
        + ["source: spokesperson | anonymous: yes"],
    ]
    assert edit_rows((out / f"articles/{aid}/v3.html").read_text(encoding="utf-8")) == [
        ["trivial", "changed", "declined", "declinde", "¶2", "what: spelling"]
    ]
    first = (out / f"articles/{aid}/v1.html").read_text(encoding="utf-8")
    assert "nd-edits" not in first
    # the version list shows each version's kinds as labels
    history = (out / f"articles/{aid}/index.html").read_text(encoding="utf-8")
    labels = [
        '<span class="nd-badge nd-k-headline">headline</span>',
        '<span class="nd-badge nd-k-number">number</span>',
        '<span class="nd-badge nd-k-quote">quote</span>',
        '<span class="nd-badge nd-k-source">source</span>',
        '<span class="nd-badge nd-k-certainty">certainty</span>',
        '<span class="nd-badge nd-silent"',
    ]
    v2 = version_row(history, 2)
    assert [v2.index(label) for label in labels] == sorted(v2.index(label) for label in labels)
    assert '<span class="nd-badge nd-k-trivial">trivial</span>' in version_row(history, 3)
    assert "nd-badge" not in version_row(history, 1)
    assert ".nd-badge" in (out / "style.css").read_text(encoding="utf-8")
    assert broken_links(out) == []


def test_pages_use_the_stored_edits(database: Database, tmp_path: Path) -> None:
    from sqlalchemy import update

    from newsdiff.diff.edits import ANALYSER_VERSION
    from newsdiff.store.analysis import analyse_versions
    from newsdiff.store.models import Edit
    from tests.export.conftest import build_edits_article

    aid = build_edits_article(database)
    out = tmp_path / "site"
    export(database, out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "nd-k-quote" not in index  # not analysed: no stored kinds to list
    analyse_versions(database)
    with database.write() as session:
        session.execute(
            update(Edit)
            .where(Edit.article_id == aid, Edit.kind == "number")
            .values(old="twelve", new="fifteen")
        )
    export(database, out)
    page = (out / f"articles/{aid}/v2.html").read_text(encoding="utf-8")
    assert f"analyser version {ANALYSER_VERSION}" in page and "computed for this page" not in page
    assert ["number silent", "changed", "twelve", "fifteen", "¶1", "value: 12 → 15"] in (
        edit_rows(page)
    )
    # the latest changes on the index show the stored kinds
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="nd-badge nd-k-quote">quote</span>' in index
    assert '<span class="nd-badge nd-k-trivial">trivial</span>' in index


def test_edit_text_is_escaped_on_the_pages(database: Database, tmp_path: Path) -> None:
    from sqlalchemy import update

    from newsdiff.store.analysis import analyse_versions
    from newsdiff.store.models import Edit, Version
    from tests.export.conftest import build_edits_article

    aid = build_edits_article(database)
    analyse_versions(database)
    odd = 'x" onclick="alert(1)'  # a kind the database holds, not one the analyser knows
    with database.write() as session:
        session.execute(
            update(Edit)
            .where(Edit.article_id == aid, Edit.kind == "quote")
            .values(
                kind=odd,
                old="<script>alert(1)</script> \x1b[31m",
                detail={"speaker": "<b>Bold</b>"},
            )
        )
        session.execute(
            update(Version)
            .where(Version.article_id == aid, Version.number == 2)
            .values(edit_kinds=f"number,{odd}")
        )
    out = tmp_path / "site"
    export(database, out)
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "<b>Bold" not in text, path
        assert "\x1b" not in text and 'onclick="' not in text, path
    page = (out / f"articles/{aid}/v2.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ␛[31m" in page
    assert "speaker: &lt;b&gt;Bold&lt;/b&gt;" in page
    assert '<span class="nd-badge nd-k-x">x&quot; onclick=&quot;alert(1)</span>' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="nd-badge nd-k-x">x&quot; onclick=&quot;alert(1)</span>' in index
