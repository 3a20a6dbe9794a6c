"""A version's typed edits in the outputs: which edits it has, and how to say them.

**Which.** The edits stored for the version (the poll or ``newsdiff analyse`` computed them) when
it has been analysed; otherwise they are computed here from the pair of texts by the same
analyser (:func:`newsdiff.diff.edits.analyse`), so an archive older than the analyser still
reads in words. A first version has none. :class:`KnownEdits` says which of these it was.

**How.** :func:`phrase` says one edit in a few words::

    quote removed: 'It was the worst case I had ever seen' (Heather Brown)
    number changed: 12 -> 15
    hedge dropped: "are expected to say" -> "said"
    correction notice added: 'Correction: an earlier version of this article...'

:func:`in_words` picks the first few of a version's edits, the most telling kinds first, and
says how many more there are. Phrases are made of untrusted text: callers show them through
:func:`newsdiff.export.escape.display` or escape them. :func:`edits_table` and :func:`badges`
are the HTML of the site's pages and escape everything themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from newsdiff.diff.edits import KINDS, Edit, analyse, is_trivial
from newsdiff.export.escape import html_text
from newsdiff.store.models import Edit as StoredEdit
from newsdiff.store.models import Version
from newsdiff.text import plural
from newsdiff.timeline.compare import version_document

SHORT = 80  # characters of an edit's text kept in a phrase
LONG = 400  # ...in the site's table of edits
MAX_EDITS = 4  # edits an Atom summary says before "and N more"
ID_CHUNK = 500  # version ids per query

# The order in which a summary says edits: the most telling kinds first, what no kind explains
# and trivial fixes last; kinds the analyser may add later go in between.
_FIRST = ("correction", "headline", "quote", "number", "certainty", "source")
_LAST = ("other", "trivial")
_SPANS = ("old_span", "new_span", "in")
_CLASS_NAME = re.compile(r"[a-z]{1,32}")


@dataclass(frozen=True)
class KnownEdits:
    """A version's edits against the version before it, and where they come from.

    ``origin``: ``"stored"`` (analysed, by ``analyser_version``), ``"computed"`` (not analysed
    yet: computed for this output, not stored) or ``"none"`` (a first version)."""

    edits: tuple[Edit, ...]
    origin: str
    analyser_version: str | None = None

    @property
    def kinds(self) -> list[str]:
        """Its kinds, each once, in the analyser's order (unknown kinds after, sorted)."""
        return ordered_kinds(e.kind for e in self.edits)

    @property
    def silent(self) -> bool:
        """Has it a factual edit no correction notice owns up to?"""
        return any(e.silent for e in self.edits)

    @property
    def trivial(self) -> bool:
        """Are all its edits trivial (spelling, punctuation, case, spacing)?"""
        return is_trivial(self.edits)


NO_EDITS = KnownEdits((), "none")


def ordered_kinds(kinds: Iterable[str]) -> list[str]:
    """Kinds each once, in the analyser's order, unknown ones after (sorted)."""
    present = {k for k in kinds if k}
    return [k for k in KINDS if k in present] + sorted(present.difference(KINDS))


def from_stored(row: StoredEdit) -> Edit:
    """A stored edit as the analyser's :class:`~newsdiff.diff.edits.Edit` (``""`` for an
    absent side, as in the diff JSON)."""
    return Edit(
        row.kind,
        row.change,
        row.old or "",
        row.new or "",
        row.old_paragraph,
        row.new_paragraph,
        bool(row.silent),
        dict(row.detail or {}),
    )


def stored_edits(session: Session, version_ids: Sequence[int]) -> dict[int, list[Edit]]:
    """The stored edits of these versions, in order, by version id (no key: no edits)."""
    out: dict[int, list[Edit]] = {}
    for at in range(0, len(version_ids), ID_CHUNK):
        chunk = list(version_ids[at : at + ID_CHUNK])
        rows = session.scalars(
            select(StoredEdit)
            .where(StoredEdit.version_id.in_(chunk))
            .order_by(StoredEdit.version_id, StoredEdit.position)
        )
        for row in rows:
            out.setdefault(row.version_id, []).append(from_stored(row))
    return out


def version_edits(
    session: Session,
    version: Version,
    previous: Version | None,
    stored: Sequence[Edit] | None = None,
) -> KnownEdits:
    """``version``'s edits against ``previous`` (the version before it, None for a first
    version): the stored ones when it has been analysed (``stored`` when the caller has read
    them already), else computed now from the two texts."""
    if version.analyser_version is not None:
        if stored is None:
            stored = stored_edits(session, [version.id]).get(version.id, [])
        return KnownEdits(tuple(stored), "stored", version.analyser_version)
    if previous is None:
        return NO_EDITS
    analysis = analyse(version_document(previous), version_document(version))
    return KnownEdits(tuple(analysis.edits), "computed", analysis.version)


