"""``newsdiff extract``: what the collector would store for a page, storing nothing.

The page comes from the web (fetched politely with the configured fetcher) or from a saved file
(gzip too). The outlet's rules apply as in the poller: by ``--outlet``, else by the outlet of a
configured feed on the same site, else by the page's host (the poller's default outlet name).

``newsdiff extract --version ID`` extracts a stored version's raw capture (see
:mod:`newsdiff.collect.warc`) again, with today's code and the rules of the article's outlet.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from newsdiff.collect.articles import resolve_article
from newsdiff.collect.extract import Extraction, extract_article
from newsdiff.collect.http import HTML_TYPES, Fetcher
from newsdiff.collect.urls import host_of, same_site
from newsdiff.collect.warc import CaptureRef, captures_path, read_capture
from newsdiff.config import OutletRules, Settings
from newsdiff.errors import ConfigError, ExtractionError, NotFound
from newsdiff.store.articles import latest_feed_title
from newsdiff.store.db import Database
from newsdiff.store.models import Version
from newsdiff.store.versions import get_version
from newsdiff.text import normalize_paragraph, text_hash


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


@dataclass(frozen=True)
class Reextraction:
    """A stored version's capture extracted again with today's code and rules."""

    preview: Preview
    version_id: int
    article_id: int
    number: int
    captured_at: datetime
    capture: CaptureRef
    same_text: bool  # today's headline and paragraphs hash to the stored version's
    same_title: bool
    stored_paragraphs: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "article_id": self.article_id,
            "number": self.number,
            "captured_at": self.captured_at.isoformat(),
            "warc_file": self.capture.file,
            "warc_offset": self.capture.offset,
            "same_text": self.same_text,
            "same_title": self.same_title,
        }


def find_version(session: Session, ref: str) -> Version:
    """A version by id, or ``ARTICLE:N`` (article id or URL, version number)."""
    ref = ref.strip()
    if ref.isdigit():
        version = session.get(Version, int(ref))
        if version is None:
            raise NotFound(f"no version with id {ref}")
        return version
    article_ref, _, number = ref.rpartition(":")
    if not article_ref or not number.isdigit():
        raise ConfigError(f"--version: expected a version id or ARTICLE:N, got {ref!r}")
    article = resolve_article(session, article_ref)
    return get_version(session, article.id, int(number))


def reextract_version(
    settings: Settings, database: Database, ref: str, *, outlet: str | None = None
) -> Reextraction:
    """Extract the raw capture of version ``ref`` (see :func:`find_version`) again, with today's
    extractor and the rules of its article's outlet (or ``outlet``'s); nothing is stored."""
    with database.read() as session:
        version = find_version(session, ref)
        if version.warc_file is None or version.warc_offset is None:
            raise NotFound(
                f"version {version.id} (article {version.article_id} v{version.number}) has no "
                "raw capture: it was stored before captures were kept or with them turned off"
            )
        ref_ = CaptureRef(version.warc_file, version.warc_offset, version.warc_length or 0)
        article = version.article
        outlet_name = article.outlet.name if article.outlet else None
        feed_title = latest_feed_title(session, article.id)
        version_id, article_id = version.id, article.id
        number, captured_at = version.number, version.captured_at
        stored_hash, stored_title = version.text_hash, version.title
        stored_paragraphs = len(version.paragraph_list)
    capture = read_capture(captures_path(settings), ref_)
    if outlet is not None:
        name, rules = outlet_rules(settings, capture.url, outlet)
    else:
        name = outlet_name if outlet_name in settings.outlets else None
        rules = settings.outlets[name] if name is not None else None
    extraction = extract_article(
        capture.body,
        capture.url,
        feed_title=feed_title,
        min_chars=settings.schedule.min_chars,
        encoding=capture.charset,
        rules=rules,
    )
    same = text_hash(extraction.title, extraction.paragraphs, extraction.headlines) == stored_hash
    return Reextraction(
        Preview(extraction, capture.url, name),
        version_id=version_id,
        article_id=article_id,
        number=number,
        captured_at=captured_at,
        capture=ref_,
        same_text=same,
        same_title=normalize_paragraph(extraction.title) == stored_title,
        stored_paragraphs=stored_paragraphs,
    )
