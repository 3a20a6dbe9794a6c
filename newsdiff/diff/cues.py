"""Cues: the things in a text that typed edits are about, found by rules.

Each finder takes one text (a sentence, a paragraph or a headline) and returns what it found with
its character span, so an edit can point at the exact words it rests on.

* :func:`quantities` — numbers, amounts, percentages, counts and dates, with the words that
  qualify them ("more than 50", "about £1.2bn", "4 March", "twelve", "١٢").
* :func:`quotes` — direct quotations between quote marks; an opening double mark left open runs
  to the paragraph's end (a quotation that goes on in the next paragraph).
* :func:`attributions` — sources: a person or body with a reporting verb, "according to ...".
* :func:`hedges` — hedging and anticipation ("are expected to", "may", "reportedly", "will").
* :func:`notice` — a correction, clarification or update notice.
* :func:`trivial_change` — whether two texts differ only in spelling, punctuation, quote style,
  case or whitespace.

All are linear in their text: the patterns have no nested repetition over unbounded input.
"""

from __future__ import annotations

import os.path
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from operator import attrgetter
from typing import NamedTuple

from newsdiff.diff.tokens import ASCII_WORD_RE, folded_words, word_list

Span = tuple[int, int]

# --- quantities -----------------------------------------------------------------------------

_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS: dict[str, float] = {w: float(n) for n, w in enumerate(_SMALL)}
NUMBER_WORDS.update({w: float(20 + 10 * n) for n, w in enumerate(_TENS)})
NUMBER_WORDS.update({"dozen": 12.0, "a dozen": 12.0, "hundred": 100.0})
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "mil": 1e6,  # Malaysian English: "RM1.2mil"
    # Indian English: "Rs 4.5 crore", "12.5 lakh"
    "lakh": 1e5,
    "lakhs": 1e5,
    "crore": 1e7,
    "crores": 1e7,
}
# Counts given by their order of magnitude only: "Thousands of homes" -> "About 40,000 homes"
# is a count that changed, "hundreds of thousands" one count.
_VAGUE = {
    "dozens": 12.0,
    "hundreds": 1e2,
    "thousands": 1e3,
    "tens of thousands": 1e4,
    "hundreds of thousands": 1e5,
    "millions": 1e6,
    "tens of millions": 1e7,
    "hundreds of millions": 1e8,
    "billions": 1e9,
    # "for several hours" -> "for about five hours": a count given, not come
    "several": 3.0,
    # "a crowd of several dozen" -> "of about 60": one count ("several", then "dozen", were two)
    "several dozen": 36.0,
    "several hundred": 3e2,
    "several thousand": 3e3,
    "several million": 3e6,
}
_VAGUE_WORDS = "dozens|hundreds|thousands|millions|billions|several"  # single words of _VAGUE
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
# A month named alone ("by the end of May" -> "June") is a date when a preposition or a word
# of timing stands before it (so "Theresa May" or "April Jones" are not); written out in full,
# capitalised, and not followed by a capitalised word.
_LONE_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_BEFORE_MONTH = re.compile(
    r"\b(?:in|of|by|until|till|since|from|before|after|to|through|last|next|this|early|late|"
    r"mid|end|start|beginning)[\s-]"
    # "until at least March", "by the end of May" (the window reaches back 24 characters)
    r"(?:(?:at\s+(?:least|the\s+(?:earliest|latest))|as\s+(?:early|late)\s+as|no\s+(?:later|"
    r"earlier)\s+than)\s)?$",
    re.IGNORECASE,
)
_NAME_AFTER = re.compile(r" [A-Z][a-z]")
# Ordinal words ("for the third time" -> "fourth") and "twice" -> "three times".
_ORDINALS = {
    w: float(n)
    for n, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1
    )
}
# A factor said in a word: "twice", "costs doubled" -> "tripled" (the verb's tense aside).
_TIMES = {"twice": 2.0, "doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0}
_TIMES |= {"halves": 0.5, "halved": 0.5}
# Their words, looked for (in lower case) before :data:`_WORDS_RE` is searched: most texts hold
# none.
_WORDY = (*_ORDINALS, *_TIMES, "midnight", "midday", "noon")
# A time of day said in a word, as a clock's key ("midnight" is "12am")
_NAMED_TIMES = {"midnight": "00:00", "midday": "12:00", "noon": "12:00"}
_WEEKDAY_NAMES = tuple(d.capitalize() for d in _WEEKDAYS.split("|"))
# "more then 200" is "more than 200" misspelt (a typo fix, not a changed quantity).
_QUALIFIERS = (
    "more than|less than|fewer than|more then|less then|fewer then|at least|at most|up to|"
    "as many as|as much as|as few as|"
    "an estimated|almost|nearly|about|around|approximately|roughly|some|over|under|just over|"
    "just under|well over|close to|in excess of|upwards of"
)
_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DIGITS = r"\d+(?:[,.]\d+)*"
# What a range counts ("6-8 weeks"): a hyphen between two numbers before it is no score
_RANGED = (
    "weeks|days|months|years|hours|minutes|seconds|nights|miles|metres|meters|kilometres|"
    "kilometers|km|feet|inches|people|per\\s?cent|percent|times"
)


def _trie(words: str) -> str:
    """The words of ``"said|says|say"`` as one alternation shaped like a trie
    (``"said|say(?:s|)"``). re tries every alternative in turn; a trie tries a shared opening
    once. It matches the same words, and wherever a word boundary or a space follows (as in
    every pattern here) at most one of them can, so their order does not matter either."""
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[:1], []).append(word)
    out = []
    for first, group in groups.items():
        if len(group) == 1 or not first:
            out.append(re.escape(group[0]))
            continue
        shared = os.path.commonprefix(group)
        rests = sorted((w[len(shared) :] for w in group), key=lambda w: not w)  # "" last
        out.append(f"{re.escape(shared)}(?:{_trie('|'.join(rests))})")
    return "|".join(out)


# Where a quantity can start: a digit or currency sign anywhere, or a word that starts a
# qualifier, month, weekday or number word (the whole of it, as a trie; a match without a
# qualifier starts with one of the others). Checked first, it spares the alternatives below at
# most positions (the lookahead changes nothing that matches); its first letter is checked
# before the trie is walked.
_QUANTITY_WORDS = sorted(
    {*_QUALIFIERS.split("|"), *_MONTHS, *_WEEKDAYS.split("|"), *NUMBER_WORDS, "tens"}
    | set(_VAGUE_WORDS.split("|"))
)
_QUANTITY_FIRSTS = "".join(sorted({w[0] for w in _QUANTITY_WORDS}))
_QUANTITY_START = f"(?=[{_QUANTITY_FIRSTS}])(?:{_trie('|'.join(_QUANTITY_WORDS))})"
# a currency's letters glued to an amount (_CURRENCY_CODES gives each its unit): those that
# may stand apart from it ("KSh 2 million"), and single letters
_CODES_LONG = "RM|KSh|Ksh|Sh"
_CODES_SHORT = "[RNP]"
# what follows a currency's letters when they are glued to an amount (see _NUMBER_RE)
_MONEY_AFTER = (
    r"\d{1,3}(?:,\d{3})+(?![\d,])"
    # a price in cents: "fell to R48.20" (not a version or a road: two decimals exactly)
    r"|\d{1,4}\.\d{2}(?![\d.])"
    r"|\d+(?:\.\d+)?(?:\s?(?:mil|million|billion|bn|m)\b|-(?:million|billion)\b)"
)
_NUMBER_RE = re.compile(
    rf"(?=[\d£$€¥]|(?-i:{_CODES_LONG}|{_CODES_SHORT})\s?\d|\b(?:{_QUANTITY_START}))"
    # (not "go up to £2.40": a verb's "up to" says where a price went, not a limit)
    rf"(?:(?<!\bgo\s)(?<!\bgoes\s)(?<!\bwent\s)(?<!\bgone\s)(?<!\bgoing\s)"
    # (nor what a case or a quarrel is about: "on trial over $1.3m fraud", "row over £5m",
    # "in court over R14m tender")
    rf"(?<!\btrial\s)(?<!\bcharged\s)(?<!\brow\s)(?<!\bdispute\s)(?<!\bsued\s)"
    rf"(?<!\barrested\s)(?<!\bprobe\s)(?<!\bconvicted\s)(?<!\bguilty\s)(?<!\bcourt\s)"
    rf"(?<!\bcase\s)(?<!\bjailed\s)(?<!\bfined\s)(?<!\bquizzed\s)(?<!\bprotest\s)"
    rf"(?<!\bclash\s)(?<!\bstrike\s)(?<!\binquiry\s)(?<!\bdock\s)"
    rf"\b(?P<qual>{_QUALIFIERS})\s+)?"
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month1>{_MONTH})\b\.?(?:\s+(?P<year1>\d{{4}}))?"
    rf"|\b(?P<month2>{_MONTH})\b\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|\b(?P<month3>{_MONTH})\s+(?P<year3>\d{{4}})\b"
    # a score or a vote, one quantity: "2-1", "voted 21-17" (not "12-14 March", "10-15%")
    # (nor a range of a unit: "6-8 weeks", "10-15 people")
    rf"|(?<![\d.,-])(?P<score>\d{{1,3}}-\d{{1,3}})(?![\d-]|[.,]\d|\s?%|\s+(?:{_MONTH}|{_RANGED})\b)"
    # a time of day: "07:15", "at 18:00" (not the hour alone)
    # (a colon after it ends a heading: "Update, 09:40: ...")
    r"|(?<![\d:])(?P<clock>[012]?\d[:.][0-5]\d)(?P<ampm>\s?(?:[ap]\.m\.|[ap]m\b))?(?!\d|:\d)(?=\D|$)"
    rf"(?(ampm)|(?<=:\d\d))"
    # an hour and am/pm: "9pm", "11 a.m." (as 09:00pm, 11:00am)
    r"|(?<![\d:.,])(?P<hour>1[012]|0?[1-9])\s?(?P<hampm>[ap]\.m\.|[ap]m\b)"
    # (not digits in a name, glued to a Latin letter before them, nor what follows those:
    # "G7", "MP3", "A380", "PM2.5"; in Chinese or Japanese a number follows a character)
    # a ratio, one quantity: "one in four pupils", "3 out of 10" (not "5 in 2019")
    rf"|(?<![\w.,])(?P<ratio>(?P<ra>\d{{1,3}}|{_WORD_NUMBER})\s+(?:in|out\s+of)\s+(?:every\s+)?"
    rf"(?P<rb>\d{{1,3}}|{_WORD_NUMBER}))\b(?![,.]\d)"
    # (thousands grouped by spaces, "10 000", are one number)
    # (a currency's letters glued to an amount count only before what reads as money:
    # "RM50,000", "KSh 2.5m", "N1,100", "P2.4-billion", "R38 million"; not "G7", "A380")
    rf"|(?:(?P<cur>[£$€¥])|(?<![A-Za-z\d])(?-i:(?P<code>{_CODES_LONG})\s?"
    rf"(?={_MONEY_AFTER}|\d+\.\d)|(?P<code1>{_CODES_SHORT})(?={_MONEY_AFTER})))?"
    rf"(?(code)|(?(code1)|(?<![A-Za-z\d])))(?<!\d[.,])"
    # (with a plain space only before a word in lower case: "10 000 visitors", not "400 737
    # Max jets", "74 100%")
    rf"(?P<num>\d{{1,3}}(?:[\u00a0\u2009\u202f]\d{{3}})+(?![\d,.]\d)"
    rf"|\d{{1,3}}(?: \d{{3}})+(?=\s+(?-i:[a-z]))|{_DIGITS})"
    rf"(?P<ord>st|nd|rd|th)?"
    rf"(?:(?:\s|-(?=[mbt]illion\b))?"
    rf"(?P<scale>thousand|million|billion|trillion|bn|mn|tn|mil|m|k|lakhs?|crores?)\b)?"
    # a unit of measure after the number: "80mph", "12 km", "40kg" (in the span and the key:
    # "80mph" -> "80 mph" is the same quantity, "80mph" -> "80km/h" another)
    r"(?:\s?(?P<measure>mph|kph|km/h|kmh|km|kg|cm|mm|ft|lbs?|kwh|mw|gw)\b"
    r"|\s(?P<unitword>inch(?:es)?|feet|foot|miles?|(?:centi|milli|kilo)?(?:metres?|meters?)|yards?|"
    r"tonnes?|tons?|"
    r"gallons?|litres?|liters?|acres?|hectares?|degrees)\b)?"
    # a currency named after the number: "549 euros" is "€549"
    r"(?:\s(?P<curword>euros?|dollars?|yen)\b)?"
    rf"(?P<pct>\s?%|\s(?:per\s?cent|percent)\b)?"
    rf"|\b(?P<vague>several\s+(?:dozen|hundred|thousand|million)"
    rf"|(?:(?:tens|hundreds)\s+of\s+)?(?:{_VAGUE_WORDS}))\b"
    rf"|\b(?P<weekday>{_WEEKDAYS})\b"
    rf"|\b(?P<word>(?:{_WORD_NUMBER})(?:-(?:{_WORD_NUMBER}))?)\b"
    rf"(?:\s(?P<wscale>hundred|thousand|million|billion)\b)?(?P<wpct>\s(?:per\s?cent|percent)\b)?"
    rf"(?P<times>\stimes\b)?)",
    re.IGNORECASE,
)
# Lone months, ordinal words and "twice": searched apart from _NUMBER_RE (in the few texts
# that hold one), which they would make slower everywhere.
_WORDS_PATTERN = (
    rf"(?:(?P<lonemonth>{'|'.join(_LONE_MONTHS)})"
    rf"|(?P<ordinal>(?i:{'|'.join(_ORDINALS)}))|(?P<twice>(?i:{'|'.join(_TIMES)}))"
    rf"|(?P<named>(?i:{'|'.join(_NAMED_TIMES)})))\b"
)
# (their first letters checked first: the same matches, fewer alternatives tried)
_WORDS_FIRSTS = "".join(sorted({w[0] for w in _LONE_MONTHS}))
_WORD_FIRSTS = "".join(sorted({w[0] for w in [*_ORDINALS, *_TIMES, *_NAMED_TIMES]}))
_WORDS_RE = re.compile(rf"\b(?=[{_WORDS_FIRSTS}]|(?i:[{_WORD_FIRSTS}])){_WORDS_PATTERN}")
_NOT_COUNT = re.compile(
    r"\b(?:no|any|some|every|each|the|this|that|which|no-|every)\s*one\b"
    # a pronoun after an adjective: "draw a new one", "the old one", "a bigger one"
    r"|\ban?\s+[a-z]+\s+one\b(?!\s+(?:of|in|to|per|percent|%))"
    # a partitive, not a count: "one of its engines", "one of the study's authors"
    r"|\bone\s+of\s+(?:the|its|his|her|their|our|your|my|these|those|them|us)\b"
    # an idiom: "taught under one roof"
    r"|\bunder\s+one\s+roof\b"
    r"|(?<!\bleast\s)(?<!\bthan\s)(?<!\bonly\s)(?<!\bjust\s)\bone\s+(?:another|day|of\s+the\s+(?:most|best|worst|biggest|largest)|thing|way|hand|"
    r"time|point|must|should|can|could|would|might|resident|witness|source|official|neighbour|"
    r"man|woman|person|insider|observer|analyst|expert|onlooker|fan|passenger|driver|customer|"
    r"shopper|parent|teacher|student|worker|employee|member|aide|diplomat)\b",
    re.I,
)


