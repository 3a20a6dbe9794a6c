"""``newsdiff worker``: one worker process, kept running through database outages.

:func:`run_worker` checks the database (PostgreSQL, newsdiff's schema current, the worker
schema prepared: :mod:`.schema`), then runs a :class:`Supervisor`, which:

1. connects (a pool for procrastinate and the host gate, a connection holding the poll lock
   shared: :mod:`.presence`), then runs a procrastinate worker whose jobs share one
   :class:`~newsdiff.collect.poll.PollContext` (a fetcher with the :class:`~.hosts.SharedGate`,
   an extraction pool, and a :class:`~newsdiff.collect.record.CheckBatch`: the checks of the
   jobs running at once that find nothing new are written together, each job ending once its
   check is committed) until it stops;
2. when the database goes away (the worker's heartbeat, a job fetch or the presence connection
   fails), the procrastinate worker stops, its running jobs end or are left to the stalled-job
   handling, and the supervisor connects again, pausing 1 s, 2 s, 4 s... up to
   ``workers.reconnect_max_s`` between attempts: the process lives on;
3. on SIGTERM or SIGINT it stops taking jobs; running jobs get ``workers.shutdown_timeout_s``
   to finish, then are cancelled and handed back to the queue (they run again at once
   elsewhere); the process exits 0. A second signal exits at once (status 130): the running
   jobs are then run again as stalled ones.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsdiff.config import Settings
from newsdiff.errors import StoreError
from newsdiff.store.db import Database, describe
from newsdiff.workers.hosts import SharedGate, lease_seconds
from newsdiff.workers.jobs import CONTEXT_KEY, QUEUES, app, register_schedule
from newsdiff.workers.schema import conninfo, prepare

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    import psycopg
    from procrastinate.worker import Worker
    from psycopg_pool import AsyncConnectionPool

    from newsdiff.collect.poll import DueArticle

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int
    queues: tuple[str, ...] | None = None  # None: all of QUEUES
    name: str | None = None


def run_worker(
    settings: Settings,
    *,
    concurrency: int | None = None,
    queues: tuple[str, ...] | None = None,
) -> None:
    """Run a worker on the configured PostgreSQL database until SIGTERM or SIGINT.

    Raises :class:`~newsdiff.errors.ConfigError` on SQLite, and
    :class:`~newsdiff.errors.SchemaOutdated` against a database whose schema (newsdiff's or the
    queue's) is older or newer than this newsdiff's."""
    url = settings.database.url
    dsn = conninfo(url)  # ConfigError unless PostgreSQL
    database = Database(url)  # SchemaOutdated unless at this newsdiff's schema
    try:
        for line in prepare(url):
            logger.info("%s", line)
        options = WorkerOptions(
            concurrency=concurrency or settings.workers.concurrency,
            queues=tuple(queues) if queues else None,
            name=f"newsdiff-{os.getpid()}",
        )
        asyncio.run(Supervisor(settings, database, dsn, options).run())
    finally:
        database.dispose()


#: exceptions that mean the database is unreachable (the supervisor connects again)
def _db_errors() -> tuple[type[BaseException], ...]:
    import psycopg
    import psycopg_pool
    from procrastinate.exceptions import ConnectorException

    return (psycopg.Error, psycopg_pool.PoolTimeout, ConnectorException, StoreError, OSError)


async def _configure_queue_connection(conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
    """A connection of the worker's pool (procrastinate's queue and the host gate, never
    newsdiff's own tables): each statement is a transaction of its own (every call of the
    queue and the gate is one statement: no BEGIN and COMMIT round trips around it, no host
    row locked while a COMMIT travels), and its commits do not wait for the disk. What a
    crash of PostgreSQL may then lose is the last moment of queue and lease changes, and each
    is harmless: a job deferred is deferred again (its item is still due), a job fetched or
    finished runs again (a check that finds what is stored is "unchanged": no version twice),
    a lease is gone as if expired. Versions and checks are written through
    :class:`Database`, whose commits wait for the disk and flush every earlier commit with
    them. A statement left waiting for a lock by a worker that died (``kill -9``) is given up
    within :data:`CLIENT_CHECK_MS`, as its transaction would have been: the job it would have
    finished runs again."""
    import psycopg

    await conn.set_autocommit(True)
    await conn.execute("SET synchronous_commit = off")
    # a statement whose worker died while it waited for a lock is given up, not committed
    try:
        await conn.execute(f"SET client_connection_check_interval = {CLIENT_CHECK_MS}")
    except psycopg.Error as exc:  # PostgreSQL before 14, or a server without POLLRDHUP
        global _CHECK_WARNED
        if not _CHECK_WARNED:
            _CHECK_WARNED = True
            logger.warning(
                "this PostgreSQL cannot notice a dead worker while its statement waits for a "
                "lock (client_connection_check_interval: %s); a job that a killed worker was "
                "finishing may count as finished: use PostgreSQL 14 or newer on Linux",
                describe(exc),
            )


def due_reader(
    pool: AsyncConnectionPool, database: Database
) -> Callable[[int], Awaitable[DueArticle | None]]:
    """What a check reads of its article before it fetches, read on the worker's pool: one
    prepared statement on a connection of its own, no transaction around it (the check's write
    locks the row and looks again), and the event loop runs the other jobs meanwhile."""
    import psycopg
    import psycopg_pool

    from newsdiff.collect.poll import DueArticle, due_sql

    sql, params = due_sql(database.engine.dialect)

    async def read(article_id: int) -> DueArticle | None:
        try:
            async with pool.connection() as conn:
                cur = await conn.execute(sql, {**params, "article_id": article_id})
                row = await cur.fetchone()
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StoreError(f"cannot read database: {describe(exc)}") from exc
        return DueArticle(*row) if row is not None else None

    return read


#: how often a statement of the worker's pool that waits (for a lock) checks that its worker
#: is still there (PostgreSQL's client_connection_check_interval, in ms)
CLIENT_CHECK_MS = 500
_CHECK_WARNED = False


#: a connection of the worker's pool given back this recently is lent again unchecked
CHECK_IDLE_S = 1.0


class Liveness:
    """The worker pool's check of a connection before it is lent: a round trip (an empty
    query: a connection the server dropped is discarded and another one lent) unless it came
    back to the pool less than :data:`CHECK_IDLE_S` ago. Every call of a check (take and
    release a host, read the article, fetch and finish the job) borrows a connection, and
    checking each cost as many round trips as the calls themselves. A connection lost in the
    last second fails its next call instead, as a call fails when the database goes away
    during it: the host is tried again later, a failed fetch reconnects the worker."""

    def __init__(self) -> None:
        self._returned: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()

    async def returned(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._returned[conn] = time.monotonic()

    async def check(self, conn: psycopg.AsyncConnection[Any]) -> None:
        from psycopg_pool import AsyncConnectionPool  # noqa: F811 - the class, at run time

        if time.monotonic() - self._returned.get(conn, -CHECK_IDLE_S) >= CHECK_IDLE_S:
            await AsyncConnectionPool.check_connection(conn)


class Supervisor:
    """Runs procrastinate workers one after the other until told to stop (module docstring)."""

    def __init__(
        self, settings: Settings, database: Database, dsn: str, options: WorkerOptions
    ) -> None:
        self.settings = settings
        self.database = database
        self.dsn = dsn
        self.options = options
        self.stop = asyncio.Event()
        self.worker: Worker | None = None
        self.runs = 0  # procrastinate workers started (a reconnection starts another)

    def _on_signal(self, signum: int) -> None:
        if self.stop.is_set():
            logger.warning("second %s: exiting now", signal.Signals(signum).name)
            os._exit(130)
        logger.warning(
            "%s: stopping; running jobs get %gs, then go back to the queue",
            signal.Signals(signum).name,
            self.settings.workers.shutdown_timeout_s,
        )
        self.stop.set()
        worker = self.worker
        if worker is not None:
            worker.stop()  # type: ignore[no-untyped-call]

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self._on_signal, signum)
        register_schedule(self.settings.workers.tick_s)
        pause = 1.0
        errors = _db_errors()
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                await self._run_once()
                problem = "the worker stopped by itself"
            except errors as exc:
                problem = describe(exc.__cause__ or exc)
            except Exception as exc:  # noqa: BLE001 - a daemon lives on; the traceback is logged
                logger.exception("worker failed")
                problem = f"{exc.__class__.__name__}: {exc}"
            if self.stop.is_set():
                break
            if time.monotonic() - started > 60:
                pause = 1.0  # it ran a while: a new outage starts over
            logger.warning("lost the database (%s): connecting again in %gs", problem, pause)
            try:
                await asyncio.wait_for(self.stop.wait(), pause)
            except TimeoutError:
                pass
            pause = min(pause * 2, self.settings.workers.reconnect_max_s)
        logger.warning("stopped")

    async def _run_once(self) -> None:
        from procrastinate import PsycopgConnector
        from procrastinate.worker import Worker
        from psycopg_pool import AsyncConnectionPool  # noqa: F811 - the class, at run time

        from newsdiff.collect.http import Fetcher
        from newsdiff.collect.poll import CheckBatch, PollContext
        from newsdiff.collect.workers import ExtractionPool
        from newsdiff.workers.presence import worker_presence

        w = self.settings.workers
        concurrency = self.options.concurrency
        liveness = Liveness()
        pool: AsyncConnectionPool = AsyncConnectionPool(
            self.dsn,
            min_size=1,
            max_size=4 + concurrency // 2,
            open=False,
            configure=_configure_queue_connection,
            check=liveness.check,
            reset=liveness.returned,
            # how long a job waits for a connection: past it, the database counts as lost
            timeout=max(5.0, 2 * w.heartbeat_s),
            name="newsdiff-worker",
        )
        try:
            await pool.open(wait=True, timeout=10.0)
            async with worker_presence(self.dsn, self.stop) as presence:
                if presence is None:  # stopped while a poll ran
                    return
                with app.replace_connector(PsycopgConnector()):
                    async with app.open_async(pool):
                        gate = SharedGate(
                            pool,
                            per_host_concurrency=self.settings.fetch.per_host_concurrency,
                            lease_s=lease_seconds(self.settings.fetch.timeout_s),
                            max_wait_s=w.host_wait_s,
                        )
                        async with Fetcher(self.settings.fetch, gate=gate) as fetcher:
                            executor = ExtractionPool(processes=w.extraction_processes)
                            try:
                                ctx = PollContext(
                                    self.settings,
                                    self.database,
                                    fetcher,
                                    executor=executor,
                                    batch=CheckBatch(self.database, self.settings.schedule),
                                    read_due=due_reader(pool, self.database),
                                )
                                worker = Worker(
                                    app,
                                    queues=list(self.options.queues or QUEUES),
                                    name=self.options.name,
                                    concurrency=concurrency,
                                    additional_context={CONTEXT_KEY: ctx},
                                    install_signal_handlers=False,
                                    shutdown_graceful_timeout=w.shutdown_timeout_s,
                                    update_heartbeat_interval=w.heartbeat_s,
                                    stalled_worker_timeout=w.stalled_after_s,
                                    delete_jobs="successful",
                                )
                                await self._watch(worker, presence)
                            finally:
                                executor.shutdown(wait=False, cancel_futures=True)
        finally:
            self.worker = None
            await pool.close()

    async def _watch(
        self, worker: Worker, presence: psycopg.AsyncConnection[tuple[object, ...]]
    ) -> None:
        """Run ``worker`` until it stops; if the presence connection dies meanwhile (the
        database went away, or the lock with it), stop the worker and raise."""
        if self.stop.is_set():
            return
        self.worker = worker
        self.runs += 1
        logger.warning(
            "worker %s started: %d jobs at once, queues %s",
            self.options.name,
            self.options.concurrency,
            ", ".join(self.options.queues or QUEUES),
        )
        running = asyncio.create_task(
            worker.run(),  # type: ignore[no-untyped-call]
            name="procrastinate worker",
        )
        watch = asyncio.create_task(self._ping(presence), name="presence")
        done, _ = await asyncio.wait({running, watch}, return_when=asyncio.FIRST_COMPLETED)
        if watch in done:
            problem = watch.exception()
            worker.stop()  # type: ignore[no-untyped-call]
            try:
                await running
            except _db_errors():
                pass
            if problem is not None:
                raise problem
            return
        watch.cancel()
        try:
            await watch
        except asyncio.CancelledError:
            pass
        running.result()  # raises what stopped it

    async def _ping(self, presence: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        while True:
            await asyncio.sleep(self.settings.workers.heartbeat_s)
            await presence.execute("SELECT 1")
