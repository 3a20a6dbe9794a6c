"""The site's charts as SVG: well-formed XML, bars of the right height, event marks, escaped
untrusted names, a sentence instead of an empty chart, a table of the figures."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from newsdiff.export.charts import (
    NARROW,
    OTHER_COLOUR,
    PALETTE,
    WIDE,
    Frame,
    chart_figure,
    nice_scale,
)
from newsdiff.timeline.series import Bucket, EventMark, OutletSeries, Series, make_buckets

SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2008, 11, 10)
HOSTILE_OUTLET = 'Daily <b>Example</b> & "Co" \x1b[31m'
HOSTILE_EVENT = "</title><script>alert(1)</script> & 'report'"


def mark(
    title: str,
    start: dt.date,
    end: dt.date | None = None,
    number: int | None = None,
    precision: str = "day",
) -> EventMark:
    return EventMark(
        story="council",
        story_title="The <council> story",
        slug=f"e{number}",
        title=title,
        kind=None,
        date=start,
        end_date=None,
        precision=precision,
        start=start,
        end=end or start,
        when=start.isoformat() if precision == "day" else f"{start:%B %Y}",
        number=number,
    )


def series(
    outlets: list[tuple[str, tuple[int, ...]]],
    *,
    days: int = 3,
    events: tuple[EventMark, ...] = (),
    story: str | None = "council",
    measure: str = "edits",
    unanalysed: int = 0,
) -> Series:
    buckets = make_buckets(DAY, DAY + dt.timedelta(days=days - 1), "day")
    rows = tuple(
        OutletSeries(name, changes=counts, edits=counts, kinds={"number": counts})
        for name, counts in outlets
    )
    changes = sum(sum(c) for _, c in outlets)
    return Series(story, "day", measure, buckets, rows, events, changes, unanalysed)


SMALL = series(
    [(HOSTILE_OUTLET, (3, 0, 1)), ("Herald", (1, 0, 2))],
    events=(
        mark("Before", DAY - dt.timedelta(days=30)),
        mark("November", dt.date(2008, 11, 1), dt.date(2008, 11, 30), 1, "month"),
        mark(HOSTILE_EVENT, DAY + dt.timedelta(days=1), number=2),
    ),
)


def svgs(figure: str) -> dict[str, ET.Element]:
    """Each drawing of a figure, parsed as an XML document, by its frame's name."""
    found = re.findall(r"<svg\b.*?</svg>", figure, re.S)
    out = {}
    for text in found:
        root = ET.fromstring(text)
        name = root.get("class", "").removeprefix("nd-chart-")
        out[name] = root
    return out


def label_texts(root: ET.Element) -> list[str]:
    """The event marks' labels (each a <text> whose <title> comes first)."""
    out = []
    for t in root.iter(f"{SVG}text"):
        if t.get("class") == "nd-event-label":
            tip = t.find(f"{SVG}title")
            assert tip is not None
            out.append(tip.tail or "")
    return out


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "nd-bar"]


@pytest.mark.parametrize("frame", [WIDE, NARROW], ids=["wide", "narrow"])
def test_bars_are_stacked_and_as_tall_as_their_counts(frame: Frame) -> None:
    root = svgs(chart_figure(SMALL))[frame.name]
    assert root.get("viewBox") == f"0 0 {frame.width} {frame.height}"
    found = bars(root)
    # one rect per outlet and bucket with a count: 3 + 1 on the first day, 1 + 2 on the third
    cells = [(r.get("data-bucket"), r.get("data-outlet"), r.get("data-count")) for r in found]
    assert cells == [("0", "0", "3"), ("0", "1", "1"), ("2", "0", "1"), ("2", "1", "2")]
    top = 4  # the tallest stack, 4, on a scale of 0..4 in steps of 1
    unit = frame.plot_height / top
    for r in found:
        assert float(r.get("height", "")) == pytest.approx(
            int(r.get("data-count", "")) * unit, abs=0.01
        )
        assert float(r.get("y", "")) >= frame.top - 0.01
    first, second = found[0], found[1]
    # the second outlet sits on the first; both on the axis
    assert float(first.get("y", "")) + float(first.get("height", "")) == pytest.approx(frame.base)
    assert float(second.get("y", "")) + float(second.get("height", "")) == pytest.approx(
        float(first.get("y", "")), abs=0.01
    )
    assert float(found[2].get("x", "")) > float(first.get("x", ""))  # later day, further right
    assert [r.get("fill") for r in found] == [PALETTE[0], PALETTE[1]] * 2
    figures = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "nd-y" for t in g]
    assert figures == ["0", "1", "2", "3", "4"]


