"""Version texts in little space: full copies now and then, small deltas in between.

Successive versions of one article are nearly identical, so each version's paragraphs (one per
line, the ``paragraphs`` of DESIGN.md) are stored in one of these forms, named by
``versions.text_codec``:

- ``NULL``: the text as it is, in the ``paragraphs`` column (databases from before issue 18, and
  what :data:`FORM` ``= "plain"`` writes; the migration converts them);
- ``zstd``: a *full copy*, the UTF-8 text compressed by zstd (SQLite);
- ``plain``: a full copy as UTF-8 bytes (PostgreSQL, whose TOAST compresses the value itself, so
  that PostgreSQL's own SQL can read it back without an extension);
- ``zdelta``: the text as a zstd frame compressed with the text of the article's full copy
  named by ``text_base_id`` as its dictionary (``zstd --patch-from``; SQLite);
- ``delta``: JSON copy/insert operations against the text of that full copy,
  ``[[start, length], "inserted text", ...]``, offsets in characters of that text (PostgreSQL,
  whose SQL can apply them). A version one word away from its base costs a few dozen bytes; on
  the storage bench's edits a zdelta is 2.5-5x smaller than the JSON delta.

A delta's base is always a full copy (never another delta), so reading any version takes at most
two rows and one decompression; a new full copy is written when the article has none yet, when
the delta would be over :data:`MAX_PATCH_SHARE` (zdelta) or :data:`MAX_DELTA_SHARE` (delta) of
the text, or after :data:`MAX_DELTAS` deltas on one base (the damage a broken full copy can do
stays bounded, and each later version is readable from the next full copy).

Every stored text carries ``text_digest`` (the first 128 bits of the SHA-256 of the text, hex)
and is checked against it on every read: a form that does not give back the text it was stored
for reads as ``NULL`` in SQL and as :class:`DamagedText` (naming the version) through the ORM,
never as a wrong text; other versions are not affected.

SQL reads the text through one function, ``newsdiff_text(codec, data, base_data, digest, plain)``:
registered on every SQLite connection newsdiff opens (:func:`register_sqlite`: a Datasette or
``sqlite3`` user loads it the same way, see the README), and defined in PL/pgSQL on PostgreSQL
(migration 0008). ``Version.paragraphs`` is that function applied to the row, so code and SQL
views read plain text as before. The writer is :func:`encode_version`, run by the ORM before each
insert of a version (inside the write transaction: ~0.1-0.3 ms of CPU for a 6 KB text).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import zstandard

from newsdiff.errors import StoreError

#: What new versions are written as: ``"compact"`` (full copies and deltas) or ``"plain"`` (the
#: text as it is in ``paragraphs``, the form before issue 18; benches write it for a baseline).
FORM = "compact"
#: A delta larger than this share of its text's UTF-8 size makes a new full copy instead.
MAX_DELTA_SHARE: Final = 0.3
#: At most this many deltas hang on one full copy.
MAX_DELTAS: Final = 32
ZSTD_LEVEL: Final = 9  # level 19 saves ~4% more on article text for ~8x the CPU
ZSTD_MAGIC: Final = b"\x28\xb5\x2f\xfd"
FULL_CODECS: Final = ("zstd", "plain")
DELTA_CODECS: Final = ("delta", "zdelta")
PATCH_LEVEL: Final = 3  # zdelta: level 9 saves ~8% for 4x the CPU (bench/storage.py texts)
#: A zdelta larger than this share of its text's UTF-8 size makes a new full copy instead
#: (about half the size of a full copy, which zstd makes ~40% of the text).
MAX_PATCH_SHARE: Final = 0.2
DIGEST_CHARS: Final = 32

Op = list[int] | str


class DamagedText(StoreError):  # noqa: N818  (one of the store's errors, like NotFound)
    """A version's stored text cannot be read back as the text it was stored for."""


