"""The demo site over real HTTP: feeds, pages, rounds, canonicalisation inputs, escaping."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from newsdiff.collect.feeds import parse_feed
from newsdiff.collect.urls import canonical_url
from newsdiff.demo.content import load_content, parse_content
from newsdiff.demo.site import DemoSite
from newsdiff.errors import ConfigError

CONTENT = load_content()


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as s:
        yield s


@pytest.fixture
def client(site: DemoSite) -> Iterator[httpx.Client]:
    site.set_round(0)
    with httpx.Client(base_url=site.base_url, timeout=10) as c:
        yield c


def feed_links(client: httpx.Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    parsed = parse_feed(response.content, dict(response.headers), url)
    return [item.link for item in parsed.items]


def test_serves_robots_index_and_three_outlet_feeds(site: DemoSite, client: httpx.Client) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Disallow: /chronicle/search" in robots.text
    assert "The Morning Ledger" in client.get("/").text
    assert site.base_url.startswith("http://127.0.0.1:")
    assert len({f.outlet for f in site.feeds}) >= 3
    site.set_round(site.rounds - 1)
    for feed in site.feeds:
        assert feed_links(client, feed.url), feed.url
    assert client.get("/nowhere").status_code == 404


def test_articles_appear_in_feeds_only_once_published(site: DemoSite, client: httpx.Client) -> None:
    ledger = next(f for f in site.feeds if f.key == "ledger")
    report = site.article_url("ledger-report")
    for n in range(site.rounds):
        site.set_round(n)
        links = [canonical_url(link) for link in feed_links(client, ledger.url)]
        assert (canonical_url(report) in links) == (
            n >= CONTENT.article("ledger-report").first_round
        )
    site.set_round(0)
    assert client.get(report).status_code == 404


def test_pages_change_between_rounds(site: DemoSite, client: httpx.Client) -> None:
    article = CONTENT.article("ledger-report")
    assert len(article.versions) >= 4
    seen = []
    for version in article.versions:
        site.set_round(version.round)
        page = client.get(site.article_url(article))
        assert page.status_code == 200
        assert f'<h1 class="headline">{version.headline}</h1>'.replace("'", "&#x27;") in page.text
        seen.append(page.text)
    assert "are expected to say" in seen[0] and "are expected to say" not in seen[1]
    assert "Inspectors said" in seen[1]
    assert "Correction, 3 December 2008" in seen[-1] and "Correction" not in seen[-2]


def test_template_only_round_changes_the_page_but_not_the_text(
    site: DemoSite, client: httpx.Client
) -> None:
    n = next(i for i, r in enumerate(CONTENT.rounds) if r.template_only)
    assert all(v.round != n for a in CONTENT.articles for v in a.versions)
    url = site.article_url("ledger-report")
    site.set_round(n - 1)
    before = client.get(url).text
    site.set_round(n)
    after = client.get(url).text
    assert before != after  # the most-read list moved on
    old, new = (
        CONTENT.outlet("ledger").most_read_at(n - 1),
        CONTENT.outlet("ledger").most_read_at(n),
    )
    assert old != new and new[1] in after and new[1] not in before


def test_syndicated_article_is_in_two_feeds_with_tracking_parameters(
    site: DemoSite, client: httpx.Client
) -> None:
    article = next(a for a in CONTENT.articles if a.also_in)
    site.set_round(max(s.from_round for s in article.also_in))
    own = site.article_url(article)
    hits = []
    for feed in site.feeds:
        hits += [link for link in feed_links(client, feed.url) if link.split("?")[0] == own]
    assert len(hits) >= 2
    assert all("utm_" in link for link in hits)
    assert {canonical_url(link) for link in hits} == {canonical_url(own)}
    assert client.get(hits[0]).text == client.get(own).text  # the query string is ignored


def test_etag_gives_304(site: DemoSite, client: httpx.Client) -> None:
    feed = site.feeds[0].url
    first = client.get(feed)
    again = client.get(feed, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_content_is_coherent() -> None:
    assert len(CONTENT.outlets) >= 3
    assert len({o.template for o in CONTENT.outlets}) == len(CONTENT.outlets)
    assert max(len(a.versions) for a in CONTENT.articles) >= 4
    assert sum(not a.about_story for a in CONTENT.articles) == 1
    for a in CONTENT.articles:
        assert a.published <= CONTENT.rounds[a.first_round].at, a.key
        assert all(len(" ".join(v.paragraphs)) > 200 for v in a.versions), a.key
    assert sum(r.template_only for r in CONTENT.rounds) == 1


def test_text_is_escaped_in_pages_and_feeds() -> None:
    raw = {
        "rounds": [{"at": CONTENT.rounds[0].at}],
        "outlets": [{"key": "x", "name": "X & Co", "template": "chronicle"}],
        "articles": [
            {
                "key": "a",
                "outlet": "x",
                "path": "a",
                "published": CONTENT.rounds[0].at,
                "byline": "B",
                "paragraphs": {"p": "<script>alert(1)</script> " + "text " * 50},
                "versions": [{"round": 0, "headline": "</title><b>bold</b>", "body": ["p"]}],
            }
        ],
    }
    with DemoSite(parse_content(raw)) as site, httpx.Client() as c:
        page = c.get(site.article_url("a")).text
        feed = c.get(site.feeds[0].url).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page and "<b>bold</b>" not in feed


def test_bad_content_names_the_key() -> None:
    raw = {
        "rounds": [{"at": CONTENT.rounds[0].at}],
        "outlets": [],
        "articles": [{"key": "a", "outlet": "nowhere"}],
    }
    with pytest.raises(ConfigError, match=r"articles\[0\]\.outlet"):
        parse_content(raw)
