"""newsdiff.text.printable: untrusted text shown, never interpreted by the terminal."""

from __future__ import annotations

import pytest

from newsdiff.text import printable

BIDI = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u061c": "ALM",
}


def test_escape_sequences_are_made_visible() -> None:
    assert printable("red \x1b[31mALERT\x1b[0m") == "red \u241b[31mALERT\u241b[0m"
    osc8 = "\x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\"
    assert printable(osc8) == "\u241b]8;;http://evil\u241b\\text\u241b]8;;\u241b\\"
    assert "\x07" not in printable("bell\x07") and "\x9b" not in printable("csi\x9b31m")


@pytest.mark.parametrize("char", list(BIDI), ids=list(BIDI.values()))
def test_bidi_controls_are_made_visible(char: str) -> None:
    shown = printable(f"abc{char}def")
    assert char not in shown
    assert shown == f"abc\\u{ord(char):04x}def"


def test_a_right_to_left_override_cannot_disguise_a_headline() -> None:
    # "gnp.exe" would read as "exe.png" on a terminal that applies the override
    assert printable("photo\u202egnp.exe") == "photo\\u202egnp.exe"


def test_right_to_left_text_itself_is_kept() -> None:
    hebrew = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"  # letters, not controls
    arabic = "\u0645\u0631\u062d\u0628\u0627"
    assert printable(hebrew) == hebrew and printable(arabic) == arabic
    assert printable("Climbi\u00e9 \u2014 “quoted”") == "Climbi\u00e9 \u2014 “quoted”"
