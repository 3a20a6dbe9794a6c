"""Charts of the HTML site as static inline SVG: edits over time per outlet, with the events of
the story (or of every story) marked on the time axis. No JavaScript, no network, no library:
the chart is one kind (stacked bars over time buckets, event lines and bands), small enough to
draw here with every piece of text escaped and every figure checked by the tests.

:func:`chart_figure` turns a :class:`~newsdiff.timeline.series.Series` into one ``<figure>``:

- two drawings of the same chart, a wide one and a narrow one (their own viewBox, sizes and
  label spacing), the CSS of :data:`CHART_CSS` showing the narrow one below 700 px, so that the
  text stays readable at 360 px instead of being scaled down;
- the legend (the outlets' colours, an Okabe–Ito palette that colour-blind readers can tell
  apart; outlets beyond :data:`MAX_OUTLETS` summed as one grey series), then the key of the
  event marks (numbered in date order, each to its place on the story page);
- the figures as a table in a ``<details>`` (the text alternative besides the SVG's
  ``<title>``/``<desc>``; each bar and each event mark also has its own ``<title>`` tooltip).

A series with nothing to draw gives a sentence saying so instead of an empty chart. Outlet names,
event and story titles are untrusted: control characters shown as symbols, then escaped, so that
each SVG is well-formed XML whatever they hold.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsdiff.export.escape import html_text
from newsdiff.text import plural
from newsdiff.timeline.series import Bucket, EventMark, Series

# Okabe & Ito's colour-blind safe palette (its black left out: it reads as text), darkest first
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
OTHER_COLOUR = "#999999"
MAX_OUTLETS = len(PALETTE) + 1  # the rest are summed as "Other outlets"

INK = "#1d1d1d"  # the site's text
MUTED = "#555555"  # its .nd-meta
GRID = "#e6e6e6"  # its table rules
EVENT_INK = "#6b4fa0"

_e = html_text

CHART_CSS = (
    """\
