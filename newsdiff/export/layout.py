"""Where things are in an exported site (``newsdiff export html``), shared with the Atom feed so
that its links point at the pages the site writes::

    index.html                      stories, recent changes, all articles (first page)
    articles-2.html ...             further pages of the article list
    style.css                       the site's CSS (the diff colours included)
    feed.xml                        Atom feed of changes, site-wide
    stories/<slug>.html             a story's timeline of events with their coverage
    stories/<slug>.xml              Atom feed of the changes in that story's coverage
    articles/<id>/index.html        an article's version history
    articles/<id>/v<n>.html         version n: its diff against version n-1 (v1: its text)
    .newsdiff-site                  the files the export wrote here (see export/sitedir.py)

All links inside the site are relative, so it opens from disk and can be published anywhere;
the feed's links are absolute, under ``[export] base_url``.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

INDEX = "index.html"
STYLE = "style.css"
FEED = "feed.xml"


def article_dir(article_id: int) -> str:
    return f"articles/{article_id}"


def article_page(article_id: int) -> str:
    return f"articles/{article_id}/index.html"


def version_page(article_id: int, number: int) -> str:
    return f"articles/{article_id}/v{number}.html"


def story_page(slug: str) -> str:
    return f"stories/{quote(slug, safe='')}.html"


def story_feed(slug: str) -> str:
    return f"stories/{quote(slug, safe='')}.xml"


def articles_page(page: int) -> str:
    return INDEX if page <= 1 else f"articles-{page}.html"


def relative(target: str, start: str) -> str:
    """The link from page ``start`` to ``target`` (both site paths)."""
    return posixpath.relpath(target, posixpath.dirname(start) or ".")


def absolute(base_url: str, path: str) -> str:
    """``path`` of the site published at ``base_url``."""
    return base_url.rstrip("/") + "/" + path
