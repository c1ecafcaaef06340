"""The live transport: vetted, pinned, pooled connections under one deadline.

* **Only where the policy allows.** Every host is resolved once per
  exchange, every answer is checked against :mod:`citecheck.fetch.addresses`,
  and the connection goes to that vetted address (pinned), with the Host
  header, TLS SNI and certificate check still on the real name. A second
  DNS lookup by the HTTP library, which a rebinding DNS server could answer
  with ``169.254.169.254``, never happens.
* **Bounded in time.** Connect and read timeouts per exchange, and the
  fetch's total :class:`~citecheck.fetch.deadline.Deadline`: every
  connection the exchange takes from a pool is watched by it, so the one
  deadline thread can shut it down.
* **Pooled for the run.** One urllib3 pool per (address, port, scheme,
  TLS name), as many pools as the run has hosts (``hosts``), each keeping
  up to ``concurrency`` connections: with fewer pools than hosts, every
  request of a 50-host run at concurrency 16 opened a new connection
  (issue 17). All HTTPS pools share one TLS context.
* **Errors become values** at this boundary (:func:`classify_exception`).
"""

from __future__ import annotations

import errno
import http.client
import os
import socket
import ssl
import threading
import time
from typing import Any

import attrs
import requests.exceptions
import urllib3
import urllib3.exceptions
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.ssl_ import create_urllib3_context
from urllib3.util.ssl_match_hostname import CertificateError

from citecheck.fetch.addresses import Resolver, SystemResolver, address_refusal, parse_ip
from citecheck.fetch.deadline import Deadline
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.result import FetchFailure
from citecheck.fetch.transport import (
    BodyFailure,
    HttpRequest,
    HttpResponse,
    TransportFailure,
    deadline_failure,
)

_UNREACHABLE_ERRNOS = frozenset(
    {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}
)
ENVIRONMENT_CA_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
"""Where ``--trust-env`` looks for a CA bundle, in this order (OpenSSL's, then requests')."""


def _one_line(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --------------------------------------------------------------------------
# Interim responses

MAX_INTERIM_RESPONSES = 16
"""More ``1xx`` answers before the real one are a hostile or broken server."""


class _InterimSkippingResponse(http.client.HTTPResponse):
    """http.client's response, skipping every 1xx interim answer, within the read timeout.

    http.client skips ``100 Continue`` only, so ``103 Early Hints`` followed
    by ``200`` (Cloudflare, Fastly) was taken as a final 103 and judged an
    error. And each skipped 100 started a fresh read timeout, so a server
    dripping ``100 Continue`` held a URL until the total deadline, whatever
    ``--timeout`` said. Here every 1xx but ``101 Switching Protocols`` is
    skipped, at most :data:`MAX_INTERIM_RESPONSES` of them, and the final
    status line must arrive within one read timeout of the first: interim
    answers never extend it.
    """

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self._interim_socket = sock

    def _read_status(self) -> tuple[str, int, str]:
        timeout = self._interim_socket.gettimeout()
        started = time.monotonic()
        for _ in range(MAX_INTERIM_RESPONSES + 1):
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not (100 <= status < 200) or status == 101:
                if timeout is not None:
                    self._interim_socket.settimeout(timeout)
                return version, status, reason
            http.client.parse_headers(self.fp)  # an interim answer's headers: skipped
            if timeout is not None:
                remaining = started + timeout - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"no final response within the {timeout:g} s read timeout "
                        f"(interim {status} responses only)"
                    )
                self._interim_socket.settimeout(remaining)
        raise http.client.BadStatusLine(
            f"more than {MAX_INTERIM_RESPONSES} interim (1xx) responses before the final one"
        )


# --------------------------------------------------------------------------
# Pools whose connections the fetch's deadline watches

_local = threading.local()


