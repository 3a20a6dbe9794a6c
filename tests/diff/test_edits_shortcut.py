"""The analyser's speed-ups of issue 14 item 8 change no result.

Each is checked against the plain way it replaced, on the labelled pairs (every
tests/data/edits_labelled*.toml), bench/edits.py's generated articles and a few hundred seeded
random edits of the labelled texts: the whole analysis (``Analysis.to_dict()``) with the plain
way put back must be the same. Segmentation likewise on tests/data/sentences_cases.toml, the
labelled paragraphs and, when it is there, the shared corpus (never copied into the tree).
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdiff.diff import Document, compare, edits, sentences
from newsdiff.diff.cues import notice, trivial_change
from newsdiff.diff.edits import analyse
from newsdiff.diff.sentences import sentence_spans

from .edits_scoring import DATA, LABELLED_FILES, documents, load

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpora" / "extraction-aeb" / "ground-truth.json"
# (the first sixteen labelled sets, about 1,000 pairs, as in test_shortcuts: enough to compare
# the plain ways with; the later sets would add time, not kinds of text)
LABELLED = load(*LABELLED_FILES[:16])


def _bench_cases() -> list[tuple[str, Document, Document]]:
    """bench/edits.py's speed cases (its generator is bench/diff.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("_edits_bench", ROOT / "bench" / "edits.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return [(c.name, c.old, c.new) for c in module.cases()]
    finally:
        sys.path.remove(str(ROOT / "bench"))


def _edited(rng: random.Random, paragraphs: list[str], words: list[str]) -> list[str]:
    """A copy with one to four random edits: a word replaced, dropped, added, recased or
    given punctuation, a number changed, a paragraph moved, added or removed."""
    out = list(paragraphs)
    for _ in range(rng.randint(1, 4)):
        if not out:
            break
        i = rng.randrange(len(out))
        tokens = out[i].split()
        if not tokens:
            continue
        k = rng.randrange(len(tokens))
        r = rng.random()
        if r < 0.3:
            tokens[k] = rng.choice(words)
        elif r < 0.45 and len(tokens) > 1:
            del tokens[k]
        elif r < 0.6:
            tokens.insert(k, rng.choice(words))
        elif r < 0.68:
            tokens[k] = tokens[k].upper() if rng.random() < 0.5 else tokens[k].lower()
        elif r < 0.76:
            tokens[k] += rng.choice([",", ".", "'", '"', "”", "?", " said"])
        elif r < 0.84:
            tokens[k] = str(rng.randrange(1, 100))
        elif r < 0.9:
            out.insert(rng.randrange(len(out)), out.pop(i))
            continue
        elif r < 0.95:
            made = " ".join(rng.choice(words) for _ in range(rng.randint(5, 30)))
            out.insert(i, made + ".")
            continue
        else:
            out.pop(i)
            continue
        out[i] = " ".join(tokens)
    return out


def _pairs() -> Iterator[tuple[str, Document, Document]]:
    for k, pair in enumerate(LABELLED):
        old, new = documents(pair)
        yield f"labelled-{k}", old, new
    yield from _bench_cases()
    rng = random.Random(14)
    words = [w for pair in LABELLED for text in pair["old"] + pair["new"] for w in text.split()]
    for k in range(300):
        pair = rng.choice(LABELLED)
        old, new = documents(pair)
        base = new if rng.random() < 0.5 else old
        edited = Document(base.title, _edited(rng, base.paragraphs, words))
        yield f"random-{k}", base, edited


PAIRS = list(_pairs())


def _analyses() -> list[dict[str, Any]]:
    return [analyse(old, new, compare(old, new)).to_dict() for _, old, new in PAIRS]


def _starts_word_plain(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}", text) is not None


