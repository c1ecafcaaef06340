"""The replay transport: answers from a cassette, records what the live transport answers.

Every exchange (soft-404 probes and each redirect hop and retry included) is
looked up in the cassette first and, when vcrpy's record mode allows, sent
through the live transport and recorded; see :mod:`citecheck.fetch.cassette`
for why this happens at the fetcher's exchange boundary rather than by
vcrpy's connection patching. A host name is resolved only for an exchange
that really goes to the network (the live transport vets it), so replaying
(``none``) looks up no name and opens no socket.

The recording run, too, goes on from the stored (trimmed) form of each
answer, so recording and replaying give the same result by construction.
"""

from __future__ import annotations

import http.client
import io

import attrs
from urllib3 import HTTPHeaderDict

from citecheck.fetch.cassette import Cassette, Recorded, Tape
from citecheck.fetch.deadline import Deadline
from citecheck.fetch.inflate import DecodeError, inflater_for
from citecheck.fetch.result import FetchFailure
from citecheck.fetch.transport import (
    BodyFailure,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportFailure,
    deadline_failure,
)

READ_CHUNK = 64 * 1024
DRAIN_LIMIT = 64 * 1024
"""At most this much of a body the fetcher throws away (a redirect's) is read, or recorded."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class ReplayedResponse:
    """A cassette entry served as a response; its recorded failure raised where the body broke."""

    chunked = False

    def __init__(self, recorded: Recorded) -> None:
        self.status = recorded.status
        self.reason = recorded.reason
        self.headers = HTTPHeaderDict()
        for name, value in recorded.headers:
            self.headers.add(name, value)
        self._recorded = recorded
        self._body = io.BytesIO(recorded.body)
        self._closed = False

    @property
    def message(self) -> http.client.HTTPMessage:
        message = http.client.HTTPMessage()
        for name, value in self._recorded.headers:
            message[name] = value
        return message

    def read1(self, amount: int) -> bytes:
        """The next piece of the recorded wire body; the recorded failure once it runs out."""
        if self._closed:
            return b""
        chunk = self._body.read1(amount)
        if not chunk and self._recorded.failure is not None:
            raise BodyFailure(TransportFailure(self._recorded.failure, self._recorded.detail))
        return chunk

    def close(self) -> None:
        self._closed = True


def replayed(recorded: Recorded) -> HttpResponse | TransportFailure:
    """A cassette entry as a transport's answer: a response, or the recorded failure."""
    if recorded.status == 0:
        return TransportFailure(
            recorded.failure or FetchFailure.OTHER,
            recorded.detail or "the cassette records no response here",
            retriable=recorded.retriable,
        )
    return ReplayedResponse(recorded)


def _recorded_failure(failure: TransportFailure) -> Recorded:
    return Recorded(failure=failure.kind, detail=failure.detail, retriable=failure.retriable)


class ReplayTransport:
    """Answers GET requests from ``tape``; what it lacks goes to ``live`` (if the mode allows).

    ``max_bytes`` is the fetch policy's body cap: a recorded body stops one
    byte past it (that byte is how a replay knows the page was longer). A
    POST (Save Page Now) is never replayed nor recorded: it goes to ``live``.
    """

    def __init__(self, tape: Tape, live: Transport, max_bytes: int) -> None:
        self.tape = tape
        self.live = live
        self.max_bytes = max(0, max_bytes)

    @property
    def cassette(self) -> Cassette:
        return self.tape.cassette

    def handle_request(
        self, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse | TransportFailure:
        """Played back, or done live and recorded."""
        if request.method != "GET":
            return self.live.handle_request(request, deadline)
        headers = dict(request.headers)
        recorded = self.tape.play("GET", request.url, headers)
        if recorded is None:
            if self.tape.write_protected:
                return TransportFailure(
                    FetchFailure.NOT_RECORDED, self.tape.missing("GET", request.url)
                )
            if deadline.expired():
                return deadline_failure(deadline)
            recorded = self.tape.record(
                "GET", request.url, headers, self._live_exchange(request, deadline)
            )
        return replayed(recorded)

    def pin(self, request: HttpRequest) -> HttpRequest | TransportFailure:
        """A GET is vetted only if it goes live (in :meth:`handle_request`); a POST now."""
        return request if request.method == "GET" else self.live.pin(request)

    def retry_wait(self, request: HttpRequest, backoff: float) -> float | None:
        """A retry is made only if the recorded run made it, and nobody waits for a recording."""
        if request.method != "GET":
            return self.live.retry_wait(request, backoff)
        if self.tape.can_play("GET", request.url, dict(request.headers)):
            return 0.0
        return None if self.tape.write_protected else self.live.retry_wait(request, backoff)

    def close(self) -> None:
        """Close the live transport's connections; the tape is saved by its owner."""
        self.live.close()

    def _live_exchange(self, request: HttpRequest, deadline: Deadline) -> Recorded:
        stand_in = self.cassette.connection_origin(request.url)
        if stand_in is not None:
            # The stand-in's own address is vetted, not the cited host's.
            request = attrs.evolve(request, connect_to=stand_in, addresses=())
        outcome = self.live.handle_request(request, deadline)
        if isinstance(outcome, TransportFailure):
            return _recorded_failure(outcome)
        return self._capture(outcome, deadline)

    def _capture(self, response: HttpResponse, deadline: Deadline) -> Recorded:
        """The response with its body as sent on the wire, read no further than the fetch would.

        The body stays compressed (replay inflates it with the same decoder
        and bomb check) and stops one byte past the cap, or once its
        inflated size passes the cap; a redirect's body, which is only
        drained, stops at the drain limit.
        """
        status = response.status
        headers = tuple((str(name), str(value)) for name, value in response.headers.iteritems())
        limit = self.max_bytes
        if status in REDIRECT_STATUSES and response.headers.get("Location"):
            limit = min(limit, DRAIN_LIMIT)
        inflater = inflater_for(response.headers.get("Content-Encoding"))
        if isinstance(inflater, str):
            inflater = None
        wire = bytearray()
        inflated = 0
        failure: TransportFailure | None = None
        try:
            while len(wire) <= limit:
                if deadline.expired():
                    failure = deadline_failure(deadline)
                    break
                chunk = response.read1(min(READ_CHUNK, limit + 1 - len(wire)))
                if not chunk:
                    break
                wire += chunk
                if inflater is not None:
                    inflated += len(inflater.decode(chunk, limit + 1 - inflated))
                    if inflated > limit:
                        break
        except DecodeError:
            pass  # kept as sent: the replay's decoder meets the same corrupt bytes
        except BodyFailure as exc:
            failure = exc.failure
        finally:
            response.close()
        return Recorded(
            status=status,
            reason=response.reason,
            headers=headers,
            body=bytes(wire),
            failure=failure.kind if failure is not None else None,
            detail=failure.detail if failure is not None else "",
        )
