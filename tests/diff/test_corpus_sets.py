"""The labelled sets on real prose (tests/diff/corpus_sets.py): a draft's texts placed as
offsets and built back into the same pairs, on a small corpus written here; what the converter
refuses."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from . import corpus_sets
from .corpus_sets import convert, dumps

CORPUS = {
    "aa11": [
        "The council is expected to approve the budget on Tuesday, officials said.",
        "The plan sets aside 40 million for roads and 12 million for parks.",
        '"We have waited long enough," said Ruth Amadi, who chairs the finance committee.',
        "The vote is the council's last before the summer recess.",
    ],
    "bb22": ["One paragraph only, which is the whole of it."],
}


def _draft(**pair: Any) -> dict[str, Any]:
    return {"pair": [{"id": "p1", "article": "aa", "window": [0, 4], **pair}]}


def _built(tmp_path: Path, draft: dict[str, Any]) -> dict[str, Any]:
    """The draft converted, written, read back and built, as a set file is."""
    (tmp_path / "set.toml").write_text(dumps(convert(draft, CORPUS)), encoding="utf-8")
    stored = tomllib.loads((tmp_path / "set.toml").read_text(encoding="utf-8"))
    assert "Ruth Amadi" not in str(stored.get("pair")), "no corpus text in the set file"
    data = corpus_sets.DATA
    corpus_sets.DATA = tmp_path
    try:
        (pair,) = corpus_sets.load("set.toml", corpus=CORPUS)
    finally:
        corpus_sets.DATA = data
    return pair


def test_changes_and_labels_round_trip(tmp_path: Path) -> None:
    pair = _built(
        tmp_path,
        _draft(
            old_title="Council to vote on budget",
            new_title="Council approves budget",
            change=[
                [0, "is expected to approve", "approved"],
                [1, "40 million", "45 million"],
                [2, ", who chairs the finance committee", ""],
            ],
            insert=[[4, "Correction: an earlier version gave the wrong day."]],
            edits=[
                "headline changed | to vote on | approves",
                "certainty firmer | is expected to approve | approved",
                "number changed | 40 million | 45 million",
                "correction added | | Correction: an earlier version",
            ],
        ),
    )
    assert pair["old"] == CORPUS["aa11"]
    assert pair["new"][0] == "The council approved the budget on Tuesday, officials said."
    assert pair["new"][1] == "The plan sets aside 45 million for roads and 12 million for parks."
    assert pair["new"][2] == '"We have waited long enough," said Ruth Amadi.'
    assert pair["new"][4].startswith("Correction:")
    assert pair["edits"] == [
        "headline changed | to vote on | approves",
        "certainty firmer | is expected to approve | approved",
        "number changed | 40 million | 45 million",
        "correction added |  | Correction: an earlier version",
    ]


def test_a_change_is_stored_as_the_words_that_differ_only(tmp_path: Path) -> None:
    draft = _draft(change=[[1, "40 million for roads and 12", "40 million for roads and 15"]])
    (stored,) = convert(draft, CORPUS)
    at = CORPUS["aa11"][1].index("12 million")
    assert stored["change"] == [[1, at, at + 2, "15"]]
    assert _built(tmp_path, draft)["new"][1].endswith("and 15 million for parks.")


def test_reverse_makes_the_edited_text_the_old_version(tmp_path: Path) -> None:
    pair = _built(
        tmp_path,
        _draft(
            reverse=True,
            old_title="Concil to vote",
            new_title="Council to vote",
            change=[[3, "summer", "sumer"]],
            edits=["trivial changed | sumer | summer", "trivial changed | Concil | Council"],
        ),
    )
    assert pair["old"][3].endswith("before the sumer recess.")
    assert pair["new"] == CORPUS["aa11"]
    assert (pair["old_title"], pair["new_title"]) == ("Concil to vote", "Council to vote")
    assert pair["edits"][1] == "trivial changed | Concil | Council"


def test_order_and_a_label_placed_beside_its_change(tmp_path: Path) -> None:
    # "said" stands three times; the label's is the one beside the change
    pair = _built(
        tmp_path,
        _draft(
            order=[1, 0, 2],
            change=[[2, "said Ruth Amadi", "said a council member"]],
            edits=[{"label": "source changed | Ruth Amadi | a council member"}],
        ),
    )
    assert pair["new"][0] == CORPUS["aa11"][1]
    assert len(pair["new"]) == 3
    assert pair["edits"] == ["source changed | Ruth Amadi | a council member"]
    # "million" stands twice in the paragraph: the label's is the one beside the change
    draft = _draft(change=[[1, "12 million", "14 million"]], edits=["number changed | million |"])
    (stored,) = convert(draft, CORPUS)
    at = CORPUS["aa11"][1].index("million for parks")
    assert stored["edits"] == [["number changed", [1, at, at + 7], []]]


def test_an_ambiguous_label_can_be_given_its_paragraph(tmp_path: Path) -> None:
    draft = _draft(
        change=[[1, "40 million for roads and 12 million", "45 million for roads and 14 million"]]
    )
    draft["pair"][0]["edits"] = ["number changed | million | million"]
    with pytest.raises(ValueError, match="found 2 times, 2 of them beside a change"):
        convert(draft, CORPUS)
    # the headline and the first paragraph both changed, both hold "approve"
    draft = _draft(
        old_title="Council to approve budget",
        new_title="Council approves budget",
        change=[[0, "is expected to approve", "approves"]],
        edits=["certainty firmer | approve | approves"],
    )
    with pytest.raises(ValueError, match="give its paragraph"):
        convert(draft, CORPUS)
    draft["pair"][0]["edits"] = [
        {
            "label": "certainty firmer | expected to approve | approves",
            "old_paragraph": 0,
            "new_paragraph": 0,
        }
    ]
    pair = _built(tmp_path, draft)
    assert pair["edits"] == ["certainty firmer | expected to approve | approves"]
    assert pair["new"][0].startswith("The council approves the budget")


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ({"change": [[1, "80 million", "90 million"]]}, "not found"),
        ({"change": [[1, "million", "billion"]]}, "more than once"),
        ({"change": [[7, "plan", "scheme"]]}, "outside the window"),
        ({"window": [2, 9]}, "outside the article"),
        ({"article": "cc"}, "matches 0 keys"),
        ({"edits": ["number | 40 | 45"]}, "is not 'kind change"),
        ({"edits": ["number changed | 41 | 45"]}, "not found on its side"),
        ({"order": [0, 0, 1]}, "not a choice"),
        (
            {"insert": [[1, "We have waited long enough, said Ruth Amadi, who chairs it."]]},
            "repeats the article's words",
        ),
        (
            {"new_title": "The plan sets aside 40 million for roads"},
            "repeats the article's words",
        ),
    ],
)
def test_what_the_converter_refuses(pair: dict[str, Any], message: str) -> None:
    draft = _draft(**{"edits": [], **pair})
    with pytest.raises(ValueError, match=message):
        convert(draft, CORPUS)


def test_no_corpus_no_pairs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(corpus_sets, "CORPUS", tmp_path)
    assert corpus_sets.articles() is None
    assert corpus_sets.load("edits_corpus1.toml") == []


@pytest.mark.parametrize("name", corpus_sets.CORPUS_FILES)
def test_the_set_files_hold_no_run_of_the_corpus(name: str) -> None:
    """What a set file stores of its own (headlines, new words, inserted paragraphs) repeats at
    most MAX_COPIED_WORDS words of its article in a row: the corpus stays out of the tree."""
    if not corpus_sets.available(name):
        pytest.skip(f"no shared corpus ({corpus_sets.CORPUS}) or no {name}")
    body = corpus_sets.articles()
    assert body is not None
    for pair in tomllib.loads((corpus_sets.DATA / name).read_text(encoding="utf-8"))["pair"]:
        assert not corpus_sets.copied(pair, body), pair["id"]
