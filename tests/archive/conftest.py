"""Shared pieces for archive tests: a fake clock and a loopback-only fetcher."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from citecheck.fetch.client import Fetcher
from citecheck.fetch.policy import FetchPolicy


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


LOOPBACK = FetchPolicy(
    allowed_networks=("127.0.0.1/32",),
    retries=0,
    connect_timeout=5,
    read_timeout=5,
    total_deadline=10,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOOPBACK, sleep=lambda seconds: None) as made:
        yield made
