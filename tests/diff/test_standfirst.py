"""The standfirst in the diff (issue 15 item 10): diffed on its own like the headline, in the
JSON, the text and HTML renderings; a side that was not captured is no change."""

from __future__ import annotations

import json

from newsdiff.diff import Document, compare, html_table
from newsdiff.diff.render_text import render_inline, render_json, render_side_by_side, summary_line

BODY = ["The council's children's services were inspected last week."]
OLD = Document("Council criticised", BODY, "Inspectors are expected to find failings")
NEW = Document("Council criticised", BODY, "Inspectors find serious failings")


def test_a_rewritten_standfirst_is_a_change_of_its_own() -> None:
    diff = compare(OLD, NEW)
    assert diff.changed and diff.standfirst_changed and not diff.title_changed
    assert diff.standfirst.old_text == OLD.standfirst
    assert diff.standfirst.new_text == NEW.standfirst
    assert ("-", "are expected to ") in diff.standfirst.ops
    assert diff.stats.words_added == diff.stats.words_removed == 0  # counts are of the body
    assert "standfirst changed" in summary_line(diff)
    assert diff.documents() == (OLD, NEW)


def test_the_json_gains_a_standfirst_block_shaped_like_the_title() -> None:
    data = json.loads(render_json(compare(OLD, NEW)))
    assert list(data)[:5] == ["old", "new", "title", "standfirst", "paragraphs"]
    assert data["standfirst"]["changed"] is True
    assert set(data["standfirst"]) == set(data["title"]) == {"changed", "ops"}
    none = compare(Document("T", BODY), Document("T", BODY)).to_dict()
    assert none["standfirst"] == {"changed": False, "ops": []}


def test_a_standfirst_not_captured_on_one_side_is_no_change() -> None:
    before = Document("Council criticised", BODY)  # stored before standfirsts were captured
    diff = compare(before, NEW)
    assert not diff.changed
    assert diff.standfirst.ops == [("=", NEW.standfirst)]
    assert not compare(OLD, Document("Council criticised", BODY)).changed


def test_a_standfirst_that_appears_or_goes_is_a_change() -> None:
    none = Document("Council criticised", BODY, "")
    assert compare(none, NEW).standfirst.ops == [("+", NEW.standfirst)]
    assert compare(OLD, none).standfirst.ops == [("-", OLD.standfirst)]
    assert compare(OLD, none).changed


def test_renderings_show_it_under_the_headline() -> None:
    diff = compare(OLD, NEW)
    inline = render_inline(diff).splitlines()
    assert inline[0] == "# Council criticised"
    assert inline[2] == "> Inspectors [-are expected to -]find {+serious +}failings"
    side = render_side_by_side(diff, width=100).splitlines()
    assert "Inspectors [-are expected to -]find failings" in side[2]
    assert "Inspectors find {+serious +}failings" in side[2]
    table = html_table(diff)
    assert '<tr class="nd-standfirst">' in table
    assert "<del>are expected to </del>" in table
    plain = Document("T", BODY, "")
    assert '<tr class="nd-standfirst">' not in html_table(compare(plain, plain))


def test_standfirst_markup_is_shown_as_text() -> None:
    hostile = Document("T", BODY, "[bold red]Breaking[/] <script>x</script> \x1b[31m")
    table = html_table(compare(Document("T", BODY, ""), hostile))
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "\x1b" not in render_inline(compare(Document("T", BODY, ""), hostile))
