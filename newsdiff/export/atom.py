"""An Atom 1.0 feed of changes: one entry per new version, newest first.

Each entry says *what* changed, not only that something did: the version's typed edits in words
(``quote removed: 'worst case I had ever seen' (Heather Brown)``, ``number changed: 12 -> 15``,
the most telling first, factual edits no correction owns up to flagged ``[silent]``; see
:mod:`newsdiff.export.edits`), the headline before and after, the
word and paragraph counts, and the first changed passages with the deleted words marked
``[-like this-]`` and the inserted ones ``{+like this+}`` (in the HTML content: struck through in
red and bold in green, as in the terminal). Its link is the version's diff page in the site that
``newsdiff export html`` writes, published under ``[export] base_url``.

The XML is built with ElementTree, so every text is escaped; characters XML cannot carry
(control characters, ANSI escapes) are shown as visible symbols, never passed through.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdiff import __version__
from newsdiff.diff import Document, DocumentDiff, Op, ParagraphDiff, compare, paragraph_note
from newsdiff.errors import ConfigError, NotFound
from newsdiff.export import layout
from newsdiff.export.edits import KnownEdits, in_words, version_edits
from newsdiff.export.escape import display
from newsdiff.export.tables import covering_story
from newsdiff.store.models import Article, Outlet, Version, utcnow
from newsdiff.text import plural
from newsdiff.timeline.compare import version_document

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 100
MAX_PASSAGES = 3
CONTEXT = 80  # characters of unchanged text kept around a change
GAP = 120  # unchanged runs longer than this between two changes are shortened

ET.register_namespace("", ATOM)

_MINUS = "\u2212"
_SPACES = re.compile(" {2,}")


def diff_pair(old: Version | None, new: Version) -> DocumentDiff:
    """The diff of two stored versions (a first version: against an empty document)."""
    return compare(version_document(old) if old else Document("", []), version_document(new))


# --- what changed, in words ----------------------------------------------------------------


def stats_line(diff: DocumentDiff) -> str:
    """``+12 −3 words · 1 paragraph added, 2 modified`` (what the counts say)."""
    s = diff.stats
    counts = [
        (n, what)
        for n, what in (
            (s.paragraphs_inserted, "added"),
            (s.paragraphs_modified, "modified"),
            (s.paragraphs_deleted, "removed"),
            (s.paragraphs_moved, "moved"),
        )
        if n
    ]
    line = f"+{s.words_added} {_MINUS}{s.words_removed} words"
    if counts:
        # "1 paragraph added, 2 modified": the noun once, after the first count
        (n, what), rest = counts[0], counts[1:]
        phrases = [f"{plural(n, 'paragraph')} {what}", *(f"{m} {w}" for m, w in rest)]
        line += " · " + ", ".join(phrases)
    return line


@dataclass(frozen=True)
class Piece:
    """A run of a passage: ``=`` unchanged, ``-`` deleted, ``+`` inserted, ``…`` elided."""

    tag: str
    text: str


@dataclass(frozen=True)
class Passage:
    """One changed paragraph, shortened to the sentences around its changes."""

    kind: str  # modified / inserted / deleted / moved
    index: int  # 1-based paragraph number (new version; old for deleted)
    pieces: list[Piece]
    note: str = ""  # "↕ moved from ¶2", "split from ¶1", "merged into ¶3"


def _sentence_start(text: str, limit: int) -> int:
    """Where to start showing ``text`` (unchanged text before a change): the start of the
    sentence the change is in, at most ``limit`` characters back."""
    floor = max(0, len(text) - limit)
    cut = max(text.rfind(". ", floor), text.rfind("? ", floor), text.rfind("! ", floor))
    if cut >= 0:
        return cut + 2
    if floor == 0:
        return 0
    space = text.find(" ", floor)
    return space + 1 if space >= 0 else floor


def _sentence_end(text: str, limit: int) -> int:
    """Where to stop showing ``text`` (unchanged text after a change)."""
    ends = [i for i in (text.find(". "), text.find("? "), text.find("! ")) if 0 <= i < limit]
    if ends:
        return min(ends) + 1
    if len(text) <= limit:
        return len(text)
    space = text.rfind(" ", 0, limit)
    return space if space > 0 else limit


def _shorten(ops: list[Op], budget: int = 400) -> list[Piece]:
    pieces: list[Piece] = []
    changed = [i for i, (tag, _) in enumerate(ops) if tag != "="]
    if not changed:
        return [Piece("=", text) for _, text in ops]
    first, last = changed[0], changed[-1]
    used = 0
    for i, (tag, text) in enumerate(ops):
        if i < first:
            if i == first - 1:
                start = _sentence_start(text, CONTEXT)
                if start > 0:
                    pieces.append(Piece("…", ""))
                pieces.append(Piece("=", text[start:]))
            elif i == 0 and first > 1:
                pieces.append(Piece("…", ""))
            continue
        if i > last:
            if i == last + 1:
                end = _sentence_end(text, CONTEXT)
                pieces.append(Piece("=", text[:end]))
                if end < len(text.rstrip()) or i < len(ops) - 1:
                    pieces.append(Piece("…", ""))
            break
        if used > budget:
            pieces.append(Piece("…", ""))
            break
        if tag == "=" and len(text) > GAP:
            keep = GAP // 3
            pieces += [Piece("=", text[:keep]), Piece("…", ""), Piece("=", text[-keep:])]
        else:
            pieces.append(Piece(tag, text))
        used += len(text)
    return pieces


def _clip(text: str, limit: int = 300) -> list[Piece]:
    if len(text) <= limit:
        return [Piece("=", text)]
    cut = text.rfind(" ", 0, limit)
    return [Piece("=", text[: cut if cut > 0 else limit]), Piece("…", "")]


def passages(diff: DocumentDiff, limit: int = MAX_PASSAGES) -> tuple[list[Passage], int]:
    """The first ``limit`` changed paragraphs, shortened; and how many more there are."""
    out: list[Passage] = []
    changed = [p for p in diff.paragraphs if p.kind != "unchanged"]
    for p in changed[:limit]:
        out.append(_passage(p))
    return out, max(0, len(changed) - limit)


def _marked(tag: str, pieces: list[Piece]) -> list[Piece]:
    return [Piece(tag, q.text) if q.tag == "=" else q for q in pieces]


def _passage(p: ParagraphDiff) -> Passage:
    number = (p.new_index if p.new_index is not None else p.old_index or 0) + 1
    note = paragraph_note(p)
    if p.kind == "inserted":
        return Passage("inserted", number, _marked("+", _clip(p.new_text)), note)
    if p.kind == "deleted":
        return Passage("deleted", number, _marked("-", _clip(p.old_text)), note)
    has_changes = any(tag != "=" for tag, _ in p.ops)
    pieces = _shorten(list(p.ops)) if has_changes else _clip(p.new_text)
    return Passage(p.kind, number, pieces, note)


def _label(passage: Passage) -> str:
    what = {"inserted": " added", "deleted": " removed"}.get(passage.kind, "")
    note = f" {passage.note}" if passage.kind == "moved" else f" ({passage.note})"
    return f"¶{passage.index}{what}{note if passage.note else ''}"


_DEL = "color:#b00;background:#fdd;text-decoration:line-through"
_INS = "color:#070;background:#dfd;font-weight:bold;text-decoration:none"
# how each kind of piece is written: {text} is the piece's text, made displayable (and escaped
# for HTML); "…" marks a cut
_TEXT_MARKS = {"-": "[-{text}-]", "+": "{{+{text}+}}", "…": " … ", "=": "{text}"}
_HTML_MARKS = {
    "-": f'<del style="{_DEL}">{{text}}</del>',
    "+": f'<ins style="{_INS}">{{text}}</ins>',
    "…": " … ",
    "=": "{text}",
}


def _pieces(pieces: list[Piece], marks: dict[str, str], escape: bool) -> str:
    out = []
    for piece in pieces:
        text = display(piece.text)
        if escape:
            text = html.escape(text, quote=False)
        out.append(marks.get(piece.tag, "{text}").format(text=text))
    return _SPACES.sub(" ", "".join(out)).strip()


def _pieces_text(pieces: list[Piece]) -> str:
    return _pieces(pieces, _TEXT_MARKS, escape=False)


def _pieces_html(pieces: list[Piece]) -> str:
    return _pieces(pieces, _HTML_MARKS, escape=True)


@dataclass(frozen=True)
class ChangeSummary:
    """What changed between two versions, as plain text and as HTML."""

    text: str
    html: str


_SILENT = "color:#b00020;font-weight:bold"


def _edit_lines(edits: KnownEdits) -> tuple[str, str]:
    """``Edits: quote removed: '...' (Heather Brown) [silent]; number changed: 12 -> 15; and 2
    more (1 source, 1 other)`` as one line of text, and as an HTML list."""
    shown, more = in_words(edits.edits)
    if not shown:
        return "", ""
    said = [display(text) + (" [silent]" if silent else "") for text, silent in shown]
    items = [
        html.escape(display(text), quote=False)
        + (f' <b style="{_SILENT}">[silent]</b>' if silent else "")
        for text, silent in shown
    ]
    if more:  # names kinds, which come from the database too
        said.append(display(more))
        items.append(html.escape(display(more), quote=False))
    body = "".join(f"<li>{item}</li>" for item in items)
    return "Edits: " + "; ".join(said), f"<p><b>Edits:</b></p><ul>{body}</ul>"


def describe_change(
    diff: DocumentDiff, *, first: bool = False, edits: KnownEdits | None = None
) -> ChangeSummary:
    """A readable account of ``diff``: its typed ``edits`` in words (when given, see
    :func:`newsdiff.export.edits.in_words`), headline and standfirst before -> after, counts,
    first changed passages.

    ``first``: the diff is of a first version against nothing ("first seen").
    """
    if first:
        words = diff.stats.words_added
        n = diff.stats.paragraphs_inserted
        line = f"First seen: {plural(n, 'paragraph')}, {plural(words, 'word')}."
        lead = _clip(diff.paragraphs[0].new_text, 300) if diff.paragraphs else []
        text = line + ("\n" + _pieces_text(lead) if lead else "")
        body = f"<p>{html.escape(line)}</p>"
        if lead:
            body += f"<blockquote>{_pieces_html(lead)}</blockquote>"
        return ChangeSummary(text, body)
    lines: list[str] = []
    parts: list[str] = []
    said, listed = _edit_lines(edits) if edits is not None else ("", "")
    if said:
        lines.append(said)
        parts.append(listed)
    for label, part in (("Headline", diff.title), ("Standfirst", diff.standfirst)):
        if not part.changed:
            continue
        before, after = display(part.old_text), display(part.new_text)
        lines.append(f"{label}: “{before}” → “{after}”")
        parts.append(
            f"<p><b>{label}:</b> "
            f'<del style="{_DEL}">{html.escape(before)}</del> → '
            f'<ins style="{_INS}">{html.escape(after)}</ins></p>'
        )
    counts = stats_line(diff)
    lines.append(counts)
    parts.append(f"<p>{html.escape(counts)}</p>")
    shown, more = passages(diff)
    for passage in shown:
        lines.append(f"{_label(passage)}: {_pieces_text(passage.pieces)}")
        parts.append(
            f"<p><b>{html.escape(_label(passage))}:</b> {_pieces_html(passage.pieces)}</p>"
        )
    if more:
        tail = f"… and {more} more changed {'paragraph' if more == 1 else 'paragraphs'}"
        lines.append(tail)
        parts.append(f"<p>{html.escape(tail)}</p>")
    if not diff.changed:
        lines.append("No visible change (the stored text differs only in normalisation).")
    return ChangeSummary("\n".join(lines), "".join(parts))


# --- the feed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One entry of the feed."""

    article_id: int
    number: int
    captured_at: dt.datetime
    title: str
    headline: str
    outlet: str | None
    article_url: str
    link: str
    summary: ChangeSummary
    entry_id: str = ""  # permanent: the capture's time and text, not its version number


