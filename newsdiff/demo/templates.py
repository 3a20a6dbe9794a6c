"""Page templates of the demo outlets: three different layouts, each with the furniture a real
news site has around an article (navigation, bylines, share tools, related links, most-read
lists, newsletter boxes, footers, scripts), plus RSS and Atom feeds.

All text is escaped: article text is data here as everywhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape

from newsdiff.demo.content import DemoArticle, DemoOutlet, Text

Link = tuple[str, str]  # (title, href)


@dataclass(frozen=True)
class Page:
    """Everything a template needs to render one article page."""

    outlet: DemoOutlet
    article: DemoArticle
    text: Text
    url: str  # the article's own URL (no query string)
    updated: datetime
    related: tuple[Link, ...]
    most_read: tuple[Link, ...]


def e(text: str) -> str:
    return escape(text, quote=True)


def _links(items: tuple[Link, ...], tag: str = "ul") -> str:
    rows = "".join(f'<li><a href="{e(href)}">{e(title)}</a></li>' for title, href in items)
    return f"<{tag}>{rows}</{tag}>"


def _paragraphs(text: Text) -> str:
    return "\n".join(f"<p>{e(p)}</p>" for p in text.paragraphs)


def _ledger_date(when: datetime) -> str:
    return when.strftime("%a %d %b %Y %H.%M GMT")


def ledger_page(page: Page) -> str:
    """A broadsheet: semantic HTML5, standfirst-free, tags under the story."""
    o, a, t = page.outlet, page.article, page.text
    prefix = f"/{o.key}"
    nav = "".join(f'<li><a href="{prefix}/{e(s.lower())}">{e(s)}</a></li>' for s in o.sections)
    updated = ""
    if page.updated != a.published:
        updated = f' <span class="updated">Updated {_ledger_date(page.updated)}</span>'
    role = f", {e(a.role)}" if a.role else ""
    profile = e(a.byline.lower().replace(" ", "-"))
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{e(t.headline)} | {e(a.section)} | {e(o.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{e(t.headline)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(o.name)}">
<meta property="article:published_time" content="{a.published.isoformat()}">
<meta property="article:modified_time" content="{page.updated.isoformat()}">
<meta name="author" content="{e(a.byline)}">
<link rel="canonical" href="{e(page.url)}">
<link rel="alternate" type="application/rss+xml" title="{e(o.name)}" href="{prefix}/rss.xml">
<link rel="stylesheet" href="/static/{o.key}.css">
</head>
<body class="article-page">
<a class="skip-link" href="#content">Skip to main content</a>
<header class="masthead">
  <div class="brand"><a href="{prefix}/">{e(o.name)}</a>
    <span class="tagline">{e(o.tagline)}</span></div>
  <nav class="sections" aria-label="Sections"><ul>{nav}</ul></nav>
  <div class="account"><a href="{prefix}/signin">Sign in</a>
    <a href="{prefix}/subscribe">Subscribe</a></div>
</header>
<main id="content">
  <div class="breadcrumb"><a href="{prefix}/news">News</a> &rsaquo;
    <a href="{prefix}/{e(a.section.lower())}">{e(a.section)}</a></div>
  <article class="story">
    <header>
      <h1 class="headline">{e(t.headline)}</h1>
      <p class="byline">By
        <a rel="author" href="{prefix}/profile/{profile}">{e(a.byline)}</a>{role}</p>
      <div class="dateline">
        <time datetime="{a.published.isoformat()}">{_ledger_date(a.published)}</time>{updated}
      </div>
    </header>
    <div class="story-body">
{_paragraphs(t)}
    </div>
    <div class="tags">Topics:
      <a href="{prefix}/topic/{e(a.section.lower())}">{e(a.section)}</a></div>
  </article>
  <aside class="related" aria-label="Related stories"><h2>Related stories</h2>
    {_links(page.related)}</aside>
  <aside class="most-read" aria-label="Most read"><h2>Most read</h2>
    {_links(page.most_read, "ol")}</aside>
</main>
<footer class="site-footer">
  <ul><li><a href="{prefix}/about">About us</a></li>
  <li><a href="{prefix}/contact">Contact us</a></li>
  <li><a href="{prefix}/complaints">Complaints and corrections</a></li>
  <li><a href="{prefix}/privacy">Privacy policy</a></li>
  <li><a href="{prefix}/terms">Terms and conditions</a></li></ul>
  <p>&copy; {a.published.year} {e(o.name)} Ltd. A fictional newspaper of the newsdiff demo.</p>
</footer>
<script>window.ledgerAnalytics = {{section: "{e(a.section)}"}};</script>
</body>
</html>
"""


