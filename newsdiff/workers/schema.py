"""What the workers keep in PostgreSQL besides newsdiff's own tables: procrastinate's queue
(its ``procrastinate_*`` tables and functions) and the shared host state (``newsdiff_hosts``,
``newsdiff_host_leases`` and their functions, :mod:`newsdiff.workers.hosts`).

None of it is an Alembic migration: it exists only on PostgreSQL, and only where workers run.
:func:`prepare` applies it idempotently, in one transaction under an advisory lock (two workers
starting at once: one applies, the other then finds it done). ``newsdiff worker`` prepares a
database that has none of it; ``newsdiff db upgrade`` also brings an older queue schema (from an
earlier procrastinate) up to date, which a worker never does, since older workers may still be
running on it. ``newsdiff_worker_schema`` records what was applied:

    component       version
    procrastinate   the procrastinate release whose schema the queue has (3.10.0)
    hosts           HOSTS_VERSION (the host tables, and what newsdiff adds to the queue's:
                    an index and autovacuum settings, see HOSTS_DDL)

A queue or host schema newer than this newsdiff knows is refused (:class:`SchemaOutdated`), as
newsdiff's own schema is.
"""

from __future__ import annotations

import logging
import re
from importlib import metadata
from pathlib import Path

from sqlalchemy.engine import make_url

from newsdiff.errors import ConfigError, SchemaOutdated, StoreError

logger = logging.getLogger(__name__)

#: the advisory lock held while the worker schema is applied
SCHEMA_LOCK_KEY = 0x6E657764  # "newd"
#: the version of the host tables below; bump it with any change to HOSTS_DDL
HOSTS_VERSION = 3

