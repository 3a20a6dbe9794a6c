"""Helpers of the rule tests (test_edit_rules*.py): the edits of two paragraph lists, the
(change, old, new) of those of one kind, and the names of a text's sources."""

from __future__ import annotations

from newsdiff.diff import Document
from newsdiff.diff.cues import attributions
from newsdiff.diff.edits import Edit, analyse


def edits_of(old: list[str], new: list[str], title: str = "A title") -> list[Edit]:
    return analyse(Document(title, old), Document(title, new)).edits


def typed(edits: list[Edit], kind: str) -> list[tuple[str, str, str]]:
    return [(e.change, e.old, e.new) for e in edits if e.kind == kind]


def sources(text: str) -> list[str]:
    return [a.name for a in attributions(text)]
