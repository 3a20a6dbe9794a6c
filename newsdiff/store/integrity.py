"""Checking a whole archive: the work behind ``newsdiff db check``.

:func:`check_archive` goes through three stages, each reported to ``progress(stage, done,
total)`` as it goes:

1. ``texts``: every version's stored text is read back and checked against its digest
   (:func:`newsdiff.store.textstore.check_texts`); a damaged full copy, a delta whose base is
   gone or damaged, a text that does not match its digest each name the version;
2. ``captures``: every version that refers to a raw capture has it read and checked by the
   caller's ``verify_capture(file, offset, length)``, which raises a
   :class:`~newsdiff.errors.NewsdiffError` saying what is wrong (the captures' format belongs
   to the collector, which the store does not import: the command passes
   ``newsdiff.collect.warc``'s check in);
3. ``search``: the search index against ``versions``
   (:func:`newsdiff.store.search.check_index`, in a write transaction: SQLite's FTS5 check
   runs as an insert); with ``repair_index`` a damaged index is rebuilt and checked again.

Nothing is changed unless ``repair_index`` is given, and then only the search index. Texts and
captures are read in batches of ids, in short read transactions, so a check can run beside a
poll.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from newsdiff.errors import NewsdiffError
from newsdiff.store.db import Database
from newsdiff.store.search import check_index, rebuild_index
from newsdiff.store.textstore import check_texts

logger = logging.getLogger(__name__)

#: ``progress(stage, done, total)``
Progress = Callable[[str, int, int], None]
#: ``verify_capture(file, offset, length)``: raises a NewsdiffError when the capture is damaged
VerifyCapture = Callable[[str, int, int], None]

BATCH = 1_000
#: a problem's message is cut to this many characters (a reader's error may quote binary junk)
PROBLEM_CHARS = 300


@dataclass(frozen=True)
class Damage:
    """One damaged part of one version (``part``: ``text`` or ``capture``)."""

    version_id: int
    article_id: int
    number: int
    part: str
    problem: str

    def line(self) -> str:
        return (
            f"article {self.article_id} version {self.number} (id {self.version_id}): "
            f"{self.part}: {self.problem}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "article_id": self.article_id,
            "number": self.number,
            "part": self.part,
            "problem": self.problem,
        }


@dataclass
class ArchiveCheck:
    """What :func:`check_archive` found."""

    versions: int = 0
    texts_checked: int = 0
    captures_checked: int = 0
    damage: list[Damage] = field(default_factory=list)
    index_problems: list[str] = field(default_factory=list)
    index_repaired: bool = False
    seconds: float = 0.0

    @property
    def damaged_versions(self) -> int:
        return len({d.version_id for d in self.damage})

    @property
    def index_ok(self) -> bool:
        return not self.index_problems or self.index_repaired

    @property
    def ok(self) -> bool:
        return not self.damage and self.index_ok

    def summary(self) -> str:
        """One line: what was checked and what is wrong."""
        texts = f"{self.texts_checked:,}"
        if not self.index_problems:
            index = "in step"
        elif self.index_repaired:
            index = "rebuilt"
        else:
            index = "damaged (--repair-index rebuilds it)"
        verdict = (
            "no damage found"
            if self.ok
            else f"{self.damaged_versions:,} damaged version"
            + ("s" if self.damaged_versions != 1 else "")
            + ("" if self.index_ok else " and a damaged search index")
        )
        return (
            f"checked {self.versions:,} versions in {self.seconds:.1f} s: texts {texts}, "
            f"captures {self.captures_checked:,}, search index {index}: {verdict}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "versions": self.versions,
            "texts_checked": self.texts_checked,
            "captures_checked": self.captures_checked,
            "damaged_versions": self.damaged_versions,
            "damage": [d.to_dict() for d in self.damage],
            "search_index": {"problems": self.index_problems, "repaired": self.index_repaired},
            "seconds": round(self.seconds, 3),
        }


def check_archive(
    database: Database,
    *,
    verify_capture: VerifyCapture | None = None,
    repair_index: bool = False,
    progress: Progress | None = None,
) -> ArchiveCheck:
    """Check every version's text and capture and the search index (see the module
    docstring). ``verify_capture`` ``None``: captures are not checked."""
    started = time.perf_counter()
    report = ArchiveCheck()
    with database.read() as session:
        report.versions = int(session.execute(text("SELECT count(*) FROM versions")).scalar_one())
    report.texts_checked = _check_texts(database, report, progress)
    if verify_capture is not None:
        _check_captures(database, verify_capture, report, progress)
    _check_search(database, report, repair_index, progress)
    report.damage.sort(key=lambda d: (d.article_id, d.number, d.part))
    report.seconds = time.perf_counter() - started
    return report


def _check_texts(database: Database, report: ArchiveCheck, progress: Progress | None) -> int:
    def step(done: int, total: int) -> None:
        if progress is not None:
            progress("texts", done, total)

    step(0, report.versions)
    with database.read() as session:
        problems = check_texts(session, progress=step)
    for p in problems:
        report.damage.append(Damage(p.version_id, p.article_id, p.number, "text", _cut(p.problem)))
    step(report.versions, report.versions)
    return report.versions


def _check_captures(
    database: Database, verify: VerifyCapture, report: ArchiveCheck, progress: Progress | None
) -> None:
    with database.read() as session:
        total = int(
            session.execute(
                text("SELECT count(*) FROM versions WHERE warc_file IS NOT NULL")
            ).scalar_one()
        )
    if progress is not None:
        progress("captures", 0, total)
    last = 0
    while True:
        with database.read() as session:
            rows: Sequence[Any] = session.execute(
                text(
                    "SELECT id, article_id, number, warc_file, warc_offset, warc_length "
                    "FROM versions WHERE warc_file IS NOT NULL AND id > :last "
                    "ORDER BY id LIMIT :n"
                ),
                {"last": last, "n": BATCH},
            ).all()
        if not rows:
            break
        for row in rows:
            try:
                if row.warc_offset is None or row.warc_length is None:
                    raise ValueError("its capture has a file but no byte range")
                verify(row.warc_file, int(row.warc_offset), int(row.warc_length))
            except (NewsdiffError, ValueError) as exc:
                report.damage.append(
                    Damage(row.id, row.article_id, row.number, "capture", _cut(str(exc)))
                )
        report.captures_checked += len(rows)
        last = rows[-1].id
        if progress is not None:
            progress("captures", report.captures_checked, total)


def _check_search(
    database: Database, report: ArchiveCheck, repair: bool, progress: Progress | None
) -> None:
    if progress is not None:
        progress("search", 0, 1)
    with database.write() as session:
        report.index_problems = check_index(session)
    if report.index_problems and repair:
        logger.info("rebuilding the search index: %s", "; ".join(report.index_problems))
        with database.write() as session:
            rebuild_index(session)
        with database.write() as session:
            left = check_index(session)
        report.index_repaired = not left
        if left:
            report.index_problems += [f"after the rebuild: {p}" for p in left]
    if progress is not None:
        progress("search", 1, 1)


def _cut(problem: str) -> str:
    problem = " ".join(problem.split())
    return problem if len(problem) <= PROBLEM_CHARS else problem[: PROBLEM_CHARS - 1] + "\u2026"
