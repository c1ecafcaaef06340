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
import time
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
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
    try:
        while queues or in_flight:
            now = clock()
            # Round-robin over hosts so one big host cannot starve the others.
            for host in list(queues):
                if len(in_flight) >= limit:
                    break
                if running_per_host[host] >= host_limit or next_start.get(host, 0.0) > now:
                    continue
                item = queues[host].popleft()
                if not queues[host]:
                    del queues[host]
                running_per_host[host] += 1
                next_start[host] = now + per_host_delay
                in_flight[pool.submit(work, item)] = (host, item)
            if not in_flight:
                # Everything waiting is held back by a per-host delay.
                waiting = [next_start[host] for host in queues if host in next_start]
                sleep(max(0.0, min(waiting, default=now) - clock()))
                continue
            timeout = None
            if queues and per_host_delay > 0:
                timeout = max(0.0, min(next_start.get(host, now) for host in queues) - clock())
            done, _ = wait(list(in_flight), timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                host, item = in_flight.pop(future)
                running_per_host[host] -= 1
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
