"""``newsdiff analyse``: compute (or recompute) the typed edits of stored versions.

Work goes in batches, in version id order: read a batch of versions and their predecessors (a
read transaction), compute their edits with no transaction open, write them in one short write
transaction. Each version records the analyser that computed its edits, so:

- an interrupted run resumes where it stopped (the versions it finished are no longer pending);
- after an upgrade of the analyser (:data:`newsdiff.diff.edits.ANALYSER_VERSION`), every version
  analysed by the older one is pending again;
- beside a running poll it is safe: the poll computes the edits of the versions it stores itself,
  and a version whose predecessor changed meanwhile (a backfill inserted one) is left pending
  rather than given edits against a text it no longer follows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from newsdiff.store.db import Database
from newsdiff.store.edits import VersionEdits, compute_edits, pending_versions, save_edits
from newsdiff.store.models import Version
from newsdiff.store.versions import VersionText

Progress = Callable[[str, int, int], None]


@dataclass
class AnalyseReport:
    """What a run of :func:`analyse_versions` did."""

    pending: int = 0  # versions to analyse when it started
    analysed: int = 0  # edits computed and saved
    skipped: int = 0  # changed meanwhile: left pending for the next run
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.analysed / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        rate = f", {self.per_second:,.0f} versions/s" if self.analysed else ""
        skipped = (
            f", {self.skipped} changed meanwhile (left for the next run)" if self.skipped else ""
        )
        return (
            f"{self.analysed} of {self.pending} versions analysed{skipped} "
            f"in {self.seconds:.1f}s{rate}"
        )


@dataclass(frozen=True)
class _Job:
    version_id: int
    text_hash: str
    title: str
    paragraphs: tuple[str, ...]
    previous: VersionText | None


def _load(database: Database, ids: list[int]) -> list[_Job]:
    prev = aliased(Version)
    with database.read() as session:
        rows = session.execute(
            select(
                Version.id,
                Version.text_hash,
                Version.title,
                Version.paragraphs,
                prev.number,
                prev.text_hash,
                prev.title,
                prev.paragraphs,
            )
            .outerjoin(
                prev,
                (prev.article_id == Version.article_id) & (prev.number == Version.number - 1),
            )
            .where(Version.id.in_(ids))
            .order_by(Version.id)
        ).all()
    jobs = []
    for vid, digest, title, text, p_number, p_hash, p_title, p_text in rows:
        previous = (
            VersionText(p_number, p_hash, p_title, tuple(p_text.split("\n") if p_text else ()))
            if p_number is not None
            else None
        )
        paragraphs = tuple(text.split("\n")) if text else ()
        jobs.append(_Job(vid, digest, title, paragraphs, previous))
    return jobs


def analyse_versions(
    database: Database,
    *,
    redo: bool = False,
    article_id: int | None = None,
    since: datetime | None = None,
    batch: int = 50,
    progress: Progress | None = None,
) -> AnalyseReport:
    """Compute the edits of every pending version (every version with ``redo``), optionally of
    one article or of versions captured since ``since``."""
    from newsdiff.diff.edits import ANALYSER_VERSION

    started = time.monotonic()
    report = AnalyseReport()
    with database.read() as session:
        report.pending = len(
            pending_versions(
                session, ANALYSER_VERSION, redo=redo, article_id=article_id, since=since
            )
        )
    if progress:
        progress("analysing", 0, report.pending)
    after_id = 0
    done = 0
    while True:
        with database.read() as session:
            ids = pending_versions(
                session,
                ANALYSER_VERSION,
                redo=redo,
                article_id=article_id,
                since=since,
                after_id=after_id,
                limit=batch,
            )
        if not ids:
            break
        after_id = ids[-1]
        computed: list[tuple[_Job, VersionEdits]] = [
            (job, compute_edits(job.previous, job.title, job.paragraphs))
            for job in _load(database, ids)
        ]
        with database.write() as session:
            for job, edits in computed:
                version = session.get(Version, job.version_id)
                if version is None or version.text_hash != job.text_hash:
                    report.skipped += 1
                    continue
                if save_edits(session, version, edits):
                    report.analysed += 1
                else:
                    report.skipped += 1
        done += len(ids)
        if progress:
            progress("analysing", min(done, report.pending), report.pending)
    report.seconds = time.monotonic() - started
    return report


def count_unanalysed(database: Database) -> int:
    """Versions whose edits are missing or from another analyser version."""
    from newsdiff.diff.edits import ANALYSER_VERSION

    with database.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Version)
                .where(
                    (Version.analyser_version.is_(None))
                    | (Version.analyser_version != ANALYSER_VERSION)
                )
            )
            or 0
        )
