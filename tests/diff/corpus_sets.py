"""Labelled typed edits on real prose: pairs whose text is a window of paragraphs of a real
article in the shared corpus (../shared/corpora/extraction-aeb/ground-truth.json), with edits
written for newsdiff made to it. The corpus stays out of the tree, so a set file
(tests/data/edits_corpus*.toml) holds only where each pair's text lies (the article's key, a
window of its paragraphs), the edits (character offsets and the writer's new words) and the
labels (character offsets into the old or the new window). :func:`load` builds the pairs back
in the form edits_scoring.score() reads; without the corpus there are none.

A writer drafts a set outside the tree with texts instead of offsets, and :func:`convert` (also
``python -m tests.diff.corpus_sets DRAFT OUT``) turns the draft into a set file, refusing a
change or a label it cannot place exactly once, and a stored new text that repeats the
article's words at length. The draft's ``[[pair]]`` tables::

    id = "wsj-rates-hedge"          # unique in the set
    article = "042bb7b5"            # a unique prefix of the article's key in the corpus
    window = [3, 7]                 # the article's paragraphs 3 to 6 (counted from 0, of the
                                    # body split into lines, empty ones dropped) are the old text
    old_title = "..."               # optional headlines, in the writer's own words
    new_title = "..."
    change = [[1, "are expected to say", "say"]]   # [paragraph of the window, text found once
                                    # in it, its replacement]; applied to the old paragraphs
    order = [0, 2, 1, 3]            # optional: the old paragraphs kept, in their new order
                                    # (an index left out is a paragraph removed)
    insert = [[2, "A paragraph in the writer's own words."]]  # optional: [index in the new
                                    # text, paragraph], applied after ``order``, in list order
    reverse = true                  # optional: the edited text is the old version and the
                                    # article's own the new (to fix a typo or a figure the
                                    # writer put in, or remove what the writer added); the
                                    # labels, the headlines and old_paragraph/new_paragraph
                                    # are then of the pair as scored (edited text first)
    edits = ["certainty firmer | are expected to say | say"]  # the labels, as in
                                    # edits_labelled.toml; a label whose text is not found
                                    # exactly once on its side may be a table
                                    # {label = "...", old_paragraph = 1, new_paragraph = 2}
                                    # (-1: the headline)

A set file stores ``change`` as [paragraph, start, end, new text] with each change cut to the
words that differ, and every label side as [paragraph, start, end] (-1: the headline) or "".
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from newsdiff.text import normalize_paragraphs

from . import edits_scoring

DATA = edits_scoring.DATA
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "extraction-aeb"
#: the sets written on the corpus, in the order they were written
CORPUS_FILES = (
    "edits_corpus1.toml",
    "edits_corpus2.toml",
    "edits_corpus3.toml",
    "edits_corpus4.toml",
    "edits_corpus5.toml",
    "edits_corpus6.toml",
)
#: a stored new text may repeat at most this many words of its article in a row
MAX_COPIED_WORDS = 6

Span = list[int]


def articles() -> dict[str, list[str]] | None:
    """The corpus's article bodies as paragraphs, by key; None when the corpus is absent."""
    path = CORPUS / "ground-truth.json"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        key: normalize_paragraphs(value["articleBody"].splitlines()) for key, value in raw.items()
    }


def available(name: str) -> bool:
    return (DATA / name).is_file() and (CORPUS / "ground-truth.json").is_file()


# -- building a pair's two versions ------------------------------------------------------------


def _window(body: dict[str, list[str]], pair: dict[str, Any]) -> list[str]:
    start, end = pair["window"]
    paragraphs = body[pair["article"]]
    if not 0 <= start < end <= len(paragraphs):
        raise ValueError(f"{pair['id']}: window {start}-{end} outside the article's paragraphs")
    return list(paragraphs[start:end])


def _apply(old: list[str], pair: dict[str, Any]) -> list[str]:
    """The new paragraphs: the stored changes (offsets into the old paragraphs), then the new
    order, then the inserted paragraphs."""
    return _apply_marked(old, pair)[0]


Marks = dict[int, list[tuple[int, int]]]


def _apply_marked(old: list[str], pair: dict[str, Any]) -> tuple[list[str], Marks, Marks]:
    """:func:`_apply`, and where the changes stand: the changed stretches of the old and of the
    new paragraphs (a paragraph removed or inserted stands whole; a moved one is no change)."""
    changed = list(old)
    old_marks: Marks = {}
    new_marks: Marks = {}
    by_paragraph: dict[int, list[list[Any]]] = {}
    for p, start, end, text in pair.get("change", []):
        by_paragraph.setdefault(p, []).append([start, end, text])
    for p, changes in by_paragraph.items():
        text = old[p]
        out, at, length = [], 0, 0
        for start, end, new in sorted(changes, key=lambda c: (c[0], c[1])):
            if start < at or end > len(text):
                raise ValueError(f"{pair['id']}: changes overlap in paragraph {p}")
            length += start - at
            old_marks.setdefault(p, []).append((start, end))
            new_marks.setdefault(p, []).append((length, length + len(new)))
            length += len(new)
            out += [text[at:start], new]
            at = end
        changed[p] = "".join(out) + text[at:]
    order = list(pair.get("order", range(len(old))))
    for p in range(len(old)):
        if p not in order:
            old_marks.setdefault(p, []).append((0, len(old[p])))
    new = [changed[i] for i in order]
    marks: Marks = {}
    for q, p in enumerate(order):
        marks[q] = list(new_marks.get(p, []))
    for at, paragraph in pair.get("insert", []):
        new.insert(at, paragraph)
        marks = {(q + 1 if q >= at else q): m for q, m in marks.items()}
        marks[at] = [(0, len(paragraph))]
    return new, old_marks, marks


