"""Sentence alignment across a whole article: which old sentence became which new one.

Unlike the paragraph alignment, sentences are linked wherever they stand: a sentence that moved
to another paragraph and was reworded is still the same sentence.

1. **Identical sentences** are linked first (the k-th occurrence of a text in the old version to
   its k-th occurrence in the new one).
2. **Similar sentences.** Each sentence left over on the old side is scored against the leftover
   new sentences that share one of its rarer words (an index from word to new sentences; words
   found in more than a tenth of them are not looked up), at most :data:`TOP_CANDIDATES` of
   them, so the work stays linear in the article's length (a sentence scoring :data:`STRONG`
   with the new sentence just after its predecessor's partner is linked before any search).
   Pairs scoring at least
   :data:`LINK_MIN` are linked, best first (among equals, nearest first: the nearer their
   paragraphs' places in the two versions).
3. **Order.** The largest order-preserving set of links (a heaviest increasing subsequence)
   is the article's spine; a link outside it is ``moved``, kept only if it scores at least
   :data:`MOVE_MIN` (a sentence moved *and* edited is possible).
4. **Gaps.** Between two consecutive spine links, sentences still unlinked that stand in the
   same place on both sides are linked at a lower score (:data:`GAP_MIN`): a sentence
   rewritten in place.
5. **Splits and merges.** A linked sentence whose unlinked neighbour on the other side holds
   mostly words of it (:data:`PART_MIN` of the neighbour's weight) and whose score rises by
   :data:`SPLIT_GAIN` with the neighbour joined becomes a ``split`` (one old, several new) or
   ``merged`` (several old, one new); so does an unlinked sentence whose best candidate plus
   that candidate's neighbour score :data:`LINK_MIN` together.

**Similarity rule.** A sentence's words are taken case-folded, without punctuation and without a
possessive "'s"; each distinct word weighs its length (at most 12), except function words and
reporting verbs ("the", "of", "said", "would", ...), which weigh 1. The score of two sentences is
the Dice coefficient of their weighted word sets: twice the weight they share over the sum of
their weights. Pairs whose weights are so unequal that Dice could not reach the threshold are
not scored (the length guard). ``tests/data/sentence_align_cases.toml`` shows rewrites that stay
linked ("are expected to say later today that" -> "said on Tuesday that": 0.71) and unrelated
sentences on the same subject that stay apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from heapq import nlargest
from operator import itemgetter

from newsdiff.diff.align import _heaviest_chain  # the paragraphs' chain, reused
from newsdiff.diff.model import Sentence, SentenceLink
from newsdiff.diff.tokens import folded_words

LINK_MIN = 0.5  # score that links two sentences anywhere (in order)
STRONG = 0.7  # score that links a sentence to the one just after its predecessor's partner
MOVE_MIN = 0.6  # score a link out of order needs to stand (moved)
GAP_MIN = 0.34  # score enough for two sentences standing in the same place between two links
ONE_MIN = 0.25  # ...when they are the only sentences left between those links
PART_MIN = 0.6  # share of a split-off part's weight found in the sentence it came from
SPLIT_GAIN = 0.08  # how much a part must add to the score to be joined
TOP_CANDIDATES = 6  # new sentences scored per old one
GAP_LIMIT = 400  # gaps up to this many pairs are scored in full; larger ones near the diagonal
MAX_WEIGHT = 12
_POSSESSIVE = ("'s", "’s")

STOPWORDS = frozenset(
    """a an the and or but nor of to in on at by for from with without as into onto over under
    about after before since until than then so if because while though although is are was
    were be been being am has have had having do does did done it its it's this that these
    those there here he she they we i you his her hers their theirs our ours my your him them
    us me who whom whose which what when where why how not no yes all any some such only also
    very just more most much many other own same each both either neither can could would
    should shall will may might must said says say saying told tells tell added adds according
    up out off again further once""".split()
)


class _Weights(dict[str, int]):
    """Word -> weight (1 for function words, else its length up to MAX_WEIGHT), each word's
    worked out when first asked for and kept (at most _WEIGHTS_MAX words)."""

    def __missing__(self, word: str) -> int:
        weight = 1 if word in STOPWORDS else min(len(word), MAX_WEIGHT)
        if len(self) >= _WEIGHTS_MAX:
            self.clear()
        self[word] = weight
        return weight


_WEIGHTS = _Weights()
_WEIGHTS_MAX = 4_096  # a few hundred KB at most: exports run analyses over whole archives


def _units(text: str, cache: dict[str, list[str]] | None = None) -> dict[str, int]:
    """A sentence's distinct words (case-folded, no possessive) with their weights. ``cache``:
    as for :func:`newsdiff.diff.tokens.folded_words`."""
    words = folded_words(text, cache)
    if text.isascii():
        plain = "'s" not in text and "'S" not in text
    else:
        plain = "'" not in text and "’" not in text
    weights = _WEIGHTS
    if plain:  # no possessive to take off (a word seen again keeps its first place)
        # (subscripted: twice as fast as dict(zip()) over the bound __getitem__ of a subclass)
        return {w: weights[w] for w in words}
    out: dict[str, int] = {}
    for w in words:
        if len(w) > 3 and w.endswith(_POSSESSIVE):
            w = w[:-2]
        if w not in out:
            out[w] = weights[w]
    return out


class _Side:
    """One version's sentences with their word weights, computed on demand."""

    def __init__(
        self, sentences: Sequence[Sentence], words: dict[str, list[str]] | None = None
    ) -> None:
        self.sentences = sentences
        self.words = words
        self._units: list[dict[str, int] | None] = [None] * len(sentences)
        self._weight: list[int] = [-1] * len(sentences)  # -1: not yet worked out

    def units(self, k: int) -> dict[str, int]:
        got = self._units[k]
        if got is None:
            got = self._units[k] = _units(self.sentences[k].text, self.words)
            self._weight[k] = sum(got.values())
        return got

    def weight(self, k: int) -> int:
        weight = self._weight[k]
        if weight < 0:
            self.units(k)
            weight = self._weight[k]
        return weight


