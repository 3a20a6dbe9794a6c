"""newsdiff's search syntax: one query language, translated to each engine (pure, no database).

The syntax::

    council                 a word (any case; accents ignored where the engine can)
    "are expected to"       an exact phrase: these words, adjacent, in this order
    charg*  "was charg*"    a prefix (at least three letters), alone or ending a phrase
    a b     a AND b         both (AND is implied between terms)
    a OR b                  either
    a NOT b   a -b          a, but not b (NOT needs something to exclude from)
    (a OR b) c              grouping

``AND``, ``OR`` and ``NOT`` are operators only in capitals (``and``/``or``/``not`` are words).
Every other character that is not a letter or a digit separates words, exactly as the indexes
split the text: ``covid-19`` is the phrase ``"covid 19"``, ``12.5`` is ``"12 5"``, ``don't`` is
``"don t"``; a term made of punctuation only (``:``, ``^``, ``&&``) is ignored. So FTS5's own
operators and characters (``NEAR``, ``:``, ``^``, ``+``, ``{}``) mean nothing special here, and
no text typed by a user ever reaches an engine's parser unquoted: :meth:`Query.to_fts5` quotes
every term, :meth:`Query.to_tsquery` quotes every lexeme. There are no stop words: ``to be or
not to be`` is six words that must all be present (lower case ``or``/``not`` are words).

A query that cannot be searched is a :class:`BadQuery` with a one-line message: unbalanced
quotes or parentheses, an operator with nothing on one side, only negated terms, no words at
all, a prefix of fewer than three letters (it would stand for much of the vocabulary), more
than :data:`MAX_LENGTH` characters or :data:`MAX_TERMS` terms.

:meth:`Query.find` gives the character spans of the query's wanted terms in a text, with the
same word splitting and folding (case and accents), for highlighting.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeAlias

from newsdiff.errors import BadQuery as BadQuery  # defined with the other errors; re-exported

MAX_LENGTH = 1_000
MAX_TERMS = 64
MAX_DEPTH = 16
MIN_PREFIX = 3

#: a word as the indexes see it: a run of letters and digits (FTS5 unicode61's default token
#: characters; PostgreSQL's [[:alnum:]], which the index's text is reduced to first)
WORD = re.compile(r"[^\W_]+")
OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Term:
    """A word or a phrase (its words as written), the last one a prefix when ``prefix``."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.words)


@dataclass(frozen=True)
class Not:
    part: Node


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


Node: TypeAlias = Term | Not | And | Or


# combining diacritical marks (the blocks remove_diacritics and unaccent fold away)
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Text as the indexes compare it: case folded, accents removed (É -> e, ö -> o). Character
    by character, so the fold of a word is a substring of the fold of a text holding it."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _MARKS.sub("", unicodedata.normalize("NFD", folded))


def words_of(text: str) -> tuple[str, ...]:
    """The words of ``text``, split as the indexes split it (as written: each engine folds
    case and accents itself, as it did for the indexed text)."""
    return tuple(WORD.findall(text))


# -- lexing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # term / op / open / close / minus
    at: int  # character offset, for messages
    value: str = ""
    term: Term | None = None


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(_Token("open" if c == "(" else "close", i))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise BadQuery(
                    f"unbalanced quote: the phrase opened at character {i + 1} is never closed"
                )
            inner = text[i + 1 : end]
            i = end + 1
            prefix = inner.rstrip().endswith("*")
            if i < n and text[i] == "*":
                prefix = True
                while i < n and text[i] == "*":
                    i += 1
            _add_term(tokens, inner, prefix, end)
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-)":
            # a minus that starts a term negates it; inside a word it separates (covid-19)
            tokens.append(_Token("minus", i))
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            raw = text[start:i]
            if raw in OPERATORS:
                tokens.append(_Token("op", start, raw))
            else:
                _add_term(tokens, raw, raw.endswith("*"), start)
    return tokens


def _add_term(tokens: list[_Token], raw: str, prefix: bool, at: int) -> None:
    words = words_of(raw)
    if not words:  # punctuation only: separators, as in the text
        if tokens and tokens[-1].kind == "minus":
            tokens.pop()
        return
    if prefix and len(words[-1]) < MIN_PREFIX:
        raise BadQuery(
            f"the prefix {words[-1]}* is too short: give at least {MIN_PREFIX} letters or "
            "digits before the *"
        )
    tokens.append(_Token("term", at, raw, Term(words, prefix)))


