"""The offline demo: a local news site whose articles change between polls, and its driver."""

from __future__ import annotations
