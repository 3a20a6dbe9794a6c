"""URL canonicalisation (issue 13, item 1): identifying query parameters are kept, tracking ones
dropped; home pages are told apart (item 3). Pure functions, table-driven."""

from __future__ import annotations

import pytest

from newsdiff.collect.urls import (
    canonical_url,
    clean_query,
    is_front_page,
    is_tracking_param,
    names_less_than,
    redirected_to_front_page,
    url_variants,
)
from newsdiff.errors import ConfigError

BASE = "https://news.example.org"

IDENTIFYING = [
    "/news/article.php?story=4",
    "/index.php?id=1234",
    "/Article.aspx?ArticleID=98765",
    "/view.asp?newsid=55",
    "/content?contentId=a1b2c3",
    "/news/articleView.html?no=2001",
    "/watch?v=dQw4w9WgXcQ",
    "/?p=123",
    "/story.php?1234",
    "/item?ref=A-17",
    "/item?src=feature-12",
]


@pytest.mark.parametrize("path", IDENTIFYING)
def test_identifying_parameters_are_kept(path: str) -> None:
    assert canonical_url(BASE + path) == BASE + path


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=rss&utm_medium=feed&utm_campaign=x&utm_content=y&utm_term=z",
        "fbclid=IwAR0abc",
        "gclid=abc&dclid=d&msclkid=m&yclid=y",
        "mc_cid=1&mc_eid=2",
        "_ga=2.1&_gl=1*x",
        "igshid=abc",
        "ocid=msn&cmpid=x&icid=y",
        "ns_mchannel=social&ns_source=twitter&ns_campaign=bbc&ns_linkname=news&ns_fee=0",
        "at_medium=custom7&at_campaign=64",
        "CMP=share_btn_tw",
        "xtor=RSS-3208",
        "smid=tw-share",
        "pk_campaign=x&mtm_source=y",
    ],
)
def test_tracking_parameters_are_dropped(query: str) -> None:
    assert canonical_url(f"{BASE}/news/a?{query}") == f"{BASE}/news/a"
    assert canonical_url(f"{BASE}/news/a?story=4&{query}") == f"{BASE}/news/a?story=4"


def test_kept_parameters_are_sorted_and_fragments_dropped() -> None:
    a = canonical_url(f"{BASE}/list?section=uk&id=7&utm_source=x#comments")
    b = canonical_url(f"{BASE}/list?id=7&section=uk")
    assert a == b == f"{BASE}/list?id=7&section=uk"
    # values of one name keep their order (it can matter), names are sorted
    assert canonical_url(f"{BASE}/a?tag=b&id=1&tag=a") == f"{BASE}/a?id=1&tag=b&tag=a"


def test_distinct_values_stay_distinct() -> None:
    urls = {canonical_url(f"{BASE}/news/article.php?story={n}&utm_source=rss") for n in range(4)}
    assert len(urls) == 4


def test_query_encoding_is_one_form_and_keeps_bytes() -> None:
    # the same query written two ways is one URL
    assert canonical_url(f"{BASE}/s?q=caf%c3%a9+au+lait") == canonical_url(
        f"{BASE}/s?q=café%20au%20lait"
    )
    # a Latin-1 escape is not turned into U+FFFD, a literal plus stays a plus
    assert canonical_url(f"{BASE}/s?q=%E9") == f"{BASE}/s?q=%E9"
    assert canonical_url(f"{BASE}/s?q=a%2Bb") == f"{BASE}/s?q=a%2Bb"
    # a blank value and a bare key keep their form
    assert canonical_url(f"{BASE}/s?print=&id=3") == f"{BASE}/s?id=3&print="


def test_host_and_path_normalisation_unchanged() -> None:
    assert canonical_url("HTTPS://News.Example.ORG:443/a/b/?utm_source=x") == f"{BASE}/a/b"
    assert canonical_url(f"{BASE}/a/b/") == f"{BASE}/a/b"
    assert canonical_url(f"{BASE}/?id=3") == f"{BASE}/?id=3"


