"""Renderers: untrusted text shown literally, widths respected, colour only when asked."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from newsdiff.diff import (
    DIFF_CSS,
    Document,
    compare,
    html_table,
    render_html,
    render_inline,
    render_json,
    render_side_by_side,
)
from newsdiff.diff.edits import CHANGES, analyse

KEYS_OF_EDITS = [
    "kind",
    "change",
    "old",
    "new",
    "old_paragraph",
    "new_paragraph",
    "silent",
    "detail",
]

SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colour codes the renderers themselves emit
HOSTILE = "Said [bold]x[/bold] [sic] \x1b[31mred\x1b[0m bell\x07 nul\x00 csi\x9b2J rtl\u202eevil"

OLD = Document(
    "Council [b]'improving'[/b]",
    [
        "Inspectors are expected to say later today that services have improved.",
        HOSTILE + " old.",
        "The council was criticised in 2008.",
        "A paragraph that will be deleted from the story entirely.",
    ],
)
NEW = Document(
    "Council [b]'much improved'[/b]",
    [
        "The council was criticised heavily in 2008.",
        "Inspectors said on Tuesday that services had improved.",
        HOSTILE + " new.",
        "<script>alert('x')</script> & a brand new paragraph 中文 🙏🏽.",
    ],
)


@pytest.fixture(scope="module")
def diff():  # type: ignore[no-untyped-def]
    return compare(OLD, NEW)


def _literal(text: str, bidi_mark: str = "<U+202E>") -> None:
    """The hostile paragraph's markup is there as text, and none of its controls are."""
    assert "[bold]x[/bold]" in text and "[sic]" in text
    assert "␛[31mred␛[0m" in text
    assert "␇" in text and "␀" in text
    assert "\x07" not in text and "\x00" not in text and "\x9b" not in text
    assert "\u202e" not in text and bidi_mark in text
    assert "\x1b" not in text


@pytest.mark.parametrize("color", [False, True])
def test_inline_shows_markup_and_escapes_literally(diff, color: bool) -> None:  # type: ignore[no-untyped-def]
    out = render_inline(diff, color=color)
    _literal(SGR.sub("", out))
    if not color:
        assert "\x1b" not in out
        assert "[-are expected to say later today-]{+said on Tuesday+}" in out
        assert "[b]'[-improving-]{+much improved+}'[/b]" in out
    else:
        assert SGR.search(out)


@pytest.mark.parametrize("color", [False, True])
def test_side_by_side_shows_markup_and_escapes_literally(diff, color: bool) -> None:  # type: ignore[no-untyped-def]
    out = render_side_by_side(diff, width=200, color=color)
    _literal(SGR.sub("", out))
    if not color:
        assert "\x1b" not in out
    else:
        assert SGR.search(out)


def test_plain_output_has_no_colour_even_under_a_terminal(monkeypatch, diff) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b" not in render_inline(diff) + render_side_by_side(diff)


def test_colour_is_what_the_caller_asks_for_whatever_no_color_says(monkeypatch, diff) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")  # the CLI reads NO_COLOR; the renderer obeys `color`
    assert "\x1b[" in render_side_by_side(diff, color=True)


def test_side_by_side_marks(diff) -> None:  # type: ignore[no-untyped-def]
    out = render_side_by_side(diff, width=120)
    assert "↕ moved from ¶3" in out and "↕ moved to ¶1" in out
    assert "[-are expected to say later today-]" in out and "{+said on Tuesday+}" in out
    lines = out.splitlines()
    # Deletions on the left of the separator, insertions on the right.
    row = next(line for line in lines if "[-are" in line)
    assert row.index("[-are") < row.index(" │ ")
    row = next(line for line in lines if "{+said" in line)
    assert row.index("{+said") > row.index(" │ ")


texts = st.lists(
    st.text(
        alphabet=st.sampled_from(list("abc de,.") + ["中", "文", "🙏", "é", "\t", "\x1b", "W"]),
        max_size=120,
    ),
    max_size=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, st.integers(min_value=20, max_value=160), st.booleans())
def test_side_by_side_lines_fit_the_width(
    old: list[str], new: list[str], width: int, color: bool
) -> None:
    out = render_side_by_side(compare(Document("t", old), Document("t2", new)), width=width)
    out_colour = render_side_by_side(
        compare(Document("t", old), Document("t2", new)), width=width, color=color
    )
    for text in (out, out_colour):
        for line in text.splitlines():
            assert cell_len(SGR.sub("", line)) <= width


def test_side_by_side_refuses_a_useless_width(diff) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        render_side_by_side(diff, width=10)


def test_html_escapes_everything(diff) -> None:  # type: ignore[no-untyped-def]
    page = render_html(diff, heading="<i>Story</i>", old_label="v1 <old>", new_label="v2 & new")
    assert page.startswith("<!DOCTYPE html>")
    assert DIFF_CSS in page
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<i>" not in page and "&lt;i&gt;Story&lt;/i&gt;" in page
    assert "v1 &lt;old&gt;" in page and "v2 &amp; new" in page
    assert "[b]&#x27;<del>improving</del>" in page
    _literal(page, bidi_mark="&lt;U+202E&gt;")
    table = html_table(diff)
    assert table.startswith('<table class="nd-diff">') and table.endswith("</table>")
    assert "<del>are expected to say later today</del>" in table
    assert "<ins>said on Tuesday</ins>" in table
    assert "↕ moved from ¶3" in table
    assert 'class="nd-inserted"' in table and 'class="nd-deleted"' in table


def test_json_is_the_design_shape(diff) -> None:  # type: ignore[no-untyped-def]
    old = {"number": 1, "captured_at": "2008-11-12T09:00:00+00:00"}
    data = json.loads(render_json(diff, old, None))
    assert list(data) == [
        "old",
        "new",
        "title",
        "standfirst",
        "paragraphs",
        "stats",
        "sentences",
        "edits",
    ]
    assert data["old"] == old and data["new"] is None
    assert data["title"]["changed"] is True
    first = data["paragraphs"][0]
    assert list(first) == ["kind", "old_index", "new_index", "similarity", "ops"]
    assert all(isinstance(op, list) and len(op) == 2 for p in data["paragraphs"] for op in p["ops"])
    assert data == diff.to_dict(old, None, analyse(*diff.documents()))
    link = data["sentences"][0]
    assert list(link) == ["op", "old_paragraph", "new_paragraph", "old", "new", "similarity"]
    assert data["edits"] and all(
        list(e) == KEYS_OF_EDITS and e["change"] in CHANGES for e in data["edits"]
    )


def test_ignored_differences_are_not_shown() -> None:
    old = Document("", ["The report  was published, on Friday."])
    new = Document("", ["The report was published on Friday."])
    result = compare(old, new, ignore_whitespace=True, ignore_punctuation=True)
    assert not result.changed
    assert "[-" not in render_inline(result) and "{+" not in render_inline(result)
    assert "<del>" not in html_table(result)
