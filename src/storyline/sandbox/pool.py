"""Extraction worker processes that can be stopped: a page over its budget kills its
worker, the pool starts another, and the caller gets ``too_slow`` or ``too_big``.

Built on pebble's ``ProcessPool``: unlike ``concurrent.futures``, it times each task from
the moment a worker starts it, terminates that one worker on a timeout (SIGTERM, whose
default action ends the process even inside C code that never returns to Python, then
SIGKILL) and replaces it, and a dead worker fails only its own task. Workers fork from a
forkserver that imported the extractor once (``work.py``), so replacing one is cheap and
no thread or database handle of the parent is inherited.

``Extractor`` is what the pipeline and the CLI hold (``warm``: the forkserver extracts one
small page before forking, so workers start with every library loaded, worth it when many
pages follow): ``article(...)`` extracts one page under the budget and raises
``TooSlowError`` / ``TooBigError``; with both limits 0 it extracts in the calling
process (tests of other stages, and users who trust their input).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from storyline.config import Settings
from storyline.errors import BudgetError, TooBigError, TooSlowError
from storyline.model import Article
from storyline.sandbox.budget import EXIT_TOO_BIG, Budget

log = logging.getLogger(__name__)
R = TypeVar("R")
_PRELOAD = ("storyline.sandbox.work",)
WARM = ("storyline.sandbox.warm",)  # preload that warms workers up (many pages to come)


def context(preload: tuple[str, ...] = ()) -> multiprocessing.context.BaseContext:
    """Forkserver where there is one (workers fork from a clean server that imported the
    extractor once); spawn elsewhere. One forkserver serves every pool of the process, so
    the ``preload`` of the first pool started is the one in force."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(dict.fromkeys(_PRELOAD + preload)))
    return ctx


def budget_error(exc: BaseException, budget: Budget) -> BudgetError | None:
    """The budget problem a failed task's exception stands for, or None for another
    failure: a timeout is too_slow; a worker that exited for lack of memory (or was
    killed, as the kernel's OOM killer does) is too_big."""
    if isinstance(exc, FutureTimeout):
        return TooSlowError(budget.too_slow_message())
    if isinstance(exc, ProcessExpired) and exc.exitcode in (EXIT_TOO_BIG, -signal.SIGKILL):
        return TooBigError(budget.too_big_message())
    return None


class WorkerPool:
    """``workers`` extraction processes, each task under ``budget``."""

    def __init__(self, workers: int, budget: Budget, preload: tuple[str, ...] = ()) -> None:
        from storyline.sandbox.work import worker_init

        self.budget = budget
        self._pool = ProcessPool(
            max_workers=max(1, workers),
            initializer=worker_init,
            initargs=(budget.memory_mb,),
            context=context(preload),
        )

    def submit(self, func: Callable[..., R], *args: Any) -> Future[R]:
        """Run ``func(*args)`` in a worker, stopped after the budget's seconds."""
        return self._pool.schedule(func, args=args, timeout=self.budget.timeout)

    @property
    def broken(self) -> bool:
        """Whether the pool failed as a whole (pebble's "all workers expired": a worker
        died between tasks); its queued tasks will never run."""
        return not self._pool.active

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: after their tasks, or at once with ``cancel``.

        A broken pool is stopped from a daemon thread: pebble's scheduler thread may be
        stuck writing a task to a pipe no worker reads, and its join would wait for ever;
        the stop kills the workers before that join."""
        if self.broken:
            threading.Thread(target=self._pool.join, name="broken-pool", daemon=True).start()
            return
        if cancel:
            self._pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
        else:
            self._pool.close()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
        self._pool.join()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)


class Extractor:
    """Extracts pages from outside under the budget (see the module docstring)."""

    def __init__(self, settings: Settings, workers: int = 1, warm: bool = True) -> None:
        self.budget = Budget.from_settings(settings)
        self.max_bytes = int(settings.extract_max_bytes)
        self._workers = workers
        self._preload = WARM if warm else ()
        self._pool: WorkerPool | None = None

    @property
    def sandboxed(self) -> bool:
        """False when both limits are off and pages are extracted in this process."""
        return self.budget.seconds > 0 or self.budget.memory_mb > 0

    def article(
        self,
        data: bytes,
        url: str | None,
        content_type: str | None = None,
        is_text: bool = False,
        max_bytes: int | None = None,
    ) -> Article:
        """The page's Article; TooSlowError / TooBigError when it goes over budget, and
        the extractor's own StorylineErrors (not HTML, too large) as they are."""
        from storyline.sandbox.work import extract_page_bytes

        args = (data, url, content_type, is_text, max_bytes or self.max_bytes)
        if not self.sandboxed:
            return extract_page_bytes(*args)
        if self._pool is None:
            self._pool = WorkerPool(self._workers, self.budget, self._preload)
        future = self._pool.submit(extract_page_bytes, *args)
        try:
            return future.result()
        except (FutureTimeout, ProcessExpired) as exc:
            problem = budget_error(exc, self.budget)
            if problem is None:
                raise
            log.info("%s: %s", url or "a page", problem)
            raise problem from None

    def close(self) -> None:
        """Stop the worker processes (started on first use)."""
        if self._pool is not None:
            self._pool.close(cancel=True)
            self._pool = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
