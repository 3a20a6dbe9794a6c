"""Stored versions -> the diff engine: compare two versions of an article.

Shared by the ``newsdiff diff`` command, the TUI and the exports, so the choice of versions
(default: the last two) and the glue from rows to :class:`~newsdiff.diff.Document` live in one
place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from newsdiff.diff import Document, DocumentDiff, compare
from newsdiff.errors import NotFound
from newsdiff.store.models import Version
from newsdiff.store.versions import get_version, latest_version
from newsdiff.text import standfirst_of


def version_document(version: Version) -> Document:
    """A stored version as the diff engine's document."""
    return Document(version.title or "", version.paragraph_list, standfirst_of(version.headlines))


def version_ref(version: Version) -> dict[str, Any]:
    """The ``{"number", "captured_at"}`` block of the diff JSON."""
    return {"number": version.number, "captured_at": version.captured_at.isoformat()}


def pick_versions(
    session: Session, article_id: int, from_n: int | None = None, to_n: int | None = None
) -> tuple[Version, Version]:
    """The two versions to compare: ``to_n`` defaults to the latest, ``from_n`` to the one
    before ``to_n``. Raises :class:`NotFound` when the article has no such versions."""
    if to_n is None:
        latest = latest_version(session, article_id)
        if latest is None:
            raise NotFound(f"article {article_id} has no versions yet")
        new = latest
    else:
        new = get_version(session, article_id, to_n)
    if from_n is None:
        if new.number < 2:
            raise NotFound(
                f"article {article_id} has only version {new.number}: nothing to compare it with"
            )
        from_n = new.number - 1
    old = get_version(session, article_id, from_n)
    return old, new


def diff_versions(
    session: Session,
    article_id: int,
    from_n: int | None = None,
    to_n: int | None = None,
    *,
    ignore_whitespace: bool = False,
    ignore_punctuation: bool = False,
) -> tuple[DocumentDiff, Version, Version]:
    """Compare two stored versions of an article (default: the last two).

    Returns the diff and the old and new :class:`Version` rows (still bound to ``session``).
    """
    old, new = pick_versions(session, article_id, from_n, to_n)
    result = compare(
        version_document(old),
        version_document(new),
        ignore_whitespace=ignore_whitespace,
        ignore_punctuation=ignore_punctuation,
    )
    return result, old, new
