from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdiff.errors import EmptyText, NotFound
from newsdiff.store.articles import due_articles, find_article, list_articles, track_article
from newsdiff.store.db import Database
from newsdiff.store.models import Article
from newsdiff.store.versions import (
    VersionFields,
    add_version,
    list_checks,
    list_versions,
    record_check,
)

T0 = datetime(2008, 11, 11, 18, 0, tzinfo=UTC)


def _article(database: Database, url: str = "https://example.org/a") -> int:
    with database.write() as session:
        article, created = track_article(session, url, now=T0)
        assert created
        return article.id


def _add(
    database: Database, article_id: int, paragraphs: list[str], at: datetime, title: str = "T"
):
    with database.write() as session:
        article = session.get(Article, article_id)
        assert article is not None
        return add_version(
            session,
            article,
            VersionFields(
                title=title,
                paragraphs=paragraphs,
                extractor="test",
                extractor_version="1",
            ),
            captured_at=at,
        )


def test_identical_text_adds_no_version(database: Database) -> None:
    aid = _article(database)
    assert _add(database, aid, ["One.", "Two."], T0).created
    again = _add(database, aid, ["One.", "Two."], T0 + timedelta(hours=1))
    assert not again.created
    assert again.version.number == 1
    with database.read() as session:
        assert len(list_versions(session, aid)) == 1


def test_normalisation_before_hashing(database: Database) -> None:
    aid = _article(database)
    _add(database, aid, ["Caf\u00e9 opens.", "Second  paragraph."], T0)
    # NFD accent, zero-width space, extra whitespace, empty paragraph: same text.
    result = _add(
        database, aid, ["Cafe\u0301 \u200bopens.", "  ", "Second \n paragraph. "], T0 + timedelta(1)
    )
    assert not result.created


def test_a_b_a_is_three_versions(database: Database) -> None:
    aid = _article(database)
    _add(database, aid, ["Inspectors are expected to say the council failed."], T0)
    _add(database, aid, ["Inspectors said the council failed."], T0 + timedelta(hours=2))
    third = _add(
        database,
        aid,
        ["Inspectors are expected to say the council failed."],
        T0 + timedelta(hours=4),
    )
    assert third.created and third.version.number == 3
    with database.read() as session:
        versions = list_versions(session, aid)
        assert [v.number for v in versions] == [1, 2, 3]
        assert versions[0].text_hash == versions[2].text_hash
        assert versions[1].words_added > 0 and versions[1].words_removed > 0
        assert session.get(Article, aid).version_count == 3  # type: ignore[union-attr]


def test_headline_change_is_a_version(database: Database) -> None:
    aid = _article(database)
    _add(database, aid, ["Body."], T0, title="Council failed Baby P")
    result = _add(database, aid, ["Body."], T0 + timedelta(1), title="Council criticised")
    assert result.created
    assert result.version.title_changed


@pytest.mark.parametrize("paragraphs", [[], [""], ["  ", "\u200b"]])
def test_empty_text_is_refused(database: Database, paragraphs: list[str]) -> None:
    aid = _article(database)
    with pytest.raises(EmptyText):
        _add(database, aid, paragraphs, T0)
    with database.read() as session:
        assert list_versions(session, aid) == []


def test_datetimes_come_back_aware_utc(database: Database) -> None:
    aid = _article(database)
    _add(database, aid, ["x"], T0)
    with database.read() as session:
        version = list_versions(session, aid)[0]
        assert version.captured_at == T0
        assert version.captured_at.tzinfo is not None


def test_checks_and_due_articles(database: Database) -> None:
    aid = _article(database)
    other = _article(database, "https://example.org/b")
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        record_check(session, article, checked_at=T0, outcome="unchanged", http_status=200)
        article.next_check_at = T0 + timedelta(hours=1)
        stopped = session.get(Article, other)
        assert stopped is not None
        stopped.status = "stopped"
    with database.read() as session:
        assert [a.id for a in due_articles(session, T0 + timedelta(minutes=30))] == []
        assert [a.id for a in due_articles(session, T0 + timedelta(hours=2))] == [aid]
        checks = list_checks(session, aid)
        assert [c.outcome for c in checks] == ["unchanged"]
        with pytest.raises(ValueError):
            record_check(
                session, checks[0] and session.get(Article, aid), checked_at=T0, outcome="bogus"
            )  # type: ignore[arg-type]