def digest(text: str) -> str:
    """The ``text_digest`` of a text: the first 128 bits of its SHA-256, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


_local = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    found: zstandard.ZstdCompressor | None = getattr(_local, "compressor", None)
    if found is None:
        found = _local.compressor = zstandard.ZstdCompressor(
            level=ZSTD_LEVEL, write_checksum=True, write_content_size=True
        )
    return found


def _decompressor() -> zstandard.ZstdDecompressor:
    found: zstandard.ZstdDecompressor | None = getattr(_local, "decompressor", None)
    if found is None:
        found = _local.decompressor = zstandard.ZstdDecompressor()
    return found


# ---------------------------------------------------------------------------- forms, pure


def full_copy(text: str, dialect: str) -> tuple[str, bytes]:
    """``(codec, data)`` of a full copy of ``text`` for a database of ``dialect``."""
    raw = text.encode("utf-8")
    if dialect == "postgresql":
        return "plain", raw
    return "zstd", _compressor().compress(raw)


@lru_cache(maxsize=64)
def _full_raw(data: bytes) -> bytes:
    """The UTF-8 text of a full copy's data (a zstd frame, or the bytes themselves)."""
    return _decompressor().decompress(data) if data[:4] == ZSTD_MAGIC else data


@lru_cache(maxsize=64)
def _full_text(data: bytes) -> str:
    """The text of a full copy's data (zstd frame or UTF-8 bytes). Raises on damage."""
    return _full_raw(data).decode("utf-8")


