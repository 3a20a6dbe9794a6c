"""Exports stream: the Python memory they hold stays far below the size of the data.

tracemalloc sees every Python object a result would be buffered into. The control case (reading
the same texts into a list) shows that the measurement does see the data. The 200k-row run takes
minutes: ``NEWSDIFF_SLOW_TESTS=1 pytest -m slow tests/export/test_memory.py``."""

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


def check_streams(database: Database, tmp_path: Path, articles: int, versions: int) -> None:
    size = fill(database, articles, versions)
    assert size > 10_000_000
    out = tmp_path / "versions.csv"

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

    control = peak(read_all)
    assert control > size  # the measurement sees buffered rows
    for run in (export_csv, export_jsonl_changes, export_ne):
        used = peak(run)
        assert used < size / 8, (run.__name__, used, size)
    assert out.stat().st_size > 0


def test_exports_stream(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # smaller batches than the default, so 10k rows are many batches: memory must not grow with
    # the number of batches read
    monkeypatch.setattr(tables, "BATCH", 200)
    monkeypatch.setattr(newsedits, "BATCH", 200)
    check_streams(database, tmp_path, articles=1_000, versions=10)  # 10k rows, ~16 MB of text


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("NEWSDIFF_SLOW_TESTS"), reason="takes minutes: set NEWSDIFF_SLOW_TESTS=1"
)
def test_exports_stream_200k(database: Database, tmp_path: Path) -> None:
    check_streams(database, tmp_path, articles=20_000, versions=10)  # 200k rows, ~320 MB of text