def _lamp_time(when: datetime) -> str:
    return when.strftime("%H:%M, %d %B %Y")


def lamp_page(page: Page) -> str:
    """A tabloid: nested divs, microdata, share bar, a read-more box and comments."""
    o, a, t = page.outlet, page.article, page.text
    prefix = f"/{o.key}"
    menu = " | ".join(f'<a href="{prefix}/{e(s.lower())}">{e(s)}</a>' for s in o.sections)
    updated = ""
    if page.updated != a.published:
        updated = f' | Updated: <span class="updated">{_lamp_time(page.updated)}</span>'
    read_more = ""
    if page.related:
        title, href = page.related[0]
        read_more = (
            f'<aside class="read-more"><strong>READ MORE:</strong> '
            f'<a href="{e(href)}">{e(title)}</a></aside>'
        )
    paragraphs = [f"<p>{e(p)}</p>" for p in t.paragraphs]
    if read_more and len(paragraphs) > 2:
        paragraphs.insert(2, read_more)
    body = "\n".join(paragraphs)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(t.headline)} | {e(o.name)}</title>
<meta name="description" content="{e(t.paragraphs[0][:150])}">
<meta property="og:title" content="{e(t.headline)}">
<meta property="og:site_name" content="{e(o.name)}">
<link rel="alternate" type="application/rss+xml" href="{prefix}/rss.xml">
<script src="/static/ads.js"></script>
</head>
<body>
<div id="wrapper">
 <div class="topbar">
  <div class="logo"><a href="{prefix}/">{e(o.name.upper())}</a></div>
  <div class="social">Follow us: <a href="#">Facebook</a> | <a href="#">Twitter</a></div>
 </div>
 <div class="menu">{menu}</div>
 <div class="ad-leaderboard">Advertisement</div>
 <div class="content">
  <div class="main-col" itemscope itemtype="http://schema.org/NewsArticle">
   <h1 itemprop="headline">{e(t.headline)}</h1>
   <div class="meta">By <span class="author" itemprop="author">{e(a.byline)}</span>
   | Published: <span itemprop="datePublished" content="{a.published.isoformat()}">
   {_lamp_time(a.published)}</span>{updated}</div>
   <div class="share-bar">Share this article: <a href="#">Facebook</a> <a href="#">Twitter</a>
   <a href="#">Email</a></div>
   <div class="art-body" itemprop="articleBody">
{body}
   </div>
   <div class="comments"><h3>Comments (0)</h3>
   <p>Comments are closed on this article for legal reasons.</p></div>
  </div>
  <div class="side-col">
   <div class="widget most-read"><h3>Most Read</h3>{_links(page.most_read, "ol")}</div>
   <div class="widget more-on"><h3>More on this story</h3>{_links(page.related)}</div>
   <div class="widget ad-mpu">Advertisement</div>
  </div>
 </div>
 <div class="footer">
  <a href="{prefix}/contact">Contact</a> | <a href="{prefix}/advertise">Advertise with us</a> |
  <a href="{prefix}/privacy">Privacy</a> | <a href="{prefix}/terms">Terms</a>
  <p>{e(o.name)} is a fictional paper of the newsdiff demo. All rights reserved.</p>
 </div>
