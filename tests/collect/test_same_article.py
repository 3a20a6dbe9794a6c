"""Checking one article is safe in any process at any time (DESIGN.md; issue 13): four real
processes checking the same 30 new articles at once store exactly one version of each. On
PostgreSQL this raised IntegrityError (duplicate version number) before the article row was
locked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from newsdiff.store.db import Database
from newsdiff.store.models import Check, Version
from tests.collect.conftest import make_settings
from tests.collect.server import Site, article_html
from tests.collect.test_poll import LEAD, SECOND, track

CHECKER = Path(__file__).with_name("_checker.py")
ARTICLES = 30  # 60 before; 30 (and 20) still failed on every run without either lock
PROCESSES = 4


def test_four_processes_check_the_same_new_articles(site: Site, db_url: str) -> None:
    settings = make_settings(db_url)
    ids = []
    for i in range(ARTICLES):
        site.set(f"/news/{i}", article_html(f"Story {i}", [f"Story {i}. {LEAD}", SECOND]))
        ids.append(track(settings, site.url(f"/news/{i}")))
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [sys.executable, str(CHECKER), db_url, *map(str, ids)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for proc in procs:  # all set up before any starts: the checks overlap
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.communicate()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=300) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    outcomes: list[str] = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "IntegrityError" not in err and "Traceback" not in err, err
        lines = out.strip().splitlines()
        assert lines[-1] == "done"
        outcomes += [line.split()[0] for line in lines[:-1]]
    assert len(outcomes) == ARTICLES * PROCESSES
    assert outcomes.count("new_version") == ARTICLES, sorted(set(outcomes))
    assert set(outcomes) == {"new_version", "unchanged"}
    database = Database(db_url)
    try:
        with database.read() as session:
            assert session.scalar(select(func.count()).select_from(Version)) == ARTICLES
            numbers = set(session.scalars(select(Version.number)))
            assert numbers == {1}
            assert session.scalar(select(func.count()).select_from(Check)) == ARTICLES * PROCESSES
    finally:
        database.dispose()
