"""One thread enforces the total deadline of every fetch in flight.

A read timeout bounds each ``recv``, not a response: a server that sends one
byte every few seconds (or header lines forever) never trips it. So every
fetch has a total deadline, and when it passes, the sockets the fetch is
using are shut down, which makes the blocked read return at once.

This used to be a ``threading.Timer`` per fetch: a thread started and
stopped for every URL, 7.5 % of the CPU of a run against a fast server
(issue 17). Here one :class:`DeadlineScheduler` thread keeps a heap of the
deadlines of all fetches and sleeps until the earliest; a fetch that
finishes in time only marks its entry done (removed lazily), so arming and
disarming cost a heap push and a flag.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from typing import Any


class Deadline:
    """The total deadline of one fetch and the connections it is using.

    Made unarmed: only a fetch that reaches the network is put on the
    scheduler's heap (:meth:`arm`), so replaying a cassette costs no entry.
    """

    __slots__ = ("_connections", "_done", "_lock", "_scheduler", "armed", "at", "fired", "total")

    def __init__(self, total: float, scheduler: DeadlineScheduler | None = None) -> None:
        self.total = total
        self.at = time.monotonic() + total
        self.fired = False
        self.armed = False
        self._done = False
        self._connections: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._scheduler = scheduler

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - time.monotonic()

    def expired(self) -> bool:
        """Whether the deadline has passed (or the scheduler has cut the sockets)."""
        return self.fired or time.monotonic() >= self.at

    def arm(self) -> None:
        """Have the scheduler enforce this deadline (once; later calls do nothing)."""
        if self.armed or self._done:
            return
        self.armed = True
        (self._scheduler or shared_scheduler()).add(self)

    def watch(self, connection: Any) -> None:
        """A connection this fetch is using: shut down if the deadline passes."""
        with self._lock:
            if not self._done:
                self._connections[id(connection)] = connection

    def unwatch(self, connection: Any) -> None:
        """The connection went back to its pool."""
        with self._lock:
            self._connections.pop(id(connection), None)

    def finish(self) -> None:
        """The fetch is over: nothing is shut down any more."""
        with self._lock:
            self._done = True
            self._connections.clear()

    @property
    def done(self) -> bool:
        return self._done

    def fire(self) -> None:
        """Shut down every watched socket (called by the scheduler when the deadline passes)."""
        with self._lock:
            if self._done:
                return
            self.fired = True
            for connection in self._connections.values():
                sock = getattr(connection, "sock", None)
                if isinstance(sock, socket.socket):
                    # The plain-socket shutdown, also for an SSLSocket:
                    # SSLSocket.shutdown would drop its SSL object under the
                    # reading thread's feet.
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class DeadlineScheduler:
    """One daemon thread that fires every armed :class:`Deadline` when it passes.

    The thread starts with the first deadline armed and sleeps on a
    condition until the earliest entry is due; an entry earlier than every
    other wakes it. Finished fetches leave their entries behind, marked
    done; they are dropped when they reach the top, and the heap is rebuilt
    without them when they outnumber the live ones, so memory stays
    proportional to the fetches in flight.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._condition = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._pushed_since_compaction = 0

    def add(self, deadline: Deadline) -> None:
        """Enforce ``deadline``."""
        entry = (deadline.at, next(self._order), deadline)
        with self._condition:
            heapq.heappush(self._heap, entry)
            self._pushed_since_compaction += 1
            if (
                self._pushed_since_compaction > 1024
                and self._pushed_since_compaction > len(self._heap) // 2
            ):
                self._compact()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="citecheck-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0] is entry:
                self._condition.notify()

    def pending(self) -> int:
        """Armed deadlines not yet finished nor fired (for tests and benchmarks)."""
        with self._condition:
            return sum(1 for _, _, deadline in self._heap if not deadline.done)

    def _compact(self) -> None:
        self._heap = [entry for entry in self._heap if not entry[2].done]
        heapq.heapify(self._heap)
        self._pushed_since_compaction = 0

    def _run(self) -> None:
        while True:
            due: list[Deadline] = []
            with self._condition:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._condition.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
            # Fired outside the scheduler's lock: a shutdown may take a moment,
            # and fetching threads must be able to arm their deadlines meanwhile.
            for deadline in due:
                deadline.fire()


_shared: DeadlineScheduler | None = None
_shared_lock = threading.Lock()


def shared_scheduler() -> DeadlineScheduler:
    """The process's scheduler (one thread for every fetcher of the process)."""
    global _shared
    scheduler = _shared
    if scheduler is None:
        with _shared_lock:
            if _shared is None:
                _shared = DeadlineScheduler()
            scheduler = _shared
    return scheduler


def _forget_after_fork() -> None:
    # A forked child (ShardedExecutor's workers) has no scheduler thread: it
    # starts its own on its first fetch.
    global _shared, _shared_lock
    _shared = None
    _shared_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
