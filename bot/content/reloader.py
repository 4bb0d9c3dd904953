"""Reloading the content while the bot runs, in a way hostile files cannot exploit.

/reload and SIGHUP both come here. The files are read and validated in a child process
(`load_worker`) under a memory ceiling and the load's time budget, then indexed in a
daemon thread; the caller swaps the result in only if there were no problems, so the
running content stays whatever happens. Every failure (content problems, a child that
died or overran, an index that could not be built) comes back as problems naming what
to fix, never as an exception.

Shutdown never waits on a reload: reloads run as tasks this object owns (not the
framework's), `close` cancels them, a cancelled load kills its child, and an index still
being built in its daemon thread is simply dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import sys
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from bot.content.limits import LoadLimits
from bot.content.load_worker import request
from bot.content.models import Content
from bot.content.problems import Problem

logger = logging.getLogger(__name__)

T = TypeVar("T")

WORKER = (sys.executable, "-m", "bot.content.load_worker")
# The child's address-space ceiling. The load's own budgets keep it to a few hundred MB
# at worst; this is the backstop if they did not.
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024
# On top of the load's time budget: the child's interpreter start-up on a busy machine.
STARTUP_GRACE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Reloaded(Generic[T]):
    """A reload's outcome: the new value (content, indexed) or the problems that stop it."""

    value: T | None
    problems: tuple[Problem, ...] = ()


class ContentReloader(Generic[T]):
    """Loads the content files in an abandonable child process, one load at a time."""

    def __init__(
        self,
        agenda_path: Path,
        faq_dir: Path,
        limits: LoadLimits,
        build: Callable[[Content], T],
        *,
        worker: Sequence[str] = WORKER,
        memory_bytes: int = CHILD_MEMORY_BYTES,
    ) -> None:
        self.agenda_path = agenda_path
        self.faq_dir = faq_dir
        self.limits = limits
        self.build = build
        self.worker = tuple(worker)
        self.memory_bytes = memory_bytes
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    @property
    def _where(self) -> str:
        return f"{self.agenda_path} and {self.faq_dir}"

    async def reload(self, agenda_path: Path | None = None) -> Reloaded[T]:
        """Load, validate and build; reloads asked for at once run one after another.

        `agenda_path` loads another agenda file with the same FAQ (a synced programme
        waiting for its check, bot.schedule_sync).
        """
        async with self._lock:
            loaded = await self._load(agenda_path or self.agenda_path)
            if loaded.problems or loaded.value is None:
                return Reloaded(None, loaded.problems)
            try:
                return Reloaded(await _in_daemon_thread(self.build, loaded.value))
            except Exception as exc:
                logger.exception("the reloaded content could not be indexed")
                return Reloaded(None, (Problem(self._where, f"could not be indexed: {exc}"),))

    def in_background(self, work: Coroutine[Any, Any, None], name: str = "reload") -> None:
        """Run a reload-and-report coroutine that `close` cancels (shutdown never waits)."""
        if self._closed:
            work.close()
            return
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("reload failed", exc_info=task.exception())

    async def close(self) -> None:
        """Cancel every reload in progress (their children are killed) and refuse new ones."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _load(self, agenda_path: Path) -> Reloaded[Content]:
        job = request(str(agenda_path), str(self.faq_dir), self.limits, self.memory_bytes)
        child = await asyncio.create_subprocess_exec(
            *self.worker,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            timeout = self.limits.seconds + STARTUP_GRACE_SECONDS
            out, err = await asyncio.wait_for(child.communicate(job), timeout)
        except TimeoutError:
            message = (
                f"loading took longer than {self.limits.seconds:g} s, the time allowed "
                "(CONTENT_LOAD_SECONDS), and was stopped"
            )
            return Reloaded(None, (Problem(self._where, message),))
        finally:
            if child.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.kill()
                await child.wait()  # prompt after SIGKILL; reaps it (no zombie left behind)
        return self._result(child.returncode, out, err)

    def _result(self, code: int | None, out: bytes, err: bytes) -> Reloaded[Content]:
        try:
            kind, value = pickle.loads(out) if code == 0 else (None, None)
        except Exception:  # a child killed mid-write: treated like any other failure
            kind, value = None, None
        if kind == "content" and isinstance(value, Content):
            return Reloaded(value)
        if kind == "problems" and isinstance(value, list):
            return Reloaded(None, tuple(value))
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:]
        reason = last[0] if last else f"the loading process ended with code {code}"
        logger.error("content load worker failed (exit %s): %s", code, err[-4000:])
        return Reloaded(None, (Problem(self._where, f"loading failed: {reason}"),))


async def _in_daemon_thread(function: Callable[[Content], T], content: Content) -> T:
    """Run function(content) in a daemon thread whose result is dropped if nobody waits.

    asyncio.to_thread's pool threads are joined at interpreter exit, so a slow build there
    would hold up shutdown; a daemon thread is not.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        try:
            result = function(content)
        except BaseException as exc:  # handed to the awaiting coroutine
            error = exc
            call: Callable[[], None] = lambda: future.set_exception(error)  # noqa: E731
        else:
            call = lambda: future.set_result(result)  # noqa: E731
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
            loop.call_soon_threadsafe(deliver, call)

    threading.Thread(target=run, name="content-index", daemon=True).start()
    return await future
