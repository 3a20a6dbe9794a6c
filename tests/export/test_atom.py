"""The Atom feed of changes: valid (feedparser, no bozo), newest first, saying what changed."""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import pytest

from newsdiff.diff import Document, compare
from newsdiff.errors import ConfigError, NotFound
from newsdiff.export.atom import build_feed, describe_change, display
from newsdiff.store.db import Database
from newsdiff.store.models import Article
from tests.export.conftest import A1_V3, T0, H, Sample, put_version

BASE = "https://archive.example.org/newsdiff/"
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(database: Database, **kw: Any) -> tuple[bytes, Any]:
    with database.read() as session:
        data = build_feed(session, base_url=BASE, **kw)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return data, parsed


def test_site_wide_feed(database: Database, sample: Sample) -> None:
    data, parsed = feed(database)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "newsdiff: changes"
    assert parsed.feed.id == BASE + "feed.xml"
    assert parsed.feed.author == "newsdiff"
    assert {link.rel: link.href for link in parsed.feed.links} == {
        "self": BASE + "feed.xml",
        "alternate": BASE + "index.html",
    }
    entries = parsed.entries
    assert len(entries) == 5  # every version, first versions as "first seen"
    times = [calendar.timegm(e.updated_parsed) for e in entries]
    assert times == sorted(times, reverse=True)  # newest first
    assert times[0] == int((T0 + 24.5 * H).timestamp())
    assert calendar.timegm(parsed.feed.updated_parsed) == times[0]
    top = entries[0]
    assert top.title == 'v2: Headline with "quotes", commas & <tags>'
    assert top.link == f"{BASE}articles/{sample.a2}/v2.html"
    assert top.id.startswith(f"{BASE}articles/{sample.a2}/index.html#capture-20081112T093000Z-")
    assert len({e.id for e in entries}) == len(entries)
    assert top.author == "The Other, Paper"
    assert any(
        link.rel == "related" and link.href == "https://other.example/2008/11/12/story"
        for link in top.links
    )
    assert "1 paragraph added" in top.summary


def test_entries_say_what_changed(database: Database, sample: Sample) -> None:
    _, parsed = feed(database, story=sample.story)
    by_title = {e.title: e for e in parsed.entries}
    assert list(by_title) == [
        "v3: Council review ordered",
        "v2: Council review ordered",
        "v1: Council faces review",
    ]
    v2 = by_title["v2: Council review ordered"].summary
    assert "Headline: “Council faces review” → “Council review ordered”" in v2
    assert "+9 \u22121 words · 1 paragraph added, 1 modified" in v2
    assert (
        "¶1: Inspectors begin a review of the council's children's services on "
        "[-Monday-]{+Tuesday+}, officials said."
    ) in v2
    assert "¶3 added: {+A spokesperson promised full cooperation with the inspectors.+}" in v2
    v3 = by_title["v3: Council review ordered"].summary
    assert "¶2 removed: [-The council has declined to comment on the timing of the review.-]" in v3
    assert by_title["v1: Council faces review"].summary.startswith("First seen: 2 paragraphs")
    # the HTML content marks deletions and insertions like the terminal
    content = by_title["v2: Council review ordered"].content[0]
    assert content.type == "text/html"
    assert "<ins" in content.value and "Tuesday" in content.value


def test_entry_ids_survive_renumbering(database: Database, sample: Sample) -> None:
    """A backfill inserts an older capture as v1 and renumbers the rest: every entry keeps its
    id, and the new one gets an id of its own."""
    from sqlalchemy import update

    from newsdiff.store.models import Version

    _, before = feed(database, article=sample.a1)
    ids = {e.updated: e.id for e in before.entries}
    with database.write() as session:
        session.execute(
            update(Version)
            .where(Version.article_id == sample.a1)
            .values(number=Version.number + 10)
        )
        session.execute(
            update(Version).where(Version.article_id == sample.a1).values(number=Version.number - 9)
        )
        article = session.get(Article, sample.a1)
        assert article is not None
        put_version(session, article, 1, T0 - 24 * H, "Council faces review", ["An early text."])
        article.version_count = 4
    _, after = feed(database, article=sample.a1)
    assert len(after.entries) == 4
    again = {e.updated: e.id for e in after.entries}
    for when, old_id in ids.items():
        assert again[when] == old_id
    assert len(set(again.values())) == 4


def test_story_and_article_feeds(database: Database, sample: Sample) -> None:
    _, parsed = feed(database, story=sample.story)
    assert parsed.feed.title == "newsdiff: changes in coverage of The council story"
    assert parsed.feed.id == BASE + "stories/council.xml"
    assert {e.link.rsplit("/", 2)[1] for e in parsed.entries} == {str(sample.a1)}
    _, parsed = feed(database, article=sample.a2, changes_only=True)
    assert [e.title.split(":")[0] for e in parsed.entries] == ["v2"]
    _, parsed = feed(database, limit=2)
    assert len(parsed.entries) == 2


