"""newsdiff: watch how news reporting changes.

Collects versions of news articles from feeds, diffs them paragraph by paragraph and word by word,
and organises them along the timeline of a story.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
