"""Fetch one cited URL carefully: redirects, retries, caps and decoding over one transport.

:class:`Fetcher` turns a URL into a :class:`FetchResult` and never raises for
anything the network or a server does. It is built for URLs that strangers
wrote, served by servers that may be slow, broken or hostile:

* **Only where the policy allows.** http(s) only; the live transport
  (:mod:`citecheck.fetch.live`) resolves every host once per hop, checks
  every answer against :mod:`citecheck.fetch.addresses` and connects to that
  vetted address (pinned); an IP-literal host is checked here, before any
  transport, so the guard holds when replaying too.
* **Redirects by hand.** Each hop is checked like the first URL before any
  connection, recorded as a :class:`Redirect`, and loops are caught.
  Credentials from the URL (``http://user:pw@host/``) and the policy's
  Authorization/Cookie headers go only to the origin they were written for.
* **Bounded in time and size.** Connect/read timeouts, plus a total deadline
  per URL (retries and redirects included) that one scheduler thread
  enforces for every fetch (:mod:`citecheck.fetch.deadline`), so a server
  that drips one byte a second, or never ends its headers, cannot hold a
  worker. Bodies are read up to the byte cap and the connection is then
  closed, so the rest is never downloaded; compressed bodies are inflated
  only up to the cap.
* **Polite.** A User-Agent naming citecheck, GET only (HEAD is answered
  wrongly by too many servers to be trusted), bounded retries with
  exponential backoff for connection errors and 5xx, and ``Retry-After`` on
  429/503 honoured up to a cap. The retry and redirect state is one
  immutable value (:class:`~citecheck.fetch.retry.RetryState`).

Everything here is logic over :class:`~citecheck.fetch.transport.HttpRequest`
values and responses; one :class:`~citecheck.fetch.transport.Transport`
does the exchange: the live one, or with a cassette the replay one
(:mod:`citecheck.fetch.replay`), so there is no replay branch in this module.

Thread safety: one Fetcher is shared by a thread pool. Each call keeps its
state in locals (cookies included, so one site's cookies never leak into
another fetch); the transport's pools are thread-safe.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import re
import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

import attrs
import requests
import requests.cookies
import requests.exceptions

from citecheck.fetch.addresses import WEB_SCHEMES, Resolver, parse_ip, url_scheme
from citecheck.fetch.cassette import Cassette, CassetteError, Tape
from citecheck.fetch.deadline import Deadline
from citecheck.fetch.decode import decode_text, parse_content_type
from citecheck.fetch.inflate import ACCEPT_ENCODING, DecodeError, inflater_for
from citecheck.fetch.live import LiveTransport, classify_exception, vet
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.replay import DRAIN_LIMIT, READ_CHUNK, REDIRECT_STATUSES, ReplayTransport
from citecheck.fetch.result import FetchFailure, FetchResult
from citecheck.fetch.retry import RetryState
from citecheck.fetch.transport import (
    BodyFailure,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportFailure,
    deadline_failure,
)

__all__ = [
    "ACCEPT_ENCODING",
    "BOMB_RATIO",
    "MAX_URL_LENGTH",
    "Fetcher",
    "classify_exception",
    "host_problem",
    "retry_after_seconds",
    "unpinned_uri",
    "url_problem",
]

MAX_URL_LENGTH = 16 * 1024
"""Longer URLs are refused as invalid. Servers cap the request line at 8–16 KiB
(nginx ``large_client_header_buffers`` 8k, Apache ``LimitRequestLine`` 8190),
so a longer cited URL cannot be fetched anywhere; it is a paste accident."""

BOMB_RATIO = 100
"""A compressed body that reaches the byte cap while inflating more than this
many times its compressed size is a decompression bomb. Real HTML and JSON
compress 4–20:1; a gzip bomb (zeros) inflates about 1000:1."""

_RETRY_AFTER_STATUSES = frozenset({429, 503})
# 501 Not Implemented and 505 HTTP Version Not Supported will not change on a retry.
_PERMANENT_5XX = frozenset({501, 505})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Headers that carry a secret meant for one site: sent to the origin of the
# cited URL only, never to the host a redirect leads to.
_ORIGIN_BOUND_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# CR/LF in a URL would let it write its own request headers.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


# --------------------------------------------------------------------------
# Small pure helpers


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be requested at all (too long, control characters), or None."""
    if len(url) > MAX_URL_LENGTH:
        return f"the URL is {len(url)} characters long; at most {MAX_URL_LENGTH} are fetched"
    control = _CONTROL_CHARACTER.search(url)
    if control is not None:
        return f"the URL contains the control character {control.group()!r}"
    return None


