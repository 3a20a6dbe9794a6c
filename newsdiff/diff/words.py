"""Word-level diff: diff-match-patch over tokens encoded as characters, with semantic cleanup.

diff-match-patch (dmp) diffs characters. Each token (word, whitespace run, punctuation) is encoded
as one character (:class:`~newsdiff.diff.tokens.Codec`), so dmp's Myers diff and its semantic
cleanup run on token sequences: changes come out as whole words and read as phrases
(``[-are expected to say later-]{+say+}``), never as letter soup. ``Diff_Timeout`` is 0, so a
hard diff is always computed to the end and never degrades to "everything replaced" (dmp's
default of one second does exactly that on long, heavily edited texts).

dmp's "lossless" cleanup, which slides an edit sideways to a word boundary, looks at the
characters around the edit; on encoded tokens those are meaningless, so it is replaced here by
the same scoring applied to the tokens the characters stand for.

With ``ignore_whitespace`` / ``ignore_punctuation`` the diff runs on the significant tokens only;
differences in the ignored tokens stay in the ops (so the ops still rebuild both texts) as
``-``/``+`` pairs whose indices are listed in :attr:`TokenDiff.ignored`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from newsdiff.diff.tokens import Codec, is_punctuation, strip_punctuation, tokenize

Op = tuple[str, str]

_TAG = {0: "=", -1: "-", 1: "+"}
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


class TokenDMP(diff_match_patch):  # type: ignore[misc]
    """diff-match-patch on encoded tokens: no timeout, token-aware semantic cleanup."""

    def __init__(self, codec: Codec) -> None:
        super().__init__()
        self.Diff_Timeout = 0.0
        self.codec = codec

    def _score(self, one: str, two: str) -> int:
        if not one or not two:
            return 6
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

    def diff(self, old: str, new: str) -> list[tuple[int, str]]:
        """The cleaned-up diff of two encoded strings."""
        if old == new:
            return [(0, old)] if old else []
        diffs: list[tuple[int, str]] = self.diff_main(old, new, False)
        self.diff_cleanupSemantic(diffs)
        return diffs


@dataclass(frozen=True)
class TokenDiff:
    """The word diff of two texts, with what the paragraph level needs from it."""

    ops: list[Op]
    ignored: tuple[int, ...]  # indices of ops that differ only in ignored ways
    words_added: int
    words_removed: int
    equal_chars: int  # length of the text the two sides share

    @property
    def changed(self) -> bool:
        ignored = set(self.ignored)
        return any(tag != "=" for i, (tag, _) in enumerate(self.ops) if i not in ignored)

    def similarity(self, old_len: int, new_len: int) -> float:
        if not self.changed:
            return 1.0
        total = old_len + new_len
        return round(2 * self.equal_chars / total, 3) if total else 1.0


def diff_encoded(engine: TokenDMP, old: str, new: str) -> TokenDiff:
    """Diff two token strings encoded with ``engine.codec``; no ignored differences."""
    codec = engine.codec
    ops: list[Op] = []
    added = removed = equal = 0
    for op, chunk in engine.diff(old, new):
        text = codec.decode(chunk)
        if op == 0:
            equal += len(text)
        elif op < 0:
            removed += codec.word_count(chunk)
        else:
            added += codec.word_count(chunk)
        ops.append((_TAG[op], text))
    return TokenDiff(ops, (), added, removed, equal)


def _significant(
    tokens: Sequence[str], ignore_whitespace: bool, ignore_punctuation: bool
) -> tuple[list[int], list[str]]:
    """Indices and comparison keys of the tokens that count under the ignore options."""
    index: list[int] = []
    keys: list[str] = []
    last_space = False
    for i, token in enumerate(tokens):
        if token.isspace():
            if ignore_whitespace or (last_space and ignore_punctuation):
                continue
            index.append(i)
            keys.append(token)
            last_space = True
            continue
        if ignore_punctuation:
            if is_punctuation(token):
                continue
            key = strip_punctuation(token) or token
        else:
            key = token
        index.append(i)
        keys.append(key)
        last_space = False
    return index, keys


def _strip_common(old: list[str], new: list[str]) -> tuple[int, int]:
    """Lengths of the common token prefix and suffix of two lists (not overlapping)."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def diff_ignoring(
    engine: TokenDMP,
    old: Sequence[str],
    new: Sequence[str],
    *,
    ignore_whitespace: bool,
    ignore_punctuation: bool,
) -> TokenDiff:
    """Diff token lists, treating whitespace/punctuation differences as ignorable."""
    codec = engine.codec
    old_idx, old_keys = _significant(old, ignore_whitespace, ignore_punctuation)
    new_idx, new_keys = _significant(new, ignore_whitespace, ignore_punctuation)
    # Matched significant tokens, as (old index, new index) in the full token lists.
    matches: list[tuple[int, int]] = []
    pos_old = pos_new = 0
    for op, chunk in engine.diff(codec.encode(old_keys), codec.encode(new_keys)):
        n = len(chunk)
        if op == 0:
            pairs = zip(old_idx[pos_old : pos_old + n], new_idx[pos_new : pos_new + n], strict=True)
            matches.extend(pairs)
            pos_old += n
            pos_new += n
        elif op < 0:
            pos_old += n
        else:
            pos_new += n
    matches.append((len(old), len(new)))

    raw: list[tuple[str, str, bool]] = []  # (tag, text, ignorable)

    def segment(a: list[str], b: list[str], real: bool) -> None:
        head, tail = _strip_common(a, b)
        if head:
            raw.append(("=", "".join(a[:head]), False))
        mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
        if mid_a:
            raw.append(("-", "".join(mid_a), not real))
        if mid_b:
            raw.append(("+", "".join(mid_b), not real))
        if tail:
            raw.append(("=", "".join(a[len(a) - tail :]), False))

    matched_old = {i for i, _ in matches}
    matched_new = {j for _, j in matches}
    sig_old, sig_new = set(old_idx), set(new_idx)
    prev_o = prev_n = 0
    for o, n in matches:
        gap_a, gap_b = list(old[prev_o:o]), list(new[prev_n:n])
        real = any(i in sig_old and i not in matched_old for i in range(prev_o, o)) or any(
            j in sig_new and j not in matched_new for j in range(prev_n, n)
        )
        segment(gap_a, gap_b, real)
        if o < len(old):
            segment([old[o]], [new[n]], False)
        prev_o, prev_n = o + 1, n + 1

    ops: list[Op] = []
    ignored: list[int] = []
    flags: list[bool] = []
    for tag, text, quiet in raw:
        if ops and ops[-1][0] == tag and flags[-1] == quiet:
            ops[-1] = (tag, ops[-1][1] + text)
            continue
        ops.append((tag, text))
        flags.append(quiet)
    # A run like (-a quiet)(-b real) must keep deletions before insertions per change.
    ops, flags = _order_changes(ops, flags)
    added = removed = equal = 0
    for i, ((tag, text), quiet) in enumerate(zip(ops, flags, strict=True)):
        if quiet:
            ignored.append(i)
            if tag == "+":
                equal += len(text)
            continue
        if tag == "=":
            equal += len(text)
        elif tag == "-":
            removed += codec.word_count(codec.encode(tokenize(text)))
        else:
            added += codec.word_count(codec.encode(tokenize(text)))
    return TokenDiff(ops, tuple(ignored), added, removed, equal)


