"""Alert messages: edits told in words, untrusted text made safe (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdiff import config
from newsdiff.alerts.message import (
    MAX_EDIT_LINES,
    MAX_SUMMARY_LINES,
    EditText,
    change_message,
    clean,
    describe,
    sample_change,
    summary_message,
)
from newsdiff.diff import edits as diff_edits

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_the_config_knows_the_analysers_kinds_and_changes() -> None:
    assert config.EDIT_KINDS == diff_edits.KINDS
    assert config.EDIT_CHANGES == diff_edits.CHANGES


@pytest.mark.parametrize(
    ("edit", "text"),
    [
        (
            EditText("quote", "removed", "a damning report", None, True, "Ed Balls"),
            "quote removed: 'a damning report' (Ed Balls) [silent: no correction notice]",
        ),
        (
            EditText("number", "changed", "12 cases", "15 cases", old_value=12, new_value=15),
            "number changed: 12 -> 15",
        ),
        (
            EditText("number", "changed", "1.5m", "2m", old_value=1.5, new_value=2.0),
            "number changed: 1.5 -> 2",
        ),
        (EditText("number", "changed", "a dozen", "15"), "number changed: 'a dozen' -> '15'"),
        (
            EditText("source", "added", None, "a council spokesman"),
            "source added: 'a council spokesman'",
        ),
        (
            EditText("headline", "changed", "Council to be criticised", "Council criticised"),
            "headline changed: 'Council to be criticised' -> 'Council criticised'",
        ),
        (
            EditText("correction", "added", None, "Correction: we misstated the figure."),
            "correction notice added: 'Correction: we misstated the figure.'",
        ),
        (EditText("other", "removed", None, None), "other removed"),
    ],
    ids=lambda v: v.kind if isinstance(v, EditText) else "",
)
def test_edits_in_words(edit: EditText, text: str) -> None:
    assert describe(edit) == text


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain", "plain"),
        ("two\nlines\r\nand\ttabs", "two lines and tabs"),
        ("\x1b[31mred\x1b[0m", "[31mred [0m"),
        ("photo\u202egnp.exe", "photognp.exe"),  # a bidi override is dropped
        ("zero\u200bwidth", "zerowidth"),
        ("C1\x85next\x9bline", "C1 next line"),
        ("line\u2028sep\u2029para", "line sep para"),
        ("e\u0301", "\u00e9"),  # NFC
        (None, ""),
    ],
)
def test_clean(raw: str | None, safe: str) -> None:
    assert clean(raw) == safe


def test_clean_caps_the_length() -> None:
    assert clean("x" * 500, 10) == "x" * 9 + "…"


def test_many_edits_are_counted_not_listed() -> None:
    change = sample_change(NOW)
    many = tuple(EditText("quote", "added", None, f"quote {i}") for i in range(10))
    many += (EditText("trivial", "changed", "a", "b"),) * 3
    message = change_message("a", change.__class__(**{**change.__dict__, "edits": many}))
    lines = message.body.split("\n")
    assert sum(line.startswith("quote added") for line in lines) == MAX_EDIT_LINES
    assert f"... and {10 - MAX_EDIT_LINES} more edits" in lines
    assert "also: 3 trivial" in lines


def test_a_summary_lists_a_line_per_change_up_to_a_limit() -> None:
    changes = [sample_change(NOW)] * (MAX_SUMMARY_LINES + 5)
    message = summary_message("busy", changes, 10)
    assert message.title == f"[busy] {MAX_SUMMARY_LINES + 5} more changes"
    lines = message.body.split("\n")
    assert sum(line.startswith("- newsdiff test: ") for line in lines) == MAX_SUMMARY_LINES
    assert lines[-1].startswith("... and 5 more")
    assert "(v2: headline, number, quote, certainty)" not in message.body  # sorted kinds
    assert "(v2: certainty, headline, number, quote)" in message.body
