"""Where a poll runs extraction: :class:`ExtractionPool`, and the job it runs there.

Extraction (lxml, trafilatura) and diff stats are CPU-bound Python, so threads share one core
under the GIL. The pool runs the first few jobs of a poll in threads (a small poll never pays
for starting processes), then, with two or more CPUs, in worker processes forked from a
forkserver that has already imported the extraction code. The processes start in a thread of
their own, so that ``submit`` never blocks the event loop. A worker that dies fails only the
jobs it held: they raise :class:`ExtractionError` (the check is recorded as failed) and the next
jobs get fresh workers.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    InvalidStateError,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from newsdiff.errors import ExtractionError, NewsdiffError
from newsdiff.store.edits import VersionEdits, compute_edits
from newsdiff.store.versions import ChangeStats, VersionText, change_stats

if TYPE_CHECKING:
    from newsdiff.diff import DocumentDiff

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0  # for the first worker process to come up

_PRELOAD = ["newsdiff.collect.extract", "newsdiff.diff", "newsdiff.diff.edits"]
# Each worker imports the main module again (as __mp_main__), and with it whatever that imports
# and the forkserver has not: ~0.4 s of CPU per worker. "__main__" in the preload list should
# prevent that but is ignored by Python 3.11 (python/cpython#137996, fixed in later versions),
# so the forkserver also imports the newsdiff modules the starting process has imported (the
# CLI, the poll cycle...), read from sys.modules when the pool starts: the collector names no
# module above it (the layer rule), and whatever entry point started the poll is covered.
_FORKSERVER_PRELOAD = ["__main__", *_PRELOAD, "newsdiff.collect.poll"]


def _preload() -> list[str]:
    """What the forkserver imports before forking workers: the extraction code, and the
    newsdiff modules this process has already imported (but not the TUI's: a worker never
    needs Textual)."""
    loaded = sorted(
        name
        for name in list(sys.modules)
        if name.startswith("newsdiff.") and not name.startswith("newsdiff.tui")
    )
    return [*_FORKSERVER_PRELOAD, *(n for n in loaded if n not in _FORKSERVER_PRELOAD)]


def default_processes() -> int:
    """Worker processes for extraction: the CPUs this process may use, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, 4)


def extract_for_store(
    extract: Callable[..., Any],
    body: bytes,
    url: str,
    *,
    previous: VersionText | None,
    **options: Any,
) -> tuple[Any, ChangeStats | None, VersionEdits | None]:
    """The job: extract the page, then compute the change stats and the typed edits against
    ``previous`` (the latest stored version), so that the write transaction has no diffing left
    to do.

    Any failure of the extraction becomes an :class:`ExtractionError` (which crosses process
    boundaries intact): one odd page is a failed check, never a stopped poll. A failure of the
    stats or edits only leaves them to be computed later (``add_version``, ``newsdiff
    analyse``)."""
    try:
        extraction = extract(body, url, **options)
    except NewsdiffError:
        raise
    except Exception as exc:
        logger.exception("extraction of %s failed", url)
        raise ExtractionError(f"extraction failed: {exc.__class__.__name__}: {exc}") from None
    diffs: list[DocumentDiff] = []  # the paragraph diff, computed once for stats and edits
    try:
        stats = change_stats(
            extraction.title, extraction.paragraphs, previous, dict(extraction.headlines), diffs
        )
    except Exception:  # noqa: BLE001 - add_version computes them again and reports
        logger.exception("change stats of %s failed", url)
        stats = None
    edits = None
    if stats is not None:  # a version will be made: what kind of change is it?
        try:
            diff = diffs[0] if diffs else None
            edits = compute_edits(previous, extraction.title, extraction.paragraphs, diff)
        except Exception:  # noqa: BLE001 - `newsdiff analyse` computes them later
            logger.exception("typed edits of %s failed", url)
    return extraction, stats, edits


