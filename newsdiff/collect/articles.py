"""Tracking single articles and resolving an article reference (id or any of its URLs)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from newsdiff.collect.urls import canonical_url, host_of, url_variants
from newsdiff.store.articles import find_article, get_or_create_outlet, track_article
from newsdiff.store.db import Database
from newsdiff.store.models import Article, utcnow


def track_url(database: Database, url: str, *, outlet: str | None = None) -> tuple[Article, bool]:
    """Track the article at ``url`` (canonicalised); it is fetched on the next poll."""
    canonical = canonical_url(url)
    now = utcnow()
    with database.write() as session:
        host = host_of(canonical)
        record = get_or_create_outlet(session, outlet or host, host)
        return track_article(
            session, canonical, now=now, outlet=record, variants=url_variants(canonical)
        )


def resolve_article(session: Session, ref: str) -> Article:
    """An article by id, or by any URL it is known under (canonicalised first)."""
    ref = ref.strip()
    if ref.isdigit():
        return find_article(session, int(ref))
    canonical = canonical_url(ref)
    return find_article(session, ref, variants=[ref, *url_variants(canonical)])