# -- parsing -------------------------------------------------------------------------------


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*;
    unary := (NOT | -) unary | primary; primary := ( or ) | term."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.opens: list[int] = []  # where each open parenthesis is

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token is not None:  # only a stray ")" can stop the top level early
            raise BadQuery(
                f"unbalanced parenthesis: ')' at character {token.at + 1} closes nothing"
            )
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and(None)]
        while (token := self.peek()) is not None and token.kind == "op" and token.value == "OR":
            self.take()
            parts.append(self.parse_and(token))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self, after: _Token | None) -> Node:
        parts: list[Node] = []
        while (token := self.peek()) is not None:
            if token.kind == "close" or (token.kind == "op" and token.value == "OR"):
                break
            if token.kind == "op" and token.value == "AND":
                self.take()
                if not parts:
                    raise BadQuery(f"AND at character {token.at + 1} has nothing before it")
                if self.peek() is None or self.peek_is_end():
                    raise BadQuery(f"AND at character {token.at + 1} has nothing after it")
                continue
            parts.append(self.parse_unary())
        if not parts:
            token = self.peek()
            if token is not None and token.kind == "op":
                raise BadQuery(f"{token.value} at character {token.at + 1} has nothing before it")
            if token is not None and token.kind == "close":
                raise BadQuery(
                    f"empty parentheses or nothing before ')' at character {token.at + 1}"
                )
            if after is not None:
                raise BadQuery(f"OR at character {after.at + 1} has nothing after it")
            if self.opens:
                raise BadQuery(
                    f"unbalanced parenthesis: '(' at character {self.opens[-1] + 1} is never closed"
                )
            raise BadQuery("the query has no words to search for")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def peek_is_end(self) -> bool:
        token = self.peek()
        return (
            token is None or token.kind == "close" or (token.kind == "op" and token.value == "OR")
        )

    def parse_unary(self) -> Node:
        token = self.take()
        if token.kind == "minus" or (token.kind == "op" and token.value == "NOT"):
            name = "NOT" if token.kind == "op" else "-"
            nxt = self.peek()
            if nxt is None or nxt.kind == "close" or (nxt.kind == "op" and nxt.value != "NOT"):
                raise BadQuery(f"{name} at character {token.at + 1} has nothing after it")
            return Not(self.parse_unary())
        if token.kind == "open":
            self.opens.append(token.at)
            if len(self.opens) > MAX_DEPTH:
                raise BadQuery(f"parentheses nested more than {MAX_DEPTH} deep")
            inner = self.parse_or()
            close = self.peek()
            if close is None or close.kind != "close":
                raise BadQuery(
                    f"unbalanced parenthesis: '(' at character {token.at + 1} is never closed"
                )
            self.take()
            self.opens.pop()
            return inner
        if token.kind == "term":
            assert token.term is not None
            return token.term
        raise BadQuery(f"unexpected {token.value or ')'} at character {token.at + 1}")


def _simplify(node: Node) -> Node:
    """Flatten nested ANDs and ORs, drop double negations."""
    if isinstance(node, Not):
        inner = _simplify(node.part)
        return inner.part if isinstance(inner, Not) else Not(inner)
    if isinstance(node, And | Or):
        kind = type(node)
        parts: list[Node] = []
        for part in (_simplify(p) for p in node.parts):
            parts.extend(part.parts if isinstance(part, kind) else (part,))
        return parts[0] if len(parts) == 1 else kind(tuple(parts))
    return node


def _check(node: Node) -> None:
    """Every branch must want something: a NOT alone (or as a whole OR branch) would be a scan
    of the whole archive, which neither engine's index can answer (FTS5 refuses it)."""
    if isinstance(node, Term):
        return
    if isinstance(node, Not):
        raise BadQuery(
            "NOT needs something to exclude from: add a word that must be present "
            "(council NOT police, or council -police)"
        )
    if isinstance(node, Or):
        for part in node.parts:
            _check(part)
        return
    positives = [p for p in node.parts if not isinstance(p, Not)]
    if not positives:
        raise BadQuery(
            "NOT needs something to exclude from: add a word that must be present "
            "(council NOT police, or council -police)"
        )
    for part in node.parts:
        _check(part.part if isinstance(part, Not) else part)


