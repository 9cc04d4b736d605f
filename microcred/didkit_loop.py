"""The one private event loop that runs didkit's coroutines from synchronous code; its exit guard.

didkit 0.3.3 (pyo3-asyncio on tokio) hands each result back from a tokio worker thread by calling
`loop.call_soon_threadsafe(...)`, which writes the loop's wake-up socket and so releases the GIL.
The main thread can then take the result, finish, and start interpreter finalisation while the
worker still waits to re-take the GIL. CPython ends such a thread (pthread_exit); the forced unwind
through Rust frames touches Python objects without the GIL: SIGSEGV (139) or "PyGILState_Release:
thread state must be current" (SIGABRT, 134) at exit, so passing runs end with a failed status.
Measured here: about half of all calls return while their worker is still inside that call, and a
script making one didkit call (success or error alike) crashed at exit in 20 of 20 runs.

The guard: the loop counts worker threads inside `call_soon_threadsafe`, and every call waits on
a condition (GIL released) until none is left before returning; from there on the worker only
drops references and releases the GIL, holding it throughout. `shutdown()` does the same and
closes the loop; atexit runs it. Cost: about 25-40 µs per call. (gdb backtrace of the crash: main
thread in Py_FinalizeEx -> finalize_modules; tokio worker in pyo3_asyncio::generic::set_result ->
call_soon_threadsafe -> tupledealloc, thread state "Exiting".)
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import threading
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["call", "shutdown"]

# Upper bound on waiting for a worker's last callback (it normally takes microseconds).
SETTLE_TIMEOUT = 5.0


class _CountingLoop(asyncio.SelectorEventLoop):
    """An event loop that knows whether a foreign thread is still inside call_soon_threadsafe."""

    def __init__(self) -> None:
        super().__init__()
        self._inside = 0
        self._idle = threading.Condition(threading.Lock())

    def call_soon_threadsafe(  # type: ignore[override]
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """Schedule a callback from another thread, counting the call while it runs."""
        with self._idle:
            self._inside += 1
        try:
            return super().call_soon_threadsafe(callback, *args, context=context)
        finally:
            # The worker keeps the GIL from here until it is done with Python, so a waiter woken
            # now runs only after that.
            with self._idle:
                self._inside -= 1
                self._idle.notify_all()

    def settle(self) -> None:
        """Wait until no worker thread is inside call_soon_threadsafe (at most SETTLE_TIMEOUT)."""
        with self._idle:
            # Condition.wait blocks with the GIL released, so the worker can finish its call.
            self._idle.wait_for(lambda: self._inside == 0, timeout=SETTLE_TIMEOUT)


class _Runner:
    """One loop, used by one thread at a time (didkit calls are serialised)."""

    def __init__(self) -> None:
        self._loop = _CountingLoop()
        self._lock = threading.Lock()

    def call(self, function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        # didkit's functions look up the running loop when called, so call them inside a coroutine.
        async def invoke() -> Any:
            return await function(*args)

        with self._lock:
            try:
                return self._loop.run_until_complete(invoke())
            finally:
                self._loop.settle()

    def close(self) -> None:
        with self._lock:
            self._loop.settle()
            self._loop.close()


_runner: _Runner | None = None
_runner_lock = threading.Lock()


def call(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run one didkit coroutine function to completion on the private loop and return its result."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = _Runner()
        runner = _runner
    return runner.call(function, *args)


def shutdown() -> None:
    """Let didkit's worker threads finish their last callback, then close the loop (idempotent)."""
    global _runner
    with _runner_lock:
        runner, _runner = _runner, None
    if runner is not None:
        runner.close()


# atexit handlers run before CPython marks the runtime as finalising (3.11 Py_FinalizeEx), while
# worker threads may still take the GIL.
atexit.register(shutdown)
