"""Compact version texts (issue 18): full copies and deltas, digests, the conversion, damage."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Boolean, bindparam, text

from newsdiff.store import textstore
from newsdiff.store.articles import track_article
from newsdiff.store.db import Database, make_engine, migrate, migrations_dir
from newsdiff.store.models import Article, UTCDateTime, Version
from newsdiff.store.observations import Observation, record_observation
from newsdiff.store.search import check_index, search
from newsdiff.store.textstore import DamagedText, check_texts, convert_texts
from newsdiff.store.versions import VersionFields
from newsdiff.text import normalize_paragraphs

T0 = datetime(2008, 11, 12, 9, 0, tzinfo=UTC)
DELTAS = textstore.DELTA_CODECS
WORDS = (
    "council inspectors report children services Haringey minister said would could "
    "review findings borough social workers court trial police family failed"
).split()


def _paragraphs(rng: random.Random, n: int = 8) -> list[str]:
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))).capitalize() + "."
        for _ in range(n)
    ]


def _edit(rng: random.Random, paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    k = rng.randrange(len(out))
    words = out[k].split()
    words[rng.randrange(len(words))] = rng.choice(WORDS) + str(rng.randint(1, 99))
    out[k] = " ".join(words)
    if rng.random() < 0.2:
        out.insert(rng.randrange(len(out) + 1), "A paragraph added " + str(rng.random()))
    return out


def _article(database: Database, url: str) -> int:
    with database.write() as session:
        article, _ = track_article(session, url, now=T0)
        return article.id


def _observe(database: Database, aid: int, paragraphs: list[str], hours: float) -> None:
    with database.write() as session:
        article = session.get(Article, aid)
        assert article is not None
        record_observation(
            session,
            article,
            Observation(
                article_id=aid,
                checked_at=T0 + timedelta(hours=hours),
                fields=VersionFields(
                    title="Title",
                    paragraphs=tuple(paragraphs),
                    extractor="test",
                    extractor_version="1",
                ),
            ),
        )


def _texts(database: Database, aid: int) -> list[str]:
    with database.read() as session:
        rows = session.query(Version).filter_by(article_id=aid).order_by(Version.number)
        return [v.paragraphs for v in rows]


def _forms(database: Database, aid: int) -> list[tuple[str | None, int | None]]:
    with database.read() as session:
        return [
            (row.text_codec, row.text_base_id)
            for row in session.execute(
                text(
                    "SELECT text_codec, text_base_id FROM versions WHERE article_id = :a "
                    "ORDER BY number"
                ),
                {"a": aid},
            )
        ]


# -- pure -------------------------------------------------------------------------------


def test_a_delta_gives_back_the_text_in_any_script() -> None:
    rng = random.Random(7)
    alphabet = "ab c\n\u05d0\u05d1\u202e\U0001f600e\u0301\u4e2d\u0000"
    for _ in range(3_000):
        base = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
        new = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
        assert textstore.apply_delta(base, textstore.encode_delta(base, new)) == new


def test_a_small_edit_is_a_small_delta() -> None:
    rng = random.Random(1)
    old = "\n".join(_paragraphs(rng, 30))
    new = old.replace("council", "Council", 1)
    assert len(textstore.encode_delta(old, new)) < 60
    assert len(old) > 5_000


@pytest.mark.parametrize(
    "data",
    [b"[[0, 99999]]", b"[[-1, 2]]", b'{"a": 1}', b"[[0]]", b"[true]", b"[[0, 1.5]]", b"[["],
)
def test_a_malformed_delta_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        textstore.read_text("delta", data, textstore.full_copy("base", "sqlite")[1], None, None)


def test_every_read_checks_the_digest() -> None:
    codec, data = textstore.full_copy("the text", "sqlite")
    assert textstore.read_text(codec, data, None, textstore.digest("the text"), None) == "the text"
    with pytest.raises(ValueError, match="digest"):
        textstore.read_text(codec, data, None, textstore.digest("other"), None)
    assert textstore.sql_text(codec, data[:-3], None, None, None) is None  # cut short


# -- through the store, on both databases --------------------------------------------------


def test_versions_are_full_copies_and_deltas_and_read_back(database: Database) -> None:
    rng = random.Random(3)
    aid = _article(database, "https://example.org/a")
    texts = [_paragraphs(rng)]
    for _ in range(39):
        texts.append(_edit(rng, texts[-1]))
    for hour, paragraphs in enumerate(texts):
        _observe(database, aid, paragraphs, hour)
    assert _texts(database, aid) == ["\n".join(p) for p in texts]
    forms = _forms(database, aid)
    full = "plain" if not database.is_sqlite else "zstd"
    delta = "delta" if not database.is_sqlite else "zdelta"
    assert forms[0] == (full, None)
    assert {codec for codec, _ in forms} == {full, delta}
    # every delta's base is a full copy of the same article, and none has more than MAX_DELTAS
    with database.read() as session:
        ids = session.execute(
            text("SELECT id FROM versions WHERE article_id = :a ORDER BY number"), {"a": aid}
        ).scalars()
        codec_of = dict(zip(ids, (c for c, _ in forms), strict=True))
    bases = [base for codec, base in forms if codec == delta]
    assert all(codec_of[b] == full for b in bases)
    assert max(bases.count(b) for b in set(bases)) <= textstore.MAX_DELTAS
    with database.read() as session:  # the SQL view reads the same texts
        viewed = session.execute(
            text("SELECT paragraphs FROM version_texts WHERE article_id = :a ORDER BY number"),
            {"a": aid},
        ).scalars()
        assert list(viewed) == ["\n".join(p) for p in texts]
        assert check_texts(session) == []


def test_a_big_rewrite_makes_a_new_full_copy(database: Database) -> None:
    rng = random.Random(4)
    aid = _article(database, "https://example.org/a")
    _observe(database, aid, _paragraphs(rng), 0)
    _observe(database, aid, _edit(rng, _texts(database, aid)[0].split("\n")), 1)
    _observe(database, aid, _paragraphs(rng), 2)  # another text altogether
    codecs = [codec for codec, _ in _forms(database, aid)]
    assert codecs[1] in DELTAS and codecs[2] not in DELTAS


def test_a_text_in_any_script_reads_back_from_sql(database: Database) -> None:
    aid = _article(database, "https://example.org/a")
    rest = _paragraphs(random.Random(2))
    first = ["\u05e9\u05dc\u05d5\u05dd \u202eabc\u202c \U0001f600 e\u0301 \u4e2d\u6587", *rest]
    second = ["\u05e9\u05dc\u05d5\u05dd \u202eabd\u202c \U0001f601 e\u0301 \u4e2d\u6587", *rest]
    _observe(database, aid, first, 0)
    _observe(database, aid, second, 1)
    assert _forms(database, aid)[1][0] in DELTAS
    assert _texts(database, aid) == [
        "\n".join(normalize_paragraphs(first)),
        "\n".join(normalize_paragraphs(second)),
    ]


def test_plain_form_is_todays_form(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textstore, "FORM", "plain")
    aid = _article(database, "https://example.org/a")
    _observe(database, aid, ["one", "two"], 0)
    assert _forms(database, aid) == [(None, None)]
    assert _texts(database, aid) == ["one\ntwo"]


# -- damage --------------------------------------------------------------------------------


def _damage(database: Database, aid: int, number: int, data: bytes | None) -> int:
    with database.write() as session:
        vid: int = session.execute(
            text("SELECT id FROM versions WHERE article_id = :a AND number = :n"),
            {"a": aid, "n": number},
        ).scalar_one()
        session.execute(
            text("UPDATE versions SET text_data = :d WHERE id = :v"), {"d": data, "v": vid}
        )
        return vid


def _two_articles(database: Database) -> tuple[int, int]:
    rng = random.Random(5)
    one, two = _article(database, "https://example.org/1"), _article(database, "https://e.org/2")
    for aid in (one, two):
        paragraphs = _paragraphs(rng)
        for hour in range(4):
            _observe(database, aid, paragraphs, hour)
            paragraphs = _edit(rng, paragraphs)
    return one, two


def test_a_damaged_delta_names_its_version_and_nothing_else(database: Database) -> None:
    one, two = _two_articles(database)
    before = _texts(database, two)
    vid = _damage(database, one, 3, b'[[0, 5], "x"]')  # valid JSON, wrong text
    with pytest.raises(DamagedText, match=rf"article {one} version 3 \(id {vid}\)"):
        _texts(database, one)
    assert _texts(database, two) == before
    with database.read() as session:
        problems = check_texts(session)
        got = session.get(Version, vid - 1)
        assert got is not None and got.number == 2  # the one before still reads
    assert [(p.article_id, p.number) for p in problems] == [(one, 3)]
    assert problems[0].problem.startswith(("text does not match", "zstd: "))


def test_a_damaged_full_copy_is_reported_with_its_deltas(database: Database) -> None:
    one, two = _two_articles(database)
    assert _forms(database, one)[0][0] in ("zstd", "plain")
    _damage(database, one, 1, b"\x28\xb5\x2f\xfd garbage")
    with database.read() as session:
        problems = check_texts(session)
    assert {(p.article_id, p.number) for p in problems} == {(one, n) for n in range(1, 5)}
    assert "base version" in next(p.problem for p in problems if p.number == 2)
    assert _texts(database, two)  # the other article reads
    with pytest.raises(DamagedText, match=rf"article {one} version 4 "):  # a check says why
        _observe(database, one, ["A new text entirely."], 10)


def test_a_new_version_never_hangs_on_a_damaged_full_copy(database: Database) -> None:
    rng = random.Random(6)
    aid = _article(database, "https://example.org/a")
    paragraphs = _paragraphs(rng)
    _observe(database, aid, paragraphs, 0)
    _observe(database, aid, _paragraphs(rng), 1)  # a full copy
    _damage(database, aid, 1, b"\x28\xb5\x2f\xfd garbage")  # the earlier one, not the latest
    with database.write() as session:
        base = textstore.latest_base(session.connection(), aid, before=2)
    assert base is None  # version 1 is damaged: not a base for anything
    _observe(database, aid, _edit(rng, _texts_after(database, aid, 2)), 2)
    assert _forms(database, aid)[2][0] in DELTAS and _forms(database, aid)[2][1] != 1


def _texts_after(database: Database, aid: int, number: int) -> list[str]:
    with database.read() as session:
        version = session.query(Version).filter_by(article_id=aid, number=number).one()
        return version.paragraphs.split("\n")


def test_a_missing_base_is_reported(database: Database) -> None:
    one, _ = _two_articles(database)
    with database.write() as session:
        session.execute(
            text("UPDATE versions SET text_base_id = 999999 WHERE article_id = :a AND number = 2"),
            {"a": one},
        )
    with database.read() as session:
        problems = check_texts(session)
    assert [(p.number, p.problem) for p in problems] == [
        (2, "its base version (id 999999) is missing")
    ]


# -- deleting an article keeps the search index in step -------------------------------------


def test_deleting_an_article_of_deltas_keeps_the_index(database: Database) -> None:
    one, two = _two_articles(database)
    with database.write() as session:
        session.execute(text("DELETE FROM articles WHERE id = :a"), {"a": one})
        assert check_index(session) == []
    with database.read() as session:
        hits = search(session, "council")
    assert {h.article_id for h in hits} <= {two}


# -- converting a database of plain texts --------------------------------------------------


@pytest.fixture
def at_0007(db_url: str) -> Iterator[Config]:
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    command.downgrade(cfg, "0007")
    try:
        yield cfg
    finally:
        command.upgrade(cfg, "head")
        engine.dispose()


def _insert_plain(url: str, articles: int, versions: int) -> dict[int, list[str]]:
    """Articles of plain texts, in SQL (the 0007 schema)."""
    rng = random.Random(11)
    engine = make_engine(url)
    insert = text(
        "INSERT INTO versions (article_id, number, captured_at, title, paragraphs, text_hash, "
        "extractor, extractor_version, source, title_changed, words_added, words_removed, "
        "paragraphs_unchanged, paragraphs_modified, paragraphs_inserted, paragraphs_deleted, "
        "paragraphs_moved) VALUES (:a, :n, :at, 'Council criticised', :p, 'h', 'test', '1', "
        "'live', :f, 0, 0, 0, 0, 0, 0, 0)"
    ).bindparams(bindparam("at", type_=UTCDateTime()), bindparam("f", type_=Boolean()))
    made: dict[int, list[str]] = {}
    with engine.begin() as conn:
        for i in range(articles):
            aid = conn.execute(
                text(
                    "INSERT INTO articles (url, first_seen_at, status, failure_count, "
                    "version_count) VALUES (:u, :at, 'tracking', 0, :c) RETURNING id"
                ).bindparams(bindparam("at", type_=UTCDateTime())),
                {"u": f"https://example.org/{i}", "at": T0, "c": versions},
            ).scalar_one()
            paragraphs = _paragraphs(rng)
            made[aid] = []
            for n in range(versions):
                body = "\n".join(paragraphs)
                made[aid].append(body)
                conn.execute(
                    insert,
                    {"a": aid, "n": n + 1, "at": T0 + timedelta(hours=n), "p": body, "f": False},
                )
                paragraphs = _edit(rng, paragraphs)
    engine.dispose()
    return made


class Stop(Exception):
    pass


def test_the_upgrade_converts_plain_texts_and_resumes(db_url: str, at_0007: Config) -> None:
    made = _insert_plain(db_url, 30, 5)
    command.upgrade(at_0007, "head")  # the schema only: the texts stay plain, and read
    database = Database(db_url)
    try:
        assert {aid: _texts(database, aid) for aid in made} == made
        assert {c for aid in made for c, _ in _forms(database, aid)} == {None}
        engine = make_engine(db_url)
        calls: list[tuple[int, int]] = []

        def interrupt(done: int, total: int) -> None:
            calls.append((done, total))
            raise Stop  # as a crash after the first batch

        with pytest.raises(Stop):
            convert_texts(engine, interrupt, batch=40)
        engine.dispose()
        assert calls == [(calls[0][0], 150)] and 0 < calls[0][0] < 150
        forms = [c for aid in made for c, _ in _forms(database, aid)]
        assert None in forms and set(forms) & set(DELTAS)  # half done: both forms read back
        assert {aid: _texts(database, aid) for aid in made} == made
        seen: list[tuple[str, int, int]] = []
        migrate(db_url, lambda stage, done, total: seen.append((stage, done, total)))
        assert seen and seen[-1][0] == "compact texts" and seen[-1][1] == seen[-1][2] > 0
        assert {aid: _texts(database, aid) for aid in made} == made
        assert None not in {c for aid in made for c, _ in _forms(database, aid)}
        with database.write() as session:
            assert check_texts(session) == []
            assert check_index(session) == []
        with database.read() as session:
            sizes = session.execute(
                text("SELECT sum(length(text_data)), sum(length(paragraphs)) FROM versions")
            ).one()
        assert sizes[1] == 0 and sizes[0] < sum(len(t) for ts in made.values() for t in ts) / 2
    finally:
        database.dispose()


def test_kill_9_during_the_conversion_loses_nothing(tmp_path: Path) -> None:
    """A real `newsdiff db upgrade` killed mid-conversion: the database reads, and the next
    upgrade finishes the conversion."""
    url = f"sqlite:///{tmp_path / 'plain.sqlite'}"
    migrate(url)
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    command.downgrade(cfg, "0007")
    engine.dispose()
    made = _insert_plain(url, 400, 8)
    env = {**os.environ, "NEWSDIFF_DATABASE_URL": url, "NEWSDIFF_CONFIG": os.devnull}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsdiff", "db", "upgrade"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = sqlite3.connect(tmp_path / "plain.sqlite", timeout=30)
    deadline = time.monotonic() + 120
    try:
        while True:  # until some versions are converted, but not all
            try:
                done = probe.execute(
                    "SELECT count(*) FROM versions WHERE text_codec IS NOT NULL"
                ).fetchone()[0]
            except sqlite3.OperationalError:  # the migration's columns are not there yet
                done = 0
            if done:
                break
            assert process.poll() is None, "the upgrade ended before it was seen converting"
            assert time.monotonic() < deadline, "no conversion seen within 120 s"
            time.sleep(0.005)  # polling the database, not waiting for a time to pass
        process.kill()
        process.wait()
    finally:
        probe.close()
    database = Database(url, check=False)
    try:
        converted = sum(
            1 for aid in made for codec, _ in _forms(database, aid) if codec is not None
        )
        assert 0 < converted < 3_200  # killed half way
    finally:
        database.dispose()
    migrate(url)  # the next upgrade goes on where it stopped
    database = Database(url)
    try:
        assert {aid: _texts(database, aid) for aid in made} == made
        with database.write() as session:
            assert check_texts(session) == []
            assert check_index(session) == []
        assert None not in {c for aid in made for c, _ in _forms(database, aid)}
    finally:
        database.dispose()
