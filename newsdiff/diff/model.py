"""The result of comparing two versions: documents in, a :class:`DocumentDiff` out.

``DocumentDiff.to_dict()`` is exactly the diff JSON of DESIGN.md. Its invariants: the ``=`` and
``-`` texts of a paragraph's ops rebuild its old text, the ``=`` and ``+`` texts its new text;
every old and every new paragraph appears in exactly one entry; entries follow the new
version's order, with deleted paragraphs where they stood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

Op = tuple[str, str]  # ("=", text) | ("-", text) | ("+", text)

KINDS = ("unchanged", "modified", "inserted", "deleted", "moved")


@dataclass(frozen=True)
class Document:
    """One version of an article: its headline, its paragraphs and its standfirst (the summary
    line under the headline). ``standfirst`` is ``""`` when the page had none and ``None`` when
    none was looked for (a version stored before standfirsts were captured): such a side is
    taken to be the other side's, so that starting to capture them is not an edit."""

    title: str
    paragraphs: Sequence[str]
    standfirst: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "paragraphs", tuple(self.paragraphs))

    @classmethod
    def from_text(cls, text: str, *, headline: bool = False) -> Document:
        """A plain text: each non-blank line is a paragraph (trimmed); with ``headline`` the
        first non-blank line is the headline."""
        lines = [line.strip() for line in text.splitlines()]
        paragraphs = [line for line in lines if line]
        title = paragraphs.pop(0) if headline and paragraphs else ""
        return cls(title, paragraphs)


def _rebuild(ops: Sequence[Op], keep: str) -> str:
    return "".join(text for tag, text in ops if tag == "=" or tag == keep)


class _Sides:
    """The two texts a list of ops rebuilds."""

    ops: list[Op]

    @property
    def old_text(self) -> str:
        return _rebuild(self.ops, "-")

    @property
    def new_text(self) -> str:
        return _rebuild(self.ops, "+")


@dataclass(frozen=True)
class ParagraphDiff(_Sides):
    """One entry of the paragraph alignment.

    ``split_from`` (on an inserted paragraph) is the old paragraph it was split off; ``merged_into``
    (on a deleted paragraph) is the new paragraph it was merged into. The words such a paragraph
    shares with its partner are not counted as added or removed. ``ignored`` lists the indices of
    ops that differ only in ways the comparison was told to ignore (whitespace, punctuation).
    Neither is part of the JSON.
    """

    kind: str
    old_index: int | None
    new_index: int | None
    similarity: float
    ops: list[Op]
    split_from: int | None = None
    merged_into: int | None = None
    ignored: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old_index": self.old_index,
            "new_index": self.new_index,
            "similarity": self.similarity,
            "ops": [[tag, text] for tag, text in self.ops],
        }


@dataclass(frozen=True)
class TitleDiff(_Sides):
    """The headline (or the standfirst), diffed on its own."""

    changed: bool
    ops: list[Op]
    ignored: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "ops": [[tag, text] for tag, text in self.ops]}


@dataclass(frozen=True)
class DiffStats:
    """Counts of a comparison. Words are words (not whitespace or punctuation) of the body."""

    words_added: int = 0
    words_removed: int = 0
    paragraphs_unchanged: int = 0
    paragraphs_modified: int = 0
    paragraphs_inserted: int = 0
    paragraphs_deleted: int = 0
    paragraphs_moved: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "paragraphs_unchanged": self.paragraphs_unchanged,
            "paragraphs_modified": self.paragraphs_modified,
            "paragraphs_inserted": self.paragraphs_inserted,
            "paragraphs_deleted": self.paragraphs_deleted,
            "paragraphs_moved": self.paragraphs_moved,
        }


