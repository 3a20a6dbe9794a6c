"""The standfirst (dek: the summary line under the headline) is found by its markup, kept in
``headlines["standfirst"]`` and in the version's hash, shown by ``newsdiff extract``, and never
kept twice (as a paragraph too). Also: the lead paragraph a template sets in its own block
before the body is not lost. Pages and texts written for newsdiff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from newsdiff.collect.extract import Extraction, extract_article
from newsdiff.collect.observe import version_fields
from newsdiff.text import HASHED_HEADLINES, text_hash
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site

PAIRS = Path(__file__).resolve().parents[1] / "data" / "template_pairs"
URL = "https://www.harbour-gazette.example/news/2024/05/02/bypass.html"
HEADLINE = "Bypass decision delayed again as costs rise"
STANDFIRST = (
    "Ministers promise an answer before the summer, but the estimate has doubled since 2019"
)
BODY = (
    "A decision on the long-promised Harbourside bypass has been put off for a third time after "
    "officials said the cost of the scheme had risen to £410m.",
    "The road, first proposed in 2009, would take lorries heading for the port away from the "
    "town centre, where air quality has breached legal limits for six of the last eight years.",
    "Local councillors said the delay would leave residents breathing dirty air for years. The "
    "transport department said it remained committed to the scheme.",
)


def article(head: str = "", *, meta: str = "", after: str = "", first: str = "") -> bytes:
    """A page whose article has ``head`` between the <h1> and the body, and whose body is
    ``first`` (markup of the body's first paragraph, a plain one when empty) and :data:`BODY`."""
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{HEADLINE} | Gazette</title>
{meta}</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>{HEADLINE}</h1>{head}
<div class="article-body">{first}{paragraphs}</div></article>{after}</main>
<footer>© Harbour Gazette</footer></body></html>""".encode()


def standfirst_of(body: bytes) -> Extraction:
    return extract_article(body, URL)


def ld(**values: str) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": HEADLINE}
    return f'<script type="application/ld+json">{json.dumps({**data, **values})}</script>'


# -- what counts as a standfirst ------------------------------------------------------------------

FOUND = {
    "class-standfirst": article(f'<div class="article__standfirst"><p>{STANDFIRST}</p></div>'),
    "class-dek": article(f'<p class="c-entry-dek">{STANDFIRST}</p>'),
    "camel-case-dek": article(f'<div class="articleDek dekSummary___x1y2">{STANDFIRST}</div>'),
    "sub-headline": article(f'<p class="sub-headline">{STANDFIRST}</p>'),
    "data-attribute": article(f'<div data-gu-name="standfirst"><p>{STANDFIRST}</p></div>'),
    "class-summary": article(f'<div class="article-summary">{STANDFIRST}</div>'),
    "itemprop-description": article(f'<p itemprop="description">{STANDFIRST}</p>'),
    "h2-in-header": article(f"<h2>{STANDFIRST}</h2>")
    .replace(f"<h1>{HEADLINE}</h1><h2>".encode(), f"<header><h1>{HEADLINE}</h1><h2>".encode())
    .replace(b"</h2>", b"</h2></header>", 1),
    "hgroup": article().replace(
        f"<h1>{HEADLINE}</h1>".encode(),
        f"<hgroup><h1>{HEADLINE}</h1><p>{STANDFIRST}</p></hgroup>".encode(),
    ),
    "p-in-named-header": article().replace(
        f"<h1>{HEADLINE}</h1>".encode(),
        f'<div class="story-header"><h1>{HEADLINE}</h1><p>{STANDFIRST}.</p>'
        f'<p class="byline">By Ann Lowe</p></div>'.encode(),
    ),
    "json-ld-description-shown": article(
        f'<div class="intro-box">{STANDFIRST}</div>', meta=ld(description=STANDFIRST)
    ),
    "json-ld-alternative-headline-shown": article(
        f"<div>{STANDFIRST}</div>", meta=ld(alternativeHeadline=STANDFIRST)
    ),
    "h2-confirmed-by-og-description": article(
        f"<h2>{STANDFIRST}</h2>", meta=f'<meta property="og:description" content="{STANDFIRST}">'
    ),
    "after-byline-and-date": article(
        '<p class="byline">By Ann Lowe</p><time datetime="2024-05-02">2 May 2024</time>'
        f'<div class="standfirst">{STANDFIRST}</div>'
    ),
    "inside-the-body-block": article(first=f'<p class="standfirst">{STANDFIRST}</p>'),
}


@pytest.mark.parametrize("body", FOUND.values(), ids=FOUND.keys())
def test_standfirst_found_and_not_kept_as_a_paragraph(body: bytes) -> None:
    result = standfirst_of(body)
    assert result.title == HEADLINE
    assert result.standfirst is not None
    assert result.standfirst.rstrip(".") == STANDFIRST
    assert result.headlines["standfirst"] == result.standfirst
    assert list(result.paragraphs) == list(BODY)


SECTION = "What the inspectors found at the depot"
NOT_FOUND = {
    # og:description and <meta name=description> only confirm: here the site repeats the first
    # paragraph in them, as many do, and the first paragraph stays where it is
    "meta-description-alone": article(
        meta=f'<meta name="description" content="{BODY[0]}">'
        f'<meta property="og:description" content="{BODY[0]}">'
    ),
    # ... here it repeats the lead paragraph, which the template sets in its own block
    "meta-description-repeats-a-lead-in-its-own-block": article(
        f'<div class="story-lead"><p>{BODY[0]}</p></div>',
        meta=f'<meta name="description" content="{BODY[0]}">',
    ).replace(f"<p>{BODY[0]}</p><p>".encode(), b"<p>", 1),
    # an editor's summary nobody sees on the page
    "og-description-not-shown": article(
        meta=f'<meta property="og:description" content="{STANDFIRST}">'
    ),
    # WordPress and others put the first paragraph in JSON-LD's description
    "json-ld-description-is-the-first-paragraph": article(meta=ld(description=BODY[0])),
    # the body's first paragraph marked for another use
    "speakable-summary-in-the-body": article(
        first=f'<p id="speakable-summary">{BODY[0]}</p>'
    ).replace(f"<p>{BODY[0]}</p>".encode(), b"", 1),
    # a subheading at the top of the body, neither in a header nor confirmed by the page
    "h2-section-heading": article(first=f"<h2>{SECTION}</h2>"),
    "caption-named-description": article(
        f'<figure><img src="/a.jpg"><figcaption class="caption description">{STANDFIRST}'
        "</figcaption></figure>"
    ),
    "teaser-summary-below-the-article": article(
        after=f'<aside><div class="teaser"><h3><a href="/n/2">Port expands</a></h3>'
        f'<p class="summary">{STANDFIRST}</p></div></aside>'
    ),
    "teaser-summary-named-dek": article(
        after=f'<section class="more"><div class="card"><p class="card__dek">{STANDFIRST}</p>'
        "</div></section>"
    ),
    "byline-and-dateline-in-a-subhead-block": article(
        '<div class="articleHeader--subhead"><span class="articleHeader--subhead-name">ANN LOWE'
        "</span> May 2, 2024 Updated: May 2, 2024 1:35 p.m.</div>"
    ),
    "breadcrumb-in-the-header": article().replace(
        f"<h1>{HEADLINE}</h1>".encode(),
        f'<header class="post-header"><h1>{HEADLINE}</h1><p><a href="/n">News</a> &gt; '
        '<a href="/n/roads">Roads and transport</a> &gt; <a href="/n/roads/b">Bypass</a></p>'
        "</header>".encode(),
    ),
}


@pytest.mark.parametrize("body", NOT_FOUND.values(), ids=NOT_FOUND.keys())
def test_no_standfirst(body: bytes) -> None:
    result = standfirst_of(body)
    assert result.standfirst is None
    assert result.headlines["standfirst"] is None
    assert result.paragraphs[-3:] == BODY


def test_section_heading_stays_in_the_text() -> None:
    result = standfirst_of(NOT_FOUND["h2-section-heading"])
    assert list(result.paragraphs) == [SECTION, *BODY]


# -- Guardian-like and BBC-like pages -------------------------------------------------------------


def test_guardian_like_standfirst() -> None:
    """The standfirst of a Guardian-like page (no closing full stop, in the article's header,
    repeated in og:description) is kept; trafilatura alone drops it."""
    result = extract_article(
        (PAIRS / "sewage-2019.html").read_bytes(), "https://www.tideline.example/environment/x"
    )
    assert result.standfirst == (
        "Magistrates said the firm ignored alarms for eleven hours as untreated waste flowed "
        "into the Brackwater marshes"
    )
    assert result.paragraphs[0].startswith("A water company has been fined")
    assert not any("Magistrates said" in p for p in result.paragraphs)
    assert result.to_dict()["standfirst"] == result.standfirst


def test_bbc_like_bold_introduction_is_the_first_paragraph() -> None:
    """On a BBC-like page the summary line is the story's first paragraph, set in bold: it
    stays a paragraph (the BBC's own text counts it as one), and og:description, a summary
    shown nowhere on the page, is not a standfirst."""
    for name in ("railway-2019.html", "railway-2024.html"):
        result = extract_article((PAIRS / name).read_bytes(), "https://www.wbn.example/news/1")
        assert result.standfirst is None
        assert result.paragraphs[0].startswith("Trains are running again")


# -- hashed with the text, stored, shown ----------------------------------------------------------

HEADLINES = {
    "h1": "Ferry service cut",
    "og": "Ferry cut to three sailings",
    "html": "Ferry service cut | Gazette",
    "feed": "Ferry cut",
}


def test_hash_of_a_version_without_standfirst_is_unchanged() -> None:
    """Stored hashes stay valid: without a standfirst (absent, None or empty) the hash is the
    one versions were stored with before the standfirst was hashed."""
    stored = "f651bcfde99e4ce0e89ecb96a1eeaee8f538ccebba5d687320eb6efc7ccc44ea"
    paragraphs = ["One.", "Two  two."]
    assert text_hash("Ferry service cut", paragraphs, HEADLINES) == stored
    for empty in (None, "", "  "):
        headlines = {**HEADLINES, "standfirst": empty}
        assert text_hash("Ferry service cut", paragraphs, headlines) == stored
    assert text_hash("Ferry service cut", paragraphs) == (
        "04326881cf98ca9ffadd51b8c53aee9207eeb083fb9d4fe7f09bdbd57f1a5c3d"
    )


def test_standfirst_is_part_of_the_text() -> None:
    assert "standfirst" in HASHED_HEADLINES
    base = text_hash("Ferry service cut", ["One."], HEADLINES)
    first = text_hash("Ferry service cut", ["One."], {**HEADLINES, "standfirst": "Islanders fear"})
    second = text_hash("Ferry service cut", ["One."], {**HEADLINES, "standfirst": "Islanders hope"})
    assert len({base, first, second}) == 3
    same = text_hash("Ferry service cut", ["One."], {**HEADLINES, "standfirst": " Islanders  fear"})
    assert same == first  # normalised like the rest of the text


def test_version_fields_keep_the_standfirst() -> None:
    result = standfirst_of(FOUND["class-standfirst"])
    fields = version_fields(result, final_url=URL, http_status=200)
    assert fields.headlines is not None and fields.headlines["standfirst"] == STANDFIRST


def test_a_rewritten_standfirst_alone_is_a_new_version(
    site: Site, db_url: str, clock: Clock
) -> None:
    from newsdiff.collect.articles import track_url
    from newsdiff.collect.poll import run_poll
    from newsdiff.store.db import Database
    from newsdiff.store.models import Version

    settings = make_settings(db_url)
    rewritten = "Ministers now say an answer may not come until the autumn"
    site.set("/news/bypass", FOUND["class-standfirst"])
    database = Database(settings.database.url)
    try:
        track_url(database, site.url("/news/bypass"))
        assert run_poll(settings, database, force=True, clock=clock).new_versions == 1
        clock.advance(hours=1)
        site.set(
            "/news/bypass",
            FOUND["class-standfirst"].replace(STANDFIRST.encode(), rewritten.encode()),
        )
        assert run_poll(settings, database, force=True, clock=clock).new_versions == 1
        clock.advance(hours=1)
        assert run_poll(settings, database, force=True, clock=clock).new_versions == 0
        with database.read() as session:
            versions = session.scalars(select(Version).order_by(Version.number)).all()
        assert [v.headlines and v.headlines["standfirst"] for v in versions] == [
            STANDFIRST,
            rewritten,
        ]
        assert versions[0].paragraph_list == versions[1].paragraph_list == list(BODY)
    finally:
        database.dispose()


def test_cli_extract_shows_the_standfirst(tmp_path: Path) -> None:
    from tests.test_cli import run

    saved = tmp_path / "page.html"
    saved.write_bytes(FOUND["class-standfirst"])
    env = {"NEWSDIFF_DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite'}"}
    text = run("extract", str(saved), "--url", URL, env=env)
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert f"standfirst: {STANDFIRST}" in lines
    assert lines.index(f"standfirst: {STANDFIRST}") < lines.index("byline:     -")
    assert not any(line.startswith("  standfirst") for line in lines)
    data = json.loads(run("extract", str(saved), "--url", URL, "--json", env=env).output)
    assert data["standfirst"] == STANDFIRST
    assert list(data)[:2] == ["title", "standfirst"]
    assert set(data["headlines"]) == {"h1", "og", "html", "feed"}
    assert data["paragraphs"] == list(BODY)
    bare = tmp_path / "bare.html"
    bare.write_bytes(article())
    assert "standfirst: -" in run("extract", str(bare), "--url", URL, env=env).output
    assert json.loads(run("extract", str(bare), "--json", env=env).output)["standfirst"] is None


# -- the lead paragraph in its own block ----------------------------------------------------------

LEAD = (
    "Plans for a new bypass around Harbourside have been delayed for a third time, the transport "
    "department said on Thursday."
)


def lead_page(between: str) -> bytes:
    """The lead paragraph in its own block, then ``between``, then the body block that
    trafilatura reads (a div.article-body is the first thing it looks for)."""
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{HEADLINE}</title></head>
<body><main><article><div class="story-head"><h1>{HEADLINE}</h1>
<p class="byline">By Ann Lowe</p></div><div class="story-lead"><p>{LEAD}</p></div>{between}
<div class="article-body">{paragraphs}</div></article></main></body></html>""".encode()


def test_lead_in_its_own_block_is_kept() -> None:
    result = extract_article(lead_page(""), URL)
    assert list(result.paragraphs) == [LEAD, *BODY]
    assert result.byline == "Ann Lowe" and result.standfirst is None


def test_a_note_in_the_header_is_not_a_lost_lead() -> None:
    note = "An earlier version of this story appeared in the weekend edition of the Gazette."
    header = f'<p class="standfirst">{STANDFIRST}</p><p class="byline">By Ann Lowe</p><p>{note}</p>'
    page = lead_page("").replace(b'<p class="byline">By Ann Lowe</p>', header.encode())
    result = extract_article(page, URL)
    assert list(result.paragraphs) == [LEAD, *BODY]
    assert result.standfirst == STANDFIRST


def test_lead_found_past_a_figure_and_an_advert() -> None:
    between = (
        '<figure><img src="/b.jpg"><figcaption>The port road at rush hour, where lorries queue '
        "every morning.</figcaption></figure>"
        '<div class="ad-slot"><p>Advertisement: our partners say you will love these offers.</p>'
        "</div>"
    )
    assert list(extract_article(lead_page(between), URL).paragraphs) == [LEAD, *BODY]


@pytest.mark.parametrize(
    "lead",
    [
        "Harbourside bypass",  # a label, not a sentence
        "Read the council's full report on the bypass and the public consultation responses",
        '<a href="/n/1">Bypass plans: the story so far, and every decision since 2009.</a>',
    ],
    ids=["label", "no-full-stop", "a-link"],
)
def test_what_is_not_a_lost_lead(lead: str) -> None:
    page = lead_page("").replace(f"<p>{LEAD}</p>".encode(), f"<p>{lead}</p>".encode())
    assert list(extract_article(page, URL).paragraphs) == list(BODY)


def test_no_lead_taken_when_the_body_is_not_found_after_the_headline() -> None:
    """Far from the headline (more than a page head of other text between), a paragraph is not
    a lost lead."""
    facts = "".join(
        f"<li>Key fact number {i} about the bypass and its costs</li>" for i in range(20)
    )
    filler = f'<div class="key-facts"><ul>{facts}</ul></div>'
    assert list(extract_article(lead_page(filler), URL).paragraphs) == list(BODY)
