"""Typed edits computed at poll time, in the extraction worker, and stored with the version."""

from __future__ import annotations

from sqlalchemy import select

from newsdiff.diff import edits as diff_edits
from newsdiff.store.analysis import count_unanalysed
from newsdiff.store.db import Database
from newsdiff.store.edits import list_edits
from newsdiff.store.models import Version
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site, article_html
from tests.collect.test_poll import poll, track
from tests.store.test_edits import CLOSE, FIGURES, LEAD, LEAD_SAID, QUOTE


def test_poll_stores_the_edits_of_each_new_version(site: Site, db_url: str, clock: Clock) -> None:
    settings = make_settings(db_url)
    site.set("/news/a", article_html("Haringey braced for report", [LEAD, QUOTE, FIGURES, CLOSE]))
    aid = track(settings, site.url("/news/a"))
    poll(settings, clock)
    site.set("/news/a", article_html("Haringey braced for report", [LEAD_SAID, FIGURES, CLOSE]))
    clock.advance(hours=1)
    summary = poll(settings, clock)
    assert summary.new_versions == 1
    database = Database(db_url)
    try:
        with database.read() as session:
            versions = list(
                session.scalars(
                    select(Version).where(Version.article_id == aid).order_by(Version.number)
                )
            )
            assert [v.analyser_version for v in versions] == [diff_edits.ANALYSER_VERSION] * 2
            assert versions[0].edit_kinds == ""  # the first version: nothing to compare with
            kinds = set((versions[1].edit_kinds or "").split(","))
            assert {"certainty", "quote"} <= kinds
            rows = list_edits(session, kinds=["quote"])
            assert [(r.change, r.silent) for r in rows] == [("removed", True)]
            assert "worst case" in (rows[0].old or "")
            certainty = list_edits(session, kinds=["certainty"])
            assert certainty and certainty[0].change == "firmer"
        assert count_unanalysed(database) == 0
    finally:
        database.dispose()
