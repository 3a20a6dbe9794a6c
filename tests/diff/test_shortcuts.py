"""The analyser's shortcuts find exactly what the plain way finds.

analyse() was made faster without changing any result: cheap checks searched before a costly
pattern, patterns cut short where no match can reach, word lists as tries, texts looked at once
per analysis. Each shortcut is checked here against the plain way (the code it replaced, or the
same function with the shortcut switched off) on the labelled texts and variants of them in
other cases, quote marks and scripts.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from collections.abc import Iterator

import pytest

from newsdiff.diff import Document, align, cues, edits, sentence_align, tokens
from newsdiff.diff.cues import quotes
from newsdiff.diff.sentences import segment, split_sentences
from newsdiff.diff.tokens import word_list

from .edits_scoring import LABELLED_FILES, load

# The texts of the first sixteen labelled sets (about 1,000 pairs): the fast paths are checked
# against the plain ones on them; the later sets' texts would add time, not kinds of text
LABELLED = load(*LABELLED_FILES[:16])


def _variants(text: str) -> Iterator[str]:
    yield text
    yield text.upper()
    yield text.replace("'", "’").replace('"', "“")
    yield text.replace("s ", "’s ").replace("e", "é")
    yield text.replace("i", "ı").replace("s", "ſ").replace("k", "K")  # re's extra case folds
    yield text.replace(", ", " , ").replace(".", "_.")


def _texts() -> list[str]:
    found: list[str] = []
    for pair in LABELLED:
        for paragraph in [*pair["old"], *pair["new"], pair.get("old_title", "")]:
            for text in [paragraph, *split_sentences(paragraph)]:
                found.extend(_variants(text))
    rng = random.Random(14)
    words = " ".join(found[::6]).split()
    for _ in range(150):  # words of the labelled texts in a random order
        found.append(" ".join(rng.choice(words) for _ in range(rng.randint(3, 60))))
    return list(dict.fromkeys(found))


TEXTS = _texts()


def test_tries_match_the_same_words() -> None:
    lists = [cues._SAYING, cues._FINDING, cues._VERBAL_WORDS, cues._DETERMINER_WORDS]
    lists.append("a|ab|abc|b|ba|x|x")  # prefixes of each other, a word twice
    for words in lists:
        tried = re.compile(rf"\b(?:{cues._trie(words)})\b", re.IGNORECASE)
        plain = re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
        probes = [*words.split("|"), "abcd", "sai", "says", "believes that", "whi"]
        for text in [*probes, *TEXTS]:
            assert [m.span() for m in tried.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (words, text)


def test_quantities_behind_their_lookahead(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = f"{cues._CODES_LONG}|{cues._CODES_SHORT}"
    lookahead = f"(?=[\\d£$€¥]|(?-i:{codes})\\s?\\d|\\b(?:{cues._QUANTITY_START}))"
    assert cues._NUMBER_RE.pattern.startswith(lookahead)
    fast = [cues.quantities(text) for text in TEXTS]
    plain_pattern = re.compile(cues._NUMBER_RE.pattern[len(lookahead) :], re.IGNORECASE)
    monkeypatch.setattr(cues, "_NUMBER_RE", plain_pattern)
    assert fast == [cues.quantities(text) for text in TEXTS]
    assert any(fast)


def test_attributions_without_hints_or_cuts(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [cues.attributions(text) for text in TEXTS]
    # The plain way: every pattern over every whole window, the 'X said' one without
    # possessive runs, the cues found by scanning the whole text.
    plain_first = re.compile(
        rf"{cues._WHO}(?:,(?!\d)(?!\s(?:but|and|or|yet|so|while|though|although|whereas)\s)"
        rf"(?:[^,]|,\d){{1,120}},)?{cues._AUX}\s+(?:{cues._VERBS})\b"
    )
    rules = [cues._Rule(rule.pattern) for rule in cues._ATTRIBUTION_RULES]
    first = [rule.pattern.pattern for rule in cues._ATTRIBUTION_RULES].index(cues._SOURCE_FIRST)
    rules[first] = cues._Rule(plain_first)
    monkeypatch.setattr(cues, "_ATTRIBUTION_RULES", tuple(rules))
    monkeypatch.setattr(cues, "_CUE_HINT", re.compile(""))
    assert fast == [cues.attributions(text) for text in TEXTS]
    assert sum(map(len, fast)) > 100


def test_notices_behind_their_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*TEXTS, "CORRECTİON: the figure was 12.", "An earlier   version of this story erred."]
    # Outside ASCII re's case folding matches these to the hint's letters too.
    texts += [
        "The story was reviſed on Monday.",
        "Clarıfıcation: Ms Ek’s name.",
        "AN EARLİER VERSİON OF THIS",
    ]
    texts += ["UPDATE — the figure is 12.", "«Correction: 12 ont été blessés."]
    fast = [cues.notice(text) for text in texts]
    monkeypatch.setattr(cues, "_NOTICE_HINT", re.compile(""))
    assert fast == [cues.notice(text) for text in texts]
    assert sum(n is not None for n in fast) > 10
    assert all(n is not None for n in fast[-5:])


def test_notice_hint_folds_as_re_does() -> None:
    """Every character re's case folding matches to a letter of the notice hints becomes that
    letter (or its capital) in _notice_hint: the hint never misses what the pattern finds."""
    letters = set(re.sub(r"\\s\+|[^a-z]", "", cues._NOTICE_HINT.pattern))
    folding = re.compile(f"[{''.join(sorted(letters))}]", re.IGNORECASE)
    for code in range(0x80, sys.maxunicode + 1):
        ch = chr(code)
        if folding.fullmatch(ch):
            for odd, letter in cues._FOLDS_TO_ASCII:
                ch = ch.replace(odd, letter)
            assert ch.lower() in letters, hex(code)


def _quotes_before(text: str) -> list[cues.Quote]:
    """quotes() as it was: every character looked at in turn."""

    def find_close(at: int, closers: str, single: bool) -> int:
        k, n = at, min(len(text), at + cues.SINGLE_REACH) if single else len(text)
        while k < n:
            if text[k] in closers:
                after, before = text[k + 1 : k + 2], text[k - 1 : k]
                if not single or not (after.isalpha() and before.isalpha()):
                    if not single or not after.isalnum():
                        return k
            k += 1
        return -1

    out: list[cues.Quote] = []
    k, n = 0, len(text)
    while k < n:
        c = text[k]
        closers = cues._CLOSERS.get(c)
        if closers is None or (k > 0 and text[k - 1] not in cues._BEFORE_OPEN and c in "\"'‘”"):
            k += 1
            continue
        single = c not in cues._DOUBLE_OPEN
        spaced = False
        if k + 1 >= n or text[k + 1].isspace():
            if (
                c not in "“«"
                and not (c == '"' and (k == 0 or text[k - 1] == " "))
                or k > 0
                and text[k - 1] not in cues._BEFORE_OPEN
                or not text[k + 1 :].strip()
            ):
                k += 1
                continue
            spaced = True
        close = find_close(k + 1, closers, single)
        if close < 0 and spaced and not (c == '"' and re.search(r"(?:^|[.!?…]\s)$", text[:k])):
            k += 1
            continue
        if close < 0:
            if single:
                k += 1
                continue
            end = n
            if text[:k].strip():
                found = cues._SENTENCE_END.search(text, k + 1)
                end = found.end() if found else n
            inner = text[k + 1 : end].rstrip()
            lead = len(inner) - len(inner.lstrip()) if spaced else 0
            inner = inner[lead:]
            if inner and any(ch.isalnum() for ch in inner):
                out.append(cues.Quote(k + 1 + lead, k + 1 + lead + len(inner), inner, False))
            k = max(end, k + 1)
            continue
        inner = text[k + 1 : close]
        if any(ch.isalnum() for ch in inner):
            lead = len(inner) - len(inner.lstrip()) if spaced else 0
            inner = inner.strip() if spaced else inner
            out.append(cues.Quote(k + 1 + lead, k + 1 + lead + len(inner), inner, True))
        k = close + 1
    return out


def test_quotes_jump_from_mark_to_mark() -> None:
    rng = random.Random(7)
    marks = "\"“”„«»‘’'‹›「」 "
    odd = ["".join(rng.choice(marks + "ab. ") for _ in range(40)) for _ in range(300)]
    for text in [*TEXTS, *odd, "rock 'n' roll", "children's 'toys'", '"open']:
        assert quotes(text) == _quotes_before(text), text
        for q in quotes(text):  # the key: its words, apostrophes made straight
            straight = cues._straight_quotes(q.text)
            assert q.key == " ".join(w.casefold() for w in word_list(straight))


def test_words_folded_once() -> None:
    marks = str.maketrans("“”„‟«»‘’‚‛‹›`´", "\"\"\"\"\"\"''''''''")
    for text in TEXTS:
        assert cues.plain_words(text) == [
            re.sub(r"[\W_]+", "", w.casefold()) for w in word_list(text.translate(marks))
        ]
        before: dict[str, int] = {}
        for word in word_list(text):
            w = word.casefold()
            if w.endswith(("'s", "’s")) and len(w) > 3:
                w = w[:-2]
            if w not in before:
                before[w] = 1 if w in sentence_align.STOPWORDS else min(len(w), 12)
        assert list(sentence_align._units(text).items()) == list(before.items())


def test_word_counts_and_misspellings() -> None:
    rng = random.Random(3)
    vocabulary = "colour color recieve receive the the of a 12 week end weekend".split()
    for _ in range(500):
        a = Counter(rng.choices(vocabulary, k=rng.randint(0, 8)))
        b = Counter(rng.choices(vocabulary, k=rng.randint(0, 8)))
        assert list(edits._minus(a, b).items()) == list((a - b).items())
        assert edits._any_spelling_fix(a - b, b - a) == any(
            cues.spelling_fix(r, n) for r in a - b for n in b - a
        )


def _pair_texts_before(
    olds: list[str], news: list[str], floor: float, together: set[tuple[int, int]]
) -> list[tuple[int, int]]:
    """_pair_texts as it was: every pair scored."""
    if not olds or not news or len(olds) * len(news) > edits.PAIR_LIMIT:
        return []
    old_sets = [{w.casefold() for w in word_list(t)} for t in olds]
    new_sets = [{w.casefold() for w in word_list(t)} for t in news]
    scored = []
    for a, x in enumerate(old_sets):
        for b, y in enumerate(new_sets):
            if x and y:
                shared = len(x & y)
                dice = 2 * shared / (len(x) + len(y))
                contain = shared / min(len(x), len(y))
                score = max(dice, contain - 0.2 if min(len(x), len(y)) >= 3 else 0.0)
                score += 1.0 if (a, b) in together else 0.0
                if score >= floor:
                    scored.append((-score, a, b))
    scored.sort()
    used_a, used_b, pairs = set(), set(), []
    for _, a, b in scored:
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            pairs.append((a, b))
    return pairs


def test_pairing_scores_what_linked_pairs_leave() -> None:
    rng = random.Random(5)
    words = "the council said it was the worst day ever seen here . ,".split()
    for _ in range(400):

        def text() -> str:
            return " ".join(rng.choices(words, k=rng.randint(0, 6)))

        olds = [text() for _ in range(rng.randint(0, 6))]
        news = [text() for _ in range(rng.randint(0, 6))]
        together = {
            (rng.randrange(len(olds)), rng.randrange(len(news)))
            for _ in range(rng.randint(0, 4))
            if olds and news
        }
        for floor in (edits.QUOTE_PAIR_MIN, edits.NOTICE_PAIR_MIN):
            assert edits._pair_texts(olds, news, floor, together) == _pair_texts_before(
                olds, news, floor, together
            )


def test_paragraphs_in_both_versions_segmented_once() -> None:
    for pair in LABELLED:
        old, new = Document("", pair["old"]), Document("", pair["new"])
        cache: dict[str, list[tuple[int, int]]] = {}
        assert segment(old, cache=cache) == segment(old)
        assert segment(new, cache=cache) == segment(new)
        assert set(cache) == {*pair["old"], *pair["new"]}


def test_quote_marks_straightened_without_the_table() -> None:
    """ASCII text has one typeset mark, the backtick: replaced instead of translated."""
    marks = str.maketrans("“”„‟«»‘’‚‛‹›`´", "\"\"\"\"\"\"''''''''")
    texts = [*TEXTS, *(t.replace("'", "`") for t in TEXTS[::3]), "`a` ´b´ “c” ‘d’ «e» ‹f›"]
    assert any(t.isascii() and "`" in t for t in texts)
    for text in texts:
        assert cues._straight_quotes(text) == text.translate(marks)
        assert cues.plain_words(text) == [
            re.sub(r"[\W_]+", "", w.casefold()) for w in word_list(text.translate(marks))
        ]
    assert cues.trivial_change("He said `no' today.", "He said 'no' today.") == ["quotes"]


def test_word_weights_kept_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The weights of words seen are kept (at most _WEIGHTS_MAX of them): the same units."""
    monkeypatch.setattr(sentence_align, "_WEIGHTS_MAX", 5)
    monkeypatch.setattr(sentence_align, "_WEIGHTS", sentence_align._Weights())
    for text in TEXTS:
        expected: dict[str, int] = {}
        for word in word_list(text):
            w = word.casefold()
            if w.endswith(("'s", "’s")) and len(w) > 3:
                w = w[:-2]
            if w not in expected:
                expected[w] = 1 if w in sentence_align.STOPWORDS else min(len(w), 12)
        assert list(sentence_align._units(text).items()) == list(expected.items())
        assert len(sentence_align._WEIGHTS) <= 5