HOSTS_DDL = """
CREATE TABLE IF NOT EXISTS newsdiff_worker_schema (
    component text PRIMARY KEY,
    version text NOT NULL
);

-- One row per host (a netloc, as the fetcher keys politeness): when the next request may start,
-- and until when the host asked everyone to stay away (429/503 Retry-After).
CREATE TABLE IF NOT EXISTS newsdiff_hosts (
    host text PRIMARY KEY,
    next_allowed_at timestamptz NOT NULL DEFAULT '-infinity',
    backoff_until timestamptz,
    delay_s double precision NOT NULL DEFAULT 0,
    delay_at timestamptz,
    requests bigint NOT NULL DEFAULT 0
);

-- A request in flight: taken before it starts, deleted when it ends, or expired when its
-- worker died (expires_at is past the fetch's whole timeout).
CREATE TABLE IF NOT EXISTS newsdiff_host_leases (
    id bigserial PRIMARY KEY,
    host text NOT NULL REFERENCES newsdiff_hosts (host) ON DELETE CASCADE,
    holder text NOT NULL,
    taken_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    delay_s double precision NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS newsdiff_host_leases_host ON newsdiff_host_leases (host);
-- columns added before version 1 was released (databases of its development)
ALTER TABLE newsdiff_hosts ADD COLUMN IF NOT EXISTS delay_at timestamptz;
ALTER TABLE newsdiff_host_leases ADD COLUMN IF NOT EXISTS delay_s double precision
    NOT NULL DEFAULT 0;

-- Version 2: procrastinate's fetch (procrastinate_fetch_job_v2) rejects a candidate job whose
-- lock another waiting or running job holds, probing by lock; its own index on (id, lock)
-- puts the lock second, so each probe reads the whole index, and a fetch that plans to test
-- every waiting job (the planner's statistics taken on an empty queue) costs
-- O(waiting jobs ^ 2): 90-160 ms a fetch with 2,000 jobs waiting, PostgreSQL's CPU spent on
-- nothing else. Probing by lock first makes each test an index lookup.
CREATE INDEX IF NOT EXISTS newsdiff_procrastinate_jobs_lock
    ON procrastinate_jobs (lock, priority, id)
    WHERE status IN ('todo', 'doing') AND lock IS NOT NULL;
-- Jobs and leases are written and deleted many times a second: vacuum and analyze them after
-- a fixed number of changes, not a fraction of a table that is small one moment and large
-- the next (the scheduler also analyzes the jobs when their statistics are far off).
ALTER TABLE procrastinate_jobs SET (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
ALTER TABLE procrastinate_events SET (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
ALTER TABLE newsdiff_host_leases SET (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);

-- Version 3: each host row counts its leases (in_flight, kept under the row's lock by the
-- functions below), so that taking a slot does not count the host's leases, nor look for
-- expired ones, unless the count says the host is full: the leases table churns (a row per
-- request) and its index by host is mostly dead entries between two vacuums, which each
-- take walked twice. The count is set from the leases when this is applied.
ALTER TABLE newsdiff_hosts ADD COLUMN IF NOT EXISTS in_flight integer NOT NULL DEFAULT 0;
UPDATE newsdiff_hosts h SET in_flight = (
    SELECT count(*) FROM newsdiff_host_leases l WHERE l.host = h.host);

-- Take a slot on p_host: a lease id, or NULL and how long to wait (NULL wait: the host is at
-- its concurrency; no telling when a request ends). In one transaction, under the host row's
-- lock, so all workers see one order. Times are the database's clock: machines' clocks may
-- differ, the database's is one.
--   1. when the host is full by its count, expired leases are dropped, as if they had ended
--      at their expiry (they change nothing else: with a delay, any lease makes it full);
--   2. a host backing off (Retry-After) or not yet past its next_allowed_at: wait for that;
--   3. p_limit requests in flight, or with a delay any request in flight: full;
--   4. else a lease, and the next request may start the delay after this one (and, on
--      release, the delay after this one ended: newsdiff_release_host).
-- The delay is p_delay, or the last delay a worker gave for the host within a day when longer
-- (p_learn: not for robots.txt, whose Crawl-delay is not known yet): a worker that has not read
-- the host's robots.txt yet (or is reading it) keeps the Crawl-delay that the others know.
CREATE OR REPLACE FUNCTION newsdiff_take_host(
    p_host text, p_limit integer, p_delay double precision, p_ttl double precision,
    p_holder text, p_learn boolean, OUT lease_id bigint, OUT wait_s double precision
) LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz := clock_timestamp();
    h newsdiff_hosts;
    expired timestamptz;
    gone integer;
    delay double precision := p_delay;
BEGIN
    SELECT * INTO h FROM newsdiff_hosts WHERE host = p_host FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO newsdiff_hosts (host) VALUES (p_host) ON CONFLICT (host) DO NOTHING;
        SELECT * INTO h FROM newsdiff_hosts WHERE host = p_host FOR UPDATE;
    END IF;
    IF h.delay_at > t - interval '1 day' THEN
        delay := greatest(delay, h.delay_s);
    END IF;
    IF h.in_flight >= p_limit OR (delay > 0 AND h.in_flight > 0) THEN
        -- a lease being released (its row locked) is left to its release, which counts it
        -- out once this transaction lets go of the host row: no waiting on each other
        WITH dropped AS (
            DELETE FROM newsdiff_host_leases WHERE id IN (
                SELECT id FROM newsdiff_host_leases
                    WHERE host = p_host AND expires_at <= t FOR UPDATE SKIP LOCKED)
            RETURNING expires_at
        ) SELECT max(expires_at), count(*) INTO expired, gone FROM dropped;
        IF gone > 0 THEN
            h.in_flight := h.in_flight - gone;
            IF delay > 0 THEN
                h.next_allowed_at := greatest(
                    h.next_allowed_at, expired + make_interval(secs => delay));
            END IF;
            UPDATE newsdiff_hosts
                SET in_flight = h.in_flight, next_allowed_at = h.next_allowed_at
                WHERE host = p_host;
        END IF;
    END IF;
    IF h.backoff_until IS NOT NULL AND h.backoff_until > t THEN
        wait_s := extract(epoch FROM h.backoff_until - t);
        RETURN;
    END IF;
    IF h.next_allowed_at > t THEN
        wait_s := extract(epoch FROM h.next_allowed_at - t);
        RETURN;
    END IF;
    IF h.in_flight >= p_limit OR (delay > 0 AND h.in_flight > 0) THEN
        RETURN;
    END IF;
    INSERT INTO newsdiff_host_leases (host, holder, taken_at, expires_at, delay_s)
        VALUES (p_host, p_holder, t, t + make_interval(secs => p_ttl), delay)
        RETURNING id INTO lease_id;
    IF p_learn AND p_delay > 0 THEN
        UPDATE newsdiff_hosts
            SET next_allowed_at = t + make_interval(secs => delay), requests = requests + 1,
                in_flight = h.in_flight + 1, delay_s = p_delay, delay_at = t
            WHERE host = p_host;
    ELSE
        UPDATE newsdiff_hosts
            SET next_allowed_at = t + make_interval(secs => delay), requests = requests + 1,
                in_flight = h.in_flight + 1
            WHERE host = p_host;
    END IF;
    wait_s := 0;
END;
$$;

-- End a request: drop its lease (unless it expired and was dropped meanwhile) and count it
-- out; with a delay, the next request starts that long after now. (A take dropping expired
-- leases skips one being released here, so neither waits for the other's row.)
CREATE OR REPLACE FUNCTION newsdiff_release_host(p_lease bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    released text;
    delay double precision;
BEGIN
    DELETE FROM newsdiff_host_leases WHERE id = p_lease RETURNING host, delay_s
        INTO released, delay;
    IF FOUND THEN
        UPDATE newsdiff_hosts
            SET in_flight = in_flight - 1,
                next_allowed_at = CASE WHEN delay > 0 THEN greatest(
                    next_allowed_at, clock_timestamp() + make_interval(secs => delay))
                    ELSE next_allowed_at END
            WHERE host = released;
    END IF;
END;
$$;

-- The host answered 429/503: nobody sends it anything for p_seconds.
CREATE OR REPLACE FUNCTION newsdiff_back_off_host(p_host text, p_seconds double precision)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO newsdiff_hosts (host) VALUES (p_host) ON CONFLICT (host) DO NOTHING;
    UPDATE newsdiff_hosts
        SET backoff_until = greatest(
            coalesce(backoff_until, '-infinity'),
            clock_timestamp() + make_interval(secs => p_seconds))
        WHERE host = p_host;
END;
$$;
"""


