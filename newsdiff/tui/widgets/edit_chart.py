"""The chart of a story (``c``): edits (or changed versions) over time per outlet, one line each,
the story's events as vertical lines numbered on the time axis (their key is listed under the
chart by :class:`~newsdiff.tui.screens.chart.ChartScreen`).

Drawn by plotext through textual-plotext. Plotext writes ANSI colour codes around plain-text
labels and the widget turns its output into a Text with ``Text.from_ansi``: an escape sequence in
an outlet's name would be obeyed there, so every label from the database goes through
:func:`newsdiff.text.printable` first (Rich markup is never parsed on this path).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual_plotext import PlotextPlot

from newsdiff.text import printable

if TYPE_CHECKING:
    from newsdiff.timeline.series import Series

MAX_OUTLETS = 6  # lines drawn; the smaller outlets are summed in one
LABEL_CHARS = 24
COLORS = ("cyan", "orange", "green", "magenta", "blue", "red")
EVENT_COLOR = "gray"


def label(text: str, limit: int = LABEL_CHARS) -> str:
    """An untrusted name as a plotext label: one printable line, at most ``limit`` characters."""
    shown = " ".join(printable(text).split())
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def tick_label(series: Series, index: int) -> str:
    """The start of bucket ``index`` as people read it for the series' bucket."""
    start = series.buckets[index].start
    if series.bucket == "year":
        return f"{start.year}"
    if series.bucket == "month":
        return start.strftime("%Y-%m")
    return start.strftime("%m-%d") if series.buckets[0].start.year == start.year else str(start)


class EditChart(PlotextPlot):
    """Edits over time per outlet, events marked. :meth:`show` draws a series."""

    DEFAULT_CSS = """
    EditChart { height: 1fr; min-height: 8; }
    """

    series: Series | None = None

    def show(self, series: Series) -> None:
        """Draw ``series`` (the outlets beyond :data:`MAX_OUTLETS` summed in one line)."""
        self.series = series
        self._draw()

    def on_resize(self) -> None:
        if self.series is not None:
            self._draw()  # the ticks that fit depend on the width

    def _draw(self) -> None:
        series = self.series
        if series is None:
            return
        plt = self.plt
        plt.clear_figure()
        shown = series.top(MAX_OUTLETS)
        n = len(shown.buckets)
        xs = [i + 0.5 for i in range(n)]  # a bucket i spans [i, i + 1] on the axis
        top = 1
        for i, outlet in enumerate(shown.outlets):
            counts = list(outlet.counts(shown.measure))
            top = max(top, *counts) if counts else top
            plt.plot(
                xs, counts, label=label(outlet.outlet), color=COLORS[i % len(COLORS)], marker="dot"
            )
        for event in shown.marked:
            span = shown.span(event)
            if span is None or event.number is None:
                continue
            plt.vline(span[0], EVENT_COLOR)
            plt.text(str(event.number), span[0], top * 1.08, color=EVENT_COLOR)
        plt.xlim(0, max(n, 1))
        plt.ylim(0, top * 1.15)
        step = max(1, -(-top // 5))  # whole numbers: counts
        plt.yticks(list(range(0, top + 1, step)))
        width = self.size.width or 80
        every = max(1, (n * 8) // max(width - 10, 8))  # a tick label about every 8 columns
        ticks = list(range(0, n, every))
        plt.xticks([i + 0.5 for i in ticks], [tick_label(shown, i) for i in ticks])
        plt.ylabel(shown.measure)
        plt.xlabel(f"per {shown.bucket} (UTC)")
        self.refresh()
