"""Distinct articles never merge (issue 13, items 1 and 2), against a real HTTP server.

Four ``?story=N`` links are four articles, each fetched with its own query; pages that share one
rel=canonical (the home page, their section, a listing, another article's URL) or one redirect
target (a paywall) stay apart; the folds that are right (a tracking duplicate, a redirect to an
article already tracked) still happen, and keep the folded URL as an alias."""

from __future__ import annotations

import pytest

from newsdiff.collect.poll import PollSummary, run_poll
from newsdiff.config import Settings
from newsdiff.store.db import Database
from newsdiff.store.models import Article, ArticleURL, FeedEntry, Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site, article_html, rss
from tests.collect.test_poll import LEAD, REACTION, SECOND, THIRD, add_feeds, count, rows, track

STORIES = {
    1: ("Council criticised over care failures", [LEAD, SECOND]),
    2: ("Ferry service cut to three sailings", [THIRD, REACTION]),
    3: ("Markets fall for a third day", [SECOND, REACTION]),
    4: ("Storm warning issued for the coast", [REACTION, LEAD]),
}


def _story(n: int, **kwargs: object) -> str:
    title, paragraphs = STORIES[n]
    extra = f"Story number {n} of the day, as the desk filed it for the evening edition."
    return article_html(title, [*paragraphs, extra], **kwargs)  # type: ignore[arg-type]


def poll(settings: Settings, clock: Clock) -> PollSummary:
    database = Database(settings.database.url)
    try:
        return run_poll(settings, database, force=True, clock=clock)
    finally:
        database.dispose()


def _feed(site: Site, paths: list[str]) -> None:
    items = [(STORIES[i + 1][0], site.url(p)) for i, p in enumerate(paths)]
    site.set("/feed.xml", rss(items), headers={"Content-Type": "application/rss+xml"})


def _titles_by_article(settings: Settings) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for v in rows(settings, Version):
        out.setdefault(v.article_id, set()).add(v.title)
    return out


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.mark.parametrize("canonical", [None, "/news/article.php"], ids=["plain", "listing"])
def test_story_query_links_are_four_articles(
    site: Site, settings: Settings, clock: Clock, canonical: str | None
) -> None:
    """The old canonicalisation dropped ``?story=``: one article, fetched at a URL that was
    none of them. ``listing``: each page's rel=canonical is the script without its query."""
    for n in STORIES:
        href = site.url(canonical) if canonical else None
        site.set(f"/news/article.php?story={n}", _story(n, canonical=href))
    site.set("/news/article.php", article_html("All the news", [LEAD, SECOND, THIRD]))
    _feed(site, [f"/news/article.php?story={n}&utm_source=rss" for n in STORIES])
    add_feeds(settings, site.url("/feed.xml"))

    summary = poll(settings, clock)
    assert (summary.new_articles, summary.new_versions, summary.failures) == (4, 4, 0)
    articles = rows(settings, Article)
    assert sorted(a.url for a in articles) == [
        site.url(f"/news/article.php?story={n}") for n in STORIES
    ]
    for n in STORIES:  # each fetched with its own query; the bare script never
        assert site.hits(f"/news/article.php?story={n}") == 1
    assert site.hits("/news/article.php") == 0
    by_url = {a.url: a.id for a in articles}
    titles = _titles_by_article(settings)
    for n, (title, _) in STORIES.items():
        assert titles[by_url[site.url(f"/news/article.php?story={n}")]] == {title}
    # the listing named by every page's canonical became nobody's alias
    assert not [a for a in rows(settings, ArticleURL) if a.url.endswith("/news/article.php")]

    clock.advance(hours=1)  # a second poll changes nothing: no fold happens later either
    assert poll(settings, clock).new_articles == 0
    assert count(settings, Article) == 4 and count(settings, Version) == 4


