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


#: Headline variants that are part of a version's text: the article's own headlines. The
#: ``<title>`` (site suffixes change with every redesign) and the feed's title (two feeds may
#: title one article differently) are stored with each version but make no version by themselves.
HASHED_HEADLINES = ("h1", "og")


def text_hash(
    title: str, paragraphs: Iterable[str], headlines: Mapping[str, object] | None = None
) -> str:
    """SHA-256 of the normalised headline and paragraphs (one paragraph per line), and of the
    page's own headline variants (``h1``, ``og``) where they differ from the headline, so that a
    changed ``og:title`` alone is a new version researchers can query."""
    clean_title = normalize_paragraph(title)
    body = "\n".join(normalize_paragraphs(paragraphs))
    data = clean_title + "\n\n" + body
    for key in HASHED_HEADLINES:
        value = headlines.get(key) if headlines else None
        variant = normalize_paragraph(value) if isinstance(value, str) else ""
        if variant and variant != clean_title:
            data += f"\n\n{key}: {variant}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


_CONTROL = {c: 0x2400 + c for c in range(0x20) if c not in (0x0A,)}
_CONTROL[0x7F] = 0x2421
_CONTROL[0x1B] = 0x241B


def printable(text: str) -> str:
    """Untrusted text made safe for a terminal: control characters become visible symbols
    (ESC shows as ``␛``), so ANSI escapes in an article are shown, never interpreted."""
    out = text.translate(_CONTROL)
    # C1 controls (0x80-0x9f) can also start escape sequences on some terminals.
    return "".join(ch if not 0x80 <= ord(ch) <= 0x9F else f"\\x{ord(ch):02x}" for ch in out)


def plural(n: int, word: str) -> str:
    """``1 version``, ``2 versions`` (English nouns that take an s)."""
    return f"{n} {word}{'' if n == 1 else 's'}"