def retry_after_seconds(value: str | None, now: datetime.datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return float(int(text[:12]))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:  # older Pythons return None instead of raising
        return None  # pragma: no cover
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - now).total_seconds())


def unpinned_uri(uri: str, host_header: str) -> str:
    """``uri`` with its network location replaced by the request's Host header.

    Connections go to the vetted IP address, so a library that records at
    urllib3's connection level (vcrpy) sees ``http://93.184.215.14/page``. A
    vcrpy ``before_record_request`` hook that applies this to
    ``request.uri`` and ``request.headers["Host"]`` keys cassettes by name again.
    """
    parts = urlsplit(uri)
    return urlunsplit(parts._replace(netloc=host_header.strip()))


def host_problem(host: str | None) -> TransportFailure | None:
    """Why a URL's host cannot be a host name or address (RFC 1035 lengths), or None."""
    if not host:
        return TransportFailure(FetchFailure.INVALID_URL, "the URL has no host")
    if parse_ip(host) is not None:
        return None
    name = host[:-1] if host.endswith(".") else host
    if len(name) > 253:
        return TransportFailure(
            FetchFailure.INVALID_URL, "the host name is longer than 253 characters"
        )
    for label in name.split("."):
        # Measured after IDNA would be better, but a label this long in
        # Unicode is already hopeless; the resolver is spared the garbage.
        if not label or len(label) > 63:
            return TransportFailure(
                FetchFailure.INVALID_URL,
                _one_line(f"the host name {host!r} has an empty or over-long label", 160),
            )
    return None


def _one_line(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _without_userinfo(parts: SplitResult) -> SplitResult:
    netloc = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=netloc)


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def _same_origin(first: tuple[str, str, int], other: tuple[str, str, int]) -> bool:
    if first == other:
        return True
    # http -> https on the same host and default ports is the same site
    # upgrading itself, as requests and browsers treat it.
    return first == ("http", other[1], 80) and other[2] == 443 and other[0] == "https"


