"""The collector: polite HTTP, feeds, extraction, URL canonicalisation, schedule, poll cycle."""

from __future__ import annotations

import sys

# httpx (imported by collect.http) imports its command-line client, and with it rich's console
# and pygments' lexers (about 0.05 s of CPU at every poll with work and worker start), whenever
# they are installed; newsdiff never uses it. Marked missing, httpx defines its stub `main`.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