def _patch_dict(base: bytes) -> zstandard.ZstdCompressionDict:
    """A full copy's UTF-8 text as a zstd raw-content dictionary (``zstd --patch-from``): one
    per thread and base, as zstd's objects are not shared between threads."""
    cache: dict[bytes, zstandard.ZstdCompressionDict] | None = getattr(_local, "patch", None)
    if cache is None:
        cache = _local.patch = {}
    found = cache.get(base)
    if found is None:
        if len(cache) >= 16:
            cache.clear()
        found = cache[base] = zstandard.ZstdCompressionDict(
            base, dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
    return found


def encode_patch(base: str, text: str) -> bytes:
    """The ``zdelta`` data of ``text`` against ``base``: a zstd frame compressed with the base's
    text as its dictionary (SQLite: 2.5-5x smaller than the JSON delta on the storage bench)."""
    compressor = zstandard.ZstdCompressor(
        level=PATCH_LEVEL,
        dict_data=_patch_dict(base.encode("utf-8")),
        write_checksum=False,
        write_content_size=True,
        write_dict_id=False,
    )
    return compressor.compress(text.encode("utf-8"))


def apply_patch(base: bytes, data: bytes) -> str:
    """The text a ``zdelta``'s data makes from its base's UTF-8 text."""
    decompressor = zstandard.ZstdDecompressor(dict_data=_patch_dict(base))
    return decompressor.decompress(data).decode("utf-8")


def delta_ops(base: str, text: str) -> list[Op]:
    """Copy/insert operations that make ``text`` from ``base``: ``[start, length]`` copies
    ``base[start:start + length]``, a string is inserted as it is.

    Paragraphs (lines) are matched first (``difflib`` on whole lines: unchanged paragraphs
    cost one copy for each run of them); a changed paragraph keeps what it shares with the one
    it replaced at its beginning and end, so a reworded phrase costs its new words. (A
    character diff of the whole texts by diff-match-patch took 5 ms a version on 8 KB texts
    far from their full copy, and its deltas were no smaller.)"""
    olds, news = base.split("\n"), text.split("\n")
    starts = [0] * len(olds)
    for n in range(1, len(olds)):
        starts[n] = starts[n - 1] + len(olds[n - 1]) + 1
    ops: list[Op] = []

    def copy(start: int, length: int) -> None:
        if length <= 0:
            return
        last = ops[-1] if ops else None
        if isinstance(last, list) and last[0] + last[1] == start:
            last[1] += length
        else:
            ops.append([start, length])

    def insert(piece: str) -> None:
        if not piece:
            return
        if ops and isinstance(ops[-1], str):
            ops[-1] += piece
        else:
            ops.append(piece)

    def newline(after_old: int | None, j: int) -> None:
        if j == len(news) - 1:
            return
        if after_old is not None and after_old < len(olds) - 1:
            copy(starts[after_old] + len(olds[after_old]), 1)
        else:
            insert("\n")

    matcher = difflib.SequenceMatcher(None, olds, news, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k, j in enumerate(range(j1, j2)):
            i = i1 + k if i1 + k < i2 else None
            if tag == "equal":
                assert i is not None
                copy(starts[i], len(olds[i]))
            elif tag == "replace" and i is not None:
                at, pos, new = starts[i], 0, news[j]
                for op, count in _diff_counts(olds[i], new):
                    if op == "=":
                        copy(at, count)
                        at += count
                        pos += count
                    elif op == "-":
                        at += count
                    else:
                        insert(new[pos : pos + count])
                        pos += count
            else:
                insert(news[j])
            newline(i, j)
    return ops


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of ``a`` and ``b`` (by halves: each step one
    comparison of slices in C, instead of a Python loop over characters)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _diff_counts(base: str, text: str) -> list[tuple[str, int]]:
    """``("=" | "-" | "+", characters)`` from ``base`` to ``text``: their common beginning and
    end kept, the middle replaced. On the storage bench's edits this gave deltas 6% smaller
    than diff-match-patch's character diff (whose many small pieces each cost an operation)
    and took 0.09 ms against 4.7 ms a delta."""
    head = _common_prefix(base, text)
    tail = _common_prefix(base[head:][::-1], text[head:][::-1])
    counts = [("=", head), ("-", len(base) - head - tail), ("+", len(text) - head - tail)]
    counts.append(("=", tail))
    return [(op, n) for op, n in counts if n]


def encode_delta(base: str, text: str) -> bytes:
    """The ``delta`` data that makes ``text`` from ``base`` (compact JSON, UTF-8)."""
    return json.dumps(delta_ops(base, text), ensure_ascii=False, separators=(",", ":")).encode()


def apply_delta(base: str, data: bytes) -> str:
    """The text a ``delta``'s data makes from ``base``. Raises ``ValueError`` on a malformed
    delta (an operation outside the base, a wrong type)."""
    ops = json.loads(data.decode("utf-8"))
    if not isinstance(ops, list):
        raise ValueError("a delta is a JSON list")
    parts: list[str] = []
    size = len(base)
    for op in ops:
        if isinstance(op, str):
            parts.append(op)
        elif (
            isinstance(op, list)
            and len(op) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in op)
            and 0 <= op[0]
            and 0 <= op[1]
            and op[0] + op[1] <= size
        ):
            parts.append(base[op[0] : op[0] + op[1]])
        else:
            raise ValueError(f"bad delta operation {str(op)[:40]}")
    return "".join(parts)


def read_text(
    codec: str | None,
    data: bytes | None,
    base_data: bytes | None,
    expected: str | None,
    plain: str | None,
) -> str:
    """The text of one stored version, checked against its digest. Raises ``ValueError``
    saying what is wrong (for :class:`DamagedText` and ``db check``)."""
    if codec is None:
        return plain or ""
    if data is None:
        raise ValueError(f"{codec} text without data")
    try:
        if codec in FULL_CODECS:
            text = _full_text(bytes(data))
        elif codec in DELTA_CODECS:
            if base_data is None:
                raise ValueError("its base version's text is missing")
            try:
                base = _full_text(bytes(base_data))
            except (zstandard.ZstdError, UnicodeDecodeError) as exc:
                raise ValueError(f"its base version's text is damaged ({exc})") from None
            if codec == "delta":
                text = apply_delta(base, bytes(data))
            else:
                text = apply_patch(_full_raw(bytes(base_data)), bytes(data))
        else:
            raise ValueError(f"unknown text codec {codec!r}")
    except zstandard.ZstdError as exc:
        raise ValueError(f"zstd: {exc}") from None
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"delta is not JSON ({exc.msg})") from None
    if expected is not None and digest(text) != expected:
        raise ValueError("text does not match its digest")
    return text


def sql_text(
    codec: str | None,
    data: bytes | None,
    base_data: bytes | None,
    expected: str | None,
    plain: str | None,
) -> str | None:
    """``newsdiff_text()`` for SQLite: the text, or NULL when it cannot be read back."""
    try:
        return read_text(codec, data, base_data, expected, plain)
    except (ValueError, TypeError):
        return None


def register_sqlite(connection: Any) -> None:
    """Define ``newsdiff_text(codec, data, base_data, digest, plain)`` on a ``sqlite3``
    connection (newsdiff does it on every connection it opens)."""
    connection.create_function("newsdiff_text", 5, sql_text, deterministic=True)


# ----------------------------------------------------------------- SQL for raw queries


