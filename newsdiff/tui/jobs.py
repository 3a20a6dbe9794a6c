"""Running database and diff work in thread workers and handing results back.

Each pane starts its work with ``@work(thread=True, exclusive=True, group=<pane>)`` (a newer
request cancels the older one) and passes a token; :func:`deliver` runs the job in the worker
thread and posts its result back unless the worker was cancelled meanwhile. A job returns its
result as a typed message, one class per kind of result (:class:`~newsdiff.tui.messages.Result`:
``ArticlesLoaded``, ``DiffComputed``...), carrying the token; the widget that asked for it
handles that class (``on_articles_loaded``...) and drops any result whose token is not its
latest, so a slow stale answer never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget
from textual.worker import get_current_worker

from newsdiff.errors import NewsdiffError
from newsdiff.tui.messages import Failed, Result


def deliver(widget: Widget, token: int, job: Callable[[], Result]) -> None:
    """Run ``job`` (in the calling worker thread) and post the message it returns, or its
    error as :class:`Failed`, to ``widget``."""
    worker = get_current_worker()
    message: Result | Failed
    try:
        message = job()
    except NewsdiffError as exc:
        message = Failed(token, exc)
    if worker.is_cancelled:
        return
    try:
        widget.post_message(message)
    except RuntimeError:  # the app's loop closed while we worked: nobody to tell
        pass
