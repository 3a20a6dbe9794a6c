"""The main screen and the modal screens (help, version picker, story switcher, find)."""

from __future__ import annotations
