"""The diff engine (pure: imports nothing else of newsdiff).

``compare(old, new)`` aligns the paragraphs of two versions of an article and diffs each pair
word by word; the renderers show the result in a terminal, as JSON or as HTML.
``analyse(old, new)`` aligns their sentences across the whole article and types the edits
(headline, number, quote, source, certainty, correction, trivial, other).
"""

from __future__ import annotations

from newsdiff.diff.align import compare
from newsdiff.diff.edits import (
    ANALYSER_VERSION,
    Analysis,
    Edit,
    acknowledges,
    analyse,
    is_trivial,
    resolve_silence,
)
from newsdiff.diff.model import (
    DiffStats,
    Document,
    DocumentDiff,
    Op,
    ParagraphDiff,
    Sentence,
    SentenceLink,
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
from newsdiff.diff.sentence_align import align_sentences
from newsdiff.diff.sentences import segment, sentence_spans
from newsdiff.diff.words import word_diff

__all__ = [
    "ANALYSER_VERSION",
    "DIFF_CSS",
    "Analysis",
    "DiffStats",
    "Document",
    "DocumentDiff",
    "Edit",
    "Op",
    "ParagraphDiff",
    "Sentence",
    "SentenceLink",
    "TitleDiff",
    "acknowledges",
    "align_sentences",
    "analyse",
    "compare",
    "display_ops",
    "html_table",
    "is_trivial",
    "paragraph_note",
    "render_html",
    "render_inline",
    "render_json",
    "render_side_by_side",
    "resolve_silence",
    "segment",
    "sentence_spans",
    "summary_line",
    "visible",
    "word_diff",
]
