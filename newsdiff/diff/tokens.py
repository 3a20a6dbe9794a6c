"""Tokens: the units the word diff works on.

A text splits into words (letters, digits and combining marks, with apostrophes and hyphens
inside a word kept: ``children's``, ``long-awaited``; numbers like ``1,000.5`` whole), runs of
whitespace, and single punctuation or symbol characters (an emoji with its modifiers and
zero-width joiners stays one token). Scripts written without spaces (Chinese, Japanese kana,
Thai, Lao, Khmer, Myanmar) fall back to one token per character. The tokens of a text always
join back to the text exactly.

:class:`Codec` maps tokens to single characters (diff-match-patch's "lines to chars" trick
applied to tokens), so a character diff of the encoded strings is a token diff.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Scripts written without spaces between words: one token per character.
_NOSPACE = (
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u2e80-\u2fdf"
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
# Combining marks (Unicode category M) of the BMP outside the scripts above, as ranges; a range
# may also cover letters and digits between marks (they are word characters anyway). Generated
# from unicodedata 14.0. Python's \w does not match marks, so without them "हिन्दी" or a
# decomposed "é" would fall apart.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0711-\u07f3"
    "\u07fd\u0816-\u082d\u0859-\u085b\u0898-\u08e1\u08e3-\u0963\u0981-\u09e3\u09fe-\u0a75"
    "\u0a81-\u0ae3\u0afa-\u0b63\u0b82-\u0bd7\u0c00-\u0c63\u0c81-\u0c83\u0cbc-\u0d4d"
    "\u0d57-\u0d63\u0d81-\u0df3\u0f18-\u0f19\u0f35\u0f37\u0f39\u0f3e-\u0f84\u0f86-\u0fbc"
    "\u0fc6\u135d-\u135f\u1712-\u1734\u1752-\u1773\u180b-\u180d\u180f-\u193b\u1a17-\u1a1b"
    "\u1a55-\u1a7f\u1ab0-\u1b44\u1b6b-\u1b73\u1b80-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2"
    "\u1cd4-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f-\u2dff\u302a-\u302f\ua66f-\ua672"
    "\ua674-\ua67d\ua69e-\ua6f1\ua802-\ua827\ua82c\ua880-\ua8c5\ua8e0-\ua8f1\ua8ff-\ua92d"
    "\ua947-\ua953\ua980-\ua9c0\ua9e5-\uaa4d\uaa7b-\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6"
    "\uabe3-\uabea\uabec-\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef"
)
_WORD_CHAR = f"(?:[^\\W{_NOSPACE}]|[{_MARKS}])"
_INNER = "'\u2019\u02bc\\-\u2010\u2011"  # apostrophes and hyphens kept inside a word
_NUMBER = r"\d+(?:[.,]\d+)+"
_WORD = f"{_WORD_CHAR}+(?:[{_INNER}]{_WORD_CHAR}+)*"
_SINGLE = f"[{_NOSPACE}][{_MARKS}]*"
# Anything else is one character, with what visually belongs to it (marks, variation
# selectors, skin tones, zero-width-joined sequences such as family emoji).
_OTHER = f"[^\\s](?:\u200d[^\\s]|[\U0001f3fb-\U0001f3ff{_MARKS}])*"

TOKEN_RE = re.compile(f"{_NUMBER}|{_WORD}|{_SINGLE}|\\s+|{_OTHER}")
WORD_RE = re.compile(f"{_NUMBER}|{_WORD}|{_SINGLE}")
NOSPACE_RE = re.compile(f"[{_NOSPACE}]")
_PUNCT = frozenset("PS")


# The same tokens for ASCII text, much faster (no large character classes).
ASCII_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['\-]\w+)*|\s+|\S")
# Only ever given ASCII text: there re.ASCII finds the same words (\w and \d hold the same
# characters in ASCII either way), a quarter faster.
ASCII_WORD_RE = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['\-]\w+)*", re.ASCII)

# What a token that is not a word can take in after its first character (joiners, skin tones,
# marks). In a text without any, such a token is one character that starts no word, so the
# words are what WORD_RE finds on its own (TOKEN_RE tries the same patterns first at each
# place). Without characters of scripts written without spaces either, a word character is
# \w, and the patterns reduce to the plain ones below, twice as fast outside ASCII.
_JOINING_RE = re.compile(f"[\u200d\U0001f3fb-\U0001f3ff{_MARKS}]")
_SPECIAL_RE = re.compile(f"[\u200d\U0001f3fb-\U0001f3ff{_MARKS}{_NOSPACE}]")
_PLAIN_WORD = f"{_NUMBER}|\\w+(?:[{_INNER}]\\w+)*"
_PLAIN_TOKEN_RE = re.compile(f"{_PLAIN_WORD}|\\s+|\\S")
_PLAIN_WORD_RE = re.compile(_PLAIN_WORD)


def tokenize(text: str) -> list[str]:
    """The tokens of ``text``; ``"".join(tokenize(text)) == text``."""
    if text.isascii():
        return ASCII_TOKEN_RE.findall(text)
    if not _SPECIAL_RE.search(text):
        return _PLAIN_TOKEN_RE.findall(text)
    return TOKEN_RE.findall(text)


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (what word counts count)."""
    return WORD_RE.findall(text)


