"""``newsdiff extract``: what the collector would store for a page, storing nothing.

The page comes from the web (fetched politely with the configured fetcher) or from a saved file
(gzip too). The outlet's rules apply as in the poller: by ``--outlet``, else by the outlet of a
configured feed on the same site, else by the page's host (the poller's default outlet name).
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

from newsdiff.collect.extract import Extraction, extract_article
from newsdiff.collect.http import HTML_TYPES, Fetcher
from newsdiff.collect.urls import host_of, same_site
from newsdiff.config import OutletRules, Settings
from newsdiff.errors import ConfigError, ExtractionError


@dataclass(frozen=True)
class Preview:
    """An extraction and where it came from."""

    extraction: Extraction
    url: str
    outlet: str | None  # whose rules applied, if any


def outlet_rules(
    settings: Settings, url: str, outlet: str | None = None
) -> tuple[str | None, OutletRules | None]:
    """The outlet rules that apply to ``url``: ``outlet``'s (which must exist), else those of a
    configured feed's outlet on the same site, else those named after the URL's host."""
    if outlet is not None:
        if outlet not in settings.outlets:
            known = ", ".join(sorted(settings.outlets)) or "none"
            raise ConfigError(f'--outlet: no [outlets."{outlet}"] in the config (known: {known})')
        return outlet, settings.outlets[outlet]
    if not url.startswith(("http://", "https://")):
        return None, None
    for feed in settings.feeds:
        if feed.outlet in settings.outlets and same_site(feed.url, url):
            return feed.outlet, settings.outlets[feed.outlet]
    host = host_of(url)
    return (host, settings.outlets[host]) if host in settings.outlets else (None, None)


def read_page(path: Path) -> bytes:
    """A saved page; gzip-compressed ones are decompressed."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ExtractionError(f"{path}: broken gzip file: {exc}") from exc
    return data


async def _fetch(settings: Settings, url: str) -> tuple[bytes, str, str | None]:
    async with Fetcher(settings.fetch) as fetcher:
        result = await fetcher.fetch(url, accept=HTML_TYPES)
    return result.body, result.final_url, result.charset


def preview_extraction(
    settings: Settings, source: str, *, url: str | None = None, outlet: str | None = None
) -> Preview:
    """Extract ``source`` (a URL, or a saved file treated as fetched from ``url``) exactly as
    the collector would, with the outlet's rules; nothing is stored."""
    encoding: str | None = None
    if source.startswith(("http://", "https://")):
        body, final_url, encoding = asyncio.run(_fetch(settings, source))
        page_url = url or final_url
    else:
        path = Path(source).expanduser()
        body = read_page(path)
        page_url = url or path.resolve().as_uri()
    name, rules = outlet_rules(settings, page_url, outlet)
    extraction = extract_article(
        body, page_url, min_chars=settings.schedule.min_chars, encoding=encoding, rules=rules
    )
    return Preview(extraction, page_url, name)
