"""The panes of the main screen, one widget per module."""

from __future__ import annotations
