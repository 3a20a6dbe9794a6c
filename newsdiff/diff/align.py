"""Paragraph alignment: which old paragraph became which new one, then the word diff of each pair.

1. **Anchors.** Identical paragraphs (or identical up to the ignored differences) are matched
   by a longest common subsequence of paragraph hashes (diff-match-patch on paragraphs encoded as
   characters).
2. **Gaps.** Between two anchors, an order-preserving alignment pairs related paragraphs as
   ``modified``: the chain of pairs with the highest total similarity (a heaviest increasing
   subsequence over candidate pairs), where a pair is a candidate only if the paragraphs share
   enough of their words. Unrelated paragraphs are never paired because of their position.
3. **Moves.** Leftover deleted and inserted paragraphs that are similar enough become ``moved``
   (possibly also edited); the rest are ``deleted``/``inserted``. Then which pairs stay in place
   is decided again over all of them: the fewest moved paragraphs, and among as few, the fewest
   moved words (old A B C D E, new A E B' C: E moved, not B' and C).
4. **Splits and merges.** An inserted paragraph whose words were removed from the modified
   paragraph next to it was split off it (``split_from``); a deleted paragraph whose words were
   added to its neighbour was merged into it (``merged_into``). Their shared words are not counted
   as added or removed.

Similarity between paragraphs is a Dice coefficient over their sets of words (punctuation
stripped), each word weighted by its length, so that short function words ("the", "of") weigh
little and names and numbers much; paragraphs sharing most of their chunks outright are paired
at once. In a gap each old paragraph is first scored where its partner is expected (just after
the previous paragraph's partner), and only unsettled ones are scored further afield, so the
alignment stays close to linear in the number of paragraphs; a gap with as many paragraphs on
each side, each paired at once with its counterpart, is paired along its diagonal when no
other chain can weigh more. In the stretch between two pairs a looser similarity suffices (a
paragraph with a third of its words replaced).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from itertools import chain

from newsdiff.diff.model import DiffStats, Document, DocumentDiff, ParagraphDiff, TitleDiff
from newsdiff.diff.myers import TokenDMP, raw_diff
from newsdiff.diff.tokens import (
    NOSPACE_RE,
    Codec,
    count_words,
    is_punctuation,
    strip_punctuation,
    tokenize,
    word_list,
)
from newsdiff.diff.words import (
    Changes,
    TokenDiff,
    diff_chunked,
    diff_ignoring,
    diff_planned,
    plan_changes,
)

PAIR_MIN = 0.5  # Dice needed to pair two paragraphs of a gap as "modified"
CONTAIN_MIN = 0.8  # ...or this share of the smaller one found in the larger one
CONTAIN_DICE_MIN = 0.3  # ...with at least this Dice (a paragraph split in three, say)
SANDWICH_MIN = 0.4  # Dice enough for a pair standing between two pairs
MOVE_MIN = 0.6  # Dice needed to call a deleted + inserted pair "moved"
SPLIT_MIN = 0.6  # share of a split-off/merged paragraph's words found in its partner's change
DENSE_LIMIT = 36  # gaps up to this many pairs are scored in full
BAND = 2  # in larger ones, first the new paragraphs this close to the diagonal
STRONG = 0.6  # a Dice this high near the diagonal settles an old paragraph's partner
QUICK_ACCEPT = 0.7  # share of distinct chunks in common that pairs paragraphs at once
_NEAREST = (0, 1, -1, 2, -2)  # offsets from the expected place, nearest first (within BAND)
ROW_LIMIT = 4000  # unsettled paragraphs are scored against all others up to this many pairs
TOP_CANDIDATES = 8  # beyond, against the new paragraphs sharing most rare chunks with them
_SPACES = frozenset(("", " "))
_NONE: frozenset[str] = frozenset()
_PUNCTUATION = "!\"#$%&'()*+,./:;<=>?@[\\]^_`{|}~‘’‚‛“”„‟«»‹›…–—·•¡¿"  # dropped from units
# One regex pass removes them (str.translate with a table looks each character up in a dict,
# five times slower on text that is not all ASCII, such as text with curly quotes).
_UNPUNCT = re.compile(f"[{re.escape(_PUNCTUATION)}]")


class _Para:
    """A paragraph with what the alignment needs, computed on demand."""

    __slots__ = ("_chunks", "_codes", "_tokens", "code_set", "text", "units", "weight")

    def __init__(self, text: str) -> None:
        self.text = text
        self._chunks: list[str] | None = None
        self._codes: str | None = None
        self._tokens: list[str] | None = None
        self.units: frozenset[str] = _NONE
        self.weight = -1
        self.code_set: frozenset[str] = _NONE  # its distinct chunks, for the quick accept

    def chunks(self) -> list[str]:
        if self._chunks is None:
            self._chunks = self.text.split(" ")
        return self._chunks

    def codes(self, codec: Codec) -> str:
        if self._codes is None:
            self.set_codes(codec.encode(self.chunks()))
        assert self._codes is not None
        return self._codes

    def set_codes(self, codes: str) -> None:
        self._codes = codes

    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = tokenize(self.text)
        return self._tokens

    def prepare(self) -> None:
        """Set ``units``, what similarity compares: the paragraph's space-separated chunks
        without their punctuation (its tokens when it is in a script written without spaces,
        such as Chinese), and ``weight``, their total length."""
        if self.weight >= 0:
            return
        text = self.text
        if not text.isascii() and NOSPACE_RE.search(text):
            units = frozenset(self.tokens()).difference(_SPACES)
        else:
            units = frozenset(_UNPUNCT.sub("", text).split(" ")).difference(_SPACES)
        self.units = units
        self.weight = sum(map(len, units))


def _key(text: str, ignore_whitespace: bool, ignore_punctuation: bool) -> str:
    """What must be equal for two paragraphs to count as the same under the ignore options."""
    if not (ignore_whitespace or ignore_punctuation):
        return text
    parts: list[str] = []
    for token in tokenize(text):
        if token.isspace():
            if ignore_whitespace or (parts and parts[-1] == " "):
                continue
            parts.append(" " if ignore_punctuation else token)
        elif ignore_punctuation:
            if not is_punctuation(token):
                parts.append(strip_punctuation(token) or token)
        else:
            parts.append(token)
    return "\x00".join(parts)


def _lcs_pairs(old_keys: Sequence[str], new_keys: Sequence[str]) -> list[tuple[int, int]]:
    """Matched indices of a longest common subsequence of two key lists.

    Keys found on one side only can never match, so they are left out before the search:
    when most paragraphs were edited, the LCS runs on the few that were not."""
    common = set(old_keys).intersection(new_keys)
    if not common:
        return []
    old_at = [i for i, key in enumerate(old_keys) if key in common]
    new_at = [j for j, key in enumerate(new_keys) if key in common]
    chars = {key: chr(n + 0x100) for n, key in enumerate(common)}
    a = "".join([chars[old_keys[i]] for i in old_at])
    b = "".join([chars[new_keys[j]] for j in new_at])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    for op, chunk in raw_diff(a, b):
        n = len(chunk)
        if op == 0:
            pairs.extend(zip(old_at[i : i + n], new_at[j : j + n], strict=True))
            i += n
            j += n
        elif op < 0:
            i += n
        else:
            j += n
    return pairs


def _quick(a: _Para, b: _Para) -> float:
    """The Dice of two encoded paragraphs' distinct chunks (punctuation and all; 0.0 if either
    is not encoded): at ``QUICK_ACCEPT`` or more, they are similar without looking further."""
    chunks_a, chunks_b = a.code_set, b.code_set
    if chunks_a and chunks_b:
        return 2 * len(chunks_a & chunks_b) / (len(chunks_a) + len(chunks_b))
    return 0.0


def _candidates(
    olds: Sequence[int],
    news: Sequence[int],
    old: list[_Para],
    new: list[_Para],
    moves: bool | None,
) -> list[tuple[int, int, float]]:
    """Pairs (old index, new index, Dice) similar enough to be paired (or, with ``moves``, to
    be one moved paragraph).

    Small gaps are scored in full. In larger ones each old paragraph is first scored against
    the new paragraphs near the gap's diagonal (where an edited paragraph usually is); only
    when none of those is clearly its partner is it scored against the rest: all of them in
    a moderate gap, or those sharing one of its rarer chunks in a large one.
    """
    out: list[tuple[int, int, float]] = []
    n, m = len(olds), len(news)
    if not n or not m:
        return out
    # Similar enough: a Dice of MOVE_MIN for a move, SANDWICH_MIN for a pair between two
    # pairs, else PAIR_MIN, or containment of CONTAIN_MIN with a Dice of CONTAIN_DICE_MIN.
    floor = MOVE_MIN if moves else SANDWICH_MIN if moves is None else CONTAIN_DICE_MIN
    dice_min = MOVE_MIN if moves else SANDWICH_MIN if moves is None else PAIR_MIN
    contain_min = 2.0 if moves or moves is None else CONTAIN_MIN  # 2.0: never

    def score(i: int, j: int) -> float:
        a, b = old[i], new[j]
        quick = _quick(a, b)
        if quick >= QUICK_ACCEPT:
            out.append((i, j, quick))
            return quick
        if a.weight < 0:
            a.prepare()
        if b.weight < 0:
            b.prepare()
        lo, hi = (a.weight, b.weight) if a.weight <= b.weight else (b.weight, a.weight)
        if not lo:  # no words on one side at least: similar only if the same
            dice = contain = 1.0 if a.text == b.text else 0.0
        # Dice can reach at most 2*lo/(lo+hi): skip pairs too unequal in length.
        elif 2 * lo < floor * (lo + hi):
            return 0.0
        else:
            shared = sum(map(len, a.units & b.units))
            dice, contain = 2 * shared / (lo + hi), shared / lo
        if dice >= dice_min or (contain >= contain_min and dice >= CONTAIN_DICE_MIN):
            out.append((i, j, dice))
            return dice
        return 0.0

    if n * m <= DENSE_LIMIT:
        for i in olds:
            for j in news:
                score(i, j)
        return out
    scale = m / n
    weak: list[tuple[int, int, int]] = []  # (position, band start, band end) of unpaired rows
    partner = [-1] * n  # position in ``news`` of each row's partner, once found
    last = -1
    for pos, i in enumerate(olds):
        # An edited paragraph usually stands right after the previous one's partner (or,
        # before any, where its position in the gap says): try there first, then nearby.
        centre = last + 1 if last >= 0 else int(pos * scale + 0.5)
        centre = min(m - 1, centre)
        lo, hi = max(0, centre - BAND), min(m, centre + BAND + 1)
        for k in _NEAREST:
            at = centre + k
            if lo <= at < hi and score(i, news[at]) >= STRONG:
                partner[pos] = last = at
                break
        else:
            weak.append((pos, lo, hi))
    if not weak:
        return out
    # The rest: for a pairing in order, only between the partners of the rows around it
    # (anything else would be a move, found later); for moves, anywhere.
    rows: list[tuple[int, list[int]]] = []
    for pos, lo, hi in weak:
        start, stop = 0, m
        if not moves:
            before = [at for at in partner[:pos] if at >= 0]
            after = [at for at in partner[pos + 1 :] if at >= 0]
            start = before[-1] + 1 if before else 0
            stop = after[0] if after else m
        rows.append((olds[pos], [news[k] for k in range(start, stop) if not lo <= k < hi]))
    if sum(len(js) for _, js in rows) <= ROW_LIMIT:
        for i, js in rows:
            for j in js:
                score(i, j)
        return out
    # Large gap: index the new side by its rarer chunks, score only pairs sharing some.
    postings: dict[str, list[int]] = {}
    for j in news:
        new[j].prepare()
        for word in new[j].units:
            postings.setdefault(word, []).append(j)
    limit = max(4, m // 20)
    for i, js in rows:
        hits: Counter[int] = Counter()
        old[i].prepare()
        for word in old[i].units:
            found = postings.get(word)
            if found is not None and len(found) <= limit:
                hits.update(dict.fromkeys(found, len(word)))
        allowed = set(js)
        ranked = sorted((j for j in hits if j in allowed), key=hits.__getitem__, reverse=True)
        for j in ranked[:TOP_CANDIDATES]:
            score(i, j)
    return out


def _heaviest_chain(edges: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The order-preserving subset of edges (i and j both increasing) with the largest weight."""
    if not edges:
        return []
    ordered = sorted(range(len(edges)), key=lambda e: (edges[e][0], -edges[e][1]))
    in_order = [edges[e] for e in ordered]
    if _one_chain(in_order):
        return in_order
    js = sorted({j for _, j, _ in edges})
    rank = {j: r + 1 for r, j in enumerate(js)}
    size = len(js)
    tree_score = [0.0] * (size + 1)
    tree_edge = [-1] * (size + 1)
    score = [0.0] * len(edges)
    back = [-1] * len(edges)
    best, best_edge = 0.0, -1
    for e in ordered:
        _, j, w = edges[e]
        # Prefix maximum over ranks < rank[j] (a Fenwick tree of maxima).
        r = rank[j] - 1
        prev_score, prev_edge = 0.0, -1
        while r > 0:
            if tree_score[r] > prev_score:
                prev_score, prev_edge = tree_score[r], tree_edge[r]
            r -= r & -r
        score[e] = w + prev_score
        back[e] = prev_edge
        if score[e] > best:
            best, best_edge = score[e], e
        r = rank[j]
        while r <= size:
            if score[e] > tree_score[r]:
                tree_score[r], tree_edge[r] = score[e], e
            r += r & -r
    chain: list[tuple[int, int, float]] = []
    while best_edge != -1:
        chain.append(edges[best_edge])
        best_edge = back[best_edge]
    chain.reverse()
    return chain