def _wanted(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [t for part in node.parts for t in _wanted(part)]


def _terms(node: Node) -> list[Term]:
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return _terms(node.part)
    return [t for part in node.parts for t in _terms(part)]


def _count(node: Node) -> int:
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        return _count(node.part)
    return sum(_count(p) for p in node.parts)


# -- rendering -----------------------------------------------------------------------------


def _fts5(node: Node) -> str:
    if isinstance(node, Term):
        # words are letters and digits only, so the quotes cannot be closed early
        return '"' + " ".join(node.words) + '"' + ("*" if node.prefix else "")
    if isinstance(node, Or):
        return "(" + " OR ".join(_fts5(p) for p in node.parts) + ")"
    if isinstance(node, Not):  # only inside an AND (see _check)
        return _fts5(node.part)
    wanted = [p for p in node.parts if not isinstance(p, Not)]
    unwanted = [p.part for p in node.parts if isinstance(p, Not)]
    text = "(" + " AND ".join(_fts5(p) for p in wanted) + ")"
    if unwanted:
        text = "(" + text + " NOT (" + " OR ".join(_fts5(p) for p in unwanted) + "))"
    return text


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(node: Node) -> str:
    if isinstance(node, Term):
        lexemes = [_lexeme(w) for w in node.words]
        if node.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"
    if isinstance(node, Not):
        return "!" + _tsquery(node.part)
    joiner = " & " if isinstance(node, And) else " | "
    return "(" + joiner.join(_tsquery(p) for p in node.parts) + ")"


def _describe(node: Node) -> str:
    if isinstance(node, Term):
        text = " ".join(node.words) + ("*" if node.prefix else "")
        return f'"{text}"' if len(node.words) > 1 else text
    if isinstance(node, Not):
        return "NOT " + _describe(node.part)
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(_describe(p) for p in node.parts) + ")"


@dataclass(frozen=True)
class Query:
    """A parsed search query. Build one with :func:`parse_query`."""

    text: str
    root: Node

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every term, wanted or negated."""
        return tuple(_terms(self.root))

    @property
    def wanted(self) -> tuple[Term, ...]:
        """The terms that make a match (not the negated ones), in query order."""
        return tuple(_wanted(self.root))

    def to_fts5(self) -> str:
        """The query in FTS5's syntax, every term a quoted string."""
        return _fts5(self.root)

    def to_tsquery(self) -> str:
        """The query in PostgreSQL's ``to_tsquery`` syntax, every lexeme quoted."""
        return _tsquery(self.root)

    def describe(self) -> str:
        """The query as understood (words folded, grouping explicit), for messages."""
        text = _describe(self.root)
        return text[1:-1] if text.startswith("(") and text.endswith(")") else text

    def find(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the wanted terms in ``text`` (merged, in order), found with the
        indexes' word splitting and folding; for highlighting."""
        terms = [(t.folded, t.prefix) for t in self.wanted]
        whole = fold(text)
        terms = [(words, prefix) for words, prefix in terms if words[0] in whole]
        if not terms:  # most paragraphs: no word of the query in them at all
            return []
        tokens = [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]
        at: dict[str, list[int]] = {}
        for i, token in enumerate(tokens):
            at.setdefault(token[2], []).append(i)
        spans: list[tuple[int, int]] = []
        for words, prefix in terms:
            k = len(words)
            if k == 1 and prefix:
                starts = [i for i, t in enumerate(tokens) if t[2].startswith(words[0])]
            else:
                starts = at.get(words[0], [])
            for i in starts:
                if i + k <= len(tokens) and _matches(words, prefix, tokens, i):
                    spans.append((tokens[i][0], tokens[i + k - 1][1]))
        return _merge(spans)


def _matches(
    words: tuple[str, ...], prefix: bool, tokens: list[tuple[int, int, str]], i: int
) -> bool:
    last = len(words) - 1
    for j, word in enumerate(words):
        seen = tokens[i + j][2]
        if j == last and prefix:
            if not seen.startswith(word):
                return False
        elif seen != word:
            return False
    return True


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def parse_query(text: str) -> Query:
    """Parse ``text`` in newsdiff's search syntax (see the module docstring); raises
    :class:`BadQuery` with a one-line message for a query that cannot be searched."""
    if len(text) > MAX_LENGTH:
        raise BadQuery(f"the query is {len(text):,} characters long; at most {MAX_LENGTH:,}")
    root = _simplify(_Parser(_lex(text)).parse())
    if _count(root) > MAX_TERMS:
        raise BadQuery(f"the query has {_count(root)} terms; at most {MAX_TERMS}")
    _check(root)
    return Query(text, root)
