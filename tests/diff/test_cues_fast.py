"""The cue finders' pre-checks (newsdiff/diff/cues.py) change nothing they find.

Each fast path (a word looked for before a pattern, a lookahead that spares a pattern's
alternatives) is compared with the plain way: the pattern without it, or the check it
replaced, on the labelled texts and their variants (tests/diff/test_shortcuts.py)."""

from __future__ import annotations

import random
import re

import pytest

from newsdiff.diff import cues

from .test_shortcuts import TEXTS

# Every word a hedge can start with, in the cases and forms the pattern takes.
HEDGE_PROBES = [
    f"{lead}{text}"
    for lead in ("", "So ", "and-")
    for text in (
        "It is understood the deal is close to signing.",
        "it is possible. IT IS LIKELY. It Is thought",
        "The firm was not widely expected to win; they are set to go, were due to",
        "He stands accused of theft and stood accused of fraud; she is accused of it.",
        "Talks may fail, might, could. May 4 and Will Smith. The will of the people.",
        "He won't, she won’t, they will. Plans to, planned to, plan to.",
        "reportedly allegedly apparently possibly probably presumably seemingly",
        "purportedly supposedly unconfirmed alleged suspected likely unlikely perhaps maybe",
        "It appears to, appeared to, seems to, seemed to; is to be named, are to vote.",
        "The striker set to sign; set to music. Poised to, tipped to, likely to.",
        "They are now on course to win and on track to; were on the verge of it.",
        "Artemis expected; this is expected; visit is understood",
    )
]


def test_hedges_behind_their_lookahead(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*TEXTS, *HEDGE_PROBES]
    texts += [t.upper() for t in HEDGE_PROBES] + [t.title() for t in HEDGE_PROBES]
    fast = [cues.hedges(text) for text in texts]
    monkeypatch.setattr(cues, "_HEDGE_RE", re.compile(cues._HEDGE_PATTERN))
    assert fast == [cues.hedges(text) for text in texts]
    assert sum(map(len, fast)) > 500


def test_quantity_words_looked_for_as_in_does() -> None:
    """The tries searched before the number patterns find a word wherever ``in`` does."""
    checks = [
        (cues._WORDY_IN, cues._WORDY, True),
        (cues._LONE_MONTH_IN, cues._LONE_MONTHS, False),
        (cues._NUMBER_WORD_IN, list(cues.NUMBER_WORDS), True),
        (cues._WEEKDAY_IN, cues._WEEKDAY_NAMES, False),
    ]
    for pattern, words, lowered in checks:
        probes = [*words, *(w[:-1] for w in words), *(f"x{w}x" for w in words)]
        for text in [*probes, *TEXTS]:
            text = text.lower() if lowered else text
            found = pattern.search(text) is not None
            assert found == any(w in text for w in words), (words[0], text)


class _In:
    """The check the tries replaced: ``any(word in text for word in words)``."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    def search(self, text: str) -> bool | None:
        return True if any(w in text for w in self.words) else None


def test_quantities_as_with_in_and_all_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quantities as with the checks the tries replaced, and then with every word of
    :data:`cues._WORDS_RE` tried at every word (not behind its first letters)."""
    texts = [*TEXTS, "Twice on Monday, a dozen.", "the fifth of May", "ZERO to ninety-nine"]
    texts += ["the ſecond and FIFTH, Twice in May, by March", "tWICE; ſeventh of June"]
    fast = [cues.quantities(text) for text in texts]
    monkeypatch.setattr(cues, "_WORDY_IN", _In(list(cues._WORDY)))
    monkeypatch.setattr(cues, "_LONE_MONTH_IN", _In(cues._LONE_MONTHS))
    monkeypatch.setattr(cues, "_NUMBER_WORD_IN", _In(list(cues.NUMBER_WORDS)))
    monkeypatch.setattr(cues, "_WEEKDAY_IN", _In(list(cues._WEEKDAY_NAMES)))
    monkeypatch.setattr(cues, "_WORDS_RE", re.compile(rf"\b{cues._WORDS_PATTERN}"))
    assert fast == [cues.quantities(text) for text in texts]
    assert sum(map(len, fast)) > 300
    assert any(q.unit.startswith(("ordinal", "month", "times")) for found in fast for q in found)


