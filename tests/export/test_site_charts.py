"""The charts on the site's pages: the story page and the index each carry one (its figures from
the database, its event marks linked to the story page), escaped whatever the outlets and events
are called, and drawn by a real browser: visible, sized to the window, readable at 360 px."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from newsdiff.export.charts import NARROW, PALETTE, WIDE
from newsdiff.store.db import Database
from newsdiff.store.models import Event, Outlet
from tests.export.conftest import Sample, build_sample
from tests.export.test_charts import SVG, bars, svgs
from tests.export.test_site import broken_links, chromium, export, png_pixels, run_chromium


def figure_of(page: str) -> str:
    found = re.search(r'<figure class="nd-chart".*?</figure>', page, re.S)
    assert found, page[:2000]
    return found.group(0)


def counts(root: ET.Element) -> list[tuple[str | None, str | None, str | None]]:
    return [(r.get("data-bucket"), r.get("data-outlet"), r.get("data-count")) for r in bars(root)]


def test_story_page_and_index_have_the_chart(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export(database, out)
    assert broken_links(out) == []  # the event key's links reach the events' sections
    story = (out / "stories/council.html").read_text(encoding="utf-8")
    figure = figure_of(story)
    # above the timeline of events
    assert story.index("<figure") < story.index('<section class="nd-event"')
    # the story's coverage: article a1's two changes on 11 November, not analysed
    for root in svgs(figure).values():
        assert counts(root) == [("0", "0", "2")]
        title = root.find(f"{SVG}title")
        assert title is not None
        assert title.text == "Changed versions per day by outlet, 2008-11-11"
    assert "Daily Example" in figure and "The Other, Paper" not in figure
    assert '<li value="1"><a href="#event-review">' in figure
    assert "Outside the chart’s period: 2008-11-12: Later." in figure
    index = (out / "index.html").read_text(encoding="utf-8")
    figure = figure_of(index)
    assert index.index("<h2>Stories</h2>") < index.index("<figure") < index.index("Latest changes")
    # the whole archive: a1 on the 11th, a2 (another outlet) on the 12th; both events marked
    for root in svgs(figure).values():
        assert counts(root) == [("0", "0", "2"), ("1", "1", "1")]
    assert '<a href="stories/council.html#event-review">' in figure
    assert '<a href="stories/council.html#event-later">' in figure
    assert "(The council story)" in figure


def test_story_only_site_charts_the_story(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export(database, out, story=sample.story)
    figure = figure_of((out / "index.html").read_text(encoding="utf-8"))
    for root in svgs(figure).values():
        assert counts(root) == [("0", "0", "2")]
    assert "(The council story)" not in figure  # one story: not named at each event


def test_nothing_to_chart(database: Database, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export(database, out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "No changes recorded yet: nothing to chart." in index
    assert "<svg" not in index


def test_hostile_outlet_and_event_names_are_escaped(
    database: Database, sample: Sample, tmp_path: Path
) -> None:
    outlet = '<script>alert("o")</script>&amp; \x1b[31m'
    event = "</title></svg><img src=x onerror=alert(1)> & 'later'"
    with database.write() as session:
        session.execute(update(Outlet).where(Outlet.id == sample.outlet_a).values(name=outlet))
        session.execute(update(Event).where(Event.slug == "review").values(title=event))
        session.execute(update(Event).where(Event.slug == "later").values(date=date(2008, 11, 11)))
    out = tmp_path / "site"
    export(database, out)
    for page in ("index.html", "stories/council.html"):
        text = (out / page).read_text(encoding="utf-8")
        figure = figure_of(text)
        assert "<script" not in text and "<img" not in text and "\x1b" not in text
        for root in svgs(figure).values():  # still well-formed XML
            tips = [r.find(f"{SVG}title") for r in bars(root)]
            assert tips[0] is not None and tips[0].text is not None
            assert tips[0].text.startswith('<script>alert("o")</script>&amp; ␛[31m, ')
            marks = [
                g.find(f"{SVG}title")
                for g in root.iter(f"{SVG}g")
                if g.get("class") == "nd-event-line"
            ]
            assert any(m is not None and event in (m.text or "") for m in marks)
        assert "&lt;script&gt;alert(&quot;o&quot;)&lt;/script&gt;&amp;amp; ␛[31m" in figure


# Measures the chart of every frame of the page it is put in, once all have loaded: which drawing
# shows, how wide it is against the frame, its bars and their box (getBBox), and its smallest
# text in CSS pixels. Written into the page as JSON, for --dump-dom.
MEASURE = """
addEventListener("load", () => {
  const frames = [];
  for (const frame of document.querySelectorAll("iframe")) {
    const doc = frame.contentDocument;
    const shown = [...doc.querySelectorAll("figure.nd-chart svg")]
      .filter((svg) => getComputedStyle(svg).display !== "none");
    const svg = shown[0];
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const bars = svg.querySelector("g.nd-bars").getBBox();
    const sizes = [...svg.querySelectorAll("text")]
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    frames.push({page: frame.getAttribute("src"), width: frame.contentWindow.innerWidth,
      scroll: doc.documentElement.scrollWidth, shown: shown.map((s) => s.getAttribute("class")),
      chart: box.width, bars: svg.querySelectorAll("rect.nd-bar").length,
      bbox: [bars.width, bars.height], smallest: Math.min(...sizes),
      events: svg.querySelectorAll("g.nd-event-line").length});
  }
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(frames);
  document.body.append(out);
});
"""


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_charts_in_headless_chromium(sqlite_url: str, tmp_path: Path) -> None:
    """The chart is drawn (bars with a box, in the palette's colours), fits the window, and
    its narrow drawing shows below 700 px with text of at least 11 CSS pixels."""
    database = Database(sqlite_url)  # one backend is enough for what a browser shows
    build_sample(database)
    export(database, tmp_path / "site")
    database.dispose()
    pages = ["index.html", "stories/council.html"]
    widths = (360, 699, 700, 1000)
    frames = "".join(
        f'<iframe src="site/{page}" style="width:{width}px;height:700px;border:0"></iframe>\n'
        for width in widths
        for page in pages
    )
    host = tmp_path / "measure.html"
    host.write_text(
        f"<!DOCTYPE html>\n<html><body>\n{frames}<script>{MEASURE}</script>\n</body></html>\n",
        encoding="utf-8",
    )
    dom = run_chromium(
        tmp_path,
        "--allow-file-access-from-files",
        "--window-size=1200,900",
        "--dump-dom",
        host.as_uri(),
    )
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    measured = json.loads(found.group(1))
    assert len(measured) == len(widths) * len(pages)
    for m in measured:
        narrow = m["width"] < 700
        assert m["shown"] == ["nd-chart-narrow" if narrow else "nd-chart-wide"], m
        assert m["scroll"] <= m["width"], m  # nothing wider than the window
        assert 0 < m["chart"] <= m["width"], m
        assert m["bars"] == (2 if m["page"].endswith("index.html") else 1), m
        assert m["bbox"][0] > 10 and m["bbox"][1] > 50, m  # the bars have a box
        assert m["smallest"] >= 11, m  # readable, not scaled down
        assert m["events"] >= 1, m
    # the drawing at full size on a wide window; the narrow one about as wide as the phone
    wide = next(m for m in measured if m["width"] == 1000)
    assert wide["chart"] == pytest.approx(WIDE.width, abs=1)
    phone = next(m for m in measured if m["width"] == 360)
    assert phone["chart"] == pytest.approx(NARROW.width, abs=30)

    # the pixels: the index's two outlets in the palette's first two colours
    shot = tmp_path / "index.png"
    page = tmp_path / "site" / "index.html"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,900", page.as_uri())
    _, _, pixels = png_pixels(shot.read_bytes())
    for colour in PALETTE[:2]:
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        near = sum(1 for p in pixels if all(abs(a - b) <= 6 for a, b in zip(p, rgb, strict=True)))
        assert near > 1000, (colour, near)