def entry_id(base_url: str, version: Version) -> str:
    """The Atom id of a version's entry. Version numbers can change (a backfill inserts older
    captures before them), so the id names the capture instead: its article, its time and the
    start of its text hash. A reader never sees one id stand for two versions."""
    when = version.captured_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    page = layout.absolute(base_url, layout.article_page(version.article_id))
    return f"{page}#capture-{when}-{version.text_hash[:12]}"


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def feed_items(
    session: Session,
    *,
    base_url: str,
    story: str | None = None,
    article: int | None = None,
    limit: int | None = FEED_LIMIT,
    changes_only: bool = False,
) -> list[FeedItem]:
    """The newest versions (all articles, a story's coverage or one article), newest first,
    each with an account of what changed since the version before: its stored typed edits
    when it has been analysed, else edits computed now from the two texts (never stored)."""
    stmt = (
        select(Version, Article.url, Outlet.name)
        .join(Article, Article.id == Version.article_id)
        .outerjoin(Outlet, Outlet.id == Article.outlet_id)
        .order_by(Version.captured_at.desc(), Version.id.desc())
    )
    if story:
        stmt = stmt.where(Version.article_id.in_(covering_story(story)))
    if article is not None:
        stmt = stmt.where(Version.article_id == article)
    if changes_only:
        stmt = stmt.where(Version.number > 1)
    if limit:
        stmt = stmt.limit(limit)
    items = []
    for version, url, outlet in session.execute(stmt).all():
        previous = None
        if version.number > 1:
            previous = session.scalars(
                select(Version).where(
                    Version.article_id == version.article_id,
                    Version.number == version.number - 1,
                )
            ).one()
        diff = diff_pair(previous, version)
        known = version_edits(session, version, previous) if previous is not None else None
        headline = display(version.title) or display(url)
        items.append(
            FeedItem(
                article_id=version.article_id,
                number=version.number,
                captured_at=version.captured_at,
                title=f"v{version.number}: {headline}",
                headline=headline,
                outlet=outlet,
                article_url=url,
                link=layout.absolute(
                    base_url, layout.version_page(version.article_id, version.number)
                ),
                summary=describe_change(diff, first=previous is None, edits=known),
                entry_id=entry_id(base_url, version),
            )
        )
    return items


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def render_feed(
    items: list[FeedItem],
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate_url: str,
    subtitle: str | None = None,
    updated: dt.datetime | None = None,
) -> bytes:
    """The Atom document (UTF-8 bytes with an XML declaration)."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", feed_id)
    _sub(feed, "title", display(title))
    if subtitle:
        _sub(feed, "subtitle", display(subtitle))
    newest = max((i.captured_at for i in items), default=None)
    _sub(feed, "updated", _iso(newest or updated or utcnow()))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    author = _sub(feed, "author")
    _sub(author, "name", "newsdiff")
    _sub(feed, "generator", "newsdiff", version=__version__)
    for item in items:
        entry = _sub(feed, "entry")
        _sub(entry, "id", item.entry_id or item.link)
        _sub(entry, "title", item.title, type="text")
        _sub(entry, "updated", _iso(item.captured_at))
        _sub(entry, "link", rel="alternate", type="text/html", href=item.link)
        _sub(entry, "link", rel="related", type="text/html", href=display(item.article_url))
        if item.outlet:
            who = _sub(entry, "author")
            _sub(who, "name", display(item.outlet))
            _sub(entry, "category", term=display(item.outlet))
        _sub(entry, "summary", item.summary.text, type="text")
        _sub(entry, "content", item.summary.html, type="html")
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data


def build_feed(
    session: Session,
    *,
    base_url: str,
    story: str | None = None,
    article: int | None = None,
    limit: int | None = FEED_LIMIT,
    changes_only: bool = False,
) -> bytes:
    """The Atom feed of changes: site-wide, for one story's coverage, or for one article."""
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"export.base_url: expected an http(s) URL, got {base_url!r}")
    if story and article is not None:
        raise ConfigError("give --story or --article, not both")
    kwargs: dict[str, Any] = {}
    if story:
        from newsdiff.timeline.stories import get_story

        found = get_story(session, story)
        path = layout.story_feed(found.slug)
        kwargs = {
            "title": f"newsdiff: changes in coverage of {found.title}",
            "alternate_url": layout.absolute(base_url, layout.story_page(found.slug)),
        }
    elif article is not None:
        row = session.get(Article, article)
        if row is None:
            raise NotFound(f"no article with id {article}")
        path = f"{layout.article_dir(article)}/feed.xml"
        kwargs = {
            "title": f"newsdiff: versions of {row.title or row.url}",
            "alternate_url": layout.absolute(base_url, layout.article_page(article)),
        }
    else:
        path = layout.FEED
        kwargs = {
            "title": "newsdiff: changes",
            "alternate_url": layout.absolute(base_url, layout.INDEX),
        }
    items = feed_items(
        session,
        base_url=base_url,
        story=story,
        article=article,
        limit=limit,
        changes_only=changes_only,
    )
    url = layout.absolute(base_url, path)
    return render_feed(
        items,
        feed_id=url,
        self_url=url,
        subtitle="New versions of tracked articles, and what changed in each",
        **kwargs,
    )
