"""compare()'s shortcuts find what the plain way finds.

compare() was made faster (issue 15 item 8) with shortcuts that must not change its results:
paragraph units stripped of punctuation by one regex pass, and a changed stretch of plain words
(now in any script written with spaces, between typeset quotes and dashes too) replaced as a
whole instead of diffed token by token. Each is checked here against the plain way.
"""

from __future__ import annotations

from diff_match_patch import diff_match_patch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsdiff.diff import align, myers, tokens, words
from newsdiff.diff.myers import TokenDMP
from newsdiff.diff.tokens import Codec, count_words

MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words and marks as they come in typeset text: accents, other scripts, quotes, dashes.
WORDS = [
    "council",
    "Müller",
    "café",
    "cafe\u0301",  # a combining accent: not a plain word
    "São",
    "Paulo",
    "Haringey’s",
    "Ofsted's",
    "2008",
    "1,000",
    "½",
    "Ελλάδα",
    "Москва",
    "中文",  # a script written without spaces: one token per character
    "報告",
    "ไทย",
    "naïve",
    "x\u200dy",
]
MARKS = [
    "",
    "",
    "",
    "“",
    "”",
    "‘",
    "’",
    "—",
    "–",
    "…",
    "«",
    "»",
    "•",
    "¿",
    ",",
    ".",
    "'",
    '"',
    "(",
    ")",
    "_",
]

word = st.builds(
    lambda a, w, b: a + w + b,
    st.sampled_from(MARKS),
    st.sampled_from(WORDS),
    st.sampled_from(MARKS),
)
phrase = st.lists(word, min_size=0, max_size=5).map(" ".join)


def _units_the_plain_way(text: str) -> frozenset[str]:
    table = str.maketrans("", "", align._PUNCTUATION)
    return frozenset(text.translate(table).split(" ")).difference(("", " "))


@MANY
@given(st.lists(st.one_of(word, st.sampled_from([" ", "  ", "\t"])), max_size=12).map("".join))
def test_units_stripped_by_regex_are_those_of_translate(text: str) -> None:
    paragraph = align._Para(text)
    paragraph.prepare()
    if not align.NOSPACE_RE.search(text):
        assert paragraph.units == _units_the_plain_way(text)
    assert paragraph.weight == sum(map(len, paragraph.units))


def _stretch(method: str, old: str, new: str) -> words.TokenDiff:
    changes: list[words.Change] = []
    engine = TokenDMP(Codec())
    if method == "changed":
        removed, added = words._stretch(engine, old, new, 0, changes)
    else:
        removed, added = words._token_changes(engine, old, new, 0, changes)
    return words._ops(old, changes, removed, added)


@st.composite
def edited_stretch(draw: st.DrawFn) -> tuple[str, str]:
    """A changed stretch and its new version, as diff_chunked cuts them: the changed chunks
    (words between marks; in the new one, some words replaced and the marks mostly kept)
    with the space before and after them, or one space when there are none."""
    marks = st.sampled_from(["", draw(st.sampled_from(MARKS[3:]))])  # one kind of mark
    marked = st.tuples(marks, st.sampled_from(WORDS), marks)
    old = draw(st.lists(marked, max_size=4))
    new = [
        (draw(st.sampled_from([a, a, a, b])), draw(st.sampled_from(WORDS)), b) for a, _, b in old
    ]
    new = new[: draw(st.integers(0, len(new)))] + draw(st.lists(marked, max_size=2))
    before, after = draw(st.sampled_from(["", " "])), draw(st.sampled_from(["", " "]))

    def stretch(chunks: list[tuple[str, str, str]]) -> str:
        text = " ".join(a + w + b for a, w, b in chunks)
        return before + text + after if text else before or after

    return stretch(old), stretch(new)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_stretch())
@example((" “council’s” ", " “Müller’s” "))
@example((" _council ", " _Müller "))  # a word character at the edge
@example((" \u0301council ", " \u0301Müller "))  # a mark at the edge: part of the token
@example((" 中文 ", " 報告 "))
def test_a_stretch_replaced_whole_is_what_the_token_diff_gives(pair: tuple[str, str]) -> None:
    """A changed stretch between two equal chunks (single spaces, as in stored text): the
    shortcut gives the token diff's ops and counts exactly."""
    old, new = pair
    if old == new:
        return
    quick, plain = _stretch("changed", old, new), _stretch("tokens", old, new)
    assert quick.ops == plain.ops
    assert (quick.words_added, quick.words_removed) == (plain.words_added, plain.words_removed)


