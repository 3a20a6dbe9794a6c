"""Typed edits: the API's promises, and odd input (no crash, no hang, a sensible result)."""

from __future__ import annotations

import json
import pickle
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdiff.diff import Document
from newsdiff.diff.edits import (
    ANALYSER_VERSION,
    CHANGES,
    Analysis,
    Edit,
    acknowledges,
    analyse,
    is_trivial,
    resolve_silence,
)

from .helpers import edit, generate

KEYS = ["kind", "change", "old", "new", "old_paragraph", "new_paragraph", "silent", "detail"]


def kinds(analysis: Analysis) -> list[tuple[str, str]]:
    return [(e.kind, e.change) for e in analysis.edits]


def check_edits(analysis: Analysis, old: Document, new: Document) -> None:
    """Every edit's texts stand where its spans and paragraphs say."""
    for e in analysis.edits:
        assert e.change in CHANGES
        assert list(e.to_dict()) == KEYS
        json.dumps(e.to_dict())
        for text, span, paragraph, doc in (
            (e.old, e.old_span, e.old_paragraph, old),
            (e.new, e.new_span, e.new_paragraph, new),
        ):
            if span is None:
                assert text == ""
                continue
            source = doc.title if e.detail.get("in") == "headline" else None
            if source is None:
                assert paragraph is not None
                source = doc.paragraphs[paragraph]
            assert source[span[0] : span[1]] == text


def test_api_shapes_and_pickling() -> None:
    old = Document("Twelve hurt in fire", ["Twelve people were hurt, police said."])
    new = Document("Fifteen hurt in fire", ["Fifteen people were hurt, police said."])
    analysis = analyse(old, new)
    check_edits(analysis, old, new)
    assert analysis.version == ANALYSER_VERSION
    assert kinds(analysis) == [
        ("headline", "changed"),
        ("number", "changed"),
        ("number", "changed"),
    ]
    body = analysis.edits[2]
    assert (body.old, body.new, body.old_paragraph, body.new_paragraph) == (
        "Twelve",
        "Fifteen",
        0,
        0,
    )
    assert body.detail["old_value"] == 12 and body.detail["new_value"] == 15
    assert body.silent and not analysis.acknowledged and not analysis.trivial
    again = pickle.loads(pickle.dumps(analysis))
    assert again == analysis
    assert Edit.from_dict(body.to_dict()) == body
    data = analysis.to_dict()
    assert list(data) == ["sentences", "edits"]
    assert data["sentences"] == [
        {
            "op": "edited",
            "old_paragraph": 0,
            "new_paragraph": 0,
            "old": "Twelve people were hurt, police said.",
            "new": "Fifteen people were hurt, police said.",
            "similarity": data["sentences"][0]["similarity"],
        }
    ]


def test_trivial_version() -> None:
    old = Document("", ["The councl met on Tuesday.", "It agreed the budget."])
    new = Document("", ["The council met on Tuesday.", "It agreed the budget ."])
    analysis = analyse(old, new)
    assert kinds(analysis) == [("trivial", "changed"), ("trivial", "changed")]
    assert analysis.trivial and is_trivial(analysis.edits)
    assert not is_trivial([])


def test_a_reworded_version_is_not_trivial() -> None:
    old = Document("", ["The councl met on Tuesday.", "It agreed the budget."])
    new = Document("", ["The council met on Tuesday.", "It rejected the budget."])
    analysis = analyse(old, new)
    assert ("trivial", "changed") in kinds(analysis)
    assert ("other", "changed") in kinds(analysis)
    assert not analysis.trivial


def test_silent_is_cleared_by_a_notice_in_the_same_or_a_later_version() -> None:
    def number(silent: bool) -> Edit:
        return Edit("number", "changed", "12", "15", 0, 0, silent, {})

    notice = Edit("correction", "added", "", "Correction: ...", None, 1, False, {})
    history = [[number(True)], [number(True)], [number(True), notice], [number(True)]]
    resolved = resolve_silence(history)
    assert [[e.silent for e in edits] for edits in resolved] == [
        [False],
        [False],
        [False, False],
        [True],
    ]
    assert acknowledges(history[2]) and not acknowledges(history[3])


def test_standing_notice_does_not_cover_new_edits() -> None:
    notice = "Correction: an earlier version of this article gave the wrong ward."
    old = Document("", ["The mayor won 12,400 votes.", notice])
    new = Document("", ["The mayor won 12,900 votes.", notice])
    (number,) = analyse(old, new).edits
    assert number.kind == "number" and number.silent


