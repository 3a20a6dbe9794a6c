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
from newsdiff.diff.words import word_diff

__all__ = [
    "DiffStats",
    "Document",
    "DocumentDiff",
    "Op",
    "ParagraphDiff",
    "TitleDiff",
    "compare",
    "word_diff",
]
