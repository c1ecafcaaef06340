"""Run per-URL work concurrently while staying polite to every host.

A global pool alone is rude: 5,000 URLs of one site would all hit it at once.
The scheduler keeps a queue per host and never has more than
``per_host`` items of one host in flight (nor starts them closer together
than ``per_host_delay``), while the pool as a whole stays busy with other
hosts. It submits to any :class:`concurrent.futures.Executor`, so a Dask
client's executor works as well as a thread pool.
"""

from __future__ import annotations

import collections
import queue
import time
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def host_key(url: str) -> str:
    """The politeness unit of a URL: its host and port, lowercased."""
    try:
        parts = urlsplit(url)
        return (parts.netloc.rsplit("@", 1)[-1] or url).lower()
    except ValueError:
        return url


def run_by_host(
    items: Iterable[K],
    work: Callable[[K], T],
    *,
    key: Callable[[K], str],
    concurrency: int = 16,
    per_host: int = 2,
    per_host_delay: float = 0.0,
    executor: Executor | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_result: Callable[[K, T], None] | None = None,
) -> dict[K, T]:
    """Apply ``work`` to every distinct item and return the results by item.

    Items with the same ``key`` (host) never run more than ``per_host`` at a
    time. Exceptions from ``work`` propagate: per-URL failures are expected to
    be values (the fetch layer never raises for network problems).
    ``on_result`` is called in the calling thread as each item finishes (a
    progress bar's hook).
    """
    queues: dict[str, collections.deque[K]] = collections.OrderedDict()
    seen: set[K] = set()
    for item in items:
        if item in seen:
            continue
        seen.add(item)
        queues.setdefault(key(item), collections.deque()).append(item)
    if not queues:
        return {}

    own_executor = executor is None
    pool: Executor = executor or ThreadPoolExecutor(
        max_workers=max(1, concurrency), thread_name_prefix="citecheck-fetch"
    )
    results: dict[K, T] = {}
    in_flight: dict[Future[T], tuple[str, K]] = {}
    running_per_host: collections.Counter[str] = collections.Counter()
    next_start: dict[str, float] = {}
    limit = max(1, concurrency)
    host_limit = max(1, per_host)
    # Hosts that have queued items and a free slot, in round-robin order. A host
    # goes back to the end after each start, so its second slot is filled in the
    # same pass as the others' first: filling one slot per host per completion
    # ran 10 hosts × 2 slots at 1 per host (8.0 s where the bound is 5.0 s, see
    # benchmarks/RESULTS.md). The deque, rather than a scan of every host after
    # each completion, keeps dispatch O(1) per item with thousands of hosts.
    ready: collections.deque[str] = collections.deque(queues)
    in_ready: set[str] = set(queues)
    # Finished futures arrive here through their done-callbacks. Waiting with
    # ``concurrent.futures.wait`` instead installs and removes a waiter on every
    # future in flight at each completion, O(concurrency) per item: at 64 in
    # flight this halves the scheduler's own CPU (0.52 s -> 0.29 s for 5,000 items).
    finished: queue.SimpleQueue[Future[T]] = queue.SimpleQueue()
    try:
        while queues or in_flight:
            now = clock()
            held: list[str] = []
            while ready and len(in_flight) < limit:
                host = ready.popleft()
                if next_start.get(host, 0.0) > now:
                    held.append(host)
                    continue
                item = queues[host].popleft()
                if not queues[host]:
                    del queues[host]
                running_per_host[host] += 1
                next_start[host] = now + per_host_delay
                future = pool.submit(work, item)
                in_flight[future] = (host, item)
                future.add_done_callback(finished.put)
                if host in queues and running_per_host[host] < host_limit:
                    ready.append(host)
                else:
                    in_ready.discard(host)
            # Hosts held back by their delay keep their turn at the front.
            ready.extendleft(reversed(held))
            if not in_flight:
                # Everything waiting is held back by a per-host delay.
                waiting = [next_start[host] for host in ready if host in next_start]
                sleep(max(0.0, min(waiting, default=now) - clock()))
                continue
            timeout = None
            if ready and per_host_delay > 0:
                timeout = max(0.0, min(next_start.get(host, now) for host in ready) - clock())
            try:
                done = [finished.get(timeout=timeout)]
            except queue.Empty:
                continue
            while True:
                try:
                    done.append(finished.get_nowait())
                except queue.Empty:
                    break
            for future in done:
                host, item = in_flight.pop(future)
                running_per_host[host] -= 1
                if host in queues and host not in in_ready:
                    ready.append(host)
                    in_ready.add(host)
                results[item] = future.result()
                if on_result is not None:
                    on_result(item, results[item])
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM): drop what has not started and do not wait
        # for what is in flight; the caller reports what finished.
        if own_executor:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    if own_executor:
        pool.shutdown(wait=True, cancel_futures=True)
    return results
