"""Run the URL checks on a Dask cluster, each host on one worker, the checker shipped once.

Why not ``client.get_executor()``: a Dask executor pickles and tokenises the
function with every call. For ``verify()`` the function is the URL checker,
which carries the fetcher, the policy and every citation's context (100 to
500 kB for a few thousand notes), so every URL paid for that, and every call
ran on a fresh copy: the soft-404 probe memo was lost (+67 % requests on the
benchmark), each copy opened its own connections and never closed them.
Measured, that path was 10 times slower than this one on the same two
workers (benchmarks/RESULTS.md, section 6.1).

:class:`DaskExecutor` is a :class:`~citecheck.fetch.shards.HostSharded`
executor like :class:`~citecheck.fetch.shards.ShardedExecutor`, with Dask
workers in place of local processes. ``verify()`` uses its
:meth:`DaskExecutor.run_by_host`:

* hosts are sharded to workers (:func:`~citecheck.fetch.shards.shard_of`),
  and each worker gets its hosts' URLs and the checker in one message, to a
  :class:`_Shard` actor that runs the per-host scheduler
  (:func:`~citecheck.fetch.scheduler.run_by_host`) there with its share of
  the concurrency: the worker's copy of the checker keeps its hosts'
  soft-404 probes, open connections and per-host limits, exactly as one
  process would, and no URL is tokenised or costs a Dask task (about 1.5 ms
  of client and scheduler CPU each, as much as checking the URL);
* results stream back in batches as they finish, so the progress bar and a
  partial report on Ctrl-C work as with threads;
* when the run ends the actors close their copies (connection pools) and
  leave the workers.

It is also an ordinary :class:`concurrent.futures.Executor`: :meth:`submit`
runs a call on the worker its first argument's host maps to, on a copy of
the function every worker unpickles once (a worker plugin, :class:`_Installed`),
and :meth:`DaskExecutor.release` removes that copy (closing it).

``distributed`` is an optional dependency (``pip install 'dask[distributed]'``):
this module imports it, so it is imported only when a Dask cluster is asked
for; the command line turns a missing install into a one-line error.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from distributed import Client, WorkerPlugin, get_worker

from citecheck.errors import InputError
from citecheck.fetch.scheduler import run_by_host
from citecheck.fetch.shards import HostSharded, WorkerDied, first_argument_host, shard_of

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

WORKERS_TIMEOUT = 30.0
"""Seconds to wait for a cluster to have at least one worker."""


class _Installed(WorkerPlugin):
    """A function kept by every worker: unpickled once per worker, closed on removal."""

    idempotent = False

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def teardown(self, worker: object) -> None:
        close = getattr(self.function, "close", None)
        if callable(close):
            close()


def _call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run the function installed under ``name`` on the worker running this task."""
    plugin = get_worker().plugins[name]
    assert isinstance(plugin, _Installed)
    return plugin.function(*args, **kwargs)


class _Stopped(Exception):
    """Raised in a shard's work once the client asked it to stop (interrupted run)."""


class _Shard:
    """One worker's part of a run, kept on that worker as a Dask actor.

    It runs :func:`~citecheck.fetch.scheduler.run_by_host` over the items of
    its hosts, with its share of the run's concurrency and each host's own
    limits, in a thread of the worker, and hands finished results over in
    batches: :meth:`take` waits for at least one and returns every result
    finished since the last call, so the number of round trips follows the
    client's pace, not the number of URLs.
    """

    def __init__(
        self, work: Callable[..., Any], concurrency: int, per_host: int, per_host_delay: float
    ) -> None:
        self._work = work
        self._concurrency = concurrency
        self._per_host = per_host
        self._per_host_delay = per_host_delay
        self._lock = threading.Lock()
        self._finished: list[tuple[Any, Any]] = []
        self._outcome: BaseException | bool = False
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self, items: Sequence[Any], key: Callable[[Any], str]) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        threading.Thread(
            target=self._run, args=(items, key), name="citecheck-shard", daemon=True
        ).start()

    def _run(self, items: Sequence[Any], key: Callable[[Any], str]) -> None:
        outcome: BaseException | bool = True
        try:
            run_by_host(
                items,
                self._call,
                key=key,
                concurrency=self._concurrency,
                per_host=self._per_host,
                per_host_delay=self._per_host_delay,
                on_result=self._deliver,
            )
        except BaseException as error:  # handed to the client as it is
            outcome = error
        with self._lock:
            self._outcome = outcome
        self._signal()

    def _call(self, item: Any) -> Any:
        if self._stopping:
            raise _Stopped
        return self._work(item)

    def _deliver(self, item: Any, result: Any) -> None:
        with self._lock:
            self._finished.append((item, result))
        self._signal()

    def _signal(self) -> None:
        assert self._loop is not None and self._wake is not None
        self._loop.call_soon_threadsafe(self._wake.set)

    async def take(self) -> tuple[list[tuple[Any, Any]], BaseException | bool]:
        """Every result finished since the last call (at least one), and whether the run ended."""
        assert self._wake is not None
        await self._wake.wait()
        self._wake.clear()
        with self._lock:
            finished, self._finished = self._finished, []
            return finished, self._outcome

    async def stop(self) -> None:
        """Start nothing more (a run interrupted by the client)."""
        self._stopping = True

    async def close(self) -> None:
        """Close this worker's copy of the work function (its connection pools)."""
        close = getattr(self._work, "close", None)
        if callable(close):
            await asyncio.get_running_loop().run_in_executor(None, close)