def _score(a: dict[str, int], wa: int, b: dict[str, int], wb: int) -> float:
    if not wa or not wb:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    shared = sum(map(a.__getitem__, a.keys() & b.keys()))
    return 2 * shared / (wa + wb)


def similarity(old: str, new: str) -> float:
    """The similarity rule of this module applied to two texts."""
    a, b = _units(old), _units(new)
    return 1.0 if old == new else _score(a, sum(a.values()), b, sum(b.values()))


def _guard(wa: int, wb: int, floor: float) -> bool:
    """The length guard: can two sentences of these weights reach ``floor`` at all?"""
    lo, hi = (wa, wb) if wa <= wb else (wb, wa)
    return hi > 0 and 2 * lo >= floor * (lo + hi)


class _Aligner:
    def __init__(
        self,
        old: Sequence[Sentence],
        new: Sequence[Sentence],
        words: dict[str, list[str]] | None = None,
        fixed: Iterable[tuple[int, int]] = (),
        paragraphs: tuple[int, int] | None = None,
    ) -> None:
        self.paragraphs = paragraphs
        self.old = _Side(old, words)
        self.new = _Side(new, words)
        self.links: dict[int, tuple[int, float]] = {}  # old -> (new, score)
        self.linked_new: set[int] = set()
        self.fixed: set[int] = set()  # old indices linked beforehand, always in the spine
        for i, j in fixed:
            self.link(i, j, 1.0)
            self.fixed.add(i)

    def link(self, i: int, j: int, score: float) -> None:
        self.links[i] = (j, score)
        self.linked_new.add(j)

    def unlink(self, i: int) -> None:
        j, _ = self.links.pop(i)
        self.linked_new.discard(j)

    def score(self, i: int, j: int) -> float:
        a, b = self.old, self.new
        if a.sentences[i].text == b.sentences[j].text:
            return 1.0
        return _score(a.units(i), a.weight(i), b.units(j), b.weight(j))

    # 1. identical sentences
    def identical(self) -> None:
        where: dict[str, list[int]] = {}
        for j, s in enumerate(self.new.sentences):
            where.setdefault(s.text, []).append(j)
        for stack in where.values():
            stack.reverse()
        if self.fixed:  # those linked beforehand take no part
            for stack in where.values():
                stack[:] = [j for j in stack if j not in self.linked_new]
        for i, s in enumerate(self.old.sentences):
            if i in self.fixed:
                continue
            found = where.get(s.text)
            if found:
                self.link(i, found.pop(), 1.0)

    # 2. similar sentences, through an index of rarer words
    def candidates(self, olds: list[int], news: list[int]) -> dict[int, list[int]]:
        """For each old sentence, the new ones sharing most weight of its rarer words."""
        postings: dict[str, list[int]] = {}
        for j in news:
            for unit in self.new.units(j):
                if unit not in STOPWORDS:
                    postings.setdefault(unit, []).append(j)
        limit = max(8, len(news) // 10)
        out: dict[int, list[int]] = {}
        for i in olds:
            hits: dict[int, int] = {}
            get = hits.get
            units = self.old.units(i)
            rare = [(len(postings[u]), u) for u in units if u in postings]
            if not rare:
                continue
            rare.sort()
            for n, unit in rare:
                if n > limit and hits:
                    break
                weight = units[unit]
                for j in postings[unit][: limit * 4]:
                    hits[j] = get(j, 0) + weight
            # The most shared weight first, ties in the order found (as Counter.most_common).
            best = nlargest(TOP_CANDIDATES, hits.items(), key=itemgetter(1))
            out[i] = [j for j, _ in best]
        return out

    def similar(self) -> dict[int, list[int]]:
        olds = [i for i in range(len(self.old.sentences)) if i not in self.links]
        news = [j for j in range(len(self.new.sentences)) if j not in self.linked_new]
        if not olds or not news:
            return {}
        n, m = len(self.old.sentences), len(self.new.sentences)
        # Where an edited sentence usually is: just after the previous sentence's partner.
        prev = -1
        for i in range(n):
            if i in self.links:
                prev = self.links[i][0]
                continue
            j = prev + 1
            if j < m and j not in self.linked_new:
                if _guard(self.old.weight(i), self.new.weight(j), STRONG):
                    score = self.score(i, j)
                    if score >= STRONG:
                        self.link(i, j, score)
                        prev = j
        olds = [i for i in olds if i not in self.links]
        news = [j for j in news if j not in self.linked_new]
        if not olds or not news:
            return {}
        found = self.candidates(olds, news)
        # Among equal scores the pair nearest the diagonal first, measured in paragraphs (the
        # same whether or not unchanged paragraphs were segmented).
        old_s, new_s = self.old.sentences, self.new.sentences
        span_old, span_new = self.paragraphs or (old_s[-1].paragraph + 1, new_s[-1].paragraph + 1)
        edges: list[tuple[float, float, int, int]] = []
        for i, js in found.items():
            for j in js:
                if not _guard(self.old.weight(i), self.new.weight(j), LINK_MIN):
                    continue
                score = self.score(i, j)
                if score >= LINK_MIN:
                    near = abs(old_s[i].paragraph / span_old - new_s[j].paragraph / span_new)
                    edges.append((-score, near, i, j))
        edges.sort()
        for neg, _, i, j in edges:
            if i not in self.links and j not in self.linked_new:
                self.link(i, j, -neg)
        return found

    # 3. order
    def spine(self) -> set[int]:
        """Old indices of the links in the largest order-preserving set; drops weak moves."""
        edges = [(i, j, 1.0 + s) for i, (j, s) in self.links.items()]
        if self.fixed:  # heavier than all the others together: always in the chain
            heavy = 2.0 * (len(self.links) + 1)
            edges = [(i, j, heavy if i in self.fixed else w) for i, j, w in edges]
        chain = {i for i, _, _ in _heaviest_chain(edges)}
        for i, (_, s) in list(self.links.items()):
            if i not in chain and s < MOVE_MIN:
                self.unlink(i)
        return chain

    # 4. gaps
    def gaps(self, chain: set[int]) -> set[int]:
        pairs = sorted((i, self.links[i][0]) for i in chain)
        n, m = len(self.old.sentences), len(self.new.sentences)
        added: set[int] = set()
        prev_i = prev_j = -1
        for i, j in [*pairs, (n, m)]:
            olds = [k for k in range(prev_i + 1, i) if k not in self.links]
            news = [k for k in range(prev_j + 1, j) if k not in self.linked_new]
            if olds and news:
                added.update(self.fill(olds, news))
            prev_i, prev_j = i, j
        return added

    def fill(self, olds: list[int], news: list[int]) -> list[int]:
        edges: list[tuple[int, int, float]] = []
        floor = ONE_MIN if len(olds) == len(news) == 1 else GAP_MIN
        dense = len(olds) * len(news) <= GAP_LIMIT
        scale = len(news) / len(olds)
        for p, i in enumerate(olds):
            centre = int(p * scale)
            span = news if dense else news[max(0, centre - 3) : centre + 4]
            for j in span:
                if _guard(self.old.weight(i), self.new.weight(j), floor):
                    score = self.score(i, j)
                    if score >= floor:
                        edges.append((i, j, score))
        chain = _heaviest_chain(edges)
        for i, j, s in chain:
            self.link(i, j, s)
        return [i for i, _, _ in chain]

    # 5. splits and merges
    def groups(
        self, chain: set[int], found: dict[int, list[int]]
    ) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """Splits (old -> its new parts) and merges (new -> its old parts)."""
        splits: dict[int, list[int]] = {}
        merges: dict[int, list[int]] = {}
        # A linked pair (in order) that a neighbour completes.
        for i, (j, s) in sorted(self.links.items()):
            if s >= 1.0 or i not in chain or i in merges.get(j, ()):
                continue
            parts = self.grow(self.old, i, self.new, [j], self.linked_new, s)
            if len(parts) > 1:
                splits[i] = parts
                self.linked_new.update(parts)
                continue
            olds = self.grow(self.new, j, self.old, [i], set(self.links), s)
            if len(olds) > 1:
                merges[j] = olds
                for k in olds:
                    if k != i:
                        self.links[k] = (j, s)
                        chain.add(k)
        # An unlinked old sentence whose best candidate, with a neighbour, makes it up.
        for i, js in found.items():
            if i in self.links or not js:
                continue
            j = js[0]
            if j in self.linked_new:
                continue
            parts = self.grow(self.old, i, self.new, [j], self.linked_new, 0.0)
            if len(parts) > 1 and self.group_score(self.old, i, self.new, parts) >= LINK_MIN:
                splits[i] = parts
                chain.add(i)
                self.links[i] = (j, LINK_MIN)
                self.linked_new.update(parts)
        return splits, merges

    def group_score(self, one: _Side, k: int, other: _Side, parts: Iterable[int]) -> float:
        union: dict[str, int] = {}
        for p in parts:
            union.update(other.units(p))
        return _score(one.units(k), one.weight(k), union, sum(union.values()))

    def grow(
        self, one: _Side, k: int, other: _Side, parts: list[int], taken: set[int], base: float
    ) -> list[int]:
        """``parts`` (sentences of ``other``) extended by unlinked neighbours that make up
        more of sentence ``k`` of ``one``."""
        units = one.units(k)
        score = base
        for step in (1, -1):
            while True:
                edge = parts[-1] + 1 if step > 0 else parts[0] - 1
                if edge < 0 or edge >= len(other.sentences) or edge in taken:
                    break
                mine = other.units(edge)
                weight = other.weight(edge)
                inside = sum(w for u, w in mine.items() if u in units)
                if not weight or inside < PART_MIN * weight:
                    break
                grown = sorted([*parts, edge])
                new_score = self.group_score(one, k, other, grown)
                if new_score < score + SPLIT_GAIN:
                    break
                parts, score = grown, new_score
        return parts

    def run(self) -> list[SentenceLink]:
        self.identical()
        found = self.similar()
        chain = self.spine()
        chain |= self.gaps(chain)
        splits, merges = self.groups(chain, found)
        return self.entries(chain, splits, merges)

    def entries(
        self, chain: set[int], splits: dict[int, list[int]], merges: dict[int, list[int]]
    ) -> list[SentenceLink]:
        old, new = self.old.sentences, self.new.sentences
        at_new: dict[int, list[SentenceLink]] = {}
        placed_old: dict[int, int] = {}  # old index -> new index it is shown with (in order)
        merged_old = {k for olds in merges.values() for k in olds}
        for j, olds in merges.items():
            score = self.group_score(self.new, j, self.old, olds)
            for k in olds:
                at_new.setdefault(j, []).append(SentenceLink("merged", old[k], new[j], score))
                placed_old[k] = j
        for i, (j, s) in self.links.items():
            if i in merged_old:
                continue
            if i in splits:
                score = self.group_score(self.old, i, self.new, splits[i])
                for p in splits[i]:
                    at_new.setdefault(p, []).append(SentenceLink("split", old[i], new[p], score))
                placed_old[i] = splits[i][0]
                continue
            if i in chain:
                op = "unchanged" if old[i].text == new[j].text else "edited"
                placed_old[i] = j
            else:
                op = "moved"
            at_new.setdefault(j, []).append(SentenceLink(op, old[i], new[j], s))
        # New order; a removed sentence goes just after the entry of the previous old sentence
        # shown in order (or first).
        removed_after: dict[int, list[int]] = {}
        place = -1
        for i in range(len(old)):
            if i in placed_old:
                place = max(place, placed_old[i])
            elif i not in self.links and i not in merged_old:
                removed_after.setdefault(place, []).append(i)
        out = [SentenceLink("removed", old[i], None, 0.0) for i in removed_after.get(-1, [])]
        for j in range(len(new)):
            out.extend(at_new.get(j) or [SentenceLink("added", None, new[j], 0.0)])
            out.extend(SentenceLink("removed", old[i], None, 0.0) for i in removed_after.get(j, []))
        return out


def align_sentences(
    old: Sequence[Sentence],
    new: Sequence[Sentence],
    words: dict[str, list[str]] | None = None,
    fixed: Iterable[tuple[int, int]] = (),
    paragraphs: tuple[int, int] | None = None,
) -> list[SentenceLink]:
    """Link the sentences of two versions (see the module's docstring). ``words``: a cache of
    the sentences' folded words (:func:`newsdiff.diff.tokens.folded_words`) to share.
    ``fixed``: pairs of (old, new) positions, in increasing order on both sides, linked before
    anything else as identical and kept in the spine whatever else moves (the analyser passes
    the runs of paragraphs the paragraph diff found unchanged, each run as one unit).
    ``paragraphs``: how many paragraphs each version has (else: up to the last sentence's).

    Every old and every new sentence appears in the result: each in exactly one entry, except
    that a split sentence appears in one entry per part and a merged one likewise. Entries
    follow the new version's order, with removed sentences where they stood."""
    return _Aligner(old, new, words, fixed, paragraphs).run()
