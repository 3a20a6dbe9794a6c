"""The Textual app: review a story's timeline, its coverage and side-by-side diffs.

Build it with :func:`newsdiff.tui.app.make_app`.
"""

from __future__ import annotations