def _shares(total: int, sizes: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``sizes``, each share at least 1 (largest remainder)."""
    whole = sum(sizes)
    exact = [total * size / whole for size in sizes]
    shares = [max(1, int(value)) for value in exact]
    for index in sorted(range(len(sizes)), key=lambda i: int(exact[i]) - exact[i]):
        if sum(shares) >= total:
            break
        shares[index] += 1
    return shares


class DaskExecutor(HostSharded):
    """An executor on a Dask ``distributed.Client``: calls of one host on one worker.

    The client is the caller's: shutting the executor down removes what it
    installed on the workers but leaves the client and its cluster running.
    :meth:`run_by_host` (what ``verify()`` uses) shards each run over the
    workers there are when it starts; :meth:`submit` pins calls to the workers
    there were when the executor was made (workers that join later run its
    calls only when a pinned worker has left).
    """

    def __init__(
        self,
        client: Client,
        *,
        key: Callable[[tuple[Any, ...]], str] = first_argument_host,
        owns_client: bool = False,
    ) -> None:
        # distributed's Client is only partly typed.
        self._client: Any = client
        self._owns_client = owns_client
        self._key = key
        self._lock = threading.Lock()
        self._closed = False
        self._installed: dict[int, tuple[str, object]] = {}
        # Dask forgets a task whose last Future is dropped: keep each until it settles.
        self._running: dict[Future[Any], Any] = {}
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            raise InputError(
                f"the Dask cluster has no worker after {WORKERS_TIMEOUT:.0f} s"
            ) from None
        self._workers = self._current_workers()

    def _current_workers(self) -> list[str]:
        workers = sorted(self._client.scheduler_info(n_workers=-1)["workers"])
        if not workers:
            raise InputError("the Dask cluster has no worker left")
        return workers

    @property
    def processes(self) -> int:
        """How many workers share the calls (each keeps its own copy of the function)."""
        return len(self._workers)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a DaskExecutor after shutdown")
            name = self._install(fn)
        worker = self._workers[shard_of(self._key(args), len(self._workers))]
        task = self._client.submit(
            _call,
            name,
            args,
            kwargs,
            workers=[worker],
            allow_other_workers=True,
            pure=False,
        )
        future: Future[Any] = Future()
        with self._lock:
            self._running[future] = task
        future.add_done_callback(self._forget)
        self._client.loop.add_callback(self._settle, task, future)
        return future

    def _install(self, fn: Callable[..., Any]) -> str:
        known = self._installed.get(id(fn))
        if known is not None and known[1] is fn:
            return known[0]
        name = f"citecheck-{uuid.uuid4().hex}"
        self._client.register_plugin(_Installed(fn), name=name)
        # Keep fn itself, so that its id cannot be reused by another object.
        self._installed[id(fn)] = (name, fn)
        return name

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
        """Run the scheduler on the workers: each with its hosts' items, a share of ``concurrency``.

        Per call, a Dask task costs the client and the scheduler about 1.5 ms
        of CPU (measured: 2,000 calls, 2.9 s), as much as checking a URL.
        So each worker gets its whole shard at once and runs
        :func:`~citecheck.fetch.scheduler.run_by_host` itself, in a
        :class:`_Shard` actor: per-host limits hold exactly (a host is on one
        worker), the shares add up to ``concurrency``, ``work`` is shipped once
        per worker, and results stream back in batches as they finish;
        ``on_result`` is called in this thread for each.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot run on a DaskExecutor after shutdown")
        # The cluster as it is now: workers may have joined or left since the last run.
        workers = self._current_workers()
        shards: dict[int, dict[K, None]] = {}
        for item in items:
            shards.setdefault(shard_of(key(item), len(workers)), {})[item] = None
        if not shards:
            return {}
        order = sorted(shards)
        shares = _shares(max(1, concurrency), [len(shards[shard]) for shard in order])
        placed = [
            self._client.submit(
                _Shard,
                work,
                share,
                per_host,
                per_host_delay,
                workers=[workers[shard]],
                # A worker that left meanwhile: the shard runs on another one.
                allow_other_workers=True,
                actor=True,
                pure=False,
            )
            for shard, share in zip(order, shares, strict=True)
        ]
        try:
            # An actor's handle talks through the current client, which need not be the default.
            with self._client.as_current():
                actors = [future.result() for future in placed]
            return self._run_shards(
                actors,
                [list(shards[shard]) for shard in order],
                key,
                on_result,
            )
        finally:
            # The actors (and their copies of ``work``) leave the workers with the run.
            self._client.cancel(placed)

    def _run_shards(
        self,
        actors: list[Any],
        items: list[list[K]],
        key: Callable[[K], str],
        on_result: Callable[[K, T], None] | None,
    ) -> dict[K, T]:
        for actor, shard_items in zip(actors, items, strict=True):
            actor.start(shard_items, key).result()
        batches: queue.SimpleQueue[tuple[list[tuple[K, T]], BaseException | bool]] = (
            queue.SimpleQueue()
        )
        readers = [
            threading.Thread(
                target=_read_batches,
                args=(actor, batches),
                name="citecheck-dask-results",
                daemon=True,
            )
            for actor in actors
        ]
        for reader in readers:
            reader.start()
        results: dict[K, T] = {}
        running = len(actors)
        try:
            while running:
                finished, outcome = batches.get()
                for item, result in finished:
                    results[item] = result
                    if on_result is not None:
                        on_result(item, result)
                if isinstance(outcome, BaseException):
                    raise outcome
                if outcome:
                    running -= 1
        finally:
            for actor in actors:
                # A lost worker has nothing left to stop or close.
                with contextlib.suppress(Exception):
                    if running:
                        actor.stop().result()
                    actor.close().result()
        return results

    def release(self, fn: Callable[..., Any]) -> None:
        with self._lock:
            known = self._installed.get(id(fn))
            if self._closed or known is None or known[1] is not fn:
                return
            del self._installed[id(fn)]
        # Each worker closes its copy (its connection pools) in the plugin's teardown.
        self._client.unregister_worker_plugin(known[0])

    async def _settle(self, task: Any, future: Future[Any]) -> None:
        """Give ``future`` the Dask ``task``'s outcome once it has one (on the client's loop)."""
        try:
            value = await self._client.gather(task, asynchronous=True)
        except BaseException as error:  # every outcome is handed on, cancellation too
            if future.set_running_or_notify_cancel():
                future.set_exception(error)
            return
        if future.set_running_or_notify_cancel():
            future.set_result(value)

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            task = self._running.pop(future, None)
        if future.cancelled() and task is not None:
            task.cancel()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pending = list(self._running.items())
            installed = [name for name, _ in self._installed.values()]
            self._installed.clear()
        if cancel_futures:
            for future, _ in pending:
                # Cancelled and notified, so that wait() and as_completed() see it end.
                if future.cancel():
                    future.set_running_or_notify_cancel()
        elif wait:
            for future, _ in pending:
                future.exception()
        for name in installed:
            # Each worker closes its copy (its connection pools) in the plugin's teardown.
            self._client.unregister_worker_plugin(name)
        if self._owns_client:
            self._client.close()


def _read_batches(actor: Any, batches: queue.SimpleQueue[Any]) -> None:
    """Pass one shard's batches on until its run ends (or its worker is lost)."""
    while True:
        try:
            finished, outcome = actor.take().result()
        except Exception as error:  # the worker or its connection is gone
            batches.put(([], WorkerDied(f"a Dask worker was lost during the run: {error}")))
            return
        batches.put((finished, outcome))
        if outcome is not False:
            return


def connect(address: str) -> DaskExecutor:
    """An executor on the cluster whose scheduler is at ``address`` (``tcp://host:8786``).

    The executor owns its client: shutting it down disconnects. A scheduler
    that cannot be reached, or has no worker, is a one-line error.
    """
    try:
        # distributed's Client carries few annotations.
        client: Any = Client(  # type: ignore[no-untyped-call]
            address, timeout=WORKERS_TIMEOUT, set_as_default=False
        )
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        return DaskExecutor(client, owns_client=True)
    except BaseException:
        client.close()
        raise
