"""`python -m newsdiff.cli`: the same as the `newsdiff` command."""

from __future__ import annotations

from newsdiff.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
