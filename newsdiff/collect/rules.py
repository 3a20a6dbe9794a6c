"""Per-outlet rules (``[outlets."Name"]`` in the config) applied around the generic extractor,
and the generic boilerplate lines dropped on every page.

A rule that matches nothing on a page is reported as a warning, never silently ignored: a
redesign that breaks a selector must show up on the check and in ``newsdiff extract``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from newsdiff.collect.headlines import element_text
from newsdiff.config import OutletRules
from newsdiff.errors import ConfigError

# Lines of page furniture that generic extractors let through inside the article container.
# Only short paragraphs are tested, so a sentence that merely mentions "views" is never dropped.
BOILERPLATE_MAX_CHARS = 80
_BOILERPLATE = re.compile(
    r"""^(?:
        advert(?:isement)?s? | e-?mail | print | tweet | facebook | twitter | whatsapp |
        linkedin | pinterest | reddit | copy\ link | (?:<<\s*)?back\ to\ \w+(?:\ \w+)? |
        (?:print|e-?mail)\ this\ (?:article|story|page) | e-?mail\ (?:a\ friend|us) |
        sponsored(?:\ content)? | promoted |
        share(?:\ this(?:\ (?:article|story|page))?)?(?:\ (?:on|via)\ \w+)? |
        (?:share|tweet|email|print)(?:\s*[|/·•,]\s*(?:share|tweet|email|print|facebook|twitter))+ |
        (?:read|see)\ (?:more|also)(?::.*)? | continue\ reading |
        (?:related|more)\ (?:stories|articles|content|links|on\ this\ story) |
        most\ (?:read|popular|viewed|shared)(?:\ stories|\ articles)? |
        (?:sign\ up|subscribe)\b.*newsletter.* | follow\ us\ on\ .* |
        (?:this\ (?:article|story|page)\ has\ been\ )?(?:viewed|read|shared)\ [\d,.]+\ times? |
        [\d,.]+\s*(?:k\s*)?(?:views?|reads?|shares?|comments?) |
        (?:views?|comments?|shares?)\s*:?\s*[\d,.]+ |
        page\ (?:generated|last\ updated)\ (?:at|on)\ .* |
        (?:(?:last|first)\ )?(?:updated|published|posted|modified)\b[^.!?]{0,60}\d[^.!?]{0,40} |
        back\ to\ top | skip\ to\ (?:main\ )?content | image\ (?:source|caption),?.{0,40} |
        copyright\ .{0,60} | ©.{0,60} | all\ rights\ reserved\.? |
        # a date (and time) on its own line: "Friday 9 November 2001", "November 9, 2001 10:15"
        (?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\ )?
        (?:\d{1,2}(?:st|nd|rd|th)?\ MONTH\.?,?|MONTH\.?\ \d{1,2}(?:st|nd|rd|th)?,?)
        \ \d{4}(?:,?\ (?:at\ )?\d{1,2}[:.]\d{2}(?:\ ?[ap]\.?m\.?)?(?:\ [a-z]{2,4})?)?
    )$""".replace("MONTH", r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"),
    re.IGNORECASE | re.VERBOSE,
)

_BAR = re.compile(r"\s*(?:[|·•]|::)\s*")

Selector = Callable[[Any], list[Any]]


@lru_cache(maxsize=256)
def compile_selector(css: str) -> Selector:
    """A CSS selector compiled with cssselect; a bad one is a :class:`ConfigError`."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        selector: Selector = CSSSelector(css)
    except (SelectorError, SyntaxError, ValueError) as exc:
        raise ConfigError(f"bad CSS selector {css!r}: {exc}") from exc
    return selector


@dataclass
class RuleResult:
    """What the rules did to one page."""

    headline: str | None = None
    body: list[Any] | None = None
    warnings: list[str] = field(default_factory=list)


def is_boilerplate(paragraph: str, link_texts: Set[str] = frozenset()) -> bool:
    """A short line of page furniture (share buttons, view counters, "Most read", a date on
    its own...), alone or several joined by ``|``; with ``link_texts`` (the texts of the page's
    links), also a short line made only of links ("More news | Archive")."""
    if len(paragraph) > BOILERPLATE_MAX_CHARS:
        return False
    parts = _BAR.split(paragraph.strip(" |·•:"))
    return all(part in link_texts or _BOILERPLATE.match(part) for part in parts)


def page_link_texts(tree: Any) -> set[str]:
    """The texts of the page's links, for :func:`is_boilerplate`."""
    return {text for a in tree.iter("a") if (text := element_text(a))}


def apply_page_rules(tree: Any, rules: OutletRules | None) -> RuleResult:
    """Apply the selectors of ``rules`` to ``tree`` (which is modified: excluded elements are
    removed). Returns the headline and body elements the rules chose, and warnings."""
    result = RuleResult()
    if rules is None:
        return result
    if rules.headline_selector:
        found = [t for t in map(element_text, compile_selector(rules.headline_selector)(tree)) if t]
        if found:
            result.headline = found[0]
        else:
            result.warnings.append(
                f"outlet rule headline_selector {rules.headline_selector!r} matched nothing"
            )
    for css in rules.exclude_selectors:
        matches = compile_selector(css)(tree)
        if not matches:
            result.warnings.append(f"outlet rule exclude_selectors {css!r} matched nothing")
        for element in matches:
            if element.getparent() is not None:
                element.drop_tree()
    if rules.body_selector:
        body = [
            el
            for el in compile_selector(rules.body_selector)(tree)
            if el.getparent() is not None or el is tree
        ]
        if body:
            result.body = body
        else:
            result.warnings.append(
                f"outlet rule body_selector {rules.body_selector!r} matched nothing; "
                "used the generic extractor"
            )
    return result


def drop_paragraphs(
    paragraphs: Sequence[str],
    rules: OutletRules | None,
    warnings: list[str],
    link_texts: Set[str] = frozenset(),
) -> list[str]:
    """Drop generic boilerplate lines and those matching the outlet's ``drop_paragraphs``
    regexes (a regex that matches no paragraph adds a warning)."""
    kept = [p for p in paragraphs if not is_boilerplate(p, link_texts)]
    if rules is None or not rules.drop_paragraphs:
        return kept
    patterns = [(raw, re.compile(raw)) for raw in rules.drop_paragraphs]
    used: set[str] = set()
    out = []
    for paragraph in kept:
        hits = {raw for raw, rx in patterns if rx.search(paragraph)}
        if hits:
            used |= hits
        else:
            out.append(paragraph)
    for raw, _ in patterns:
        if raw not in used:
            warnings.append(f"outlet rule drop_paragraphs {raw!r} matched nothing")
    return out