def _one_chain(edges: list[tuple[int, int, float]]) -> bool:
    """Are these edges (in order of i) one chain already, i and j both strictly increasing and
    every weight positive? Then it is the heaviest chain, heavier than any part of it (the
    sentences of a version whose sentences stayed in order; few edits move anything)."""
    prev_i = prev_j = -1
    for i, j, w in edges:
        if i <= prev_i or j <= prev_j or w <= 0:
            return False
        prev_i, prev_j = i, j
    return True


def _align_gap(
    olds: Sequence[int], news: Sequence[int], old: list[_Para], new: list[_Para]
) -> list[tuple[int, int, float]]:
    """Order-preserving pairs ``(old index, new index, Dice)`` of related paragraphs between
    two anchors (``olds`` and ``news`` ascending).

    First the heaviest chain of pairs similar enough on their own (``PAIR_MIN``); then, in
    the stretches left between two such pairs, pairs that are only fairly similar
    (``SANDWICH_MIN``): a paragraph with a third of its words replaced, standing where its
    old self stood."""
    if len(olds) == 1 and len(news) == 1:  # one on each side: the chains are the pair or none
        return _candidates(olds, news, old, new, moves=False) or _candidates(
            olds, news, old, new, moves=None
        )
    if len(olds) == len(news) and len(olds) * len(news) <= DENSE_LIMIT:
        # As many on each side, each quickly accepted with its counterpart: every other
        # chain leaves one out, so weighs at most one less than their number (a Dice is at
        # most 1). If the diagonal weighs more, it is the heaviest chain, whatever the other
        # pairs score, and nothing is left between its pairs.
        diagonal = [(i, j, _quick(old[i], new[j])) for i, j in zip(olds, news, strict=True)]
        weight = sum(q for _, _, q in diagonal)
        if weight > len(olds) - 1 and all(q >= QUICK_ACCEPT for _, _, q in diagonal):
            return diagonal
    edges = _candidates(olds, news, old, new, moves=False)
    chain = _heaviest_chain(edges)
    pairs: list[tuple[int, int, float]] = []
    start_old = start_new = 0  # where the stretch before the next pair starts in olds, news
    for edge in [*chain, None]:
        end_old, end_new = len(olds), len(news)
        if edge is not None:
            end_old, end_new = bisect_left(olds, edge[0]), bisect_left(news, edge[1])
        if end_old > start_old and end_new > start_new:
            stretch_old, stretch_new = olds[start_old:end_old], news[start_new:end_new]
            loose = _candidates(stretch_old, stretch_new, old, new, moves=None)
            pairs.extend(_heaviest_chain(loose))
        if edge is not None:
            pairs.append(edge)
        start_old, start_new = end_old + 1, end_new + 1
    return pairs