def word_list(text: str) -> list[str]:
    """The words of ``text``, in order."""
    if text.isascii():
        return ASCII_WORD_RE.findall(text)
    if not _SPECIAL_RE.search(text):
        return _PLAIN_WORD_RE.findall(text)
    if not _JOINING_RE.search(text):
        return WORD_RE.findall(text)
    return [token for token in TOKEN_RE.findall(text) if WORD_RE.match(token)]


def folded_words(text: str, cache: dict[str, list[str]] | None = None) -> list[str]:
    """The words of ``text`` case-folded (ASCII text is lowered first: the same words).

    ``cache`` (text -> its folded words) spares finding them again: the sentence alignment and
    the typing rules of one analysis share one. The lists it holds are not to be changed."""
    if cache is not None:
        found = cache.get(text)
        if found is not None:
            return found
    if text.isascii():
        found = ASCII_WORD_RE.findall(text.lower())
    else:
        found = [word.casefold() for word in word_list(text)]
    if cache is not None:
        cache[text] = found
    return found


def count_words(text: str) -> int:
    """How many words ``text`` has (whitespace and punctuation are not words)."""
    if text.isascii():
        return len(ASCII_WORD_RE.findall(text))
    if not _SPECIAL_RE.search(text):
        return len(_PLAIN_WORD_RE.findall(text))
    if not _JOINING_RE.search(text):
        return len(WORD_RE.findall(text))
    return sum(1 for token in TOKEN_RE.findall(text) if WORD_RE.match(token))


def is_word(token: str) -> bool:
    """A word (or a number, or a character of a script without spaces)."""
    return WORD_RE.match(token) is not None


def is_space(token: str) -> bool:
    return token.isspace()


def is_punctuation(token: str) -> bool:
    """Punctuation or a symbol (emoji included)."""
    return bool(token) and not token.isspace() and not is_word(token)


def strip_punctuation(token: str) -> str:
    """A word without the apostrophes and hyphens inside it (``don’t`` -> ``dont``)."""
    return "".join(ch for ch in token if unicodedata.category(ch)[0] not in _PUNCT)


_FIRST_CODE = 0x100  # codes are characters from U+0100 on, clear of ASCII and its controls


class Codec:
    """Tokens <-> single characters, consistent across every text of one comparison.

    ``encode`` gives each distinct token a character of its own, so a diff of the encoded strings
    (with diff-match-patch) is a diff of token sequences; ``decode`` turns encoded text back.
    Any string can be a "token" here: the paragraph alignment also encodes whole
    space-separated chunks.
    """

    __slots__ = ("_chars", "_tokens", "_words")

    def __init__(self) -> None:
        self._chars: dict[str, str] = {}
        # The token of each code, at the code's number (codes start at U+0100).
        self._tokens: list[str] = [""] * _FIRST_CODE
        self._words: dict[str, bool] = {}

    def encode(self, tokens: Sequence[str]) -> str:
        chars = self._chars
        missing = list(set(tokens).difference(chars) if chars else set(tokens))
        if missing:
            first = len(self._tokens)
            chars.update(zip(missing, map(chr, range(first, first + len(missing))), strict=True))
            self._tokens += missing
        return "".join(map(chars.__getitem__, tokens))

    def decode(self, encoded: str) -> str:
        return "".join(map(self._tokens.__getitem__, map(ord, encoded)))

    def token(self, char: str) -> str:
        return self._tokens[ord(char)]

    def word_count(self, encoded: str) -> int:
        """How many of the encoded tokens are words."""
        known = self._words
        count = 0
        for char in encoded:
            word = known.get(char)
            if word is None:
                word = known[char] = is_word(self._tokens[ord(char)])
            count += word
        return count