class _WatchedHTTPPool(HTTPConnectionPool):
    """A stock pool whose connections are watched by the deadline of the fetch using them.

    A connection taken out during an exchange is handed to that fetch's
    deadline (set for the exchange in a thread-local); it remembers the
    deadline, so that when it goes back to the pool (once its body is read,
    perhaps later than the exchange) it is no longer watched.
    """

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection: Any = super()._get_conn(timeout)
        # On the instance, not a subclass: ConnectionCls stays stock.
        connection.response_class = _InterimSkippingResponse
        deadline = getattr(_local, "deadline", None)
        if deadline is not None:
            connection.citecheck_deadline = deadline
            deadline.watch(connection)
        return connection

    def _put_conn(self, conn: Any) -> None:
        deadline = getattr(conn, "citecheck_deadline", None)
        if deadline is not None:
            deadline.unwatch(conn)
            conn.citecheck_deadline = None
        super()._put_conn(conn)


class _WatchedHTTPSPool(_WatchedHTTPPool, HTTPSConnectionPool):
    """The HTTPS flavour of :class:`_WatchedHTTPPool`."""

    def _validate_conn(self, conn: Any) -> None:
        # urllib3's, less its InsecureRequestWarning on every request: with
        # verification on, an unverified connection fails before this point,
        # so it only ever warns under --insecure, which citecheck announces
        # once itself (on stderr and in the report).
        HTTPConnectionPool._validate_conn(self, conn)
        if conn.is_closed:
            conn.connect()


