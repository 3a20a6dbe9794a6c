"""Word-level diff: diff-match-patch over tokens encoded as characters, with semantic cleanup.

diff-match-patch (dmp) diffs characters. Each unit is encoded as one character
(:class:`~newsdiff.diff.tokens.Codec`, dmp's "lines to chars" trick applied to words), so dmp's
Myers diff and its semantic cleanup run on unit sequences: changes come out as whole words and
read as phrases (``[-are expected to say later-]{+say+}``), never as letter soup.
``Diff_Timeout`` is 0, so a hard diff is always computed to the end and never degrades to
"everything replaced" (dmp's default of one second does exactly that on long, heavily edited
texts).

Two levels, for speed: first the space-separated chunks of the two texts are diffed (one
``str.split``, half as many units as tokens); then each changed stretch between two equal chunks
is diffed token by token (words, whitespace runs, punctuation), so ``said.`` -> ``said,`` shows
as a changed comma. A stretch of plain words with nothing in common needs no second step.

The raw diff and its cleanup (patience and seed cuts, Myers' search, compiled when
``fast-diff-match-patch`` imports) are in :mod:`newsdiff.diff.myers`.

With ``ignore_whitespace`` / ``ignore_punctuation`` the diff runs on the significant tokens only;
differences in the ignored tokens stay in the ops (so the ops still rebuild both texts) as
``-``/``+`` pairs whose indices are listed in :attr:`TokenDiff.ignored`.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import accumulate

from newsdiff.diff.myers import TokenDMP, folds
from newsdiff.diff.tokens import NOSPACE_RE, Codec, is_punctuation, strip_punctuation, tokenize

Op = tuple[str, str]


@dataclass(slots=True)
class TokenDiff:
    """The word diff of two texts, with what the paragraph level needs from it (not frozen:
    made for every pair of paragraphs, and a frozen dataclass is slow to make)."""

    ops: list[Op]
    ignored: tuple[int, ...]  # indices of ops that differ only in ignored ways
    words_added: int
    words_removed: int
    equal_chars: int  # length of the text the two sides share

    @property
    def changed(self) -> bool:
        if not self.ignored:
            return len(self.ops) > 1 or (bool(self.ops) and self.ops[0][0] != "=")
        ignored = set(self.ignored)
        return any(tag != "=" for i, (tag, _) in enumerate(self.ops) if i not in ignored)

    def similarity(self, old_len: int, new_len: int) -> float:
        if not self.changed:
            return 1.0
        total = old_len + new_len
        return round(2 * self.equal_chars / total, 3) if total else 1.0


Change = tuple[int, int, str]  # old[start:end] replaced by the text (either may be empty)


def _stretch(engine: TokenDMP, old: str, new: str, at: int, out: list[Change]) -> tuple[int, int]:
    """Record the changes of a changed stretch between two equal chunks (``old`` starts at
    ``at`` in its text) and return the words (removed, added). Shared spaces and punctuation
    at its ends stay equal; if plain words with none in common are left, they are one
    replacement (a token diff would find no more); anything else is diffed token by token."""
    limit = min(len(old), len(new))
    lead = 0
    while lead < limit and old[lead] == new[lead] and old[lead] in _EDGE:
        lead += 1
    trail = 0
    while trail < limit - lead and old[-1 - trail] == new[-1 - trail] and old[-1 - trail] in _EDGE:
        trail += 1
    mid_old, mid_new = old[lead : len(old) - trail], new[lead : len(new) - trail]
    if mid_old and mid_new:
        if " " in mid_old or " " in mid_new:
            simple = (
                _plain(mid_old)
                and _plain(mid_new)
                and set(mid_old.split(" ")).isdisjoint(mid_new.split(" "))
            )
        else:  # one word replaced by another (most edits): _plain, for one word each
            simple = (
                mid_old != mid_new
                and mid_old.isalnum()
                and mid_new.isalnum()
                and (mid_old.isascii() or not NOSPACE_RE.search(mid_old))
                and (mid_new.isascii() or not NOSPACE_RE.search(mid_new))
            )
    else:  # words inserted or deleted, with the space after them ("{+more than +}50")
        only = mid_old or mid_new
        simple = _plain(only[:-1] if only.endswith(" ") else only)
    if not simple:
        return _token_changes(engine, old, new, at, out)
    at += lead
    out.append((at, at + len(mid_old), mid_new))
    removed = mid_old.count(" ") + (not mid_old.endswith(" ")) if mid_old else 0
    added = mid_new.count(" ") + (not mid_new.endswith(" ")) if mid_new else 0
    return removed, added


def _token_changes(
    engine: TokenDMP, old: str, new: str, at: int, out: list[Change]
) -> tuple[int, int]:
    """Record the changes of the token-level diff of two texts; return the words (removed,
    added)."""
    codec = engine.codec
    removed = added = 0
    for op, codes in engine.diff(codec.encode(tokenize(old)), codec.encode(tokenize(new))):
        if op == 0:
            at += len(codec.decode(codes))
        elif op < 0:
            end = at + len(codec.decode(codes))
            out.append((at, end, ""))
            at = end
            removed += codec.word_count(codes)
        else:
            out.append((at, at, codec.decode(codes)))
            added += codec.word_count(codes)
    return removed, added


def _ops(old: str, changes: list[Change], removed: int, added: int) -> TokenDiff:
    """The ops of ``old`` with its changes (in order): the text between two changes is
    equal, and changes that touch make one deletion followed by one insertion."""
    ops: list[Op] = []
    done = equal = 0  # old[:done] is written
    k = 0
    while k < len(changes):
        start, end, inserted = changes[k]
        k += 1
        while k < len(changes) and changes[k][0] == end:  # touching: one run of changes
            end = changes[k][1]
            inserted += changes[k][2]
            k += 1
        if start > done:
            ops.append(("=", old[done:start]))
            equal += start - done
        if end > start:
            ops.append(("-", old[start:end]))
        if inserted:
            ops.append(("+", inserted))
        done = end
    if done < len(old):
        ops.append(("=", old[done:]))
        equal += len(old) - done
    return TokenDiff(ops, (), added, removed, equal)


# Spaces and punctuation (ASCII, and the quotes and dashes of typeset text): each is a token of
# its own at the edge of a changed stretch (apostrophes and hyphens are only kept inside a word,
# and a stretch never ends inside one).
_EDGE = frozenset(" \t!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~‘’‚‛“”„‟«»‹›…–—·•¡¿")


def _plain(text: str) -> bool:
    """Letters and digits in words separated by single spaces, none from a script written
    without spaces (so its tokens are its chunks, and each is a word)."""
    if not text or text[0] == " " or text[-1] == " " or "  " in text:
        return False
    return text.replace(" ", "").isalnum() and (text.isascii() or not NOSPACE_RE.search(text))


def one_change(old: Sequence[str], new: Sequence[str]) -> tuple[int, int] | None:
    """``(head, tail)`` when the diff of two differing chunk lists is one change: the first
    ``head`` and the last ``tail`` chunks equal, and between them chunks with none in common
    replaced (or some inserted or deleted); None otherwise.

    That is the raw diff of their codes, as dmp makes it (it strips the common ends first, and
    a replacement with nothing in common is a deletion and an insertion), and one change has
    nothing for the semantic cleanup to fold or for the overlap step to keep. A lone insertion
    or deletion that ends with all the chunks before it, or starts with all those after it, is
    slid along by dmp's merge step: left to the full diff."""
    n, m = len(old), len(new)
    limit = min(n, m)
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[n - 1 - tail] == new[m - 1 - tail]:
        tail += 1
    mid_old, mid_new = old[head : n - tail], new[head : m - tail]
    if mid_old and mid_new:
        return (head, tail) if set(mid_old).isdisjoint(mid_new) else None
    edit = mid_old or mid_new
    if head and len(edit) >= head and edit[len(edit) - head :] == old[:head]:
        return None
    if tail and len(edit) >= tail and edit[:tail] == old[n - tail :]:
        return None
    return head, tail


