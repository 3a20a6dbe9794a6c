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