def _word_pairs() -> list[tuple[str, str]]:
    """Words of the labelled texts with others of the same first letter, and with each of
    them edited once or twice (letters swapped, changed, added or dropped)."""
    words = sorted({w for text in TEXTS[::4] for w in cues.plain_words(text) if len(w) >= 4})
    rng = random.Random(8)
    pairs = []
    for w in words[::5]:
        pairs.append((w, rng.choice(words)))
        k = rng.randrange(1, len(w) - 1)
        pairs.append((w, w[:k] + w[k + 1] + w[k] + w[k + 2 :]))  # letters swapped
        pairs.append((w, w[:k] + "x" + w[k + 1 :]))
        pairs.append((w, w[:k] + "ee" + w[k:]))
        pairs.append((w, w[:k] + w[k + 1 :]))
        pairs.append((w, w[::-1][:-1] + w[0]))
        pairs.append((w, w[0] + "".join(sorted(w[1:]))))  # the same letters
    return pairs


def test_spelling_fixes_without_the_letter_count(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = _word_pairs()
    fast = [cues.spelling_fix(a, b) for a, b in pairs]
    monkeypatch.setattr(cues, "_letters_over", lambda a, b, limit: False)
    assert fast == [cues.spelling_fix(a, b) for a, b in pairs]
    assert 200 < sum(fast) < len(pairs) / 2


# A role, then a name between commas, then the verb after words of _AUX: the first rule's hint
# must reach over them.
ROLE_NAME_PROBES = [
    f"{role}, {name},{aux} {verb} the plan was late."
    for role in ("Her spokesman", "The younger brother of the heir to the throne", "Officials")
    for name in ("Tom Avery", "Charles", "Dr Ian de Sorley")
    for aux in ("", " has", " has reportedly", " was not expected to", " had earlier")
    for verb in ("said", "told friends", "announced that", "testified")
]
# ...and for the rules whose hints reach to the verb: a name with two or three clauses, a
# relative clause, two sources joined by "and".
OTHER_RULE_PROBES = [
    text.format(aux=aux, verb=verb)
    for text in (
        "Ann Lee, 59, a baker, who has run the shop for 20 years,{aux} {verb} it was late.",
        "Tom Dyer, 41, a driver, of Hale, who was there all day,{aux} {verb} it was late.",
        "A manager who asked not to be named by the paper{aux} {verb} the Echo it was late.",
        "Two teachers who saw it{aux} {verb} that it was late; a man who knew him{aux} {verb}.",
        "Earlier, police and Network Rail{aux} {verb} the line was shut.",
        "Ofsted and the council{aux} {verb} it; Ms Lee and officials{aux} {verb} so.",
    )
    for aux in ("", " have", " have also", " were not expected to")
    for verb in ("said", "told", "found that")
]


def test_attributions_without_their_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*ROLE_NAME_PROBES, *OTHER_RULE_PROBES]
    fast = [cues.attributions(text) for text in texts]
    rules = tuple(cues._Rule(r.pattern, None, r.verb_last) for r in cues._ATTRIBUTION_RULES)
    monkeypatch.setattr(cues, "_ATTRIBUTION_RULES", rules)
    assert fast == [cues.attributions(text) for text in texts]
    assert sum(map(len, fast)) > 200


def _long_texts() -> list[str]:
    """Paragraphs of several labelled texts joined: cues far apart, so that some of a text's
    stretches around them stay apart and the first reaches the end only in some."""
    rng = random.Random(15)
    return [" ".join(rng.choices(TEXTS, k=rng.randint(2, 12))) for _ in range(400)]


def _windows_of_every_cue(text: str, start: int) -> list[tuple[int, int]]:
    """cues._windows as it was: every cue looked for, each joining the stretch before it."""
    windows: list[tuple[int, int]] = []
    for cue in re.compile(_PLAIN_CUE).finditer(text, start):
        at = cue.start()
        lo, hi = max(0, at - cues.REACH_BEFORE), min(len(text), at + cues.REACH_AFTER)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