def conninfo(url: str) -> str:
    """The libpq URI of a ``postgresql+psycopg://`` database URL; :class:`ConfigError` (naming
    database.url) for any other database: workers need PostgreSQL."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - config.py validated it; say so anyway
        raise ConfigError(f"database.url: not a database URL ({exc})") from exc
    if parsed.get_backend_name() != "postgresql":
        raise ConfigError(
            f"database.url: newsdiff worker needs PostgreSQL (postgresql+psycopg://...), not "
            f"{parsed.get_backend_name()}; on one machine, run `newsdiff poll` instead"
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def procrastinate_version() -> str:
    return metadata.version("procrastinate")


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _migrations_between(old: str, new: str) -> list[Path]:
    """procrastinate's migration files from after release ``old`` up to release ``new``, in
    order (pre- and post-deployment files alike: the workers are stopped)."""
    from procrastinate.schema import migrations_path

    low, high = _version_key(old), _version_key(new)
    chosen = []
    for path in sorted(Path(migrations_path).glob("*.sql")):
        version = _version_key(path.name.split("_", 1)[0])
        if low < version <= high:
            chosen.append(path)
    return chosen


def prepare(url: str, *, upgrade: bool = False) -> list[str]:
    """Make the worker schema ready on the PostgreSQL database at ``url``; returns what was
    done (one line each, empty when nothing was). Without ``upgrade`` (a worker starting), an
    older queue schema or older host tables are refused: only ``newsdiff db upgrade`` migrates
    them."""
    import psycopg
    from procrastinate.schema import SchemaManager

    from newsdiff.store.db import safe_url, store_error

    where = safe_url(url)
    done: list[str] = []
    installed = procrastinate_version()
    try:
        with psycopg.connect(conninfo(url)) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            has_queue = conn.execute(
                "SELECT to_regclass('procrastinate_jobs') IS NOT NULL"
            ).fetchone()
            has_ours = conn.execute(
                "SELECT to_regclass('newsdiff_worker_schema') IS NOT NULL"
            ).fetchone()
            recorded: dict[str, str] = {}
            if has_ours and has_ours[0]:
                recorded = dict(
                    conn.execute("SELECT component, version FROM newsdiff_worker_schema")
                )
            hosts = recorded.get("hosts")
            if hosts is not None and int(hosts) > HOSTS_VERSION:
                raise SchemaOutdated(
                    f"database {where} has worker host tables version {hosts}, unknown to this "
                    "newsdiff (too new?): upgrade newsdiff"
                )
            if hosts is not None and int(hosts) < HOSTS_VERSION and not upgrade:
                # older workers may be running on them: they would not keep the count
                raise SchemaOutdated(
                    f"database {where} has worker host tables version {hosts}, this newsdiff "
                    f"needs {HOSTS_VERSION}: stop every worker, then run `newsdiff db upgrade`"
                )
            queue = recorded.get("procrastinate")
            if not (has_queue and has_queue[0]):
                conn.execute(SchemaManager.get_schema().encode())
                done.append(f"queue created (procrastinate {installed})")
            elif queue is not None and _version_key(queue) > _version_key(installed):
                raise SchemaOutdated(
                    f"database {where} has a job queue from procrastinate {queue}, newer than "
                    f"this newsdiff's {installed}: upgrade newsdiff"
                )
            elif queue is not None and _version_key(queue) < _version_key(installed):
                if not upgrade:
                    raise SchemaOutdated(
                        f"database {where} has a job queue from procrastinate {queue}, this "
                        f"newsdiff needs {installed}: stop every worker, then run "
                        "`newsdiff db upgrade`"
                    )
                for path in _migrations_between(queue, installed):
                    conn.execute(path.read_text(encoding="utf-8").encode())
                    done.append(f"queue migrated: {path.name}")
            if hosts is None or int(hosts) < HOSTS_VERSION or upgrade:
                conn.execute(HOSTS_DDL.encode())
                if hosts is None or int(hosts) < HOSTS_VERSION:
                    done.append(f"host tables version {HOSTS_VERSION}")
            conn.execute(
                "INSERT INTO newsdiff_worker_schema (component, version) VALUES "
                "('procrastinate', %s), ('hosts', %s) ON CONFLICT (component) DO UPDATE "
                "SET version = excluded.version",
                (installed, str(HOSTS_VERSION)),
            )
    except (StoreError, ConfigError):
        raise
    except psycopg.Error as exc:
        raise store_error(exc, url, "cannot prepare the job queue on") from exc
    for line in done:
        logger.info("%s: %s", where, line)
    return done


def is_prepared(url: str) -> bool:
    """Whether the database has the worker schema (a worker may have run on it)."""
    import psycopg

    from newsdiff.store.db import store_error

    try:
        with psycopg.connect(conninfo(url)) as conn:
            row = conn.execute(
                "SELECT to_regclass('newsdiff_worker_schema') IS NOT NULL"
            ).fetchone()
            return bool(row and row[0])
    except psycopg.Error as exc:
        raise store_error(exc, url, "cannot read database") from exc
