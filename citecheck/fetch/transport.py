"""The one seam between the fetcher and the network, as httpx has it.

:class:`~citecheck.fetch.client.Fetcher` does everything a fetch means
(redirects, retries, cookies, credentials, byte caps, decoding) as logic
over :class:`HttpRequest` values and :class:`HttpResponse` objects; a
:class:`Transport` turns one request into one response. Two exist:

* :class:`citecheck.fetch.live.LiveTransport` resolves and vets the host,
  connects to the vetted address through pooled, pinned connections and
  enforces the total deadline;
* :class:`citecheck.fetch.replay.ReplayTransport` answers from a cassette,
  and when the record mode allows, asks the live transport and records.

So the client has no replay branch of its own, and another transport (an
asyncio one, a test's) fits the same seam. A transport never raises for
what the network or a server does: it returns a :class:`TransportFailure`,
and a response body that breaks while it is read raises
:class:`BodyFailure` carrying one.
"""

from __future__ import annotations

import http.client
from typing import Protocol

import attrs
from urllib3 import HTTPHeaderDict

from citecheck.fetch.deadline import Deadline
from citecheck.fetch.result import FetchFailure, header_value


@attrs.frozen
class TransportFailure:
    """Why an exchange produced no response: the kind, a one-line detail, what may be tried."""

    kind: FetchFailure
    detail: str
    retriable: bool = False
    try_next_address: bool = False


class BodyFailure(Exception):
    """A response body broke while it was read (reset, deadline, bad chunking, …)."""

    def __init__(self, failure: TransportFailure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


def deadline_failure(deadline: Deadline) -> TransportFailure:
    """The failure of a fetch whose total deadline passed."""
    return TransportFailure(
        FetchFailure.TIMEOUT, f"total deadline of {deadline.total:g} s exceeded"
    )


@attrs.frozen
class HttpRequest:
    """One request, ready to send.

    ``url`` is the request's absolute URL without credentials or fragment, as
    prepared (IDNA host, percent-encoded path); ``headers`` include ``Host``.
    ``addresses`` are the vetted addresses to connect to when the client
    already knows them (an IP-literal host, checked without any lookup);
    empty, the transport resolves ``host`` and vets the answers itself.
    ``connect_to`` sends the exchange to another (scheme, host, port) while
    it stays keyed by ``url`` (a cassette's stand-in server).
    """

    method: str
    url: str
    scheme: str
    host: str
    port: int
    headers: tuple[tuple[str, str], ...]
    body: bytes | None = None
    addresses: tuple[str, ...] = ()
    connect_to: tuple[str, str, int] | None = None
    connect_timeout: float = 15.0
    read_timeout: float = 15.0

    @property
    def target(self) -> str:
        """The request-target: path and query (``/`` for an empty path)."""
        rest = self.url.split("://", 1)[-1]
        slash = rest.find("/")
        question = rest.find("?")
        if slash < 0 or (0 <= question < slash):
            return "/" + rest[question:] if question >= 0 else "/"
        return rest[slash:]

    def header(self, name: str) -> str | None:
        """The request's header ``name`` (case-insensitive), or None."""
        return header_value(self.headers, name)


class HttpResponse(Protocol):
    """A response whose body has not been read yet."""

    status: int
    reason: str
    headers: HTTPHeaderDict
    chunked: bool

    @property
    def message(self) -> http.client.HTTPMessage:
        """The header block as an ``HTTPMessage`` (what cookie extraction reads)."""
        ...

    def read1(self, amount: int) -> bytes:
        """Up to ``amount`` bytes of the body as sent (still content-encoded); b"" at its end.

        Raises :class:`BodyFailure` when the body breaks.
        """
        ...

    def close(self) -> None:
        """Done with the response: a fully read connection is reused, any other dropped."""
        ...


class Transport(Protocol):
    """Sends one request and returns its response or why there is none."""

    def handle_request(
        self, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse | TransportFailure:
        """The response to ``request`` within ``deadline``; never raises for the network."""
        ...

    def pin(self, request: HttpRequest) -> HttpRequest | TransportFailure:
        """``request`` with the addresses it will connect to, fixed once per hop.

        The live transport resolves and vets the host here, so that the
        retries of one hop go to the same vetted addresses (a rebinding DNS
        server cannot answer the retry differently); a replay connects
        nowhere and returns the request unchanged.
        """
        ...

    def retry_wait(self, request: HttpRequest, backoff: float) -> float | None:
        """How long to wait before sending ``request`` again, or None if it cannot be retried.

        A live transport waits the backoff; a replay answers from the
        recording at once, and only retries what the recorded run retried.
        """
        ...

    def close(self) -> None:
        """Release connections and write what was recorded."""
        ...