# The patterns as they were before their first letters were looked for first.
_PLAIN_CUE = (
    rf"\b(?:{cues._VERBS})\b|\b[Aa]ccording\s+to\b|\b{cues._CLOSING_FIND}|\b{cues._CLOSING_VENUE}"
    rf"|\bcalled\b|{cues._SHOW_CUE}|{cues._PER}|{cues._AS_REPORTED}|\bdescribed\b"
    r"|\baccused\s+by\b"
)
_PLAIN_SPACE_VERB = (
    rf"\s(?:(?:{cues._trie(cues._SAYING_BUT_ADDED)})\b|{cues._ADDED}\b"
    rf"|(?:{cues._trie(cues._FINDING)}){cues._DAY_THAT}"
    rf"|{cues._TESTIFIED}\b"
    # (a post's platform and a quotation's "asked", as in cues._SPACE_VERB; "has written")
    rf"|posted{cues._PLATFORM}|{cues._QUOTED_ASKED}\b|(?:{cues._HAS_WRITTEN})\b"
    rf"|{cues._CHIMED_IN})"
)


def _last_verb_end_from_the_left(text: str, lo: int, hi: int) -> int:
    """cues._last_verb_end as it was: every verb found from the left (the pattern as it was
    too), the last end kept."""
    verbs = re.compile(_PLAIN_SPACE_VERB).finditer(text, lo, hi)
    return max((m.end() for m in verbs), default=-1)


def test_last_verb_found_from_the_right() -> None:
    rng = random.Random(17)
    texts = [*TEXTS, *_long_texts(), *ROLE_NAME_PROBES, *OTHER_RULE_PROBES]
    texts += ["said", " said", "x said that found that", " testified before", "a\u2003said\tb"]
    texts += ["He said it.\nShe said so.", "A\r\nB said\n\nC told them"]  # lines apart
    found = 0
    for text in texts:
        for k in range(3):
            lo = 0 if k == 0 else rng.randrange(len(text) + 1)
            hi = rng.choice([len(text), rng.randrange(lo, len(text) + 1)])
            end = cues._last_verb_end(text, lo, hi)
            assert end == _last_verb_end_from_the_left(text, lo, hi), (text, lo, hi)
            found += end >= 0
    assert found > 1000