Changes = list[tuple[int, int, int, int]]  # old[a:b] replaced by new[c:d], in chunk indices


def separate_changes(
    old: Sequence[str],
    new: Sequence[str],
    old_set: AbstractSet[str] | None = None,
    new_set: AbstractSet[str] | None = None,
) -> Changes | None:
    """The changes of two differing chunk lists when each changed chunk is found on one side
    only and the chunks found on both sides are the same sequence in each, and the semantic
    cleanup would fold none of the equalities between them; None otherwise.

    Then the longest common subsequence is unique: it holds every chunk found on both sides
    (no other chunk can be matched, and matching all of them in order can only pair the k-th
    of one side with the k-th of the other). So it is what dmp's Myers search finds, each
    change a deletion and an insertion with nothing in common (its merge step slides no
    edit: an edit of one-sided chunks never ends or starts with an equality), and nothing is
    left for the overlap step. The sets of each side's chunks may be passed in."""
    in_new = set(new) if new_set is None else new_set
    in_old = set(old) if old_set is None else old_set
    n, m = len(old), len(new)
    i = j = 0
    changes: Changes = []
    sizes: list[tuple[int, int]] = []  # (op, size) of the raw diff, for the fold rule
    while True:
        first = i
        while i < n and j < m and old[i] == new[j]:
            i += 1
            j += 1
        if i > first:
            sizes.append((0, i - first))
        at_old, at_new = i, j
        while i < n and old[i] not in in_new:
            i += 1
        while j < m and new[j] not in in_old:
            j += 1
        if i == at_old and j == at_new:
            if i < n or j < m:
                return None  # chunks found on both sides, in another order
            break
        changes.append((at_old, i, at_new, j))
        if i > at_old:
            sizes.append((-1, i - at_old))
        if j > at_new:
            sizes.append((1, j - at_new))
    if len(changes) > 1 and folds(sizes):
        return None
    return changes


