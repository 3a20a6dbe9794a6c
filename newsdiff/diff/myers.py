"""The raw token diff under the word diff: diff-match-patch on encoded tokens, never timing out.

diff-match-patch (dmp) diffs characters; each token (or space-separated chunk) is encoded as one
character (:class:`~newsdiff.diff.tokens.Codec`), so its Myers diff and semantic cleanup run on
token sequences. ``Diff_Timeout`` is 0, so a hard diff is always computed to the end and never
degrades to "everything replaced" (dmp's default of one second does exactly that on long,
heavily edited texts).

Before Myers' O(ND) search, common ends are stripped and the texts are cut at a short run of
units that occurs once in each, near the middle (and near the same relative place, so a chance
match far away is not taken); long texts are first cut at all units occurring once in each,
kept in order (patience diff). Semantic cleanup counts sizes in words, so whitespace and
punctuation tip no balance; dmp's "lossless" step, which slides an edit to a word boundary,
scores the tokens the characters stand for.

Optional accelerator: when ``fast-diff-match-patch`` (the same library compiled from its C++
port) imports, the stretches that would go to the seed cuts and Myers' search in Python go to
its Myers diff instead. Patience cuts of long texts and everything after the raw diff stay in
Python, so both paths share their semantics. On ``bench/diff.py``'s 800-word case compare()
takes 0.82 ms against 0.96 ms, and half the time on heavy edits (adversarial text with no rare
shared word: 2,000 words in 0.06 s against 0.4 s). Its own cleanups and time limit are off: ours run
on what it returns. The raw diffs may differ where several diffs are equally short (the pure
path's seed cuts are a heuristic, Myers' search is exact), so change counts can differ by a
word or two on heavily edited texts. ``NEWSDIFF_PURE_DIFF=1`` forces the pure path (tests run
both).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence

from diff_match_patch import diff_match_patch

from newsdiff.diff.tokens import Codec

RawDiff = Callable[..., list[tuple[str, str]]]
_native: RawDiff | None = None
if not os.environ.get("NEWSDIFF_PURE_DIFF"):
    try:
        import fast_diff_match_patch

        _native = fast_diff_match_patch.diff
    except ImportError:  # pragma: no cover - the pure path does the same work, slower
        _native = None
_NATIVE_OPS = {"=": 0, "-": -1, "+": 1}


def engine() -> str:
    """Which raw diff runs: ``"native"`` (fast-diff-match-patch) or ``"pure"`` (Python)."""
    return "pure" if _native is None else "native"


def set_engine(name: str) -> None:
    """Choose the raw diff (``"native"`` needs fast-diff-match-patch); for tests and benchmarks."""
    global _native
    if name == "pure":
        _native = None
    elif name == "native":
        import fast_diff_match_patch

        _native = fast_diff_match_patch.diff
    else:
        raise ValueError(f"unknown diff engine {name!r}: native or pure")


def _native_diff(native: RawDiff, a: str, b: str, out: list[tuple[int, str]]) -> None:
    """Append the compiled Myers diff of ``a`` and ``b`` to ``out`` (no cleanup, no time limit).

    dmp's diff always ends with its merge step (no empty ops, no two of a kind in a row), so
    only its first op may have to join the last one of ``out``."""
    ops = _NATIVE_OPS
    diffs = native(a, b, timelimit=0, cleanup="No", counts_only=False, checklines=False)
    if out and diffs:
        _emit(out, ops[diffs[0][0]], diffs[0][1])
        diffs = diffs[1:]
    out += [(ops[op], text) for op, text in diffs]


def raw_diff(a: str, b: str) -> list[tuple[int, str]]:
    """dmp's diff of two strings with no time limit and no cleanup, compiled when it can be
    (the compiled port gives the same ops)."""
    out: list[tuple[int, str]] = []
    if _native is not None:
        _native_diff(_native, a, b, out)
        return out
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return list(dmp.diff_main(a, b, False))


_BLANK_END = re.compile(r"\n\r?\n$")
_BLANK_START = re.compile(r"^\r?\n\r?\n")


def _boundary_score(left: str, right: str) -> int:
    """dmp's boundary score (6 best .. 0 worst) for the join between two texts."""
    if not left or not right:
        return 6
    char1, char2 = left[-1], right[0]
    non_alnum1, non_alnum2 = not char1.isalnum(), not char2.isalnum()
    space1 = non_alnum1 and char1.isspace()
    space2 = non_alnum2 and char2.isspace()
    break1 = space1 and char1 in "\r\n"
    break2 = space2 and char2 in "\r\n"
    if (break1 and _BLANK_END.search(left)) or (break2 and _BLANK_START.match(right)):
        return 5
    if break1 or break2:
        return 4
    if non_alnum1 and not space1 and space2:
        return 3
    if space1 or space2:
        return 2
    if non_alnum1 or non_alnum2:
        return 1
    return 0


