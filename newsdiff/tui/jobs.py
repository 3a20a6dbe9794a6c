"""Running database and diff work in thread workers and handing results back.

Each pane starts its work with ``@work(thread=True, exclusive=True, group=<pane>)`` (a newer
request cancels the older one) and passes a token; :func:`deliver` runs the job in the worker
thread and posts the result back unless the worker was cancelled meanwhile. The pane drops any
result whose token is not its latest, so a slow stale answer never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget
from textual.worker import get_current_worker

from newsdiff.errors import NewsdiffError
from newsdiff.tui.messages import Failed, Loaded


def deliver(widget: Widget, token: int, job: Callable[[], object]) -> None:
    """Run ``job`` (in the calling worker thread) and post its result or error to ``widget``."""
    worker = get_current_worker()
    message: Loaded | Failed
    try:
        message = Loaded(token, job())
    except NewsdiffError as exc:
        message = Failed(token, exc)
    if worker.is_cancelled:
        return
    try:
        widget.post_message(message)
    except RuntimeError:  # the app's loop closed while we worked: nobody to tell
        pass