class _Lists(Protocol):
    """What the diff JSON takes its ``sentences`` and ``edits`` from (an ``Analysis``)."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DocumentDiff:
    """Headline diff, paragraph entries (new order, deleted ones where they stood), stats, and
    the standfirst's diff (``ops`` empty when neither version has one)."""

    title: TitleDiff
    paragraphs: list[ParagraphDiff]
    stats: DiffStats = field(default_factory=DiffStats)
    standfirst: TitleDiff = field(default_factory=lambda: TitleDiff(False, []))

    @property
    def title_changed(self) -> bool:
        return self.title.changed

    @property
    def standfirst_changed(self) -> bool:
        return self.standfirst.changed

    @property
    def changed(self) -> bool:
        """Anything changed: the headline, the standfirst, or any paragraph that is not
        unchanged."""
        return (
            self.title.changed
            or self.standfirst.changed
            or any(p.kind != "unchanged" for p in self.paragraphs)
        )

    def to_dict(
        self,
        old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None,
        analysis: _Lists | None = None,
    ) -> dict[str, Any]:
        """The diff JSON of DESIGN.md; ``old``/``new`` are the ``{"number", "captured_at"}``
        blocks of the two versions (``{"file": name}`` for two files; ``None`` gives ``null``).
        With ``analysis`` (an ``edits.Analysis`` of the same two versions) it gains issue 14's
        ``sentences`` and ``edits`` lists."""
        data = {
            "old": old,
            "new": new,
            "title": self.title.to_dict(),
            "standfirst": self.standfirst.to_dict(),
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "stats": self.stats.to_dict(),
        }
        if analysis is not None:
            lists = analysis.to_dict()
            data["sentences"] = lists["sentences"]
            data["edits"] = lists["edits"]
        return data

    def documents(self) -> tuple[Document, Document]:
        """The two versions compared, rebuilt from the ops (headline, paragraphs, standfirst)."""
        old: dict[int, str] = {}
        new: dict[int, str] = {}
        for entry in self.paragraphs:
            if entry.old_index is not None:
                old[entry.old_index] = entry.old_text
            if entry.new_index is not None:
                new[entry.new_index] = entry.new_text
        return (
            Document(self.title.old_text, [old[k] for k in sorted(old)], self.standfirst.old_text),
            Document(self.title.new_text, [new[k] for k in sorted(new)], self.standfirst.new_text),
        )


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document: ``paragraph`` is its paragraph's index, ``index`` its
    position among all the document's sentences, ``start``/``end`` its characters in the
    paragraph (``paragraphs[paragraph][start:end] == text``)."""

    paragraph: int
    index: int
    start: int
    end: int
    text: str


SENTENCE_OPS = ("unchanged", "edited", "moved", "split", "merged", "removed", "added")


@dataclass(frozen=True, slots=True)
class SentenceLink:
    """One entry of the sentence alignment: an old sentence, a new one, or both.

    ``op`` is one of :data:`SENTENCE_OPS`. ``moved`` links sentences whose place among the
    linked sentences crosses others (its texts may differ: moved and edited). A sentence split
    in two gives two ``split`` entries with the same old sentence; two merged into one give two
    ``merged`` entries with the same new sentence. ``similarity`` is the alignment's score (see
    :mod:`newsdiff.diff.sentence_align`): 1.0 for identical texts, 0.0 for added and removed.
    """

    op: str
    old: Sentence | None
    new: Sentence | None
    similarity: float

    @property
    def edited(self) -> bool:
        """Both sides present and their texts differ."""
        return self.old is not None and self.new is not None and self.old.text != self.new.text

    def to_dict(self) -> dict[str, Any]:
        """``{"op", "old_paragraph", "new_paragraph", "old", "new", "similarity"}``: ``null``
        paragraph and ``""`` text for an absent side."""
        return {
            "op": self.op,
            "old_paragraph": None if self.old is None else self.old.paragraph,
            "new_paragraph": None if self.new is None else self.new.paragraph,
            "old": "" if self.old is None else self.old.text,
            "new": "" if self.new is None else self.new.text,
            "similarity": round(self.similarity, 3),
        }
