"""Exports stream: the Python memory they hold does not grow with the data.

tracemalloc sees every Python object a result would be buffered into. Each export's peak is
measured on a small database and again after it has grown: the growth must stay far below the
size of the text added. (An absolute bound would need much more data, and time under tracemalloc:
a streaming export has a fixed floor of buffers and bounded caches, about 0.5-1.4 MB here.) The
control case (reading the same texts into a list) shows that the measurement does see the data.
The 200k-row run takes minutes:
``NEWSDIFF_SLOW_TESTS=1 pytest -m slow tests/export/test_memory.py``.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from newsdiff.export import newsedits, tables
from newsdiff.export.newsedits import export_newsedits
from newsdiff.export.tables import export_rows
from newsdiff.store.db import Database
from newsdiff.store.models import Version
from tests.export.bulk import fill


def peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def check_streams(
    database: Database, tmp_path: Path, small: int, large: int, versions: int = 10
) -> None:
    """Each export's peak with ``small`` articles, then with ``large``: the growth between the
    two stays under an eighth of the text added."""
    out = tmp_path / "versions.csv"
    articles = 0

    def read_all() -> None:
        with database.read() as session:
            texts = session.scalars(select(Version.paragraphs)).all()
            assert len(texts) == articles * versions

    def export_csv() -> None:
        with database.read() as session, out.open("w", encoding="utf-8", newline="") as handle:
            assert export_rows(session, "versions", handle) == articles * versions

    def export_jsonl_changes() -> None:
        with database.read() as session, out.open("w", encoding="utf-8") as handle:
            assert export_rows(session, "changes", handle, fmt="jsonl") == articles * (versions - 1)

    def export_ne() -> None:
        with database.read() as session:
            assert export_newsedits(session, tmp_path / "ne.db")[1] == articles * versions

    runs = (read_all, export_csv, export_jsonl_changes, export_ne)
    articles = small
    fill(database, small, versions)
    for run in runs:  # first calls (imports, compiled statements) are not what is measured
        run()
    before = [peak(run) for run in runs]
    added = fill(database, large - small, versions, start=small)
    assert added > 2_000_000
    articles = large
    after = [peak(run) for run in runs]
    growth = {run.__name__: a - b for run, a, b in zip(runs, after, before, strict=True)}
    assert growth.pop("read_all") > added  # the measurement sees buffered rows
    for name, used in growth.items():
        assert used < added / 8, (name, used, added)
    assert out.stat().st_size > 0


def test_exports_stream(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small batches, so that even the small database is several batches and the large one many:
    # memory must not grow with the number of batches read
    monkeypatch.setattr(tables, "BATCH", 50)
    monkeypatch.setattr(newsedits, "BATCH", 50)
    # 200 rows, then 2,000: ~2.7 MB of text added, so ~0.33 MB of growth allowed; the streaming
    # exports grew by 0.1 MB at most (later rows are longer), buffering adds more than the text
    check_streams(database, tmp_path, small=20, large=200)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("NEWSDIFF_SLOW_TESTS"), reason="takes minutes: set NEWSDIFF_SLOW_TESTS=1"
)
def test_exports_stream_200k(database: Database, tmp_path: Path) -> None:
    check_streams(database, tmp_path, small=2_000, large=20_000)  # 200k rows, ~320 MB of text
