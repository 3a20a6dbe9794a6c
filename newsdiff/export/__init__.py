"""Research outputs: CSV/JSONL tables, an Atom feed of changes, static HTML diff pages, and a
NewsEdits-compatible SQLite file."""

from __future__ import annotations
