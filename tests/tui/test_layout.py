"""Selecting and copying diff text: one column at a time side by side, no gutters, wrapped
lines joined again; where each typed edit's words stand (unit tests of the layout, no app)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.geometry import Offset
from textual.selection import Selection

from newsdiff.diff import Document, DocumentDiff, compare
from newsdiff.text import printable
from newsdiff.timeline.browse import with_edits
from newsdiff.timeline.items import EditItem, PairEdits, VersionPair, VersionText
from newsdiff.tui.diff_layout import DiffLayout, LayoutOptions, layout_diff
from newsdiff.tui.edit_text import edit_list
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


def test_a_long_list_keeps_the_most_telling_edits() -> None:
    def edit(kind: str, silent: bool = False) -> EditItem:
        return EditItem(kind, "changed", "a", "b", 0, 0, silent, kind[0].upper())

    edits = [edit("other"), edit("trivial"), edit("number"), edit("quote", True), edit("other")]
    lines = edit_list(PairEdits(tuple(edits), True, ()), 100, 4, (1, 2))
    texts = ["".join(t for t, _ in spans) for spans, _ in lines]
    assert texts[0].startswith("Edits 5 · 1 silent (*)")
    # two lines of edits: the silent quote and the number, in their order in the article
    assert [i for _, i in lines] == [None, 2, 3, None]
    assert texts[3] == "   … 3 more: O ×2, T ×1 (e, then n/p to step through them)"
    everything = edit_list(PairEdits(tuple(edits), True, ()), 100, 6, (1, 2))
    assert [i for _, i in everything] == [None, 0, 1, 2, 3, 4]


EDITED_OLD = Document(
    "Bridge closed after cracks",
    [
        "Officials \x85 said the closure would last about two weeks, and that 40 buses would "
        "be diverted through the town centre while engineers inspect the piers.",
        "Traffic is being diverted through the town centre.",
        "The mayor \x85 called the cracks “a warning we ignored for years” at a meeting.",
    ],
)
EDITED_NEW = Document(
    "Bridge closed for months after deep cracks",
    [
        "The mayor \x85 called the cracks “a warning we ignored for a decade” at a long meeting.",
        "Officials \x85 said the closure could last several months, and that 55 buses would "
        "be diverted through the town centre while engineers inspect the piers.",
        "Traffic is being diverted through the town centre.",
    ],
)


def marked_text(laid: DiffLayout, marks: list[tuple[int, int, int]]) -> str:
    return " ".join(laid.texts[y][a:b] for y, a, b in marks)


def test_each_edit_is_found_where_its_words_stand() -> None:
    """Side by side and inline, narrow and wide, the cells marked for each edit hold its text:
    in a wrapped paragraph, after a control character shown as four, in a paragraph moved and
    reworded (behind its note), in the headline."""
    pair, diff = pair_and_diff(EDITED_OLD, EDITED_NEW)
    pair = with_edits(pair)
    assert pair.edits is not None
    kinds = {e.kind for e in pair.edits.edits}
    assert {"headline", "number", "quote", "certainty"} <= kinds, kinds
    for inline in (False, True):
        for width in (60, 140):
            laid = layout_diff(pair, diff, LayoutOptions(width=width, inline=inline))
            assert len(laid.edit_marks) == len(pair.edits.edits)
            for edit, marks in zip(pair.edits.edits, laid.edit_marks, strict=True):
                words = edit.new if edit.new_span is not None else edit.old
                assert marks and all(b != -1 for _, _, b in marks), (edit, marks)
                marked, words = marked_text(laid, marks), printable(words)
                if not inline:
                    assert marked == words, (width, edit)
                else:  # the struck-out old words between the new ones are marked too
                    assert marked.startswith(words.split()[0]), (width, edit, marked)
                    assert marked.endswith(words.split()[-1]), (width, edit, marked)
                    rest = marked
                    for word in words.split():
                        assert word in rest, (width, edit, marked)
                        rest = rest[rest.index(word) + len(word) :]
            quote = next(e for e in pair.edits.edits if e.kind == "quote")
            marks = laid.edit_marks[pair.edits.edits.index(quote)]
            assert marks[0][0] > laid.head_line  # in the body, not in the list above


def test_the_standfirst_is_laid_out_under_the_headline_marked_when_changed() -> None:
    old = Document("Bridge closed", OLD, "Engineers are expected to find cracks")
    new = Document("Bridge closed", NEW, "Engineers found deep cracks")
    pair, diff = pair_and_diff(old, new)
    for inline in (False, True):
        laid = layout_diff(pair, diff, LayoutOptions(width=100, inline=inline))
        head, dek = line_of(laid, "Bridge closed"), line_of(laid, "Engineers")
        assert dek == head + 1 and laid.texts[dek].lstrip().startswith("Stand")
        assert dek < line_of(laid, "The council closed")
        assert "are expected to find" in laid.texts[dek]
    same = Document("Bridge closed", NEW, "")
    laid = layout_diff(*pair_and_diff(same, same), LayoutOptions(width=100))
    assert not any("Stand" in t for t in laid.texts)