def article_edits(session: Session, versions: Sequence[Version]) -> list[KnownEdits]:
    """The edits of each of an article's versions (all of them, in number order), with one
    query for the stored ones."""
    analysed = [v.id for v in versions if v.analyser_version is not None]
    stored = stored_edits(session, analysed) if analysed else {}
    out = []
    for i, v in enumerate(versions):
        previous = versions[i - 1] if i > 0 else None
        out.append(version_edits(session, v, previous, stored.get(v.id, [])))
    return out


# --- in words ----------------------------------------------------------------------------------


def clip(text: str, width: int = SHORT) -> str:
    """``text`` on one line, cut at a word before ``width`` characters (marked ``…``)."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat.rfind(" ", 0, width)
    return flat[: cut if cut > width // 2 else width].rstrip(" ,;:") + "…"


def _quoted(text: str, mark: str = "'", width: int = SHORT) -> str:
    return f"{mark}{clip(text.strip().rstrip(' ,;:'), width)}{mark}"


def _pair(edit: Edit, mark: str = "'", width: int = SHORT) -> str:
    """``'old' -> 'new'``, or the one side there is."""
    old = _quoted(edit.old, mark, width) if edit.old else ""
    new = _quoted(edit.new, mark, width) if edit.new else ""
    return f"{old} -> {new}" if old and new else old or new


def _source(name: object, anonymous: object) -> str:
    return f"{clip(str(name or ''))}{' (anonymous)' if anonymous else ''}"


def _what(edit: Edit) -> list[str]:
    """A trivial edit's ``what`` (spelling, punctuation, case...)."""
    what = edit.detail.get("what")
    if isinstance(what, list):
        return [str(w) for w in what]
    return [str(what)] if what else []


def phrase(edit: Edit, width: int = SHORT) -> str:
    """One edit in a few words (plain text made of the article's own words: show it through
    ``display`` or escape it). ``silent`` is not part of it: callers flag it their way."""
    d, kind, change = edit.detail, edit.kind, edit.change
    if kind == "headline":
        said = f"headline {change}"
    elif kind == "number":
        said = f"number {change}: " + (
            f"{clip(edit.old, width)} -> {clip(edit.new, width)}"
            if edit.old and edit.new
            else clip(edit.old or edit.new, width)
        )
    elif kind == "quote":
        speaker = clip(str(d.get("speaker") or ""))
        said = f"quote {change}: {_pair(edit, width=width)}" + (f" ({speaker})" if speaker else "")
    elif kind == "source":
        if change == "changed" and ("old_source" in d or "new_source" in d):
            old = _source(d.get("old_source") or edit.old, d.get("old_anonymous"))
            new = _source(d.get("new_source") or edit.new, d.get("new_anonymous"))
            said = f"source changed: {old} -> {new}"
        else:
            said = f"source {change}: " + _source(
                d.get("source") or edit.new or edit.old, d.get("anonymous")
            )
    elif kind == "certainty":
        verb = {"firmer": "hedge dropped", "softer": "hedge added"}.get(change, f"hedge {change}")
        said = f"{verb}: " + _pair(edit, mark='"', width=width)
    elif kind == "correction":
        notice = clip(str(d.get("notice") or "correction"), 30)
        text = _pair(edit, width=width)
        said = f"{notice} notice {change}" + (f": {text}" if text else "")
    elif kind == "trivial":
        what = ", ".join(_what(edit))
        said = f"trivial{f' ({what})' if what else ''}: {_pair(edit, width=width)}"
    elif kind == "other":
        how = str(d.get("sentence") or "")
        verb = {"edited": "reworded", "changed": "reworded"}.get(how, how) or change
        said = f"sentence {change if change in ('added', 'removed') else verb}: "
        said += _pair(edit, width=width)
    else:  # a kind added after this module was written
        text = _pair(edit, width=width)
        said = f"{kind} {change}" + (f": {text}" if text else "")
    if d.get("in") == "headline" and kind != "headline":
        said += " (in headline)"
    return said


def _interest(edit: Edit) -> int:
    if edit.kind in _FIRST:
        return _FIRST.index(edit.kind)
    if edit.kind in _LAST:
        return len(_FIRST) + 1 + _LAST.index(edit.kind)
    return len(_FIRST)


def in_words(edits: Sequence[Edit], limit: int = MAX_EDITS) -> tuple[list[tuple[str, bool]], str]:
    """The first ``limit`` edits said in words, most telling kinds first (in the order of the
    text within a kind), each with its ``silent`` flag; and ``"and 3 more (1 source, 2 other)"``
    for the rest (``""`` when none are left). Edits of kind ``other`` (sentences no kind
    explains) are said only when the version has no typed edit, trivial ones never: a version
    whose every edit is trivial is said in one line."""
    if not edits:
        return [], ""
    if is_trivial(edits):
        what = sorted({w for e in edits for w in _what(e)})
        said = "trivial edits only" + (f" ({', '.join(what)})" if what else "")
        return [(said, False)], ""
    ranked = sorted(edits, key=_interest)  # stable: the text's order within a kind
    # what no kind explains is in the passages already: said only when nothing else is
    typed = [e for e in ranked if e.kind not in _LAST]
    shown_edits = (typed or [e for e in ranked if e.kind != "trivial"])[:limit]
    shown = [(phrase(e), e.silent) for e in shown_edits]
    rest = [e for e in ranked if all(e is not s for s in shown_edits)]
    if not rest:
        return shown, ""
    counts = Counter(e.kind for e in rest)
    if set(counts) == {"other"}:
        return shown, f"and {plural(len(rest), 'other change')}"
    parts = ", ".join(f"{counts[k]} {k}" for k in ordered_kinds(counts))
    return shown, f"and {len(rest)} more ({parts})"


