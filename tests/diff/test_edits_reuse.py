"""analyse() with the paragraph diff: the paragraphs compare() found unchanged are taken whole.

They are not segmented, aligned or typed (each stands in the sentence alignment as one unit that
stays in place), and ``Analysis.sentences`` lists their sentences when first read. The result is
the full alignment's (every paragraph segmented and aligned, ``_Builder(old, new)``) except in two
ways (ANALYSER_VERSION 2): where a sentence's text repeats, a sentence of an unchanged paragraph
stays with its paragraph instead of being paired with a copy elsewhere; and where two orders
weigh the same (A B -> B A), the paragraph diff's choice of what moved is the sentences' too.
"""

from __future__ import annotations

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdiff.diff import Document, compare
from newsdiff.diff.edits import Analysis, _Builder, analyse, unchanged_paragraphs
from newsdiff.diff.sentences import segment

from .edits_scoring import LABELLED_FILES, documents, load

LABELLED = load(*LABELLED_FILES)
# Pairs whose two paragraphs swap places (A B -> B A), the second way above: either could be
# the one that moved, and the two ways may choose differently.
SWAPS = {
    "decoy-paragraphs-swapped-with-quote-and-number",
    "local-school-paragraphs-reordered",
    "ca-decoy-split-and-swap",
    "us-decoy-paragraphs-swapped",
    "uk-decoy-harbourside-rovers-paragraph-moved",
}


def full(old: Document, new: Document) -> Analysis:
    """The analysis with every paragraph segmented and aligned (no paragraph taken whole)."""
    return _Builder(old, new).run()


def test_labelled_pairs_give_what_the_full_alignment_gives() -> None:
    taken_whole = 0
    for pair in LABELLED:
        old, new = documents(pair)
        diff = compare(old, new)
        taken_whole += len(unchanged_paragraphs(old, new, diff))
        want = full(old, new).to_dict()
        if pair["id"] in SWAPS:
            got = analyse(old, new, diff).to_dict()
            moved = [e["detail"].get("sentence") for e in got["edits"]]
            assert moved and set(moved) == {"moved"}, pair["id"]
            assert moved == [e["detail"].get("sentence") for e in want["edits"]], pair["id"]
            assert sorted(s["op"] for s in got["sentences"]) == sorted(
                s["op"] for s in want["sentences"]
            )
            continue
        assert analyse(old, new, diff).to_dict() == want, pair["id"]
        assert analyse(old, new).to_dict() == want  # the diff computed inside
    assert taken_whole > 20  # the shortcut was taken, not only the plain way


def test_sentences_are_listed_when_read_and_numbered_in_the_whole_document() -> None:
    old = Document(
        "",
        [
            "The council met. It voted on Monday.",
            "Twelve people were hurt. Police said so.",
            "The river rose. Roads closed.",
            "Schools shut.",
        ],
    )
    new = Document(
        "",
        [
            "The council met. It voted on Monday.",
            "Fifteen people were hurt. Police said so.",
            "The river rose. Roads closed.",
            "Schools shut.",
        ],
    )
    analysis = analyse(old, new)
    assert analysis.plan is not None  # paragraph 0, and 2-3 as one unit, taken whole
    assert analysis.plan.whole_old == {0: 1, 2: 2}
    assert [unit.text for unit in analysis.plan.new_units][-1] == (
        "The river rose. Roads closed. Schools shut."
    )
    copy = pickle.loads(pickle.dumps(analysis))  # picklable before the list is worked out
    links = analysis.sentences
    assert links is analysis.sentences  # worked out once
    assert [link.to_dict() for link in copy.sentences] == [link.to_dict() for link in links]
    assert [link.op for link in links] == ["unchanged"] * 2 + ["edited", "unchanged"] + [
        "unchanged"
    ] * 3
    assert [link.old.index for link in links if link.old] == list(range(7))
    assert [link.new for link in links] == segment(new)
    assert [link.old for link in links] == segment(old)
    assert links == full(old, new).sentences


def test_a_repeated_sentence_stays_in_its_unchanged_paragraph() -> None:
    """An interview's recurring question: the copy in the paragraph that did not change is
    that paragraph's, not a moved sentence from another one."""
    question = "What do you cook at home?"
    old = Document(
        "",
        [
            f"Anna Smith, Leeds. {question} Pasta, mostly.",
            f"Ben Jones, York. {question} Curry, always.",
        ],
    )
    new = Document(
        "",
        [
            f"Anna Smith, Leeds. {question} Pasta and salads.",
            f"Ben Jones, York. {question} Curry, always.",
        ],
    )
    ops = [(link.op, link.old and link.old.paragraph) for link in analyse(old, new).sentences]
    assert ops == [
        ("unchanged", 0),
        ("unchanged", 0),
        ("edited", 0),
        ("unchanged", 1),
        ("unchanged", 1),
        ("unchanged", 1),
    ]
    assert [e.kind for e in analyse(old, new).edits] == ["other"]