figure.nd-chart { margin: .6em 0 1.6em; }
figure.nd-chart svg { display: block; width: 100%; height: auto; overflow: visible; }
figure.nd-chart svg.nd-chart-wide { max-width: 760px; }
figure.nd-chart svg.nd-chart-narrow { display: none; max-width: 420px; }
figure.nd-chart figcaption { color: #555; font-size: .92em; margin: .2em 0 .3em; }
ul.nd-legend { list-style: none; padding: 0; margin: .5em 0; display: flex; flex-wrap: wrap;
  gap: .2em 1.2em; font-size: .92em; }
ul.nd-legend li { overflow-wrap: anywhere; }
.nd-swatch { display: inline-block; width: .9em; height: .9em; margin-right: .35em;
  vertical-align: -.1em; border-radius: 2px; }
ol.nd-chart-events { margin: .4em 0; padding-left: 2.2em; font-size: .92em; }
ol.nd-chart-events li { overflow-wrap: anywhere; }
ol.nd-chart-events time { color: #555; margin-right: .4em; font-variant-numeric: tabular-nums; }
details.nd-chart-data summary { cursor: pointer; color: #0645ad; margin: .4em 0; }
"""
    + "".join(f".nd-swatch.nd-c{i} {{ background: {c}; }}\n" for i, c in enumerate(PALETTE))
    + f".nd-swatch.nd-c-other {{ background: {OTHER_COLOUR}; }}\n"
    + """\
@media (max-width: 699.98px) {
  figure.nd-chart svg.nd-chart-wide { display: none; }
  figure.nd-chart svg.nd-chart-narrow { display: block; }
}
"""
)


@dataclass(frozen=True)
class Frame:
    """One drawing's size and margins, in viewBox units (one unit one CSS pixel at full size)."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.height - self.bottom

    def text_width(self, text: str) -> float:
        """About how wide ``text`` is drawn (digits and short words)."""
        return len(text) * self.font * 0.6


WIDE = Frame("wide", 760, 300, left=58, right=16, top=28, bottom=54, font=13)
NARROW = Frame("narrow", 340, 250, left=46, right=10, top=26, bottom=50, font=12)

_UNITS = {
    "edits": ("typed edit", "typed edits"),
    "changes": ("changed version", "changed versions"),
}
_AXIS = {
    "day": "day (UTC)",
    "week": "week starting (UTC)",
    "month": "month (UTC)",
    "year": "year (UTC)",
}


def _unit(measure: str, n: int) -> str:
    one, many = _UNITS[measure]
    return f"{n:,} {one if n == 1 else many}"


def _num(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _short(n: int) -> str:
    """An axis figure: 950, 1.2k, 15k, 2.5M."""
    if n < 1000:
        return str(n)
    value, suffix = (n / 1_000_000, "M") if n >= 1_000_000 else (n / 1000, "k")
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else str(round(value))
    return text + suffix


def nice_scale(maximum: int, ticks: int = 4) -> tuple[int, int]:
    """The top of the y axis and its step: a step of 1, 2 or 5 times a power of ten giving
    at most ``ticks`` steps up to a top at or above ``maximum``."""
    if maximum <= 0:
        return 1, 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return step * math.ceil(maximum / step), step


def bucket_name(bucket: Bucket, kind: str) -> str:
    """A bucket in full, for tooltips and the table: 2008-11-03, 2008-11-03 – 2008-11-09,
    November 2008, 2008."""
    if kind == "day":
        return bucket.start.isoformat()
    if kind == "week":
        return f"{bucket.start.isoformat()} – {bucket.end.isoformat()}"
    if kind == "month":
        return bucket.start.strftime("%B %Y")
    return str(bucket.start.year)


def _tick(bucket: Bucket, kind: str) -> str:
    """A bucket's label under the axis (the year goes on a second line)."""
    if kind in ("day", "week"):
        return f"{bucket.start.day} {bucket.start:%b}"
    if kind == "month":
        return f"{bucket.start:%b}"
    return str(bucket.start.year)


def _colours(series: Series) -> list[tuple[str, str]]:
    """Each outlet's (fill, CSS class of its swatch), in the series' order."""
    out = []
    for i, o in enumerate(series.outlets):
        if o.folded or i >= len(PALETTE):
            out.append((OTHER_COLOUR, "nd-c-other"))
        else:
            out.append((PALETTE[i], f"nd-c{i}"))
    return out


def _event_label(mark: EventMark, show_story: bool) -> str:
    """An event in words, unescaped: ``3. 2008-11-12: Report published (Baby P)``."""
    story = f" ({mark.story_title})" if show_story else ""
    return f"{mark.number}. {mark.when}: {mark.title}{story}"


def _runs(numbers: Sequence[int]) -> str:
    """``1–3, 5``: numbers in runs."""
    parts: list[str] = []
    ordered = sorted(numbers)
    start = prev = ordered[0]
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}\u2013{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


@dataclass
class _Label:
    marks: list[tuple[float, EventMark]]

    @property
    def x(self) -> float:
        xs = [x for x, _ in self.marks]
        return (min(xs) + max(xs)) / 2

    @property
    def text(self) -> str:
        return _runs([m.number or 0 for _, m in self.marks])


def _event_labels(points: list[tuple[float, EventMark]], frame: Frame) -> list[_Label]:
    """One label per event mark, those that would overlap merged (``2–4``)."""
    labels: list[_Label] = []
    for point in sorted(points, key=lambda p: (p[0], p[1].number or 0)):
        labels.append(_Label([point]))
        # merge backwards while the last two labels overlap
        while len(labels) > 1:
            a, b = labels[-2], labels[-1]
            room = (frame.text_width(a.text) + frame.text_width(b.text)) / 2 + frame.font * 0.5
            if b.x - a.x >= room:
                break
            labels[-2:] = [_Label(a.marks + b.marks)]
    return labels


def chart_svg(series: Series, frame: Frame, *, title: str, desc: str, ident: str) -> str:
    """One drawing of ``series`` (not empty) in ``frame``: an ``<svg>`` element that is also a
    well-formed XML document. ``title`` and ``desc`` are plain text (escaped here)."""
    n = len(series.buckets)
    slot = frame.plot_width / n
    bar = min(slot * 0.8, 48.0) if slot >= 3 else slot
    top, step = nice_scale(max(series.totals(), default=0))
    unit = frame.plot_height / top
    base, left, f = frame.base, frame.left, frame.font
    right = frame.width - frame.right
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="nd-chart-{frame.name}" '
        f'viewBox="0 0 {frame.width} {frame.height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, -apple-system, &quot;Segoe UI&quot;, sans-serif" '
        f'font-size="{f}" fill="{INK}">',
        f'<title id="{ident}-title">{_e(title)}</title>',
        f'<desc id="{ident}-desc">{_e(desc)}</desc>',
    ]
    # the y axis: grid lines and figures
    out.append(f'<g class="nd-grid" stroke="{GRID}">')
    for value in range(0, top + 1, step):
        y = _num(base - value * unit)
        out.append(f'<line x1="{left}" x2="{_num(right)}" y1="{y}" y2="{y}"/>')
    out.append("</g>")
    out.append(f'<g class="nd-y" fill="{MUTED}" text-anchor="end">')
    for value in range(0, top + 1, step):
        y = _num(base - value * unit + f * 0.35)
        out.append(f'<text x="{left - 6}" y="{y}">{_short(value)}</text>')
    out.append("</g>")
    axis_title = _UNITS[series.measure][1]
    mid = _num(frame.top + frame.plot_height / 2)
    out.append(
        f'<text class="nd-y-title" fill="{MUTED}" text-anchor="middle" '
        f'transform="translate({_num(f * 0.95)} {mid}) rotate(-90)">{axis_title}</text>'
    )
    # the events: a band behind the bars for a period, a dashed line over them for a day (on a
    # white halo, so that it shows across a bar of any colour)
    points: list[tuple[float, EventMark]] = []
    bands, lines = [], []
    for mark in series.marked:
        span = series.span(mark)
        assert span is not None
        x0, x1 = left + span[0] * slot, left + span[1] * slot
        tip = _e(_event_label(mark, series.story is None))
        if mark.is_period and x1 - x0 >= 3:
            bands.append(
                f'<rect class="nd-event-band" x="{_num(x0)}" y="{frame.top}" '
                f'width="{_num(x1 - x0)}" height="{_num(frame.plot_height)}" '
                f'fill="{EVENT_INK}" fill-opacity="0.09"><title>{tip}</title></rect>'
            )
            points.append((x0 + min(x1 - x0, frame.font * 2) / 2, mark))
        else:
            x = _num((x0 + x1) / 2)
            lines.append(
                f'<g class="nd-event-line"><title>{tip}</title>'
                f'<line x1="{x}" x2="{x}" y1="{frame.top}" y2="{_num(base)}" '
                f'stroke="#ffffff" stroke-opacity="0.8" stroke-width="3"/>'
                f'<line x1="{x}" x2="{x}" y1="{frame.top - 2}" y2="{_num(base)}" '
                f'stroke="{EVENT_INK}" stroke-width="1.2" stroke-dasharray="4 3"/>'
                f'<line x1="{x}" x2="{x}" y1="{frame.top}" y2="{_num(base)}" '
                f'stroke="transparent" stroke-width="8"/></g>'
            )
            points.append(((x0 + x1) / 2, mark))
    out.append(f'<g class="nd-event-bands">{"".join(bands)}</g>')
    # the bars: each bucket's outlets stacked, largest outlet at the bottom
    colours = _colours(series)
    out.append('<g class="nd-bars" stroke="#ffffff" stroke-width="0.5">')
    for i, b in enumerate(series.buckets):
        x = _num(left + i * slot + (slot - bar) / 2)
        when = bucket_name(b, series.bucket)
        running = 0
        for j, (o, (fill, _)) in enumerate(zip(series.outlets, colours, strict=True)):
            count = o.counts(series.measure)[i]
            if not count:
                continue
            y_low = base - running * unit
            running += count
            y_high = base - running * unit
            tip = _e(f"{o.outlet}, {when}: {_unit(series.measure, count)}")
            out.append(
                f'<rect class="nd-bar" x="{x}" y="{_num(y_high)}" width="{_num(bar)}" '
                f'height="{_num(y_low - y_high)}" fill="{fill}" data-outlet="{j}" '
                f'data-bucket="{i}" data-count="{count}"><title>{tip}</title></rect>'
            )
    out.append("</g>")
    out.append(f'<g class="nd-event-lines">{"".join(lines)}</g>')
    # the x axis: its line, the buckets' labels (the year under the first and at each new year)
    out.append(
        f'<line class="nd-axis" x1="{left}" x2="{_num(right)}" y1="{_num(base)}" '
        f'y2="{_num(base)}" stroke="{MUTED}"/>'
    )
    widest = max(frame.text_width(_tick(b, series.bucket)) for b in series.buckets)
    every = max(1, math.ceil((widest + f) / slot))
    out.append(f'<g class="nd-x" fill="{MUTED}" text-anchor="middle">')
    year = None
    for i in range(0, n, every):
        b = series.buckets[i]
        x = _num(left + (i + 0.5) * slot)
        y = _num(base + f * 1.25)
        text = _tick(b, series.bucket)
        if series.bucket != "year" and b.start.year != year:
            year = b.start.year
            text += f'<tspan x="{x}" dy="{_num(f * 1.15)}">{year}</tspan>'
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{_num(base)}" y2="{_num(base + 4)}" stroke="{MUTED}"/>'
        )
        out.append(f'<text x="{x}" y="{y}">{text}</text>')
    out.append("</g>")
    out.append(
        f'<text class="nd-x-title" fill="{MUTED}" text-anchor="middle" '
        f'x="{_num(left + frame.plot_width / 2)}" y="{frame.height - 4}">'
        f"{_AXIS[series.bucket]}</text>"
    )
    # the events' numbers above the plot, near ones merged
    out.append(
        f'<g class="nd-event-labels" fill="{EVENT_INK}" font-weight="600" text-anchor="middle">'
    )
    for group in _event_labels(points, frame):
        half = frame.text_width(group.text) / 2
        at = min(max(group.x, left + half), right - half)
        tip = _e("\n".join(_event_label(m, series.story is None) for _, m in group.marks))
        out.append(
            f'<text class="nd-event-label" x="{_num(at)}" y="{frame.top - 8}">'
            f"<title>{tip}</title>{group.text}</text>"
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def period(series: Series) -> str:
    """The time the chart spans: 2008-11-10 to 2009-03-15, November 2008 to March 2009, 2008."""
    first, last = series.buckets[0], series.buckets[-1]
    if series.bucket in ("day", "week"):
        start, end = first.start.isoformat(), last.end.isoformat()
    else:
        start, end = bucket_name(first, series.bucket), bucket_name(last, series.bucket)
    return start if start == end else f"{start} to {end}"


def summary(series: Series) -> str:
    """The chart in one or two plain sentences (its SVG ``<desc>``)."""
    totals = series.totals()
    busiest = max(range(len(totals)), key=lambda i: (totals[i], -i))
    outlets = ", ".join(f"{o.outlet} {o.total(series.measure):,}" for o in series.outlets)
    what = _UNITS[series.measure][1]
    kind = series.bucket
    text = (
        f"Bar chart of {what} per {kind}, {period(series)}, stacked by outlet: {outlets}. "
        "The most, "
        f"{_unit(series.measure, totals[busiest])}, in "
        f"{bucket_name(series.buckets[busiest], kind)}."
    )
    marked = len(series.marked)
    if marked:
        text += f" {plural(marked, 'event')} marked, numbered in date order."
    return text


def _figures_table(series: Series) -> str:
    """The chart's figures: a row per bucket with any, a column per outlet, the total, and
    the kinds of the edits."""
    kinds = series.kind_totals() if series.measure == "edits" else {}
    head = ["<th>When</th>"]
    head += [f"<th>{_e(o.outlet)}</th>" for o in series.outlets]
    head.append("<th>Total</th>")
    if kinds:
        head.append("<th>Kinds</th>")
    rows = []
    totals = series.totals()
    for i, b in enumerate(series.buckets):
        if not totals[i]:
            continue
        cells = [f"<td>{bucket_name(b, series.bucket)}</td>"]
        for o in series.outlets:
            cells.append(
                f'<td class="nd-n" data-label="{_e(o.outlet)}">{o.counts(series.measure)[i]:,}</td>'
            )
        cells.append(f'<td class="nd-n" data-label="Total">{totals[i]:,}</td>')
        if kinds:
            said = ", ".join(f"{v[i]:,} {k}" for k, v in kinds.items() if v[i])
            cells.append(f'<td data-label="Kinds">{_e(said)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    left_out = len(series.buckets) - len(rows)
    note = (
        f'<p class="nd-meta">{plural(left_out, series.bucket)} without any left out.</p>'
        if left_out
        else ""
    )
    return (
        '<details class="nd-chart-data"><summary>The chart’s figures as a table</summary>\n'
        f'<table class="nd-list"><thead><tr>{"".join(head)}</tr></thead><tbody>\n'
        + "\n".join(rows)
        + f"\n</tbody></table>{note}</details>"
    )


def _legend(series: Series) -> str:
    items = []
    for o, (_, css) in zip(series.outlets, _colours(series), strict=True):
        items.append(
            f'<li><span class="nd-swatch {css}" aria-hidden="true"></span>{_e(o.outlet)} '
            f'<span class="nd-meta">({o.total(series.measure):,})</span></li>'
        )
    return f'<ul class="nd-legend" aria-label="Outlets">{"".join(items)}</ul>'


def _event_key(
    series: Series, link: Callable[[EventMark], str | None] | None, list_outside: bool
) -> str:
    parts = []
    marked = series.marked
    if marked:
        items = []
        for mark in marked:
            story = (
                f" <span class='nd-meta'>({_e(mark.story_title)})</span>"
                if series.story is None
                else ""
            )
            text = f"<time>{_e(mark.when)}</time>{_e(mark.title)}"
            href = link(mark) if link else None
            if href is not None:
                text = f'<a href="{html.escape(href, quote=True)}">{text}</a>'
            items.append(f'<li value="{mark.number}">{text}{story}</li>')
        parts.append(
            f'<ol class="nd-chart-events" aria-label="Events marked">{"".join(items)}</ol>'
        )
    outside = [e for e in series.events if e.number is None]
    if outside and list_outside:
        said = "; ".join(f"{e.when}: {e.title}" for e in outside)
        parts.append(f'<p class="nd-meta">Outside the chart’s period: {_e(said)}.</p>')
    elif outside:
        parts.append(
            f'<p class="nd-meta">{plural(len(outside), "other event")} '
            f"{'falls' if len(outside) == 1 else 'fall'} outside the chart’s period.</p>"
        )
    return "\n".join(parts)


def _note(series: Series) -> str:
    if series.measure == "edits" and series.unanalysed:
        what = "change has" if series.unanalysed == 1 else "changes have"
        return (
            f'<p class="nd-meta">{series.unanalysed:,} {what} no typed edits yet and '
            "{} not counted (<code>newsdiff analyse</code> computes them).</p>".format(
                "is" if series.unanalysed == 1 else "are"
            )
        )
    if series.measure == "changes" and series.changes:
        return (
            '<p class="nd-meta">Changed versions are counted: their typed edits are not '
            "computed yet (<code>newsdiff analyse</code>).</p>"
        )
    return ""


def chart_figure(
    series: Series,
    *,
    ident: str = "nd-chart",
    event_link: Callable[[EventMark], str | None] | None = None,
    list_outside: bool = True,
) -> str:
    """The HTML of the chart of ``series`` (see the module docstring), or a sentence saying
    there is nothing to draw. ``event_link(mark)``: the (unescaped) link of an event in the
    key, or None. ``list_outside``: name the events outside the chart's period (else count
    them). ``ident``: the prefix of the ids in the page."""
    if series.empty:
        if series.measure == "edits" and series.changes:
            text = (
                f"No typed edits in the {plural(series.changes, 'change')} recorded so far: "
                "nothing to chart."
            )
        else:
            text = "No changes recorded yet: nothing to chart."
        return f'<p class="nd-chart-empty">{text}</p>'
    series = series.top(MAX_OUTLETS)
    what = _UNITS[series.measure][1]
    title = f"{what.capitalize()} per {series.bucket} by outlet, {period(series)}"
    desc = summary(series)
    drawings = "\n".join(
        chart_svg(series, frame, title=title, desc=desc, ident=f"{ident}-{frame.name}")
        for frame in (WIDE, NARROW)
    )
    return (
        f'<figure class="nd-chart" id="{ident}">\n'
        f"<figcaption>{_e(title)}</figcaption>\n"
        f"{drawings}\n{_legend(series)}\n{_event_key(series, event_link, list_outside)}\n"
        f"{_note(series)}\n{_figures_table(series)}\n</figure>"
    )