# --------------------------------------------------------------------------
# Failure classification


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> http.client/ssl/socket)."""
    found: list[BaseException] = []
    queue: list[BaseException] = [exc]
    while queue and len(found) < 32:
        current = queue.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__]
        nested.extend(current.args)
        queue.extend(item for item in nested if isinstance(item, BaseException))
    return found


def _first(chain: list[BaseException], kinds: type | tuple[type, ...]) -> BaseException | None:
    for exc in chain:
        if isinstance(exc, kinds):
            return exc
    return None


_TLS_ERRORS = (
    ssl.SSLError,
    CertificateError,
    urllib3.exceptions.SSLError,
    requests.exceptions.SSLError,
)
_RESET_ERRORS = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)
_BAD_RESPONSE_ERRORS = (
    http.client.HTTPException,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.DecodeError,
    urllib3.exceptions.HeaderParsingError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    requests.exceptions.InvalidHeader,
)
_INVALID_URL_ERRORS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    urllib3.exceptions.LocationValueError,
    UnicodeError,
)


def _describe_bad_response(exc: BaseException) -> str:
    if isinstance(exc, http.client.BadStatusLine):
        line = str(getattr(exc, "line", exc))
        return f"invalid status line {_one_line(line, 80)!r}"
    if isinstance(exc, http.client.LineTooLong):
        return "a status or header line is longer than 64 KiB (a header that never ends)"
    if isinstance(exc, http.client.IncompleteRead):
        if isinstance(exc, urllib3.exceptions.InvalidChunkLength):
            return "invalid chunked encoding (bad chunk size line)"
        expected = exc.expected
        received = exc.partial if isinstance(exc.partial, int) else len(exc.partial)
        if expected:
            return f"body ended early: {received} bytes received, {expected} more expected"
        return "body ended early (invalid chunked encoding or Content-Length)"
    return f"invalid HTTP response: {exc}"


def classify_exception(
    exc: BaseException, *, address: str = "", port: int = 0, timeouts: tuple[float, float] = (0, 0)
) -> TransportFailure:
    """Turn what requests/urllib3/ssl/socket raised into a failure kind and a one-line detail."""
    chain = _exception_chain(exc)
    where = f"{address} port {port}" if address else "the server"

    verify = _first(chain, ssl.SSLCertVerificationError)
    if isinstance(verify, ssl.SSLCertVerificationError):
        return TransportFailure(
            FetchFailure.TLS, f"TLS certificate rejected: {verify.verify_message}"
        )
    mismatch = _first(chain, CertificateError)
    if mismatch is not None:
        return TransportFailure(
            FetchFailure.TLS, _one_line(f"TLS certificate rejected: {mismatch}")
        )
    tls = _first(chain, ssl.SSLError)
    if isinstance(tls, ssl.SSLError):
        reason = tls.reason or tls.strerror or str(tls)
        return TransportFailure(FetchFailure.TLS, _one_line(f"TLS handshake failed: {reason}"))
    if _first(chain, _TLS_ERRORS) is not None:
        return TransportFailure(FetchFailure.TLS, _one_line(f"TLS failed: {exc}"))

    if _first(chain, ConnectionRefusedError) is not None:
        return TransportFailure(
            FetchFailure.REFUSED,
            f"connection to {where} refused",
            retriable=True,
            try_next_address=True,
        )
    reset = _first(chain, _RESET_ERRORS)
    if reset is not None:
        if isinstance(reset, http.client.RemoteDisconnected):
            detail = "the server closed the connection without answering"
        else:
            detail = "the connection was reset by the server"
        return TransportFailure(FetchFailure.RESET, detail, retriable=True)

    connect_timeout = _first(chain, urllib3.exceptions.ConnectTimeoutError)
    if connect_timeout is not None and not isinstance(
        connect_timeout, urllib3.exceptions.NewConnectionError
    ):
        return TransportFailure(
            FetchFailure.TIMEOUT,
            f"connecting to {where} timed out after {timeouts[0]:g} s",
            retriable=True,
        )
    if _first(chain, requests.exceptions.ConnectTimeout) is not None:
        return TransportFailure(
            FetchFailure.TIMEOUT,
            f"connecting to {where} timed out after {timeouts[0]:g} s",
            retriable=True,
        )
    if _first(chain, (urllib3.exceptions.ReadTimeoutError, requests.exceptions.Timeout)) or _first(
        chain, (TimeoutError, socket.timeout)
    ):
        return TransportFailure(
            FetchFailure.TIMEOUT, f"no data from the server for {timeouts[1]:g} s", retriable=True
        )

    bad = _first(chain, http.client.HTTPException)
    if bad is not None:
        return TransportFailure(FetchFailure.BAD_RESPONSE, _one_line(_describe_bad_response(bad)))
    if _first(chain, _BAD_RESPONSE_ERRORS) is not None:
        return TransportFailure(
            FetchFailure.BAD_RESPONSE, _one_line(f"invalid HTTP response: {exc}")
        )

    gai = _first(chain, socket.gaierror)
    if gai is not None:
        return TransportFailure(FetchFailure.DNS, _one_line(f"name resolution failed: {gai}"))
    for item in chain:
        if isinstance(item, OSError) and item.errno in _UNREACHABLE_ERRNOS:
            return TransportFailure(
                FetchFailure.OTHER,
                _one_line(f"{where} is unreachable: {item.strerror or item}"),
                try_next_address=True,
            )
    if _first(chain, _INVALID_URL_ERRORS) is not None:
        return TransportFailure(
            FetchFailure.INVALID_URL, _one_line(f"the URL cannot be requested: {exc}")
        )
    return TransportFailure(FetchFailure.OTHER, _one_line(f"{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------
# Vetting: resolve once, check every answer


def vet(
    host: str, port: int, resolver: Resolver | None, allowed: tuple[Any, ...]
) -> tuple[str, ...] | TransportFailure:
    """The addresses ``host`` may be reached at, or why it may not be.

    An IP-literal host is checked without any lookup (``resolver`` may be
    None then); a name is resolved once and every answer must pass.
    """
    literal = parse_ip(host)
    if literal is not None:
        reason = address_refusal(literal, allowed)
        if reason is not None:
            return TransportFailure(
                FetchFailure.UNSAFE_ADDRESS,
                f"{literal} is outside the allowed networks: {reason}",
            )
        return (str(literal),)
    if resolver is None:  # pragma: no cover - callers pass a resolver for names
        raise ValueError(f"{host!r} is a name: a resolver is needed")
    try:
        answers = list(resolver.resolve(host, port))
    except socket.gaierror as exc:
        return TransportFailure(FetchFailure.DNS, _one_line(f"{host} does not resolve: {exc}"))
    except UnicodeError as exc:
        return TransportFailure(FetchFailure.INVALID_URL, _one_line(f"invalid host name: {exc}"))
    except OSError as exc:
        return TransportFailure(FetchFailure.DNS, _one_line(f"resolving {host} failed: {exc}"))
    if not answers:
        return TransportFailure(FetchFailure.DNS, f"{host} does not resolve (no addresses)")
    addresses: list[str] = []
    for answer in answers:
        address = parse_ip(str(answer))
        if address is None:
            return TransportFailure(
                FetchFailure.OTHER, _one_line(f"the resolver returned {answer!r} for {host}")
            )
        # Every answer must pass: a name that mixes a public and a private
        # address is either misconfigured or an attack, and either way
        # the connection could land on the private one.
        reason = address_refusal(address, allowed)
        if reason is not None:
            return TransportFailure(
                FetchFailure.UNSAFE_ADDRESS,
                f"{host} resolves to {address}, outside the allowed networks: {reason}",
            )
        if str(address) not in addresses:
            addresses.append(str(address))
    return tuple(addresses)


# --------------------------------------------------------------------------
# TLS


def ca_bundle_for(policy: FetchPolicy, environ: Any = None) -> str:
    """Trusted CAs: ``ca_bundle``, else the environment's (``trust_env``), else certifi's."""
    if policy.ca_bundle is not None:
        return policy.ca_bundle
    if policy.trust_env:
        environ = os.environ if environ is None else environ
        for name in ENVIRONMENT_CA_VARIABLES:
            value = environ.get(name)
            if value:
                return str(value)
    return str(DEFAULT_CA_BUNDLE_PATH)


def tls_context(policy: FetchPolicy) -> ssl.SSLContext:
    """The one TLS context of a transport: its trusted CAs, or no verification (``insecure``).

    Shared by every HTTPS pool, so the CA file is read once per run, not once
    per pool.
    """
    context = create_urllib3_context()
    if policy.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    bundle = ca_bundle_for(policy)
    if os.path.isdir(bundle):
        context.load_verify_locations(capath=bundle)
    else:
        context.load_verify_locations(cafile=bundle)
    return context


# --------------------------------------------------------------------------
# The transport


class LiveResponse:
    """urllib3's response, read as sent, its errors translated into :class:`BodyFailure`."""

    __slots__ = ("_deadline", "_raw", "_read_timeout", "chunked", "headers", "reason", "status")

    def __init__(self, raw: Any, deadline: Deadline, read_timeout: float) -> None:
        self._raw = raw
        self._deadline = deadline
        self._read_timeout = read_timeout
        self.status: int = raw.status
        self.reason: str = str(raw.reason or "")
        self.headers = raw.headers
        self.chunked: bool = bool(raw.chunked)

    @property
    def message(self) -> http.client.HTTPMessage:
        original = self._raw._original_response
        if original is not None:
            message: http.client.HTTPMessage = original.msg
            return message
        return http.client.HTTPMessage()  # pragma: no cover - urllib3 always keeps it

    def read1(self, amount: int) -> bytes:
        try:
            data: bytes = self._raw.read1(amount, decode_content=False)
        except Exception as exc:  # transport errors mid-body become values too
            if self._deadline.expired():
                raise BodyFailure(deadline_failure(self._deadline)) from None
            failure = classify_exception(exc, timeouts=(0, self._read_timeout))
            if failure.kind is FetchFailure.BAD_RESPONSE and self.chunked:
                # http.client reports a broken chunk-size line as a short read.
                failure = TransportFailure(
                    FetchFailure.BAD_RESPONSE,
                    "invalid chunked encoding: the chunk framing is broken",
                )
            raise BodyFailure(failure) from None
        return data

    def close(self) -> None:
        # A fully read body has already put its connection back (urllib3
        # releases it at the end); otherwise the connection is closed, so the
        # rest of the body is never downloaded, and its pool slot returned.
        self._raw.close()
        self._raw.release_conn()


