"""Sentences: where each sentence of a paragraph starts and ends.

The segmenter is **sentencex** (Wikimedia's rule-based segmenter, compiled from Rust; about 300
languages, no model, no data download). It was chosen over pysbd, syntok and blingfire on
``tests/data/sentences_cases.toml`` (71 tricky news paragraphs: "Mr.", "U.S.", "No. 10", "St.",
"3.5%", "£1.2bn", "10 a.m.", "J. K. Rowling", quotations ending inside their marks, ellipses,
question marks, Arabic, Hebrew, Chinese, Hindi), measured by ``python bench/edits.py
--segmenters``::

    segmenter          cases passed   boundary precision  recall   16,000 words
    sentencex           66/71 0.93     0.945               0.972      28 ms
    sentencex + fixes   69/71 0.97     0.986               0.986      33 ms (this module)
    pysbd               63/71 0.89     0.957               0.930     906 ms
    syntok              61/71 0.86     0.929               0.915      69 ms
    blingfire           61/71 0.86     0.893               0.944      14 ms (needs numpy)

sentencex is also the only one of the four released in the last three years. On top of it this
module fixes three things it gets wrong in news text (each with its case in the data file): a
split after an abbreviation it does not know, followed by a digit or a lower-case word ("approx.
5,000"); a list number standing alone ("1. Stay indoors."); and a sentence in brackets followed
by another ("(Two members abstained.) The motion passed.").

A quotation of several sentences stays one sentence (sentencex does not split inside balanced
quote marks); an unbalanced quote mark does not stop splitting. Time is linear in the text: no
input makes it hang (a 250,000-character paragraph without punctuation takes under a
millisecond).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sentencex

from newsdiff.diff.model import Document, Sentence

Span = tuple[int, int]

# Abbreviations sentencex splits after, when what follows cannot start a sentence.
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:approx|appx|est|no|nos|fig|vol|pp|cf|incl|excl|ca|c|op|para|paras|art|sec)"
    r"|\b[A-Za-z])\.$",
    re.IGNORECASE,
)
_CONTINUES = re.compile(r"[\"'“‘(\[]?[a-z0-9£$€¥]")  # a start that does not open a sentence
_LIST_NUMBER = re.compile(r"\(?\d{1,3}[.)]$")  # "1." or "(2)" alone
_LIST_NUMBER_MAX = 5  # the longest text _LIST_NUMBER matches
_ABBREVIATION_MAX = 8  # ...and _ABBREVIATION_END ("approx.", with the character before it)
_CLOCK_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)  # "8:30 a.m." ending a span...
_CLOCK_NEXT = re.compile(  # ...before what goes on with the time, not a new sentence
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|ET|EST|EDT|CT|CST|CDT|MT|"
    r"MST|PT|PST|PDT|GMT|BST|IST|UTC)\b"
)
_BRACKET_END = re.compile(r"[.!?][\"'”’]?[)\]](?=\s+[\"'“‘(]?[A-Z])")  # "...abstained.) The"


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


# Whitespace outside ASCII (no-break and thin spaces, U+3000...): sentencex panics on some
# of it next to a full stop (it cuts a byte string inside the character), so it is given an
# ASCII space instead, one character for one, so the offsets it returns stay right.
_WIDE_SPACE = re.compile(r"[^\S\x00-\x7f]")


def _raw_spans(paragraph: str, language: str) -> list[Span]:
    spans: list[Span] = []
    at = 0
    given = paragraph if paragraph.isascii() else _WIDE_SPACE.sub(" ", paragraph)
    for part in sentencex.get_sentence_boundaries(language, given):
        start, end = int(part["start_index"]), int(part["end_index"])
        # Keep the spans a partition of the text whatever the library returns.
        if start < at:
            start = at
        if end <= start:
            continue
        if start > at and not paragraph[at:start].isspace():
            start = at
        span = _trim(paragraph, start, end)
        if span is not None:
            spans.append(span)
        at = end
    if at < len(paragraph):
        rest = _trim(paragraph, at, len(paragraph))
        if rest is not None:
            spans.append(rest)
    return spans


def _split_brackets(paragraph: str, spans: list[Span]) -> list[Span]:
    if ")" not in paragraph and "]" not in paragraph:
        return spans  # nothing to split (the spans are trimmed already)
    out: list[Span] = []
    for start, end in spans:
        for match in _BRACKET_END.finditer(paragraph, start, end):
            cut = match.end()
            span = _trim(paragraph, start, cut)
            if span is not None:
                out.append(span)
            start = cut
        span = _trim(paragraph, start, end)
        if span is not None:
            out.append(span)
    return out


def _merge_false_ends(paragraph: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in spans:
        if out:
            prev_start, prev_end = out[-1]
            joins = False
            if prev_end - prev_start <= _LIST_NUMBER_MAX:
                joins = _LIST_NUMBER.fullmatch(paragraph, prev_start, prev_end) is not None
            if not joins and paragraph[prev_end - 1] == ".":
                # An abbreviation ends the span: only its last characters are searched, in
                # place (``$`` matches at the end given; before a span's start stands a space
                # or nothing, so ``\b`` there reads as at the start of the span alone).
                tail = max(prev_start, prev_end - _ABBREVIATION_MAX)
                joins = (
                    _ABBREVIATION_END.search(paragraph, tail, prev_end) is not None
                    and _CONTINUES.match(paragraph, start) is not None
                )
            if not joins and paragraph[prev_end - 1] == "." and paragraph[start].isupper():
                # "out at 8:30 a.m. Friday": a day or a time zone after a clock's "a.m."
                joins = (
                    _CLOCK_END.search(paragraph, max(prev_start, prev_end - 5), prev_end)
                    is not None
                    and _CLOCK_NEXT.match(paragraph, start) is not None
                )
            if joins:
                out[-1] = (prev_start, end)
                continue
        out.append((start, end))
    return out


def sentence_spans(paragraph: str, language: str = "en") -> list[Span]:
    """The ``(start, end)`` of each sentence of ``paragraph``, in order.

    Spans exclude the whitespace around sentences and do not overlap; everything between two
    spans (and before the first, after the last) is whitespace, so the sentences and the
    whitespace between them rebuild the paragraph exactly. An empty or blank paragraph has no
    sentence; text without sentence punctuation is one sentence. ``language`` is an ISO 639
    code for sentencex's abbreviation lists (English by default)."""
    if not paragraph or paragraph.isspace():
        return []
    spans = _raw_spans(paragraph, language)
    if len(spans) > 1 or "." in paragraph:
        spans = _merge_false_ends(paragraph, _split_brackets(paragraph, spans))
    return spans


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """The sentences of ``paragraph`` (see :func:`sentence_spans`)."""
    return [paragraph[start:end] for start, end in sentence_spans(paragraph, language)]


