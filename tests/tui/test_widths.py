"""Sharing width by what is shown (newsdiff.tui.widths, pure functions)."""

from __future__ import annotations

from newsdiff.tui.widths import ColumnFit, PaneDemand, column_demand, fit_columns, share

DATE = ColumnFit(10, 10)  # never shrinks
COUNT = ColumnFit(4, 4, optional=True)
TITLE = ColumnFit(40, 6)  # flexible


def test_columns_at_their_natural_width_when_there_is_room_and_the_rest_to_the_text() -> None:
    natural, minimum = column_demand([DATE, COUNT, TITLE])
    assert (natural, minimum) == (10 + 4 + 40 + 3, 10 + 6 + 3)
    assert fit_columns(natural, [DATE, COUNT, TITLE]) == [10, 4, 40]
    assert fit_columns(natural + 10, [DATE, COUNT, TITLE]) == [10, 4, 50]


def test_a_narrow_table_hides_its_optional_columns_before_squeezing_the_text() -> None:
    # room for the date and 18 cells of title (3 x its minimum), not for the count
    assert fit_columns(10 + 18 + 3, [DATE, COUNT, TITLE]) == [10, 0, 18]
    # a little more: the count shows, the title keeps its comfortable width
    assert fit_columns(10 + 18 + 4 + 3, [DATE, COUNT, TITLE]) == [10, 4, 18]
    # at the minimum: the title at its minimum; below it, the title gives way, never the date
    assert fit_columns(10 + 6 + 3, [DATE, COUNT, TITLE]) == [10, 0, 6]
    assert fit_columns(10 + 3 + 3, [DATE, COUNT, TITLE]) == [10, 0, 3]


def test_short_texts_show_whole_before_long_ones_grow() -> None:
    outlet = ColumnFit(18, 6)
    headline = ColumnFit(60, 8)
    widths = fit_columns(1 + 18 + 60 + 3 - 20, [ColumnFit(1, 1), outlet, headline])
    # both grow to three times their minimum, then in proportion to what they lack: the
    # outlet's name shows whole, the headline takes the rest
    assert widths == [1, 18, 40]
    widths = fit_columns(1 + 18 + 60 + 3 - 40, [ColumnFit(1, 1), outlet, headline])
    assert widths == [1, 16, 22]


def test_panes_get_what_they_need_and_the_slack_by_stretch() -> None:
    timeline = PaneDemand(60, 25, stretch=1)
    coverage = PaneDemand(90, 30, stretch=2)
    versions = PaneDemand(28, 20, stretch=0)
    widths = share(240, [timeline, coverage, versions])
    assert sum(widths) == 240
    assert widths[2] == 28  # numbers and times: never wider than they need
    assert widths[0] >= 60 and widths[1] >= 90
    assert widths == [80, 132, 28]  # the slack (62 cells), one to two


def test_when_width_is_short_the_focused_pane_comes_first() -> None:
    timeline = PaneDemand(60, 25)
    coverage = PaneDemand(90, 30)
    versions = PaneDemand(28, 20, stretch=0)
    on_timeline = share(100, [timeline, coverage, versions], focus=0)
    on_coverage = share(100, [timeline, coverage, versions], focus=1)
    assert sum(on_timeline) == sum(on_coverage) == 100
    assert on_timeline[0] > on_coverage[0] and on_coverage[1] > on_timeline[1]
    assert all(
        w >= d.minimum for w, d in zip(on_timeline, [timeline, coverage, versions], strict=True)
    )


def test_not_even_the_minimums_fit() -> None:
    demands = [PaneDemand(60, 25), PaneDemand(90, 30), PaneDemand(28, 20)]
    widths = share(60, demands)
    assert sum(widths) == 60 and min(widths) > 10
    # the focused pane keeps close to half the row, the others share the rest
    focused = share(60, demands, focus=0)
    assert sum(focused) == 60 and focused[0] == 27 and min(focused) > 10
