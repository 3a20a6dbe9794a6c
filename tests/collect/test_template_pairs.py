"""A redesign is not an edit: the same article under an outlet's old and new template extracts to
the same text (tests/data/template_pairs/pairs.toml documents the pairs and their format)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from newsdiff.collect.extract import Extraction, extract_article
from newsdiff.collect.strategies import run_densest_block
from newsdiff.diff import Document, compare
from newsdiff.text import text_hash

PAIRS_DIR = Path(__file__).resolve().parents[1] / "data" / "template_pairs"
PAIRS: list[dict[str, Any]] = tomllib.loads((PAIRS_DIR / "pairs.toml").read_text("utf-8"))["pair"]


def extract(name: str, url: str) -> Extraction:
    return extract_article((PAIRS_DIR / name).read_bytes(), url)


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_pair_extracts_to_the_same_text(pair: dict[str, Any]) -> None:
    old, new = extract(pair["old"], pair["url"]), extract(pair["new"], pair["url"])
    expect = pair["expect"]
    for page in (old, new):
        assert page.title == expect["title"]
        assert page.standfirst == expect.get("standfirst")
        assert len(page.paragraphs) == expect["paragraphs"], page.paragraphs
        assert page.paragraphs[0].startswith(expect["first"])
        assert page.paragraphs[-1].startswith(expect["last"])
    assert old.paragraphs == new.paragraphs
    assert text_hash(old.title, old.paragraphs, old.headlines) == text_hash(
        new.title, new.paragraphs, new.headlines
    )
    diff = compare(Document(old.title, list(old.paragraphs)), Document(new.title, new.paragraphs))
    assert not diff.title_changed
    assert diff.stats.paragraphs_unchanged == expect["paragraphs"]
    assert diff.stats.words_added == diff.stats.words_removed == 0


def test_densest_block_keeps_to_the_article() -> None:
    """Where the article, the reader responses and the teasers are sibling blocks, none holding
    3/4 of the text, the densest block is the article's, not their parent's."""
    from newsdiff.collect.extract import decode_html, parse_html

    page = (PAIRS_DIR / "library-2021.html").read_bytes()
    found = run_densest_block(parse_html(decode_html(page)[0]))
    old = extract("library-2012.html", PAIRS[1]["url"])
    assert found.paragraphs == list(old.paragraphs)