def test_untrusted_text_is_escaped_and_xml_safe(database: Database, sample: Sample) -> None:
    with database.write() as session:
        article = session.get(Article, sample.a1)
        assert article is not None
        put_version(
            session,
            article,
            4,
            T0 + 48 * H,
            "Breaking: <script>alert(1)</script> \x1b[31mred\x1b[0m & \x01soh",
            [*A1_V3, "Added: </content></entry> ]]> \x07"],
        )
    data, parsed = feed(database, limit=1)
    assert b"\x1b" not in data and b"\x01" not in data and b"\x07" not in data
    assert b"<script>" not in data
    entry = ET.fromstring(data).find(f"{ATOM}entry")
    assert entry is not None
    title = entry.findtext(f"{ATOM}title")
    assert title == "v4: Breaking: <script>alert(1)</script> ␛[31mred␛[0m & ␁soh"
    content = entry.findtext(f"{ATOM}content") or ""
    assert "<script>" not in content  # the HTML content escapes the text once more
    assert "&lt;script&gt;" in content
    assert "&lt;/content&gt;&lt;/entry&gt; ]]&gt; ␇" in content
    assert parsed.entries[0].title == title


def test_passages_keep_the_changed_sentence() -> None:
    filler = "The committee met on several occasions during the year. " * 3
    others = [
        f"Paragraph {n} tells the reader about the events of the week in detail." for n in (3, 4, 5)
    ]
    old = Document(
        "Title",
        [
            filler + "The chair said on Monday that the plan would go ahead. " + filler,
            "Unchanged.",
            *others,
        ],
    )
    new = Document(
        "Title",
        [
            filler + "The chair said on Tuesday that the plan would go ahead. " + filler,
            "Unchanged.",
            *(p.replace("week", "month") for p in others),
        ],
    )
    summary = describe_change(compare(old, new))
    first = summary.text.splitlines()[1]
    assert first == (
        "¶1: … The chair said on [-Monday-]{+Tuesday+} that the plan would go ahead. …"
    )
    assert summary.text.splitlines()[-1] == "… and 1 more changed paragraph"
    assert "Headline" not in summary.text
    assert '<del style="' in summary.html and '<ins style="' in summary.html


def test_moved_paragraph_is_labelled() -> None:
    a, b, c = "Alpha paragraph here.", "Beta paragraph there.", "Gamma paragraph everywhere."
    diff = compare(Document("T", [a, b, c]), Document("T", [c, a, b]))
    if not any(p.kind == "moved" for p in diff.paragraphs):
        pytest.skip("the diff engine did not report a move here")
    assert "moved from ¶" in describe_change(diff).text


def test_display_makes_controls_visible() -> None:
    assert display("a\x1b[1mb\x00\ufffe") == "a␛[1mb␀\ufffd"
    assert display(None) == ""


def test_errors(database: Database, sample: Sample) -> None:
    with pytest.raises(NotFound):
        feed(database, story="nope")
    with pytest.raises(NotFound):
        feed(database, article=999)
    with pytest.raises(ConfigError, match="base_url"):
        with database.read() as session:
            build_feed(session, base_url="ftp://x")


def test_cli(tmp_path: Path) -> None:
    from tests.export.conftest import build_sample
    from tests.test_cli import run

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    config = tmp_path / "config.toml"
    config.write_text(f'[export]\nbase_url = "{BASE}"\n', encoding="utf-8")
    env = {"NEWSDIFF_DATABASE_URL": url, "NEWSDIFF_CONFIG": str(config)}
    assert run("init", env=env).exit_code == 0
    database = Database(url)
    build_sample(database)
    database.dispose()
    out = tmp_path / "feed.xml"
    result = run("feed", "--story", "council", "--out", str(out), env=env)
    assert result.exit_code == 0, result.output
    assert "wrote 3 entries" in result.output
    parsed = feedparser.parse(out.read_bytes())
    assert parsed.bozo == 0
    assert parsed.entries[0].link.startswith(BASE + "articles/")
    to_stdout = run("feed", "--changes-only", env=env)
    assert to_stdout.exit_code == 0
    assert feedparser.parse(to_stdout.stdout_bytes).bozo == 0
    assert to_stdout.stdout_bytes.count(b"<entry>") == 3
    missing = run("feed", "--story", "nope", env=env)
    assert missing.exit_code == 1
    assert "base_url" not in result.stderr + to_stdout.stderr  # set: no warning


