from __future__ import annotations

from newsdiff.cli import main

main()
