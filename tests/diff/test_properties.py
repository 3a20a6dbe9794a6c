"""Properties of the diff engine, checked with hypothesis on generated texts and edits."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdiff.diff import Document, compare, word_diff
from newsdiff.diff.tokens import ASCII_TOKEN_RE, TOKEN_RE, count_words, is_word, tokenize

from .helpers import check_invariants, rebuild

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "the",
    "council",
    "Haringey's",
    "Haringey’s",
    "children",
    "said",
    "50",
    "1,000",
    "more",
    "than",
    "inspectors",
    "long-awaited",
    "café",
    "cafe\u0301",
    "中文",
    "报告",
    "🙏",
    "🙏🏽",
    "[bold]",
    "\x1b[31m",
    "<b>",
    "&amp;",
]
SEPARATORS = [" ", " ", " ", "  ", ", ", ". ", "\t", " - ", "'", "“", "”", ""]

words = st.sampled_from(WORDS)
paragraph = st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), max_size=14).map(
    lambda parts: "".join(w + s for w, s in parts).strip()
)
paragraphs = st.lists(paragraph, max_size=7)


@st.composite
def edited(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A list of paragraphs and an edited copy: paragraphs edited, inserted, deleted, moved."""
    old = draw(paragraphs)
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["edit", "insert", "delete", "move", "split"]))
        if action == "insert" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(paragraph))
            continue
        k = draw(st.integers(0, len(new) - 1))
        if action == "edit":
            parts = new[k].split(" ")
            at = draw(st.integers(0, len(parts)))
            parts[at:at] = [draw(words)]
            new[k] = " ".join(parts)
        elif action == "delete":
            del new[k]
        elif action == "move":
            new.insert(draw(st.integers(0, len(new) - 1)), new.pop(k))
        else:
            at = draw(st.integers(0, len(new[k])))
            new[k : k + 1] = [new[k][:at].strip(), new[k][at:].strip()]
    return old, new


@FAST
@given(st.text())
def test_tokens_rebuild_any_text(text: str) -> None:
    assert "".join(tokenize(text)) == text


@FAST
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_matches_full_tokeniser(text: str) -> None:
    assert ASCII_TOKEN_RE.findall(text) == TOKEN_RE.findall(text)


@FAST
@given(st.text())
@example("!\u200da")
@example("e\u0301t\u00e9 \u0939\u093f\u0928\u094d\u0926\u0940 \u4e2d\u6587")
def test_word_count_counts_word_tokens(text: str) -> None:
    assert count_words(text) == sum(1 for token in tokenize(text) if is_word(token))


@FAST
@given(st.text(max_size=200), st.text(max_size=200))
def test_word_diff_ops_rebuild_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert rebuild(ops, "-") == old
    assert rebuild(ops, "+") == new
    assert all(text for _, text in ops)
    # Runs of changes read "-old +new": never an insertion straight before a deletion.
    assert all(not (a[0] == "+" and b[0] == "-") for a, b in zip(ops, ops[1:], strict=False))


@FAST
@given(paragraph, paragraph)
def test_word_diff_on_prose_rebuilds_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert rebuild(ops, "-") == old
    assert rebuild(ops, "+") == new


@SLOW
@given(edited(), st.text(max_size=40), st.text(max_size=40))
def test_compare_invariants(pair: tuple[list[str], list[str]], t1: str, t2: str) -> None:
    old, new = Document(t1, pair[0]), Document(t2, pair[1])
    result = compare(old, new)
    check_invariants(result, old, new)
    assert json.loads(json.dumps(result.to_dict()))["stats"] == result.stats.to_dict()


@SLOW
@given(edited(), st.booleans(), st.booleans())
def test_compare_invariants_with_ignore_options(
    pair: tuple[list[str], list[str]], whitespace: bool, punctuation: bool
) -> None:
    old, new = Document("a", pair[0]), Document("b", pair[1])
    result = compare(old, new, ignore_whitespace=whitespace, ignore_punctuation=punctuation)
    check_invariants(result, old, new)


@SLOW
@given(paragraphs, paragraph)
def test_identical_documents_are_unchanged(texts: list[str], title: str) -> None:
    doc = Document(title, texts)
    result = compare(doc, Document(title, list(texts)))
    check_invariants(result, doc, doc)
    assert [p.kind for p in result.paragraphs] == ["unchanged"] * len(texts)
    assert [(p.old_index, p.new_index) for p in result.paragraphs] == [
        (k, k) for k in range(len(texts))
    ]
    assert not result.changed and not result.title_changed
    stats = result.stats
    assert (stats.words_added, stats.words_removed) == (0, 0)
    assert stats.paragraphs_unchanged == len(texts)


@SLOW
@given(paragraphs)
def test_whitespace_only_edits_vanish_when_ignored(texts: list[str]) -> None:
    spaced = [t.replace(" ", "  ") for t in texts]
    result = compare(Document("", texts), Document("", spaced), ignore_whitespace=True)
    assert not result.changed
    assert (result.stats.words_added, result.stats.words_removed) == (0, 0)


@SLOW
@given(st.lists(paragraph.filter(bool), min_size=2, max_size=8, unique=True), st.data())
def test_moving_one_paragraph_reports_that_paragraph_moved(
    texts: list[str], data: st.DataObject
) -> None:
    """One paragraph of an unchanged text moved elsewhere is the one reported as moved, and
    the others stay unchanged in place. Moved by one place it swaps with its neighbour, and
    either could be said to have moved: the one with fewer words is."""
    k = data.draw(st.integers(0, len(texts) - 1), label="from")
    to = data.draw(st.integers(0, len(texts) - 1).filter(lambda n: n != k), label="to")
    moved_texts = texts[:k] + texts[k + 1 :]
    moved_texts.insert(to, texts[k])
    old, new = Document("", texts), Document("", moved_texts)
    result = compare(old, new)
    check_invariants(result, old, new)
    moved = [(p.old_index, p.new_index) for p in result.paragraphs if p.kind == "moved"]
    assert len(moved) == 1
    assert all(p.kind in ("moved", "unchanged") for p in result.paragraphs)
    if abs(to - k) == 1:  # a swap: (k, to) or (to, k) moved, the one with fewer words
        neighbour = texts[to]
        if count_words(neighbour) < count_words(texts[k]):
            assert moved == [(to, k)]
        elif count_words(neighbour) > count_words(texts[k]):
            assert moved == [(k, to)]
        else:
            assert moved in ([(to, k)], [(k, to)])
    else:
        assert moved == [(k, to)]
