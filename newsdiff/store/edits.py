"""Typed edits in the database: each version's edits against the version before it.

The edits are computed outside any transaction (in the poll's extraction worker, or by
``newsdiff analyse``) by :mod:`newsdiff.diff.edits`, and handed here as plain dicts of the diff
JSON's ``edits`` shape (``kind``, ``change``, ``old``, ``new``, ``old_paragraph``,
``new_paragraph``, ``silent``, ``detail``). :func:`save_edits` writes them in the caller's short
write transaction, and only if the version before is still the one they were computed against
(``against_hash``): a backfill may have put another version in between meanwhile.

``silent``: a factual edit (number, quote, source) is silent when no correction notice owns up to
it, in its own version or a later one (the rule of :func:`newsdiff.diff.edits.resolve_silence`).
The analyser marks it from its own version; when a later version adds or changes a correction
notice, :func:`save_edits` clears ``silent`` on the edits of the versions since the previous
notice, so the flag always reads "no notice, then or since".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from newsdiff.store.models import Article, Edit, Outlet, Version
from newsdiff.store.versions import VersionText
from newsdiff.text import normalize_paragraph, normalize_paragraphs

if TYPE_CHECKING:
    from newsdiff.diff import DocumentDiff

#: edit kinds that are facts (and can be silent), and the notice kind that owns up to them
FACTUAL_KINDS = ("number", "quote", "source")
NOTICE_KIND = "correction"


@dataclass(frozen=True)
class VersionEdits:
    """A version's edits as computed (outside any transaction) against the version before it."""

    analyser_version: str
    against_hash: str | None  # text hash of the version they compare with (None: the first)
    edits: tuple[Mapping[str, Any], ...]
    trivial: bool

    @property
    def kinds(self) -> str:
        return ",".join(sorted({str(e["kind"]) for e in self.edits}))


NOTICE_CHANGES = ("added", "changed")


def _has_notice(edits: Sequence[Mapping[str, Any]]) -> bool:
    """Does a version with these edits add or change a correction notice?"""
    return any(e["kind"] == NOTICE_KIND and e["change"] in NOTICE_CHANGES for e in edits)


def _notice_versions(session: Session, article_id: int) -> set[int]:
    """Numbers of the article's versions that add or change a correction notice."""
    return set(
        session.scalars(
            select(Version.number)
            .join(Edit, Edit.version_id == Version.id)
            .where(
                Edit.article_id == article_id,
                Edit.kind == NOTICE_KIND,
                Edit.change.in_(NOTICE_CHANGES),
            )
        )
    )


def save_edits(session: Session, version: Version, computed: VersionEdits) -> bool:
    """Replace ``version``'s edits with ``computed`` unless they were computed against another
    predecessor than the one it has now. Returns whether they were saved."""
    previous = session.scalars(
        select(Version.text_hash).where(
            Version.article_id == version.article_id, Version.number == version.number - 1
        )
    ).first()
    if previous != computed.against_hash:
        return False
    later_notice = any(n > version.number for n in _notice_versions(session, version.article_id))
    session.execute(delete(Edit).where(Edit.version_id == version.id))
    for position, edit in enumerate(computed.edits):
        silent = bool(edit.get("silent")) and not later_notice
        session.add(
            Edit(
                version_id=version.id,
                article_id=version.article_id,
                position=position,
                kind=str(edit["kind"]),
                change=str(edit["change"]),
                old=edit.get("old") or None,
                new=edit.get("new") or None,
                old_paragraph=edit.get("old_paragraph"),
                new_paragraph=edit.get("new_paragraph"),
                silent=silent,
                detail=dict(edit.get("detail") or {}) or None,
            )
        )
    version.analyser_version = computed.analyser_version
    version.edit_kinds = computed.kinds
    version.trivial = computed.trivial
    if _has_notice(computed.edits):
        # a notice owns up to the edits since the previous notice (newsdiff.diff.edits
        # resolve_silence): those versions' factual edits are no longer silent
        noticed = _notice_versions(session, version.article_id)
        last = max((n for n in noticed if n < version.number), default=0)
        between = select(Version.id).where(
            Version.article_id == version.article_id,
            Version.number > last,
            Version.number < version.number,
        )
        session.execute(
            update(Edit)
            .where(Edit.version_id.in_(between), Edit.silent.is_(True))
            .values(silent=False)
        )
    session.flush()
    return True


def forget_edits(session: Session, version: Version) -> None:
    """``version`` has a new predecessor (a backfill put one before it): its edits no longer
    hold; ``newsdiff analyse`` computes them again."""
    session.execute(delete(Edit).where(Edit.version_id == version.id))
    version.analyser_version = None
    version.edit_kinds = None
    version.trivial = None


def pending_versions(
    session: Session,
    analyser_version: str,
    *,
    redo: bool = False,
    article_id: int | None = None,
    since: datetime | None = None,
    after_id: int = 0,
    limit: int | None = None,
) -> list[int]:
    """Ids of versions to analyse, in id order from ``after_id``: never analysed, or by another
    analyser version (every version with ``redo``)."""
    stmt = select(Version.id).where(Version.id > after_id)
    if not redo:
        stmt = stmt.where(
            (Version.analyser_version.is_(None)) | (Version.analyser_version != analyser_version)
        )
    if article_id is not None:
        stmt = stmt.where(Version.article_id == article_id)
    if since is not None:
        stmt = stmt.where(Version.captured_at >= since)
    stmt = stmt.order_by(Version.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class EditRow:
    """One line of ``newsdiff edits``."""

    article_id: int
    outlet: str | None
    url: str
    version: int
    captured_at: datetime
    kind: str
    change: str
    old: str | None
    new: str | None
    silent: bool
    detail: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "url": self.url,
            "version": self.version,
            "captured_at": self.captured_at.isoformat(),
            "kind": self.kind,
            "change": self.change,
            "old": self.old,
            "new": self.new,
            "silent": self.silent,
            "detail": self.detail or {},
        }


