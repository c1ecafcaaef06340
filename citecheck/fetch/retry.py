"""Retries and redirects of one fetch as an immutable value with its history.

Like urllib3's ``Retry``: each retry or redirect returns a new
:class:`RetryState` with one more :class:`Attempt` in its history, so the
state machine (may this hop be retried, how long to back off, have we
followed too many redirects) is pure logic, tested without sockets, while
sleeping and sending stay in the fetcher.
"""

from __future__ import annotations

import attrs

from citecheck.fetch.result import FetchFailure
from citecheck.model import Redirect


@attrs.frozen
class Attempt:
    """One exchange that did not end the fetch: retried, or redirected elsewhere."""

    url: str
    status: int | None = None
    failure: FetchFailure | None = None
    redirect_location: str | None = None


@attrs.frozen
class RetryState:
    """Where one fetch stands: retries made on the current hop, redirects followed, history.

    ``retries`` counts the retries of the current hop only (a redirect
    starts a fresh hop); ``attempts`` counts every exchange that was
    retried, plus the first, as ``FetchResult.attempts`` reports it.
    """

    max_retries: int
    max_redirects: int
    backoff_base: float
    retries: int = 0
    attempts: int = 1
    redirects: tuple[Redirect, ...] = ()
    history: tuple[Attempt, ...] = ()

    @property
    def can_retry(self) -> bool:
        """Whether the current hop may be sent once more."""
        return self.retries < self.max_retries

    def backoff(self) -> float:
        """Seconds to wait before the next retry: exponential in the hop's retries."""
        return float(self.backoff_base * (2**self.retries))

    def retried(
        self, url: str, *, status: int | None = None, failure: FetchFailure | None = None
    ) -> RetryState:
        """The state after sending ``url`` again (it answered ``status`` or failed)."""
        return attrs.evolve(
            self,
            retries=self.retries + 1,
            attempts=self.attempts + 1,
            history=(*self.history, Attempt(url, status=status, failure=failure)),
        )

    def redirected(self, url: str, status: int, location: str) -> RetryState:
        """The state after ``url`` answered ``status`` with ``location``: a new hop."""
        return attrs.evolve(
            self,
            retries=0,
            redirects=(*self.redirects, Redirect(url, status)),
            history=(*self.history, Attempt(url, status=status, redirect_location=location)),
        )

    @property
    def too_many_redirects(self) -> bool:
        """Whether more redirects were followed than allowed."""
        return len(self.redirects) > self.max_redirects
