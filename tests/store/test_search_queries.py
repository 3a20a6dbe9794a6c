"""newsdiff's search syntax: what each form finds on SQLite (FTS5) and PostgreSQL alike, the
queries refused with one line (never an engine's syntax error), and hostile input that must
simply be searched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdiff.store.articles import track_article
from newsdiff.store.db import Database, migrate
from newsdiff.store.search import search
from newsdiff.store.search_query import MAX_LENGTH, BadQuery, parse_query
from newsdiff.store.versions import VersionFields, add_version
from tests.conftest import BACKENDS, _truncate_pg

T0 = datetime(2008, 11, 12, 9, tzinfo=UTC)
LEAD = "Inspectors are expected to say that Haringey council failed to protect the boy."
CLOSE = "The council said it would respond to the findings in full."

DOCS = {
    "a": ("Council criticised", [LEAD, CLOSE]),
    "b": ("Police statement", ["Police said the investigation into the boy's death is closed."]),
    "c": ("État d'urgence", ["Le gouvernement a déclaré l'état d'urgence à Paris."]),
    "d": ("Covid figures", ["Covid-19 cases rose 12.5% to 3,000; see example.org for data."]),
    "e": ("Οικονομία", ["Η κυβέρνηση ανακοίνωσε νέα μέτρα. 東京タワー は 閉鎖 された。"]),
    "f": ("Odd words", ["NEAR the river, a ^caret and col:on, and DROP TABLE versions; --"]),
}


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, dict[str, int]]]:
    """One database per engine for the whole module, holding DOCS (one article each)."""
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('search')) / 'corpus.sqlite'}"
        migrate(url)
    else:
        url = request.getfixturevalue("_pg_migrated")
        _truncate_pg(url)
    database = Database(url)
    ids = {}
    for hour, (key, (title, paragraphs)) in enumerate(DOCS.items()):
        with database.write() as session:
            article, _ = track_article(session, f"https://example.org/{key}", now=T0)
            add_version(
                session,
                article,
                VersionFields(
                    title=title,
                    paragraphs=tuple(paragraphs),
                    extractor="test",
                    extractor_version="1",
                ),
                captured_at=T0 + timedelta(hours=hour),
            )
            ids[key] = article.id
    yield database, ids
    database.dispose()


def _found(corpus: tuple[Database, dict[str, int]], query: str, within: str = "any") -> str:
    database, ids = corpus
    with database.read() as session:
        hits = search(session, query, within=within)
    names = {aid: key for key, aid in ids.items()}
    return "".join(sorted(names[h.article_id] for h in hits))


CASES = [
    # (query, the documents found: keys of DOCS)
    ("council", "a"),
    ("COUNCIL", "a"),
    ("counc*", "a"),
    ("cou*", "a"),
    ("gou*", "c"),
    ("gouv*", "c"),
    ("criticis*", "a"),
    ('"are expected to"', "a"),
    ('"expected are"', ""),
    ('"are expected pro*"', ""),
    ('"failed to pro*"', "a"),
    ('"failed to protec*"', "a"),
    ('"are expected"*', "a"),
    ("boy", "ab"),
    ("boy police", "b"),
    ("boy AND police", "b"),
    ("boy OR gouvernement", "abc"),
    ("boy NOT police", "a"),
    ("boy -police", "a"),
    ("(police OR paris) -boy", "c"),
    ("boy -(police OR council)", ""),
    ("NOT NOT boy", "ab"),
    ("etat", "c"),  # accents folded (on PostgreSQL, with unaccent)
    ("état", "c"),
    ("ÉTAT", "c"),
    ('"l etat"', "c"),
    ("déclaré", "c"),
    ("covid-19", "d"),
    ('"covid 19"', "d"),
    ("12.5", "d"),
    ("12,5", "d"),
    ("3,000", "d"),
    ("example.org", "d"),
    ("κυβέρνηση", "e"),
    ("ΚΥΒΈΡΝΗΣΗ", "e"),
    ("東京タワー", "e"),
    ("NEAR river", "f"),
    ("near(river)", "f"),
    ("NEAR(river caret)", "f"),
    ("^caret", "f"),
    ("col:on", "f"),
    ("river:*", "f"),
    ("'; DROP TABLE versions; --", "f"),
    ('" OR 1=1 --"', ""),
    ("x' OR '1'='1", ""),
    ("council or police", ""),  # lower-case or is a word
    ("the", "abf"),  # no stop words: "the" is a word like any other
    ('"to the"', "a"),
    ('"the to"', ""),
    ("to be or not to be", ""),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_query_forms(corpus: tuple[Database, dict[str, int]], query: str, expected: str) -> None:
    assert _found(corpus, query) == expected


def test_highlights(corpus: tuple[Database, dict[str, int]]) -> None:
    database, ids = corpus
    with database.read() as session:
        hit = search(session, '"are expected to" OR haringey')[0]
        assert [hit.snippet[s:e] for s, e in hit.snippet_marks] == ["are expected to", "Haringey"]
        hit = search(session, "etat")[0]
        assert [hit.title[s:e] for s, e in hit.title_marks] == ["État"]
        assert [hit.snippet[s:e] for s, e in hit.snippet_marks] == ["état"]
        hit = search(session, "covid-19 OR 12.5")[0]
        assert [hit.snippet[s:e] for s, e in hit.snippet_marks] == ["Covid-19", "12.5"]


BAD = [
    # (query, what the one-line message says)
    ('"are expected to', "unbalanced quote: the phrase opened at character 1 is never closed"),
    ('council "are expected', "unbalanced quote: the phrase opened at character 9"),
    ('"a" "b" "c', "unbalanced quote"),
    ("(council OR police", "unbalanced parenthesis: '(' at character 1 is never closed"),
    ("council)", "unbalanced parenthesis: ')' at character 8 closes nothing"),
    ("()", "empty parentheses"),
    ("OR council", "OR at character 1 has nothing before it"),
    ("council OR", "OR at character 9 has nothing after it"),
    ("council AND", "AND at character 9 has nothing after it"),
    ("AND council", "AND at character 1 has nothing before it"),
    ("council OR OR police", "OR at character 12 has nothing before it"),
    ("council NOT", "NOT at character 9 has nothing after it"),
    ("NOT council", "NOT needs something to exclude from"),
    ("-council", "NOT needs something to exclude from"),
    ("-council -police", "NOT needs something to exclude from"),
    ("council OR -police", "NOT needs something to exclude from"),
    ("", "the query has no words to search for"),
    ("   ", "the query has no words to search for"),
    ('""', "the query has no words to search for"),
    ("* : ^ ( ) - + ~ &&", "empty parentheses"),
    ("* : ^ - + ~ &&", "the query has no words to search for"),
    ("a*", "the prefix a* is too short"),
    ("co*", "the prefix co* is too short: give at least 3 letters or digits"),
    ('"are expected t*"', "the prefix t* is too short"),
    ("x" * 10_000, "the query is 10,000 characters long; at most 1,000"),
    ("(" * 17 + "a" + ")" * 17, "parentheses nested more than 16 deep"),
    (" ".join(f"w{i}" for i in range(65)), "the query has 65 terms; at most 64"),
]


@pytest.mark.parametrize(("query", "message"), BAD, ids=[b[0][:40] or "empty" for b in BAD])
def test_bad_queries_are_one_line(query: str, message: str) -> None:
    with pytest.raises(BadQuery) as info:
        parse_query(query)
    assert message in str(info.value)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


def test_only_stop_words_and_long_queries_are_searched(
    corpus: tuple[Database, dict[str, int]],
) -> None:
    # an English-stemming engine would drop every word of these; newsdiff keeps them all
    assert _found(corpus, '"to protect the"') == "a"
    assert _found(corpus, "it in the") == "a"
    # the longest query accepted: a long pasted phrase
    phrase = '"' + " ".join(["council"] * ((MAX_LENGTH - 2) // 8)) + '"'
    assert len(phrase) <= MAX_LENGTH
    assert _found(corpus, phrase) == ""
    assert _found(corpus, " OR ".join(["boy"] * 64)) == "ab"


def test_translations_quote_every_term() -> None:
    query = parse_query('NEAR(a b) "x yyy"* -c:d OR e^f')
    assert query.to_fts5() == '((("NEAR" AND "a" AND "b" AND "x yyy"*) NOT ("c d")) OR "e f")'
    assert query.to_tsquery() == (
        "((('NEAR') & ('a') & ('b') & ('x' <-> 'yyy':*) & !('c' <-> 'd')) | ('e' <-> 'f'))"
    )
    assert query.describe() == '(NEAR AND a AND b AND "x yyy*" AND NOT "c d") OR "e f"'


HOSTILE = st.lists(
    st.sampled_from(
        list("abcé東 \"()*:^-+~{}[]'\\;,.%_|&!<>=@#$\t\n")
        + ["AND", "OR", "NOT", "NEAR", " AND ", " OR ", " NOT ", "council", "are"]
    ),
    max_size=30,
).map("".join)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=HOSTILE)
def test_any_text_is_either_refused_in_one_line_or_searched(
    corpus: tuple[Database, dict[str, int]], query: str
) -> None:
    """Whatever is typed, the engine never sees a syntax error: our parser refuses it first
    (BadQuery) or every term reaches the engine quoted."""
    try:
        parsed = parse_query(query)
    except BadQuery as exc:
        assert "\n" not in str(exc)
        return
    database, _ = corpus
    with database.read() as session:
        for within in ("any", "added"):
            search(session, parsed, within=within, limit=3)