def plan_changes(
    old: Sequence[str],
    new: Sequence[str],
    old_set: AbstractSet[str] | None = None,
    new_set: AbstractSet[str] | None = None,
) -> Changes | None:
    """The changes of the chunk-level diff of two differing chunk lists, when they can be told
    without diffing their codes (:func:`one_change`, :func:`separate_changes`)."""
    cut = one_change(old, new)
    if cut is not None:
        head, tail = cut
        return [(head, len(old) - tail, head, len(new) - tail)]
    return separate_changes(old, new, old_set, new_set)


def diff_planned(
    engine: TokenDMP,
    old: str,
    new: str,
    old_chunks: Sequence[str],
    new_chunks: Sequence[str],
    changes: Changes,
) -> TokenDiff:
    """The word diff of two texts whose chunk-level changes are known (:func:`plan_changes`):
    each changed stretch, from the space after the equal chunk before it to the equal chunk
    after it, as :func:`diff_chunked` finds it, without encoding the chunks or diffing their
    codes."""
    out: list[Change] = []
    removed = added = 0
    n, m = len(old_chunks), len(new_chunks)
    k_old = k_new = pos_old = pos_new = 0  # pos_*: where chunk k_* starts in its text
    for start_old, end_old, start_new, end_new in changes:
        pos_old += sum(map(len, old_chunks[k_old:start_old])) + start_old - k_old
        pos_new += sum(map(len, new_chunks[k_new:start_new])) + start_new - k_new
        from_old = pos_old - 1 if start_old else 0
        from_new = pos_new - 1 if start_new else 0
        pos_old += sum(map(len, old_chunks[start_old:end_old])) + end_old - start_old
        pos_new += sum(map(len, new_chunks[start_new:end_new])) + end_new - start_new
        k_old, k_new = end_old, end_new
        changed_old = old[from_old : pos_old if end_old < n else len(old)]
        changed_new = new[from_new : pos_new if end_new < m else len(new)]
        if changed_old != changed_new:
            words = _stretch(engine, changed_old, changed_new, from_old, out)
            removed += words[0]
            added += words[1]
    return _ops(old, out, removed, added)


def diff_chunked(
    engine: TokenDMP,
    old: str,
    new: str,
    old_chunks: Sequence[str] | None = None,
    new_chunks: Sequence[str] | None = None,
    old_codes: str | None = None,
    new_codes: str | None = None,
) -> TokenDiff:
    """The word diff of two texts, in two steps: first over space-separated chunks (cheap:
    one ``str.split``, half as many units as tokens), then token by token inside each changed
    stretch, so ``said.`` -> ``said,`` shows as a changed comma. Chunks and their codes may be
    passed in when the caller has them already."""
    codec = engine.codec
    if old_chunks is None:
        old_chunks = old.split(" ")
    if new_chunks is None:
        new_chunks = new.split(" ")
    if old == new:
        return TokenDiff([("=", old)] if old else [], (), 0, 0, len(old))
    if old_codes is None or new_codes is None:
        planned = plan_changes(old_chunks, new_chunks)
        if planned is not None:
            return diff_planned(engine, old, new, old_chunks, new_chunks, planned)
    if old_codes is None:
        old_codes = codec.encode(old_chunks)
    if new_codes is None:
        new_codes = codec.encode(new_chunks)
    # Chunk k starts after the k chunks before it and a space after each.
    old_len = list(accumulate(map(len, old_chunks), initial=0))
    new_len = list(accumulate(map(len, new_chunks), initial=0))
    changes: list[Change] = []
    removed = added = 0
    k_old = k_new = 0  # the next chunk of each text
    gap_old = gap_new = 0  # where the current changed stretch starts in each text
    for op, codes in engine.diff(old_codes, new_codes, spaced=True):
        if op == 0:
            at_old, at_new = old_len[k_old] + k_old, new_len[k_new] + k_new
            changed_old, changed_new = old[gap_old:at_old], new[gap_new:at_new]
            if changed_old != changed_new:
                words = _stretch(engine, changed_old, changed_new, gap_old, changes)
                removed += words[0]
                added += words[1]
            k_old += len(codes)
            k_new += len(codes)
            gap_old, gap_new = old_len[k_old] + k_old - 1, new_len[k_new] + k_new - 1
        elif op < 0:
            k_old += len(codes)
        else:
            k_new += len(codes)
    changed_old, changed_new = old[gap_old:], new[gap_new:]
    if changed_old != changed_new:
        words = _stretch(engine, changed_old, changed_new, gap_old, changes)
        removed += words[0]
        added += words[1]
    return _ops(old, changes, removed, added)


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
    return diff_chunked(engine, old, new)


def word_diff(old: str, new: str) -> list[Op]:
    """Word-level diff of two texts as ops: ``("=", text)``, ``("-", text)``, ``("+", text)``.

    The ``=`` and ``-`` texts rebuild ``old`` exactly, the ``=`` and ``+`` texts ``new``.
    """
    return diff_texts(TokenDMP(Codec()), old, new).ops