def _match_moves(
    olds: list[int], news: list[int], old: list[_Para], new: list[_Para]
) -> dict[int, int]:
    """Leftover deleted/inserted paragraphs similar enough to be one moved paragraph: new -> old."""
    edges = _candidates(olds, news, old, new, moves=True)
    edges.sort(key=lambda e: (-e[2], abs(e[0] - e[1]), e[0], e[1]))
    used_old: set[int] = set()
    moves: dict[int, int] = {}
    for i, j, _ in edges:
        if i in used_old or j in moves:
            continue
        used_old.add(i)
        moves[j] = i
    return moves


def _fewest_moved(
    spine: list[tuple[int, int, float]],
    moves: dict[int, int],
    old: list[_Para],
    new: list[_Para],
) -> tuple[list[tuple[int, int, float]], dict[int, int]]:
    """Which of the paired paragraphs stay in place and which moved: the fewest moved
    paragraphs, and among as few, the fewest moved words.

    The anchors are a longest run of identical paragraphs in order, but when a paragraph
    moved past one that was also edited, another run may be as long and leave fewer
    paragraphs out of place (old A B C D E, new A E B' C: anchoring A and E moves B' and C;
    anchoring A and C moves E alone). So the pairs found (in place or moved) are chained
    again, each weighing one unit plus its words, the units first: the heaviest chain in
    order stays in place, the other pairs moved. A pair only similar enough to be paired in
    place (less than ``MOVE_MIN``) keeps its place; on a tie the first alignment stands.
    Paragraphs left unpaired between two pairs of the new chain are then paired there as
    in any gap.
    """
    # Only the pairs in place that a moved pair crosses can trade places with it (any other
    # pair is in order with every pair, so in every heaviest chain): those between the ones
    # before it in the old version and the ones before it in the new.
    spine_old = [i for i, _, _ in spine]
    spine_new = [j for _, j, _ in spine]
    crossed: set[int] = set()
    for j, i in moves.items():
        a, b = bisect_left(spine_old, i), bisect_left(spine_new, j)
        crossed.update(range(a, b) if a < b else range(b, a))
    pairs = [*(spine[k] for k in sorted(crossed)), *((i, j, 1.0) for j, i in moves.items())]
    in_place = len(crossed)  # the pairs before this index are in place
    chain: set[tuple[int, int]]
    if len(moves) == 1 and in_place <= 1:  # the one moved pair crosses one pair, or none
        (a, b, dice), (i, j, _) = pairs[0], pairs[-1]
        if in_place and (dice < MOVE_MIN or _words(old[i], new[j]) <= _words(old[a], new[b])):
            return spine, moves
        chain = {(i, j)}
    elif len(moves) == 1:  # it crosses several: they stay, it moved
        return spine, moves
    else:
        words = [_words(old[i], new[j]) for i, j, _ in pairs]
        # Integer weights, compared as (kept, pairs, words, first alignment) in that order.
        step = len(pairs) + 1
        unit = (sum(words) + 1) * step
        kept = unit * step
        edges: list[tuple[int, int, float]] = [
            (i, j, (kept if dice < MOVE_MIN else 0) + unit + n * step + (k < in_place))
            for k, ((i, j, dice), n) in enumerate(zip(pairs, words, strict=True))
        ]
        chain = {(i, j) for i, j, _ in _heaviest_chain(edges)}
    if not any((i, j) in chain for i, j, _ in pairs[in_place:]):
        return spine, moves  # the same chain: no moved pair stays in place
    paired_old = {*spine_old, *moves.values()}
    paired_new = {*spine_new, *moves}
    placed = sorted(
        [
            *(p for k, p in enumerate(spine) if k not in crossed),
            *(p for p in pairs if p[:2] in chain),
        ]
    )
    moves = {j: i for i, j, _ in pairs if (i, j) not in chain}
    out: list[tuple[int, int, float]] = []
    prev_i = prev_j = 0
    for i, j, dice in [*placed, (len(old), len(new), 0.0)]:
        olds = [a for a in range(prev_i, i) if a not in paired_old]
        news = [b for b in range(prev_j, j) if b not in paired_new]
        if olds and news:
            out.extend(_align_gap(olds, news, old, new))
        if i < len(old):
            out.append((i, j, dice))
        prev_i, prev_j = i + 1, j + 1
    return out, moves