_DIGIT = re.compile(r"\d")
# Fractions: "a third", "two-thirds", "almost half", "three quarters". A third or a quarter
# needs its count ("the third day" is an ordinal); "half" stands alone ("half the staff"), but
# not as a part of a match or a day ("the second half", "half-time").
_FRACTIONS = {"half": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25, "quarters": 0.25}
_FRACTION_COUNTS = {"": 1.0, "a": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}
_FRACTION_RE = re.compile(
    rf"\b(?:(?P<qual>{_QUALIFIERS})\s+)?(?:(?P<count>an?|one|two|three)[\s-]+)?"
    r"(?<!\bfirst\s)(?<!\bsecond\s)(?<!\bother\s)(?<!\bthe\s)(?<!\bthis\s)(?<!\bthat\s)"
    r"(?P<part>half|thirds?|quarters?)"
    # "half a million", "a quarter of a million": one number
    r"(?:\s+(?:of\s+)?an?\s+(?P<scale>dozen|hundred|thousand|million|billion))?\b(?!-)",
    re.IGNORECASE,
)
# After "a third", a word that goes on with a fraction ("a third of", "a third
# more", "a third voted"); before any other lower-case word it is an ordinal ("a third
# patient", "a second lorry driver").
_AFTER_FRACTION = re.compile(
    r"\s+(?!(?:of|more|less|fewer|higher|lower|bigger|smaller|larger|than|as|in|on|at|by|from|"
    r"to|and|or|but|were|was|are|is|have|had|has|said|say|says|will|would|could|may|voted|"
    r"since|after|before|over|during|for|with|within|among|across|against|compared|this|last|"
    r"each|per|overall|while|when|where|so|yet|though|although|because|now|already|again|"
    r"only|just)\b)"
    r"[a-z]"
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a text: ``key`` is what must be equal for two to be the same
    quantity (qualifier, value and unit), ``value`` its numeric value when it has one."""

    start: int
    end: int
    text: str
    value: float | None
    unit: str
    qualifier: str

    @property
    def key(self) -> tuple[str, float | str | None, str]:
        return (self.qualifier, self.value, self.unit)


def _to_float(digits: str) -> float | None:
    """``1,200.5`` -> 1200.5 (commas as thousands separators, or a decimal comma when the
    number reads so: ``3,5``); digits of any script."""
    plain = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in digits)
    if not plain.isascii() or " " in plain:  # "10 000", with any kind of space
        plain = "".join(plain.split()).replace("\u202f", "")
    if "," in plain and "." not in plain:
        head, _, tail = plain.rpartition(",")
        plain = plain.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    else:
        plain = plain.replace(",", "")
    try:
        return float(plain)
    except ValueError:
        return None


def quantities(text: str, words: bool = True) -> list[Quantity]:
    """The quantities of ``text`` in order. ``words=False`` leaves out lone months, ordinal
    words and "twice" (:data:`_WORDS_RE`): a caller comparing two texts in none of whose
    changed words they stand saves looking for them (they would be found alike on both sides)."""
    lowered = text.lower()
    out = _numbers(text, lowered, words)
    if "half" in lowered or "third" in lowered or "quarter" in lowered:
        out = _with_fractions(text, out)
    return out


def _with_fractions(text: str, found: list[Quantity]) -> list[Quantity]:
    """``found`` with the fractions of ``text`` (:data:`_FRACTION_RE`) in place of the counts
    they hold ("three" of "three quarters")."""
    fractions: list[Quantity] = []
    for m in _FRACTION_RE.finditer(text):
        count = (m.group("count") or "").lower()
        part = _ascii_folded(m.group("part")).lower()  # "quarterſ" matches as "quarters"
        if (
            part != "half"
            and not count
            and not (m.start() == 0 and text.startswith(" of ", m.end()))
        ):
            continue  # (a headline's "Quarter of renters ...": a count at its start)
        if part == "third" and _AFTER_FRACTION.match(text, m.end()):
            continue  # an ordinal: "a third patient" (found as one, with the words)
        value = _FRACTION_COUNTS.get(count, 1.0) * _FRACTIONS[part]
        if m.group("scale"):
            scale = _ascii_folded(m.group("scale")).lower()
            value *= 12.0 if scale == "dozen" else _scale(scale)
            qual = _qualifier(m)
            fractions.append(Quantity(m.start(), m.end(), m.group(0), value, "", qual))
            continue
        qual = _qualifier(m)
        fractions.append(Quantity(m.start(), m.end(), m.group(0), value, "fraction", qual))
    if not fractions:
        return found
    kept = [q for q in found if not any(f.start < q.end and q.start < f.end for f in fractions)]
    return sorted([*kept, *fractions], key=lambda q: q.start)


def _ascii_folded(word: str) -> str:
    """A word as the pattern matched it, in ASCII: re's case folding matches "ı", "İ", "ſ"
    and the Kelvin sign to "i", "s" and "k" too ("2.3 bıllıon", "thırd")."""
    if not word.isascii():
        for odd, letter in _FOLDS_TO_ASCII:
            word = word.replace(odd, letter)
    return word


def _scale(word: str) -> float:
    """The factor of a scale word as the pattern matched it (:func:`_ascii_folded`)."""
    return _SCALES.get(_ascii_folded(word).lower(), 1.0)


def _qualifier(m: re.Match[str]) -> str:
    return (m.group("qual") or "").lower().replace(" then", " than")


# Words looked for anywhere, as ``word in text`` does (a trie of them searched once is
# faster than ``in`` for each).
_WORDY_IN = re.compile(_trie("|".join(_WORDY)))
_LONE_MONTH_IN = re.compile(_trie("|".join(_LONE_MONTHS)))
_NUMBER_WORD_IN = re.compile(_trie("|".join(NUMBER_WORDS)))
_WEEKDAY_IN = re.compile(_trie("|".join(_WEEKDAY_NAMES)))
_VAGUE_IN = re.compile(_trie(_VAGUE_WORDS))


def _numbers(text: str, lowered: str, find_words: bool) -> list[Quantity]:
    find_words = find_words and (
        _WORDY_IN.search(lowered) is not None or _LONE_MONTH_IN.search(text) is not None
    )
    main = (
        _DIGIT.search(text) is not None
        or _NUMBER_WORD_IN.search(lowered) is not None
        or _VAGUE_IN.search(lowered) is not None
        or _WEEKDAY_IN.search(text) is not None
    )
    if not main and not find_words:
        return []
    excluded = [m.span() for m in _NOT_COUNT.finditer(text)] if "one" in lowered else []
    out: list[Quantity] = []
    for m in _NUMBER_RE.finditer(text) if main else ():
        start, end = m.span()
        if any(a <= start < b or a < end <= b for a, b in excluded):
            continue
        qual = _qualifier(m)
        if m.group("vague") is not None:
            vague = " ".join(_ascii_folded(m.group("vague")).lower().split())
            out.append(Quantity(start, end, m.group(0), _VAGUE[vague], "vague", qual))
        elif m.group("clock") is not None:
            hour, _, minute = m.group("clock").replace(".", ":").partition(":")
            unit = _clock(hour, minute, m.group("ampm"))
            out.append(Quantity(start, end, m.group(0), None, unit, qual))
        elif m.group("ratio") is not None:
            a, b = _count(m.group("ra")), _count(m.group("rb"))
            if not a or not b:
                continue
            out.append(Quantity(start, end, m.group(0), a / b, "fraction", qual))
        elif m.group("hour") is not None:
            unit = _clock(m.group("hour"), "00", m.group("hampm"))
            out.append(Quantity(start, end, m.group(0), None, unit, qual))
        elif m.group("score") is not None:
            out.append(Quantity(start, end, m.group(0), None, "score:" + m.group("score"), qual))
        elif m.group("num") is not None:
            if m.group("num") == "10" and _NO_TEN.search(text, max(0, start - 8), m.start("num")):
                continue  # "No 10": Downing Street
            if not (m.group("cur") or m.group("pct") or m.group("scale") or m.group("ord")) and (
                _in_name(text, m.start("num"), m.end("num"))
            ):
                continue
            value = _to_float(m.group("num"))
            scale = m.group("scale") or ""
            if value is not None and scale:
                value *= _scale(scale)
            cur = (
                m.group("cur")
                or _CURRENCY_CODES.get(m.group("code") or m.group("code1") or "", "")
                or _CURRENCY_WORDS.get((m.group("curword") or "").lower(), "")
            )
            unit = cur + ("%" if m.group("pct") else "")
            unit += "th" if m.group("ord") else ""
            unit += _ascii_folded(m.group("measure") or "").lower()
            if m.group("unitword"):  # "8 inches": one unit, however it is spelt
                unit += _UNIT_WORDS.get(m.group("unitword").lower().rstrip("s"), "")
            out.append(Quantity(start, end, m.group(0), value, unit, qual))
        elif m.group("weekday") is not None:
            if m.group(0)[:1].isupper():  # a weekday: a date, compared only when it changes
                out.append(
                    Quantity(start, end, m.group(0), None, "weekday:" + m.group(0).lower(), "")
                )
        elif m.group("word") is not None:
            if m.group(0)[:1].isupper() and (
                before := _NAME_BEFORE.search(text, max(0, start - 40), start)
            ):
                if before.group(1) not in _NOT_NAMES:
                    continue  # a name's number: "Air Force One", "Formula One", "Channel Four"
            words = m.group("word").lower().split("-")
            value = sum(NUMBER_WORDS.get(w, 0.0) for w in words)
            if m.group("wscale"):
                value *= _SCALES.get(m.group("wscale").lower(), 100.0)
            unit = "%" if m.group("wpct") else "times" if m.group("times") else ""
            out.append(Quantity(start, end, m.group(0), value, unit, qual))
        else:
            month = (m.group("month1") or m.group("month2") or m.group("month3")).lower()[:3]
            day = m.group("day") or m.group("day2") or ""
            year = m.group("year1") or m.group("year2") or m.group("year3") or ""
            if month == "may" and not day and m.group("month3") is None:
                continue
            day_n = _to_float(day) if day else None
            stamp = f"{year}-{month}-{int(day_n) if day_n is not None else ''}"
            out.append(Quantity(start, end, m.group(0), None, "date:" + stamp, qual))
    if find_words:
        out = _with_words(text, out, excluded)
    return out


# A capitalised word inside a sentence (after a word or a comma, not opening it) with a number
# after it is a name: "BBC Radio 4's", "Apollo 11 crew", "Tier 3", "Route 9". Not a count
# after a name: a tally ("Bruins 5, Devils 1:"), a plural ("Ann Knight 12 points"), "1 goal",
# a table's row ("Kyle Busch 5040 5 1").
_NAME_BEFORE = re.compile(r"[\w,;:)’'\"”]\s+([A-Z][A-Za-z]+)\s$")
_COUNT_AFTER = re.compile(r"\s*[,:;]|\s+[a-z][\w'’-]*s\b|\s+\d")  # ...or a table's row
_NOT_NAMES = frozenset(
    [*(m.capitalize() for m in _MONTHS), *_WEEKDAY_NAMES]
    + "No Number About Around Nearly Almost Over Under Some Only Just".split()
    # currencies written as words: "Rs 300", "Dh 50"
    + "Rs Rp Dh Dhs Sh Ksh Tk Kr Ft Zl USD EUR GBP INR CHF JPY CNY AUD CAD NZD HKD".split()
)


_HALVES_NOUN = re.compile(r"\b(?:two|the|both|in|into|and)\s$", re.IGNORECASE)
_UNIT_WORDS = {"inch": "in", "inche": "in", "feet": "ft", "foot": "ft", "mile": "mi"}
_UNIT_WORDS |= {"metre": "metre", "meter": "metre", "yard": "yd", "tonne": "t", "ton": "ton"}
_UNIT_WORDS |= {"gallon": "gal", "litre": "l", "liter": "l", "acre": "acre", "hectare": "ha"}
_UNIT_WORDS |= {"degree": "deg", "centimetre": "cm", "centimeter": "cm", "millimetre": "mm"}
_UNIT_WORDS |= {"millimeter": "mm", "kilometre": "km", "kilometer": "km"}
_CURRENCY_WORDS = {"euro": "€", "euros": "€", "dollar": "$", "dollars": "$", "yen": "¥"}
# currencies by the letters glued to an amount: ringgit, Kenyan shilling, rand, naira, peso
_CURRENCY_CODES = {"RM": "RM", "KSh": "KSh", "Ksh": "KSh", "Sh": "KSh", "R": "R", "N": "₦"}
_CURRENCY_CODES |= {"P": "₱"}
#: a currency's letters, alone or glued to an amount, as plain_words gives them ("ksh", "rm50")
MONEY_WORD = re.compile(r"(?:ksh|sh|rm)$|(?:ksh|sh|rm|[rnp])\d")


def _count(word: str) -> float | None:
    """A small count in digits or words ("4", "four", "Four")."""
    if word[:1].isdigit():
        return _to_float(word)
    return NUMBER_WORDS.get(word.lower())


_NO_TEN = re.compile(r"\b(?:No\.?|Number) $")


def _clock(hour: str, minute: str, ampm: str | None) -> str:
    """A time of day's key, on the 24-hour clock: "9.05pm" and "21:05" are "time:21:05"."""
    h = int(hour)
    half = _ascii_folded(ampm or "").replace(".", "").strip().lower()
    if half == "pm" and h < 12:
        h += 12
    elif half == "am" and h == 12:
        h = 0
    return f"time:{h:02d}:{minute}"


_TICKER_END = re.compile(r"\.[A-Z]{1,2}\)")


def _in_name(text: str, start: int, end: int) -> bool:
    """Is the number ``text[start:end]`` part of a name ("Radio 4")? Not a year ("Christmas
    2019")."""
    if text[start - 1 : start] == "(" and _TICKER_END.match(text, end):
        return True  # a stock's code: "Kurobane Robotics (6871.T)", "(0700.HK)"
    if not text[start - 1 : start].isspace():
        return False
    m = _NAME_BEFORE.search(text, max(0, start - 40), start)
    if m is None or m.group(1) in _NOT_NAMES:
        return False
    digits = text[start:end]
    if len(digits) == 4 and digits[:2] in ("18", "19", "20"):
        return False
    if _COUNT_AFTER.match(text, end) or (digits == "1" and text[end : end + 2].startswith(" ")):
        return False
    return True


def _with_words(text: str, found: list[Quantity], excluded: list[Span]) -> list[Quantity]:
    """``found`` with the lone months, ordinal words and "twice" of ``text`` (:data:`_WORDS_RE`)
    that no quantity found holds ("May 2024" is one)."""
    added: list[Quantity] = []
    for m in _WORDS_RE.finditer(text):
        start, end = m.span()
        if any(q.start < end and start < q.end for q in found) or any(
            a <= start < b or a < end <= b for a, b in excluded
        ):
            continue
        qual = ""
        if m.group("lonemonth") is not None:
            at = m.start("lonemonth")
            if _BEFORE_MONTH.search(text, max(0, at - 24), at) is not None and (
                _NAME_AFTER.match(text, end) is None  # "to April Rees": a name
            ):
                month = m.group("lonemonth").lower()  # a date, compared only when it changes
                added.append(Quantity(start, end, m.group(0), None, "month:" + month, qual))
        elif m.group("ordinal") is not None:  # compared only when it changes
            value = _ORDINALS[_ascii_folded(m.group("ordinal")).lower()]
            added.append(Quantity(start, end, m.group(0), value, "ordinal:", qual))
        elif m.group("named") is not None:
            named = _NAMED_TIMES[_ascii_folded(m.group("named")).lower()]
            added.append(Quantity(start, end, m.group(0), None, f"time:{named}", qual))
        else:
            word = _ascii_folded(m.group("twice")).lower()
            if word == "doubled" and text.startswith(" down", end):
                continue  # "doubled down on": an idiom
            if word == "halves" and _HALVES_NOUN.search(text, max(0, start - 8), start):
                continue  # "the two halves": the noun
            factor = _TIMES[word]
            added.append(Quantity(start, end, m.group(0), factor, "times", qual))
    if not added:
        return found
    return sorted([*found, *added], key=lambda q: q.start)


# --- quotes ----------------------------------------------------------------------------------

# (a closing mark may open, the wrong way round, after a space: 'were ”dwindling.”')
_CLOSERS = {
    "“": '”"',
    "«": "»",
    "„": "“”",
    '"': '"”',
    "”": '”"',
    "‘": "’'",
    "'": "'’",
    "‹": "›",
    "「": "」",
}
_DOUBLE_OPEN = frozenset('“«„"「”')
_BEFORE_OPEN = frozenset(" \t([{—–-/:;,")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``start``/``end`` span the quoted words (inside the marks); ``closed`` is
    false for one left open at the paragraph's end."""

    start: int
    end: int
    text: str
    closed: bool

    @property
    def key(self) -> str:
        # The same words whatever the style of their apostrophes ("It's" / "It’s"): a
        # quotation retyped with typeset marks is the same quotation.
        text = _straight_quotes(self.text)
        if text.isascii():  # folding first finds the same words, folded
            return " ".join(ASCII_WORD_RE.findall(text.lower()))
        return " ".join(w.casefold() for w in word_list(text))


SINGLE_REACH = 400  # how far a closing single mark is looked for (apostrophes are common)
_SENTENCE_BEFORE = re.compile(r"(?:^|[.!?…]\s)$")  # a sentence's start just before
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


_CLOSER_RES = {c: re.compile(f"[{re.escape(closers)}]") for c, closers in _CLOSERS.items()}
_OPENER_RE = re.compile(f"[{re.escape(''.join(_CLOSERS))}]")


def _find_close(text: str, at: int, opener: str, single: bool) -> int:
    """Index of the mark closing a quotation opened (by ``opener``) before ``at``, or -1."""
    n = min(len(text), at + SINGLE_REACH) if single else len(text)
    for m in _CLOSER_RES[opener].finditer(text, at, n):
        if not single:
            return m.start()
        k = m.start()
        after = text[k + 1 : k + 2]
        before = text[k - 1 : k]
        # A single mark inside a word is an apostrophe (children's, rock 'n' roll).
        if not (after.isalpha() and before.isalpha()) and not after.isalnum():
            return k
    return -1


def quotes(text: str) -> list[Quote]:
    """The direct quotations of a paragraph (or headline), in order."""
    out: list[Quote] = []
    k = 0
    n = len(text)
    while k < n:
        found_mark = _OPENER_RE.search(text, k)
        if found_mark is None:
            break
        k = found_mark.start()
        c = text[k]
        if k > 0 and text[k - 1] not in _BEFORE_OPEN and c in "\"'‘”":
            k += 1
            continue
        single = c not in _DOUBLE_OPEN
        spaced = False  # a typeset opener with a space after it: “ bird fancier’s lung. ”
        if k + 1 >= n or text[k + 1].isspace():
            # (a straight mark too, after a space: 'he told Cook. " You guys ...'; a
            # closing one after a space was taken with its opening one already)
            if (
                c not in "“«"
                and not (c == '"' and (k == 0 or text[k - 1] == " "))
                or k > 0
                and text[k - 1] not in _BEFORE_OPEN
                or not text[k + 1 :].strip()
            ):
                k += 1
                continue
            spaced = True
        close = _find_close(text, k + 1, c, single)
        # (a spaced mark opens only a quotation it closes, or a straight one opening a
        # sentence: 'Taylor wrote. " The course ...' goes on in the next paragraph)
        if close < 0 and spaced and not (c == '"' and _SENTENCE_BEFORE.search(text, 0, k)):
            k += 1
            continue
        if close < 0:
            if single:
                k += 1
                continue
            # Left open: at the paragraph's start it goes on in the next paragraph (it runs
            # to the end); elsewhere it is taken to end with its sentence.
            end = n
            if text[:k].strip():
                found = _SENTENCE_END.search(text, k + 1)
                end = found.end() if found else n
            inner = text[k + 1 : end].rstrip()
            lead = len(inner) - len(inner.lstrip()) if spaced else 0
            inner = inner[lead:]
            if inner and any(ch.isalnum() for ch in inner):
                out.append(Quote(k + 1 + lead, k + 1 + lead + len(inner), inner, False))
            k = max(end, k + 1)
            continue
        inner = text[k + 1 : close]
        if any(ch.isalnum() for ch in inner):
            if spaced:  # (the quoted words without the spaces inside the marks)
                lead = len(inner) - len(inner.lstrip())
                inner = inner.strip()
                out.append(Quote(k + 1 + lead, k + 1 + lead + len(inner), inner, True))
            else:
                out.append(Quote(k + 1, close, inner, True))
        k = close + 1
    return out


# --- attributions ------------------------------------------------------------------------------

_SAYING = (
    "said|says|say|told|tells|added|adds|claimed|claims|confirmed|confirms|warned|warns|"
    "insisted|insists|denied|denies|admitted|admits|stated|states|explained|explains|argued|"
    "argues|noted|notes|wrote|writes|tweeted|urged|urges|allege|alleges|declared|declares|"
    # (and how it was said: "Dempsey stressed", "..., she cautioned"; not "commented" or
    # "replied", as often negated as not ("has not commented"), nor "emphasizes playability")
    "stressed|emphasised|emphasized|cautioned|remarked|reiterated|reiterates"
)
_FINDING = (  # reporting verbs only before "that"
    "announced|announces|revealed|reveals|reported|reports|suggested|suggests|acknowledged|"
    "predicted|predicts|"
    "acknowledges|concluded|concludes|estimated|estimates|believes|believe|found|finds|"
    # a court's or a panel's finding: "The Court of Appeal ruled that ..." (not "ruled out")
    "ruled|rules|alleged|testifying|"
    # "the court heard that ..." (not "the court heard arguments")
    "heard|"
    # a court's remark: "the bench observed that ..."
    "observed|observes"
)
# "X testified that ...", "..., X testified."; not an appearance ("testified before the
# committee", "testified against him")
_TESTIFIED = r"testifie[sd](?!\s+(?:before|in\s+front|at|to|on\s+behalf|for|against)\b)"


# (a weekday may stand before "that", US style: "announced Tuesday that")
_DAY_THAT = (
    # (and a court's vote: "ruled 5-2 on Monday that")
    r"\s+(?:\d{1,2}-\d{1,2}\s+)?(?:(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+)?"
    r"that\b"
)
# "added" before an amount is no reporting verb: "employers added 143,000 jobs"
# "added" before an amount is no reporting verb: "employers added 143,000 jobs" (the lookahead
# on the "add" words alone: before the whole alternation it would be tried at every place)
_ADDED = (
    r"add(?:ed|s)(?!\s+(?:(?:about|around|nearly|almost|over|some|another|more\s+than|up\s+to|"
    r"an?\s+(?:extra|additional|further|estimated|record|net))\s+)?[\d£$€])"
)
_SAYING_BUT_ADDED = "|".join(w for w in _SAYING.split("|") if w not in ("added", "adds"))
# a post on a platform ("posted on X that", "posted on Facebook:"), and a question's "asked"
# after a quotation ('"Where was the council?" asked Sarah Denholm'; not "a letter posted on X")
_PLATFORM = (
    r"\s+(?:on|to)\s+(?:X|Twitter|Facebook|Instagram|LinkedIn|Threads|Bluesky|TikTok|"
    r"social\s+media)\b"
)
_QUOTED_ASKED = r"asked(?<=[\"”’']\sasked)"
_POSTED_ASKED = (
    r"posted(?<!\bletter\sposted)(?<!\bvideo\sposted)(?<!\bmessage\sposted)"
    r"(?<!\bstatement\sposted)(?<!\bphoto\sposted)(?<!\bimage\sposted)(?<!\bclip\sposted)"
    rf"(?<!\bpost\sposted)(?={_PLATFORM})|{_QUOTED_ASKED}"
)
# "Gleckman, a senior fellow at ..., has written." (not "a letter written by")
_HAS_WRITTEN = r"written(?<=\shas\swritten)|written(?<=\shave\swritten)"
# "Bergeron chimed in, noting that ...", "Benioff weighed in, telling Cook"
_CHIMED_IN = r"(?:chimed|weighed)\s+in\b"
_VERBS = (
    f"(?:{_trie(_SAYING_BUT_ADDED)})|{_ADDED}|(?:{_trie(_FINDING)})(?={_DAY_THAT})|{_TESTIFIED}"
    f"|{_HAS_WRITTEN}|{_CHIMED_IN}"
    f"|{_POSTED_ASKED}"
)
_TITLE = (
    r"(?i:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|Rev|Sgt|Insp|Det|Supt|Cllr|Gen|Col|Capt|"
    r"President|Judge|Justice)\.?"
)


def _name(runs: str = "") -> str:
    """A capitalised name ("Mr Smith", "Heather Brown", "Home Office"); a title in lower case
    ("cllr") is left out of it. Kept to simple character classes: an alternation tried at
    every position is what makes such patterns slow. ``runs="+"`` makes its runs of word
    characters possessive (see ``_SOURCE_FIRST``)."""
    cap = rf"[A-Z\u00c0-\u024f][\w'’.\-&]*{runs}"  # ("PG&E", "AT&T")
    return rf"{cap}(?:\s+(?:(?:de|van|von|der|da|di|al|bin|el|la|le)\s+)?{cap}){{0,3}}"


_NAME = _name()
_HEADS = (
    "spokesman|spokeswoman|spokesperson|spokespeople|source|sources|official|officials|"
    "gardaí|gardai|jury|coroner|tribunal|"
    "insider|insiders|aide|aides|witness|witnesses|police|officer|officers|investigators|"
    "inspectors|"
    "prosecutors|authorities|researchers|experts|analysts|doctor|doctors|residents|neighbours|"
    "lawyer|lawyers|attorney|attorneys|solicitor|solicitors|barrister|counsel|"
    "minister|ministers|government|council|company|firm|report|statement|"
    "study|survey|figures|data|ministry|department|agency|court|judge|committee|board|"
    "union|charity|hospital|trust|school|family|relatives|friends|campaigners|critics|"
    "colleague|colleagues|person|people|diplomat|diplomats|executive|executives|memo|"
    "document|documents|letter|email|emails|filing|papers|poll|analysis|records|briefing|"
    "audit|review|inquiry|investigation|regulator|watchdog|engineers|scientists|lawmakers|"
    "resident|neighbour|worker|workers|nurse|nurses|teacher|teachers|parent|parents|student|"
    "students|passenger|passengers|driver|drivers|fan|fans|eyewitness|onlooker|member|members|"
    "employee|employees|staff|office|"
    # relatives, named by whose relatives they are ("said Ada Lee's father, Tom")
    "mother|father|wife|husband|son|daughter|brother|sister|partner|widow|widower|"
    "grandmother|grandfather|aunt|uncle|cousin|niece|nephew|girlfriend|boyfriend|"
    "economist|economists|forecasters|pollster|pollsters|media|"
    # bodies by their kind ("the companies announced on Friday", "the club said")
    "companies|firms|club|clubs|bank|banks|airline|utility|operator|party|"
    "campaign|association|federation|league|organisation|organization"
)
_DETERMINER_WORDS = (
    "a|an|the|one|two|three|several|some|many|senior|other|another|its|their|his|her"
)
_DETERMINERS = _trie(_DETERMINER_WORDS)
_LINKS = r"(?:for|from|at|of|close\s+to|in|into|on|about|with|within|familiar\s+with|representing)"
# Words a noun phrase before a verb never holds (so "Staff were not told" is no source).
_VERBAL_WORDS = (
    "is|are|was|were|be|been|being|has|have|had|will|would|may|might|could|can|not|also|"
    "and|but|who|which|that|it|he|she|they|we|did|does|do"
)
_VERBAL = f"(?i:{_trie(_VERBAL_WORDS)})"


def _noun_phrase(runs: str = "") -> str:
    """A noun phrase that can name a source ("the regulator", "a spokesman for the firm");
    ``runs="+"`` as for :func:`_name`."""
    return (
        rf"(?:(?i:{_DETERMINERS})\s+)?(?:(?!{_VERBAL}\b)[\w'’-]+{runs}\s+){{0,2}}?"
        rf"(?!{_VERBAL}\b)[A-Za-z][\w'’-]*{runs}\b"
        # ("a lawyer representing the woman")
        r"(?:\s+(?:for|from|at|of|close\s+to|in|into|on|about|with|within|familiar\s+with|"
        r"representing)\s+"
        rf"(?:the\s+)?[\w'’-]+{runs}(?:\s+[\w'’-]+{runs}){{0,3}}?)?"
    )


_NP = _noun_phrase()
_NP_GREEDY = (
    rf"(?:(?i:{_DETERMINERS})\s+)?(?:(?!{_LINKS}\b|{_VERBAL}\b)[\w'’-]+\s+){{0,2}}"
    # (a name of several words last: "the passenger group Fair Fares")
    rf"(?!{_LINKS}\b|{_VERBAL}\b)(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,2}}|[A-Za-z][\w'’-]*)\b"
    # "figures from the Office for Regional Statistics": of/for/and inside a name
    rf"(?:\s+{_LINKS}\s+(?:the\s+)?[\w'’-]+(?:\s+(?:(?:of|for|and)\s+)?[A-Z][\w'’-]*){{0,3}})?"
)
HEAD_SET = frozenset(_HEADS.split("|"))  # words that head a source's noun phrase
_AUX = (
    r"(?:\s+(?:has|have|had|will|would|may|might|could|can|also|later|then|previously|earlier|"
    r"not|yet|already|reportedly|publicly|today|yesterday|repeatedly|once|again|"
    r"(?:is|are|was|were)\s+(?:not\s+)?(?:expected|set|due|likely|understood|believed|thought|"
    r"going)\s+to)){0,4}"
)
_WHO = rf"\b(?=\w)(?P<who>{_NAME}|{_NP})"  # tried at word starts only: much faster
# "X said", the pattern tried at most places, with possessive runs of word characters (they
# never give back a character, which saves most of its backtracking). The same matches: there
# a name or noun phrase is followed by a comma or a space, and a run cut short would be
# followed by another character of the run.
_SOURCE_FIRST = (
    rf"\b(?=\w)(?P<who>{_name('+')}|{_noun_phrase('+')})"
    # (a clause between commas: "officials, who asked not to be named, said"; not one that
    # coordinates: "Rain falls on Titan, but the poles are wetter, said ...")
    rf"(?:,(?!\d)(?!\s(?:but|and|or|yet|so|while|though|although|whereas)\s)"
    rf"(?:[^,]|,\d){{1,120}},)?{_AUX}\s+(?:{_VERBS})\b"
)
# A name opening its sentence with two or three clauses before the verb: "Mr Dunne, 58, who has
# run the shop for 20 years, said", "Ann Lee, 59, a baker, who ..., said" (a short one first, no
# quotation in any; not "..., vice president at Boeing Defense, Space, and Security, said",
# whose name stands inside a clause).
_NAME_TWO_CLAUSES = (
    # (no clause adds a name: "Kurt Volker, the former envoy, and Tim Morrison, ..., testified"
    # is two people; "..., and co-author of the study, said" is one)
    rf"(?:^|(?<=[.;:!?\"”’]\s))(?P<who>{_NAME}),\s[^,\"“”]{{1,80}},"
    rf"(?:(?!\s(?:and|or|but)\s+[A-Z])\s[^,\"“”]{{1,40}},)?"
    rf"(?!\s(?:and|or|but)\s+[A-Z])\s[^,\"“”]{{1,80}},{_AUX}\s+(?:{_VERBS})\b"
)
# (single words between the commas: "Ann Lee, Tom Dyer and Ola Brandt said" is three people)
_CAPITAL = r"[A-Z][\w'’.&-]*"
_ORG_LIST = (
    rf"(?:^|(?<=[,;:]\s))(?:[Tt]he\s+)?(?P<who>{_CAPITAL}(?:\s+(?:(?:for|of|and|&)\s+)?{_CAPITAL})"
    rf"{{0,4}}(?:,\s+{_CAPITAL}){{1,3}},?\s+(?:and|&)\s+{_CAPITAL}"
    rf"(?:\s+{_CAPITAL}){{0,3}}){_AUX}\s+(?:{_VERBS})\b"
)
# Abbreviated titles: their full stop does not end a name ("said Lt. Col. Ada Lund").
_ABBREVIATIONS = (
    "Capt Col Gen Lt Sgt Maj Adm Cmdr Cdr Gov Sen Rep Supt Insp Det Rev Dr Mr Mrs Ms Prof"
)
_NOT_AFTER_ABBREVIATION = "".join(rf"(?<!\b{a})" for a in _ABBREVIATIONS.split())
# After an inverted "..., said X": the sentence ends or goes on with a clause, not a verb; a
# closing single mark is no apostrophe ("said Ada Lee’s father": not "Ada Lee").
_INVERTED_END = (
    rf"{_NOT_AFTER_ABBREVIATION}(?=\s*(?:[,.;:!?\"”)]|’(?![a-z])|$|\s(?:on|in|at|of|from|"
    r"yesterday|today|last|this|who|after|when|as|earlier|later|before)\b))"
)
# The verb of an inverted "..., said X": not "told" (", told the Gazette.", "told supporters:"
# name who heard it).
_INVERTED_VERB = rf"(?!told\b|tells\b)(?:{_VERBS})"
# (the role may open with its body's name: "said Dunford manager Paul Grieve")
# (or with two or three words of its body's name: "said Pelican Securities analyst Daryl Koh")
_ROLE_NAME = (
    rf"(?P<who>(?:(?:the\s+|[A-Z][\w'’&-]*\s+(?:[A-Z][\w'’&-]*\s+){{0,2}})?"
    rf"(?:[a-z][\w'’-]*\s+){{1,3}})?{_NAME})"
)


_LOWER_WORDS = r"[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*)?"
# ...and where they are: "sources in the Rukban camp"
_LOWER_AT = rf"(?:\s+(?:in|at|from|close\s+to)\s+(?:the\s+)?(?:{_NAME}\s+)?[a-z][\w'’-]*)?"
# Who can announce or report: a noun phrase headed by a source's word ("the regulator", "its
# owners") or by a word for people who do something ("organisers", "investigators"); not "a
# deal announced at ...".
_AGENT = (
    rf"(?:(?i:{_DETERMINERS})\s+)?(?:[\w'’-]+\s+){{0,2}}?"
    rf"(?:(?:{_trie(_HEADS)})|[a-z][\w'’-]*(?:ers|ors|ists|ians|ants|ents))\b"
)


class _Rule(NamedTuple):
    """One pattern of :func:`attributions`. ``hint(text, lo, hi)`` is false only where the
    pattern cannot match in ``text[lo:hi]`` (it is checked first, for a fraction of the cost);
    ``verb_last``: every match ends with a reporting verb after a space."""

    pattern: re.Pattern[str]
    hint: Callable[[str, int, int], bool] | None = None
    verb_last: bool = False


def _holds(pattern: str) -> Callable[[str, int, int], bool]:
    """A hint: ``pattern`` is found in the window."""
    search = re.compile(pattern).search
    return lambda text, lo, hi: search(text, lo, hi) is not None


def _finds(word: str) -> Callable[[str, int, int], bool]:
    """A hint: the plain string ``word`` is found in the window (as fast as a hint can be)."""
    return lambda text, lo, hi: text.find(word, lo, hi) >= 0


def _holds_after_space(word: str, rest: str) -> Callable[[str, int, int], bool]:
    """A hint: ``\\s{word}{rest}`` is found in the window (``word`` a plain word). Searched
    as ``{word}(?<=\\s{word}){rest}`` from one place in (so that the space stands in the
    window): re then looks for the word's letters, not tries the pattern at every space
    (three to five times faster). ``\\s+`` before the word finds the same (one space before it
    is enough)."""
    search = re.compile(rf"{word}(?<=\s{word}){rest}").search
    return lambda text, lo, hi: search(text, lo + 1, hi) is not None


# A comma or a closing mark before the verb: "...,” said X", and "...,' said X" with a straight
# single mark (a possessive "members' say" is tried too, and _source() turns its words down).
_MARK_VERB = re.compile(rf"[,\"”’']\s*(?:{_VERBS})\s")
_START_VERB = re.compile(rf"\s*(?:{_VERBS})\s")


def _verb_after_mark(text: str, lo: int, hi: int) -> bool:
    """A hint: a reporting verb after a comma or closing quote, or opening the text."""
    return _MARK_VERB.search(text, lo, hi) is not None or (
        lo == 0 and _START_VERB.match(text, 0, hi) is not None
    )


_AND_VERB = _holds(rf"and\s+(?:{_VERBS})\b")
# A document or body whose finding ends its clause, with no "that": ", court records show.",
# ", a leaked report suggests." With an object after it ("the figures show a rise") the verb
# states the sentence's claim and names no source, as "show that" does not either.
_CLOSING_FINDS = (
    "show|shows|showed|shown|suggest|suggests|suggested|found|finds|reveal|reveals|revealed|"
    "indicate|indicates|indicated|"
    # a projection closing its clause: ", the Election Board projected."
    "projected|projects|forecast|forecasts|predicted|predicts|estimated|estimates|"
    # an announcement or a report closing its clause: ", Reuters reported.", ", the club
    # announced." ("announced the winners" has an object: no source)
    "announced|announces|reported|reports|disclosed|discloses|"
    # a court's remark closing its clause: ", the bench observed.", ", the court heard."
    "observed|observes|heard"
)
_CLOSING_FIND = (
    rf"(?:{_trie(_CLOSING_FINDS)})"
    r"(?=\s*(?:[.;!?]|$)|,\s+(?:citing|adding|according|saying)\b)"  # ", citing ..." goes on
)
# ...or goes on only with where or when: ", the club announced on Twitter.", ", Superintendent
# Karen Liu announced at the board meeting." (after a comma: "Cases reported in May rose" is
# no source)
_VENUE = (
    r"\s+(?:on|at(?!\s+(?:least|most)\b)|in|via|through|during|yesterday|today|last|this|late|"
    # US style: ", the minister announced Tuesday."
    r"earlier|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"[^,;:.!?\"“”]{0,50}(?:[,.;!?]|$)"
)
_CLOSING_VENUE = rf"(?:{_trie(_CLOSING_FINDS)})(?={_VENUE})"
# Two rules below share it (asked once per window).
_CLOSING_HINT = _holds(rf"\s{_CLOSING_FIND}")
# What follows the name in _NAME_TWO_CLAUSES: its clauses, _AUX and the verb (searched from the
# commas only).
_TWO_CLAUSES_AFTER_NAME = (
    rf",\s[^,\"“”]{{1,80}},(?:(?!\s(?:and|or|but)\s+[A-Z])\s[^,\"“”]{{1,40}},)?"
    rf"(?!\s(?:and|or|but)\s+[A-Z])\s[^,\"“”]{{1,80}},{_AUX}\s+(?:{_VERBS})\b"
)
# The second of two sources before one verb, and the verb (the rule below).
_AND_SOURCE_VERB = _holds_after_space(
    "and", rf"\s+(?:the\s+)?(?:{_NAME}|{_LOWER_WORDS}{_LOWER_AT}){_AUX}\s+(?:{_VERBS})\b"
)
# The three rules of what papers, figures or investigators show or believe share one hint
# (asked once per window).
_SHOWS_HINT = _holds(r"\s(?:show|reveal|believe|suspect)")
# whom a coroner or the police identify or name
_THE_DEAD = (
    r"(?:him|her|them|the\s+(?:victim|victims|man|woman|boy|girl|driver|dead|deceased|child|"
    r"teenager|pedestrian|cyclist|motorcyclist|rider|passenger|body|two|three))\b"
)
# documents that speak for whoever wrote or filed them
_PAPERS = "papers|documents|records|filings|filing|minutes|transcripts|emails|files"
# "..., per the WHO, ...", "(per Reuters)"; "As Emily Feng reports for NPR, ...", "as first
# reported by the Gazette"
_PER = r"(?:(?<=[,(]\s)|(?<=\())per\s+(?=(?:the\s+)?[A-Z])"
# (as a cue, the verb: the scan for cues starts at the first word that could be one)
_AS_REPORTED = (
    r"\b(?:reported|revealed)\s+by\b"
    r"|\b(?:reports|reported|writes|wrote)(?=\s+(?:for|in)\s+[A-Z]|,)"
    # "CBS DFW reports the man ... was sentenced" (an outlet's report, no "that")
    r"|\b(?:reports|reported)\s+(?=(?:the|a|an)\s)"
)


def _CALLED_HINT(text: str, lo: int, hi: int) -> bool:  # noqa: N802
    """A hint: " called " or " described " (the rule of a name calling something what a
    quotation says)."""
    return text.find(" called ", lo, hi) >= 0 or text.find(" described ", lo, hi) >= 0


# "Corbyn is accused by critics of ...": who accuses
_ACCUSED_BY = re.compile(
    rf"\baccused\s+by\s+(?P<who>(?:the\s+)?{_NAME}|(?:(?:the|his|her|their|its)\s+)?"
    r"(?:[a-z][\w'’-]*\s+)?[a-z][\w'’-]*)\s+of\b"
)


def _REPORTS_THE(text: str, lo: int, hi: int) -> bool:  # noqa: N802
    """A hint: "reports the/a/an" or "reported the/a/an"."""
    return text.find("reports ", lo, hi) >= 0 or text.find("reported ", lo, hi) >= 0


# The rules after "according to" share one hint (asked once per window, a plain find).
_ACCORDING = _finds("ccording")


def _PER_HINT(text: str, lo: int, hi: int) -> bool:  # noqa: N802 (a hint, as the others)
    """A hint: "per" after a comma or an opening bracket (:data:`_PER`)."""
    return (
        text.find(", per ", lo, hi) >= 0
        or text.find("(per ", lo, hi) >= 0
        or (text.find("( per ", lo, hi) >= 0)
    )


_AS_AFTER_SPACE = _holds_after_space("as", r"\s+(?:first\s|reported\s|revealed\s|[A-Z])")


def _AS_HINT(text: str, lo: int, hi: int) -> bool:  # noqa: N802
    """A hint: "As ..." or "as" before a name or "first/reported/revealed" (the rule of
    "As Emily Feng reports for NPR", "as first reported by")."""
    return text.find("As ", lo, hi) >= 0 or _AS_AFTER_SPACE(text, lo, hi)


_ATTRIBUTION_RULES = (
    # "Her spokesman, Tom Avery, said": the name, not the role (a name holds no comma)
    _Rule(
        # ("their union, the Packaging Workers' Alliance, said": a body's name after "the")
        re.compile(
            rf"\b(?=\w)(?:{_NP}|{_NAME}),\s+(?:the\s+(?=[A-Z]))?(?P<who>{_NAME}),{_AUX}\s+"
            rf"(?:{_VERBS})\b"
        ),
        # what follows the role: a name between commas before the verb (searched from the
        # commas only, a literal re looks for fast)
        _holds(rf",\s+(?:the\s+(?=[A-Z]))?{_NAME},{_AUX}\s+(?:{_VERBS})\b"),
        True,
    ),
    # "the Competition and Markets Authority, which said on Tuesday that": a body, then its
    # relative clause's reporting verb
    _Rule(
        re.compile(
            rf"\b(?P<who>{_NAME}(?:\s+(?:and|&|of|for)\s+(?:the\s+)?{_NAME})*),\s+which\s+"
            rf"(?:(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+|also\s+|has\s+|had\s+)?"
            rf"(?:{_VERBS})\b"
        ),
        _holds(r",\s+which\s"),
    ),
    # "A spokesperson for Lanefield Fire and Rescue Service said": the body's whole name, "and"
    # in it (not the second of two sources), keyed as one who speaks for it
    _Rule(
        re.compile(
            r"\b(?P<who>(?:[Aa]n?|[Tt]he)\s+(?:spokesperson|spokesman|spokeswoman)\s+(?:for|at|from)"
            rf"\s+(?:the\s+)?{_NAME}(?:\s+(?:and|&|of|for)\s+(?:the\s+)?{_NAME})*){_AUX}\s+"
            rf"(?:{_VERBS})\b"
        ),
        _holds(r"spokes"),
        True,
    ),
    # "As both NBC News and Bloomberg have reported": the second (its match from "and", so
    # that the first's, from "As", does not take it; the rule after gives the first)
    _Rule(
        re.compile(
            rf"\band\s+(?P<who>{_NAME})(?=\s+(?:has\s+|have\s+)?"
            r"(?:reports|reported|writes|wrote|notes|noted)\b)"
        ),
        _AS_HINT,
    ),
    # "CBS DFW reports the man who took the child was sentenced": a name opening its sentence
    # that reports what follows (no "that")
    _Rule(
        # (and "..., after Politico reported the aid had been paused")
        re.compile(
            rf"(?:^|(?<=[.;:!?\"”]\s)|(?<=\bafter\s)|(?<=\bwhen\s)|(?<=\bas\s))(?P<who>{_NAME})\s+"
            # (a clause follows, not a result: "reported the aid had been paused", not
            # "Ridgeline Mining reported a 31 per cent fall in profit")
            r"(?:reports|reported)\s+(?=(?:the|a|an)\s+(?:[^\s.;]+\s+){0,9}?"
            r"(?:is|are|was|were|had|has|have|will|would|could|may|might)\b)"
        ),
        _REPORTS_THE,
    ),
    # "is accused by critics of failing to ...": the accusers (the accusation is a hedge)
    _Rule(_ACCUSED_BY, _finds("accused by ")),
    # "According to The Verge's review": whose review, report or figures they are
    _Rule(
        re.compile(
            r"\b[Aa]ccording\s+to\s+(?P<who>(?:[Tt]he\s+)?[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3})"
            r"['’]s?\s+(?:[\w-]+\s+){0,2}?(?:report|reports|reporting|review|analysis|study|survey|"
            r"poll|data|figures|count|tally|estimate|estimates|investigation|sources)\b"
        ),
        _ACCORDING,
    ),
    # "..., per the WHO, ...", "(per Reuters)": who gives it
    _Rule(
        re.compile(
            rf"{_PER}(?P<who>(?:the\s+)?{_NAME}(?:\s+(?:of|for)\s+(?:the\s+)?{_NAME})?)"
            r"(?=\s*[,.;:)]|$)"
        ),
        _PER_HINT,
    ),
    # "As Emily Feng reports for NPR, ...", "as first reported by the Gazette"
    _Rule(
        re.compile(
            # ("As both NBC News and Bloomberg have reported": the first, its match ending with
            # its name; the second above)
            rf"\b[Aa]s\s+(?:both\s+)?(?:(?P<who>{_NAME})(?=(?:\s+and\s+{_NAME})?"
            rf"\s+(?:has\s+|have\s+)?(?:reports|reported|writes|wrote|notes|noted)\b)"
            rf"|(?:first\s+)?(?:reported|revealed)\s+by\s+(?P<who2>(?:the\s+)?{_NAME}))"
        ),
        _AS_HINT,
    ),
    # "according to a report by the Rowntree Institute": the body whose work it is
    _Rule(
        re.compile(
            rf"\b[Aa]ccording\s+to\s+(?:(?:an?|the|its|their)\s+)?(?:[\w'’-]+\s+){{0,2}}?"
            rf"(?:report|reports|study|studies|survey|surveys|analysis|review|poll|audit|"
            rf"investigation|inquiry|figures|data|estimates|statistics)\s+"
            # "a poll of analysts by Sutlej Research", "a survey of 2,000 adults by Kell"
            rf"(?:of\s+(?:[\w,'’-]+\s+){{1,2}}?(?=(?:by|from|for)\s))?"
            # "figures released by the company", "figures from the tracking firm Boxline"
            rf"(?:(?:released|published|compiled|issued|provided)\s+)?(?:by|from|for)\s+"
            rf"(?:the\s+)?(?:"
            rf"(?:(?!(?:on|in|at|after|before|by|with|for|of|and)\b)[a-z][\w'’-]*\s+){{0,2}}"
            rf"(?P<who>{_NAME}(?:\s+(?:of|for|and)\s+(?:the\s+)?{_NAME}){{0,2}})"
            rf"|(?P<who2>(?:company|government|ministry|council|agency|department|club|firm|"
            rf"regulator|police|army|office|studio|league)\b))"
        ),
        _ACCORDING,
    ),
    # "according to the seismic monitoring agency QuakeWatch": the name after its kind
    _Rule(
        re.compile(
            rf"\b[Aa]ccording\s+to\s+(?:the\s+)?(?:[a-z][\w'’-]*\s+){{0,3}}"
            rf"(?:agency|group|firm|company|body|organisation|organization|charity|regulator|"
            rf"watchdog|union|association|institute|service|website|newspaper|broadcaster|"
            rf"consultancy|monitor)\s+(?P<who>{_NAME})"
        ),
        _ACCORDING,
    ),
    # "according to China's National Bureau of Statistics": "of" or "for" inside a name
    _Rule(
        re.compile(
            # ("according to Taliban spokesman Saifullah Wardak": a body, a role, a name)
            rf"\b[Aa]ccording\s+to\s+(?P<who>(?:[A-Z][\w'’&-]*\s+){{1,3}}(?:[a-z][\w'’-]*\s+){{1,2}}"
            rf"{_NAME}|{_NAME}(?:\s+(?:of|for)\s+(?:the\s+)?{_NAME})?|{_NP_GREEDY})"
        ),
        _ACCORDING,
    ),
    # "according to the Carrow Health Observatory and the UK Health Security Agency": the second
    _Rule(
        re.compile(
            rf"\b[Aa]ccording\s+to\s+(?:the\s+)?{_NAME}\s+and\s+(?:the\s+)?(?P<who>{_NAME})"
        ),
        _ACCORDING,
    ),
    # before "X said": "Ann Lee, 59, a baker, who ..., said" is Ann Lee, not "a baker"
    _Rule(re.compile(_NAME_TWO_CLAUSES), _holds(_TWO_CLAUSES_AFTER_NAME), True),
    # a body whose name holds commas and "and": "the Department for Environment, Food and
    # Rural Affairs said" (all of it, so that "Defra" can be known as the same body)
    _Rule(re.compile(_ORG_LIST), _holds(r",\s+[A-Z][\w'’.&-]*,?\s+(?:and|&)\s"), True),
    _Rule(re.compile(_SOURCE_FIRST), None, True),
    # "Joan Pryce called the decision "an act of vandalism"": a name that calls something
    # what a quotation right after says (not "police were called", "a man called Tom")
    _Rule(
        # (an appositive may stand between: "The Campaign for Fair Elections, a watchdog
        # group, called the stunt "..."", and "described it as "..."" is the same)
        re.compile(
            rf"\b(?P<who>{_NAME})(?:,\s[^,\"“”]{{1,40}},)?\s+(?:called|described\s+"
            rf"(?:[\w'’-]+\s+){{0,3}}?as)\s+(?:[\w'’-]+\s+){{0,4}}?[\"“‘']"
        ),
        _CALLED_HINT,
    ),
    # "No 10 said": Downing Street (a number is no name to the rule above)
    _Rule(
        re.compile(rf"\b(?P<who>(?:No\.?|Number)\s?10){_AUX}\s+(?:{_VERBS})\b"),
        _finds("10"),
        True,
    ),
    # "a manager who asked not to be named told the Echo": a relative clause, no commas
    _Rule(
        re.compile(
            rf"\b(?=\w)(?P<who>{_NP})\s+who\s+(?:(?!(?:he|she|they|it|that)\b)[^,.;:\"“”\s]+\s+)"
            rf"{{1,12}}?(?:{_VERBS})\b"
        ),
        # the clause and the verb after "who" (most texts holding "who" have no verb after it)
        _holds_after_space(
            "who", rf"\s+(?:(?!(?:he|she|they|it|that)\b)[^,.;:\"“”\s]+\s+){{1,12}}?(?:{_VERBS})\b"
        ),
        True,
    ),
    # "police and Network Rail said", "Ofsted and the council said": the first of two
    # sources before one verb (the second is found as "X said"); two capitalised names joined
    # by "and" are one name ("Devon and Cornwall Police", "Marks and Spencer")
    _Rule(
        re.compile(
            # (after "both": "and both independent analysts and sources in the camp told")
            rf"(?:^|[,;:]\s*|\b[Bb]oth\s+)(?:(?P<who>(?:[Tt]he\s+)?[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*)?)"
            rf"\s+and\s+(?:the\s+)?(?:{_NAME}|{_LOWER_WORDS}{_LOWER_AT})"
            rf"|(?P<who2>{_NAME})\s+and\s+(?:the\s+(?:{_NAME}|{_LOWER_WORDS})|{_LOWER_WORDS}))"
            rf"{_AUX}\s+(?:{_VERBS})\b"
        ),
        # " and " (the hint this rule always had), then the second source and the verb
        lambda text, lo, hi: text.find(" and ", lo, hi) >= 0 and _AND_SOURCE_VERB(text, lo, hi),
        True,
    ),
    # "The director , Owain Price, said": a name between commas (not "2,400 jobs, said X":
    # what stands before "..., said X" is no source)
    _Rule(
        re.compile(rf"(?<=,\s)(?<!\d,\s)(?P<who>{_NAME}),{_AUX}\s+(?:{_VERBS})\b"),
        _holds(r",\s+[A-Z\u00c0-\u024f][^,]{0,60},"),
        True,
    ),
    # "..., said the finance minister, Oskar Lind.": the name after its role (whose may
    # come first: "said Ms Kaur's solicitor, Ben Adebayo")
    _Rule(
        re.compile(
            rf"(?:[,\"”’']|^)\s*{_INVERTED_VERB}\s+(?:(?:the\s+)?(?:[a-z][\w'’-]*\s+){{0,3}}"
            # (the role may end in an acronym: "said the local MP, Judith Venn")
            rf"(?:[a-z][\w'’-]*|[A-Z]{{2,4}}),\s+(?P<who>{_NAME})"
            # (after a possessive, a whole name: "said Ada Lee's father, Tom" is the father)
            rf"|(?:[A-Z][\w'’.-]*\s+){{1,2}}(?:[a-z][\w'’-]*\s+){{0,3}}[a-z][\w'’-]*,\s+"
            rf"(?P<who2>[A-Z][\w'’.-]*\s+{_NAME})){_INVERTED_END}"
        ),
        _verb_after_mark,
    ),
    _Rule(
        re.compile(rf"(?:[,\"”’']|^)\s*{_INVERTED_VERB}\s+{_ROLE_NAME}{_INVERTED_END}"),
        _verb_after_mark,
    ),
    _Rule(
        re.compile(rf"(?:[,\"”’']|^)\s*{_INVERTED_VERB}\s+{_WHO}{_INVERTED_END}"),
        _verb_after_mark,
    ),
    # "The candidate, Alice Morton, congratulated Mr Sharma and said"
    _Rule(
        re.compile(rf"(?<=,\s)(?P<who>{_NAME}),\s+[a-z][^.;:\"“]{{0,80}}?\band\s+(?:{_VERBS})\b"),
        _AND_VERB,
        True,
    ),
    _Rule(
        re.compile(rf"\b(?=\w)(?P<who>{_NAME})\s+[a-z][^.;:\"“,]{{0,60}}?\band\s+(?:{_VERBS})\b"),
        _AND_VERB,
        True,
    ),
    # "the regulator said", "an auction house said", "engineers said"
    _Rule(
        re.compile(
            # (the lookahead changes nothing that matches: it spares the other two at most places)
            r"(?:^|(?=[,;:ab])(?:[,;:]\s*|\b(?:and|but)\s+))"
            r"(?P<who>(?:(?:[Aa]n?|[Tt]he)\s+(?:[a-z][\w'’-]*\s+)"
            r"{0,2}[a-z][\w'’-]*|[A-Za-z][a-z'’-]+s))"
            rf"{_AUX}\s+(?:{_VERBS})\b"
        ),
        None,
        True,
    ),
    # ", the club announced on Twitter.", ", analysts at Hale Partners have predicted.", ",
    # athletic director Lisa Crane announced Sunday." (up to three words of a role first) (a
    # role or kind of body "at" a named one: ", a jury at Lewes Crown Court found." too, as
    # the jury is a head word since analyser version 7)
    _Rule(
        re.compile(
            rf"[,;:]\s*(?:the\s+)?(?:(?:[a-z][\w'’-]*\s+){{1,3}}(?=[A-Z]))?"
            rf"(?P<who>{_NAME}(?:\s+(?:for|of)\s+(?:the\s+)?{_NAME})?|{_AGENT})"
            rf"{_AUX}\s+{_CLOSING_VENUE}"
        ),
        _holds(rf"\s{_CLOSING_VENUE}"),
    ),
    _Rule(
        re.compile(
            rf"[,;:]\s*(?P<who>(?:(?i:{_DETERMINERS})\s+)?(?:[\w'’-]+\s+)?(?:{_trie(_HEADS)})\s+"
            rf"(?:at|of|for|from|with|in)\s+(?:the\s+)?{_NAME}){_AUX}\s+{_CLOSING_FIND}"
        ),
        _CLOSING_HINT,
    ),
    # ", court records show.": a few words (no verb, pronoun or relative) before the verb
    _Rule(
        re.compile(
            rf"(?:^|[,;:]\s*)(?P<who>(?:(?i:{_DETERMINERS})\s+)?(?:(?!{_VERBAL}\b)[\w'’-]+\s+)"
            rf"{{0,3}}?(?!{_VERBAL}\b)[A-Za-z][\w'’-]*){_AUX}\s+{_CLOSING_FIND}"
        ),
        _CLOSING_HINT,
    ),
    # "Court papers show he is accused of ...": court papers or records opening a sentence
    # (not "the figures show a rise": what figures show is the claim)
    _Rule(
        re.compile(
            rf"(?:^|(?<=[.;:]\s))(?P<who>(?:(?i:{_DETERMINERS})\s+)?(?:[\w'’-]+\s+){{0,2}}?"
            rf"(?i:{_trie(_PAPERS)})(?:\s+(?:obtained|seen|filed|released|reviewed)\s+by\s+"
            r"(?:[\w'’-]+\s+){0,5}?[\w'’-]+)?)"
            r"\s+(?:show|shows|showed|reveal|reveals|revealed)\b(?!\s*[.;,:])"
        ),
        _SHOWS_HINT,
    ),
    # "Police believe the fire was deliberately lit": a source (and a hedge) with no "that"
    _Rule(
        re.compile(
            r"\b(?P<who>[Pp]olice|[Ii]nvestigators|[Dd]etectives|[Aa]uthorities|[Pp]rosecutors)"
            r"\s+(?:now\s+)?(?:believe|suspect)\b"
        ),
        _SHOWS_HINT,
    ),
    # "The Kessling County coroner's office on Wednesday identified the victim as Andre
    # Meekins": who named the dead is a source
    _Rule(
        re.compile(
            r"(?P<who>(?:[Tt]he\s+)?(?:[A-Z][\w'’-]*\s+){0,3}(?:coroner|medical\s+examiner|"
            r"sheriff|police|[Pp]olice|pathologist|[Cc]oroner))(?:['’]s\s+(?:office|department))?"
            r"\s+(?:(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+|later\s+|have\s+|has\s+)?"
            rf"(?:identified|named)\s+{_THE_DEAD}"
        ),
        _holds(r"\s(?:identified|named)\s"),
    ),
    # "The jury found Neil Barrow used council cards ...": a verdict's finding, its jury or
    # court the source (three blind sets labelled it so, against "Prosecutors allege")
    _Rule(
        re.compile(
            r"(?P<who>(?:[Tt]he|[Aa])\s+(?:jury|jurors|judge|magistrate|court|tribunal|inquest|"
            r"coroner|panel))\s+(?:(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s+)?"
            r"(?:found|ruled)\s+(?=[A-Z]|(?:him|her|them|that)\b)"
        ),
        _holds(r"\s(?:found|ruled)\s"),
    ),
    # "Figures from the provincial rental registry show a similar increase": whose figures
    _Rule(
        re.compile(
            r"\b(?:[Ff]igures|[Dd]ata|[Nn]umbers|[Ss]tatistics)\s+(?:(?:released|published)\s+)?"
            r"(?:from|by)\s+(?P<who>(?:the\s+)?(?:[\w'’-]+\s+){0,4}?[\w'’-]+)\s+"
            r"(?:show|shows|showed|reveal|reveals|revealed)\b"
        ),
        _SHOWS_HINT,
    ),
)
_APPOSITIVE = _ATTRIBUTION_RULES[0].pattern  # "Her spokesman, Tom Avery, said"
# the rules of an inverted "..., said X" (the verb first)
_INVERTED = frozenset(r.pattern for r in _ATTRIBUTION_RULES if _INVERTED_END in r.pattern.pattern)
_PRONOUNS = frozenset(
    "he she they it we i you one this that there which who "
    "nobody anybody everybody somebody everyone someone anyone "
    # contracted: "Let's say ...", "We've said this before"
    "let's i'm i've i'd we're we've we'd you're you've they're they've they'd he's she's".split()
)
_LEADING = frozenset(
    "the a an on in at but and so yet then later earlier meanwhile however also today "
    "yesterday monday tuesday wednesday thursday friday saturday sunday last this "
    # adverbs between a pronoun and its verb: "He has always denied", "She repeatedly said"
    "always never often again still repeatedly previously consistently publicly privately "
    "strongly firmly vehemently flatly already long".split()
)
# A conjunction opens the source's clause: what stands before it is no part of the source
# ("though officials say", "Stocks fell after Bloomberg reported that").
_CONJUNCTIONS = frozenset("after before since until while when if because though although".split())
_ANONYMOUS = frozenset(
    "spokesman spokeswoman spokesperson spokespeople source sources official officials "
    "insider insiders aide aides person people diplomat diplomats".split()
)


# the singular of _ANONYMOUS's plurals ("police sources" is keyed "source|police")
_SINGULAR = {"people": "person"} | {
    w: w[:-1] for w in _ANONYMOUS if w.endswith("s") and w[:-1] in _ANONYMOUS
}
_PREPOSITIONS = frozenset("in on at by for with to from into of as".split())
_NOT_SOURCES = frozenset(
    "it this that there which what who he she they we i you time times year years day days "
    "week weeks month months people's is was article story version headline caption piece "
    "post page video photo photograph picture sign notice tests "
    # a notice's heading: "Correction added 18 Nov:", "Update added at 14:00:"
    "correction corrections clarification update note amendment".split()
)


# Titles before a name (as in _TITLE), and roles that a name of a body follows ("Chief
# Executive of ..."): a person named "of" a body is keyed on the person only without them.
TITLE_WORDS = frozenset(
    "Mr Mrs Ms Miss Mx Dr Prof Sir Dame Lord Lady Rev Sgt Insp Det Supt Cllr Gen Col Capt "
    "President Judge Justice".split()
)
ROLE_WORDS = frozenset(
    "executive director secretary chair chairman chairwoman president governor head leader "
    "mayor chief officer commissioner manager editor founder professor".split()
)
_PERSON_OF = re.compile(
    rf"(?P<person>(?:{_TITLE}\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}})\s+(?:of|at|from)\s+"
)


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source: ``name`` as written, ``key`` what identifies it across versions (a person's
    surname, a body's name, an anonymous source's role), ``anonymous`` for unnamed sources."""

    start: int
    end: int
    name: str
    key: str
    anonymous: bool


_ORG_AFTER = re.compile(
    r"\b(?:for|from|at|of|close to|in|into|on|about|with|within|familiar with|representing)\s+"
    r"(?:the\s+)?(.+)$"
)
_SOURCES: dict[str, tuple[str, str, bool] | None] = {}  # _source's answers, by phrase
_SOURCES_MAX = 4_096


def _source(name: str) -> tuple[str, str, bool] | None:
    """(name, key, anonymous) of a matched source phrase, or None if it is no source. A
    function of the phrase alone: its answers are kept (the same phrase is matched in both
    versions of a sentence, and again in its paragraph when a quotation's speaker is sought)."""
    try:
        return _SOURCES[name]
    except KeyError:
        pass
    got = _source_of(name)
    if len(_SOURCES) >= _SOURCES_MAX:
        _SOURCES.clear()
    _SOURCES[name] = got
    return got


# A participle that ends a source's noun phrase: "according to results [released Wednesday]"
# (not "the newly released figures": an adverb before it)
_PARTICIPLES = frozenset(
    "released published issued compiled obtained posted filed presented collected gathered "
    "unsealed produced".split()
)


_SPEAKERS_FOR = frozenset("spokesman spokeswoman spokesperson spokespeople".split())
_CLAUSE_OPENERS = frozenset("that whether how why what when where".split())
_NOT_NAMES_ALONE = frozenset("Inc Ltd LLC Corp Co Plc plc PLC GmbH AG SA NV D.C DC Jr Sr".split())
_NO_TEN_NAME = re.compile(r"(?:^|\s)((?:No\.?|Number)\s?10)$")


# ...and one whose agent is who saw the document, not whose it is: "a copy [seen by this
# newspaper]", "a memo [obtained by the Ledger]"
_SEEN_BY = frozenset("seen obtained reviewed".split())


# when, after a source's phrase: "according to a securities filing Thursday"
_TRAILING_WHEN = re.compile(
    r"\s+(?:(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|yesterday|today|"
    r"(?:earlier\s+)?(?:last|this)\s+(?:week|month|year|night))$"
)


_INITIALS_NOT_PRONOUNS = frozenset({"WHO"})  # the World Health Organization
# the last word of a body's name before its "of": "China's National Bureau of Statistics",
# "the Federal Reserve Bank of New York" (no person "of" a body)
_BODY_WORDS = frozenset(
    "bureau bank department office ministry university institute institution council board "
    "commission agency court college society academy federation association union league "
    "service authority division centre center chamber corporation museum hospital foundation "
    "fund organisation organization school church".split()
)


def _source_of(name: str) -> tuple[str, str, bool] | None:
    ten = _NO_TEN_NAME.search(name)
    if ten is not None:  # "No 10 said": Downing Street
        return ten.group(1), "no 10", False
    when = _TRAILING_WHEN.search(name)
    if when is not None and when.start() > 0:
        name = name[: when.start()]
    words = name.replace("’", "'").split()
    cut = next(
        (
            k
            for k, w in enumerate(words)
            if k
            and w in _SEEN_BY
            or k
            and w in _PARTICIPLES
            and not words[k - 1].lower().endswith("ly")
            # not "a paper published in the journal Nature": where it was published says whose
            and (k + 1 == len(words) or words[k + 1].lower() not in ("in", "by", "from", "for"))
        ),
        None,
    )
    if cut is not None:
        words = words[:cut]
        name = " ".join(words)
    cut = max((k for k, w in enumerate(words) if w.lower() in _CONJUNCTIONS), default=-1)
    if 0 <= cut < len(words) - 1:
        words = words[cut + 1 :]
    if words and (words[0] in _PREPOSITIONS or words[0].lower() in _CLAUSE_OPENERS):
        return None  # "..., said in a statement", "said that Reeve ...": how or what, not who
    if "version" in name:
        return None  # a notice's "an earlier version of this report said"
    if len(words) == 1 and words[0].rstrip(".,") in _NOT_NAMES_ALONE:
        return None  # "Dräger, Inc., says": the end of a company's name
    if words and words[-1].lower() in ("and", "or", "but"):
        return None  # a clause cut short: "police deny accusations of brutality and [say]"
    determined = bool(words) and words[0].lower() in ("a", "an", "the", "one")
    while words and words[0].lower().strip(",") in _LEADING and len(words) > 1:
        words = words[1:]
    if not words:
        return None
    lowered = [w.lower().strip(".,'") for w in words]
    if len(words) > 2 and lowered[0] in _SPEAKERS_FOR and lowered[1] in ("for", "at", "from"):
        # "spokesperson for Lanefield Fire and Rescue Service": one who speaks for the body,
        # unnamed (keyed on the role and the body's first word, as "the council's spokesman")
        body = next(w for w in lowered[2:] + ["?"] if w != "the")
        return " ".join(words), f"{lowered[0]}|{body}", True
    # (a body's initials that spell a pronoun are no pronoun: "per the WHO"; "HE SAID" in
    # capitals stays one, and "IT said" too)
    acronym_last = words[-1].strip(".,'") in _INITIALS_NOT_PRONOUNS
    if (
        len(lowered) == 1
        and not acronym_last
        and (lowered[0] in _PRONOUNS or lowered[0] in _LEADING or lowered[0] in _CONJUNCTIONS)
    ):
        return None
    # (a name's last word is no such word: "the Washington Post", "the WHO")
    name_last = len(words) >= 2 and words[-1][:1].isupper() and words[-2][:1].isupper()
    if lowered[0] in _PREPOSITIONS or (
        lowered[-1] in _NOT_SOURCES and not acronym_last and not name_last
    ):
        return None
    if any(w.endswith("n't") for w in lowered):
        return None  # a negated verb: "The price wasn't [announced]"
    if words[-1].endswith("'") and len(words[-1]) > 1:
        return None  # a possessive: "the members' say in the matter" (a noun after it)
    # the head, not a possessive before it ("the drivers' union": the union)
    head_at = next(
        (k for k, w in enumerate(lowered) if w in HEAD_SET and not words[k].endswith("'")), None
    )
    # "a police spokeswoman", "the company spokesman": the one who speaks for the body, a
    # source of its own (keyed with the body's word), not the body
    # ...and "police sources", "club insiders", "company officials": unnamed people of the
    # body (keyed on the role and the body), not the body speaking
    if (
        head_at is not None
        and head_at + 1 < len(lowered)
        and lowered[head_at + 1] in _ANONYMOUS
        and lowered[head_at] not in _ANONYMOUS
    ):
        body, speaker = lowered[head_at], lowered[head_at + 1]
        if speaker not in _SPEAKERS_FOR:
            speaker = _SINGULAR.get(speaker, speaker)
        return " ".join(words[: head_at + 2]), f"{speaker}|{body}", True
    # a plural head word before another is its modifier: "teachers unions" (the unions;
    # "police officers", "court records" keep their first word, as they always did)
    while (
        head_at is not None
        and head_at + 1 < len(lowered)
        and lowered[head_at].endswith("s")
        and (lowered[head_at + 1] in HEAD_SET or lowered[head_at + 1][:-1] in HEAD_SET)
        and not words[head_at].endswith("'")
    ):
        head_at += 1
    org_match = _ORG_AFTER.search(name)
    person = _PERSON_OF.match(" ".join(words)) if not determined else None
    if person is not None:
        # "Dr Ian Sorley of the Halbury Weather Centre": the person, keyed on the surname (so
        # "Dr Sorley said" later is the same source); not "Bank of England", "Chief Executive
        # of Halbury Council" (one word, or a role, before "of": the body is the source)
        named = [w for w in person.group("person").split() if w.rstrip(".") not in TITLE_WORDS]
        key = named[-1].lower().removesuffix("'s") if named else ""
        if (len(named) >= 2 or len(named) < len(person.group("person").split())) and (
            key not in HEAD_SET and key not in ROLE_WORDS and key not in _BODY_WORDS
        ):
            return person.group("person"), key, False
    # (a body's name that ends with a kind of body: "The Brookfield Nurses Association", not
    # "Brookfield Nurses"; not "Senior Officials")
    named_body = (
        len(words) >= 2 and all(w[:1].isupper() for w in words) and lowered[-1] not in _ANONYMOUS
    )
    if words[-1][:1].isupper() and (lowered[-1] not in HEAD_SET or named_body):
        key = lowered[-1].removesuffix("'s")  # a name: a person's surname, a body's last word
        if (key in _PRONOUNS or key in _LEADING or len(key) < 2) and not acronym_last:
            return None
        return " ".join(words), key, False
    if head_at is not None:
        head = lowered[head_at]
        org = ""
        if org_match is not None and org_match.start() > name.find(words[head_at]):
            org = org_match.group(1).split()[0].lower().strip(".,'")
        else:
            words = words[: head_at + 1]  # "an internal memo [seen by ...]"
        base = head[:-1] if head.endswith("s") and head[:-1] in HEAD_SET else head
        return " ".join(words), f"{base}|{org}" if org else base, head in _ANONYMOUS
    if not determined and not lowered[-1].endswith("s"):
        return None
    base = lowered[-1][:-1] if lowered[-1].endswith("s") and len(words) == 1 else lowered[-1]
    return " ".join(words), base, base in _ANONYMOUS


# The first letters of the reporting verbs (all lower case, as the patterns have them).
_VERB_FIRSTS = "".join(
    sorted({w[0] for w in f"{_SAYING}|{_FINDING}|testified|posted|asked".split("|")})
)
# Every cue starts with one of these letters (a verb's, a closing finding's or "[Aa]ccording"):
# checked first at each place (it changes nothing that matches, as with _QUANTITY_START), it
# spares the four alternatives behind their word boundaries at most places (about half the
# scan's time).
_CUE_FIRSTS = "".join(sorted({*_VERB_FIRSTS, *(w[0] for w in _CLOSING_FINDS.split("|")), "A"}))
# what papers or figures show ("Court papers show he is accused", "Figures from X show"),
# what investigators hold ("Police believe the fire was lit")
_SHOW_CUE = (
    r"(?=[sr])(?<=\w\s)(?:show|shows|showed|reveal|reveals|revealed)\b"
    # (the five letters before the word: "police", "investigators", "detectives",
    # "authorities", "prosecutors")
    r"|(?=[bs])(?:believe|suspect)\b(?<=(?:olice|ators|tives|ities|utors)\s(?:believe|suspect))"
    # who named the dead: "The coroner's office identified the victim as ..."
    rf"|(?=[in])(?:identified|named)\s+{_THE_DEAD}"
    # a verdict: "The jury found Neil Barrow used ..."
    r"|(?=[fr])(?:found|ruled)\s+(?=[A-Z]|(?:him|her|them)\b)"
)
_REPORT_CUES = (
    rf"\b(?:{_VERBS})\b|\b[Aa]ccording\s+to\b|\b{_CLOSING_FIND}|\b{_CLOSING_VENUE}|\bcalled\b"
    rf"|{_PER}|{_AS_REPORTED}|\bdescribed\b|\baccused\s+by\b"
)
_CUE_RE = re.compile(rf"(?=[{_CUE_FIRSTS}])(?:{_REPORT_CUES}|{_SHOW_CUE})")
# ...but for reports(): a word before "show" is no sign that a sentence reports ("The
# platform's flexibility shows its strength, allowing Volkswagen to ...")
_REPORT_CUE_RE = re.compile(rf"(?=[{_CUE_FIRSTS}])(?:{_REPORT_CUES})")
# Every cue holds one of these words: searched first (a bare alternation of words, shaped as
# a trie, is searched far faster than one behind \b).
_CUE_HINT = re.compile(
    _trie(
        f"{_SAYING}|{_FINDING}|ccording|show|indicat|suggest|reveal|project|forecast|predict|"
        "testif|disclos|called|posted|asked|identified|named|, per |(per |described|"
        "accused by|written|chimed in|weighed in"
    )
)
# A reporting verb after a space, with the "that" some verbs need: a window's last one ends
# every match of a ``verb_last`` rule in it (see :func:`attributions`).
_SPACE_VERB = re.compile(
    rf"\s(?=[{_VERB_FIRSTS}])(?:(?:{_trie(_SAYING_BUT_ADDED)})\b|{_ADDED}\b|"
    rf"(?:{_trie(_FINDING)}){_DAY_THAT}|{_TESTIFIED}\b"
    # (a post's platform taken in: a verb_last rule's search ends here, and "posted" looks
    # ahead to it; so is "added"'s amount: "employers added 143,000 jobs" ends no search)
    rf"|posted{_PLATFORM}|{_QUOTED_ASKED}\b|(?:{_HAS_WRITTEN})\b|{_CHIMED_IN})"
)
# The last of them in a stretch: everything before it taken first, then given back a character
# at a time until a verb follows (from the right: faster than finding every verb from the left).
_LAST_SPACE_VERB = re.compile(rf"(?s:.*){_SPACE_VERB.pattern}")


def _last_verb_end(text: str, lo: int, hi: int) -> int:
    """Where the last reporting verb of ``text[lo:hi]`` (:data:`_SPACE_VERB`) ends, or -1:
    the end of the match of _SPACE_VERB.finditer that ends last. That is the one that starts
    last: no match hides another (a match holds a space only before its "that", which is no
    verb), so the matches from the left are those at every place where one starts, and each
    ends before the next starts."""
    m = _LAST_SPACE_VERB.match(text, lo, hi)
    return -1 if m is None else m.end()


# A plea, not a statement: "denies 14 counts of fraud", "denied a charge of theft", "denies
# murdering Anthony Lowe".
_PLEA = re.compile(r"\bden(?:ies|ied)\s+(?:(?:[\w,-]+\s+){0,2}?(?:counts?|charges?)\b|[a-z]+ing\b)")
# The town of an address after its street: "Graham Pettit, 61, of Hawes Lane, Brindle, said".
_ADDRESS_BEFORE = re.compile(
    r"\bof\s+(?:\d+\s+)?(?:[A-Z][\w'’-]*\s+)+(?:Lane|Road|Street|Avenue|Close|Drive|Way|"
    r"Crescent|Gardens|Place|Terrace|Grove|Square|Row|Walk),\s+$"
)
REACH_BEFORE = 200  # characters before a reporting verb where its source may start
REACH_AFTER = 160  # ...and after it


# A reporting verb beside a word: after it and up to four more words (and a clause between
# commas: "officials, who asked not to be named, said"), or before it and up to four words.
_VERB_AFTER = re.compile(
    rf"[\w'’-]*(?:\s+[\w'’.-]+){{0,4}}?(?:,[^,.;]{{1,80}},|,)?{_AUX}\s+"
    rf"(?:{_VERBS}|{_CLOSING_FIND})\b"
)
_VERB_BEFORE = re.compile(
    rf"(?:\b(?:{_VERBS})|\b[Aa]ccording\s+to)[\s,]+(?:[\w'’.-]+\s+){{0,4}}[\w'’.-]*$"
)


def verb_beside(text: str, start: int, end: int) -> bool:
    """Is a reporting verb beside the word at ``text[start:end]``, as it is beside a source's
    words? A cheap test before :func:`attributions` on a long text."""
    return (
        _VERB_AFTER.match(text, end) is not None
        or _VERB_BEFORE.search(text, max(0, start - 80), end) is not None
    )


_DOUBLE_QUOTES = '"“”„«»'
# words of reporting that are no attribution's verb in every use ("saying", "reports X",
# "asked", "predicted"): enough to tell that a sentence reports
_REPORTING = re.compile(
    # (a question asked, not a request: "asked, 'Could ...'", "asked whether"; not "asked
    # civil servants to look again")
    r"\b(?:ask(?:ed|s|ing)(?=\s*[,:\"“”‘’']|\s+(?:whether|if|why|how|what|when|where|who)\b)|"
    r"saying|continued|described|describes|recalled|recalls|"
    r"reports|reported|predicted|predicts|estimated|estimates|announced|announces|revealed|"
    r"reveals|posted|statement|interview|spoke|speaking|responded|replied|acknowledged|"
    r"conceded|concedes)\b"
)


def reports(text: str) -> bool:
    """Does ``text`` hold a reporting cue (a reporting verb, "according to", a finding), or a
    quotation mark? A sentence that names someone beside one may be giving them as a source,
    in words :func:`attributions` does not read ("Malaska asked, "Could ..."", "..., saying
    that", "reports Reuters")."""
    if any(mark in text for mark in _DOUBLE_QUOTES) or _REPORTING.search(text):
        return True
    return _CUE_HINT.search(text) is not None and _REPORT_CUE_RE.search(text) is not None


def _windows(text: str, start: int) -> list[tuple[int, int]]:
    """Where the patterns of :func:`attributions` run: around each cue found from ``start``
    (:data:`REACH_BEFORE` before it, :data:`REACH_AFTER` after it), overlapping stretches
    joined, in order. Once a stretch reaches the text's end, every later cue would only join it
    unchanged (its stretch starts before that end, and ends there): the cues after it are not
    looked for (in a sentence, that is mostly all but the first)."""
    windows: list[tuple[int, int]] = []
    size = len(text)
    for cue in _CUE_RE.finditer(text, start):
        at = cue.start()
        lo, hi = max(0, at - REACH_BEFORE), min(size, at + REACH_AFTER)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
        if hi == size:
            break
    return windows


_START = attrgetter("start")


def _searches(
    text: str, windows: list[tuple[int, int]]
) -> Iterator[tuple[int, re.Pattern[str], int]]:
    """Each rule's search in each window, in order (rule by rule), as (window start, pattern, where
    the search stops); a rule whose hint says it cannot match in a window is not searched
    there. Two pairs of rules share a hint: each hint is asked once per window. A
    ``verb_last`` rule is searched up to the end of the window's last reporting verb only:
    its matches end there or before, and as that place ends a word, nothing the pattern
    tests before it reads differently when the text stops there (none is searched in a
    window without such a verb)."""
    hinted: list[dict[Callable[[str, int, int], bool], bool]] = [{} for _ in windows]
    verbs_end = [-2] * len(windows)
    for pattern, hint, verb_last in _ATTRIBUTION_RULES:
        for w, (lo, hi) in enumerate(windows):
            if hint is not None:
                asked = hinted[w]
                holds = asked.get(hint)
                if holds is None:
                    holds = asked[hint] = hint(text, lo, hi)
                if not holds:
                    continue
            if verb_last:
                end = verbs_end[w]
                if end == -2:
                    end = verbs_end[w] = _last_verb_end(text, lo, hi)
                if end < 0:
                    continue
                yield lo, pattern, end
            else:
                yield lo, pattern, hi


_PARTY = re.compile(
    r"\s\((?:D|R|I|Ind)-[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?\)(?P<comma>,?)(?=[\s.;:]|$)"
    # "Rep. Tom Hale, R-Texas, said" (no comma left); "..., R-Texas, who chairs" (one left)
    r"|,\s(?:D|R|I|Ind)-[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?"
    # (an appositive after it keeps its comma: "..., R-Iowa, one of the bill's sponsors")
    r"(?:(?P<comma2>,)(?=\s+(?:who|whose|an?|the|one|its|his|her|their|chair|chairman|"
    r"chairwoman|ranking|leader|head|member)\b)|,(?=\s))"
)


_INITIALS = re.compile(r"(?<=[a-z])\s\([A-Z][A-Za-z]?[A-Z0-9&]{1,8}\)(?=[\s,;:.]|$)")


def _blank(m: re.Match[str]) -> str:
    """The party blanked, a comma after it kept right after the name ("Calder, who ...")."""
    comma = m.group("comma") or m.group("comma2") or ""
    return comma + " " * (len(m.group(0)) - len(comma))


# a reporting verb right before a source's phrase whose own verb follows it: the phrase is
# inside what is reported ("Dr Lee said the results suggested that ...")
_REPORTED_SOURCE = re.compile(
    r"\b(?:said|says|say|told\s+\w+|tells\s+\w+|added|adds|believes|believe|thinks|think|"
    r"argued|argues|warned|warns|insisted|insists|stressed)\s+(?:that\s+)?(?:the\s+)?$"
)
# a source's relative clause that keeps it unnamed: "two councillors who asked not to be
# named", "a lawyer, who spoke on condition of anonymity"
_UNNAMED_AFTER = re.compile(
    r",?\s+who\s+(?:asked|requested|spoke|was\s+not|were\s+not|is\s+not|are\s+not|did\s+not|"
    r"declined|would\s+not)\b[^.;:,\"“”]{0,50}?\b(?:named|identified|anonymity|publicly|"
    r"authori[sz]ed|record)\b"
)


# "has", "have" or "had" right before a phrase: the phrase is a verb's ("have made ...")
_AFTER_HAVE = re.compile(r"\b(?:has|have|had)\s+$")
# reporting verbs that are plural nouns too ("Swift's claims")
_NOUN_VERBS = frozenset("claims notes states reports".split())


def attributions(text: str) -> list[Attribution]:
    """The sources of a sentence, each once, in order.

    The patterns run only around the reporting verbs (and "according to") found first, so a
    long sentence costs time in proportion to its verbs, not to its length squared."""
    first = _CUE_HINT.search(text)
    if first is None:
        return []
    if "-" in text:
        # a US politician's party and state, "Sen. Ruth Calder (D-Ore.), who ...": blanked
        # (the same length: the spans stay those of ``text``)
        text = _PARTY.sub(_blank, text)
    if "(" in text:
        # a body's initials after its name, "the Electricity Company of Ghana (ECG) said"
        text = _INITIALS.sub(lambda m: " " * len(m.group(0)), text)
    # A cue starts where its word does, or one character before ("according").
    windows = _windows(text, max(0, first.start() - 1))
    if not windows:
        return []
    found: list[Attribution] = []
    keys: set[str] = set()  # the keys of those found (a source is found once per key)
    taken: list[tuple[int, int]] = []  # what matches already used
    appositives: list[tuple[int, int]] = []  # those of "Her spokesman, Tom Avery, said"
    for lo, pattern, end in _searches(text, windows):
        for m in pattern.finditer(text, lo, end):
            if "denie" in m.group(0) and _PLEA.search(text, m.start(), m.end() + 40):
                continue
            group = "who" if m.group("who") is not None else "who2"
            who = m.group(group)
            if who[-2:] in ("'s", "’s") and m.group(0)[-7:].lstrip().lower() in _NOUN_VERBS:
                continue  # a possessive before a noun: "denied Swift's claims" (not "Moody's said")
            got = _source(who.rstrip(",. "))
            if got is None:
                continue
            name, key, anonymous = got
            # (the name's apostrophes are straight: "Carlineo’s attorney" is found as
            # "Carlineo's attorney"; the same length, so the offsets hold)
            start = m.start(group) + who.replace("’", "'").find(name.split()[0])
            stop = start + len(name)
            if m.end() > stop + 1 and _REPORTED_SOURCE.search(text, max(0, start - 30), start):
                continue  # "X said the results suggested that": the results are X's words
            if name[:1].islower() and _AFTER_HAVE.search(text, max(0, start - 6), start):
                continue  # a verb's words: "have made China wary of ..., said X"
            if not anonymous and "who" in text and name.split()[-1][:1].islower():
                unnamed = _UNNAMED_AFTER.match(text, stop)
                if unnamed is not None:  # "two councillors who asked not to be named"
                    anonymous, stop = True, unnamed.end()
                    name = text[start:stop]
            if text[start - 2 : start] == ", " and _ADDRESS_BEFORE.search(
                text, max(0, start - 60), start
            ):
                continue
            if taken and any(a < stop and start < b for a, b in taken):
                continue
            # an inverted "..., said X" whose verb another source's match took ("Simon
            # Thackray, of the fire service, said the roof had collapsed": not "the roof")
            if (
                taken
                and pattern in _INVERTED
                and name.split()[-1][:1].islower()
                and any(a <= m.start() < b for a, b in taken)
            ):
                continue
            # the verb of "Her spokesman, Tom Avery, said" read again for a name after it
            # ("..., said the plan stood")
            if appositives and any(a < m.start() < b <= start for a, b in appositives):
                continue
            if pattern is _APPOSITIVE:
                appositives.append(m.span())
            taken.append(m.span())
            # (each name's span is found once: it lies in its match, which is taken)
            if key not in keys:
                keys.add(key)
                found.append(Attribution(start, stop, name, key, anonymous))
    return sorted(found, key=_START)


# --- hedges ------------------------------------------------------------------------------------

# The words a hedge's match starts with (or, for "won't", the start of): looked for first at
# each place (as a trie), it spares the alternatives below at most places (the lookahead
# changes nothing that matches; tests/diff/test_cues_fast.py compares).
_HEDGE_STARTS = (
    "is|are|was|were|be|expected|likely|poised|tipped|set|it|It|may|might|could|reportedly|"
    "allegedly|apparently|possibly|probably|presumably|seemingly|purportedly|supposedly|"
    "unconfirmed|alleged|suspected|unlikely|perhaps|maybe|appear|seem|stand|stood|plan|will|won|"
    "allege|alleges|data|evidence|findings|results|research|studies|study|figures|tests|"
    "preprint|survey|surveys|analysis|analyses|trial|trials|poll|polls|estimates|modelling|"
    "modeling|projections|"
    # a finding that closes its clause: "..., a study published Monday suggests."
    "suggest|suggests|suggested|"
    "projected|forecast|should|possible|Possible|accused|if|on|believed|thought|would|police|"
    "Police|investigators|Investigators|detectives|Detectives|authorities|Authorities|officials|"
    "Officials|close|not possible|unable|cannot|can not|can't|can’t|looks like|look like|"
    "believes that|believe that|potential|predict"
)
_HEDGE_PATTERN = (
    r"\b(?:(?:is|are|was|were|be|been|being)\s+(?:not\s+)?(?:widely\s+)?"
    r"(?:expected|understood|believed|thought|said|reported|feared|suspected|alleged|likely|"
    r"set|due|poised|scheduled|rumoured|rumored|tipped|considered|presumed|supposed|projected|"
    r"forecast|forecasted|predicted)\s+to\b"
    r"|\b(?:expected|likely|poised|tipped|projected)\s+to\b"
    # a headline's "Okafor tipped for top job", "... is tipped for the post"
    r"|\btipped\s+for\b"
    # "..., a study published Monday in the journal suggests." (what it found, not yet shown)
    r"|\bsuggest(?:s|ed)?(?=\s*[.;](?:\s|$))"
    # ...and "Tasman Orbital set for first launch" (a headline's schedule)
    r"|(?<!\bis\s)(?<!\bare\s)(?<!\bbe\s)(?<!\btable\s)\bset\s+for\s+(?!life\b)"
    r"(?=(?:first|its|his|her|their|a|an|the)\b)"
    # with no "is": "a body believed to be that of", "The man, thought to be in his 40s,"
    # (not one's own belief: "what he thought to be right")
    r"|(?<!\bI\s)(?<!\bhe\s)(?<!\bshe\s)(?<!\bwe\s)(?<!\bthey\s)(?<!\byou\s)"
    r"\b(?:believed|thought)\s+to\s+(?:be|have)\b"
    # "Temperatures forecast to hit 38C", "70mph gusts forecast for coast" (not "the forecast
    # to Friday", "a forecast for rain")
    r"|(?<!\b[Tt]he\s)(?<!\b[Aa]\s)(?<!\bits\s)\bforecast\s+(?:to\s+(?!the\b|a\b|an\b)[a-z]+\b|for\b)"
    # what is awaited: "Deal expected within days", "a verdict is expected by Friday"
    r"|(?<!\b[Aa]s\s)\bexpected\s+(?:within|later|soon|shortly|tomorrow|tonight|next|"
    r"this\s+(?:week|weekend|month|year|morning|afternoon|evening)|on\s+(?:Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)|by\s+(?:the\s+end|[A-Z]))\b"
    # "the expected rise" -> "the rise" (not "more than the expected")
    r"|(?<!\bthan\sthe\s)(?:(?<=\bthe\s)|(?<=\ban\s))expected\b(?=\s+[a-z])"
    # a headline's "Striker set to sign" (no "is"); not "set to music", "set to 20C"
    r"|\bset\s+to\b(?=\s+(?!(?:the|a|an|music|work|zero)\b)[a-z]+\b)"
    r"|[Ii]t\s+is\s+(?:understood|thought|believed|expected|feared|likely|possible|unclear)\b"
    r"|(?:is|are|was|were)\s+expected\b"
    # (not a past inability: "could not be saved", "couldn't find"; but "could not be
    # independently verified" is a caveat)
    r"|\b(?:may|might|should)\b(?!\s+not\s+be\s+reached)"
    # a conditional claim: "the deal would give workers 4%" (-> "gives"); not in reported
    # speech ("said it would appeal": see hedges())
    r"|\bwould\b(?!\s+(?:not\s+)?(?:be\s+)?(?:reached|available)\b)"
    r"|\bcould\b(?!n't|\s+not\b(?!\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm)))"
    # "a possible takeover", a headline's "Possible tornado" (not "as soon as possible")
    r"|(?<!\bas\s)\b[Pp]ossible\b(?!\s+to\b)"
    # what hangs on a verdict or a vote: "faces 20 years if convicted"
    r"|\bif\s+(?:convicted|found\s+guilty|approved|passed|confirmed|elected)\b"
    r"|\b(?:reportedly|allegedly|apparently|possibly|probably|presumably|seemingly|"
    r"purportedly|supposedly|unconfirmed|alleged|suspected|likely|unlikely|perhaps|maybe)\b"
    r"|\b(?:appears?|appeared|seems?|seemed)\s+to\b"
    # "plumes seem real", "it seems likely" (what "seem" says without "to": a headline's)
    r"|\b(?:seems?|seemed)\b(?!\s+to\b)"
    # "looks like it's coming to an end" (not "looks like a cathedral")
    r"|\blooks?\s+like\s+(?:it|they|he|she|we|this|that)(?:'s|’s|\s+(?:is|are|will|would))\b"
    # what another holds, not yet shown: "Herbert believes that" (-> "said")
    r"|\bbelieves?\s+that\b"
    # what is not yet real: "a potential production version" (-> "will build a production
    # version"), "found a potential source" (-> "the source"); a finding put weakly: "work in
    # recent years suggests that" (-> "shows that")
    r"|\bpotential\b(?=\s+[a-z])"
    r"|\bsuggest(?:s|ed)?\s+that\b"
    # a forecast or an estimate, not yet a fact: "Kuo has predicted that Apple will" (-> "Apple
    # is expected to": the same doubt), "is estimated at around 40,000" (-> "stands at")
    r"|\bpredict(?:s|ed)?\s+that\b"
    r"|\b(?:is|are|was|were|been)\s+estimated\b"
    # "The plan appears consistent with" (-> "is consistent"; not "appeared in court")
    r"|\b(?:appears?|appeared)\s+(?=(?:consistent|likely|unlikely|certain|ready|poised|set|"
    r"close|increasingly|unwilling|willing|unable|able|keen|intent|determined)\b)"
    # a claim the outlet could not check, however it says so ("could not be independently
    # verified" above): "It was not possible to independently verify", "Reuters was unable to
    # verify", "cannot be confirmed"
    r"|\b(?:not\s+possible|unable)\s+to\s+(?:independently\s+)?(?:verify|confirm)\b"
    r"|\b(?:cannot|can\s+not|can't|can’t)\s+(?:be\s+)?(?:independently\s+)?(?:verif|confirm)\w*"
    # an accusation, not yet a fact ("stole" -> "is accused of stealing"); not the noun
    # ("the accused told the court")
    r"|(?<!\bthe\s)\baccused\s+of\b"
    r"|\bplans?\s+to\b|\bplanned\s+to\b"
    # a headline's "Tane on course to win", "Town close to signing" (no "is"; not "came
    # close to winning", which did not happen)
    r"|\bon\s+(?:course|track)\s+(?:to|for)\b"
    r"|(?<!\bcame\s)(?<!\bcome\s)(?<!\bcomes\s)(?<!\bcoming\s)(?<!\bso\s)(?<!\bvery\s)"
    r"\bclose\s+to\s+(?!(?:freez|boil|be|noth|everyth|anyth|someth)ing\b)\w+ing\b"
    # a claim not yet proved, a finding not yet firm: "prosecutors allege that", "preliminary
    # data suggest" (-> "data show")
    r"|\balleges?\s+(?:that\b|(?=(?:he|she|they|the)\b|[A-Z]))"
    # what investigators hold, not yet shown: "Police believe the fire was deliberately lit"
    r"|\b(?:[Pp]olice|[Ii]nvestigators|[Dd]etectives|[Aa]uthorities|[Oo]fficials)\s+"
    r"(?:believe|suspect|think)\b"
    r"|\b(?:data|evidence|findings|results|research|studies|study|figures|tests|preprint|"
    r"surveys?|analys[ie]s|trials?|polls?|estimates|modelling|modeling|projections)\s+"
    r"(?:suggests?|suggested)\b"
    # near, not yet: "are close to agreeing", "is on course to win", "on the verge of"
    r"|\b(?:is|are|was|were)\s+(?:now\s+)?(?:close\s+to\s+\w+ing|on\s+(?:course|track)\s+(?:to|for)|"
    r"on\s+the\s+verge\s+of)\b"
    r"|(?<!\bthe\s)(?<!\bfree\s)(?<!\bgood\s)(?<!\bhis\s)(?<!\bher\s)(?<!\bits\s)"
    r"\bwill\b(?!\s+of\b)|\bwon't\b|\bwon’t\b"
    r"|\bis\s+to\s+(?:be\s+)?\w+ed\b|\bare\s+to\s+(?:be\s+)?\w+ed\b)"
)
_HEDGE_RE = re.compile(f"(?=(?:{_trie(_HEDGE_STARTS)})){_HEDGE_PATTERN}")


# a reporting verb (or "that", "whether", "if") earlier in the sentence: a "would" after it is
# the tense of reported speech
_REPORTED_BEFORE = re.compile(
    r"\b(?:said|says|say|saying|told|tells|added|warned|insisted|claimed|confirmed|announce|"
    r"announced|argued|stated|wrote|promised|pledged|vowed|threatened|expected|expects|believed|"
    r"believes|thought|think|thinks|hoped|feared|knew|agreed|decided|indicated|stressed|"
    r"suggested|signalled|signaled|noted|acknowledged|predicted|that|whether|if|when|unless)\b"
)


_ANTICIPATION = re.compile(
    r"^(?:will|won't)$|\b(?:set|due|poised|scheduled|plans?|planned)\s+to$|^(?:is|are)\s+to\b"
    r"|^set\s+for$"
    r"|\bclose\s+to\s+\w+ing$|\bon\s+(?:course|track)\s+(?:to|for)$|\bverge\s+of$"
)


def is_anticipation(marker: str) -> bool:
    """A marker of an expected event ("will", "is set to") rather than of doubt ("may")."""
    return _ANTICIPATION.search(marker) is not None


# ...opening a headline or a sentence, capitalised: "Suspected Nipah case in Kerala", "Study
# suggests ..." (matched at the start only: capitals elsewhere are names)
_HEDGE_OPENING = re.compile(
    r"(?:Suspected|Alleged|Unconfirmed)\b"
    # a sentence's own doubt: "Presumably, other games ...", "Reportedly, the deal ..."
    r"|(?:Reportedly|Allegedly|Apparently|Possibly|Probably|Presumably|Seemingly|Purportedly|"
    r"Supposedly|Perhaps|Maybe)\b"
    r"|(?:Study|Research|Data|Preprint|Surveys?|Analysis|Trials?|Polls?)\s+(?:suggests?|suggested)\b"
)


def hedges(text: str) -> list[tuple[int, int, str]]:
    """(start, end, marker) of each hedging or anticipating phrase, the marker normalised
    (lower case, single spaces). Only lower-case "may" counts (not the month)."""
    out: list[tuple[int, int, str]] = []
    opening = _HEDGE_OPENING.match(text) if text[:1] in "SARDPTUM" else None
    if opening is not None:
        out.append((0, opening.end(), " ".join(opening.group(0).lower().split())))
    for m in _HEDGE_RE.finditer(text, opening.end() if opening is not None else 0):
        word = m.group(0)
        if word[:1].isupper() and word.lower() in ("may", "will"):
            continue
        if word == "would" and _REPORTED_BEFORE.search(text, 0, m.start()) is not None:
            continue  # reported speech's tense: "she said she would appeal"
        out.append((m.start(), m.end(), " ".join(word.lower().replace("’", "'").split())))
    return out


# --- notices -----------------------------------------------------------------------------------

_NOTICE_RE = re.compile(
    r"(?:^|(?<=[.!?])\s+)[^\w\s]*(?:correction|clarification|corrections and clarifications|"
    r"update|updated|editor'?s note|editor’s note|amended|amendment|note)\b\s*[:.\-–—(]"
    # a wire's correction line: "(Corrects percentage fall in paragraph 1 to 4%, not 14%)"
    r"|^\s*\((?:corrects|clarifies)\b"
    r"|\b(?:this|the)\s+(?:article|story|report|piece|headline|post|version|caption|paragraph|"
    r"sentence|graphic|chart|table|map|photo|picture|video)\b.{0,60}?"
    r"\b(?:was|has\s+been|have\s+been|had\s+been|is\s+being)\s+(?:amended|corrected|updated|"
    r"changed|edited|clarified|revised)"
    # dated, at a sentence's start: "Update, 14 October:", "Correction (12 May):"; the date
    # starts right after the word ("Update your app:" is no notice)
    r"|(?:^|(?<=[.!?])\s+)[^\w\s]*(?:correction|clarification|update|updated|editor'?s note|"
    # (and when it was added: "Correction added Nov. 18, 2019:", "Update appended at 14:00:")
    r"editor’s note)(?:\s+(?:added|appended|made|issued|posted)(?:\s+(?:at|on))?)?"
    rf"[,\s(]+(?:\d|(?:{_MONTH}|{_WEEKDAYS})\b)[\w ,.:]{{0,24}}?\)?\s*:"
    # "an earlier version of this article", "An earlier version said ..."; not "an earlier
    # version of the bill"
    r"|\ban\s+earlier\s+version\s+(?:of\s+this\b|of\s+the\s+(?:article|story|report|piece|"
    r"headline|post|caption|page|graphic|video|interview|obituary|column|review|feature|blog|"
    r"picture|photo|map|chart|list|table|newsletter|podcast|letter|analysis)\b|(?:said|stated|"
    r"gave|misstated|misspel\w*|misidentified|misnamed|misquoted|misattributed|incorrectly|"
    r"wrongly|included|referred|described|reported|suggested|implied|named|quoted|omitted|"
    r"contained|used|showed|had)\b)"
    r"|\bwe\s+(?:are\s+happy\s+to\s+(?:correct|clarify)|apologi[sz]e\s+for\s+(?:the|this|any)\s+"
    r"(?:error|mistake|confusion))",
    re.IGNORECASE,
)


# Every notice holds one of these, in any case: the text is lowered and checked for them
# first. Outside ASCII, re's case folding also matches "ı" and "İ" to "i", "ſ" to "s" and the
# Kelvin sign to "k" (sre_compile's equivalences and simple lower-case mappings: nothing else
# folds onto an ASCII letter), so those are made plain letters before lowering.
_NOTICE_HINT = re.compile(
    r"correct|clarif|update|editor|amend|note|change|edited|revised|earlier\s+version|apologi"
)
_FOLDS_TO_ASCII = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def _notice_hint(text: str) -> bool:
    """Could ``text`` hold a notice (one of :data:`_NOTICE_HINT`, in any case)?"""
    if not text.isascii():
        for odd, letter in _FOLDS_TO_ASCII:
            text = text.replace(odd, letter)
    return _NOTICE_HINT.search(text.lower()) is not None


# A page's time stamp ("Updated 14:32 GMT", "Last updated: 29 November 2026, 2.32pm"): what
# the page says of itself, not a notice, and not a quantity of the story when it changes
_STAMP = re.compile(
    rf"\W*(?i:last\s+)?(?i:updated|published|posted|modified)(?:\s+(?:on|at))?:?\s+"
    rf"(?:(?:\d{{1,4}}(?:[:./]\d{{1,4}})*(?:st|nd|rd|th)?|[ap]\.?m\.?|(?i:{_MONTH})\.?"
    rf"|(?i:{_WEEKDAYS})|[A-Z]{{2,5}}|at|on|(?i:hours?|hrs?|minutes?|mins?|days?|ago))"
    rf"[\s,.–—-]*){{1,8}}"
)


_FURNITURE = re.compile(
    r"\s*(?:(?:RELATED|Related|READ MORE|Read more|READ ALSO|Read also|SEE ALSO|See also|MORE|"
    r"WATCH|Watch|LISTEN|Listen)\s*:"
    r"|By\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\b.{0,60}?\|\s*(?:Published|Updated|Posted)"
    # a wire's advisory line: "(Adds CEO comment in paragraph 3)", "(Updates with close)"
    r"|\((?:Adds|Updates|Recasts|Rewrites|Refiles|Repeats|Removes|Moves|Changes|Fixes|Writes"
    r"\s+through|Releases)\b[^()]*\)\s*$)"
)


def is_stamp(text: str) -> bool:
    """Is ``text`` (a sentence or a paragraph) a page's furniture: a time stamp and nothing
    else, a byline with one ("By Kim Alvarez | Updated 1:42 p.m."), or a link to another story
    ("RELATED: ...", "Read more: ...")?"""
    if text[:1] in "ULPMulpm(*[•" and _STAMP.fullmatch(text.strip()) is not None:
        return True
    return _FURNITURE.match(text) is not None


def notice(text: str) -> tuple[int, str] | None:
    """(start, kind) of a correction notice in a paragraph (it runs from ``start`` to the
    paragraph's end), kind one of ``correction``, ``clarification``, ``update``; or None."""
    if not _notice_hint(text):
        return None
    m = _NOTICE_RE.search(text)
    if m is None or is_stamp(text):
        return None
    # The notice starts at the beginning of its sentence.
    start = max(text.rfind(stop, 0, m.start() + 1) for stop in (". ", "! ", "? "))
    start = 0 if start < 0 else start + 2
    while start < len(text) and text[start].isspace():
        start += 1
    rest = text[start:].lower()
    if "clarif" in rest:
        kind = "clarification"
    elif re.search(r"correct|amend|earlier version|error|mistak|wrong|misstat|misspel", rest):
        kind = "correction"
    else:
        kind = "update"
    return start, kind


# --- trivial changes -----------------------------------------------------------------------------

_QUOTE_MARKS = str.maketrans("“”„‟«»‘’‚‛‹›`´", "\"\"\"\"\"\"''''''''")


_QUOTE_PAIRS = tuple((chr(mark), chr(straight)) for mark, straight in _QUOTE_MARKS.items())


def _straight_quotes(text: str) -> str:
    """``text`` with typeset quote marks made straight (:data:`_QUOTE_MARKS`), one
    ``str.replace`` per mark: ten times faster than ``str.translate`` with the table outside
    ASCII (one character for one, and no mark is made into another mark, so the order of the
    replacements does not matter). ASCII holds only the backtick."""
    if text.isascii():
        return text.replace("`", "'")
    for mark, straight in _QUOTE_PAIRS:
        text = text.replace(mark, straight)
    return text


_NOT_ALNUM = re.compile(r"[\W_]+")
TRIVIAL_WORDS = 300  # longer texts are compared word for word only through their regions


def plain_words(text: str, cache: dict[str, list[str]] | None = None) -> list[str]:
    """The words of ``text`` case-folded, without punctuation, quote style or hyphens.
    ``cache``: as for :func:`newsdiff.diff.tokens.folded_words` (the list given may be the
    one it holds: not to be changed)."""
    return _plain_words(text, cache)


# Words whose appearance or removal may change a quantity or a hedge: a pair of sentences
# whose changed words hold none of them is not searched for numbers or hedges at all.
NUMBERISH = frozenset(
    [*NUMBER_WORDS, *_MONTHS, *_SCALES, *_FRACTIONS, "hundred", "per", "cent", "percent", "dozens"]
    + [*_VAGUE_WORDS.split("|"), "tens"]
    + _WEEKDAYS.split("|")
    + [*_ORDINALS, *_TIMES, "times", "then", "midnight", "midday", "noon", "am", "pm"]
    + "more less fewer least most up many much few estimated almost nearly about around "
    "approximately roughly some over under just well close excess upwards".split()
    # numbers written with a hyphen, as plain_words joins them ("twenty-five", "two-thirds")
    + [t + u for t in _TENS for u in _SMALL[1:10]]
    + [c + p for c in _SMALL[1:10] for p in ("half", "halves", *_FRACTIONS, "fifth", "fifths")]
)
# The words of :data:`_WORDS_RE` (lower case, as plain_words gives them).
WORD_QUANTITIES = frozenset(
    [*_ORDINALS, *_TIMES, *_NAMED_TIMES, *(m.lower() for m in _LONE_MONTHS)]
)
HEDGE_WORDS = frozenset(
    "expected understood believed thought said reported feared suspected alleged likely set "
    "due poised scheduled rumoured rumored tipped considered presumed supposed may might could "
    "reportedly allegedly apparently possibly probably presumably seemingly purportedly "
    "supposedly unconfirmed unlikely perhaps maybe appears appear appeared seems seem seemed "
    "plans plan planned will wont would should believe suspect think possible unclear accused "
    "close course track if "
    "convicted guilty "
    "verge allege "
    "projected forecast forecasted predicted within later soon shortly tomorrow tonight next "
    "alleges suggest suggests suggested looks look believes possible unable cannot cant "
    "verify confirm verified confirmed potential predicted predicts predict estimated".split()
)


def _plain_words(text: str, cache: dict[str, list[str]] | None = None) -> list[str]:
    found = folded_words(_straight_quotes(text), cache)
    if "".join(found).isalnum():
        return found  # every word (none is empty) is alphanumeric: nothing to take out
    # [\W_] is "not isalnum()" for re's Unicode \w: most words need no substitution.
    return [w if w.isalnum() else _NOT_ALNUM.sub("", w) for w in found]


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), for short words."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _unaccented(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )


def respelt(a: str, b: str) -> bool:
    """Are two words one word spelt two ways: accents or case ("Siobhan" -> "Siobhán") or a
    misspelling (:func:`spelling_fix`: "Nortwich" -> "Northwich")?"""
    x, y = _unaccented(a), _unaccented(b)
    return x == y or spelling_fix(x, y)


def acronym(name: str) -> str:
    """The initials of a name's capitalised words, in lower case ("Department for Environment,
    Food and Rural Affairs" -> "defra", "Office for National Statistics" -> "ons"); "" for a
    name of fewer than three such words."""
    initials = [w[0] for w in re.findall(r"[A-Z][\w'’-]*", name)]
    return "".join(initials).lower() if len(initials) >= 3 else ""


def spelling_fix(a: str, b: str) -> bool:
    """A misspelt word corrected, not another word: a small distance, no digits, and not a
    change of inflection ("lose" -> "lost", "claims" -> "claimed")."""
    if min(len(a), len(b)) < 4 or a[0] != b[0] or any(c.isdigit() for c in a + b):
        return False
    # Another form of the word: a suffix added or dropped, or its last letter changed.
    if a.startswith(b) or b.startswith(a) or (len(a) == len(b) and a[:-1] == b[:-1]):
        return False
    limit = 1 if min(len(a), len(b)) < 8 else 2
    # The distance is at least the difference in length: most pairs of words stop here. It is
    # at least the letters one word has that the other has not, too (:func:`_letters_over`).
    return (
        abs(len(a) - len(b)) <= limit
        and not _letters_over(a, b, limit)
        and _distance(a, b) <= limit
    )


def _letters_over(a: str, b: str, limit: int) -> bool:
    """Do ``a`` and ``b`` differ in more than ``limit`` letters counted as multisets? An
    insertion, deletion or substitution changes one letter of each side at most, a
    transposition none: then their edit distance is more than ``limit`` too."""
    gone = 0  # letters of a that b has not
    for c in set(a):
        n = a.count(c) - b.count(c)
        if n > 0:
            gone += n
    # b's letters that a has not: as many, less what a is longer by
    return max(gone, gone - len(a) + len(b)) > limit


_PER_CENT = re.compile(r"(\d)\s*(?:per\s?cent|percent|pc)\b", re.IGNORECASE)
# A scale written out or short, as house styles differ: "3.4 billion", "3.4bn", "3.4 bln"
_SCALE_STYLE = re.compile(
    r"(\d)\s*(thousand|k|million|mn|mln|m|billion|bn|bln|trillion|tn)\b", re.IGNORECASE
)
_SCALE_SHORT = {"thousand": "k", "million": "m", "mn": "m", "mln": "m", "billion": "bn"}
_SCALE_SHORT |= {"bln": "bn", "trillion": "tn"}


def _same_numbers_otherwise(a: list[str], b: list[str], old: str, new: str) -> bool:
    """Do the words ``a`` of ``old`` and ``b`` of ``new`` differ only in how the same
    quantities are written?"""
    # (a cheap test first: the words on one side only, as sets; the texts decide below)
    differ = set(a) ^ set(b)
    if not differ or not all(
        w[:1].isdigit() or w in _SCALES or w in _CURRENCY_WORDS or MONEY_WORD.match(w)
        for w in differ
    ):
        return False
    olds, news = quantities(old, False), quantities(new, False)
    if not olds or [q.key for q in olds] != [q.key for q in news]:
        return False
    return _plain_words(_without(old, olds)) == _plain_words(_without(new, news))


def _without(text: str, found: list[Quantity]) -> str:
    """``text`` with each quantity in ``found`` replaced by one mark."""
    out, at = [], 0
    for q in found:
        out += [text[at : q.start], " 0 "]
        at = q.end
    return "".join([*out, text[at:]])


def _scale_style(m: re.Match[str]) -> str:
    word = m.group(2).lower()
    return f"{m.group(1)}{_SCALE_SHORT.get(word, word)}"


def _unexplained(a: list[str], b: list[str], joined_a: str, joined_b: str) -> bool:
    """Does a word of ``a`` found nowhere in ``b`` stand neither inside ``b``'s words run
    together (``joined_b``) nor as a misspelling of a word of ``b`` (or one of ``b`` likewise
    against ``a``)? Then :func:`trivial_change` finds more than a trivial change, without
    difflib (a quarter of a changed quotation's cost): such a word stands in some opcode that
    is not "equal" (those pair equal words), and every other opcode it lets pass either joins
    to the same text on both sides (the word is then inside ``joined_b``) or replaces words
    one for one by their spelling fixes."""
    set_a, set_b = set(a), set(b)
    for words, others, joined, a_side in (
        (set_a - set_b, set_b, joined_b, True),
        (set_b - set_a, set_a, joined_a, False),
    ):
        for word in words:
            if word in joined:
                continue
            if len(word) >= 4 and any(
                spelling_fix(word, other) if a_side else spelling_fix(other, word)
                for other in others
                if other[:1] == word[:1]
            ):
                continue
            return True
    return False


def trivial_change(old: str, new: str) -> list[str] | None:
    """What kinds of trivial change turn ``old`` into ``new`` (``case``, ``punctuation``,
    ``quotes``, ``whitespace``, ``spelling``), or None if the change is more than that."""
    if old == new:
        return []
    styled = False  # a number written in another house style
    if "%" in old or "%" in new:  # "42 per cent" -> "42%"
        old, new, was = _PER_CENT.sub(r"\1%", old), _PER_CENT.sub(r"\1%", new), (old, new)
        styled = (old, new) != was
    if _SCALE_STYLE.search(old) or _SCALE_STYLE.search(new):  # "$3.4 billion" -> "$3.4bn"
        was = (old, new)
        old, new = _SCALE_STYLE.sub(_scale_style, old), _SCALE_STYLE.sub(_scale_style, new)
        styled = styled or (old, new) != was
    a, b = _plain_words(old), _plain_words(new)
    what: set[str] = set()
    if a != b and _same_numbers_otherwise(a, b, old, new):
        what.add("numbers")  # "10,000" -> "10 000", "12,50,000" -> "12.5 lakh"
    elif a != b:
        joined_a, joined_b = "".join(a), "".join(b)
        if joined_a != joined_b:
            if len(a) + len(b) > 2 * TRIVIAL_WORDS:
                return None  # difflib is quadratic on long repetitive texts
            if _unexplained(a, b, joined_a, joined_b):
                return None  # what the opcodes below would find, without difflib
            matcher = SequenceMatcher(None, a, b, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal":
                    continue
                if "".join(a[i1:i2]) == "".join(b[j1:j2]):
                    continue
                if tag != "replace" or i2 - i1 != j2 - j1:
                    return None
                if not all(spelling_fix(x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)):
                    return None
            what.add("spelling")
        else:
            what.add("punctuation")
    if " ".join(old.split()) != " ".join(new.split()) or old.split() != new.split():
        if "".join(old.split()) == "".join(new.split()):
            what.add("whitespace")
    straight_old, straight_new = _straight_quotes(old), _straight_quotes(new)
    if straight_old != old or straight_new != new:
        if straight_old == straight_new:
            what.add("quotes")
    if old.casefold() == new.casefold() and old != new:
        what.add("case")
    if not what:
        what.add("numbers" if styled and old == new else "punctuation")
    return sorted(what)
