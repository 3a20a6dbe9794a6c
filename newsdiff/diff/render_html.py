"""HTML renderers: a side-by-side ``<table>`` (for embedding) and a standalone page.

Every piece of article text goes through :func:`html.escape` (after control characters are made
visible), so markup in an article is shown as text, never interpreted. Deletions are ``<del>``
(red, struck through) in the old column, insertions ``<ins>`` (green, bold) in the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from newsdiff.diff.model import DocumentDiff, Op, ParagraphDiff
from newsdiff.diff.render_text import display_ops, paragraph_note, summary_line, visible

DIFF_CSS = """\
table.nd-diff { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.nd-diff th, table.nd-diff td { vertical-align: top; padding: .35em .6em;
  border-bottom: 1px solid #e4e4e4; overflow-wrap: anywhere; white-space: pre-wrap; }
table.nd-diff th { text-align: left; background: #f4f4f4; font-weight: 600; }
table.nd-diff td.nd-num { width: 3.2em; color: #888; text-align: right; font-size: .85em; }
table.nd-diff tr.nd-title td { font-weight: 600; font-size: 1.1em; }
table.nd-diff tr.nd-standfirst td { font-style: italic; }
table.nd-diff del { color: #b00020; background: #fde8ea; text-decoration: line-through; }
table.nd-diff ins { color: #0a6b1f; background: #e3f6e6; font-weight: bold;
  text-decoration: none; }
table.nd-diff tr.nd-deleted td.nd-old { background: #fff5f6; }
table.nd-diff tr.nd-inserted td.nd-new { background: #f3fbf4; }
table.nd-diff tr.nd-unchanged td { color: #555; }
table.nd-diff .nd-note { display: block; color: #8a6d00; font-size: .85em; font-style: italic; }
p.nd-summary { color: #555; }
"""

_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 75em;
  padding: 0 1em; line-height: 1.45; }}
{css}</style>
</head>
<body>
{heading}<p class="nd-summary">{summary}</p>
{table}
</body>
</html>
"""


def _esc(text: str) -> str:
    return escape(visible(text), quote=True)


def _side(ops: Sequence[Op], side: str) -> str:
    parts: list[str] = []
    for tag, text in ops:
        if tag == "=":
            parts.append(_esc(text))
        elif tag == side:
            element = "del" if tag == "-" else "ins"
            parts.append(f"<{element}>{_esc(text)}</{element}>")
    return "".join(parts)


def _note(text: str) -> str:
    return f'<span class="nd-note">{_esc(text)}</span>' if text else ""


def _row(entry: ParagraphDiff) -> str:
    ops = display_ops(entry.ops, entry.ignored)
    old = _side(ops, "-") if entry.old_index is not None else ""
    new = _side(ops, "+") if entry.new_index is not None else ""
    note = paragraph_note(entry)
    if entry.kind == "deleted":
        old = _note(note) + old
    else:
        new = _note(note) + new
        if entry.kind == "moved" and entry.new_index is not None:
            old = _note(f"↕ moved to ¶{entry.new_index + 1}") + old
    num_old = "" if entry.old_index is None else str(entry.old_index + 1)
    num_new = "" if entry.new_index is None else str(entry.new_index + 1)
    return (
        f'<tr class="nd-{entry.kind}"><td class="nd-num">{num_old}</td>'
        f'<td class="nd-old">{old}</td><td class="nd-num">{num_new}</td>'
        f'<td class="nd-new">{new}</td></tr>'
    )


def html_table(diff: DocumentDiff, *, old_label: str = "", new_label: str = "") -> str:
    """The side-by-side diff as one ``<table class="nd-diff">`` (style it with ``DIFF_CSS``)."""
    title = display_ops(diff.title.ops, diff.title.ignored)
    rows = [
        '<table class="nd-diff">',
        '<colgroup><col style="width:3.2em"><col><col style="width:3.2em"><col></colgroup>',
        f"<thead><tr><th></th><th>{_esc(old_label or 'Old')}</th><th></th>"
        f"<th>{_esc(new_label or 'New')}</th></tr></thead>",
        "<tbody>",
        f'<tr class="nd-title"><td class="nd-num"></td><td class="nd-old">{_side(title, "-")}</td>'
        f'<td class="nd-num"></td><td class="nd-new">{_side(title, "+")}</td></tr>',
    ]
    dek = display_ops(diff.standfirst.ops, diff.standfirst.ignored)
    if dek:
        rows.append(
            f'<tr class="nd-standfirst"><td class="nd-num"></td><td class="nd-old">'
            f'{_side(dek, "-")}</td><td class="nd-num"></td><td class="nd-new">'
            f"{_side(dek, '+')}</td></tr>"
        )
    rows.extend(_row(entry) for entry in diff.paragraphs)
    rows.append("</tbody></table>")
    return "\n".join(rows)


def render_html(
    diff: DocumentDiff, *, heading: str = "", old_label: str = "", new_label: str = ""
) -> str:
    """A standalone HTML page with the side-by-side diff."""
    page_title = heading or diff.title.new_text or "newsdiff"
    return _PAGE.format(
        title=_esc(page_title),
        css=DIFF_CSS,
        heading=f"<h1>{_esc(heading)}</h1>\n" if heading else "",
        summary=_esc(summary_line(diff)),
        table=html_table(diff, old_label=old_label, new_label=new_label),
    )
