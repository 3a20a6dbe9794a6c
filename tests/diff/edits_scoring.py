"""Scoring typed edits against tests/data/edits_labelled*.toml (the quality test and
bench/edits.py share it). The data file's header describes the labels."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdiff.diff import Document
from newsdiff.diff.edits import FACTUAL, Edit, analyse

DATA = Path(__file__).parents[1] / "data"
#: the labelled sets, in the order they were written (the first tuned on, the others blind)
LABELLED_FILES = (
    "edits_labelled.toml",
    "edits_labelled_holdout.toml",
    "edits_labelled_holdout2.toml",
    "edits_labelled_holdout3.toml",
    "edits_labelled_holdout4.toml",
    "edits_labelled_holdout5.toml",
    "edits_labelled_holdout6.toml",
    "edits_labelled_holdout7.toml",
    "edits_labelled_holdout8.toml",
    "edits_labelled_holdout9.toml",
    "edits_labelled_holdout10.toml",
    "edits_labelled_holdout11.toml",
    "edits_labelled_holdout12.toml",
    "edits_labelled_holdout13.toml",
    "edits_labelled_holdout14.toml",
    "edits_labelled_holdout15.toml",
    "edits_labelled_holdout16.toml",
    "edits_labelled_holdout17.toml",
    "edits_labelled_holdout18.toml",
    "edits_labelled_holdout19.toml",
    "edits_labelled_holdout20.toml",
    "edits_labelled_holdout21.toml",
    "edits_labelled_holdout22.toml",
    "edits_labelled_holdout23.toml",
)
SCORED = ("headline", "number", "quote", "source", "certainty", "correction", "trivial")


@dataclass(frozen=True)
class Gold:
    kind: str
    change: str
    old: str
    new: str

    @classmethod
    def parse(cls, text: str) -> Gold:
        head, old, new = (part.strip() for part in (text + "||").split("|")[:3])
        kind, change = head.split()
        return cls(kind, change, old, new)

    def matches(self, edit: Edit) -> bool:
        return (
            edit.kind == self.kind
            and edit.change == self.change
            and _overlaps(self.old, edit.old)
            and _overlaps(self.new, edit.new)
        )


def _overlaps(wanted: str, got: str) -> bool:
    return not wanted or wanted in got or (bool(got) and got in wanted)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Score:
    kinds: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in SCORED})
    silent: Tally = field(default_factory=Tally)
    errors: list[str] = field(default_factory=list)  # "pair: missed/extra edit"
    pairs: int = 0
    labelled: int = 0


def load(*names: str) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for name in names or ("edits_labelled.toml",):
        pairs += tomllib.loads((DATA / name).read_text(encoding="utf-8"))["pair"]
    return pairs


def documents(pair: dict[str, Any]) -> tuple[Document, Document]:
    return (
        Document(pair.get("old_title", ""), pair["old"]),
        Document(pair.get("new_title", ""), pair["new"]),
    )


def score(pairs: Iterable[dict[str, Any]]) -> Score:
    result = Score()
    for pair in pairs:
        result.pairs += 1
        golds = [Gold.parse(g) for g in pair["edits"]]
        result.labelled += len(golds)
        acknowledged = any(
            g.kind == "correction" and g.change in ("added", "changed") for g in golds
        )
        edits = [e for e in analyse(*documents(pair)).edits if e.kind in SCORED]
        used: set[int] = set()
        for gold in golds:
            tally = result.kinds[gold.kind]
            hit = next((k for k, e in enumerate(edits) if k not in used and gold.matches(e)), None)
            if hit is None:
                tally.fn += 1
                result.errors.append(f"{pair['id']}: missed {gold}")
                if gold.kind in FACTUAL and not acknowledged:
                    result.silent.fn += 1
                continue
            used.add(hit)
            tally.tp += 1
            if gold.kind in FACTUAL:
                expected, got = not acknowledged, edits[hit].silent
                if expected and got:
                    result.silent.tp += 1
                elif got:
                    result.silent.fp += 1
                elif expected:
                    result.silent.fn += 1
        for k, e in enumerate(edits):
            if k not in used:
                result.kinds[e.kind].fp += 1
                if e.silent:
                    result.silent.fp += 1
                result.errors.append(
                    f"{pair['id']}: extra {e.kind} {e.change} | {e.old[:60]} | {e.new[:60]}"
                )
    return result