PATIENCE_MIN = 120  # dmp's Myers search on more units than this is first cut at anchors
LONG_TEXT = 400  # texts this long are cut at anchors before seed runs are tried


def unique_anchors(old: str, new: str) -> list[tuple[int, int, int]]:
    """Runs ``(i, j, n)`` with ``old[i:i+n] == new[j:j+n]``, built from the characters that
    occur exactly once in each string, kept in order (a longest increasing subsequence, as in
    patience diff)."""
    seen_old = Counter(old)
    seen_new = Counter(new)
    once = {ch for ch, n in seen_old.items() if n == 1}
    once.intersection_update([ch for ch, n in seen_new.items() if n == 1])
    if not once:
        return []
    where_new = {ch: j for j, ch in enumerate(new) if ch in once}
    pairs = [(i, where_new[ch]) for i, ch in enumerate(old) if ch in once]
    # Longest increasing subsequence of the new positions (patience sorting).
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos else -1
    chain: list[tuple[int, int]] = []
    k = tail_at[-1]
    while k != -1:
        chain.append(pairs[k])
        k = back[k]
    chain.reverse()
    runs: list[tuple[int, int, int]] = []
    for i, j in chain:
        if runs and runs[-1][0] + runs[-1][2] == i and runs[-1][1] + runs[-1][2] == j:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((i, j, 1))
    return runs


SEED = 3  # units in a run that cuts a diff in two
SEED_TRIES = 7  # places tried, from the middle outwards


def _seed(a: str, b: str) -> tuple[int, int, int] | None:
    """``(i, j, n)``: a run ``a[i:i+n] == b[j:j+n]`` found exactly once in each text, as near
    the middle of ``a`` as possible; None if there is none nearby."""
    n = SEED
    if len(a) < 2 * n or len(b) < 2 * n:
        return None
    middle = len(a) // 2 - n // 2
    slack = 8 + abs(len(a) - len(b)) + max(len(a), len(b)) / 10
    for t in range(SEED_TRIES):
        i = middle + (t + 1) // 2 * n * (1 if t % 2 else -1)
        if i < 0 or i + n > len(a):
            continue
        run = a[i : i + n]
        j = b.find(run)
        if j < 0 or b.find(run, j + 1) >= 0 or a.find(run) != i or a.find(run, i + 1) >= 0:
            continue
        if abs(j - i * len(b) / len(a)) > slack:
            continue  # found once, but far from where it would be: a coincidence
        return i, j, n
    return None


def _emit(out: list[tuple[int, str]], op: int, text: str) -> None:
    """Append an op to a raw diff, joining it to the last one if they are the same kind."""
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


