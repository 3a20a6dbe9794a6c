"""URL canonicalisation: one article, one record.

``canonical_url`` applies courlan's strict normalisation (lower-cased host, default ports, fragments
and tracking parameters dropped, query parameters sorted) and drops the trailing slash.
``url_variants`` lists the forms that name the same article (http and https, with and without a
trailing slash), which the store uses to find an article under any of them.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import courlan

from newsdiff.errors import ConfigError


def canonical_url(url: str) -> str:
    """The canonical form of an article URL. Raises :class:`ConfigError` for a non-http(s) URL."""
    raw = url.strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    try:
        normalized: str = courlan.normalize_url(raw, strict=True, trailing_slash=False)
    except (ValueError, AttributeError) as exc:
        raise ConfigError(f"not a usable URL: {url!r} ({exc})") from exc
    return normalized


def url_variants(url: str) -> list[str]:
    """Forms of a canonical URL that name the same article: http/https, ``www.`` or not, and
    with or without a trailing slash. The URL itself comes first."""
    parts = urlsplit(url)
    host = parts.netloc
    hosts = {host, host[4:] if host.startswith("www.") else "www." + host}
    paths = {parts.path or "/"}
    if parts.path.endswith("/") and len(parts.path) > 1:
        paths.add(parts.path.rstrip("/"))
    else:
        paths.add(parts.path + "/")
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