def long_article(paragraphs: int) -> list[str]:
    return generate(paragraphs * 50, 3)[:paragraphs]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("both empty", Document("", []), Document("", []), []),
        (
            "old empty",
            Document("", []),
            Document("Hi", ["A new story."]),
            [("headline", "added"), ("other", "added")],
        ),
        (
            "new empty",
            Document("Hi", ["An old story."]),
            Document("", []),
            [("headline", "removed"), ("other", "removed")],
        ),
        (
            "blank paragraphs",
            Document("", ["", "  "]),
            Document("", ["   ", "Text."]),
            [("other", "added")],
        ),
        (
            "one sentence",
            Document("", ["The council will appeal."]),
            Document("", ["The council may appeal."]),
            [("certainty", "softer")],
        ),
        (
            "no sentence punctuation",
            Document("", ["police say 12 people hurt in crash on the a40 near oxford"]),
            Document("", ["police say 14 people hurt in crash on the a40 near oxford"]),
            [("number", "changed")],
        ),
        (
            "unbalanced quote marks",
            Document("", ['He said "we will fight on. The vote is on Monday.']),
            Document("", ['He said "we will fight on and win. The vote is on Monday.']),
            [("quote", "changed")],
        ),
        (
            "quote spanning paragraphs",
            Document("", ["“We waited for hours.", "“Nobody came,” she said."]),
            Document("", ["“We waited for days.", "“Nobody came,” she said."]),
            [("quote", "changed")],
        ),
        (
            "right-to-left text",
            Document("", ["قال الوزير إن ١٢ شخصا أصيبوا. وسيبدأ التحقيق غدا."]),
            Document("", ["قال الوزير إن ١٥ شخصا أصيبوا. وسيبدأ التحقيق غدا."]),
            [("number", "changed")],
        ),
        (
            "numbers in words",
            Document("", ["Three men were arrested."]),
            Document("", ["Three men were arrested and two were released."]),
            [("number", "added")],
        ),
        (
            "numbers in another script",
            Document("", ["सरकार ने १२ लोगों को गिरफ्तार किया।"]),
            Document("", ["सरकार ने १४ लोगों को गिरफ्तार किया।"]),
            [("number", "changed")],
        ),
        (
            "control characters",
            Document("", ["Nul\x00 and \x1b[31m escape, 3 of them."]),
            Document("", ["Nul\x00 and \x1b[31m escape, 4 of them."]),
            [("number", "changed")],
        ),
    ],
)
def test_odd_input(
    name: str, old: Document, new: Document, expected: list[tuple[str, str]]
) -> None:
    analysis = analyse(old, new)
    check_edits(analysis, old, new)
    assert kinds(analysis) == expected, name


def test_five_thousand_paragraphs_finish() -> None:
    """5,000 paragraphs, a tenth of the words replaced: the analysis finishes (bounded work)
    with every edit well formed. Timing is printed by bench/edits.py, not asserted."""
    old_paragraphs = generate(250_000, 11)[:5000]
    new_paragraphs, _ = edit(old_paragraphs, 0.1, 12)
    old, new = Document("", old_paragraphs), Document("", new_paragraphs)
    start = time.process_time()
    analysis = analyse(old, new)
    assert time.process_time() - start < 120  # a hang guard, not a benchmark
    check_edits(analysis, old, new)
    assert len(analysis.sentences) >= 5000


def test_one_huge_paragraph_without_punctuation() -> None:
    text = "word " * 20_000 + "12 people"
    analysis = analyse(Document("", [text]), Document("", [text.replace("12", "13")]))
    assert kinds(analysis) == [("number", "changed")]


def test_many_apostrophes_and_quote_marks_stay_linear() -> None:
    text = "It's the '90s' 'n' rock " * 3000 + '"' * 500
    start = time.process_time()
    analyse(Document("", [text]), Document("", [text + " Yes."]))
    assert time.process_time() - start < 30  # a hang guard


SENTENCES = [
    "Twelve people were hurt.",
    '"It was wrong," said Ms Kober.',
    "The minister is expected to resign.",
    "Correction: an earlier version gave the wrong date.",
    "Police said 3.5% of cars failed.",
    "قال الوزير إن الخطة جاهزة.",
    "The councl met.",
    "“Unclosed quote",
    "",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.sampled_from(SENTENCES), max_size=3).map(" ".join), max_size=5),
    st.lists(st.lists(st.sampled_from(SENTENCES), max_size=3).map(" ".join), max_size=5),
    st.sampled_from(SENTENCES),
    st.sampled_from(SENTENCES),
)
def test_any_versions_give_well_formed_edits(
    old: list[str], new: list[str], old_title: str, new_title: str
) -> None:
    a, b = Document(old_title, old), Document(new_title, new)
    analysis = analyse(a, b)
    check_edits(analysis, a, b)
    json.dumps(analysis.to_dict())