def test_the_svg_says_what_it_shows() -> None:
    figure = chart_figure(SMALL)
    for root in svgs(figure).values():
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and desc is not None
        assert title.text == "Typed edits per day by outlet, 2008-11-10 to 2008-11-12"
        assert desc.text is not None and "stacked by outlet" in desc.text
        assert "Herald 3" in desc.text and "2 events marked" in desc.text
        ids = (root.get("aria-labelledby") or "").split()
        assert ids == [title.get("id"), desc.get("id")]
    # the ids of the two drawings differ
    assert len(set(re.findall(r'id="([^"]+)"', figure))) == len(re.findall(r'id="', figure))


def test_event_marks() -> None:
    for root in svgs(chart_figure(SMALL)).values():
        groups = {g.get("class"): g for g in root.iter(f"{SVG}g")}
        # the month is a band behind the bars, the day a dashed line; the event before the
        # chart's period is not drawn
        bands = list(groups["nd-event-bands"])
        lines = list(groups["nd-event-lines"])
        assert len(bands) == 1 and len(lines) == 1
        band_title = bands[0].find(f"{SVG}title")
        assert band_title is not None and band_title.text == "1. November 2008: November"
        line_title = lines[0].find(f"{SVG}title")
        assert line_title is not None
        assert line_title.text == f"2. 2008-11-11: {HOSTILE_EVENT}"
        assert label_texts(root) == ["1", "2"]


def test_near_events_share_a_label() -> None:
    close = tuple(mark(f"Event {n}", DAY + dt.timedelta(days=n), number=n + 1) for n in range(3))
    wide = series(
        [("A", (1,) * 60)],
        days=60,
        events=(*close, mark("Far", DAY + dt.timedelta(days=50), number=4)),
    )
    roots = svgs(chart_figure(wide))
    assert label_texts(roots["narrow"]) == ["1\u20133", "4"]
    lines = [g for g in roots["narrow"].iter(f"{SVG}g") if g.get("class") == "nd-event-line"]
    assert len(lines) == 4  # every event keeps its own line and tooltip


def test_axis_labels_do_not_crowd() -> None:
    long = series([("A", tuple(range(60)))], days=60)
    for name, root in svgs(chart_figure(long)).items():
        frame = WIDE if name == "wide" else NARROW
        ticks = [
            t
            for g in root.iter(f"{SVG}g")
            if g.get("class") == "nd-x"
            for t in g.iter(f"{SVG}text")
        ]
        xs = [float(t.get("x", "")) for t in ticks]
        assert 2 <= len(xs) < 60
        widest = max(len(t.text or "") for t in ticks) * frame.font * 0.6
        assert (
            min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= widest
        )  # no two labels overlap
        # the year under the first label
        first = ticks[0].find(f"{SVG}tspan")
        assert first is not None and first.text == "2008"


def test_untrusted_names_are_escaped() -> None:
    figure = chart_figure(SMALL)

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    parser = Tags()
    parser.feed(figure)
    assert "script" not in parser.tags and "b" not in parser.tags
    assert "\x1b" not in figure and "␛[31m" in figure  # the escape character shown
    for root in svgs(figure).values():
        tips = [r.find(f"{SVG}title") for r in bars(root)]
        assert tips[0] is not None
        assert tips[0].text == 'Daily <b>Example</b> & "Co" ␛[31m, 2008-11-10: 3 typed edits'
    # the legend, the key and the table
    assert "Daily &lt;b&gt;Example&lt;/b&gt; &amp; &quot;Co&quot;" in figure
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in figure