def _words(a: _Para, b: _Para) -> int:
    return count_words(a.text) + count_words(b.text)


def _chunk_sets(paragraphs: list[_Para]) -> None:
    """Give paragraphs their sets of distinct chunks, for the quick accept (not when
    whitespace or punctuation is ignored: then pairs are only scored on their words)."""
    for p in paragraphs:
        p.code_set = frozenset(p.chunks())


class _Comparer:
    def __init__(self, ignore_whitespace: bool, ignore_punctuation: bool) -> None:
        self.ignore_whitespace = ignore_whitespace
        self.ignore_punctuation = ignore_punctuation
        self.ignoring = ignore_whitespace or ignore_punctuation
        self.codec = Codec()
        self.engine = TokenDMP(self.codec)
        self.added = self.removed = 0
        # pairs (old index, new index) whose chunk-level changes are known without a raw diff
        self.planned: dict[tuple[int, int], Changes] = {}

    def diff(self, a: _Para, b: _Para, planned: Changes | None = None) -> TokenDiff:
        if planned is not None:
            return diff_planned(self.engine, a.text, b.text, a.chunks(), b.chunks(), planned)
        if self.ignoring:
            return diff_ignoring(
                self.engine,
                a.tokens(),
                b.tokens(),
                ignore_whitespace=self.ignore_whitespace,
                ignore_punctuation=self.ignore_punctuation,
            )
        return diff_chunked(
            self.engine,
            a.text,
            b.text,
            a.chunks(),
            b.chunks(),
            a.codes(self.codec),
            b.codes(self.codec),
        )

    def plan(self, pairs: list[tuple[int, int]], old: list[_Para], new: list[_Para]) -> None:
        """Find the pairs to be diffed whose chunk-level changes are clear without a raw diff
        (most edited paragraphs of an article: a few words replaced, see plan_changes), and
        encode the chunks of the others in one go."""
        planned = self.planned
        full: list[_Para] = []
        for i, j in pairs:
            a, b = old[i], new[j]
            if a.text == b.text:
                continue
            # their sets of distinct chunks, when the alignment made them (paragraphs in gaps)
            changes = plan_changes(a.chunks(), b.chunks(), a.code_set or None, b.code_set or None)
            if changes is None:
                full += (a, b)
            else:
                planned[i, j] = changes
        self.encode(full)

    def encode(self, paragraphs: list[_Para]) -> None:
        """Encode the chunks of many paragraphs in one go (one set difference, one update of
        the codec's tables, instead of one per paragraph)."""
        paragraphs = [p for p in paragraphs if p._codes is None]
        chunks = [p.chunks() for p in paragraphs]
        codes = self.codec.encode(list(chain.from_iterable(chunks)))
        at = 0
        for paragraph, parts in zip(paragraphs, chunks, strict=True):
            paragraph.set_codes(codes[at : at + len(parts)])
            at += len(parts)

    def pair(self, a: _Para, b: _Para, i: int, j: int, moved: bool) -> ParagraphDiff:
        if a.text == b.text:
            ops = [("=", a.text)] if a.text else []
            return ParagraphDiff("moved" if moved else "unchanged", i, j, 1.0, ops)
        result = self.diff(a, b, self.planned.get((i, j)))
        self.added += result.words_added
        self.removed += result.words_removed
        similarity = result.similarity(len(a.text), len(b.text))
        kind = "moved" if moved else ("modified" if result.changed else "unchanged")
        return ParagraphDiff(kind, i, j, similarity, result.ops, ignored=result.ignored)

    def inserted(self, j: int, text: str) -> ParagraphDiff:
        self.added += count_words(text)
        return ParagraphDiff("inserted", None, j, 0.0, [("+", text)] if text else [])

    def deleted(self, i: int, text: str) -> ParagraphDiff:
        self.removed += count_words(text)
        return ParagraphDiff("deleted", i, None, 0.0, [("-", text)] if text else [])

    def title(self, old: str, new: str) -> TitleDiff:
        if old == new:
            return TitleDiff(False, [("=", old)] if old else [])
        result = self.diff(_Para(old), _Para(new))
        return TitleDiff(result.changed, result.ops, result.ignored)

    def standfirst(self, old: str | None, new: str | None) -> TitleDiff:
        """The standfirst's diff; a side that was not looked for (``None``) is the other's."""
        if old is None:
            old = new or ""
        return self.title(old, old if new is None else new)

    def compare(self, old_doc: Document, new_doc: Document) -> DocumentDiff:
        old = [_Para(t) for t in old_doc.paragraphs]
        new = [_Para(t) for t in new_doc.paragraphs]
        old_keys: Sequence[str] = old_doc.paragraphs
        new_keys: Sequence[str] = new_doc.paragraphs
        if self.ignoring:
            flags = (self.ignore_whitespace, self.ignore_punctuation)
            old_keys = [_key(p.text, *flags) for p in old]
            new_keys = [_key(p.text, *flags) for p in new]

        anchors = _lcs_pairs(old_keys, new_keys)
        if not self.ignoring:  # the paragraphs in gaps will be compared
            anchored_old = {i for i, _ in anchors}
            anchored_new = {j for _, j in anchors}
            _chunk_sets(
                [p for i, p in enumerate(old) if i not in anchored_old]
                + [p for j, p in enumerate(new) if j not in anchored_new]
            )
        # Order-preserving pairs (old index, new index, Dice): anchors and gap pairs.
        spine: list[tuple[int, int, float]] = []
        prev_i = prev_j = 0
        for i, j in [*anchors, (len(old), len(new))]:
            if i > prev_i and j > prev_j:
                spine.extend(_align_gap(range(prev_i, i), range(prev_j, j), old, new))
            if i < len(old):
                spine.append((i, j, 1.0))
            prev_i, prev_j = i + 1, j + 1

        paired_old = {i for i, _, _ in spine}
        paired_new = {j for _, j, _ in spine}
        left_old = [i for i in range(len(old)) if i not in paired_old]
        left_new = [j for j in range(len(new)) if j not in paired_new]
        moves = _match_moves(left_old, left_new, old, new)
        if moves:
            spine, moves = _fewest_moved(spine, moves, old, new)
        moved_old = set(moves.values())

        if not self.ignoring:  # the paired paragraphs will be diffed: plan them at once
            self.plan([(i, j) for i, j, _ in spine] + [(m, n) for n, m in moves.items()], old, new)
        self.added = self.removed = 0
        entries: list[ParagraphDiff] = []
        prev_i = prev_j = 0
        for i, j, _ in [*spine, (len(old), len(new), 0.0)]:
            for d in range(prev_i, i):
                if d not in moved_old:
                    entries.append(self.deleted(d, old[d].text))
            for n in range(prev_j, j):
                if n in moves:
                    m = moves[n]
                    entries.append(self.pair(old[m], new[n], m, n, moved=True))
                else:
                    entries.append(self.inserted(n, new[n].text))
            if i < len(old):
                entries.append(self.pair(old[i], new[j], i, j, moved=False))
            prev_i, prev_j = i + 1, j + 1

        shared = _link_splits(entries)
        kinds = [e.kind for e in entries]
        stats = DiffStats(
            words_added=self.added - shared,
            words_removed=self.removed - shared,
            paragraphs_unchanged=kinds.count("unchanged"),
            paragraphs_modified=kinds.count("modified"),
            paragraphs_inserted=kinds.count("inserted"),
            paragraphs_deleted=kinds.count("deleted"),
            paragraphs_moved=kinds.count("moved"),
        )
        return DocumentDiff(
            self.title(old_doc.title, new_doc.title),
            entries,
            stats,
            self.standfirst(old_doc.standfirst, new_doc.standfirst),
        )


