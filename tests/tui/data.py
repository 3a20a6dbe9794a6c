"""A small database for the TUI tests: one story, articles with several versions, checks.

The texts are invented for these tests (a fictional town council and its bridge).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsdiff.store.analysis import analyse_versions
from newsdiff.store.articles import get_or_create_outlet, track_article
from newsdiff.store.db import Database
from newsdiff.store.models import Article
from newsdiff.store.versions import VersionFields, add_version, record_check
from newsdiff.timeline.linking import set_link
from newsdiff.timeline.stories import get_event, import_story, parse_story

STORY = {
    "story": {
        "slug": "bridge",
        "title": "The Millbrook bridge closure",
        "keywords": ["Millbrook", "bridge"],
    },
    "events": [
        {"slug": "cracks", "date": "2024-03-04", "title": "Cracks found in the bridge"},
        {"slug": "closure", "date": "2024-03-06", "title": "Bridge closed to traffic"},
        {"slug": "inquiry", "date": "2024-04-10", "title": "Council opens an inquiry"},
    ],
}

FILLER = [
    f"Paragraph {n} of background: the town of Millbrook has one road bridge across the "
    f"river, built in the nineteen sixties and inspected every {n + 1} years since."
    for n in range(12)
]

CLOSURE_V1 = [
    "Millbrook council closed the bridge on Wednesday after engineers found cracks.",
    "The council said the closure would last about two weeks.",
    *FILLER,
    "Buses will be diverted through Eastfield until further notice.",
]
CLOSURE_V2 = [
    "Millbrook council closed the bridge on Wednesday after engineers found deep cracks.",
    "The council said the closure could last several months.",
    *FILLER,
    "A temporary footbridge is being considered, a spokesperson added.",
    "Buses will be diverted through Eastfield until further notice.",
]
CLOSURE_V3 = [
    "Buses will be diverted through Eastfield until further notice.",
    "Millbrook council closed the bridge on Wednesday after engineers found deep cracks.",
    "The council said the closure could last several months.",
    *FILLER,
]

MAYOR = "Mayor [sic] on the bridge"
UNTRUSTED = [
    'The mayor said the repairs were "long overdue [sic]" and [bold]x[/] was not her fault.',
    "A reader's comment read \x1b[31mRED ALERT\x1b[0m and nothing else.",
]


@dataclass(frozen=True)
class Filled:
    closure: int  # three versions, linked to "closure"
    cracks: int  # one version, linked to "cracks"
    untrusted: int  # two versions with markup and escapes, linked to "closure"
    loose: int  # two versions, linked to nothing


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def _versions(
    database: Database,
    url: str,
    outlet: str,
    texts: list[tuple[str, list[str]]],
    start: datetime,
) -> int:
    with database.write() as session:
        source = get_or_create_outlet(session, outlet)
        article, _ = track_article(session, url, now=start, outlet=source, published_at=start)
        article_id = article.id
    moment = start
    for i, (title, paragraphs) in enumerate(texts):
        with database.write() as session:
            article = session.get(Article, article_id)
            assert article is not None
            if i:
                # a check that still saw the old text, an hour before the change was seen
                record_check(
                    session, article, checked_at=moment - timedelta(hours=1), outcome="unchanged"
                )
            result = add_version(
                session,
                article,
                VersionFields(
                    title=title,
                    paragraphs=paragraphs,
                    extractor="test",
                    extractor_version="1",
                ),
                captured_at=moment,
            )
            record_check(session, article, checked_at=moment, outcome="new_version")
            assert result.created
        moment += timedelta(hours=5)
    return article_id


def fill(database: Database, *, story: bool = True, analysed: bool = True) -> Filled:
    """The test database; with ``analysed`` (as the poll leaves it) every version's typed
    edits are stored, else none is (as before ``newsdiff analyse`` on an older database)."""
    closure = _versions(
        database,
        "https://courier.example/bridge-closed",
        "Millbrook Courier",
        [
            ("Bridge closed after cracks found", CLOSURE_V1),
            ("Bridge closed for months after deep cracks found", CLOSURE_V2),
            ("Bridge closed for months after deep cracks found", CLOSURE_V3),
        ],
        at(6),
    )
    cracks = _versions(
        database,
        "https://ledger.example/cracks",
        "Eastfield Ledger",
        [("Engineers find cracks in Millbrook bridge", ["Engineers found cracks on Monday."])],
        at(4),
    )
    untrusted = _versions(
        database,
        "https://ledger.example/mayor",
        "Eastfield Ledger",
        [
            (MAYOR, ["The mayor spoke about the bridge.", *UNTRUSTED]),
            (MAYOR, ["The mayor spoke briefly about the bridge.", *UNTRUSTED]),
        ],
        at(7),
    )
    loose = _versions(
        database,
        "https://courier.example/weather",
        "Millbrook Courier",
        [
            ("Rain expected all week", ["Forecasters expect rain all week."]),
            ("Rain and wind expected all week", ["Forecasters expect rain and wind all week."]),
        ],
        at(8),
    )
    if story:
        with database.write() as session:
            import_story(session, parse_story(STORY, "<tui test>"))
            for event, article in (
                ("closure", closure),
                ("closure", untrusted),
                ("cracks", cracks),
            ):
                ev = get_event(session, f"bridge/{event}")
                found = session.get(Article, article)
                assert found is not None
                set_link(session, ev, found, linked=True)
    if analysed:
        analyse_versions(database)
    return Filled(closure, cracks, untrusted, loose)


FERRY_V1 = ["The ferry resumed service on Monday, the operator said."]
FERRY_V2 = ["The ferry resumed service on Monday the operator said."]  # a comma lost: trivial
FERRY_QUOTE = "It was the worst [bold]winter[/] \x1b[31mI had seen,"
FERRY_V3 = [
    f'The ferry resumed service on Monday, the operator said. "{FERRY_QUOTE}" said Captain Hale.',
    "Tickets cost 12 pounds.",
]
FERRY_V4 = [FERRY_V3[0], "Tickets cost 15 pounds."]


def ferry(database: Database) -> int:
    """An article (on 9 March, after the others) whose v2 is trivial, v3 adds a quotation
    holding markup and an escape (and a source), v4 changes a number; analysed."""
    article_id = _versions(
        database,
        "https://courier.example/ferry",
        "Millbrook Courier",
        [("Ferry service resumes", text) for text in (FERRY_V1, FERRY_V2, FERRY_V3, FERRY_V4)],
        at(9),
    )
    analyse_versions(database)
    return article_id
