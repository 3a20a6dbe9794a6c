from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from newsdiff.store.db import Database
from newsdiff.store.models import Article, Check, Version

WRITER = Path(__file__).with_name("_writer.py")
COUNT = 150


def test_two_processes_write_at_once(db_url: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), db_url, name, str(COUNT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "beta")
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.strip() == "done"
    database = Database(db_url)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2 * COUNT + 1
        assert session.scalar(select(func.count()).select_from(Version)) == 2 * COUNT
        assert session.scalar(select(func.count()).select_from(Check)) == 2 * COUNT
    database.dispose()