class LiveTransport:
    """Sends requests to vetted addresses over pooled, pinned connections.

    ``hosts`` is how many distinct hosts the run will ask (``verify`` knows
    them before it fetches): the pool manager keeps that many pools, so no
    host's idle connections are dropped to make room for another's.
    """

    def __init__(
        self, policy: FetchPolicy, resolver: Resolver | None = None, *, hosts: int = 0
    ) -> None:
        self.policy = policy
        self._resolver: Resolver = resolver if resolver is not None else SystemResolver()
        self._hosts = hosts
        self._pools = self._pool_manager()

    def _pool_manager(self) -> urllib3.PoolManager:
        size = max(1, self.policy.concurrency)
        pools = urllib3.PoolManager(
            num_pools=max(10, 2 * size, self._hosts),
            maxsize=size,
            block=False,
            retries=False,
            ssl_context=tls_context(self.policy),
            cert_reqs="CERT_NONE" if self.policy.insecure else "CERT_REQUIRED",
        )
        pools.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
        return pools

    def __getstate__(self) -> dict[str, object]:
        # Worker processes get a copy without pools (sockets, locks and TLS
        # contexts do not pickle); each builds its own.
        state = self.__dict__.copy()
        del state["_pools"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._pools = self._pool_manager()

    def pin(self, request: HttpRequest) -> HttpRequest | TransportFailure:
        """``request`` with its host resolved and every answer vetted."""
        if request.addresses:
            return request
        _scheme, host, port = request.connect_to or (request.scheme, request.host, request.port)
        addresses = vet(host, port, self._resolver, self.policy.allowed_networks)
        if isinstance(addresses, TransportFailure):
            return addresses
        return attrs.evolve(request, addresses=addresses)

    def retry_wait(self, request: HttpRequest, backoff: float) -> float | None:
        """A live retry waits the backoff."""
        return backoff

    def close(self) -> None:
        """Close every pooled connection."""
        self._pools.clear()

    def handle_request(
        self, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse | TransportFailure:
        """Try the request's vetted addresses in turn (vetting them first if need be)."""
        if not request.addresses:
            pinned = self.pin(request)
            if isinstance(pinned, TransportFailure):
                return pinned
            request = pinned
        scheme, _host, port = request.connect_to or (request.scheme, request.host, request.port)
        addresses = request.addresses
        failure: TransportFailure | None = None
        for index, address in enumerate(addresses):
            remaining = deadline.remaining()
            if remaining <= 0 or deadline.fired:
                return deadline_failure(deadline)
            timeouts = (
                max(0.001, min(request.connect_timeout, remaining)),
                max(0.001, min(request.read_timeout, remaining)),
            )
            deadline.arm()
            outcome = self._send(request, scheme, address, port, timeouts, deadline)
            if isinstance(outcome, TransportFailure):
                if outcome.try_next_address and index + 1 < len(addresses):
                    failure = outcome
                    continue
                return outcome
            return outcome
        assert failure is not None  # addresses is never empty
        return failure

    def _send(
        self,
        request: HttpRequest,
        scheme: str,
        address: str,
        port: int,
        timeouts: tuple[float, float],
        deadline: Deadline,
    ) -> HttpResponse | TransportFailure:
        pool_kwargs: dict[str, Any] | None = None
        if scheme == "https":
            # SNI and the certificate check stay on the real name.
            pool_kwargs = {"server_hostname": request.host, "assert_hostname": request.host}
            if self.policy.insecure:
                pool_kwargs["assert_hostname"] = False
        _local.deadline = deadline
        try:
            pool = self._pools.connection_from_host(address, port, scheme, pool_kwargs)
            raw = pool.urlopen(
                request.method,
                request.target,
                body=request.body,
                headers=dict(request.headers),
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                timeout=urllib3.Timeout(connect=timeouts[0], read=timeouts[1]),
            )
        except Exception as exc:  # every transport error becomes a value
            if deadline.expired():
                return deadline_failure(deadline)
            return classify_exception(exc, address=address, port=port, timeouts=timeouts)
        finally:
            _local.deadline = None
        response = LiveResponse(raw, deadline, timeouts[1])
        if deadline.fired:
            # The deadline cut the socket while the headers were arriving;
            # http.client takes that EOF for their end, so what looks like a
            # response is only a fragment of one.
            response.close()
            return deadline_failure(deadline)
        return response