def test_find_and_list(database: Database) -> None:
    aid = _article(database)
    with database.read() as session:
        assert find_article(session, str(aid)).id == aid
        assert find_article(session, "https://example.org/a").id == aid
        with pytest.raises(NotFound):
            find_article(session, "https://example.org/missing")
        with pytest.raises(NotFound):
            find_article(session, 12345)
        rows = list_articles(session)
        assert [r.id for r in rows] == [aid]
        assert list_articles(session, changed=True) == []


def test_control_characters_are_stored_and_nul_dropped(database: Database) -> None:
    """NUL is dropped (PostgreSQL refuses it); other controls such as ESC are kept as text."""
    aid = _article(database)
    _add(database, aid, ["Before\x00after \x1b[31mred\x1b[0m [sic]."], T0, title="A\x00B")
    with database.read() as session:
        (version,) = list_versions(session, aid)
        assert version.paragraph_list == ["Beforeafter \x1b[31mred\x1b[0m [sic]."]
        assert version.title == "AB"


def test_a_changed_og_title_alone_is_a_version(database: Database) -> None:
    """The page's own headline variants are part of the text; <title> and the feed's are not."""
    aid = _article(database)

    def add(headlines: dict[str, str | None], hours: int) -> bool:
        with database.write() as session:
            article = session.get(Article, aid)
            assert article is not None
            return add_version(
                session,
                article,
                VersionFields(
                    title="Council criticised",
                    paragraphs=["Inspectors report."],
                    extractor="test",
                    extractor_version="1",
                    headlines=headlines,
                ),
                captured_at=T0 + timedelta(hours=hours),
            ).created

    base = {"h1": "Council criticised", "og": "Council criticised", "html": "Council | Site"}
    assert add(base, 0)
    assert not add({**base, "html": "Council criticised - Site News", "feed": "Other"}, 1)
    assert add({**base, "og": "Council failed children, inspectors say"}, 2)
    with database.read() as session:
        versions = list_versions(session, aid)
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].headlines is not None
    assert versions[1].headlines["og"] == "Council failed children, inspectors say"


def test_starting_to_capture_the_standfirst_is_not_a_version(database: Database) -> None:
    """Versions stored before the standfirst was captured have no 'standfirst' key: the first
    check after the upgrade sees the page's standfirst, and that alone must not make a version
    of every such article; a real edit, or a later change of the standfirst, still does."""
    from newsdiff.store.models import Article

    aid = _article(database)
    text = ["Inspectors report on the council.", "The council responds."]

    def add(headlines: dict[str, str | None], hours: int, paragraphs: list[str] = text) -> bool:
        with database.write() as session:
            article = session.get(Article, aid)
            assert article is not None
            return add_version(
                session,
                article,
                VersionFields(
                    title="Council criticised",
                    paragraphs=tuple(paragraphs),
                    extractor="test",
                    extractor_version="1",
                    headlines=headlines,
                ),
                captured_at=T0 + timedelta(hours=hours),
            ).created

    before = {"h1": "Council criticised", "og": "Council criticised"}  # an older newsdiff's
    assert add(before, 0)
    now = {**before, "standfirst": "Ofsted finds failings in child protection"}
    assert not add(now, 1)  # the upgrade alone: no version
    assert add(now, 2, [*text, "A new paragraph."])  # a real edit: stored, with its standfirst
    assert not add(now, 3, [*text, "A new paragraph."])
    changed = {**before, "standfirst": "Ofsted finds serious failings"}
    assert add(changed, 4, [*text, "A new paragraph."])  # the standfirst rewritten: a version
    # what the diff of each stored pair says of the standfirst (issue 15 item 10): a version from
    # before the capture has no claim on it (taken to be the same), a rewrite is a change
    from newsdiff.timeline.compare import diff_versions

    with database.read() as session:
        first, _, _ = diff_versions(session, aid, 1, 2)
        rewrite, _, _ = diff_versions(session, aid, 2, 3)
    assert not first.standfirst.changed and first.changed  # the new paragraph
    assert first.standfirst.ops == [("=", "Ofsted finds failings in child protection")]
    assert rewrite.standfirst.changed
    assert rewrite.standfirst.old_text == "Ofsted finds failings in child protection"
    assert rewrite.standfirst.new_text == "Ofsted finds serious failings"
    assert rewrite.changed and not rewrite.title_changed
    assert rewrite.to_dict()["standfirst"]["changed"] is True