@pytest.mark.parametrize(
    "canonical",
    ["/", "/news", "/latest", "/news/a"],
    ids=["home-page", "section", "shared-page", "another-article"],
)
def test_shared_canonical_never_folds(
    site: Site, settings: Settings, clock: Clock, canonical: str
) -> None:
    """Three articles whose pages all say rel=canonical = one URL stay three articles, each
    with its own text, through a second poll where they all change."""
    paths = ["/news/a", "/news/b", "/news/c"]
    for n, path in enumerate(paths, start=1):
        site.set(path, _story(n, canonical=site.url(canonical)))
    _feed(site, paths)
    add_feeds(settings, site.url("/feed.xml"))
    first = poll(settings, clock)
    assert (first.new_articles, first.new_versions, first.failures) == (3, 3, 0)

    for n, path in enumerate(paths, start=1):
        title, paragraphs = STORIES[n]
        site.set(
            path,
            article_html(title + " (updated)", [*paragraphs, THIRD], canonical=site.url(canonical)),
        )
    clock.advance(hours=1)
    second = poll(settings, clock)
    assert (second.new_versions, second.failures) == (3, 0)

    articles = rows(settings, Article)
    assert sorted(a.url for a in articles) == [site.url(p) for p in paths]
    titles = _titles_by_article(settings)
    for article in articles:
        n = paths.index(article.url.removeprefix(site.base)) + 1
        assert titles[article.id] == {STORIES[n][0], STORIES[n][0] + " (updated)"}
    assert count(settings, FeedEntry) == 3


def test_shared_redirect_target_never_folds(site: Site, settings: Settings, clock: Clock) -> None:
    """A paywall (or consent wall) every article redirects to is nobody's other URL."""
    site.set("/subscribe", article_html("Subscribe to read", [LEAD, SECOND, THIRD]))
    for path in ("/news/a", "/news/b"):
        site.set(path, status=302, headers={"Location": "/subscribe"})
    _feed(site, ["/news/a", "/news/b"])
    add_feeds(settings, site.url("/feed.xml"))
    poll(settings, clock)
    assert sorted(a.url for a in rows(settings, Article)) == [
        site.url("/news/a"),
        site.url("/news/b"),
    ]


def test_tracking_duplicate_folds_into_the_tracked_article(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """``?ref=`` is kept (some sites name articles with it); when the page says its canonical
    is an article already tracked with the same text, the duplicate is folded into it and its
    URL kept as an alias."""
    page = _story(1, canonical=site.url("/news/story"))
    site.set("/news/story", page)
    site.set("/news/story?ref=rss", page)
    original = track(settings, site.url("/news/story"))
    poll(settings, clock)
    _feed(site, ["/news/story?ref=rss"])
    add_feeds(settings, site.url("/feed.xml"))
    clock.advance(hours=1)
    summary = poll(settings, clock)
    assert summary.failures == 0
    articles = rows(settings, Article)
    assert [a.id for a in articles] == [original]
    aliases = {a.url: a.kind for a in rows(settings, ArticleURL, ArticleURL.article_id == original)}
    assert aliases.get(site.url("/news/story?ref=rss")) == "alias"
    assert [e.article_id for e in rows(settings, FeedEntry)] == [original]
    assert count(settings, Version) == 1


def test_redirect_to_a_tracked_article_folds(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/final", _story(1))
    target = track(settings, site.url("/news/final"))
    poll(settings, clock)
    site.set("/old", status=301, headers={"Location": "/news/final"})
    track(settings, site.url("/old"))
    clock.advance(hours=1)
    poll(settings, clock)
    assert [a.id for a in rows(settings, Article)] == [target]
    aliases = {a.url for a in rows(settings, ArticleURL, ArticleURL.article_id == target)}
    assert site.url("/old") in aliases


def test_articles_with_versions_never_merge(site: Site, settings: Settings, clock: Clock) -> None:
    site.set("/news/a", _story(1))
    site.set("/news/b", _story(2))
    track(settings, site.url("/news/a"))
    track(settings, site.url("/news/b"))
    poll(settings, clock)
    site.set("/news/b", status=301, headers={"Location": "/news/a"})  # b now points at a
    clock.advance(hours=1)
    poll(settings, clock)
    assert count(settings, Article) == 2


def test_redirect_to_the_home_page_is_nobodys_alias(
    site: Site, settings: Settings, clock: Clock
) -> None:
    """Removed articles redirected to the home page: the home page is no article's other URL,
    so the second is not folded into the first (the poller makes such a check an error)."""
    site.set("/", article_html("Today's news", [LEAD, SECOND, THIRD]))
    for path in ("/news/a", "/news/b"):
        site.set(path, status=301, headers={"Location": "/"})
    _feed(site, ["/news/a", "/news/b"])
    add_feeds(settings, site.url("/feed.xml"))
    poll(settings, clock)
    assert count(settings, Article) == 2
    assert not [a for a in rows(settings, ArticleURL) if a.url.rstrip("/") == site.base]
