"""Typed edits said in words (newsdiff.export.edits): one phrase per kind, the most telling
first, short."""

from __future__ import annotations

from typing import Any

import pytest

from newsdiff.diff import Document
from newsdiff.diff.edits import Edit, analyse
from newsdiff.export.edits import KnownEdits, badges, clip, facts, in_words, phrase


def edit(kind: str, change: str, old: str = "", new: str = "", **detail: Any) -> Edit:
    return Edit(kind, change, old, new, 0 if old else None, 0 if new else None, False, detail)


PHRASES = [
    (edit("headline", "changed", "Old title", "New title"), "headline changed"),
    (edit("number", "changed", "12", "15", old_value=12, new_value=15), "number changed: 12 -> 15"),
    (edit("number", "added", new="£3m"), "number added: £3m"),
    (
        edit("quote", "removed", "worst case I had ever seen,", speaker="Heather Brown"),
        "quote removed: 'worst case I had ever seen' (Heather Brown)",
    ),
    (edit("quote", "changed", "a", "b", speaker=""), "quote changed: 'a' -> 'b'"),
    (
        edit("source", "added", new="spokesperson", source="spokesperson", anonymous=True),
        "source added: spokesperson (anonymous)",
    ),
    (
        edit(
            "source",
            "changed",
            "officials",
            "Jane Doe",
            old_source="officials",
            new_source="Jane Doe",
            old_anonymous=True,
            new_anonymous=False,
        ),
        "source changed: officials (anonymous) -> Jane Doe",
    ),
    (
        edit("certainty", "firmer", "are expected to say", "said"),
        'hedge dropped: "are expected to say" -> "said"',
    ),
    (edit("certainty", "softer", new="reportedly"), 'hedge added: "reportedly"'),
    (
        edit("correction", "added", new="Correction: the date was wrong.", notice="correction"),
        "correction notice added: 'Correction: the date was wrong.'",
    ),
    (
        edit("correction", "changed", "Update: a", "Update: b", notice="update"),
        "update notice changed: 'Update: a' -> 'Update: b'",
    ),
    (
        edit("trivial", "changed", "recieve", "receive", what=["spelling"]),
        "trivial (spelling): 'recieve' -> 'receive'",
    ),
    (edit("other", "added", new="A new sentence."), "sentence added: 'A new sentence.'"),
    (
        edit("other", "changed", "It rained.", "It poured.", sentence="edited"),
        "sentence reworded: 'It rained.' -> 'It poured.'",
    ),
    (edit("other", "changed", "A.", "A!", sentence="moved"), "sentence moved: 'A.' -> 'A!'"),
    (edit("byline", "changed", "By A", "By B"), "byline changed: 'By A' -> 'By B'"),
    (
        edit("number", "changed", "three", "four", **{"in": "headline"}),
        "number changed: three -> four (in headline)",
    ),
]


@pytest.mark.parametrize(("item", "said"), PHRASES, ids=[p[1][:30] for p in PHRASES])
def test_phrase(item: Edit, said: str) -> None:
    assert phrase(item) == said


def test_long_texts_are_clipped_at_a_word() -> None:
    long = "word " * 60
    said = phrase(edit("quote", "added", new=long))
    assert len(said) < 110 and said.endswith("…'")
    assert clip("a b  c\nd") == "a b c d"
    assert clip("x" * 200, 50) == "x" * 50 + "…"


def test_in_words_puts_the_telling_edits_first_and_counts_the_rest() -> None:
    edits = [
        edit("other", "added", new="Filler."),
        edit("trivial", "changed", "a", "b", what=["case"]),
        edit("source", "added", new="x", source="x"),
        edit("number", "changed", "1", "2"),
        edit("certainty", "firmer", "may", ""),
        edit("quote", "added", new="q"),
        edit("headline", "changed", "h", "i"),
        edit("correction", "added", new="Correction: c."),
    ]
    shown, more = in_words(edits)
    assert [text.split(":")[0] for text, _ in shown] == [
        "correction notice added",
        "headline changed",
        "quote added",
        "number changed",
    ]
    assert more == "and 4 more (1 source, 1 certainty, 1 trivial, 1 other)"
    assert in_words(edits, limit=10)[1] == "and 2 more (1 trivial, 1 other)"
    # no typed edit: what no kind explains is said, the rest counted
    others = [edit("other", "added", new=f"S{n}.") for n in range(6)]
    shown, more = in_words(others)
    assert len(shown) == 4 and more == "and 2 other changes"
    assert in_words([]) == ([], "")
    trivial = [
        edit("trivial", "changed", "a", "b", what=["spelling"]),
        edit("trivial", "changed", "c", "d", what=["case", "spelling"]),
    ]
    assert in_words(trivial) == ([("trivial edits only (case, spelling)", False)], "")


def test_silent_flag_is_kept_beside_the_phrase() -> None:
    quote = Edit("quote", "removed", "q", "", 0, None, True, {"speaker": "X"})
    assert in_words([quote]) == ([("quote removed: 'q' (X)", True)], "")


def test_facts_and_badges() -> None:
    number = edit(
        "number",
        "changed",
        "50 injuries",
        "more than 50 injuries",
        old_value=50,
        new_value=50,
        unit="injuries",
        old_qualifier="",
        new_qualifier="more than",
        old_span=[0, 11],
    )
    assert facts(number) == ["value: 50 injuries → 50 injuries", "qualifier: – → more than"]
    assert facts(edit("source", "added", new="x", source="x", anonymous=True)) == [
        "source: x",
        "anonymous: yes",
    ]
    assert badges(["quote", "headline", "quote"], silent=True).startswith(
        '<span class="nd-badge nd-k-headline">headline</span> '
        '<span class="nd-badge nd-k-quote">quote</span> <span class="nd-badge nd-silent"'
    )
    assert badges([]) == ""


def test_known_edits_of_an_analysis() -> None:
    old = Document("T", ["Police said 12 people were hurt."])
    new = Document("T", ["Police said 15 people were hurt."])
    known = KnownEdits(tuple(analyse(old, new).edits), "computed")
    assert known.kinds == ["number"] and known.silent and not known.trivial
