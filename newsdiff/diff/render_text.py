"""Terminal renderers: inline (git word-diff style) and side by side.

Article text is untrusted. It is only ever appended to :class:`rich.text.Text` objects (never
parsed as markup), and control characters are first made visible (``\\x1b`` shows as ``␛``,
other C0 controls as their U+2400 symbols, C1 controls and bidirectional overrides as
``<U+XXXX>``), so escapes in an article are shown, never interpreted.

Without colour the marks are textual: ``[-deleted-]`` and ``{+inserted+}``. With colour,
deletions are red and struck through, insertions bold green.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from newsdiff.diff.edits import Analysis, analyse
from newsdiff.diff.model import DocumentDiff, Op, ParagraphDiff

DELETE_STYLE = "red strike"
INSERT_STYLE = "bold green"
NOTE_STYLE = "yellow"
HEAD_STYLE = "bold"
MIN_WIDTH = 20

_CONTROL: dict[int, int | str] = {c: 0x2400 + c for c in range(0x20)}
_CONTROL[0x7F] = 0x2421
for _cp in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F):
    _CONTROL[_cp] = f"<U+{_cp:04X}>"


def visible(text: str) -> str:
    """``text`` with control characters (and bidi overrides) replaced by visible stand-ins."""
    return text.translate(_CONTROL)


def display_ops(ops: Sequence[Op], ignored: Iterable[int] = ()) -> list[Op]:
    """The ops as they should be shown: ignorable differences (see ``ParagraphDiff.ignored``)
    show as the new text, unmarked."""
    quiet = set(ignored)
    out: list[Op] = []
    for k, (tag, text) in enumerate(ops):
        if k in quiet:
            if tag == "-":
                continue
            tag = "="
        if out and out[-1][0] == tag:
            out[-1] = (tag, out[-1][1] + text)
        else:
            out.append((tag, text))
    return out


def paragraph_note(entry: ParagraphDiff) -> str:
    """The mark shown with a moved, split-off or merged paragraph ("" for the others)."""
    if entry.kind == "moved" and entry.old_index is not None:
        return f"↕ moved from ¶{entry.old_index + 1}"
    if entry.split_from is not None:
        return f"split from ¶{entry.split_from + 1}"
    if entry.merged_into is not None:
        return f"merged into ¶{entry.merged_into + 1}"
    return ""


def summary_line(diff: DocumentDiff) -> str:
    """One line: what changed, in numbers."""
    s = diff.stats
    if not diff.changed:
        return "no changes"
    parts = [f"+{s.words_added} −{s.words_removed} words"]
    if diff.title_changed:
        parts.append("headline changed")
    if diff.standfirst_changed:
        parts.append("standfirst changed")
    for count, name in (
        (s.paragraphs_modified, "modified"),
        (s.paragraphs_inserted, "inserted"),
        (s.paragraphs_deleted, "deleted"),
        (s.paragraphs_moved, "moved"),
        (s.paragraphs_unchanged, "unchanged"),
    ):
        if count:
            parts.append(f"{count} {name}")
    return ", ".join(parts)


def _inline_text(ops: Sequence[Op], color: bool) -> Text:
    text = Text()
    for tag, chunk in ops:
        shown = visible(chunk)
        if tag == "=":
            text.append(shown)
        elif color:
            text.append(shown, style=DELETE_STYLE if tag == "-" else INSERT_STYLE)
        elif tag == "-":
            text.append("[-" + shown + "-]")
        else:
            text.append("{+" + shown + "+}")
    return text


def _side_text(ops: Sequence[Op], side: str, color: bool) -> Text:
    """One side of a paragraph: the old text with its deletions, or the new with insertions."""
    return _inline_text([(tag, chunk) for tag, chunk in ops if tag in ("=", side)], color)


def _to_string(lines: list[Text], color: bool) -> str:
    if not color:
        return "".join(line.plain + "\n" for line in lines)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        no_color=False,
        width=10_000,
        soft_wrap=True,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    for line in lines:
        console.print(line)
    return buffer.getvalue()


def render_inline(diff: DocumentDiff, *, color: bool = False) -> str:
    """The whole diff as text with changes inline, like ``git diff --word-diff``:
    ``[-old-]{+new+}``; one paragraph per line, a blank line between paragraphs."""
    lines: list[Text] = []
    if diff.title.ops:
        head = Text("# ", style=HEAD_STYLE if color else "")
        head.append_text(_inline_text(display_ops(diff.title.ops, diff.title.ignored), color))
        lines += [head, Text()]
    if diff.standfirst.ops:
        dek = Text("> ", style=HEAD_STYLE if color else "")
        ops = display_ops(diff.standfirst.ops, diff.standfirst.ignored)
        dek.append_text(_inline_text(ops, color))
        lines += [dek, Text()]
    for entry in diff.paragraphs:
        note = paragraph_note(entry)
        if note:
            lines.append(Text(note, style=NOTE_STYLE if color else ""))
        lines.append(_inline_text(display_ops(entry.ops, entry.ignored), color))
        lines.append(Text())
    lines.append(Text(summary_line(diff), style="dim" if color else ""))
    return _to_string(lines, color)


def _wrap(text: Text, width: int, console: Console) -> list[Text]:
    if not text.plain:
        return [Text()]
    return list(text.wrap(console, width, overflow="fold", no_wrap=False))


def _columns(left: list[Text], right: list[Text], col: int, sep: Text, lines: list[Text]) -> None:
    for k in range(max(len(left), len(right))):
        row = Text()
        a = left[k] if k < len(left) else Text()
        b = right[k] if k < len(right) else Text()
        a = a.copy()
        a.truncate(col, overflow="crop", pad=True)
        b = b.copy()
        b.truncate(col, overflow="crop")
        b.rstrip()
        row.append_text(a)
        row.append_text(sep)
        row.append_text(b)
        row.rstrip()
        lines.append(row)


def render_side_by_side(diff: DocumentDiff, *, width: int = 100, color: bool = False) -> str:
    """Old version on the left (deletions struck through in red), new on the right (insertions
    bold green), paragraph by paragraph, wrapped to fit ``width`` terminal cells."""
    if width < MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH}, got {width}")
    col = (width - 3) // 2
    sep = Text(" │ ", style="dim" if color else "")
    console = Console(
        width=width, color_system=None, force_terminal=False, file=io.StringIO(), emoji=False
    )
    lines = _wrap(Text(summary_line(diff), style="dim" if color else ""), width, console)
    title = display_ops(diff.title.ops, diff.title.ignored)
    style = HEAD_STYLE if color else ""
    old_title = _side_text(title, "-", color)
    old_title.stylize(style)
    new_title = _side_text(title, "+", color)
    new_title.stylize(style)
    if title:
        _columns(_wrap(old_title, col, console), _wrap(new_title, col, console), col, sep, lines)
    dek = display_ops(diff.standfirst.ops, diff.standfirst.ignored)
    if dek:
        old_dek, new_dek = _side_text(dek, "-", color), _side_text(dek, "+", color)
        if color:
            old_dek.stylize("italic")
            new_dek.stylize("italic")
        _columns(_wrap(old_dek, col, console), _wrap(new_dek, col, console), col, sep, lines)
    lines.append(Text("─" * width, style="dim" if color else ""))
    for n, entry in enumerate(diff.paragraphs):
        if n:
            lines.append(Text())
        ops = display_ops(entry.ops, entry.ignored)
        left = (
            _wrap(_side_text(ops, "-", color), col, console) if entry.old_index is not None else []
        )
        right = (
            _wrap(_side_text(ops, "+", color), col, console) if entry.new_index is not None else []
        )
        note = paragraph_note(entry)
        if note:
            mark = _wrap(Text(note, style=NOTE_STYLE if color else ""), col, console)
            if entry.kind == "deleted":
                left = mark + left
            else:
                right = mark + right
                if entry.kind == "moved" and entry.new_index is not None:
                    moved_to = f"↕ moved to ¶{entry.new_index + 1}"
                    left = (
                        _wrap(Text(moved_to, style=NOTE_STYLE if color else ""), col, console)
                        + left
                    )
        _columns(left, right, col, sep, lines)
    return _to_string(lines, color)


def render_json(
    diff: DocumentDiff,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    analysis: Analysis | None = None,
) -> str:
    """The diff JSON of DESIGN.md (``old``/``new``: the two versions' number and capture time,
    or for two files ``{"file": name}``) with issue 14's ``sentences`` and ``edits``: from
    ``analysis`` when given (say, edits read from the store), else analysed here from the
    texts the diff rebuilds."""
    if analysis is None:
        old_doc, new_doc = diff.documents()
        analysis = analyse(old_doc, new_doc, diff)
    return json.dumps(diff.to_dict(old, new, analysis), ensure_ascii=False, indent=2)