def test_ascii_words_found_under_re_ascii() -> None:
    """ASCII_WORD_RE (compiled with re.ASCII, given only ASCII text) finds what its pattern
    finds with Unicode classes."""
    plain = re.compile(tokens.ASCII_WORD_RE.pattern)
    rng = random.Random(8)
    alphabet = [chr(c) for c in range(128)]
    texts = ["".join(alphabet), *(t for t in TEXTS if t.isascii())]
    texts += ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(2000)]
    texts += ["".join(rng.choice("ab9_-'., \x1c\t") for _ in range(30)) for _ in range(2000)]
    for text in texts:
        assert tokens.ASCII_WORD_RE.findall(text) == plain.findall(text)


def test_folded_words_shared_by_alignment_and_rules() -> None:
    """One analysis finds a sentence's folded words once: the alignment's units and the rules'
    plain words read them from one cache, in either order, as each finds them alone."""
    for text in TEXTS:
        cache: dict[str, list[str]] = {}
        assert cues.plain_words(text, cache) == cues.plain_words(text)
        assert sentence_align._units(text, cache) == sentence_align._units(text)
        cache = {}
        assert sentence_align._units(text, cache) == sentence_align._units(text)
        assert cues.plain_words(text, cache) == cues.plain_words(text)
        assert tokens.folded_words(text, cache) == tokens.folded_words(text)