def list_edits(
    session: Session,
    *,
    kinds: Sequence[str] = (),
    changes: Sequence[str] = (),
    silent: bool | None = None,
    outlet: str | None = None,
    article_ids: Sequence[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[EditRow]:
    """Edits across the archive, newest version first (``article_ids``: a story's articles)."""
    stmt = (
        select(Edit, Version.number, Version.captured_at, Article.url, Outlet.name)
        .join(Version, Version.id == Edit.version_id)
        .join(Article, Article.id == Edit.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
    )
    if kinds:
        stmt = stmt.where(Edit.kind.in_(list(kinds)))
    if changes:
        stmt = stmt.where(Edit.change.in_(list(changes)))
    if silent is not None:
        stmt = stmt.where(Edit.silent.is_(silent))
    if outlet is not None:
        stmt = stmt.where(Outlet.name == outlet)
    if article_ids is not None:
        stmt = stmt.where(Edit.article_id.in_(list(article_ids)))
    if since is not None:
        stmt = stmt.where(Version.captured_at >= since)
    if until is not None:
        stmt = stmt.where(Version.captured_at < until)
    stmt = stmt.order_by(Version.captured_at.desc(), Edit.version_id.desc(), Edit.position)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        EditRow(
            e.article_id,
            name,
            url,
            number,
            when,
            e.kind,
            e.change,
            e.old,
            e.new,
            e.silent,
            e.detail,
        )
        for e, number, when, url, name in session.execute(stmt)
    ]


def version_edits(session: Session, version_id: int) -> list[Edit]:
    """A version's stored edits, in order."""
    return list(
        session.scalars(select(Edit).where(Edit.version_id == version_id).order_by(Edit.position))
    )


def compute_edits(
    previous: VersionText | None,
    title: str,
    paragraphs: Sequence[str],
    diff: DocumentDiff | None = None,
) -> VersionEdits:
    """The edits of a text against the version before it (none for a first version). Pure and
    picklable: run it where the CPU is (an extraction worker), outside any transaction.
    ``diff`` is the paragraph diff of the same two texts when the caller has it (from
    :func:`newsdiff.store.versions.change_stats`), so that it is not computed twice."""
    from newsdiff.diff import Document
    from newsdiff.diff.edits import ANALYSER_VERSION, analyse, is_trivial

    if previous is None:
        return VersionEdits(ANALYSER_VERSION, None, (), False)
    clean = normalize_paragraphs(paragraphs)
    analysis = analyse(
        Document(previous.title, previous.paragraphs),
        Document(normalize_paragraph(title), clean),
        diff,
    )
    edits = tuple(edit.to_dict() for edit in analysis.edits)
    return VersionEdits(
        ANALYSER_VERSION, previous.text_hash, edits, bool(edits) and is_trivial(analysis.edits)
    )


#: one letter per kind, for compact listings (``newsdiff versions``, ``articles``, the TUI)
KIND_BADGES = {
    "headline": "H",
    "number": "N",
    "quote": "Q",
    "source": "S",
    "certainty": "C",
    "correction": "!",
    "trivial": "t",
    "other": "o",
}
BADGE_LEGEND = (
    "H headline, N number, Q quote, S source, C certainty, ! correction notice, t trivial, "
    "o other; ? not analysed yet (`newsdiff analyse`)"
)


def split_kinds(edit_kinds: str | None) -> list[str]:
    """``versions.edit_kinds`` as a list (empty for none or not analysed)."""
    return [k for k in (edit_kinds or "").split(",") if k]


def badges(edit_kinds: str | None, *, analysed: bool = True) -> str:
    """The kinds as one letter each, in a fixed order ("HQC"); "?" when not analysed."""
    if not analysed:
        return "?"
    kinds = set(split_kinds(edit_kinds))
    letters = [b for kind, b in KIND_BADGES.items() if kind in kinds]
    letters += sorted(k[:1] for k in kinds.difference(KIND_BADGES))
    return "".join(letters)


def article_kinds(session: Session, article_ids: Sequence[int]) -> dict[int, str]:
    """For each article, the kinds of all its versions' edits, as in ``versions.edit_kinds``."""
    out: dict[int, set[str]] = {}
    if not article_ids:
        return {}
    rows = session.execute(
        select(Version.article_id, Version.edit_kinds).where(
            Version.article_id.in_(list(article_ids)), Version.edit_kinds.is_not(None)
        )
    )
    for article_id, kinds in rows:
        out.setdefault(article_id, set()).update(split_kinds(kinds))
    return {aid: ",".join(sorted(kinds)) for aid, kinds in out.items()}


def silent_counts(session: Session, version_ids: Sequence[int]) -> dict[int, int]:
    """How many silent edits each version has."""
    if not version_ids:
        return {}
    rows = session.execute(
        select(Edit.version_id, func.count())
        .where(Edit.version_id.in_(list(version_ids)), Edit.silent.is_(True))
        .group_by(Edit.version_id)
    )
    return {vid: int(n) for vid, n in rows}
