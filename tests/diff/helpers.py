"""Helpers shared by the diff tests: the invariants of DESIGN.md, and a text generator."""

from __future__ import annotations

import random
from collections.abc import Sequence

from newsdiff.diff import Document, DocumentDiff, Op

KINDS = {"unchanged", "modified", "inserted", "deleted", "moved"}


def show(ops: Sequence[Op]) -> str:
    """Ops written inline: equal text as is, [-deleted-], {+inserted+}."""
    parts = []
    for tag, text in ops:
        parts.append(text if tag == "=" else f"[-{text}-]" if tag == "-" else f"{{+{text}+}}")
    return "".join(parts)


def rebuild(ops: Sequence[Op], side: str) -> str:
    return "".join(text for tag, text in ops if tag in ("=", side))


def check_invariants(diff: DocumentDiff, old: Document, new: Document) -> None:
    """Every invariant of the diff JSON (DESIGN.md), asserted."""
    assert rebuild(diff.title.ops, "-") == old.title
    assert rebuild(diff.title.ops, "+") == new.title
    seen_old: list[int] = []
    seen_new: list[int] = []
    for entry in diff.paragraphs:
        assert entry.kind in KINDS
        assert all(tag in ("=", "-", "+") and text for tag, text in entry.ops)
        if entry.old_index is not None:
            assert rebuild(entry.ops, "-") == old.paragraphs[entry.old_index]
            seen_old.append(entry.old_index)
        else:
            assert entry.kind == "inserted"
            assert all(tag == "+" for tag, _ in entry.ops)
        if entry.new_index is not None:
            assert rebuild(entry.ops, "+") == new.paragraphs[entry.new_index]
            seen_new.append(entry.new_index)
        else:
            assert entry.kind == "deleted"
            assert all(tag == "-" for tag, _ in entry.ops)
        if entry.kind == "unchanged":
            assert entry.similarity == 1.0
        assert 0.0 <= entry.similarity <= 1.0
    assert sorted(seen_old) == list(range(len(old.paragraphs)))
    assert sorted(seen_new) == list(range(len(new.paragraphs)))
    # New order, with deleted paragraphs where they stood: the entries that are not moved,
    # read in order, walk both versions forwards.
    assert seen_new == sorted(seen_new)
    in_place = [
        e.old_index for e in diff.paragraphs if e.kind != "moved" and e.old_index is not None
    ]
    assert in_place == sorted(in_place)
    stats = diff.stats
    counted = (
        stats.paragraphs_unchanged
        + stats.paragraphs_modified
        + stats.paragraphs_inserted
        + stats.paragraphs_deleted
        + stats.paragraphs_moved
    )
    assert counted == len(diff.paragraphs)
    assert stats.words_added >= 0 and stats.words_removed >= 0


VOCABULARY = (
    "council inspectors report children services review social workers police hospital "
    "doctors family court evidence minister statement department borough director officials "
    "inquiry agencies Haringey Ofsted protection plan visits nurse warnings judge trial "
    "sentence leaders reforms staff caseloads training budget year month Monday Friday "
    "confirmed published found improved progress concerns standards inspection records files "
    "the the the of of to to and and a in was that for on with by said has had"
).split()


SYLLABLES = "ba ri ton mel sta ver lo quin dar fe nu gor pal tis em".split()


def _lexicon(rng: random.Random, size: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def generate(words: int, seed: int, lexicon: int = 3000) -> list[str]:
    """Paragraphs of made-up news prose, about ``words`` words in all: common words, and
    names and terms from a few thousand made-up ones (so paragraphs differ as real ones do)."""
    rng = random.Random(seed)
    names = _lexicon(rng, lexicon)
    paragraphs = []
    total = 0
    while total < words:
        n = rng.randint(25, 70)
        text = " ".join(
            rng.choice(VOCABULARY) if rng.random() < 0.6 else rng.choice(names) for _ in range(n)
        )
        paragraphs.append(text[0].upper() + text[1:] + ".")
        total += n
    return paragraphs


def edit(paragraphs: list[str], rate: float, seed: int) -> tuple[list[str], int]:
    """``paragraphs`` with about ``rate`` of the words replaced by other common words (so that
    runs of words recur by chance); returns the number of words replaced."""
    rng = random.Random(seed)
    out = []
    replaced = 0
    for p in paragraphs:
        words = p.split(" ")
        for k in range(len(words)):
            if rng.random() < rate:
                word = words[k]
                while word == words[k]:
                    word = rng.choice(VOCABULARY)
                words[k] = word
                replaced += 1
        out.append(" ".join(words))
    return out, replaced
