"""A small archive written for the export tests: two outlets, articles with several versions and
checks, tricky text (commas, quotes, line breaks, markup), and a story whose coverage includes one
article and excludes (manual unlink) another.

Versions are put in with exact change stats, so the export tests do not depend on the diff engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from newsdiff.store.db import Database
from newsdiff.store.models import Article, Check, Coverage, Event, Outlet, Story, Version

T0 = datetime(2008, 11, 11, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)

# Written for these tests: every kind of character an exporter can get wrong.
TRICKY = [
    'The council said "no comment", then, later: yes.',
    "<script>alert('x')</script> & <b>bold</b> [red]not markup[/red] \x1b[31mescape",
    "Línea con acentos, emoji 📰 and a line\u2028separator",
]


# Article a1's three texts: a word changed and a paragraph added (v2), a paragraph removed (v3).
A1_V1 = [
    "Inspectors begin a review of the council's children's services on Monday, officials said.",
    "The council has declined to comment on the timing of the review.",
]
A1_V2 = [
    "Inspectors begin a review of the council's children's services on Tuesday, officials said.",
    "The council has declined to comment on the timing of the review.",
    "A spokesperson promised full cooperation with the inspectors.",
]
A1_V3 = [A1_V2[0], A1_V2[2]]


@dataclass
class Sample:
    outlet_a: int
    outlet_b: int
    a1: int  # Daily Example, three versions, covered by the story
    a2: int  # "The Other, Paper", two versions with TRICKY text, unlinked from the story
    a3: int  # no outlet, no version, one failed check
    story: str


def put_version(
    session: Session,
    article: Article,
    number: int,
    at: datetime,
    title: str,
    paragraphs: list[str],
    **stats: Any,
) -> Version:
    version = Version(
        article_id=article.id,
        number=number,
        captured_at=at,
        title=title,
        byline="By A. Writer",
        paragraphs="\n".join(paragraphs),
        text_hash=f"hash-{article.id}-{number}",
        extractor="test",
        extractor_version="1",
        final_url=None,
        http_status=200,
        source=stats.pop("source", "live"),
        title_changed=stats.pop("title_changed", False),
        words_added=stats.pop("words_added", 0),
        words_removed=stats.pop("words_removed", 0),
        paragraphs_unchanged=stats.pop("paragraphs_unchanged", 0),
        paragraphs_modified=stats.pop("paragraphs_modified", 0),
        paragraphs_inserted=stats.pop("paragraphs_inserted", 0),
        paragraphs_deleted=stats.pop("paragraphs_deleted", 0),
        paragraphs_moved=stats.pop("paragraphs_moved", 0),
    )
    assert not stats, stats
    session.add(version)
    session.flush()
    article.version_count = number
    article.title = title
    article.last_changed_at = at
    return version


def put_check(
    session: Session,
    article: Article,
    at: datetime,
    outcome: str,
    version: Version | None = None,
    error: str | None = None,
    warnings: str | None = None,
) -> Check:
    check = Check(
        article_id=article.id,
        checked_at=at,
        outcome=outcome,
        http_status=None if outcome == "error" else 200,
        error=error,
        duration_ms=120,
        version_id=version.id if version else None,
        source="live",
        warnings=warnings,
    )
    session.add(check)
    session.flush()
    article.last_checked_at = at
    return check


def put_article(session: Session, url: str, outlet: Outlet | None, seen: datetime) -> Article:
    article = Article(
        url=url,
        outlet_id=outlet.id if outlet else None,
        first_seen_at=seen,
        published_at=seen,
        status="tracking",
        version_count=0,
        failure_count=0,
    )
    session.add(article)
    session.flush()
    return article


def build_sample(database: Database) -> Sample:
    with database.write() as s:
        oa = Outlet(name="Daily Example", slug="daily-example", domain="daily.example")
        ob = Outlet(name="The Other, Paper", slug="the-other-paper", domain="other.example")
        s.add_all([oa, ob])
        s.flush()

        def article(url: str, outlet: Outlet | None, seen: datetime) -> Article:
            return put_article(s, url, outlet, seen)

        a1 = article("https://daily.example/news/council-review", oa, T0)
        v = put_version(s, a1, 1, T0, "Council faces review", A1_V1)
        put_check(s, a1, T0, "new_version", v)
        put_check(s, a1, T0 + H, "unchanged")
        put_check(s, a1, T0 + 1.5 * H, "error", error="timeout")
        v = put_version(
            s,
            a1,
            2,
            T0 + 2 * H,
            "Council review ordered",
            A1_V2,
            title_changed=True,
            words_added=4,
            words_removed=1,
            paragraphs_unchanged=1,
            paragraphs_modified=1,
            paragraphs_inserted=1,
        )
        put_check(s, a1, T0 + 2 * H, "new_version", v)
        put_check(s, a1, T0 + 3 * H, "not_modified")
        v = put_version(
            s,
            a1,
            3,
            T0 + 5 * H,
            "Council review ordered",
            A1_V3,
            words_removed=2,
            paragraphs_unchanged=2,
            paragraphs_deleted=1,
        )
        put_check(
            s,
            a1,
            T0 + 5 * H,
            "new_version",
            v,
            warnings="rule drop: matched nothing\nrule body: matched nothing",
        )

        day = T0 + 24 * H
        a2 = article("https://other.example/2008/11/12/story", ob, day)
        v = put_version(s, a2, 1, day, 'Headline with "quotes", commas & <tags>', TRICKY[:2])
        put_check(s, a2, day, "new_version", v)
        v = put_version(
            s,
            a2,
            2,
            day + 0.5 * H,
            'Headline with "quotes", commas & <tags>',
            TRICKY,
            words_added=9,
            paragraphs_unchanged=2,
            paragraphs_inserted=1,
            source="archive:20081112100000",
        )
        put_check(s, a2, day + 0.5 * H, "new_version", v)

        a3 = article("https://nowhere.example/gone", None, day)
        put_check(s, a3, day + H, "error", error='HTTP 500, "server error"\nsecond line')

        story = Story(slug="council", title="The council story", keywords=["council"])
        s.add(story)
        s.flush()
        e1 = Event(
            story_id=story.id, slug="review", title="Review ordered", date=date(2008, 11, 11)
        )
        e2 = Event(story_id=story.id, slug="later", title="Later", date=date(2008, 11, 12))
        s.add_all([e1, e2])
        s.flush()
        s.add_all(
            [
                Coverage(event_id=e1.id, article_id=a1.id, origin="auto", score=0.8, created_at=T0),
                Coverage(
                    event_id=e2.id,
                    article_id=a2.id,
                    origin="manual",
                    excluded=True,
                    created_at=T0,
                ),
            ]
        )
        return Sample(oa.id, ob.id, a1.id, a2.id, a3.id, "council")


@pytest.fixture
def sample(database: Database) -> Sample:
    return build_sample(database)


# An article whose second version makes one edit of most kinds (written for these tests), and
# whose third only fixes a spelling: a trivial version.
EDITS_V1 = (
    "Inspectors to criticise council",
    [
        "Inspectors are expected to say the council failed 12 children in its care.",
        '"It was the worst case I had ever seen," said Heather Brown, a social worker.',
        "The council has declined to comment on the report.",
    ],
)
EDITS_V2 = (
    "Inspectors criticise council",
    [
        "Inspectors said the council failed 15 children in its care.",
        "The council has declined to comment on the report.",
        "A spokesperson said the report would be studied <carefully> & promptly.",
    ],
)
EDITS_V3 = (
    "Inspectors criticise council",
    [
        "Inspectors said the council failed 15 children in its care.",
        "The council has declinde to comment on the report.",
        "A spokesperson said the report would be studied <carefully> & promptly.",
    ],
)


def build_edits_article(database: Database, *, start: datetime = T0 + 72 * H) -> int:
    """Add the article of EDITS_V1..V3 (outlet "Edits Gazette"); returns its id. Its edits are
    not analysed: run ``newsdiff.store.analysis.analyse_versions`` to store them."""
    with database.write() as s:
        outlet = Outlet(name="Edits Gazette", slug="edits-gazette", domain="gazette.example")
        s.add(outlet)
        s.flush()
        article = put_article(s, "https://gazette.example/inspectors", outlet, start)
        for n, (title, paragraphs) in enumerate((EDITS_V1, EDITS_V2, EDITS_V3), start=1):
            at = start + (n - 1) * H
            v = put_version(s, article, n, at, title, paragraphs)
            put_check(s, article, at, "new_version", v)
        return article.id