def text_sql(alias: str = "versions") -> str:
    """The SQL expression of the text of the ``versions`` row named ``alias``."""
    return (
        f"newsdiff_text({alias}.text_codec, {alias}.text_data, "
        f"(SELECT text_base.text_data FROM versions text_base "
        f"WHERE text_base.id = {alias}.text_base_id), {alias}.text_digest, {alias}.paragraphs)"
    )


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Stored:
    """How one version's text is stored: the values of its text columns."""

    codec: str | None
    data: bytes | None
    base_id: int | None
    digest: str | None
    plain: str


@dataclass(frozen=True)
class Base:
    """An article's latest full copy: its id, its text, and how many deltas hang on it."""

    id: int
    text: str
    deltas: int


def choose(text: str, base: Base | None, dialect: str) -> Stored:
    """The stored form of ``text``, given the article's latest full copy (``None``: none)."""
    if FORM == "plain":
        return Stored(None, None, None, None, text)
    if base is not None and base.deltas < MAX_DELTAS:
        size = max(len(text.encode("utf-8")), 1)
        if dialect == "postgresql":  # SQL decodes it there: JSON operations
            codec, delta, share = "delta", encode_delta(base.text, text), MAX_DELTA_SHARE
        else:
            codec, delta, share = "zdelta", encode_patch(base.text, text), MAX_PATCH_SHARE
        if len(delta) <= share * size:
            return Stored(codec, delta, base.id, digest(text), "")
    codec, data = full_copy(text, dialect)
    return Stored(codec, data, None, digest(text), "")


def latest_base(connection: Any, article_id: int, *, before: int | None = None) -> Base | None:
    """The latest full copy among the article's versions (numbered below ``before``), read
    back and checked; ``None`` when there is none or it cannot be read (a new full copy is
    then written, rather than a delta on a damaged base)."""
    from sqlalchemy import text as sql

    row = connection.execute(
        sql(
            "SELECT id, text_codec, text_data, text_digest, (SELECT count(*) FROM versions d "
            "WHERE d.text_base_id = versions.id) AS deltas FROM versions "
            "WHERE article_id = :article AND text_codec IN ('zstd', 'plain')"
            + (" AND number < :before" if before is not None else "")
            + " ORDER BY number DESC LIMIT 1"
        ),
        {"article": article_id, "before": before},
    ).first()
    if row is None:
        return None
    try:
        text = read_text(row.text_codec, row.text_data, None, row.text_digest, None)
    except ValueError:
        return None
    deltas = row.deltas
    return Base(row.id, text, int(deltas))


def encode_version(connection: Any, target: Any) -> None:
    """Fill a new :class:`~newsdiff.store.models.Version`'s text columns from its
    ``paragraphs`` (the ORM's ``before_insert``). A version given its columns already is
    left alone."""
    if target.text_codec is not None or "paragraphs" not in target.__dict__:
        if "plain_paragraphs" not in target.__dict__ or target.plain_paragraphs is None:
            target.plain_paragraphs = ""
        return
    text = str(target.__dict__["paragraphs"] or "").replace("\x00", "")
    base = None
    if FORM != "plain":
        base = latest_base(connection, target.article_id)
    stored = choose(text, base, connection.dialect.name)
    target.text_codec = stored.codec
    target.text_data = stored.data
    target.text_base_id = stored.base_id
    target.text_digest = stored.digest
    target.plain_paragraphs = stored.plain


# --------------------------------------------------------------------- converting

CONVERT_BATCH: Final = 2_000


