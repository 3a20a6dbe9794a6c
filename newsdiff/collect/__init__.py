"""The collector: polite HTTP, feeds, extraction, URL canonicalisation, schedule, poll cycle."""

from __future__ import annotations