def test_a_chain_already_in_order_is_the_heaviest(monkeypatch: pytest.MonkeyPatch) -> None:
    """_heaviest_chain returns edges already in order (i and j increasing, weights positive)
    as they are, without the Fenwick tree: the same chain the tree finds."""
    rng = random.Random(5)
    cases: list[list[tuple[int, int, float]]] = []
    for _ in range(3000):
        n = rng.randint(1, 12)
        olds = sorted(rng.sample(range(30), n))
        news = sorted(rng.sample(range(30), n))
        edges = [
            (i, j, rng.choice([1.0, 0.5, 2.25, rng.random() + 0.01]))
            for i, j in zip(olds, news, strict=True)
        ]
        if rng.random() < 0.5:  # out of order somewhere, a repeated side, or a weight of 0
            k = rng.randrange(n)
            i, j, w = edges[k]
            edges[k] = rng.choice(
                [(i, rng.randrange(30), w), (rng.randrange(30), j, w), (i, j, 0.0)]
            )
        if rng.random() < 0.3:
            edges.append((rng.randrange(30), rng.randrange(30), rng.random()))
        rng.shuffle(edges)
        cases.append(edges)
    fast = [align._heaviest_chain(edges) for edges in cases]
    assert sum(align._one_chain(sorted(edges)) for edges in cases) > 1000
    monkeypatch.setattr(align, "_one_chain", lambda edges: False)
    assert fast == [align._heaviest_chain(edges) for edges in cases]