def _init_worker() -> None:
    """In each worker process: exit when the process that started it is gone (workers of a
    killed poll would otherwise wait for jobs forever, and keep the forkserver alive), and
    import the extraction code (already there when forked from the forkserver)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    for name in _PRELOAD:
        __import__(name)


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _ready() -> bool:
    return True


def _context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_preload())
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on POSIX


Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def _copy(source: Future[Any], target: Future[Any]) -> None:
    """``source``'s outcome onto ``target`` (unless ``target`` was cancelled meanwhile), a dead
    worker becoming an :class:`ExtractionError`."""
    exc = source.exception() if not source.cancelled() else None
    try:
        if source.cancelled():
            target.cancel()
        elif isinstance(exc, BrokenProcessPool):
            target.set_exception(ExtractionError(f"extraction worker died: {exc}"))
        elif exc is not None:
            target.set_exception(exc)
        else:
            target.set_result(source.result())
    except InvalidStateError:  # cancelled by its caller while running
        pass


class ExtractionPool(Executor):
    """Threads for the first ``after`` jobs, then ``processes`` worker processes (none with
    ``processes`` <= 1). While the workers start, free threads take the waiting jobs; once they
    are up, every job goes to them. Use one per poll and shut it down at the end
    (``with ExtractionPool() as pool:``)."""

    def __init__(self, processes: int | None = None, *, after: int = 8, threads: int = 2) -> None:
        self.processes = default_processes() if processes is None else processes
        self.after = after
        self.in_threads = self.in_processes = 0  # jobs sent to each, for reports
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="newsdiff-extract")
        self._free_threads = threads
        self._procs: ProcessPoolExecutor | None = None
        self._starter: threading.Thread | None = None
        self._queue: deque[Job] = deque()
        self._jobs = 0
        self._closed = False
        self._lock = threading.Condition()

    @property
    def uses_processes(self) -> bool:
        """Whether worker processes are up and taking the jobs."""
        return self._procs is not None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to an ExtractionPool after shutdown")
            self._jobs += 1
            self._queue.append((future, fn, args, kwargs))
        self._dispatch()
        return future

    def _dispatch(self) -> None:
        """Hand waiting jobs to the workers if they are up, else to free threads."""
        while True:
            with self._lock:
                self._maybe_start()
                while self._queue and self._queue[0][0].cancelled():
                    self._queue.popleft()
                procs = self._procs
                if not self._queue or (procs is None and self._free_threads == 0):
                    self._lock.notify_all()
                    return
                job = self._queue.popleft()
                if procs is None:
                    self._free_threads -= 1
                    self.in_threads += 1
                else:
                    self.in_processes += 1
            future, fn, args, kwargs = job
            if procs is None:
                inner = self._threads.submit(fn, *args, **kwargs)
                inner.add_done_callback(functools.partial(self._thread_done, target=future))
                continue
            try:
                inner = procs.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                with self._lock:
                    self.in_processes -= 1
                    self._queue.appendleft(job)
                self._discard(procs)
                continue
            inner.add_done_callback(
                functools.partial(self._process_done, target=future, procs=procs)
            )

    def _maybe_start(self) -> None:
        """Start the worker processes, in a thread, once there have been ``after`` jobs."""
        if (
            self.processes > 1
            and self._jobs > self.after
            and self._procs is None
            and self._starter is None
            and self._queue
        ):
            self._starter = threading.Thread(
                target=self._start_processes, name="newsdiff-extract-start", daemon=True
            )
            self._starter.start()

    def _start_processes(self) -> None:
        procs = None
        try:
            procs = ProcessPoolExecutor(
                self.processes, mp_context=_context(), initializer=_init_worker
            )
            # one call per worker, so that all of them start now (submit starts them here)
            up = [procs.submit(_ready) for _ in range(self.processes)]
            done, _ = wait(up, timeout=START_TIMEOUT_S, return_when=FIRST_COMPLETED)
            if not any(f.exception() is None for f in done):
                raise RuntimeError("no worker process came up")
        except Exception as exc:  # noqa: BLE001 - threads carry on alone
            logger.warning("extraction stays in threads: worker processes failed (%s)", exc)
            if procs is not None:
                procs.shutdown(wait=False, cancel_futures=True)
            with self._lock:
                self.processes = 1
                self._starter = None
            self._dispatch()
            return
        logger.debug("extraction moves to %d worker processes", self.processes)
        with self._lock:
            self._procs, self._starter = procs, None
        self._dispatch()

    def _thread_done(self, done: Future[Any], *, target: Future[Any]) -> None:
        _copy(done, target)
        with self._lock:
            self._free_threads += 1
        self._dispatch()

    def _process_done(
        self, done: Future[Any], *, target: Future[Any], procs: ProcessPoolExecutor
    ) -> None:
        if not done.cancelled() and isinstance(done.exception(), BrokenProcessPool):
            self._discard(procs)
        _copy(done, target)

    def _discard(self, procs: ProcessPoolExecutor) -> None:
        """Drop a broken pool of workers; the next jobs start a fresh one."""
        with self._lock:
            if self._procs is not procs:
                return
            self._procs = None
        logger.warning("an extraction worker died; starting afresh")
        procs.shutdown(wait=False, cancel_futures=True)
        self._dispatch()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                for future, *_ in self._queue:
                    future.cancel()
                self._queue.clear()
            while wait and self._queue:
                self._lock.wait()
            starter = self._starter
        if starter is not None and wait:
            starter.join()
        with self._lock:
            procs, self._procs = self._procs, None
        if procs is not None:
            procs.shutdown(wait=wait, cancel_futures=cancel_futures)
        self._threads.shutdown(wait=wait, cancel_futures=cancel_futures)