# --- HTML for the site ---------------------------------------------------------------------------


def _class(kind: str) -> str:
    return f"nd-k-{kind}" if _CLASS_NAME.fullmatch(kind) else "nd-k-x"


SILENT_TITLE = "a factual edit no correction notice owns up to, in this version or a later one"


def badges(kinds: Iterable[str], *, silent: bool = False) -> str:
    """Kinds as small labels (``<span class="nd-badge nd-k-quote">quote</span>``), and a
    ``silent`` label when ``silent``; ``""`` for none."""
    out = [
        f'<span class="nd-badge {_class(k)}">{html_text(k)}</span>' for k in ordered_kinds(kinds)
    ]
    if silent:
        out.append(f'<span class="nd-badge nd-silent" title="{SILENT_TITLE}">silent</span>')
    return " ".join(out)


def _where(edit: Edit) -> str:
    if edit.detail.get("in") == "headline":
        return "headline"
    old, new = edit.old_paragraph, edit.new_paragraph
    if old is not None and new is not None:
        return f"¶{old + 1}" if old == new else f"¶{old + 1} → ¶{new + 1}"
    if old is not None:
        return f"¶{old + 1} (old)"
    return f"¶{new + 1}" if new is not None else ""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _amount(value: Any, unit: Any) -> str:
    return f"{_value(value)} {_value(unit)}".strip()


def facts(edit: Edit) -> list[str]:
    """The edit's ``detail`` as short ``name: value`` lines (plain text: escape to show)."""
    d = dict(edit.detail)
    for key in _SPANS:
        d.pop(key, None)
    out = []
    if edit.kind == "number" and ("old_value" in d or "new_value" in d):
        old = _amount(d.pop("old_value", None), d.get("unit")) if "old_value" in d else ""
        unit = d.pop("unit", None)
        new = _amount(d.pop("new_value", None), d.pop("new_unit", unit)) if "new_value" in d else ""
        out.append(f"value: {old} → {new}" if old and new else f"value: {old or new}")
        if "old_qualifier" in d or "new_qualifier" in d:
            before, after = _value(d.pop("old_qualifier", "")), _value(d.pop("new_qualifier", ""))
            out.append(f"qualifier: {before or '–'} → {after or '–'}")
    for key, value in d.items():
        shown = _value(value)
        if shown:
            out.append(f"{key.replace('_', ' ')}: {clip(shown)}")
    return out


def edits_table(known: KnownEdits) -> str:
    """The site's list of a version's edits: kind (and a ``silent`` label), change, old and new
    text, where, and the facts the analyser found (speaker, values, markers...). Escaped. Cells
    carry the label the site's one-column layout shows in front of them (``data-label``)."""
    if not known.edits:
        return ""
    rows = [
        '<table class="nd-list nd-edits"><thead><tr><th>Kind</th><th>Change</th>'
        "<th>Old</th><th>New</th><th>Where</th><th>Detail</th></tr></thead><tbody>"
    ]
    for edit in known.edits:
        old = f"<del>{html_text(clip(edit.old, LONG))}</del>" if edit.old else ""
        new = f"<ins>{html_text(clip(edit.new, LONG))}</ins>" if edit.new else ""
        detail = "<br>".join(html_text(f) for f in facts(edit))
        rows.append(
            f'<tr class="nd-edit {_class(edit.kind)}">'
            f"<td>{badges([edit.kind], silent=edit.silent)}</td>"
            f'<td data-label="Change">{html_text(edit.change)}</td>'
            f'<td data-label="Old">{old}</td><td data-label="New">{new}</td>'
            f'<td data-label="Where">{html_text(_where(edit))}</td><td>{detail}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "\n".join(rows)


def edits_section(known: KnownEdits) -> str:
    """The edits block of a version page: heading, where the edits come from, the table."""
    if known.origin == "none":
        return ""
    if known.origin == "computed":
        where = (
            "computed for this page: the version has not been analysed yet "
            "(<code>newsdiff analyse</code> stores its edits)"
        )
    else:
        where = f"analyser version {html_text(known.analyser_version)}"
    heading = f"<h2>Edits ({len(known.edits)})</h2>"
    if not known.edits:
        return f'{heading}\n<p class="nd-meta">No typed edit ({where}).</p>'
    summary = badges(known.kinds, silent=known.silent)
    trivial = " · trivial version" if known.trivial else ""
    return (
        f'<section class="nd-edits">{heading}\n'
        f'<p class="nd-meta">{summary}{trivial} · {plural(len(known.edits), "edit")}, {where}</p>\n'
        f"{edits_table(known)}</section>"
    )
