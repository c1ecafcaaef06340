"""Manners towards a shared public archive: spacing, a stop switch, memoisation.

The Wayback Machine's CDX API blocks a client that makes more than about one
call a second, or keeps calling after a 429, for an hour and then for longer
each time. A blocked citecheck would be useless for every later run from the
same address, so every archive client in :mod:`citecheck.archive` goes
through these three pieces.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Clock = Callable[[], float]
Sleep = Callable[[float], None]

T = TypeVar("T")


class Throttle:
    """At most one call at a time, and each starting ``interval`` seconds after the last ended.

    Measuring from the *end* of the previous call (not its start) keeps the
    spacing even when a slow answer is followed at once by the next request,
    and holding the lock for the whole call means threads never overlap their
    requests. ``clock`` and ``sleep`` are injectable so tests never wait.
    """

    def __init__(self, interval: float, clock: Clock = time.monotonic, sleep: Sleep = time.sleep):
        self.interval = max(0.0, interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_end: float | None = None

    def call(self, function: Callable[[], T]) -> T:
        """Run ``function`` once it is polite to, and note when it ended."""
        with self._lock:
            if self._last_end is not None:
                wait = self._last_end + self.interval - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                return function()
            finally:
                self._last_end = self._clock()


class StopSwitch:
    """Once tripped, stays tripped for the run, with the reason to report."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reason: str | None = None

    @property
    def reason(self) -> str | None:
        """Why lookups stopped, or None while they are allowed."""
        with self._lock:
            return self._reason

    def trip(self, reason: str) -> None:
        """Stop lookups; the first reason is kept."""
        with self._lock:
            if self._reason is None:
                self._reason = reason


class Memo(Generic[T]):
    """Per-key results computed at most once, even when threads ask at the same time.

    Two citations of the same URL looked up concurrently must cost one archive
    call, not two: a per-key lock makes the second caller wait for the first
    one's answer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, T] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T], keep: Callable[[T], bool]) -> T:
        """The value for ``key``, computing it once; ``keep`` says whether to remember it."""
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                if keep(value):
                    self._values[key] = value
                self._key_locks.pop(key, None)
            return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
