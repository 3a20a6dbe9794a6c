"""Sharing width by what is shown: the top row's width between the panes, and a pane's width
between its columns (pure functions, no Textual).

A column says how wide its widest cell is (``natural``), how narrow it may get and still say
something (``minimum``; a date or a number never shrinks: its minimum is its natural width), and
whether it may be hidden when space is short (``optional``). A pane's demand is the sum of its
columns'. The row's width goes first to every pane's minimum, then to what each still lacks,
the pane being worked in (the focused one) first; only what no pane needs is spread as slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnFit:
    natural: int  # the widest cell, or the label
    minimum: int  # the least width that still shows something useful
    optional: bool = False  # hidden (width 0) when the flexible columns would be too narrow

    @property
    def flexible(self) -> bool:
        return self.minimum < self.natural


@dataclass(frozen=True)
class PaneDemand:
    natural: int  # every column at its natural width
    minimum: int  # every column at its minimum, the optional ones hidden
    stretch: int = 1  # its share of any slack (0: never wider than natural)


FOCUSED = 45  # percent of a row too narrow for every pane that the focused one may take
COMFORTABLE = 3  # flexible columns grow to this many times their minimum before optional ones show


def _grow(widths: list[int], targets: Sequence[int], budget: int) -> int:
    """Grow ``widths`` towards ``targets`` by at most ``budget`` cells, each in proportion to
    what it lacks. Returns the budget left."""
    lacks = [max(0, t - w) for w, t in zip(widths, targets, strict=True)]
    total = sum(lacks)
    if total == 0 or budget <= 0:
        return budget
    if total <= budget:
        for i, lack in enumerate(lacks):
            widths[i] += lack
        return budget - total
    given = 0
    for i, lack in enumerate(lacks):
        share = lack * budget // total
        widths[i] += share
        given += share
    # the cells lost to rounding, one each to the columns that lack the most
    for i in sorted(range(len(lacks)), key=lambda k: -lacks[k]):
        if given == budget:
            break
        if widths[i] < targets[i]:
            widths[i] += 1
            given += 1
    return 0


def fit_columns(width: int, columns: Sequence[ColumnFit], gap: int = 1) -> list[int]:
    """Content widths of ``columns`` in a table ``width`` cells wide, where each column is
    followed by ``gap`` blank cells (a hidden column, width 0, is only its gap: a table cannot
    draw a column 0 cells wide). In order: every required column at its minimum; the flexible
    ones up to a comfortable width; the optional ones (each only when it fits whole); the
    flexible ones up to their natural width; anything left to the last column shown."""
    avail = width - gap * len(columns)
    widths = [0 if c.optional else c.minimum for c in columns]
    flexible = [i for i, c in enumerate(columns) if c.flexible and not c.optional]
    short = sum(widths) - avail
    if short > 0:  # not even the minimums fit: the flexible columns give way, down to 1
        spare = [widths[i] - 1 if i in flexible else 0 for i in range(len(columns))]
        total = sum(spare)
        for i in range(len(columns)):
            if total:
                widths[i] -= min(spare[i], -(-short * spare[i] // total))
        return widths
    budget = avail - sum(widths)

    def grow(indices: list[int], target: Sequence[int]) -> None:
        nonlocal budget
        sub = [widths[i] for i in indices]
        budget = _grow(sub, [target[i] for i in indices], budget)
        for i, w in zip(indices, sub, strict=True):
            widths[i] = w

    comfortable = [min(c.natural, max(c.minimum, COMFORTABLE * c.minimum)) for c in columns]
    grow(flexible, comfortable)
    for i, column in enumerate(columns):
        if column.optional and 0 < column.natural <= budget:
            widths[i] = column.natural
            budget -= column.natural
    grow(flexible, [c.natural for c in columns])
    shown = [i for i, w in enumerate(widths) if w > 0]
    if budget > 0 and shown:
        widths[flexible[-1] if flexible else shown[-1]] += budget
    return widths


def column_demand(columns: Sequence[ColumnFit], gap: int = 1) -> tuple[int, int]:
    """(natural, minimum) width of a table of ``columns``, gaps included."""
    natural = sum(c.natural for c in columns)
    minimum = sum(c.minimum for c in columns if not c.optional)
    return natural + gap * len(columns), minimum + gap * len(columns)


def share(total: int, demands: Sequence[PaneDemand], focus: int | None = None) -> list[int]:
    """Widths of panes side by side in ``total`` cells. Each gets its minimum, then what it
    lacks of its natural width (the ``focus`` pane first, then all in proportion to what they
    lack), then any slack by ``stretch``. When not even
    the minimums fit, the ``focus`` pane gets close to half the row and the others a share in
    proportion to their minimums."""
    n = len(demands)
    if n == 0:
        return []
    minimums = [d.minimum for d in demands]
    naturals = [max(d.natural, d.minimum) for d in demands]
    if sum(minimums) >= total:
        # the pane being worked in keeps its minimum (up to FOCUSED of the row); the others
        # share the rest in proportion to theirs
        widths = [0] * n
        rest = list(range(n))
        left = total
        if focus is not None and 0 <= focus < n and n > 1:
            widths[focus] = min(naturals[focus], max(minimums[focus], total * FOCUSED // 100))
            left -= widths[focus]
            rest.remove(focus)
        weight = sum(minimums[i] for i in rest)
        for i in rest:
            widths[i] = minimums[i] * left // weight
        widths[rest[-1]] += left - sum(widths[i] for i in rest)
        return widths
    widths = list(minimums)
    budget = total - sum(widths)
    if focus is not None and 0 <= focus < n:
        first = [widths[focus]]
        budget = _grow(first, [naturals[focus]], budget)
        widths[focus] = first[0]
    budget = _grow(widths, naturals, budget)
    if budget > 0:
        weights = [d.stretch for d in demands]
        if sum(weights) == 0:
            weights = [1] * n
        given = [budget * k // sum(weights) for k in weights]
        given[weights.index(max(weights))] += budget - sum(given)
        widths = [w + g for w, g in zip(widths, given, strict=True)]
    return widths
