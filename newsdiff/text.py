"""Text normalisation shared by extraction and the store (pure, no dependencies).

Text is normalised before hashing so that invisible differences never make a new version:
Unicode NFC, whitespace collapsed inside a paragraph, zero-width characters and NUL dropped (NUL
never carries meaning in an article, and PostgreSQL refuses it in text), empty paragraphs dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00"), None)
_SPACE = re.compile(r"\s+")


def normalize_paragraph(text: str) -> str:
    """NFC; zero-width characters, soft hyphens and NUL dropped; whitespace collapsed, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    return _SPACE.sub(" ", text).strip()


def normalize_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """Normalise each paragraph and drop the ones left empty."""
    out = []
    for p in paragraphs:
        n = normalize_paragraph(p)
        if n:
            out.append(n)
    return out


#: Headline variants that are part of a version's text: the article's own headlines and its
#: standfirst (the summary line under the headline). The ``<title>`` (site suffixes change with
#: every redesign) and the feed's title (two feeds may title one article differently) are stored
#: with each version but make no version by themselves. A key added here must only add to the
#: hashed data when present, so that the stored hashes of versions without it stay valid.
HASHED_HEADLINES = ("h1", "og", "standfirst")
#: Hashed variants newsdiff began to capture after versions had been stored without them: a
#: stored version whose ``headlines`` lack the key was made before (not "the page had none").
LATER_HEADLINES = ("standfirst",)


def standfirst_of(headlines: Mapping[str, object] | None) -> str | None:
    """A stored version's standfirst: ``""`` when its page had none, ``None`` when the version
    was stored before standfirsts were captured (the key is absent: see LATER_HEADLINES)."""
    if headlines is None or "standfirst" not in headlines:
        return None
    value = headlines.get("standfirst")
    return normalize_paragraph(value) if isinstance(value, str) else ""


def text_hash(
    title: str, paragraphs: Iterable[str], headlines: Mapping[str, object] | None = None
) -> str:
    """SHA-256 of the normalised headline and paragraphs (one paragraph per line), and of the
    page's own headline variants (``h1``, ``og``) and standfirst where present and different
    from the headline, so that a changed ``og:title`` or standfirst alone is a new version
    researchers can query."""
    clean_title = normalize_paragraph(title)
    body = "\n".join(normalize_paragraphs(paragraphs))
    data = clean_title + "\n\n" + body
    for key in HASHED_HEADLINES:
        value = headlines.get(key) if headlines else None
        variant = normalize_paragraph(value) if isinstance(value, str) else ""
        if variant and variant != clean_title:
            data += f"\n\n{key}: {variant}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def same_text(
    stored_hash: str,
    stored_headlines: Mapping[str, object] | None,
    title: str,
    paragraphs: Iterable[str],
    headlines: Mapping[str, object] | None,
    digest: str | None = None,
) -> bool:
    """Whether a text is the one stored under ``stored_hash``. A variant of
    :data:`LATER_HEADLINES` that was not captured when the stored version was made is left out
    of the comparison: starting to capture a standfirst is not an edit of the article, so a
    database from before it gets no version that only "adds" each page's standfirst. (The next
    real change stores it, and the diff can tell it apart by the key being absent before.)"""
    paragraphs = list(paragraphs)
    if (digest or text_hash(title, paragraphs, headlines)) == stored_hash:
        return True
    missing = [k for k in LATER_HEADLINES if stored_headlines is None or k not in stored_headlines]
    if not missing or not headlines or not any(headlines.get(k) for k in missing):
        return False
    known = {k: v for k, v in headlines.items() if k not in missing}
    return text_hash(title, paragraphs, known) == stored_hash


_CONTROL: dict[int, int | str] = {c: 0x2400 + c for c in range(0x20) if c not in (0x0A,)}
_CONTROL[0x7F] = 0x2421
_CONTROL[0x1B] = 0x241B
# C1 controls (0x80-0x9f) can also start escape sequences on some terminals.
_CONTROL.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
# Bidirectional formatting characters: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069) and the marks (LRM, RLM, ALM). A terminal that applies them shows text in
# another order than it is stored ("photo\u202egnp.exe" reads as "photo" + "exe.png"). They are
# made visible (as ``\u202e``), not dropped: they are part of the stored text and its hash, so
# a version that only gained one is a real change, and the diff must show where it is.
_CONTROL.update(
    {c: f"\\u{c:04x}" for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]}
)
_CONTROL[0x061C] = "\\u061c"
_UNPRINTABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CONTROL)) + "]")


def printable(text: str) -> str:
    """Untrusted text made safe for a terminal: control characters become visible symbols
    (ESC shows as ``␛``), so ANSI escapes in an article are shown, never interpreted; C1
    controls and bidirectional formatting characters show as ``\\x85``, ``\\u202e``."""
    # most text needs nothing: a search is much faster than a translate
    return text.translate(_CONTROL) if _UNPRINTABLE.search(text) else text


def plural(n: int, word: str) -> str:
    """``1 version``, ``2 versions`` (English nouns that take an s)."""
    return f"{n} {word}{'' if n == 1 else 's'}"
