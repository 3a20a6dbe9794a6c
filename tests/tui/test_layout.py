"""Selecting and copying diff text: one column at a time side by side, no gutters, wrapped
lines joined again (unit tests of the layout, no app)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.geometry import Offset
from textual.selection import Selection

from newsdiff.diff import Document, DocumentDiff, compare
from newsdiff.timeline.items import VersionPair, VersionText
from newsdiff.tui.diff_layout import DiffLayout, LayoutOptions, layout_diff
from newsdiff.tui.selection import selected_text, selection_side

OLD = [
    "The council closed the bridge on Wednesday after engineers found cracks in two of its "
    "supporting piers during a routine inspection.",
    "Traffic is being diverted through the town centre.",
]
NEW = [
    "The council closed the bridge on Wednesday after engineers found deep cracks in three of "
    "its supporting piers during a routine inspection.",
    "Traffic is being diverted through the town centre.",
]
WHEN = datetime(2024, 3, 6, tzinfo=UTC)


def pair_and_diff(old: Document, new: Document) -> tuple[VersionPair, DocumentDiff]:
    pair = VersionPair(
        article_id=1,
        outlet="Millbrook Courier",
        url="https://example.test/bridge",
        old=VersionText(1, WHEN, old.title, tuple(old.paragraphs)),
        new=VersionText(2, WHEN, new.title, tuple(new.paragraphs)),
        window=None,
        total=2,
    )
    return pair, compare(old, new)


def laid_out(inline: bool = False, width: int = 100) -> DiffLayout:
    pair, diff = pair_and_diff(Document("Bridge closed", OLD), Document("Bridge closed", NEW))
    return layout_diff(pair, diff, LayoutOptions(width=width, inline=inline))


def line_of(laid: DiffLayout, text: str) -> int:
    return next(y for y, t in enumerate(laid.texts) if text in t)


def test_a_selection_in_the_left_column_copies_the_old_text_only() -> None:
    laid = laid_out()
    first = line_of(laid, "The council closed")
    last = line_of(laid, "centre.")
    assert last - first > 3  # both paragraphs are wrapped
    # From the first paragraph's start to the far right of the last line: the left column.
    selection = Selection(Offset(0, first), Offset(laid.width, last))
    assert selection_side(laid, selection) == "left"
    assert selected_text(laid, selection).splitlines() == [OLD[0], "", OLD[1]]
    # Starting inside a word takes the rest of the paragraph.
    start = laid.texts[first].index("bridge")
    assert selected_text(laid, Selection(Offset(start, first), Offset(laid.width, first + 1))) == (
        "bridge on Wednesday after engineers found cracks in two of its"
    )


def test_a_selection_in_the_right_column_copies_the_new_text_only() -> None:
    laid = laid_out()
    first = line_of(laid, "The council closed")
    last = line_of(laid, "centre.")
    selection = Selection(Offset(laid.right_start, first), Offset(laid.width, last))
    assert selection_side(laid, selection) == "right"
    assert selected_text(laid, selection).splitlines() == [NEW[0], "", NEW[1]]


def test_inline_copies_text_without_gutters_and_select_all_copies_everything() -> None:
    laid = laid_out(inline=True)
    y = line_of(laid, "Traffic is being")
    selection = Selection(Offset(0, y), Offset(laid.width, y))
    assert selection_side(laid, selection) == "all"
    assert selected_text(laid, selection) == NEW[1]
    everything = selected_text(laid, Selection(None, None))
    assert "Millbrook Courier" in everything and NEW[1] in everything


def test_a_layout_from_the_cache_is_the_layout_laid_out_afresh() -> None:
    """Folding toggled, modes and widths switched and a find, in the order a reader might: the
    layout built from reused entries is line for line, style for style, the fresh one."""
    from newsdiff.tui.diff_layout import LayoutCache

    old = [
        f"Paragraph {n}: the bridge was inspected in year {n} by the engineers." for n in range(9)
    ]
    new = [old[3], *old[:3], "A new paragraph about the bridge.", *old[4:7], old[7] + " Updated."]
    pair, diff = pair_and_diff(Document("Bridge", old), Document("Bridge closed", new))
    cache = LayoutCache()
    steps = [
        LayoutOptions(width=100),
        LayoutOptions(width=100, fold=True),
        LayoutOptions(width=100),
        LayoutOptions(width=100, inline=True),
        LayoutOptions(width=100, inline=True, fold=True),
        LayoutOptions(width=70),
        LayoutOptions(width=100, query="bridge"),
        LayoutOptions(width=100, query="bridge", fold=True),
        LayoutOptions(width=100),
    ]
    for options in steps:
        cached = layout_diff(pair, diff, options, cache=cache)
        fresh = layout_diff(pair, diff, options)
        assert cached.texts == fresh.texts, options
        assert bytes(cached.kinds) == bytes(fresh.kinds)
        assert (cached.changes, cached.matches, cached.match_count, cached.folded) == (
            fresh.changes,
            fresh.matches,
            fresh.match_count,
            fresh.folded,
        )
        for y in range(len(fresh)):
            assert list(cached.strip(y)) == list(fresh.strip(y)), (options, y)
    # and the entries were reused, not laid out again each time
    assert len(cache.pieces(LayoutOptions(width=100))) == len(diff.paragraphs)


def test_bidi_controls_in_article_text_are_shown_not_applied() -> None:
    old = Document("Headline", ["Download photo.png now."])
    new = Document("Head\u202eline", ["Download photo\u202egnp.exe now.", "Mark\u200f and \u2067x"])
    pair, diff = pair_and_diff(old, new)
    for inline in (False, True):
        laid = layout_diff(pair, diff, LayoutOptions(width=100, inline=inline))
        text = "\n".join(laid.texts)
        segments = "".join(s.text for y in range(len(laid)) for s in laid.strip(y))
        for char in "\u202e\u200f\u2067":
            assert char not in text and char not in segments
        assert "gnp.exe" in text and "\\u202e" in text and "Head\\u202eline" in text