</div>
</body>
</html>
"""


def chronicle_page(page: Page) -> str:
    """A regional site: JSON-LD metadata, a search box, related articles below, a sidebar."""
    o, a, t = page.outlet, page.article, page.text
    prefix = f"/{o.key}"
    nav = "".join(f'<a href="{prefix}/{e(s.lower())}">{e(s)}</a>' for s in o.sections)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": t.headline,
            "datePublished": a.published.isoformat(),
            "dateModified": page.updated.isoformat(),
            "author": {"@type": "Person", "name": a.byline},
            "publisher": {"@type": "Organization", "name": o.name},
            "mainEntityOfPage": page.url,
        },
        ensure_ascii=True,
    ).replace("</", "<\\/")
    when = page.updated.strftime("%d %B %Y, %H:%M")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(t.headline)} - {e(o.name)}</title>
<meta property="og:title" content="{e(t.headline)}">
<link rel="canonical" href="{e(page.url)}">
<link rel="alternate" type="application/atom+xml" href="{prefix}/atom.xml">
<script type="application/ld+json">{ld}</script>
</head>
<body>
<header id="top">
  <div class="logo"><a href="{prefix}/">{e(o.name)}</a> <small>{e(o.tagline)}</small></div>
  <nav aria-label="Main">{nav}</nav>
  <form class="search" action="{prefix}/search">
    <input name="q" placeholder="Search the Chronicle"><button>Go</button></form>
</header>
<div class="page">
  <section class="article-wrap">
    <h1>{e(t.headline)}</h1>
    <div class="article-info"><span class="by">{e(a.byline)}</span>
      <time datetime="{page.updated.isoformat()}">{when}</time></div>
    <section class="article-body" itemprop="articleBody">
{_paragraphs(t)}
    </section>
    <section class="related-articles"><h2>Related articles</h2>{_links(page.related)}</section>
  </section>
  <aside class="sidebar">
    <section class="trending"><h2>Trending</h2>{_links(page.most_read, "ol")}</section>
    <section class="newsletter"><h2>Get the Chronicle daily</h2>
      <p>Sign up to our free morning newsletter for the latest local news.</p></section>
  </aside>
</div>
<footer>
  <nav><a href="{prefix}/about">About the Chronicle</a> <a href="{prefix}/contact">Contact</a>
    <a href="{prefix}/privacy">Privacy notice</a></nav>
  <p>The Northgate Chronicle is a fictional paper of the newsdiff demo.</p>
</footer>
</body>
</html>
"""


PAGES = {"ledger": ledger_page, "lamp": lamp_page, "chronicle": chronicle_page}


def article_page(page: Page) -> str:
    return PAGES[page.outlet.template](page)


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    summary: str
    published: datetime
    updated: datetime


def rss_feed(outlet: DemoOutlet, home: str, items: list[FeedItem]) -> str:
    """An RSS 2.0 feed."""
    entries = "".join(
        f"""
  <item>
    <title>{e(i.title)}</title>
    <link>{e(i.link)}</link>
    <guid isPermaLink="false">{e(i.link.split("?")[0])}</guid>
    <description>{e(i.summary)}</description>
    <pubDate>{format_datetime(i.published, usegmt=True)}</pubDate>
  </item>"""
        for i in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
  <title>{e(outlet.name)}</title>
  <link>{e(home)}</link>
  <description>{e(outlet.tagline)}</description>
  <language>en-gb</language>{entries}
</channel>
</rss>
"""


def atom_feed(outlet: DemoOutlet, home: str, self_url: str, items: list[FeedItem]) -> str:
    """An Atom 1.0 feed."""
    updated = max((i.updated for i in items), default=None)
    entries = "".join(
        f"""
  <entry>
    <title>{e(i.title)}</title>
    <link rel="alternate" href="{e(i.link)}"/>
    <id>{e(i.link.split("?")[0])}</id>
    <published>{i.published.isoformat()}</published>
    <updated>{i.updated.isoformat()}</updated>
    <summary>{e(i.summary)}</summary>
  </entry>"""
        for i in items
    )
    stamp = f"\n  <updated>{updated.isoformat()}</updated>" if updated else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{e(outlet.name)}</title>
  <link rel="alternate" href="{e(home)}"/>
  <link rel="self" href="{e(self_url)}"/>
  <id>{e(home)}</id>{stamp}{entries}
</feed>
"""


def front_page(outlet: DemoOutlet, links: list[Link]) -> str:
    """The outlet's home page: its latest headlines."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(outlet.name)}</title></head>
<body><h1>{e(outlet.name)}</h1><p>{e(outlet.tagline)}</p>
<h2>Latest</h2>{_links(tuple(links))}
</body></html>
"""


def index_page(outlets: list[tuple[DemoOutlet, str, str]], note: str) -> str:
    """The demo site's root: its outlets and their feeds."""
    rows = "".join(
        f'<li><a href="{e(home)}">{e(o.name)}</a> (<a href="{e(feed)}">feed</a>)</li>'
        for o, home, feed in outlets
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsdiff demo news</title></head>
<body><h1>newsdiff demo news</h1><p>Fictional outlets for an offline demo. {e(note)}</p>
<ul>{rows}</ul></body></html>
"""
