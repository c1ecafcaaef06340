"""Worker processes, each with its own threads, for runs that need more than one core.

Why: checking one URL costs about 2-3 ms of Python CPU (HTTP parsing, the
page's metadata, classification), so one process, holding the GIL for that
work, tops out near 400 URLs per second. With 64 requests of 200 ms in flight
the network offers 320 per second, and requests that have their answer wait
for the GIL: the interpreter, not the network, sets the pace
(benchmarks/RESULTS.md). :class:`ShardedExecutor` spreads the calls over a few
processes.

It is an ordinary :class:`concurrent.futures.Executor`, so the per-host
scheduler (:func:`citecheck.fetch.scheduler.run_by_host`) drives it like any
thread pool and keeps its per-host limits. Two things make it fit the work:

* each call goes to the process its first argument's *key* (the host) hashes
  to, so whatever a process remembers per host (the soft-404 probe memo, open
  connections) is found there again;
* a function is pickled and sent to each process once, not with every call: a
  URL checker carries the context of every citation of the run.

A worker process that dies fails its calls with :class:`WorkerDied`; nothing
waits for it forever. A parent that dies (even by ``kill -9``) takes its
workers with it (:func:`_exit_with_parent`).
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import signal
import threading
import zlib
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from citecheck.errors import CitecheckError
from citecheck.fetch.scheduler import host_key, run_by_host

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

_POLL = 0.2
"""How often (seconds) the result reader checks that the workers are alive."""


class WorkerDied(CitecheckError):
    """A worker process ended before answering (killed, or out of memory)."""


def first_argument_host(args: tuple[Any, ...]) -> str:
    """The shard key of a call: the host of its first argument, when that is a URL."""
    return host_key(args[0]) if args and isinstance(args[0], str) else ""


def shard_of(key: str, shards: int) -> int:
    """The shard (0 to ``shards`` - 1) that calls with ``key`` always go to.

    A stable hash (CRC-32, not ``hash()``, which is salted per process), so
    that every process and every run agree on it.
    """
    return zlib.crc32(key.encode("utf-8", "replace")) % shards


class HostSharded(Executor):
    """An executor whose calls run in other processes, each key (host) always in the same one.

    Each process keeps its own copy of a function it was given, so what the
    function remembers per host (soft-404 probes, open connections) is found
    there again, and a limit the function enforces applies per process.
    ``processes`` says how many copies there are. Implemented by
    :class:`ShardedExecutor` (local processes) and
    :class:`citecheck.fetch.cluster.DaskExecutor` (Dask workers).
    """

    @property
    def processes(self) -> int:
        """How many processes share the calls."""
        raise NotImplementedError

    def run_by_host(
        self,
        items: Iterable[K],
        work: Callable[[K], T],
        *,
        key: Callable[[K], str],
        concurrency: int = 16,
        per_host: int = 2,
        per_host_delay: float = 0.0,
        on_result: Callable[[K, T], None] | None = None,
    ) -> dict[K, T]:
        """:func:`citecheck.fetch.scheduler.run_by_host` with this executor's processes.

        By default the scheduler runs here and submits one call at a time; an
        executor whose calls cost more to hand over than a URL costs to check
        (a Dask cluster) overrides it to run the scheduler in its processes.
        """
        return run_by_host(
            items,
            work,
            key=key,
            concurrency=concurrency,
            per_host=per_host,
            per_host_delay=per_host_delay,
            executor=self,
            on_result=on_result,
        )

    def release(self, fn: Callable[..., Any]) -> None:
        """``fn`` will not be submitted again: every process drops its copy and closes it.

        A copy with a ``close()`` method (the URL checker: its connection
        pools) is closed, so a long-lived pool or cluster that serves many
        runs does not keep every run's checker and sockets.
        """
        raise NotImplementedError


class ShardedExecutor(HostSharded):
    """Run calls in ``processes`` worker processes with ``threads`` threads each.

    Calls whose first argument has the same ``key`` (by default the URL's host)
    always run in the same process. Functions and arguments must pickle.
    """

    def __init__(
        self,
        processes: int,
        threads: int,
        *,
        key: Callable[[tuple[Any, ...]], str] = first_argument_host,
    ) -> None:
        if processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        # spawn, not fork: the caller has threads running (a progress bar, a
        # cache), and a forked child would inherit their locks mid-use.
        context = multiprocessing.get_context("spawn")
        self._key = key
        self._lock = threading.Lock()
        self._closed = False
        self._tasks = itertools.count()
        self._tokens = itertools.count()
        self._pending: dict[int, tuple[int, Future[Any]]] = {}
        self._functions: dict[int, tuple[int, object]] = {}
        self._results: Any = context.Queue()
        self._inputs: list[Any] = []
        self._workers: list[Any] = []
        for _ in range(processes):
            inputs = context.Queue()
            worker = context.Process(
                target=_worker_main,
                args=(inputs, self._results, threads),
                daemon=True,
                name="citecheck-worker",
            )
            worker.start()
            self._inputs.append(inputs)
            self._workers.append(worker)
        self._reader = threading.Thread(
            target=self._read_results, name="citecheck-worker-results", daemon=True
        )
        self._reader.start()

    @property
    def processes(self) -> int:
        return len(self._workers)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a ShardedExecutor after shutdown")
            token = self._ship(fn)
            shard = shard_of(self._key(args), len(self._workers))
            worker = self._workers[shard]
            if not worker.is_alive():
                future.set_exception(WorkerDied(_died(shard, worker.exitcode)))
                return future
            task = next(self._tasks)
            # The future stays pending (cancellable) until its answer comes.
            self._pending[task] = (shard, future)
            self._inputs[shard].put(("call", task, token, args, kwargs))
        return future

    def _ship(self, fn: Callable[..., Any]) -> int:
        known = self._functions.get(id(fn))
        if known is not None and known[1] is fn:
            return known[0]
        token = next(self._tokens)
        payload = pickle.dumps(fn)
        for inputs in self._inputs:
            inputs.put(("function", token, payload))
        # Keep fn itself, so that its id cannot be reused by another object.
        self._functions[id(fn)] = (token, fn)
        return token

    def release(self, fn: Callable[..., Any]) -> None:
        with self._lock:
            known = self._functions.get(id(fn))
            if self._closed or known is None or known[1] is not fn:
                return
            del self._functions[id(fn)]
            for inputs in self._inputs:
                inputs.put(("forget", known[0]))

    def _read_results(self) -> None:
        while True:
            try:
                message = self._results.get(timeout=_POLL)
            except queue.Empty:
                if self._fail_dead_workers():
                    return
                continue
            except (EOFError, OSError):
                self._fail_all(WorkerDied("the worker processes' result queue closed"))
                return
            if message is None:
                return
            _, task, ok, value = message
            with self._lock:
                entry = self._pending.pop(task, None)
            if entry is None:
                continue
            _settle(entry[1], ok, value)

    def _fail_dead_workers(self) -> bool:
        """Fail the calls of dead workers; True when the executor is closed and idle."""
        with self._lock:
            dead = {shard for shard, worker in enumerate(self._workers) if not worker.is_alive()}
            failed = [
                (task, shard, future)
                for task, (shard, future) in self._pending.items()
                if shard in dead
            ]
            for task, _, _ in failed:
                del self._pending[task]
            done = self._closed and not self._pending
        for _, shard, future in failed:
            _settle(future, False, WorkerDied(_died(shard, self._workers[shard].exitcode)))
        return done

    def _fail_all(self, error: BaseException) -> None:
        with self._lock:
            failed = list(self._pending.values())
            self._pending.clear()
        for _, future in failed:
            _settle(future, False, error)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if cancel_futures:
                cancelled = list(self._pending.values())
                self._pending.clear()
            else:
                cancelled = []
        for _, future in cancelled:
            # Cancelled and notified, so that wait() and as_completed() see it end.
            if future.cancel():
                future.set_running_or_notify_cancel()
        for inputs in self._inputs:
            inputs.put(("stop",))
        for inputs in self._inputs:
            inputs.close()
        if wait:
            for worker in self._workers:
                worker.join(timeout=30)
        for worker in self._workers:
            if worker.is_alive() and not wait:
                # Interrupted: what is still running is not waited for.
                worker.terminate()
            worker.join(timeout=5)
        # The reader sees the workers gone at its next poll and ends. It is not
        # woken by a message: a worker terminated while sending its last answer
        # can leave the result queue's write lock taken, and the feeder thread
        # of a put() here then waited for it forever, hanging this process's
        # exit (reproduced with a worker slow to start, on the commit before too).
        self._reader.join(timeout=5 + _POLL)
        self._results.close()
        # Whatever the workers never answered ends now, not never.
        self._fail_all(WorkerDied("the executor shut down before this call was answered"))


def _died(shard: int, exitcode: int | None) -> str:
    if exitcode == 1:
        # What a spawned worker does when it re-runs a script's top level that
        # starts worker processes itself (multiprocessing's "main module" rule).
        hint = (
            '; a script that starts worker processes must do so under `if __name__ == "__main__":`'
        )
    else:
        hint = ""
    return f"worker process {shard} ended before answering (exit code {exitcode}){hint}"


def _settle(future: Future[Any], ok: bool, value: Any) -> None:
    """Give ``future`` its outcome, unless it was cancelled meanwhile."""
    if not future.set_running_or_notify_cancel():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


def _exit_with_parent() -> None:
    """End this worker the moment its parent process ends, however it ended.

    A parent killed with SIGKILL (the OOM killer, a CI runner cancelling a
    job) runs no cleanup, and its workers used to live on, holding sockets
    and memory. multiprocessing gives a spawned child the read end of a pipe
    whose write end only the parent holds (``parent_process().sentinel``):
    it becomes readable exactly when the parent is gone. A daemon thread
    waits on it and ends the process at once. This works on every platform
    and, unlike Linux's ``PR_SET_PDEATHSIG``, does not fire when merely the
    parent *thread* that started the worker ends.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - not started by multiprocessing
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(_ORPHANED)

    threading.Thread(target=watch, name="citecheck-parent-watch", daemon=True).start()


_ORPHANED = 70
"""The exit code of a worker whose parent died (EX_SOFTWARE)."""


def _close(function: object) -> None:
    """Close a worker's copy of a function that has a ``close()`` (its connection pools)."""
    close = getattr(function, "close", None)
    if callable(close):
        close()


def _worker_main(inputs: Any, results: Any, threads: int) -> None:
    """A worker process: run each call in a thread, send back (task, ok, value)."""
    _exit_with_parent()
    # Ctrl-C reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    functions: dict[int, Callable[..., Any]] = {}
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="citecheck-worker")

    def answer(task: int, future: Future[Any]) -> None:
        error = future.exception()
        if error is None:
            results.put(("done", task, True, future.result()))
            return
        try:
            pickle.dumps(error)
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        results.put(("done", task, False, error))

    while True:
        message = inputs.get()
        if message[0] == "stop":
            break
        if message[0] == "function":
            functions[message[1]] = pickle.loads(message[2])
            continue
        if message[0] == "forget":
            _close(functions.pop(message[1], None))
            continue
        _, task, token, args, kwargs = message
        future = pool.submit(functions[token], *args, **kwargs)
        future.add_done_callback(functools.partial(answer, task))
    pool.shutdown(wait=True)
    for function in functions.values():
        _close(function)
    results.close()
    results.join_thread()