def test_cli_warns_while_base_url_is_the_default(tmp_path: Path) -> None:
    from tests.test_cli import run

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"NEWSDIFF_DATABASE_URL": url}  # no config file
    assert run("init", env=env).exit_code == 0
    result = run("feed", env=env)
    assert result.exit_code == 0, result.output
    warning = (
        "newsdiff: warning: export.base_url is not set, so the feed links to "
        "http://localhost:8000/: set it to where the `newsdiff export html` site is published\n"
    )
    assert warning in result.stderr
    assert [line for line in result.stderr.splitlines() if "base_url" in line] == [warning[:-1]]
    assert b"warning" not in result.stdout_bytes  # the feed itself stays clean
    assert feedparser.parse(result.stdout_bytes).bozo == 0
    # the same default written out in the config is still the default
    config = tmp_path / "config.toml"
    config.write_text('[export]\nbase_url = "http://localhost:8000/"\n', encoding="utf-8")
    out = tmp_path / "feed.xml"
    to_file = run("feed", "--out", str(out), env={**env, "NEWSDIFF_CONFIG": str(config)})
    assert to_file.exit_code == 0 and warning in to_file.stderr
    # a feed that fails is one line: no warning in front of the error
    missing = run("feed", "--story", "nope", env=env)
    assert missing.exit_code == 1 and len(missing.stderr.splitlines()) == 1, missing.stderr


# --- typed edits in words ---------------------------------------------------------------------


def entry_summary(database: Database, article: int, number: int) -> tuple[str, str]:
    _, parsed = feed(database, article=article)
    entry = next(e for e in parsed.entries if e.title.startswith(f"v{number}:"))
    return entry.summary, entry.content[0].value


def test_summary_says_the_edits_in_words_when_not_analysed(database: Database) -> None:
    from tests.export.conftest import build_edits_article

    aid = build_edits_article(database)
    text, content = entry_summary(database, aid, 2)
    first = text.splitlines()[0]
    assert first.startswith("Edits: headline changed; ")
    assert (
        "quote removed: 'It was the worst case I had ever seen' (Heather Brown) [silent]" in first
    )
    assert "number changed: 12 -> 15 [silent]" in first
    assert 'hedge dropped: "are expected to say" -> "said"' in first
    assert first.endswith("; and 2 more (2 source)")
    # the passages are still there below
    assert "Headline: “Inspectors to criticise council” → “Inspectors criticise council”" in text
    assert "¶1: Inspectors [-are expected to say-]{+said+}" in text
    assert "<li>number changed: 12 -&gt; 15 <b" in content and "[silent]</b></li>" in content
    trivial, _ = entry_summary(database, aid, 3)
    assert trivial.splitlines()[0] == "Edits: trivial edits only (spelling)"
    first_seen, _ = entry_summary(database, aid, 1)
    assert first_seen.startswith("First seen:") and "Edits" not in first_seen


def test_summary_uses_the_stored_edits(database: Database) -> None:
    """Once analysed, the stored edits are said (as the archive has them, silent flags
    resolved by later corrections), not recomputed."""
    from sqlalchemy import update

    from newsdiff.store.analysis import analyse_versions
    from newsdiff.store.models import Edit
    from tests.export.conftest import EDITS_V3, build_edits_article

    aid = build_edits_article(database)
    analyse_versions(database)
    with database.write() as session:
        session.execute(
            update(Edit)
            .where(Edit.article_id == aid, Edit.kind == "number")
            .values(old="twelve", new="fifteen")
        )
    text, _ = entry_summary(database, aid, 2)
    assert "number changed: twelve -> fifteen [silent]" in text
    # a later correction notice owns up to v2's edits: no longer silent
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        notice = "Correction: an earlier version of this article gave the wrong number."
        put_version(session, article, 4, T0 + 80 * H, EDITS_V3[0], [*EDITS_V3[1], notice])
    analyse_versions(database)
    text, _ = entry_summary(database, aid, 2)
    assert "number changed: twelve -> fifteen;" in text and "[silent]" not in text
    text, _ = entry_summary(database, aid, 4)
    assert text.startswith(
        "Edits: correction notice added: 'Correction: an earlier version of this article gave"
    )


def test_summary_of_an_analysed_version_without_edits(database: Database, sample: Sample) -> None:
    """Analysed with no typed edit: no Edits line (the counts and passages remain)."""
    from sqlalchemy import update

    from newsdiff.store.models import Version

    with database.write() as session:
        session.execute(
            update(Version).where(Version.article_id == sample.a1).values(analyser_version="1")
        )
    text, _ = entry_summary(database, sample.a1, 2)
    assert "Edits" not in text and text.startswith("Headline: ")


def test_edit_text_is_escaped_in_the_summary() -> None:
    from newsdiff.diff.edits import Edit
    from newsdiff.export.edits import KnownEdits

    diff = compare(Document("T", ["a"]), Document("T", ["b"]))
    quote = Edit(
        "quote",
        "added",
        "",
        "<script>alert(1)</script> \x1b[31m & done",
        None,
        0,
        True,
        {"speaker": "Mr <b>Bold</b>"},
    )
    summary = describe_change(diff, edits=KnownEdits((quote,), "computed"))
    first = summary.text.splitlines()[0]
    assert first == (
        "Edits: quote added: '<script>alert(1)</script> ␛[31m & done' (Mr <b>Bold</b>) [silent]"
    )
    assert "<script>" not in summary.html and "<b>Bold" not in summary.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ␛[31m &amp; done" in summary.html
    assert "\x1b" not in summary.html
