"""URL canonicalisation: one article, one record, and never two articles in one record.

``canonical_url`` normalises the scheme, host and path with courlan (lower-cased host, default
ports, fragment dropped, no trailing slash) and then treats the query itself: **every query
parameter is kept except known tracking ones**, sorted by name. The two mistakes are not equally
bad. Dropping an identifying parameter (``?story=``, ``?id=``, ``ArticleID=``, ``no=``...) folds
distinct articles into one record, fetched at a URL that is none of them; keeping a tracking
parameter at worst makes a second record of the same article, which ``rel=canonical`` usually
folds back (see :mod:`newsdiff.collect.aliases`). So the list below names only parameters that
are tracking on every site that uses them; ``ref`` and ``src`` are kept (some sites name
articles with them, and the tracking ``ref=`` pages say ``rel=canonical`` without it).

``url_variants`` lists the forms that name the same article (http and https, ``www.`` or not,
with and without a trailing slash, the query kept), which the store uses to find an article
under any of them. URLs stored before query parameters were kept were canonicalised without
their query; lookups do not try that old form on purpose (it is what merged distinct articles).

:func:`is_front_page` and :func:`redirected_to_front_page` tell a site's home page, which an
article URL redirects to once the article is gone: that is a soft 404, never a version.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus, unquote_to_bytes, urlsplit, urlunsplit

import courlan

from newsdiff.errors import ConfigError

# Tracking parameters: analytics campaigns, ad click ids, newsletter and share ids. Compared in
# lower case. Prefixes are whole families (utm_source, utm_medium...; ns_mchannel, ns_source...).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",  # DoubleClick
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "ysclid",
        "twclid",  # X/Twitter
        "ttclid",  # TikTok
        "li_fat_id",  # LinkedIn
        "igshid",  # Instagram
        "igsh",
        "mkt_tok",  # Marketo
        "ocid",  # Microsoft/MSN
        "cmpid",  # campaign id (many outlets)
        "cmp",  # the Guardian's CMP=share_btn_tw
        "icid",  # Adobe internal campaign id
        "s_cid",  # Adobe
        "s_kwcid",
        "xtor",  # AT Internet / Xiti (Le Monde, Le Figaro...)
        "xtref",
        "smid",  # New York Times share id
        "smtyp",
        "emc",  # New York Times e-mail campaign
        "wt.mc_id",  # Webtrends
        "_ga",  # Google Analytics linker
        "_gl",
        "_hsenc",  # HubSpot
        "_hsmi",
        "__twitter_impression",
        "sr_share",
        "spm",  # Alibaba
    }
)
TRACKING_PREFIXES = (
    "utm_",  # Google Analytics campaigns
    "mc_",  # Mailchimp: mc_cid, mc_eid
    "ns_",  # comScore: ns_mchannel, ns_source, ns_campaign, ns_linkname, ns_fee
    "at_",  # AT Internet: at_medium, at_campaign, at_custom1...
    "pk_",  # Matomo/Piwik campaigns
    "mtm_",
    "hsa_",  # HubSpot ads
    "itm_",  # internal tracking
    "oly_",  # Omeda
    "vero_",
)

# A site's home page: "/", "/index.html", "/home", a language root ("/en/", "/en-gb/")...
_FRONT_PAGE = re.compile(
    r"(?:/[a-z]{2}(?:[-_][a-z]{2})?)?"
    r"(?:/(?:index|default|home|homepage|start|main|portal)(?:\.[a-z]{2,5})?)?/*",
    re.IGNORECASE,
)


def is_tracking_param(name: str) -> bool:
    """True for a query parameter that says where a reader came from, not which page they
    want (``utm_source``, ``fbclid``...)."""
    key = name.strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _unquote(text: str) -> bytes:
    return unquote_to_bytes(text.replace("+", " "))


def clean_query(query: str) -> str:
    """The query without tracking parameters, each kept one re-encoded the one way (bytes kept
    exactly, whatever their charset) and sorted by name (values of one name keep their order).
    ``?1234`` and ``?a=`` keep their form: a bare key is as identifying as a value."""
    kept: list[tuple[bytes, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        raw_key, sep, raw_value = piece.partition("=")
        key = _unquote(raw_key)
        if is_tracking_param(key.decode("utf-8", "replace")):
            continue
        encoded = quote_plus(key, safe="")
        if sep:
            encoded += "=" + quote_plus(_unquote(raw_value), safe="")
        kept.append((key, encoded))
    kept.sort(key=lambda item: item[0])
    return "&".join(encoded for _, encoded in kept)


def canonical_url(url: str) -> str:
    """The canonical form of an article URL. Raises :class:`ConfigError` for a non-http(s) URL."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        hostname = parts.hostname
    except ValueError as exc:
        raise ConfigError(f"not a usable URL: {url!r} ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    try:
        base: str = courlan.normalize_url(
            urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
            strict=True,
            trailing_slash=False,
        )
    except (ValueError, AttributeError) as exc:
        raise ConfigError(f"not a usable URL: {url!r} ({exc})") from exc
    query = clean_query(parts.query)
    if not query:
        return base
    normalized = urlsplit(base)
    return urlunsplit((normalized.scheme, normalized.netloc, normalized.path or "/", query, ""))


def url_variants(url: str) -> list[str]:
    """Forms of a canonical URL that name the same article: http/https, ``www.`` or not, and
    with or without a trailing slash; the query as it is. The URL itself comes first."""
    parts = urlsplit(url)
    host = parts.netloc
    hosts = {host, host[4:] if host.startswith("www.") else "www." + host}
    if parts.path in ("", "/"):
        paths = {"/"} if parts.query else {"", "/"}
    elif parts.path.endswith("/"):
        paths = {parts.path, parts.path.rstrip("/")}
    else:
        paths = {parts.path, parts.path + "/"}
    out = []
    for scheme in ("https", "http"):
        for netloc in sorted(hosts):
            for path in sorted(paths):
                out.append(urlunsplit((scheme, netloc, path, parts.query, "")))
    out.sort(key=lambda u: u != url)
    return out


def host_of(url: str) -> str:
    """The host (with port) of a URL, lower-cased, without a leading ``www.``."""
    netloc = urlsplit(url).netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def same_site(a: str, b: str) -> bool:
    """True when two URLs belong to the same site (host equal or one a subdomain of the other)."""
    ha, hb = host_of(a).split(":")[0], host_of(b).split(":")[0]
    return ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha)


