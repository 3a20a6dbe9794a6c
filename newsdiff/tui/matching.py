"""Finding text the way a reader types it: case and accents ignored (``climbie`` finds
``Climbié``, ``STRASSE`` finds ``Straße``), matches reported as spans of the original text."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character without its accents, case-folded (may be empty, or longer: ß -> ss)."""
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """``text`` case-folded and without accents (for matching only)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


class Finder:
    """Occurrences of a query in texts, ignoring case and accents."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.folded = fold(query)

    def __bool__(self) -> bool:
        return bool(self.folded)

    def search(self, text: str) -> bool:
        """Whether ``text`` holds the query."""
        return bool(self.folded) and self.folded in fold(text)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of each occurrence in ``text`` (not overlapping)."""
        needle = self.folded
        if not needle:
            return []
        if text.isascii():
            haystack = text.lower()
            owner = None
        else:
            parts = [_fold_char(c) for c in text]
            haystack = "".join(parts)
            if needle not in haystack:
                return []
            # the index in ``text`` of each character of ``haystack``
            owner = [i for i, part in enumerate(parts) for _ in part]
        out: list[tuple[int, int]] = []
        at = haystack.find(needle)
        while at >= 0:
            end = at + len(needle)
            if owner is None:
                out.append((at, end))
            else:
                out.append((owner[at], owner[end - 1] + 1))
            at = haystack.find(needle, end)
        return out