def test_starts_word_is_the_pattern() -> None:
    rng = random.Random(8)
    alphabet = "ab_1 .,'-éß\u0301\u00b2Ⅻ٣\u200b"  # marks, superscripts, numerals, a space
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
        word = "".join(rng.choices(alphabet, k=rng.randint(1, 3)))
        assert edits._starts_word(text, word) == _starts_word_plain(text, word), (text, word)
    # Every character as the one before a word and as a word's first.
    for code in range(0, 0x3000, 7):
        ch = chr(code)
        for text, word in ((f"{ch}ab", "ab"), (f"x{ch}", ch), (ch, ch), (f"{ch}{ch}", ch)):
            assert edits._starts_word(text, word) == _starts_word_plain(text, word), hex(code)


def test_common_is_counters_and() -> None:
    rng = random.Random(9)
    texts = ["a", "b", "c", "d", "a b", ""]
    for _ in range(500):
        a = rng.choices(texts, k=rng.randint(0, 8))
        b = rng.choices(texts, k=rng.randint(0, 8))
        assert list(edits._common(a, b).items()) == list((Counter(a) & Counter(b)).items())


def test_analysis_is_the_plain_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    fast_starts_word = edits._starts_word

    def counted(text: str, word: str) -> bool:
        calls.append(found := fast_starts_word(text, word))
        return found

    monkeypatch.setattr(edits, "_starts_word", counted)
    fast = _analyses()
    assert True in calls and False in calls  # the shortcut answered both ways
    monkeypatch.setattr(edits, "_starts_word", _starts_word_plain)
    plain = _analyses()
    for (name, _, _), a, b in zip(PAIRS, fast, plain, strict=True):
        assert a == b, name
    assert sum(len(a["edits"]) for a in fast) > 1500


def _corrections_plain(self: edits._Builder) -> None:
    """_Builder.corrections as it was: every paragraph searched once a notice came or went."""
    cache: dict[str, tuple[int, str] | None] = {}

    def found(doc: Document, skip: dict[str, int]) -> list[tuple[int, int, str, str]]:
        out = []
        skip = dict(skip)
        for p, paragraph in enumerate(doc.paragraphs):
            if skip.get(paragraph, 0) > 0:
                skip[paragraph] -= 1
                continue
            if paragraph not in cache:
                cache[paragraph] = notice(paragraph)
            got = cache[paragraph]
            if got is not None:
                out.append((p, got[0], got[1], paragraph[got[0] :]))
        return out

    def differences() -> tuple[Counter[str], Counter[str]]:
        old_texts = Counter(t for *_, t in olds)
        new_texts = Counter(t for *_, t in news)
        return old_texts - new_texts, new_texts - old_texts

    shared = dict(self.shared_paragraphs)
    olds, news = found(self.old_doc, shared), found(self.new_doc, shared)
    only_old, only_new = differences()
    if only_old or only_new:
        olds, news = found(self.old_doc, {}), found(self.new_doc, {})
        only_old, only_new = differences()
    gone = [n for n in olds if only_old[n[3]]]
    came = [n for n in news if only_new[n[3]]]
    pairs = edits._pair_texts([n[3] for n in gone], [n[3] for n in came], edits.NOTICE_PAIR_MIN)
    for a, b in pairs:
        (po, so, _, to), (pn, sn, kind, tn) = gone[a], came[b]
        if trivial_change(to, tn) is None:
            at_old, at_new = (po, so, so + len(to)), (pn, sn, sn + len(tn))
            self.add("correction", "changed", at_old, at_new, {"notice": kind})
    for a, (p, s, kind, t) in enumerate(gone):
        if a not in {x for x, _ in pairs}:
            self.add("correction", "removed", (p, s, s + len(t)), None, {"notice": kind})
    for b, (p, s, kind, t) in enumerate(came):
        if b not in {y for _, y in pairs}:
            self.add("correction", "added", None, (p, s, s + len(t)), {"notice": kind})


