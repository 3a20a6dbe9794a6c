"""The compiled raw diff and the pure-Python one give diffs of the same quality."""

from __future__ import annotations

import pytest

from newsdiff.diff import Document, compare, myers

from .helpers import check_invariants, edit, generate

pytest.importorskip("fast_diff_match_patch")


@pytest.mark.parametrize(
    ("size", "rate", "seed", "slack"),
    [(800, 0.05, 1, 1.02), (5000, 0.15, 4, 1.02), (3000, 0.3, 2, 1.1), (800, 0.6, 3, 1.5)],
)
def test_engines_agree_on_edited_articles(size: int, rate: float, seed: int, slack: float) -> None:
    """Each replaced word is at best one removed and one added; semantic cleanup folds the odd
    unchanged word between close edits into a phrase, more as edits get denser."""
    old_paragraphs = generate(size, seed)
    new_paragraphs, replaced = edit(old_paragraphs, rate, seed + 100)
    old, new = Document("Headline", old_paragraphs), Document("Headline, revised", new_paragraphs)
    before = myers.engine()
    changed = {}
    try:
        for name in ("native", "pure"):
            myers.set_engine(name)
            result = compare(old, new)
            check_invariants(result, old, new)
            changed[name] = result.stats.words_added + result.stats.words_removed
    finally:
        myers.set_engine(before)
    for count in changed.values():
        assert 1.9 * replaced <= count <= slack * 2 * replaced
    assert abs(changed["native"] - changed["pure"]) <= 0.02 * changed["pure"]


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="native or pure"):
        myers.set_engine("fortran")
