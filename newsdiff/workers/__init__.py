"""Beyond one machine: the poll cycle as jobs of a procrastinate queue on PostgreSQL
(``newsdiff worker``), any number of workers on any number of machines, polite together.

- :mod:`.jobs`: the procrastinate app, the ``poll_feed`` / ``check_article`` jobs (a lock and a
  queueing lock per item) and the periodic scheduler job;
- :mod:`.scheduler`: one scheduler tick (stalled jobs run again, due items deferred);
- :mod:`.hosts`: the host gate shared through PostgreSQL (concurrency, delays, Retry-After);
- :mod:`.presence`: workers and ``newsdiff poll`` never poll one database together;
- :mod:`.schema`: the queue and host tables, applied idempotently (no Alembic migration);
- :mod:`.runner`: one worker process, reconnecting after a lost database, stopping cleanly.

``newsdiff poll`` stays the single-machine driver of the same unit operations
(:mod:`newsdiff.collect.poll`).
"""
