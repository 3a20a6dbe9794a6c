"""Stories as timelines of events, and the coverage linking events to articles."""

from __future__ import annotations