def test_a_diff_that_does_not_fit_is_checked() -> None:
    """A diff that ignored punctuation calls paragraphs unchanged whose texts differ, and a
    diff of other documents names paragraphs these do not have: neither is taken whole."""
    old = Document("", ["Twelve people were hurt.", "The council met.", "Roads closed."])
    new = Document("", ["Twelve people were hurt!", "The council met.", "Roads closed."])
    loose = compare(old, new, ignore_punctuation=True)
    assert all(entry.kind == "unchanged" for entry in loose.paragraphs)
    assert unchanged_paragraphs(old, new, loose) == [(1, 1), (2, 2)]
    assert analyse(old, new, loose).to_dict() == full(old, new).to_dict()
    five = Document("", ["A.", "B.", "C.", "D.", "E."])
    other = compare(five, five)  # five paragraphs unchanged: 3 and 4 are not in these
    assert unchanged_paragraphs(old, new, other) == [(1, 1), (2, 2)]
    assert analyse(old, new, other).to_dict() == full(old, new).to_dict()


_WORDS = ["council", "budget", "police", "minister", "river", "school", "court", "harbour"]


def _sentence(k: int, edited: bool) -> str:
    verb = "fell" if edited else "rose"
    return f"The {_WORDS[k % 8]} figures for {_WORDS[k * 3 % 8]} {verb} in week {k}."


@st.composite
def _versions(draw: st.DrawFn, moves: bool = True) -> tuple[Document, Document]:
    """Two versions whose sentences are all different texts within each version: paragraphs
    kept, edited (a sentence reworded), dropped, inserted and (with ``moves``) moved."""
    ids = draw(st.lists(st.integers(0, 60), unique=True, max_size=14))
    sizes = draw(st.lists(st.integers(1, 3), min_size=len(ids), max_size=len(ids)))
    old: list[list[int]] = []
    at = 0
    for size in sizes:
        if at >= len(ids):
            break
        old.append(ids[at : at + size])
        at += size
    new: list[str] = []
    for paragraph in old:
        what = draw(st.sampled_from(["keep", "keep", "edit", "drop"]))
        if what == "drop":
            continue
        edited = draw(st.integers(0, len(paragraph) - 1)) if what == "edit" else -1
        new.append(" ".join(_sentence(k, n == edited) for n, k in enumerate(paragraph)))
    if draw(st.booleans()):
        new.insert(draw(st.integers(0, len(new))), _sentence(61, False))
    if moves and len(new) > 2 and draw(st.booleans()):
        moved = new.pop(draw(st.integers(0, len(new) - 1)))
        new.insert(draw(st.integers(0, len(new))), moved)
    old_texts = [" ".join(_sentence(k, False) for k in p) for p in old]
    return Document("Figures", old_texts), Document("Figures", new)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_versions())
def test_any_versions_keep_the_alignments_promises(versions: tuple[Document, Document]) -> None:
    """Every sentence listed as segment() numbers it, each in one entry; the sentences of a
    paragraph compare() found unchanged are linked unchanged to their own copies; the result
    is the same with the diff given or computed inside. (With paragraphs moved, two orders
    can weigh the same, and the paragraph diff's choice may differ from the full alignment's:
    see the test below for versions without moves.)"""
    old, new = versions
    diff = compare(old, new)
    got = analyse(old, new, diff)
    assert analyse(old, new).to_dict() == got.to_dict()
    links = got.sentences
    olds = [link.old for link in links if link.old is not None and link.op != "split"]
    news = [link.new for link in links if link.new is not None and link.op != "merged"]
    assert sorted(olds, key=lambda s: s.index) == segment(old)
    assert sorted(news, key=lambda s: s.index) == segment(new)
    whole = dict(unchanged_paragraphs(old, new, diff))
    for link in links:
        if link.old is not None and link.old.paragraph in whole:
            assert link.op == "unchanged" and link.new is not None
            assert link.new.paragraph == whole[link.old.paragraph]
            assert (link.new.start, link.new.text) == (link.old.start, link.old.text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_versions(moves=False))
def test_without_moves_the_result_is_the_full_alignments(
    versions: tuple[Document, Document],
) -> None:
    """Paragraphs kept, edited, dropped and inserted, no sentence repeated: taking the
    unchanged paragraphs whole changes nothing."""
    old, new = versions
    assert analyse(old, new, compare(old, new)).to_dict() == full(old, new).to_dict()
