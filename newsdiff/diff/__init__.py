"""The diff engine (pure: imports nothing else of newsdiff).

``compare(old, new)`` aligns the paragraphs of two versions of an article and diffs each pair
word by word; the renderers show the result in a terminal, as JSON or as HTML.
"""

from __future__ import annotations

from newsdiff.diff.align import compare
from newsdiff.diff.model import (
    DiffStats,
    Document,
    DocumentDiff,
    Op,
    ParagraphDiff,
    TitleDiff,
)
from newsdiff.diff.render_html import DIFF_CSS, html_table, render_html
from newsdiff.diff.render_text import (
    display_ops,
    paragraph_note,
    render_inline,
    render_json,
    render_side_by_side,
    summary_line,
    visible,
)
from newsdiff.diff.words import word_diff

__all__ = [
    "DIFF_CSS",
    "DiffStats",
    "Document",
    "DocumentDiff",
    "Op",
    "ParagraphDiff",
    "TitleDiff",
    "compare",
    "display_ops",
    "html_table",
    "paragraph_note",
    "render_html",
    "render_inline",
    "render_json",
    "render_side_by_side",
    "summary_line",
    "visible",
    "word_diff",
]
