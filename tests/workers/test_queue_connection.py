"""The worker pool's connection setup: a server that cannot watch for dead clients (PostgreSQL
before 14, or one without POLLRDHUP) is warned about once, not fatal. Unit level: a stand-in
connection, as no server at hand refuses the setting."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg
import pytest

from newsdiff.workers import runner


class _Conn:
    def __init__(self) -> None:
        self.autocommit = False
        self.executed: list[str] = []

    async def set_autocommit(self, value: bool) -> None:
        self.autocommit = value

    async def execute(self, sql: str) -> None:
        self.executed.append(sql)
        if "client_connection_check_interval" in sql:
            raise psycopg.errors.UndefinedObject(
                'unrecognized configuration parameter "client_connection_check_interval"'
            )


def test_an_older_server_is_warned_about_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_CHECK_WARNED", False)
    conns = [_Conn(), _Conn()]
    with caplog.at_level(logging.WARNING, logger=runner.__name__):
        for conn in conns:
            conn_any: Any = conn
            asyncio.run(runner._configure_queue_connection(conn_any))
    assert all(c.autocommit for c in conns)
    assert all("SET synchronous_commit = off" in c.executed for c in conns)
    warnings = [r for r in caplog.records if "client_connection_check_interval" in r.message]
    assert len(warnings) == 1
    assert "PostgreSQL 14 or newer" in warnings[0].message


def test_a_connection_back_in_the_pool_a_moment_ago_is_lent_unchecked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool checks a connection with a round trip before lending it, unless it came back
    less than CHECK_IDLE_S ago (every call of a check borrows one)."""
    now = [1000.0]
    monkeypatch.setattr(runner.time, "monotonic", lambda: now[0])
    liveness = runner.Liveness()
    conn = _Conn()
    conn.autocommit = True
    conn_any: Any = conn

    async def body() -> None:
        await liveness.check(conn_any)  # never lent: checked
        assert conn.executed == [""]
        await liveness.returned(conn_any)
        now[0] += runner.CHECK_IDLE_S / 2
        await liveness.check(conn_any)  # back a moment ago: lent as it is
        assert conn.executed == [""]
        await liveness.returned(conn_any)
        now[0] += runner.CHECK_IDLE_S
        await liveness.check(conn_any)  # idle a while: checked again
        assert conn.executed == ["", ""]

    asyncio.run(body())