def _folds(diffs: list[tuple[int, str]]) -> bool:
    """Whether semantic cleanup would fold an equality of a diff of chunks (sizes are
    lengths): :func:`folds` of its ops' sizes (the same loop, on the texts' lengths)."""
    ins = dele = before = 0
    weight = -1  # the last equality's size, once there is one
    for op, text in diffs:
        if op == 0:
            after = ins if ins > dele else dele
            if weight >= 0 and after and _fold(weight, before, after):
                return True
            before, weight, ins, dele = after, len(text), 0, 0
        elif op > 0:
            ins += len(text)
        else:
            dele += len(text)
    after = ins if ins > dele else dele
    return weight >= 0 and after > 0 and _fold(weight, before, after)


def folds(sizes: Sequence[tuple[int, int]]) -> bool:
    """Whether semantic cleanup would fold an equality of a diff of chunks given as the (op,
    size) of its ops. It folds one if the rule holds for it against the whole runs of changes
    on each side: the rule only gets easier as the run after it grows, and until a fold
    nothing changes, so checking each equality once against its neighbours' sizes says the
    same."""
    ins = dele = before = 0
    weight = -1  # the last equality's size, once there is one
    for op, size in sizes:
        if op == 0:
            after = ins if ins > dele else dele
            if weight >= 0 and after and _fold(weight, before, after):
                return True
            before, weight, ins, dele = after, size, 0, 0
        elif op > 0:
            ins += size
        else:
            dele += size
    after = ins if ins > dele else dele
    return weight >= 0 and after > 0 and _fold(weight, before, after)


def _fold(weight: int, before: int, after: int) -> bool:
    """The semantic cleanup's rule: fold an equality of no words between two edits, or one no
    bigger than either edit and less than half of one of them."""
    return bool(before and after and weight == 0) or (
        weight <= min(before, after) and 2 * weight < max(before, after)
    )


