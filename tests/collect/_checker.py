"""A process that checks the given articles at once (tests/collect/test_same_article.py).

Usage: python _checker.py DB_URL ARTICLE_ID... ; prints "ready", waits for a line on stdin, checks
every article concurrently, prints one outcome per line, then "done"."""

from __future__ import annotations

import asyncio
import sys

from newsdiff.collect.http import Fetcher
from newsdiff.collect.poll import PollContext, check_article
from newsdiff.config import settings_from_dict
from newsdiff.store.db import Database

url, ids = sys.argv[1], [int(a) for a in sys.argv[2:]]
settings = settings_from_dict(
    {"database": {"url": url}, "fetch": {"timeout_s": 30, "user_agent": "newsdiff-test/1.0"}}
)
database = Database(url)


async def main() -> None:
    async with Fetcher(settings.fetch) as fetcher:
        ctx = PollContext(settings, database, fetcher)
        outcomes = await asyncio.gather(*(check_article(ctx, a) for a in ids))
    for o in outcomes:
        print(o.outcome, o.error or "", flush=True)


print("ready", flush=True)
sys.stdin.readline()
asyncio.run(main())
database.dispose()
print("done", flush=True)
