"""What the TUI loads before its first frame: neither SQLAlchemy (a worker imports it once the
frame is drawn) nor the diff engine (its first diff is computed in a worker)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "newsdiff.diff", "newsdiff.store.db", "newsdiff.timeline.browse")


def test_the_app_imports_nothing_heavy_before_its_first_frame() -> None:
    code = (
        "import sys; import newsdiff.tui.app; "
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stdout
