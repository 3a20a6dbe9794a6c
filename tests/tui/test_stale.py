"""A worker's result that arrives after a newer request was made is dropped (the stale-result
guard): a slow overview load must not replace the story the user has switched to since."""

from __future__ import annotations

import pytest

from newsdiff.store.db import Database
from newsdiff.timeline.items import Overview
from newsdiff.tui.messages import OverviewLoaded
from tests.tui.conftest import SIZE, build, main, settle
from tests.tui.data import Filled

pytestmark = pytest.mark.asyncio


async def test_a_stale_overview_is_dropped(db: Database, filled: Filled) -> None:
    app = build(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        shown = screen.overview
        assert shown is not None and not shown.empty
        late = Overview(story=None, items=[], stories=[], articles=0)
        stale = screen.tokens["overview"] - 1  # a request made before the one now shown
        screen.post_message(OverviewLoaded(stale, late))
        await settle(pilot)
        assert screen.overview is shown
        # the same result with the current token is taken
        screen.post_message(OverviewLoaded(screen.tokens["overview"], late))
        await settle(pilot)
        assert screen.overview is late
