"""Run by test_concurrency: one process writing many short transactions."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from newsdiff.store.articles import track_article
from newsdiff.store.db import Database
from newsdiff.store.versions import VersionFields, add_version, record_check

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
database = Database(url)
start = datetime(2024, 1, 1, tzinfo=UTC)
with database.write() as session:
    article, _ = track_article(session, "https://example.org/shared", now=start)
    article_id = article.id
print("ready", flush=True)
sys.stdin.readline()  # wait for the go signal so both processes write at the same time
for i in range(count):
    now = start + timedelta(seconds=i)
    with database.write() as session:
        own, _ = track_article(session, f"https://example.org/{name}/{i}", now=now)
        add_version(
            session,
            own,
            VersionFields(
                title=f"{name} {i}",
                paragraphs=[f"Paragraph written by {name} number {i}."],
                extractor="test",
                extractor_version="1",
            ),
            captured_at=now,
        )
        shared = session.get(type(own), article_id)
        assert shared is not None
        record_check(session, shared, checked_at=now, outcome="unchanged")
print("done", flush=True)