@pytest.mark.parametrize("url", ["ftp://x.org/a", "mailto:a@b.org", "https://", "https://[::1/a"])
def test_bad_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        canonical_url(url)


def test_url_variants_keep_the_query() -> None:
    url = canonical_url(f"{BASE}/news/article.php?story=4")
    variants = url_variants(url)
    assert variants[0] == url
    assert all(v.endswith("?story=4") for v in variants)
    assert "http://www.news.example.org/news/article.php/?story=4" in variants
    assert not any("story=5" in v for v in url_variants(url))
    # a home page with and without its slash
    assert {"https://x.org", "https://x.org/"} <= set(url_variants("https://x.org"))
    assert {"https://x.org", "https://x.org/"} <= set(url_variants("https://x.org/"))


def test_tracking_param_names() -> None:
    assert is_tracking_param("UTM_Source") and is_tracking_param("fbclid")
    for name in ("story", "id", "ArticleID", "newsid", "contentId", "no", "v", "p", "ref", "src"):
        assert not is_tracking_param(name), name
    assert clean_query("utm_source=a&&id=2") == "id=2"


@pytest.mark.parametrize(
    ("url", "front"),
    [
        ("https://x.org", True),
        ("https://x.org/", True),
        ("https://x.org/index.html", True),
        ("https://x.org/index.php", True),
        ("https://x.org/default.aspx", True),
        ("https://x.org/home", True),
        ("https://x.org/en/", True),
        ("https://x.org/en-gb/index.html", True),
        ("https://x.org/?utm_source=redirect", True),
        ("https://x.org/?p=123", False),
        ("https://x.org/news", False),
        ("https://x.org/news/", False),
        ("https://x.org/enhome", False),
        ("https://x.org/2008/11/30/story", False),
    ],
)
def test_is_front_page(url: str, front: bool) -> None:
    assert is_front_page(url) is front


@pytest.mark.parametrize(
    ("requested", "final", "expected"),
    [
        ("https://x.org/news/2008/story", "https://x.org/", True),
        ("https://x.org/news/2008/story", "https://x.org", True),
        ("https://x.org/news/story", "https://www.x.org/index.html", True),
        ("https://x.org/news/story", "https://x.org/en/", True),
        ("https://x.org/?p=123", "https://x.org/", True),
        ("https://feeds.example/~r/x/123", "https://x.org/", True),  # across sites too
        ("https://x.org/news/story", "https://x.org/news/story-renamed", False),
        ("https://x.org/news/story", "https://x.org/news/story", False),
        ("https://x.org/", "https://x.org/", False),  # asked for the home page itself
        ("https://x.org/news/story", "https://x.org/?p=9", False),
    ],
)
def test_redirected_to_front_page(requested: str, final: str, expected: bool) -> None:
    assert redirected_to_front_page(requested, final) is expected


@pytest.mark.parametrize(
    ("candidate", "url", "expected"),
    [
        ("https://x.org/news/world", "https://x.org/news/world/story-1", True),
        ("https://x.org/news", "https://x.org/news/world/story-1", True),
        ("https://x.org/article.php", "https://x.org/article.php?story=4", True),
        ("https://x.org/a?x=1", "https://x.org/a?story=4&x=1", True),
        ("https://x.org/news/world/story-1", "https://x.org/news/world/story-1?page=2", True),
        ("https://x.org/news/story-1", "https://x.org/amp/news/story-1", False),
        ("https://x.org/news/story-2", "https://x.org/news/story-1", False),
        ("https://x.org/a?story=5", "https://x.org/a?story=4", False),
        ("https://x.org/news/world/story-1", "https://x.org/news/world/story-1", False),
    ],
)
def test_names_less_than(candidate: str, url: str, expected: bool) -> None:
    assert names_less_than(candidate, url) is expected