def _changed_words(entry: ParagraphDiff, tag: str) -> Counter[str]:
    """The words of an entry's deletions (``-``) or insertions (``+``)."""
    ignored = set(entry.ignored)
    return Counter(
        w
        for k, (t, text) in enumerate(entry.ops)
        if t == tag and k not in ignored
        for w in word_list(text)
    )


_PARTNER = {"inserted": "-", "deleted": "+"}  # where a split-off / merged paragraph's words are


def _link_splits(entries: list[ParagraphDiff]) -> int:
    """Mark inserted paragraphs split off a changed neighbour, and deleted ones merged into
    one (in place). Returns the number of words they share with their partners."""
    shared_total = 0
    linked: set[int] = set()
    for k, entry in enumerate(entries):
        if entry.kind not in ("modified", "moved"):
            continue
        pools: dict[str, Counter[str]] = {}
        for step in (1, -1):
            n = k + step
            while 0 <= n < len(entries) and entries[n].kind in _PARTNER:
                other = entries[n]
                changed = sum(len(t) for tag, t in entry.ops if tag == _PARTNER[other.kind])
                text = other.new_text or other.old_text
                # A partner's change must be about as long as the paragraph, at least.
                if n not in linked and changed >= SPLIT_MIN / 2 * len(text):
                    pool = pools.get(other.kind)
                    if pool is None:
                        pool = pools[other.kind] = _changed_words(entry, _PARTNER[other.kind])
                    mine = Counter(word_list(text))
                    total = sum(mine.values())
                    common = mine & pool
                    found = sum(common.values())
                    if total and found >= SPLIT_MIN * total:
                        pools[other.kind] = pool - common
                        shared_total += found
                        linked.add(n)
                        if other.kind == "inserted":
                            entries[n] = replace(other, split_from=entry.old_index)
                        else:
                            entries[n] = replace(other, merged_into=entry.new_index)
                n += step
    return shared_total


def compare(
    old: Document,
    new: Document,
    *,
    ignore_whitespace: bool = False,
    ignore_punctuation: bool = False,
) -> DocumentDiff:
    """Compare two versions: headline diff, paragraph alignment, word diffs, stats, and the
    standfirst's diff.

    With ``ignore_whitespace``/``ignore_punctuation``, paragraphs that differ only in whitespace
    or punctuation count as unchanged, and such differences inside a changed paragraph are not
    shown as changes (they stay in the ops, listed in ``ParagraphDiff.ignored``, so the ops still
    rebuild both texts exactly).
    """
    return _Comparer(ignore_whitespace, ignore_punctuation).compare(old, new)