def _side(span: Any, paragraphs: list[str], title: str) -> str:
    if not span:
        return ""
    p, start, end = span
    return (title if p == -1 else paragraphs[p])[start:end]


def load(*names: str, corpus: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """The pairs of the named sets, as edits_scoring.load() gives a labelled set's."""
    body = corpus if corpus is not None else articles()
    if body is None:
        return []
    pairs = []
    for name in names or CORPUS_FILES:
        for pair in tomllib.loads((DATA / name).read_text(encoding="utf-8"))["pair"]:
            old = _window(body, pair)
            new = _apply(old, pair)
            old_title, new_title = pair.get("old_title", ""), pair.get("new_title", "")
            if pair.get("reverse"):
                old, new, old_title, new_title = new, old, new_title, old_title
            labels = []
            for head, old_span, new_span in pair["edits"]:
                a = _side(old_span, old, old_title)
                b = _side(new_span, new, new_title)
                labels.append(f"{head} | {a} | {b}")
            pairs.append(
                {
                    "id": pair["id"],
                    "old_title": old_title,
                    "new_title": new_title,
                    "old": old,
                    "new": new,
                    "edits": labels,
                }
            )
    return pairs


# -- turning a draft into a set file -----------------------------------------------------------


def _find_once(needle: str, hay: str, where: str) -> int:
    at = hay.find(needle)
    if not needle or at < 0:
        raise ValueError(f"{where}: {needle!r} not found")
    if hay.find(needle, at + 1) >= 0:
        raise ValueError(f"{where}: {needle!r} found more than once: give more of its words")
    return at


_WORD = re.compile(r"\S+|\s+")


def _minimal(p: int, start: int, old: str, new: str) -> list[list[Any]]:
    """The change of ``old`` (at ``start`` in paragraph ``p``) to ``new``, cut to the runs of
    words and spaces that differ."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    offsets = [start]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    out: list[list[Any]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            out.append([p, offsets[i1], offsets[i2], "".join(b[j1:j2])])
    return out


_PLAIN = re.compile(r"\w+(?:[.,]\w+)*")  # a word, or a figure with its points and commas


def _copied_run(text: str, source: str) -> str:
    """The first run of more than MAX_COPIED_WORDS words of ``text`` that stands in ``source``
    (words compared without their case and punctuation)."""
    words = _PLAIN.findall(text.lower())
    plain = " " + " ".join(_PLAIN.findall(source.lower())) + " "
    n = MAX_COPIED_WORDS + 1
    for i in range(len(words) - n + 1):
        run = " ".join(words[i : i + n])
        if f" {run} " in plain:
            return run
    return ""


def copied(pair: dict[str, Any], body: dict[str, list[str]]) -> str:
    """The first run of the article's words that a set file's pair would store at too great a
    length (its headlines, its changes' new words, its inserted paragraphs), or ``""``."""
    article = " ".join(body[pair["article"]])
    stored = [pair.get("old_title", ""), pair.get("new_title", "")]
    stored += [c[3] for c in pair.get("change", [])] + [t for _, t in pair.get("insert", [])]
    for text in stored:
        if run := _copied_run(text, article):
            return run
    return ""


def _locate(
    text: str,
    paragraphs: list[str],
    title: str,
    marks: Marks,
    fixed: int | None,
    where: str,
) -> Span:
    """Where a label's text stands on its side: the one place it is found, else the one place
    beside a change (within a character: "is said to be" -> "is" labels the "is" before the
    words cut), else the paragraph given (-1: the headline)."""
    if not text:
        return []
    places = [(-1, title), *enumerate(paragraphs)]
    if fixed is not None:
        places = [(p, t) for p, t in places if p == fixed]
    hits = []
    for p, hay in places:
        at = hay.find(text)
        while at >= 0:
            hits.append((p, at))
            at = hay.find(text, at + 1)
    if not hits:
        raise ValueError(f"{where}: label text {text!r} not found on its side")
    if len(hits) > 1:
        near = [
            (p, at)
            for p, at in hits
            if any(s <= at + len(text) + 1 and at <= e + 1 for s, e in marks.get(p, []))
        ]
        if len(near) != 1:
            raise ValueError(
                f"{where}: label text {text!r} found {len(hits)} times, {len(near)} of them"
                " beside a change: give its paragraph (old_paragraph / new_paragraph, -1 for"
                " the headline) or more of its words"
            )
        hits = near
    p, at = hits[0]
    return [p, at, at + len(text)]


def _key(prefix: str, keys: list[str], where: str) -> str:
    found = [k for k in keys if k.startswith(prefix)]
    if len(found) != 1:
        raise ValueError(f"{where}: article {prefix!r} matches {len(found)} keys")
    return found[0]


def convert(draft: dict[str, Any], body: dict[str, list[str]]) -> list[dict[str, Any]]:
    """A draft's pairs (texts) as a set file's (offsets); ValueError on the first problem."""
    out = []
    seen: set[str] = set()
    for d in draft["pair"]:
        where = str(d.get("id", "?"))
        if where in seen:
            raise ValueError(f"{where}: id used twice")
        seen.add(where)
        key = _key(d["article"], sorted(body), where)
        pair: dict[str, Any] = {"id": where, "article": key, "window": list(d["window"])}
        if d.get("reverse"):
            pair["reverse"] = True
        # the draft's headlines are of the pair as scored; the file's go with the article's
        # own text (old_title) and the edited text (new_title), as its paragraphs do
        titles = ("new_title", "old_title") if d.get("reverse") else ("old_title", "new_title")
        for title, stored in zip(("old_title", "new_title"), titles, strict=True):
            if d.get(title):
                pair[stored] = d[title]
        old = _window(body, pair)
        changes: list[list[Any]] = []
        for p, before, after in d.get("change", []):
            if not 0 <= p < len(old):
                raise ValueError(f"{where}: change in paragraph {p}, outside the window")
            at = _find_once(before, old[p], f"{where}: paragraph {p}")
            changes += _minimal(p, at, before, after)
        if changes:
            pair["change"] = changes
        if d.get("insert"):
            pair["insert"] = [list(i) for i in d["insert"]]
        if run := copied(pair, body):
            raise ValueError(f"{where}: new text repeats the article's words: {run!r}")
        if "order" in d:
            order = list(d["order"])
            if len(set(order)) != len(order) or not set(order) <= set(range(len(old))):
                raise ValueError(f"{where}: order {order} is not a choice of old paragraphs")
            pair["order"] = order
        new, old_marks, new_marks = _apply_marked(old, pair)
        old_title, new_title = pair.get("old_title", ""), pair.get("new_title", "")
        if old_title != new_title:
            old_marks[-1] = [(0, len(old_title))]
            new_marks[-1] = [(0, len(new_title))]
        if pair.get("reverse"):  # the labels are of the pair as scored: the edited text first
            old, new, old_title, new_title = new, old, new_title, old_title
            old_marks, new_marks = new_marks, old_marks
        labels = []
        for label in d.get("edits", []):
            table = label if isinstance(label, dict) else {"label": label}
            head, a, b = (part.strip() for part in (table["label"] + "||").split("|")[:3])
            if len(head.split()) != 2:
                raise ValueError(f"{where}: label {table['label']!r} is not 'kind change | ...'")
            old_span = _locate(a, old, old_title, old_marks, table.get("old_paragraph"), where)
            new_span = _locate(b, new, new_title, new_marks, table.get("new_paragraph"), where)
            if "|" in a + b:
                raise ValueError(f"{where}: a label's text holds '|'")
            labels.append([head, old_span, new_span])
        pair["edits"] = labels
        out.append(pair)
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def dumps(pairs: list[dict[str, Any]]) -> str:
    """A set file's pairs as TOML (the header is the writer's to add above them)."""
    lines = []
    for pair in pairs:
        lines.append("[[pair]]")
        for key in ("id", "article", "window", "reverse", "old_title", "new_title", "change"):
            if key in pair:
                lines.append(f"{key} = {_toml_value(pair[key])}")
        if "order" in pair:
            lines.append(f"order = {_toml_value(pair['order'])}")
        if "insert" in pair:
            lines.append(f"insert = {_toml_value(pair['insert'])}")
        lines.append("edits = [")
        lines += [f"    {_toml_value(label)}," for label in pair["edits"]]
        lines += ["]", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.diff.corpus_sets DRAFT.toml OUT.toml", file=sys.stderr)
        return 2
    body = articles()
    if body is None:
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    draft = tomllib.loads(Path(argv[0]).read_text(encoding="utf-8"))
    try:
        pairs = convert(draft, body)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    out = Path(argv[1])
    header = ""
    if out.is_file():  # keep the header the writer wrote above the pairs
        header = out.read_text(encoding="utf-8").split("[[pair]]", 1)[0]
    out.write_text(header + dumps(pairs), encoding="utf-8")
    labels = sum(len(p["edits"]) for p in pairs)
    print(f"{out}: {len(pairs)} pairs, {labels} labels")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
