"""Untrusted text (headlines, article text, URLs, outlet names) made safe for every output.

:func:`display` is for text that ends up anywhere (a terminal, XML, a CSV cell): control
characters become visible symbols and nothing XML 1.0 cannot carry is left. :func:`html_text`
escapes the result for HTML, in text and in attribute values.
"""

from __future__ import annotations

import html
import re

from newsdiff.text import printable

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def display(text: str | None) -> str:
    """Untrusted text made safe to show anywhere: control characters as visible symbols, and
    nothing XML 1.0 cannot carry."""
    return _NOT_XML.sub("\ufffd", printable(text or ""))


def html_text(text: object) -> str:
    """Untrusted text for HTML: control characters made visible, then escaped (quotes too)."""
    return html.escape(display(None if text is None else str(text)), quote=True)