def is_front_page(url: str) -> bool:
    """True for a site's home page: the path is empty, ``/``, a known home (``/index.html``,
    ``/home``, ``/default.aspx``...) or a language root (``/en/``, ``/en-gb/index.html``), with
    no query left once tracking parameters are dropped (``/?p=123`` is a WordPress article)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return bool(_FRONT_PAGE.fullmatch(parts.path)) and not clean_query(parts.query)


def redirected_to_front_page(requested_url: str, final_url: str) -> bool:
    """True when a request for an article ended on a home page (on the same site or another):
    how many sites answer for an article they removed, instead of a 404. A request that asked
    for a home page itself is not redirected *to* one."""
    return is_front_page(final_url) and not is_front_page(requested_url)


def path_segments(url: str) -> list[str]:
    """The non-empty segments of a URL's path: ``/news/world/`` -> ``["news", "world"]``."""
    return [s for s in urlsplit(url).path.split("/") if s]


def query_items(url: str) -> set[str]:
    """The kept query parameters of a URL, each as its ``name=value`` text."""
    query = clean_query(urlsplit(url).query)
    return set(query.split("&")) if query else set()


def names_less_than(candidate: str, url: str) -> bool:
    """True when ``candidate`` (same site) contains ``url`` rather than being it: a proper
    ancestor of its path (``/news/world`` for ``/news/world/story-1``), or the same path with
    fewer of its query parameters (``/article.php`` for ``/article.php?story=4``). Such a URL
    is a section or a listing, shared by many articles; it never names one of them."""
    mine, theirs = path_segments(url), path_segments(candidate)
    if len(theirs) < len(mine) and mine[: len(theirs)] == theirs:
        return True
    if theirs == mine:
        mine_q, theirs_q = query_items(url), query_items(candidate)
        return theirs_q < mine_q
    return False