def _notice_pairs() -> list[tuple[Document, Document]]:
    """Versions whose notices came, went or changed beside the same notice standing in a
    paragraph of both, or twice."""
    notices = [
        "Correction: an earlier version of this article gave the wrong date.",
        "Update, 14 October: the council has since replied.",
        "This article was amended on 3 May to correct the spelling of Ms Ek's name.",
    ]
    rng = random.Random(21)
    body = [text for _, old, _ in PAIRS[:40] for text in old.paragraphs]
    out = []
    for _ in range(150):
        old = rng.sample(body, 4)
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(old) + 1)
            notice_text = rng.choice(notices)
            old.insert(
                k, notice_text if rng.random() < 0.5 else f"{rng.choice(body)} {notice_text}"
            )
        new = list(old)
        for _ in range(rng.randint(1, 3)):
            r, k = rng.random(), rng.randrange(len(new))
            if r < 0.3:
                new.insert(k, rng.choice(notices))
            elif r < 0.5:
                new.pop(k)
            elif r < 0.7:
                new[k] = new[k].replace("wrong", "right").replace("council", "board")
            elif r < 0.85:
                new.insert(k, new[rng.randrange(len(new))])
            else:
                new[k] = f"{new[k]} {rng.choice(notices)}"
        out.append((Document("", old), Document("", new)))
    return out


def test_notices_are_the_plain_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = [(old, new) for _, old, new in PAIRS] + _notice_pairs()
    fast = [analyse(old, new).to_dict() for old, new in pairs]
    monkeypatch.setattr(edits._Builder, "corrections", _corrections_plain)
    plain = [analyse(old, new).to_dict() for old, new in pairs]
    assert fast == plain
    notices = [e for a in fast for e in a["edits"] if e["kind"] == "correction"]
    assert len(notices) > 100 and {e["change"] for e in notices} == {"added", "removed", "changed"}


def _merge_false_ends_plain(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """_merge_false_ends as it was: the span before a full stop cut out and searched."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out:
            prev_start, prev_end = out[-1]
            joins = False
            if prev_end - prev_start <= sentences._LIST_NUMBER_MAX:
                found = sentences._LIST_NUMBER.fullmatch(paragraph, prev_start, prev_end)
                joins = found is not None
            if not joins and paragraph[prev_end - 1] == ".":
                prev = paragraph[prev_start:prev_end]
                tail = max(0, len(prev) - sentences._ABBREVIATION_MAX)
                joins = (
                    sentences._ABBREVIATION_END.search(prev, tail) is not None
                    and sentences._CONTINUES.match(paragraph, start) is not None
                )
            if not joins and paragraph[prev_end - 1] == "." and paragraph[start].isupper():
                prev = paragraph[prev_start:prev_end]
                joins = (
                    re.search(r"\b[ap]\.m\.$", prev, re.IGNORECASE) is not None
                    and sentences._CLOCK_NEXT.match(paragraph, start) is not None
                )
            if joins:
                out[-1] = (prev_start, end)
                continue
        out.append((start, end))
    return out


def _paragraphs() -> list[str]:
    cases = tomllib.loads((DATA / "sentences_cases.toml").read_text(encoding="utf-8"))["case"]
    texts = [case["text"] for case in cases]
    texts += [p for _, old, new in PAIRS for p in [*old.paragraphs, *new.paragraphs]]
    texts += ["No. 5 is approx. 7 ft. A. B. Smith said. (1) Go. x. y. Est. 5 Fig. 2 c. 1900"]
    return list(dict.fromkeys(texts))


def _corpus() -> list[str]:
    if not CORPUS.is_file():
        return []
    articles = json.loads(CORPUS.read_text(encoding="utf-8"))
    return [line for a in articles.values() for line in a["articleBody"].splitlines()]


@pytest.mark.parametrize("source", ["cases-and-labelled", "corpus"])
def test_segments_are_the_plain_ways(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _paragraphs() if source == "cases-and-labelled" else _corpus()
    if not texts:
        pytest.skip("the shared corpus is absent")
    fast = [sentence_spans(text) for text in texts]
    monkeypatch.setattr(sentences, "_merge_false_ends", _merge_false_ends_plain)
    assert fast == [sentence_spans(text) for text in texts]
    assert sum(len(s) > 1 for s in fast) > len(texts) // 10  # many hold several sentences
