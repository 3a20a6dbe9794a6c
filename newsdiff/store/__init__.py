"""The store: typed models, engine setup, query functions and migrations (no HTTP, no UI)."""

from __future__ import annotations
