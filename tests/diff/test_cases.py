"""Table-driven cases for the diff engine: tests/data/diff_cases.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from newsdiff.diff import Document, compare

from .helpers import check_invariants, edit, generate, show

CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parents[1] / "data" / "diff_cases.toml").read_text(encoding="utf-8")
)["case"]


def _documents(case: dict[str, Any]) -> tuple[Document, Document]:
    if "generate" in case:
        spec = case["generate"]
        old = generate(spec["words"], spec["seed"])
        new, _ = edit(old, spec["edit_rate"], spec["seed"] + 1)
        return Document("Old headline", old), Document("New headline", new)
    return (
        Document(case.get("old_title", ""), case["old"]),
        Document(case.get("new_title", ""), case["new"]),
    )


def _entry(text: str) -> tuple[str, int | None, int | None]:
    kind, old, new = text.split()
    return kind, None if old == "-" else int(old), None if new == "-" else int(new)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    old, new = _documents(case)
    result = compare(old, new, **case.get("options", {}))
    check_invariants(result, old, new)
    if "entries" in case:
        got = [(p.kind, p.old_index, p.new_index) for p in result.paragraphs]
        assert got == [_entry(e) for e in case["entries"]]
    if "show" in case:
        assert [show(p.ops) for p in result.paragraphs] == case["show"]
    if "title" in case:
        assert show(result.title.ops) == case["title"]
    if "title_changed" in case:
        assert result.title_changed is case["title_changed"]
    if "changed" in case:
        assert result.changed is case["changed"]
    for name, value in case.get("stats", {}).items():
        assert getattr(result.stats, name) == value, name
    for position, index in case.get("split_from", {}).items():
        assert result.paragraphs[int(position)].split_from == index
    for position, index in case.get("merged_into", {}).items():
        assert result.paragraphs[int(position)].merged_into == index


def test_large_heavily_edited_document_is_not_replaced_wholesale() -> None:
    """dmp's default one-second timeout turns a hard diff into "everything replaced"; with
    no timeout, a 20,000-word document with a third of its words replaced keeps the rest."""
    old_paragraphs = generate(20_000, 20)
    new_paragraphs, replaced = edit(old_paragraphs, 0.3, 21)
    old, new = Document("", old_paragraphs), Document("", new_paragraphs)
    result = compare(old, new)
    total = sum(len(p.split()) for p in old_paragraphs)
    assert result.stats.paragraphs_inserted == 0 and result.stats.paragraphs_deleted == 0
    assert result.stats.paragraphs_modified == len(old_paragraphs)
    # Each replaced word is one word removed and one added (a minimal diff may find a few
    # fewer); semantic cleanup may fold a few unchanged words between nearby edits into the
    # change, but never the bulk.
    assert 0.9 * replaced <= result.stats.words_removed <= 1.15 * replaced
    assert result.stats.words_removed < 0.5 * total


def test_large_single_paragraph_is_diffed_word_by_word() -> None:
    """One 20,000-word paragraph with 30% of its words replaced: the word diff stays close to
    the minimum (each replaced word removed once and added once), with no fallback. A small
    vocabulary makes chance matches of word runs far apart common."""
    from newsdiff.diff import word_diff

    text = " ".join(generate(20_000, 5, lexicon=150))
    edited, replaced = edit([text], 0.3, 6)
    ops = word_diff(text, edited[0])
    assert "".join(t for tag, t in ops if tag != "+") == text
    assert "".join(t for tag, t in ops if tag != "-") == edited[0]
    removed = sum(len(t.split()) for tag, t in ops if tag == "-")
    assert 0.9 * replaced <= removed <= 1.15 * replaced


def test_words_found_once_but_far_away_do_not_anchor_the_diff() -> None:
    """Three words at the middle of the old text occur once in the new one, but at its start
    (where they were copied) while their own place was rewritten: they must not pull the
    whole alignment out of place."""
    from newsdiff.diff import word_diff

    old = [f"w{k}" for k in range(150)]
    new = old[74:77] + old[:74] + ["x1", "x2", "x3"] + old[77:-1] + ["y"]
    ops = word_diff(" ".join(old), " ".join(new))
    changed = sum(len(t.split()) for tag, t in ops if tag != "=")
    assert changed <= 14