def test_attributions_as_with_every_cue_and_plain_patterns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stretches around the first cues only (the rest would join the last one, unchanged),
    the cue and verb patterns and the "the regulator said" rule behind lookaheads, and each
    source phrase judged once (cues._SOURCES): the same sources as without any of them."""
    texts = [*TEXTS, *_long_texts(), *ROLE_NAME_PROBES, *OTHER_RULE_PROBES]
    fast = [cues.attributions(text) for text in texts]
    windows = [cues._windows(text, 0) for text in texts if len(cues._windows(text, 0)) > 1]
    assert len(windows) > 25  # texts with stretches apart
    rules = list(cues._ATTRIBUTION_RULES)
    behind = r"(?:^|(?=[,;:ab])(?:[,;:]\s*|\b(?:and|but)\s+))"
    at = next(k for k, r in enumerate(rules) if behind in r.pattern.pattern)  # "the regulator said"
    rule = rules[at]
    plain_rule = rule.pattern.pattern.replace(behind, r"(?:^|[,;:]\s*|\b(?:and|but)\s+)")
    assert plain_rule != rule.pattern.pattern
    rules[at] = cues._Rule(re.compile(plain_rule), rule.hint, rule.verb_last)
    monkeypatch.setattr(cues, "_ATTRIBUTION_RULES", tuple(rules))
    monkeypatch.setattr(cues, "_windows", _windows_of_every_cue)
    monkeypatch.setattr(cues, "_last_verb_end", _last_verb_end_from_the_left)
    monkeypatch.setattr(cues, "_source", cues._source_of)
    assert fast == [cues.attributions(text) for text in texts]
    assert sum(map(len, fast)) > 1500


def test_source_phrases_kept_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cues, "_SOURCES", {})
    monkeypatch.setattr(cues, "_SOURCES_MAX", 10)
    phrases = [f"the {w} officials" for w in "abcdefghijklmnopqrstuvwxyz"]
    for phrase in [*phrases, *phrases]:
        assert cues._source(phrase) == cues._source_of(phrase)
        assert len(cues._SOURCES) <= 10


def _plain_words_each(text: str) -> list[str]:
    """cues.plain_words as it was: each word checked, none handed back as found."""
    found = cues.folded_words(cues._straight_quotes(text))
    return [w if w.isalnum() else cues._NOT_ALNUM.sub("", w) for w in found]


def test_plain_words_as_checked_word_by_word() -> None:
    probes = ["children's long-awaited 1,000.5 co_op", "", "   ", "x", "l'été ٣ Ⅻ ²"]
    for text in [*TEXTS, *probes]:
        cache: dict[str, list[str]] = {}
        assert cues.plain_words(text, cache) == _plain_words_each(text), text
        assert cues.plain_words(text, cache) == _plain_words_each(text), text


def _near_pairs() -> list[tuple[str, str]]:
    """Labelled texts with one or two words misspelt (letters swapped), split, run into the
    next, replaced by another of the text or given a letter: trivial changes and others."""
    rng = random.Random(3)
    pairs = []
    for text in TEXTS[::3]:
        words = text.split()
        if len(words) < 2:
            continue
        for _ in range(3):
            edited = list(words)
            for _ in range(rng.randint(1, 2)):
                k = rng.randrange(len(edited))
                word = edited[k]
                r = rng.random()
                if r < 0.3 and len(word) > 4:
                    j = rng.randrange(1, len(word) - 1)
                    edited[k] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
                elif r < 0.5 and len(word) > 3:
                    j = rng.randrange(1, len(word) - 1)
                    edited[k] = word[:j] + " " + word[j:]
                elif r < 0.6 and k + 1 < len(edited):
                    edited[k] = word + edited.pop(k + 1)
                elif r < 0.8:
                    edited[k] = rng.choice(words)
                else:
                    edited[k] = word + "e"
            pairs.append((text, " ".join(edited)))
    return pairs


def test_trivial_changes_as_with_difflib_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word neither inside the other side's words run together nor a misspelling there
    makes trivial_change give up before difflib: as difflib's opcodes would have it."""
    pairs = _near_pairs()
    fast = [cues.trivial_change(a, b) for a, b in pairs]
    monkeypatch.setattr(cues, "_unexplained", lambda a, b, joined_a, joined_b: False)
    assert fast == [cues.trivial_change(a, b) for a, b in pairs]
    assert sum(found is None for found in fast) > 1000
    assert sum("spelling" in found for found in fast if found) > 300


def test_hints_after_a_space_as_the_plain_patterns() -> None:
    """The hints searched from the word after the space (cues._holds_after_space) hold in a
    window exactly where the patterns they stand for are found, wherever the window starts
    (at the space, at the word, inside either)."""
    plain = [
        (
            cues._AND_SOURCE_VERB,
            rf"\s+and\s+(?:the\s+)?(?:{cues._NAME}|{cues._LOWER_WORDS}){cues._AUX}\s+"
            rf"(?:{cues._VERBS})\b",
        ),
        (
            next(r for r in cues._ATTRIBUTION_RULES if r"\s+who\s+" in r.pattern.pattern).hint,
            rf"\swho\s+(?:(?!(?:he|she|they|it|that)\b)[^,.;:\"“”\s]+\s+){{1,12}}?"
            rf"(?:{cues._VERBS})\b",
        ),
    ]
    texts = [*TEXTS[::2], *ROLE_NAME_PROBES, *OTHER_RULE_PROBES, " who said", "\nand Ann said"]
    # the word inside another: no hint ("Holland", "Gandalf", "somewho")
    texts += ["The Holland Tom Avery said.", "Gandalf Ann has said", "somewho knew it said so"]
    rng = random.Random(16)
    for hint, pattern in plain:
        assert hint is not None
        search = re.compile(pattern).search
        held = 0
        for text in texts:
            edges = {0, len(text)} | {
                k + d for k in (text.find(" who"), text.find(" and")) for d in (0, 1, 2)
            }
            edges |= {rng.randrange(len(text) + 1) for _ in range(4)}
            for lo in sorted(e for e in edges if 0 <= e <= len(text)):
                for hi in (len(text), max(lo, len(text) - 7)):
                    found = search(text, lo, hi) is not None
                    assert hint(text, lo, hi) == found, (pattern[:8], text, lo, hi)
                    held += found
        assert held > 100