def _basic_auth(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _location_target(current: str, location: str) -> str:
    """The absolute URL a Location header points to from ``current``."""
    # http.client decodes header bytes as latin-1; servers send UTF-8 paths
    # (Wikipedia-style /wiki/Заглавная_страница), so undo that when it fits.
    with contextlib.suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")
    location = location.strip()
    base = urlsplit(current)
    target = urljoin(urlunsplit(_without_userinfo(base)), location)
    parts = urlsplit(target)
    # RFC 9110 §10.2.2: a Location without a fragment inherits the request's.
    if not parts.fragment and base.fragment:
        target = urlunsplit(parts._replace(fragment=base.fragment))
    return target


# --------------------------------------------------------------------------
# The fetcher


@attrs.define
class _Run:
    """The state of one ``fetch`` call; never shared between threads."""

    url: str
    deadline: Deadline
    retry: RetryState
    note: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    form: tuple[tuple[str, str], ...] | None = None
    """A form to POST to the first URL (Save Page Now); redirects after it are GETs."""


@attrs.frozen
class _Body:
    data: bytes
    wire_bytes: int
    truncated: bool


Sleep = Callable[[float], None]


class Fetcher:
    """Fetches URLs under a :class:`FetchPolicy`; thread-safe, one per run.

    ``resolver`` replaces the system resolver (tests, replay). ``sleep`` is
    what retries wait with, so tests need not wait for real. Proxies and
    ``.netrc`` from the environment are ignored on purpose: a proxy would
    resolve names itself, past the address guard. ``cassette`` records every
    exchange to, or replays it from, a vcrpy cassette; it is written
    (atomically) when the fetcher is closed. Opening it raises
    :class:`CassetteError` when it cannot be used. ``hosts`` is how many
    distinct hosts the run will fetch from, when known: the connection pools
    are sized to keep one per host. ``transport`` replaces the live
    transport (a test's, or another implementation of the seam).
    """

    def __init__(
        self,
        policy: FetchPolicy,
        resolver: Resolver | None = None,
        *,
        sleep: Sleep = time.sleep,
        cassette: Cassette | None = None,
        hosts: int = 0,
        transport: Transport | None = None,
        _tape: Tape | None = None,
    ) -> None:
        self.policy = policy
        self.cassette = cassette
        self._resolver = resolver
        self._sleep = sleep
        self._hosts = hosts
        # The cap plus one byte: that byte is how a replay knows the page was longer.
        self._tape = (
            _tape
            if _tape is not None
            else (Tape(cassette, max(0, policy.max_bytes) + 1) if cassette else None)
        )
        live: Transport = (
            transport if transport is not None else LiveTransport(policy, resolver, hosts=hosts)
        )
        self._transport: Transport = (
            ReplayTransport(self._tape, live, policy.max_bytes) if self._tape is not None else live
        )
        self._in_flight = threading.BoundedSemaphore(max(1, policy.concurrency))

    def __getstate__(self) -> dict[str, object]:
        # Worker processes (ShardedExecutor, Dask) get a copy; a semaphore does
        # not pickle, and each copy bounds its own process's requests.
        state = self.__dict__.copy()
        del state["_in_flight"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._in_flight = threading.BoundedSemaphore(max(1, self.policy.concurrency))

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def transport(self) -> Transport:
        """The transport every exchange goes through."""
        return self._transport

    def with_policy(self, policy: FetchPolicy) -> Fetcher:
        """Another fetcher with ``policy`` that shares this one's resolver and open cassette.

        The archive stage needs its own manners (no retries) while its exchanges
        must land in the same cassette as the run's; two fetchers each holding the
        cassette would each write it, and the last one would lose the other's.
        """
        return Fetcher(
            policy,
            self._resolver,
            sleep=self._sleep,
            cassette=self.cassette,
            hosts=self._hosts,
            _tape=self._tape,
        )

    def close(self) -> None:
        """Close every pooled connection and write the cassette, if anything was recorded."""
        self._transport.close()
        if self._tape is not None:
            try:
                self._tape.save()
            except OSError as exc:
                path = self._tape.cassette.path
                raise CassetteError(f"cannot write the cassette {path}: {exc}") from exc

    # -- the public entry point ------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        headers: tuple[tuple[str, str], ...] = (),
        form: tuple[tuple[str, str], ...] | None = None,
    ) -> FetchResult:
        """Fetch ``url`` (GET, redirects followed by hand); never raises for network trouble.

        ``headers`` are added to this request only, after the policy's (a Memento
        lookup's ``Accept-Datetime``); like the policy's, origin-bound ones are not
        sent to another origin on redirect. ``form`` POSTs those fields
        (``application/x-www-form-urlencoded``) to ``url`` instead, as a Save
        Page Now capture request does; a redirect after it is followed with a GET
        (RFC 9110 15.4: what clients do after 301/302/303), and a POST is never
        replayed from or recorded to a cassette.

        At most ``policy.concurrency`` fetches of one fetcher are under way at
        once, whatever the number of threads calling it: the caller may run a
        few more URL checks than that, so that one URL's page analysis
        overlaps the next URL's request instead of holding its slot.
        """
        with self._in_flight:
            return self._fetch_now(url, headers, form)

    def _fetch_now(
        self,
        url: str,
        headers: tuple[tuple[str, str], ...],
        form: tuple[tuple[str, str], ...] | None = None,
    ) -> FetchResult:
        fetched_at = datetime.datetime.now(datetime.UTC)
        deadline = Deadline(max(0.0, self.policy.total_deadline))
        run = _Run(
            url=url,
            deadline=deadline,
            retry=RetryState(
                max_retries=self.policy.retries,
                max_redirects=self.policy.max_redirects,
                backoff_base=self.policy.backoff_base,
            ),
            headers=headers,
            form=form,
        )
        try:
            result = self._fetch(run)
        except Exception as exc:  # fetch never raises: a bug becomes an OTHER result
            result = self._stopped(
                run,
                TransportFailure(
                    FetchFailure.OTHER, _one_line(f"unexpected {type(exc).__name__}: {exc}")
                ),
                url,
            )
        finally:
            deadline.finish()
        elapsed_ms = int((deadline.total - deadline.remaining()) * 1000)
        return attrs.evolve(
            result, elapsed_ms=elapsed_ms, fetched_at=fetched_at, attempts=run.retry.attempts
        )

    # -- one URL, hop by hop ------------------------------------------------

    def _stopped(self, run: _Run, failure: TransportFailure, final_url: str) -> FetchResult:
        return FetchResult(
            url=run.url,
            final_url=final_url,
            redirects=run.retry.redirects,
            failure=failure.kind,
            detail=failure.detail,
        )

    def _fetch(self, run: _Run) -> FetchResult:
        first = self._check_url(run.url)
        if first is not None:
            return self._stopped(run, first, run.url)
        original = urlsplit(run.url)
        credentials: tuple[str, str] | None = None
        if original.username is not None:
            credentials = (unquote(original.username), unquote(original.password or ""))
        origin = _origin(original)
        jar = requests.cookies.RequestsCookieJar()
        visited: set[tuple[str, str]] = set()
        current = run.url
        while True:
            form = run.form if not run.retry.redirects else None
            prepared = self._prepare(current, jar, origin, credentials, run.headers, form)
            if isinstance(prepared, TransportFailure):
                return self._stopped(run, prepared, current)
            request, cookie_request = prepared
            key = (request.url, request.header("Cookie") or "")
            if key in visited:
                loop = TransportFailure(
                    FetchFailure.REDIRECT_LOOP, _one_line(f"redirect loop back to {current}")
                )
                return self._stopped(run, loop, current)
            visited.add(key)

            outcome = self._exchange(run, request)
            if isinstance(outcome, TransportFailure):
                return self._stopped(run, outcome, current)
            response = outcome
            if response.headers.get("Set-Cookie") or response.headers.get("Set-Cookie2"):
                jar.extract_cookies(
                    requests.cookies.MockResponse(response.message),  # type: ignore[arg-type]
                    requests.cookies.MockRequest(cookie_request),  # type: ignore[arg-type]
                )
            status = response.status
            location = response.headers.get("Location")
            if status in REDIRECT_STATUSES and location:
                self._discard(run, response)
                run.retry = run.retry.redirected(current, status, location)
                try:
                    next_url = _location_target(current, location)
                except ValueError as exc:
                    bad = TransportFailure(
                        FetchFailure.INVALID_URL,
                        _one_line(f"the redirect's Location {location!r} is not a URL: {exc}"),
                    )
                    return self._stopped(run, bad, current)
                problem = self._check_url(next_url)
                if problem is not None:
                    return self._stopped(run, problem, next_url)
                if run.retry.too_many_redirects:
                    too_many = TransportFailure(
                        FetchFailure.TOO_MANY_REDIRECTS,
                        f"more than {self.policy.max_redirects} redirects",
                    )
                    return self._stopped(run, too_many, next_url)
                current = next_url
                continue
            return self._final(run, current, response)

    def _check_url(self, url: str) -> TransportFailure | None:
        problem = url_problem(url)
        if problem is not None:
            return TransportFailure(FetchFailure.INVALID_URL, problem)
        scheme = url_scheme(url)
        if scheme is None:
            return TransportFailure(FetchFailure.INVALID_URL, "the URL has no scheme")
        if scheme not in WEB_SCHEMES:
            return TransportFailure(
                FetchFailure.UNSAFE_SCHEME, f"the scheme {scheme!r} is not fetched (http(s) only)"
            )
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError for "host:99999" or "host:port"
        except ValueError as exc:
            return TransportFailure(
                FetchFailure.INVALID_URL, _one_line(f"the URL cannot be parsed: {exc}")
            )
        return host_problem(parts.hostname)

    def _headers_for(
        self,
        parts: SplitResult,
        origin: tuple[str, str, int],
        credentials: tuple[str, str] | None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> dict[str, str]:
        headers = {
            "User-Agent": self.policy.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        same_origin = _same_origin(origin, _origin(parts))
        for name, value in (*self.policy.headers, *extra):
            lowered = name.lower()
            if lowered == "host" or (lowered in _ORIGIN_BOUND_HEADERS and not same_origin):
                continue
            headers[name] = value
        if parts.username is not None:
            # Credentials the redirect target itself carries are its own.
            headers["Authorization"] = _basic_auth(
                unquote(parts.username), unquote(parts.password or "")
            )
        elif credentials is not None and same_origin:
            headers["Authorization"] = _basic_auth(*credentials)
        return headers

    def _prepare(
        self,
        url: str,
        jar: requests.cookies.RequestsCookieJar,
        origin: tuple[str, str, int],
        credentials: tuple[str, str] | None,
        extra_headers: tuple[tuple[str, str], ...] = (),
        form: tuple[tuple[str, str], ...] | None = None,
    ) -> tuple[HttpRequest, requests.PreparedRequest] | TransportFailure:
        """The hop's request (and requests' form of it, which cookie handling reads).

        requests prepares the URL (IDNA host, percent-encoding), the cookie
        header from the jar and a form body; an IP-literal host is vetted
        here, a name by the transport when it really connects.
        """
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError for a port out of range
            headers = self._headers_for(parts, origin, credentials, extra_headers)
            bare = urlunsplit(_without_userinfo(parts)._replace(fragment=""))
            # PreparedRequest.prepare, less the steps that do nothing here (the
            # URL carries no credentials any more, there are no hooks) and the
            # cookie step for an empty jar, which built a header for nothing.
            prepared = requests.PreparedRequest()
            prepared.prepare_method("GET" if form is None else "POST")
            prepared.prepare_url(bare, None)
            prepared.prepare_headers(headers)
            if len(jar):
                prepared.prepare_cookies(jar)
            prepared.prepare_body(None if form is None else list(form), None)
            target = urlsplit(prepared.url or "")
            host = target.hostname
            scheme = target.scheme.lower()
            port = target.port or _DEFAULT_PORTS.get(scheme, 0)
        except (ValueError, UnicodeError, requests.exceptions.RequestException) as exc:
            return TransportFailure(
                FetchFailure.INVALID_URL, _one_line(f"the URL cannot be requested: {exc}")
            )
        problem = host_problem(host)
        if problem is not None:
            return problem
        assert host is not None
        if scheme not in WEB_SCHEMES:  # pragma: no cover - checked before, kept as a guard
            return TransportFailure(
                FetchFailure.UNSAFE_SCHEME, f"the scheme {scheme!r} is not fetched"
            )
        addresses: tuple[str, ...] = ()
        if parse_ip(host) is not None:
            vetted = vet(host, port, None, self.policy.allowed_networks)
            if isinstance(vetted, TransportFailure):
                return vetted
            addresses = vetted
        shown = f"[{host}]" if ":" in host else host
        if target.port is not None and target.port != _DEFAULT_PORTS.get(scheme):
            shown = f"{shown}:{target.port}"
        prepared.headers["Host"] = shown
        body = prepared.body
        request = HttpRequest(
            method=prepared.method or "GET",
            url=prepared.url or bare,
            scheme=scheme,
            host=host,
            port=port,
            headers=tuple(prepared.headers.items()),
            body=body.encode() if isinstance(body, str) else body,
            addresses=addresses,
            connect_timeout=self.policy.connect_timeout,
            read_timeout=self.policy.read_timeout,
        )
        return request, prepared

    # -- one hop: send with retries -------------------------------------------

    def _exchange(self, run: _Run, request: HttpRequest) -> HttpResponse | TransportFailure:
        pinned = self._transport.pin(request)
        if isinstance(pinned, TransportFailure):
            return pinned
        request = pinned
        while True:
            if run.deadline.expired():
                return deadline_failure(run.deadline)
            outcome = self._transport.handle_request(request, run.deadline)
            state = run.retry
            if isinstance(outcome, TransportFailure):
                if outcome.retriable and state.can_retry:
                    delay = state.backoff()
                    if run.deadline.remaining() > delay:
                        wait = self._transport.retry_wait(request, delay)
                        if wait is None:
                            return outcome
                        self._sleep(wait)
                        run.retry = state.retried(request.url, failure=outcome.kind)
                        continue
                return outcome
            status = outcome.status
            retriable_status = status == 429 or (
                500 <= status <= 599 and status not in _PERMANENT_5XX
            )
            if retriable_status and state.can_retry:
                delay_or_none, note = self._retry_delay(outcome, state)
                if delay_or_none is not None and run.deadline.remaining() > delay_or_none:
                    wait = self._transport.retry_wait(request, delay_or_none)
                    if wait is not None:
                        self._discard(run, outcome)
                        self._sleep(wait)
                        run.retry = state.retried(request.url, status=status)
                        continue
                    note = "no retry: the recorded run did not retry here"
                run.note = note or "no retry: waiting would pass the total deadline"
            return outcome

    def _retry_delay(self, response: HttpResponse, state: RetryState) -> tuple[float | None, str]:
        if response.status in _RETRY_AFTER_STATUSES:
            asked = retry_after_seconds(
                response.headers.get("Retry-After"), datetime.datetime.now(datetime.UTC)
            )
            if asked is not None:
                cap = self.policy.retry_after_cap
                if asked > cap:
                    return None, f"no retry: Retry-After of {asked:g} s exceeds the {cap:g} s cap"
                return asked, ""
        return state.backoff(), ""

    # -- bodies ----------------------------------------------------------------

    def _discard(self, run: _Run, response: HttpResponse) -> None:
        """Drop a response we will not use; read a small rest so the connection can be reused."""
        try:
            drained = 0
            while drained <= DRAIN_LIMIT and not run.deadline.expired():
                chunk = response.read1(READ_CHUNK)
                if not chunk:
                    break
                drained += len(chunk)
        except BodyFailure:  # a broken body we were going to throw away is of no interest
            pass
        finally:
            response.close()

    def _read_body(self, run: _Run, response: HttpResponse) -> _Body | TransportFailure:
        cap = max(0, self.policy.max_bytes)
        inflater = inflater_for(response.headers.get("Content-Encoding"))
        if isinstance(inflater, str):
            inflater = None  # an unknown coding is kept as sent; decode_text will not call it text
        out = bytearray()
        wire = 0
        truncated = False
        try:
            while True:
                if run.deadline.expired():
                    return deadline_failure(run.deadline)
                want = READ_CHUNK if inflater is not None else min(READ_CHUNK, cap + 1 - len(out))
                chunk = response.read1(want)
                if not chunk:
                    break
                wire += len(chunk)
                if inflater is None:
                    out += chunk
                else:
                    out += inflater.decode(chunk, cap + 1 - len(out))
                if len(out) > cap or wire > cap:
                    truncated = True
                    break
        except DecodeError as exc:
            return TransportFailure(FetchFailure.BAD_RESPONSE, _one_line(str(exc)))
        except BodyFailure as exc:
            return exc.failure
        if truncated and inflater is not None and len(out) > cap:
            consumed = max(1, wire - inflater.unconsumed)
            if len(out) > BOMB_RATIO * consumed:
                return TransportFailure(
                    FetchFailure.DECOMPRESSION_BOMB,
                    f"the {inflater.coding} body inflates more than {BOMB_RATIO}:1 "
                    f"({consumed} bytes became over {cap} bytes); stopped",
                )
        return _Body(data=bytes(out[:cap]), wire_bytes=wire, truncated=truncated)

    def _final(self, run: _Run, url: str, response: HttpResponse) -> FetchResult:
        headers = tuple((str(name), str(value)) for name, value in response.headers.iteritems())
        content_type_header = response.headers.get("Content-Type")
        content_encoding = response.headers.get("Content-Encoding")
        mime, _params = parse_content_type(content_type_header)
        try:
            body = self._read_body(run, response)
        finally:
            response.close()
        base = FetchResult(
            url=run.url,
            final_url=url,
            status=response.status,
            redirects=run.retry.redirects,
            headers=headers,
            content_type=mime,
        )
        if isinstance(body, TransportFailure):
            return attrs.evolve(base, failure=body.kind, detail=body.detail)
        text: str | None = None
        encoding: str | None = None
        # A body in a coding we cannot undo (zstd sent unasked) is kept as
        # bytes; decoding it as text would only produce noise.
        if not isinstance(inflater_for(content_encoding), str):
            text, encoding = decode_text(body.data, content_type_header)
        return attrs.evolve(
            base,
            body=body.data,
            truncated=body.truncated,
            text=text,
            encoding=encoding,
            sha256=hashlib.sha256(body.data).hexdigest(),
            bytes_read=body.wire_bytes,
            detail=run.note,
        )