@MANY
@given(
    st.lists(st.sampled_from([*WORDS, "", "  "]), max_size=5).map(" ".join),
    st.lists(st.sampled_from([*WORDS, "", "  "]), max_size=5).map(" ".join),
)
def test_a_stretch_with_runs_of_spaces_never_counts_more_changed_words(old: str, new: str) -> None:
    """With runs of spaces (never in stored text) the whole replacement may differ from the
    token diff, which pairs whitespace runs as tokens, but never counts more changed words:
    the words it replaces are found on one side only."""
    old, new = f" {old} ", f" {new} "
    if old == new:
        return
    quick, plain = _stretch("changed", old, new), _stretch("tokens", old, new)
    assert "".join(t for tag, t in quick.ops if tag != "+") == old
    assert "".join(t for tag, t in quick.ops if tag != "-") == new
    changed = quick.words_added + quick.words_removed
    assert changed <= plain.words_added + plain.words_removed
    assert quick.words_removed == sum(count_words(t) for tag, t in quick.ops if tag == "-")
    assert quick.words_added == sum(count_words(t) for tag, t in quick.ops if tag == "+")


def _gap_the_plain_way(
    olds: list[int], news: list[int], old: list[align._Para], new: list[align._Para]
) -> list[tuple[int, int, float]]:
    """_align_gap without its shortcuts: the heaviest chain of candidates, then the looser
    pairs in the stretches between its pairs."""
    chain = align._heaviest_chain(align._candidates(olds, news, old, new, moves=False))
    pairs: list[tuple[int, int, float]] = []
    prev_i, prev_j = olds[0], news[0]
    for i, j, w in [*chain, (olds[-1] + 1, news[-1] + 1, 0.0)]:
        stretch_old = [a for a in olds if prev_i <= a < i]
        stretch_new = [b for b in news if prev_j <= b < j]
        if stretch_old and stretch_new:
            loose = align._candidates(stretch_old, stretch_new, old, new, moves=None)
            pairs.extend(align._heaviest_chain(loose))
        if i <= olds[-1]:
            pairs.append((i, j, w))
        prev_i, prev_j = i + 1, j + 1
    return pairs


SENTENCE = st.lists(
    st.sampled_from(WORDS[:8] + ["the", "of", "said", "a"]), min_size=1, max_size=12
)