def test_legend_key_and_table() -> None:
    figure = chart_figure(SMALL, event_link=lambda m: f'#event-{m.slug}?"x')
    legend = re.search(r'<ul class="nd-legend".*?</ul>', figure, re.S)
    assert legend is not None
    assert re.findall(r"nd-swatch (nd-c\d)", legend.group(0)) == ["nd-c0", "nd-c1"]
    assert "(4)" in legend.group(0) and "(3)" in legend.group(0)
    key = re.search(r'<ol class="nd-chart-events".*?</ol>', figure, re.S)
    assert key is not None
    assert re.findall(r'<li value="(\d)">', key.group(0)) == ["1", "2"]
    assert 'href="#event-e1?&quot;x"' in key.group(0)  # the link escaped in its attribute
    assert "Outside the chart’s period: " in figure and "Before" in figure
    table = re.search(r"<details.*?</details>", figure, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in rows]
    assert cells[0][1:] == [
        "Daily &lt;b&gt;Example&lt;/b&gt; &amp; &quot;Co&quot; ␛[31m",
        "Herald",
        "Total",
        "Kinds",
    ]
    assert cells[1:] == [
        ["2008-11-10", "3", "1", "4", "4 number"],
        ["2008-11-12", "1", "2", "3", "3 number"],
    ]
    assert "1 day without any left out" in table.group(0)


def test_outside_events_counted_on_request() -> None:
    figure = chart_figure(SMALL, list_outside=False)
    assert "1 other event falls outside the chart’s period" in figure
    assert "Before" not in figure


def test_many_outlets_are_folded_in_grey() -> None:
    many = series([(f"Outlet {n:02d}", (10 - n, 1, 0)) for n in range(10)])
    figure = chart_figure(many)
    legend = re.search(r'<ul class="nd-legend".*?</ul>', figure, re.S)
    assert legend is not None
    items = re.findall(r"<li>.*?</li>", legend.group(0))
    assert len(items) == 8 and "Other outlets (3)" in items[-1] and "nd-c-other" in items[-1]
    root = svgs(figure)["wide"]
    fills = {r.get("fill") for r in bars(root)}
    assert fills == {*PALETTE, OTHER_COLOUR}
    assert len(PALETTE) == len(set(PALETTE))


def test_nothing_to_draw_is_said() -> None:
    empty = Series("council", "day", "changes", (), (), (), 0, 0)
    figure = chart_figure(empty)
    assert "<svg" not in figure and "No changes recorded yet" in figure
    no_edits = series([("A", (0, 0, 0))], measure="edits")
    no_edits = Series(no_edits.story, "day", "edits", no_edits.buckets, no_edits.outlets, (), 2, 0)
    figure = chart_figure(no_edits)
    assert "<svg" not in figure and "No typed edits in the 2 changes" in figure


def test_notes_on_what_is_counted() -> None:
    assert "1 change has no typed edits yet and is not counted" in chart_figure(
        series([("A", (1, 0, 0))], unanalysed=1)
    )
    changes = chart_figure(series([("A", (1, 0, 0))], measure="changes", unanalysed=1))
    assert "Changed versions are counted" in changes
    root = svgs(changes)["wide"]
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert title.text.startswith("Changed versions per day")


def test_whole_archive_names_each_events_story() -> None:
    archive = series([("A", (1, 0, 0))], story=None, events=(mark("Report", DAY, number=1),))
    figure = chart_figure(archive)
    assert "(The &lt;council&gt; story)" in figure
    line = [g for g in svgs(figure)["wide"].iter(f"{SVG}g") if g.get("class") == "nd-event-line"]
    tip = line[0].find(f"{SVG}title")
    assert tip is not None and tip.text == "1. 2008-11-10: Report (The <council> story)"


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (0, (1, 1)),
        (1, (1, 1)),
        (4, (4, 1)),
        (7, (8, 2)),
        (9, (10, 5)),
        (23, (30, 10)),
        (180, (200, 50)),
    ],
)
def test_nice_scale(maximum: int, expected: tuple[int, int]) -> None:
    assert nice_scale(maximum) == expected


def test_large_figures_are_short_on_the_axis() -> None:
    big = series([("A", (12_000, 0, 3))])
    root = svgs(chart_figure(big))["narrow"]
    figures = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "nd-y" for t in g]
    assert figures == ["0", "5k", "10k", "15k"]


def test_one_bucket_is_one_bar_of_bounded_width() -> None:
    one = Series(
        "council",
        "week",
        "edits",
        (Bucket(DAY, DAY + dt.timedelta(days=6)),),
        (OutletSeries("A", (2,), (2,), {}),),
        (),
        2,
        0,
    )
    for root in svgs(chart_figure(one)).values():
        (bar,) = bars(root)
        assert float(bar.get("width", "")) <= 48
        title = root.find(f"{SVG}title")
        assert (
            title is not None
            and title.text == "Typed edits per week by outlet, 2008-11-10 to 2008-11-16"
        )