class TokenDMP(diff_match_patch):  # type: ignore[misc]
    """diff-match-patch on encoded tokens: no timeout, token-aware semantic cleanup, and long
    texts first cut at unique common units (as patience diff does) so that Myers' O(ND)
    search only runs on short stretches."""

    def __init__(self, codec: Codec) -> None:
        super().__init__()
        self.Diff_Timeout = 0.0
        self.codec = codec
        self.spaced = False  # True while cleaning a diff of space-separated chunks

    def diff_bisect(self, text1: str, text2: str, deadline: float) -> list[tuple[int, str]]:
        """Cut long texts at unique anchors and diff the stretches between them; short ones
        (or ones without anchors) go to dmp's Myers bisection."""
        if len(text1) + len(text2) > PATIENCE_MIN:
            runs = unique_anchors(text1, text2)
            if runs:
                diffs: list[tuple[int, str]] = []
                i = j = 0
                for a, b, n in runs:
                    if a > i or b > j:
                        diffs += self.diff_main(text1[i:a], text2[j:b], False, deadline)
                    diffs.append((0, text1[a : a + n]))
                    i, j = a + n, b + n
                diffs += self.diff_main(text1[i:], text2[j:], False, deadline)
                return diffs
        result: list[tuple[int, str]] = super().diff_bisect(text1, text2, deadline)
        return result

    def _score(self, one: str, two: str) -> int:
        if not one or not two:
            return 6
        if self.spaced:  # a space between any two chunks: is it also a sentence end?
            last = self.codec.token(one[-1])[-1:]
            return 3 if last and not last.isalnum() else 2
        token = self.codec.token
        return _boundary_score(token(one[-1]), token(two[0]))

    def diff_cleanupSemanticLossless(self, diffs: list[tuple[int, str]]) -> None:  # noqa: N802
        """Slide single edits between equalities to the best token boundary."""
        pointer = 1
        score = self._score
        while pointer < len(diffs) - 1:
            if diffs[pointer - 1][0] == 0 and diffs[pointer + 1][0] == 0:
                equality1 = diffs[pointer - 1][1]
                edit = diffs[pointer][1]
                equality2 = diffs[pointer + 1][1]
                common = self.diff_commonSuffix(equality1, edit)
                if common:
                    shared = edit[-common:]
                    equality1 = equality1[:-common]
                    edit = shared + edit[:-common]
                    equality2 = shared + equality2
                best1, best_edit, best2 = equality1, edit, equality2
                best_score = score(equality1, edit) + score(edit, equality2)
                while edit and equality2 and edit[0] == equality2[0]:
                    equality1 += edit[0]
                    edit = edit[1:] + equality2[0]
                    equality2 = equality2[1:]
                    value = score(equality1, edit) + score(edit, equality2)
                    # >= prefers trailing over leading whitespace in an edit, as dmp does.
                    if value >= best_score:
                        best_score = value
                        best1, best_edit, best2 = equality1, edit, equality2
                if diffs[pointer - 1][1] != best1:
                    if best1:
                        diffs[pointer - 1] = (0, best1)
                    else:
                        del diffs[pointer - 1]
                        pointer -= 1
                    diffs[pointer] = (diffs[pointer][0], best_edit)
                    if best2:
                        diffs[pointer + 1] = (0, best2)
                    else:
                        del diffs[pointer + 1]
                        pointer -= 1
            pointer += 1

    def diff_cleanupSemantic(self, diffs: list[tuple[int, str]]) -> None:  # noqa: N802
        """dmp's semantic cleanup, with sizes counted in words rather than characters (a
        chunk is a word), so that whitespace and punctuation tip no balance: an equality no
        bigger than the edits on each side of it is folded into them, so changes read as
        phrases."""
        if self.spaced and not _folds(diffs):
            self._extract_overlaps(diffs)  # nothing to fold, and nothing to slide
            return
        size = len if self.spaced else self.codec.word_count
        changes = False
        equalities: list[int] = []  # indices of equalities still in play
        last_equality: str | None = None
        ins1 = del1 = ins2 = del2 = 0  # edit sizes before and after the last equality
        pointer = 0
        while pointer < len(diffs):
            op, text = diffs[pointer]
            if op == 0:
                equalities.append(pointer)
                ins1, del1, ins2, del2 = ins2, del2, 0, 0
                last_equality = text
            else:
                if op > 0:
                    ins2 += size(text)
                else:
                    del2 += size(text)
                if last_equality is not None:
                    weight = size(last_equality)
                    before, after = max(ins1, del1), max(ins2, del2)
                    # Fold an equality of no words between two edits, or one no bigger than
                    # either edit and less than half of one of them: "[-are expected to say
                    # later-]{+say+}", but "[-x-]{+x1+} B [-y-]{+y1+}" keeps its B (a looser
                    # rule, like dmp's, costs up to 4% more changed words on heavy edits).
                    if _fold(weight, before, after):
                        where = equalities[-1]
                        diffs[where] = (-1, last_equality)
                        diffs.insert(where + 1, (1, last_equality))
                        equalities.pop()
                        if equalities:
                            equalities.pop()
                        pointer = equalities[-1] if equalities else -1
                        ins1 = del1 = ins2 = del2 = 0
                        last_equality = None
                        changes = True
            pointer += 1
        if changes:
            self.diff_cleanupMerge(diffs)
        if not self.spaced:  # between chunks every boundary is a space: nothing to slide to
            self.diff_cleanupSemanticLossless(diffs)
        self._extract_overlaps(diffs)

    def _extract_overlaps(self, diffs: list[tuple[int, str]]) -> None:
        """A deletion and an insertion that overlap (``-abcxxx +xxxdef``) keep the overlap as
        an equality when it is at least half of either (as dmp does)."""
        pointer = 1
        found = False
        while pointer < len(diffs):
            if (
                diffs[pointer - 1][0] == -1
                and diffs[pointer][0] == 1
                and not set(diffs[pointer - 1][1]).isdisjoint(diffs[pointer][1])
            ):
                found = True
                deletion, insertion = diffs[pointer - 1][1], diffs[pointer][1]
                over1 = self.diff_commonOverlap(deletion, insertion)
                over2 = self.diff_commonOverlap(insertion, deletion)
                if over1 >= over2:
                    if over1 >= len(deletion) / 2 or over1 >= len(insertion) / 2:
                        diffs.insert(pointer, (0, insertion[:over1]))
                        diffs[pointer - 1] = (-1, deletion[: len(deletion) - over1])
                        diffs[pointer + 1] = (1, insertion[over1:])
                        pointer += 1
                elif over2 >= len(deletion) / 2 or over2 >= len(insertion) / 2:
                    diffs.insert(pointer, (0, deletion[:over2]))
                    diffs[pointer - 1] = (1, insertion[: len(insertion) - over2])
                    diffs[pointer + 1] = (-1, deletion[over2:])
                    pointer += 1
                pointer += 1
            pointer += 1
        if found:  # overlap extraction can leave empty edits behind
            diffs[:] = [d for d in diffs if d[1]]

    def _split(self, a: str, b: str, out: list[tuple[int, str]]) -> None:
        """Append the raw diff of ``a`` and ``b`` to ``out`` (equalities merged).

        Common ends are stripped (C-speed string compares); what is left is cut at a short
        run of units found once in each text near the middle of ``a`` (most edits to a
        paragraph are a few scattered words, so this splits the problem in a handful of
        steps), and stretches without such a run go to dmp's Myers diff."""
        if a == b:
            _emit(out, 0, a)
            return
        native = _native
        if native is not None and len(a) + len(b) <= LONG_TEXT:
            _native_diff(native, a, b, out)
            return
        head: int = self.diff_commonPrefix(a, b)
        if head:
            _emit(out, 0, a[:head])
            a, b = a[head:], b[head:]
        tail: int = self.diff_commonSuffix(a, b)
        suffix = ""
        if tail:
            suffix = a[len(a) - tail :]
            a, b = a[: len(a) - tail], b[: len(b) - tail]
        if not a or not b or set(a).isdisjoint(b):
            _emit(out, -1, a)
            _emit(out, 1, b)
        elif len(a) + len(b) > LONG_TEXT and (runs := unique_anchors(a, b)):
            i = j = 0
            for x, y, n in runs:
                self._split(a[i:x], b[j:y], out)
                _emit(out, 0, a[x : x + n])
                i, j = x + n, y + n
            self._split(a[i:], b[j:], out)
        elif native is not None:
            _native_diff(native, a, b, out)
        else:
            cut = _seed(a, b)
            if cut is None:
                for op, text in self.diff_main(a, b, False):
                    _emit(out, op, text)
            else:
                i, j, n = cut
                self._split(a[:i], b[:j], out)
                _emit(out, 0, a[i : i + n])
                self._split(a[i + n :], b[j + n :], out)
        _emit(out, 0, suffix)

    def diff(self, old: str, new: str, *, spaced: bool = False) -> list[tuple[int, str]]:
        """The cleaned-up diff of two encoded strings (``spaced``: of space-separated chunks)."""
        if old == new:
            return [(0, old)] if old else []
        native = _native
        if native is not None and len(old) + len(new) <= LONG_TEXT:  # _split, in short
            ops = _NATIVE_OPS
            result = [
                (ops[op], text)
                for op, text in native(
                    old, new, timelimit=0, cleanup="No", counts_only=False, checklines=False
                )
            ]
        else:
            result = []
            self._split(old, new, result)
        # Runs of changes: one fewer than the equalities, plus one at either end (ops of a
        # kind never follow each other, so equalities and runs of changes alternate).
        equalities = [op for op, _ in result].count(0)
        groups = equalities - 1 + (result[0][0] != 0) + (result[-1][0] != 0)
        if groups <= 1:
            # One change: no equality to fold; a lone insertion or deletion may still slide
            # to a better boundary, and a deletion and insertion may overlap.
            if not spaced and len(result) == 3:
                self.diff_cleanupSemanticLossless(result)
            self._extract_overlaps(result)
            return result
        self.spaced = spaced
        try:
            self.diff_cleanupSemantic(result)
        finally:
            self.spaced = False
        return result