@st.composite
def square_gap(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Paragraphs and a version of each with a few words changed, sometimes a lot, sometimes
    two of them swapped: as many on each side."""
    k = draw(st.integers(1, 6))
    olds = [" ".join(draw(SENTENCE)) for _ in range(k)]
    news = []
    for text in olds:
        words_ = text.split(" ")
        for _ in range(draw(st.integers(0, 4))):
            words_[draw(st.integers(0, len(words_) - 1))] = draw(st.sampled_from(WORDS))
        news.append(" ".join(words_))
    if k > 1 and draw(st.booleans()):
        a = draw(st.integers(0, k - 2))
        news[a], news[a + 1] = news[a + 1], news[a]
    return olds, news


@MANY
@given(square_gap())
@example(  # each new one much like the old one before it: the chain along them weighs more
    (
        ["g, b d, c f f, d", "g, b d, c f g d,", "g. b g, c f f d,", "g, g, d, c f h d,"],
        ["g. b d, c f f. d", "g, b d, c f f, d", "g. b, g. c f f d,", "g. b g, c f f d,"],
    )
)
def test_a_gap_paired_along_its_diagonal_is_what_the_chains_give(
    pair: tuple[list[str], list[str]],
) -> None:
    """As many paragraphs on each side, each quickly accepted with its counterpart: the
    diagonal is taken without scoring the other pairs only when no chain can weigh more."""
    olds, news = pair
    old = [align._Para(t) for t in olds]
    new = [align._Para(t) for t in news]
    align._chunk_sets(old + new)
    k = range(len(olds))
    assert align._align_gap(k, k, old, new) == _gap_the_plain_way(list(k), list(k), old, new)


@MANY
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(list("ab1 ,.'-’_²é中ไั🙏\t") + ["\u0301", "\u200d", "🏽"])),
        st.text(),
    )
)
@example("!\u200da")  # a joiner takes the letter into the token of "!"
@example("!\u0301a")
@example("Ж 1,0 ٣ ’s")
def test_words_and_tokens_found_the_plain_way_are_the_full_ones(text: str) -> None:
    """Without marks, joiners or skin tones the words are what WORD_RE finds on its own;
    without characters of scripts written without spaces either, the plain patterns find the
    same tokens and words as the full ones."""
    plain = [token for token in tokens.TOKEN_RE.findall(text) if tokens.WORD_RE.match(token)]
    assert tokens.word_list(text) == plain
    assert tokens.count_words(text) == len(plain)
    assert tokens.tokenize(text) == tokens.TOKEN_RE.findall(text)


@st.composite
def chunk_diff(draw: st.DrawFn) -> list[tuple[int, str]]:
    """A raw diff of chunk codes as dmp gives it: equalities and runs of changes in turn."""
    diffs: list[tuple[int, str]] = []
    code = iter(chr(0x100 + n) for n in range(10_000))
    equal = draw(st.booleans())
    for _ in range(draw(st.integers(1, 9))):
        if equal:
            diffs.append((0, "".join(next(code) for _ in range(draw(st.integers(1, 5))))))
        else:
            for op in draw(st.sampled_from([[-1], [1], [-1, 1]])):
                diffs.append((op, "".join(next(code) for _ in range(draw(st.integers(1, 5))))))
        equal = not equal
    return diffs


@MANY
@given(chunk_diff())
def test_a_diff_of_chunks_with_nothing_to_fold_is_left_as_the_cleanup_leaves_it(
    diffs: list[tuple[int, str]],
) -> None:
    engine = TokenDMP(Codec())
    engine.spaced = True
    quick = list(diffs)
    engine.diff_cleanupSemantic(quick)
    plain = list(diffs)
    folds = myers._folds
    myers._folds = lambda diffs: True  # the whole cleanup, always
    try:
        engine.diff_cleanupSemantic(plain)
    finally:
        myers._folds = folds
    assert quick == plain


@MANY
@given(
    st.text(alphabet=st.sampled_from([chr(0x100 + n) for n in range(6)]), max_size=40),
    st.text(alphabet=st.sampled_from([chr(0x100 + n) for n in range(6)]), max_size=40),
)
def test_the_compiled_raw_diff_is_dmps(a: str, b: str) -> None:
    """The paragraph anchors come from the compiled diff when it imports: the same ops as dmp
    in Python (ties included: few distinct characters make many equally short diffs)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    assert myers.raw_diff(a, b) == dmp.diff_main(a, b, False)


# Few distinct chunks, so that the changed ones are often found elsewhere too, and an empty one
# (two spaces in a row).
CHUNKS = ["the", "council", "said", "the", "of", "report,", "Haringey.", "", "x", "y"]


@st.composite
def edited_chunks(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Two chunk lists: one drawn from few chunks, the other it with words replaced, inserted
    and deleted here and there."""
    old = draw(st.lists(st.sampled_from(CHUNKS), min_size=1, max_size=24))
    new = list(old)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(new)))
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        chunks = draw(st.lists(st.sampled_from([*CHUNKS, "new", "words", "2008"]), min_size=1))
        if kind == "insert" or not new:
            new[at:at] = chunks[:3]
        elif kind == "replace":
            new[min(at, len(new) - 1)] = chunks[0]
        else:
            del new[min(at, len(new) - 1)]
    return old, new


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_chunks())
@example((["x", "y"], ["x", "x", "y"]))  # an insertion dmp's merge slides to the front
@example((["y", "x"], ["y", "x", "x"]))
@example((["the", "x", "y", "the"], ["the", "y", "y", "the"]))
@example((["x", "said", "y"], ["the", "said", "of"]))  # an equality the cleanup folds
@example((["a", "b", "c", "d", "e"], ["x", "b", "y", "d", "z"]))
@example((["x", "of", "y", "of", "z"], ["x", "2008", "y", "of", "z"]))  # "of" on both sides
def test_changes_planned_without_a_raw_diff_are_what_it_gives(
    pair: tuple[list[str], list[str]],
) -> None:
    """Pairs whose chunk-level changes are told without diffing codes (one change, or changes
    of chunks found on one side only) get the word diff of the full way."""
    old_chunks, new_chunks = pair
    old, new = " ".join(old_chunks), " ".join(new_chunks)
    if old == new:
        return
    planned = words.plan_changes(old_chunks, new_chunks)
    if planned is None:
        return
    engine = TokenDMP(Codec())
    codec = engine.codec
    full = words.diff_chunked(
        engine, old, new, old_chunks, new_chunks, codec.encode(old_chunks), codec.encode(new_chunks)
    )
    assert words.diff_planned(engine, old, new, old_chunks, new_chunks, planned) == full
    assert words.diff_chunked(engine, old, new) == full  # codes not given: planned too