def _order_changes(ops: list[Op], flags: list[bool]) -> tuple[list[Op], list[bool]]:
    """Within each run of changes, merge real ones so that a run reads ``-old +new``."""
    out: list[Op] = []
    out_flags: list[bool] = []
    i = 0
    while i < len(ops):
        if ops[i][0] == "=":
            out.append(ops[i])
            out_flags.append(False)
            i += 1
            continue
        j = i
        while j < len(ops) and ops[j][0] != "=":
            j += 1
        run = list(zip(ops[i:j], flags[i:j], strict=True))
        if all(quiet for _, quiet in run) or not any(quiet for _, quiet in run):
            dels = "".join(t for (tag, t), _ in run if tag == "-")
            adds = "".join(t for (tag, t), _ in run if tag == "+")
            quiet = run[0][1]
            if dels:
                out.append(("-", dels))
                out_flags.append(quiet)
            if adds:
                out.append(("+", adds))
                out_flags.append(quiet)
        else:  # a real change next to an ignorable one: the whole run is real
            dels = "".join(t for (tag, t), _ in run if tag == "-")
            adds = "".join(t for (tag, t), _ in run if tag == "+")
            if dels:
                out.append(("-", dels))
                out_flags.append(False)
            if adds:
                out.append(("+", adds))
                out_flags.append(False)
        i = j
    return out, out_flags


def diff_texts(
    engine: TokenDMP,
    old: str,
    new: str,
    *,
    ignore_whitespace: bool = False,
    ignore_punctuation: bool = False,
) -> TokenDiff:
    """The word diff of two texts with one engine (and so one codec)."""
    if ignore_whitespace or ignore_punctuation:
        return diff_ignoring(
            engine,
            tokenize(old),
            tokenize(new),
            ignore_whitespace=ignore_whitespace,
            ignore_punctuation=ignore_punctuation,
        )
    codec = engine.codec
    return diff_encoded(engine, codec.encode(tokenize(old)), codec.encode(tokenize(new)))


def word_diff(old: str, new: str) -> list[Op]:
    """Word-level diff of two texts as ops: ``("=", text)``, ``("-", text)``, ``("+", text)``.

    The ``=`` and ``-`` texts rebuild ``old`` exactly, the ``=`` and ``+`` texts ``new``.
    """
    return diff_texts(TokenDMP(Codec()), old, new).ops