def convert_texts(
    engine: Any, progress: Callable[[int, int], None] | None = None, *, batch: int = CONVERT_BATCH
) -> int:
    """Store every version still in plain form (``text_codec`` NULL) in compact form, article
    by article in version order, one short transaction per batch of about ``batch`` versions;
    the number converted. ``progress(done, total)`` after each batch. Safe to run again after
    an interruption (it goes on with what is left) and beside a running poll (a batch writes
    only rows no one else writes, under the database's write lock for a moment)."""
    from sqlalchemy import text as sql

    if FORM != "compact":
        return 0
    with engine.connect() as conn:
        total = conn.execute(
            sql("SELECT count(*) FROM versions WHERE text_codec IS NULL")
        ).scalar_one()
        conn.commit()
        if not total:
            return 0
        if conn.dialect.name == "sqlite":  # newsdiff's begin listener: the write lock up front
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        done, last_article = 0, 0
        while True:
            with conn.begin():
                articles = (
                    conn.execute(
                        sql(
                            "SELECT article_id FROM versions WHERE text_codec IS NULL "
                            "AND article_id > :last GROUP BY article_id ORDER BY article_id "
                            "LIMIT :n"
                        ),
                        {"last": last_article, "n": max(batch // 8, 1)},
                    )
                    .scalars()
                    .all()
                )
                if articles:
                    done += _convert_articles(conn, list(articles))
            if not articles:
                return done
            last_article = articles[-1]
            if progress is not None:
                progress(min(done, total), total)


def _convert_articles(conn: Any, articles: list[int]) -> int:
    from sqlalchemy import bindparam
    from sqlalchemy import text as sql

    rows = conn.execute(
        sql(
            "SELECT id, article_id, number, text_codec, paragraphs FROM versions "
            "WHERE article_id IN :ids ORDER BY article_id, number"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": articles},
    ).all()
    dialect = conn.dialect.name
    base: Base | None = None
    article: int | None = None
    started = False
    updates = []
    for row in rows:
        if row.article_id != article:
            article, base, started = row.article_id, None, False
        if row.text_codec is not None:
            continue
        if not started:  # the article's first plain version: full copies made before it
            base = latest_base(conn, row.article_id, before=row.number)
            started = True
        text = row.paragraphs or ""
        stored = choose(text, base, dialect)
        if stored.codec in DELTA_CODECS and base is not None:
            base = Base(base.id, base.text, base.deltas + 1)
        else:
            base = Base(row.id, text, 0)
        updates.append(
            {
                "id": row.id,
                "codec": stored.codec,
                "data": stored.data,
                "base": stored.base_id,
                "digest": stored.digest,
            }
        )
    if updates:
        conn.execute(
            sql(
                "UPDATE versions SET text_codec = :codec, text_data = :data, "
                "text_base_id = :base, text_digest = :digest, paragraphs = '' "
                "WHERE id = :id AND text_codec IS NULL"
            ),
            updates,
        )
    return len(updates)


# ------------------------------------------------------------------------ checking


@dataclass(frozen=True)
class TextProblem:
    """A version whose stored text cannot be read back."""

    version_id: int
    article_id: int
    number: int
    problem: str

    def __str__(self) -> str:
        where = f"article {self.article_id} version {self.number} (id {self.version_id})"
        return f"{where}: {self.problem}"


def check_texts(
    session: Any,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 2_000,
) -> list[TextProblem]:
    """Read back every version's stored text and check it against its digest (and, for a
    legacy plain text, that it is there). ``progress(done, total)`` after each batch."""
    from sqlalchemy import bindparam
    from sqlalchemy import text as sql

    total = session.execute(sql("SELECT count(*) FROM versions")).scalar_one()
    problems: list[TextProblem] = []
    done, last = 0, 0
    bases: dict[int, bytes | None] = {}
    while True:
        rows: Sequence[Any] = session.execute(
            sql(
                "SELECT id, article_id, number, text_codec, text_data, text_base_id, "
                "text_digest, paragraphs FROM versions WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": batch},
        ).all()
        if not rows:
            break
        wanted = {r.text_base_id for r in rows if r.text_base_id is not None} - set(bases)
        if wanted:
            for bid, data in session.execute(
                sql("SELECT id, text_data FROM versions WHERE id IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": sorted(wanted)},
            ):
                bases[bid] = data
        for r in rows:
            try:
                base = bases.get(r.text_base_id) if r.text_base_id is not None else None
                if r.text_codec in DELTA_CODECS and r.text_base_id not in bases:
                    raise ValueError(f"its base version (id {r.text_base_id}) is missing")
                read_text(r.text_codec, r.text_data, base, r.text_digest, r.paragraphs)
                if r.text_codec is None and not r.paragraphs:
                    raise ValueError("its text is empty")
            except ValueError as exc:
                problems.append(TextProblem(r.id, r.article_id, r.number, str(exc)))
        done += len(rows)
        last = rows[-1].id
        if len(bases) > 20_000:
            bases.clear()
        if progress is not None:
            progress(done, total)
    return problems
