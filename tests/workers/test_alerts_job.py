"""Worker batches send alerts too: each scheduler tick defers one alerts job (never more than one
waiting), so a hanging receiver delays alerts, never the scheduling."""

from __future__ import annotations

import pytest
from procrastinate.testing import InMemoryConnector

from newsdiff.workers import jobs

pytestmark = pytest.mark.asyncio


async def test_one_alerts_job_waits_at_a_time() -> None:
    connector = InMemoryConnector()
    with jobs.app.replace_connector(connector):
        await jobs._defer_alerts()
        await jobs._defer_alerts()  # already one waiting: nothing more
        waiting = [j for j in connector.jobs.values() if j["status"] == "todo"]
    assert [j["task_name"] for j in waiting] == ["newsdiff.send_alerts"]
    assert waiting[0]["queue_name"] == jobs.SCHEDULER