def segment(
    document: Document,
    language: str = "en",
    cache: dict[str, list[Span]] | None = None,
    whole: Mapping[int, int] | None = None,
) -> list[Sentence]:
    """Every sentence of the document's paragraphs (not its headline), in order.

    ``cache`` (paragraph text -> its spans, for one ``language``) spares segmenting a paragraph
    again: pass the same dict for two versions, and the paragraphs they share are segmented
    once. ``whole`` (first paragraph -> how many): runs of paragraphs not segmented, each run
    given as one unit in its place (the analyser's paragraphs that did not change): the unit's
    ``paragraph`` is the run's first, its text the run's texts joined by spaces, ``start`` 0
    and ``end`` the text's length."""
    out: list[Sentence] = []
    paragraphs = document.paragraphs
    skip = 0  # paragraphs of a run still to pass
    for p, paragraph in enumerate(paragraphs):
        if skip:
            skip -= 1
            continue
        if whole:
            run = whole.get(p)
            if run is not None:
                text = paragraph if run == 1 else " ".join(paragraphs[p : p + run])
                out.append(Sentence(p, len(out), 0, len(text), text))
                skip = run - 1
                continue
        spans = None if cache is None else cache.get(paragraph)
        if spans is None:
            spans = sentence_spans(paragraph, language)
            if cache is not None:
                cache[paragraph] = spans
        for start, end in spans:
            out.append(Sentence(p, len(out), start, end, paragraph[start:end]))
    return out
