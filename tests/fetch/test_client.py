"""The Fetcher against local servers: statuses, redirects, retries, hostile servers, the guard.

Every server here is started by the test on loopback and stops with it;
names are resolved by injected resolvers, never looked up for real.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import gzip
import hashlib
import pickle
import random
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from citecheck.fetch.client import (
    MAX_URL_LENGTH,
    Fetcher,
    classify_exception,
    retry_after_seconds,
    unpinned_uri,
    url_problem,
)
from citecheck.fetch.result import FetchFailure
from citecheck.model import Redirect
from tests.fetch.servers import (
    FakeSleep,
    MapResolver,
    RawServer,
    Reply,
    RouteServer,
    Seen,
    TlsFiles,
    drip,
    html,
    local_policy,
    read_request,
    redirect,
    until,
    wait_for_stop,
)

Serve = Callable[..., RouteServer]
Raw = Callable[..., RawServer]
MakeFetcher = Callable[..., Fetcher]

RUSSIAN = (
    "Министерство иностранных дел Российской Федерации сообщило о переговорах. "
    "Заявление опубликовано на официальном сайте ведомства в понедельник."
)


def then(*replies: Reply) -> Callable[[Seen], Reply]:
    """A route answering with each reply in turn, the last one from then on."""
    state = {"count": 0}
    lock = threading.Lock()

    def route(_seen: Seen) -> Reply:
        with lock:
            index = min(state["count"], len(replies) - 1)
            state["count"] += 1
        return replies[index]

    return route


def respond(head: bytes, body: bytes = b"") -> Callable[[socket.socket, threading.Event], None]:
    """A raw behaviour: read the request, send ``head`` and ``body`` as given, close."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(head + body)

    return behaviour


def basic(user: str, password: str) -> str:
    """The Basic Authorization value for these credentials."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class TestStatuses:
    """Final statuses are reported as they are, with the evidence around them."""

    def test_ok_page(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A 200 page comes back with body, text, hash, sizes, headers and timing."""
        body = "<html><head><title>Report</title></head><body>Заявление</body></html>"
        server = serve({"/report": html(body)})
        before = datetime.datetime.now(datetime.UTC)
        result = fetcher().fetch(server.url("/report"))
        assert result.failure is None and result.detail == ""
        assert result.status == 200
        assert result.final_url == result.url == server.url("/report")
        assert result.redirects == ()
        assert result.content_type == "text/html"
        assert result.header("content-type") == "text/html; charset=utf-8"
        assert result.body == body.encode()
        assert result.text == body and result.encoding == "utf-8"
        assert result.sha256 == hashlib.sha256(body.encode()).hexdigest()
        assert result.bytes_read == len(body.encode()) and not result.truncated
        assert result.attempts == 1
        assert result.fetched_at is not None and result.fetched_at.tzinfo is datetime.UTC
        assert before <= result.fetched_at <= datetime.datetime.now(datetime.UTC)
        assert 0 <= result.elapsed_ms < 5000

    @pytest.mark.parametrize("status", [404, 410, 401, 403, 451, 400, 204])
    def test_error_statuses_are_results(
        self, status: int, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """Client errors are normal results, fetched once, never retried."""
        server = serve({"/x": html("gone", status=status)})
        result = fetcher(local_policy(retries=2)).fetch(server.url("/x"))
        assert result.failure is None
        assert result.status == status
        assert result.attempts == 1 and sleeps.calls == []
        assert server.paths() == ["/x"]

    def test_get_with_policy_headers(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """One GET (never HEAD) goes out with the policy's User-Agent and extra headers."""
        server = serve({"/": html("hi")})
        policy = local_policy(
            user_agent="citecheck-test/1 (+https://example.org/bot)",
            headers=(("Accept-Language", "ru, en;q=0.5"), ("X-Check", "1")),
        )
        fetcher(policy).fetch(server.url("/"))
        [seen] = server.seen
        assert seen.method == "GET"
        assert seen.header("User-Agent") == "citecheck-test/1 (+https://example.org/bot)"
        assert seen.header("Accept-Language") == "ru, en;q=0.5"
        assert seen.header("X-Check") == "1"
        assert seen.header("Host") == f"127.0.0.1:{server.port}"
        assert "gzip" in (seen.header("Accept-Encoding") or "")

    def test_binary_body_has_no_text(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A PDF is returned as bytes with no text."""
        pdf = b"%PDF-1.7\n" + bytes(range(256)) * 4
        server = serve({"/a.pdf": Reply(200, [("Content-Type", "application/pdf")], pdf)})
        result = fetcher().fetch(server.url("/a.pdf"))
        assert result.body == pdf and result.content_type == "application/pdf"
        assert result.text is None and result.encoding is None

    def test_connection_reused(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Two fetches from one host share a pooled keep-alive connection."""
        server = serve({"/a": html("a"), "/b": html("b")})
        fetch = fetcher()
        fetch.fetch(server.url("/a"))
        fetch.fetch(server.url("/b"))
        assert [seen.path for seen in server.seen] == ["/a", "/b"]
        assert server.seen[0].client == server.seen[1].client

    def test_refused(self, fetcher: MakeFetcher) -> None:
        """A port nobody listens on is a refused connection."""
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        result = fetcher().fetch(f"http://127.0.0.1:{port}/")
        assert result.failure is FetchFailure.REFUSED
        assert result.status is None
        assert "refused" in result.detail


class TestRedirects:
    """Redirects are followed by hand, every hop recorded and checked."""

    def test_chain_of_every_kind(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """301, 302, 303, 307 and 308 are followed in order and each hop is recorded."""
        server = serve()
        server.routes.update(
            {
                "/a": redirect(301, server.url("/b")),
                "/b": redirect(302, "/c"),
                "/c": redirect(303, "d"),
                "/d": redirect(307, server.url("/e")),
                "/e": redirect(308, "/final"),
                "/final": html("here"),
            }
        )
        result = fetcher().fetch(server.url("/a"))
        assert result.status == 200 and result.failure is None
        assert result.redirects == (
            Redirect(server.url("/a"), 301),
            Redirect(server.url("/b"), 302),
            Redirect(server.url("/c"), 303),
            Redirect(server.url("/d"), 307),
            Redirect(server.url("/e"), 308),
        )
        assert result.final_url == server.url("/final")
        assert result.text == "here"
        assert server.paths() == ["/a", "/b", "/c", "/d", "/e", "/final"]

    @pytest.mark.parametrize(
        ("start", "location", "landing"),
        [
            ("/docs/2020/page", "/news/item", "/news/item"),
            ("/docs/2020/page", "other", "/docs/2020/other"),
            ("/docs/2020/page", "../2021/page", "/docs/2021/page"),
            ("/docs/2020/page", "./", "/docs/2020/"),
            ("/docs/2020/page", "?id=7", "/docs/2020/page?id=7"),
            ("/docs/2020/page", "  /padded  ", "/padded"),
            (
                "/docs/2020/page",
                "/Заглавная",
                "/%D0%97%D0%B0%D0%B3%D0%BB%D0%B0%D0%B2%D0%BD%D0%B0%D1%8F",
            ),
        ],
    )
    def test_relative_locations(
        self, start: str, location: str, landing: str, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """Relative Location headers resolve against the URL that sent them."""
        server = serve()
        server.routes[start] = Reply(302, [("Location", location.encode().decode("latin-1"))])
        server.routes[landing] = html("landed")
        result = fetcher().fetch(server.url(start))
        assert result.status == 200, result.detail
        assert result.text == "landed"
        assert server.paths()[-1] == landing

    def test_scheme_relative_location(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A //host/path Location keeps the scheme and changes the host."""
        first, second = serve(), serve({"/there": html("there")})
        first.routes["/"] = redirect(301, f"//127.0.0.1:{second.port}/there")
        result = fetcher().fetch(first.url("/"))
        assert result.final_url == second.url("/there") and result.status == 200

    def test_fragment_is_kept(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A redirect without a fragment keeps the cited URL's fragment (RFC 9110)."""
        server = serve()
        server.routes["/old"] = redirect(301, "/new")
        server.routes["/new"] = html("new")
        result = fetcher().fetch(server.url("/old#section-2"))
        assert result.final_url == server.url("/new#section-2")
        assert server.paths() == ["/old", "/new"]

    def test_redirect_without_location_is_final(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A 302 without Location is the final answer."""
        server = serve({"/": Reply(302, [], b"nowhere")})
        result = fetcher().fetch(server.url("/"))
        assert result.status == 302 and result.redirects == () and result.failure is None

    def test_loop(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A chain that comes back to a URL it visited is a loop, caught on the spot."""
        server = serve()
        server.routes["/a"] = redirect(302, "/b")
        server.routes["/b"] = redirect(302, "/a")
        result = fetcher().fetch(server.url("/a"))
        assert result.failure is FetchFailure.REDIRECT_LOOP
        assert result.redirects == (
            Redirect(server.url("/a"), 302),
            Redirect(server.url("/b"), 302),
        )
        assert result.final_url == server.url("/a")
        assert server.paths() == ["/a", "/b"]

    def test_self_redirect_setting_a_cookie_is_not_a_loop(
        self, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """A page that sets a cookie and redirects to itself is served on the second visit."""

        def gate(seen: Seen) -> Reply:
            if "visited=1" in (seen.header("Cookie") or ""):
                return html("content")
            return Reply(302, [("Location", "/gate"), ("Set-Cookie", "visited=1; Path=/")])

        server = serve({"/gate": gate})
        result = fetcher().fetch(server.url("/gate"))
        assert result.status == 200 and result.text == "content"
        assert result.redirects == (Redirect(server.url("/gate"), 302),)

    def test_cookies_do_not_leak_between_fetches(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A cookie set during one fetch is not sent by the next."""
        server = serve({"/set": Reply(200, [("Set-Cookie", "id=42; Path=/")]), "/next": html("x")})
        fetch = fetcher()
        fetch.fetch(server.url("/set"))
        fetch.fetch(server.url("/next"))
        assert server.seen[1].header("Cookie") is None

    def test_fifty_redirects(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A 50-hop chain stops after the policy's maximum, each hop recorded."""
        server = serve({f"/{n}": redirect(302, f"/{n + 1}") for n in range(50)})
        result = fetcher(local_policy(max_redirects=10)).fetch(server.url("/0"))
        assert result.failure is FetchFailure.TOO_MANY_REDIRECTS
        assert len(result.redirects) == 11
        assert [hop.url for hop in result.redirects] == [server.url(f"/{n}") for n in range(11)]
        assert result.final_url == server.url("/11")
        assert len(server.seen) == 11

    def test_max_redirects_reached_exactly(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Exactly max_redirects hops are allowed."""
        server = serve({f"/{n}": redirect(301, f"/{n + 1}") for n in range(3)})
        server.routes["/3"] = html("end")
        result = fetcher(local_policy(max_redirects=3)).fetch(server.url("/0"))
        assert result.status == 200 and len(result.redirects) == 3

    def test_redirect_to_disallowed_address_not_followed(
        self, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """A redirect to an address outside the allowed networks is refused before connecting."""
        try:
            inside = serve({"/secret": html("internal")}, host="127.0.0.2")
        except OSError:
            pytest.skip("cannot bind 127.0.0.2")
        outside = serve({"/": redirect(302, inside.url("/secret"))})
        result = fetcher().fetch(outside.url("/"))
        assert result.failure is FetchFailure.UNSAFE_ADDRESS
        assert "127.0.0.2" in result.detail and "loopback" in result.detail
        assert result.redirects == (Redirect(outside.url("/"), 302),)
        assert result.final_url == inside.url("/secret")
        assert result.status is None
        assert inside.seen == []

    @pytest.mark.parametrize(
        "location",
        ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:6379/_INFO", "data:,x"],
    )
    def test_redirect_to_other_scheme(
        self, location: str, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """A redirect to a non-web scheme is refused as unsafe."""
        server = serve({"/": redirect(302, location)})
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.UNSAFE_SCHEME
        assert result.final_url == location
        assert result.redirects == (Redirect(server.url("/"), 302),)

    def test_redirect_with_endless_body(self, serve: Serve, raw: Raw, fetcher: MakeFetcher) -> None:
        """A redirect whose body never ends is followed without reading that body."""
        landing = serve({"/": html("landed")})
        budget = 256 * 1024 * 1024

        def endless_redirect(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.sendall(
                f"HTTP/1.1 301 Moved\r\nLocation: {landing.url('/')}\r\n"
                "Content-Type: text/html\r\n\r\n".encode()
            )
            chunk = b"x" * 65536
            while not stop.is_set() and server.sent < budget:
                conn.sendall(chunk)
                server.count_sent(len(chunk))

        server = raw(endless_redirect)
        started = time.monotonic()
        result = fetcher().fetch(server.url("/"))
        assert result.status == 200 and result.text == "landed"
        assert time.monotonic() - started < 3
        assert until(lambda: server.sent < budget)
        assert server.sent < 64 * 1024 * 1024


class TestRetries:
    """Retries: backoff for 5xx and connection errors, Retry-After for 429/503."""

    def test_503_twice_then_200(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """Two 503s then a 200: three attempts, exponential backoff between them."""
        server = serve({"/": then(html("busy", 503), html("busy", 503), html("ok"))})
        result = fetcher(local_policy(retries=2, backoff_base=0.25)).fetch(server.url("/"))
        assert result.status == 200 and result.text == "ok"
        assert result.attempts == 3
        assert sleeps.calls == [0.25, 0.5]
        assert len(server.seen) == 3

    def test_500_after_retries_is_a_result(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """A 500 that persists is returned as status 500 after the retries, not as a failure."""
        server = serve({"/": html("broken", 500)})
        result = fetcher(local_policy(retries=2)).fetch(server.url("/"))
        assert result.status == 500 and result.failure is None
        assert result.text == "broken"
        assert result.attempts == 3 and len(server.seen) == 3

    def test_501_not_retried(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """501 Not Implemented will not change, so it is not retried."""
        server = serve({"/": html("no", 501)})
        result = fetcher(local_policy(retries=2)).fetch(server.url("/"))
        assert result.status == 501 and result.attempts == 1

    def test_429_retry_after_seconds(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """A 429 with Retry-After: 2 waits two seconds and gets the page."""
        limited = Reply(429, [("Retry-After", "2")], b"slow down")
        server = serve({"/": then(limited, html("ok"))})
        result = fetcher(local_policy(retries=2)).fetch(server.url("/"))
        assert result.status == 200 and result.attempts == 2
        assert sleeps.calls == [2.0]

    def test_503_retry_after_http_date(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """Retry-After as an HTTP-date is waited until that time."""
        when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
        busy = Reply(503, [("Retry-After", email.utils.format_datetime(when, usegmt=True))])
        server = serve({"/": then(busy, html("ok"))})
        result = fetcher(local_policy(retries=1)).fetch(server.url("/"))
        assert result.status == 200
        [waited] = sleeps.calls
        assert 3.0 <= waited <= 5.0

    def test_retry_after_above_cap_not_waited(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """A Retry-After beyond the cap is not waited for: the 429 is the answer."""
        server = serve({"/": Reply(429, [("Retry-After", "3600")], b"later")})
        result = fetcher(local_policy(retries=2, retry_after_cap=30)).fetch(server.url("/"))
        assert result.status == 429 and result.failure is None
        assert sleeps.calls == [] and result.attempts == 1
        assert "3600" in result.detail

    def test_retry_not_past_deadline(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """A wait that would pass the total deadline is skipped and the 503 returned."""
        server = serve({"/": Reply(503, [("Retry-After", "20")])})
        policy = local_policy(retries=2, retry_after_cap=30, total_deadline=5)
        result = fetcher(policy).fetch(server.url("/"))
        assert result.status == 503 and sleeps.calls == []
        assert "deadline" in result.detail

    def test_429_without_retry_after_backs_off(
        self, serve: Serve, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """A bare 429 is retried with the ordinary backoff."""
        server = serve({"/": then(Reply(429), html("ok"))})
        result = fetcher(local_policy(retries=1, backoff_base=0.5)).fetch(server.url("/"))
        assert result.status == 200 and sleeps.calls == [0.5]

    def test_connection_errors_retried(
        self, raw: Raw, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """A reset connection is retried, and the count of attempts says so."""
        calls = {"n": 0}

        def flaky(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            calls["n"] += 1
            if calls["n"] < 3:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

        server = raw(flaky)
        result = fetcher(local_policy(retries=2, backoff_base=0.1)).fetch(server.url("/"))
        assert result.status == 200 and result.body == b"ok"
        assert result.attempts == 3 and sleeps.calls == [0.1, 0.2]


class TestHostileServers:
    """Slow, dripping, endless and broken servers end as classified failures, in bounded time."""

    def test_slower_than_read_timeout(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A server that answers after the read timeout is a timeout."""

        def slow(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            wait_for_stop(stop, 5)

        server = raw(slow)
        started = time.monotonic()
        result = fetcher(local_policy(read_timeout=0.3)).fetch(server.url("/"))
        assert result.failure is FetchFailure.TIMEOUT
        assert "0.3 s" in result.detail
        assert time.monotonic() - started < 2

    def test_slow_server_retried_within_deadline(
        self, raw: Raw, fetcher: MakeFetcher, sleeps: FakeSleep
    ) -> None:
        """Timeouts are retried, each attempt counted."""

        def slow(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            wait_for_stop(stop, 5)

        server = raw(slow)
        result = fetcher(local_policy(read_timeout=0.2, retries=2)).fetch(server.url("/"))
        assert result.failure is FetchFailure.TIMEOUT
        assert result.attempts == 3 and server.connections == 3

    def test_dripping_body_bounded_by_deadline(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A body dripped a byte at a time never trips the read timeout but hits the deadline."""

        def dripper(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9999\r\n\r\n"
            )
            drip(conn, b"<p>" * 3333, stop, 0.05)

        server = raw(dripper)
        started = time.monotonic()
        result = fetcher(local_policy(read_timeout=1.0, total_deadline=1.0)).fetch(server.url("/"))
        elapsed = time.monotonic() - started
        assert result.failure is FetchFailure.TIMEOUT
        assert "total deadline of 1 s" in result.detail
        assert result.status == 200  # the headers did arrive
        assert result.body == b""
        assert 0.9 <= elapsed < 2.0

    def test_dripping_headers_bounded_by_deadline(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """Headers dripped a byte at a time are cut off by the deadline watchdog."""

        def dripper(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            drip(conn, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: yes\r\n" * 1000, stop, 0.05)

        server = raw(dripper)
        started = time.monotonic()
        result = fetcher(local_policy(read_timeout=1.0, total_deadline=1.0)).fetch(server.url("/"))
        elapsed = time.monotonic() - started
        assert result.failure is FetchFailure.TIMEOUT
        assert "total deadline" in result.detail
        assert result.status is None
        assert 0.9 <= elapsed < 2.0

    def test_headers_that_never_end(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A server sending header lines forever is a bad response, not a hang."""

        def endless_headers(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for n in range(100_000):
                if stop.is_set():
                    return
                conn.sendall(b"X-Header-%d: value\r\n" % n)

        server = raw(endless_headers)
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.BAD_RESPONSE
        assert "100 headers" in result.detail

    def test_header_line_too_long(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A single header line that never ends is a bad response."""

        def long_line(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Long: ")
            for _ in range(64):
                if stop.is_set():
                    return
                conn.sendall(b"a" * 4096)

        server = raw(long_line)
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.BAD_RESPONSE
        assert "header line" in result.detail

    @pytest.mark.parametrize(
        "status_line",
        [
            b"HTCPCP/1.0 418 I'm a teapot\r\n",
            b"HTTP/1.1 abc OK\r\n",
            b"\x16\x03\x01\x00\xa5\r\n",
            b"SSH-2.0-OpenSSH_9.6\r\n",
        ],
    )
    def test_invalid_status_line(self, status_line: bytes, raw: Raw, fetcher: MakeFetcher) -> None:
        """Something that is not an HTTP status line is a bad response."""
        server = raw(respond(status_line + b"Content-Length: 0\r\n\r\n"))
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.BAD_RESPONSE
        assert "status line" in result.detail

    def test_connection_reset(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A connection reset after the request is classified as a reset."""

        def reset(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

        server = raw(reset)
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.RESET
        assert result.detail

    def test_closed_without_answer(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A server that closes without a word is a reset, explained as such."""
        server = raw(respond(b""))
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.RESET
        assert "without answering" in result.detail

    def test_reset_mid_body(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A reset in the middle of the body is a reset, with the status kept."""

        def half(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
            time.sleep(0.05)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

        server = raw(half)
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.RESET
        assert result.status == 200 and result.body == b""

    def test_wrong_content_length(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A body shorter than its Content-Length is a bad response."""
        server = raw(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", b"0123456789"))
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.BAD_RESPONSE
        assert "10 bytes received, 990 more expected" in result.detail

    @pytest.mark.parametrize(
        "body", [b"zz\r\nhello\r\n0\r\n\r\n", b"5\r\nhelloXX3\r\nabc\r\n", b"-1\r\nx\r\n"]
    )
    def test_invalid_chunked(self, body: bytes, raw: Raw, fetcher: MakeFetcher) -> None:
        """Broken chunked encoding is a bad response."""
        head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        server = raw(respond(head, body))
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.BAD_RESPONSE
        assert result.status == 200


class TestBodies:
    """Bodies are capped, decompressed within bounds and decoded right."""

    def test_gzip(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A gzip body is decoded; bytes_read counts what came over the wire."""
        text = "<html><body>" + "Заявление министерства. " * 200 + "</body></html>"
        packed = gzip.compress(text.encode())
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
        server = serve({"/": Reply(200, headers, packed)})
        result = fetcher().fetch(server.url("/"))
        assert result.text == text
        assert result.body == text.encode()
        assert result.bytes_read == len(packed)
        assert result.sha256 == hashlib.sha256(text.encode()).hexdigest()

    @pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS])
    def test_deflate_both_flavours(self, wbits: int, serve: Serve, fetcher: MakeFetcher) -> None:
        """ "deflate" is decoded whether zlib-wrapped (RFC) or raw (old IIS)."""
        text = b"<html><body>deflated page</body></html>" * 20
        packer = zlib.compressobj(wbits=wbits)
        packed = packer.compress(text) + packer.flush()
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "deflate")]
        server = serve({"/": Reply(200, headers, packed)})
        assert fetcher().fetch(server.url("/")).body == text

    def test_multi_member_gzip(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Concatenated gzip members decode as one body."""
        packed = gzip.compress(b"first half, ") + gzip.compress(b"second half")
        headers = [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")]
        server = serve({"/": Reply(200, headers, packed)})
        assert fetcher().fetch(server.url("/")).text == "first half, second half"

    def test_corrupt_gzip(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A body that claims gzip but is not is a bad response."""
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
        server = serve({"/": Reply(200, headers, b"<html>plain, not gzip</html>")})
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.BAD_RESPONSE
        assert "gzip" in result.detail

    def test_unknown_encoding_kept_as_bytes(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A coding we did not ask for is kept as sent, with no text."""
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "zstd")]
        server = serve({"/": Reply(200, headers, b"\x28\xb5\x2f\xfd-not-really")})
        result = fetcher().fetch(server.url("/"))
        assert result.failure is None and result.text is None
        assert result.body == b"\x28\xb5\x2f\xfd-not-really"

    def test_gzip_bomb(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """50 MB of zeros in 50 KB of gzip is stopped as a decompression bomb."""
        bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
        headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
        server = serve({"/": Reply(200, headers, bomb)})
        tracemalloc.start()
        try:
            result = fetcher(local_policy(max_bytes=1024 * 1024)).fetch(server.url("/"))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.failure is FetchFailure.DECOMPRESSION_BOMB
        assert result.body == b"" and result.status == 200
        assert result.bytes_read == 0  # no body is reported for a failure
        assert peak < 16 * 1024 * 1024

    def test_highly_compressible_page_is_truncated_not_a_bomb(
        self, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """A big page compressing 10:1 past the cap is truncated, not called a bomb."""
        words = [hashlib.sha256(str(n).encode()).hexdigest()[:6] for n in range(500)]
        rng = random.Random(7)
        text = " ".join(rng.choice(words) for _ in range(100_000)).encode()
        packed = gzip.compress(text)
        assert len(text) / len(packed) < 100
        headers = [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")]
        server = serve({"/": Reply(200, headers, packed)})
        result = fetcher(local_policy(max_bytes=256 * 1024)).fetch(server.url("/"))
        assert result.failure is None and result.truncated
        assert result.body == text[: 256 * 1024]

    def test_body_capped(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A body over the cap is cut at the cap and marked truncated."""
        body = bytes(range(256)) * 1024
        server = serve({"/": Reply(200, [("Content-Type", "application/octet-stream")], body)})
        result = fetcher(local_policy(max_bytes=10_000)).fetch(server.url("/"))
        assert result.truncated and result.body == body[:10_000]
        assert result.bytes_read <= 10_001
        assert result.sha256 == hashlib.sha256(body[:10_000]).hexdigest()

    def test_body_exactly_at_cap(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A body of exactly the cap is complete, not truncated."""
        server = serve({"/": Reply(200, [("Content-Type", "text/plain")], b"x" * 4096)})
        result = fetcher(local_policy(max_bytes=4096)).fetch(server.url("/"))
        assert not result.truncated and len(result.body) == 4096

    def test_endless_body_bounded(self, raw: Raw, fetcher: MakeFetcher) -> None:
        """A body streamed without end is read to the cap, in bounded memory, then dropped."""
        budget = 256 * 1024 * 1024
        chunk = b"<p>" + b"y" * 65530 + b"</p>"

        def endless(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
            while not stop.is_set() and server.sent < budget:
                conn.sendall(framed)
                server.count_sent(len(framed))

        server = raw(endless)
        cap = 1024 * 1024
        tracemalloc.start()
        try:
            result = fetcher(local_policy(max_bytes=cap)).fetch(server.url("/"))
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.failure is None and result.status == 200
        assert result.truncated and len(result.body) == cap
        assert cap < result.bytes_read <= cap + 65536
        assert peak < 16 * 1024 * 1024
        # The connection was dropped: the server stopped long before its budget.
        assert until(lambda: server.sent < budget)
        assert server.sent < 64 * 1024 * 1024

    def test_windows_1251_page(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A windows-1251 page decodes to the right Cyrillic text."""
        page = f"<html><head><title>МИД</title></head><body><p>{RUSSIAN}</p></body></html>"
        server = serve({"/": html(page, charset="windows-1251")})
        result = fetcher().fetch(server.url("/"))
        assert result.encoding == "cp1251"
        assert result.text == page

    def test_windows_1251_page_without_header_charset(
        self, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """A windows-1251 page declaring its charset only in <meta> decodes right."""
        page = f'<html><head><meta charset="windows-1251"></head><body>{RUSSIAN}</body></html>'
        server = serve({"/": Reply(200, [("Content-Type", "text/html")], page.encode("cp1251"))})
        result = fetcher().fetch(server.url("/"))
        assert result.text == page and result.encoding == "cp1251"


class TestTls:
    """TLS is verified against the real host name, even though the address is pinned."""

    def test_self_signed(self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles) -> None:
        """A self-signed certificate is a TLS failure."""
        server = serve({"/": html("secret")}, tls=tls_files.server_context(self_signed=True))
        result = fetcher().fetch(server.url("/"))
        assert result.failure is FetchFailure.TLS
        assert "self-signed" in result.detail or "self signed" in result.detail
        assert server.seen == []

    def test_trusted_name_through_pinned_address(
        self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles
    ) -> None:
        """A name resolved by the resolver is reached over TLS with SNI and Host on that name."""
        server = serve({"/doc": html("hello over tls")}, tls=tls_files.server_context())
        resolver = MapResolver({"site.test": ["127.0.0.1"]})
        fetch = fetcher(local_policy(ca_bundle=str(tls_files.ca)), resolver=resolver)
        result = fetch.fetch(f"https://site.test:{server.port}/doc")
        assert result.failure is None, result.detail
        assert result.status == 200 and result.text == "hello over tls"
        assert server.sni == ["site.test"]
        assert server.seen[0].header("Host") == f"site.test:{server.port}"

    def test_name_mismatch(self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles) -> None:
        """A certificate for another name is a TLS failure even from an allowed address."""
        server = serve({"/": html("x")}, tls=tls_files.server_context())
        resolver = MapResolver({"other.test": ["127.0.0.1"]})
        fetch = fetcher(local_policy(ca_bundle=str(tls_files.ca)), resolver=resolver)
        result = fetch.fetch(f"https://other.test:{server.port}/")
        assert result.failure is FetchFailure.TLS
        assert "other.test" in result.detail or "mismatch" in result.detail.lower()


class TestAddressGuard:
    """The guard holds for the first URL, every hop and the address connected to."""

    def test_loopback_refused_by_default(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Without an allowed network, 127.0.0.1 is refused before any connection."""
        server = serve({"/": html("x")})
        result = fetcher(local_policy(allowed_networks=())).fetch(server.url("/"))
        assert result.failure is FetchFailure.UNSAFE_ADDRESS
        assert "loopback" in result.detail
        assert server.seen == []

    @pytest.mark.parametrize(
        "url",
        [
            "http://2130706433/",
            "http://0x7f000001/",
            "http://127.1/",
            "http://[::ffff:127.0.0.2]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://0.0.0.0/",
            "http://100.100.100.200/",
        ],
    )
    def test_disguised_addresses_refused(self, url: str, fetcher: MakeFetcher) -> None:
        """Numeric, mapped and metadata addresses are refused without resolving or connecting."""
        resolver = MapResolver({})
        result = fetcher(local_policy(allowed_networks=()), resolver).fetch(url)
        assert result.failure is FetchFailure.UNSAFE_ADDRESS
        assert resolver.calls == []

    @pytest.mark.parametrize(
        ("url", "failure"),
        [
            ("file:///etc/passwd", FetchFailure.UNSAFE_SCHEME),
            ("ftp://127.0.0.1/pub", FetchFailure.UNSAFE_SCHEME),
            ("javascript:alert(1)", FetchFailure.UNSAFE_SCHEME),
            ("data:text/html,<h1>x</h1>", FetchFailure.UNSAFE_SCHEME),
            ("www.example.org/no-scheme", FetchFailure.INVALID_URL),
        ],
    )
    def test_schemes(self, url: str, failure: FetchFailure, fetcher: MakeFetcher) -> None:
        """Non-web schemes are unsafe; a URL without a scheme is invalid."""
        resolver = MapResolver({})
        result = fetcher(resolver=resolver).fetch(url)
        assert result.failure is failure
        assert result.final_url == url and resolver.calls == []

    def test_ipv6_loopback(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """http://[::1]:port/ works when ::1/128 is allowed and is refused otherwise."""
        try:
            server = serve({"/": html("six")}, host="::1")
        except OSError:
            pytest.skip("no IPv6 loopback here")
        allowed = fetcher(local_policy(allowed_networks=("::1/128",))).fetch(server.url("/"))
        assert allowed.status == 200 and allowed.text == "six"
        assert server.seen[0].header("Host") == f"[::1]:{server.port}"
        refused = fetcher(local_policy()).fetch(server.url("/"))
        assert refused.failure is FetchFailure.UNSAFE_ADDRESS
        assert len(server.seen) == 1

    def test_connects_to_the_vetted_address(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A name only the injected resolver knows is reached at its vetted address."""
        server = serve({"/": html("pinned")})
        resolver = MapResolver({"pinned.test": ["127.0.0.1"]})
        result = fetcher(resolver=resolver).fetch(server.url("/", host="pinned.test"))
        assert result.status == 200 and result.text == "pinned"
        assert resolver.calls == [("pinned.test", server.port)]
        assert server.seen[0].header("Host") == f"pinned.test:{server.port}"

    def test_dns_rebinding(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A name that resolves to an allowed address, then to a metadata address, is stopped."""
        server = serve()
        server.routes["/a"] = redirect(302, server.url("/b", host="rebind.test"))
        server.routes["/b"] = html("should never be served")
        resolver = MapResolver({"rebind.test": [["127.0.0.1"], ["169.254.169.254"]]})
        result = fetcher(resolver=resolver).fetch(server.url("/a", host="rebind.test"))
        assert result.failure is FetchFailure.UNSAFE_ADDRESS
        assert "169.254.169.254" in result.detail and "metadata" in result.detail
        assert result.redirects == (Redirect(server.url("/a", host="rebind.test"), 302),)
        assert server.paths() == ["/a"]
        assert len(resolver.calls) == 2

    def test_retries_reuse_the_vetted_address(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Retries of one hop do not resolve again, so they cannot be rebound."""
        server = serve({"/": then(html("busy", 503), html("ok"))})
        resolver = MapResolver({"retry.test": [["127.0.0.1"], ["10.0.0.1"]]})
        result = fetcher(local_policy(retries=1), resolver).fetch(
            server.url("/", host="retry.test")
        )
        assert result.status == 200 and result.attempts == 2
        assert len(resolver.calls) == 1

    def test_any_disallowed_answer_refuses(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A name with one allowed and one private address is refused outright."""
        server = serve({"/": html("x")})
        resolver = MapResolver({"mixed.test": ["127.0.0.1", "192.168.1.10"]})
        result = fetcher(resolver=resolver).fetch(server.url("/", host="mixed.test"))
        assert result.failure is FetchFailure.UNSAFE_ADDRESS
        assert "192.168.1.10" in result.detail and "private" in result.detail
        assert server.seen == []

    def test_falls_back_to_next_address(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """When the first vetted address refuses, the next one is tried."""
        try:
            probe = socket.socket()
            probe.bind(("127.0.0.2", 0))
            probe.close()
        except OSError:
            pytest.skip("cannot bind 127.0.0.2")
        server = serve({"/": html("second")})
        resolver = MapResolver({"two.test": ["127.0.0.2", "127.0.0.1"]})
        policy = local_policy(allowed_networks=("127.0.0.0/8",))
        result = fetcher(policy, resolver).fetch(server.url("/", host="two.test"))
        assert result.status == 200 and result.text == "second"

    @pytest.mark.parametrize(
        "answer",
        [socket.gaierror(socket.EAI_NONAME, "Name or service not known"), []],
        ids=["gaierror", "empty"],
    )
    def test_unresolvable(self, answer: Exception | list[str], fetcher: MakeFetcher) -> None:
        """A name that does not resolve is a DNS failure naming the host."""
        resolver = MapResolver({"gone.test": answer})
        result = fetcher(resolver=resolver).fetch("http://gone.test/page")
        assert result.failure is FetchFailure.DNS
        assert "gone.test" in result.detail
        assert result.status is None

    def test_resolver_garbage(self, fetcher: MakeFetcher) -> None:
        """A resolver answer that is not an address is reported, not connected to."""
        resolver = MapResolver({"odd.test": ["not-an-ip"]})
        result = fetcher(resolver=resolver).fetch("http://odd.test/")
        assert result.failure is FetchFailure.OTHER and "not-an-ip" in result.detail

    def test_idna_host(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """An internationalised host name is resolved and sent as IDNA."""
        server = serve({"/": html("bücher")})
        resolver = MapResolver({"xn--bcher-kva.example": ["127.0.0.1"]})
        result = fetcher(resolver=resolver).fetch(f"http://bücher.example:{server.port}/")
        assert result.status == 200, result.detail
        assert resolver.calls == [("xn--bcher-kva.example", server.port)]
        assert server.seen[0].header("Host") == f"xn--bcher-kva.example:{server.port}"


class TestInvalidUrls:
    """URLs that cannot be requested fail before any connection."""

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1/a\r\nX-Injected: 1",
            "http://127.0.0.1/a\nb",
            "http://127.0.0.1/\x00",
            "http://127.0.0.1/\x7f",
            "http://",
            "http:///path-only",
            "http://:80/",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:port/",
            "http://exa mple.com/",
            "http://[::1/",
            "http://" + "a" * 64 + ".example/",
        ],
    )
    def test_invalid(self, url: str, fetcher: MakeFetcher) -> None:
        """CRLF, NUL, missing hosts, bad ports and bad labels are invalid URLs."""
        resolver = MapResolver({})
        result = fetcher(resolver=resolver).fetch(url)
        assert result.failure is FetchFailure.INVALID_URL, result.detail
        assert result.detail and "\n" not in result.detail
        assert resolver.calls == []

    def test_crlf_never_reaches_server(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A URL with CRLF is refused, so no header can be injected."""
        server = serve({"/a": html("x")})
        result = fetcher().fetch(server.url("/a") + "\r\nX-Injected: 1")
        assert result.failure is FetchFailure.INVALID_URL
        assert server.seen == []

    def test_100_kb_url(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A 100 kB URL is refused as invalid without connecting."""
        server = serve()
        result = fetcher().fetch(server.url("/") + "a" * 100_000)
        assert result.failure is FetchFailure.INVALID_URL
        assert str(MAX_URL_LENGTH) in result.detail
        assert server.seen == []

    def test_spaces_are_quoted(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """A space in a path is sent percent-encoded."""
        server = serve({"/my%20file.pdf": html("found")})
        result = fetcher().fetch(server.url("/my file.pdf"))
        assert result.status == 200


class TestCredentials:
    """Credentials go only to the origin they were written for."""

    def test_cross_host_redirect_drops_credentials(
        self, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """userinfo becomes Basic auth for its own host, kept on same-host hops, dropped after."""
        other = serve({"/landing": html("landed")})
        origin = serve()
        origin.routes["/start"] = redirect(302, "/same")
        origin.routes["/same"] = redirect(302, other.url("/landing", host="b.test"))
        resolver = MapResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
        policy = local_policy(headers=(("Authorization", "Bearer token"), ("X-Public", "yes")))
        url = f"http://user:s%40cret@a.test:{origin.port}/start"
        result = fetcher(policy, resolver).fetch(url)
        assert result.status == 200, result.detail
        assert [seen.header("Authorization") for seen in origin.seen] == [
            basic("user", "s@cret")
        ] * 2
        [landing] = other.seen
        assert landing.header("Authorization") is None
        assert landing.header("X-Public") == "yes"
        assert result.redirects[1].url == f"http://a.test:{origin.port}/same"

    def test_policy_authorization_stays_on_origin(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """An Authorization header from the policy is not sent to a redirect's other host."""
        other = serve({"/": html("other")})
        origin = serve({"/": redirect(301, other.url("/", host="b.test"))})
        resolver = MapResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
        policy = local_policy(headers=(("Authorization", "Bearer token"),))
        fetcher(policy, resolver).fetch(origin.url("/", host="a.test"))
        assert origin.seen[0].header("Authorization") == "Bearer token"
        assert other.seen[0].header("Authorization") is None


class TestConcurrency:
    """One fetcher serves many threads at once."""

    def test_parallel_fetches(self, serve: Serve, raw: Raw, fetcher: MakeFetcher) -> None:
        """Thirty mixed URLs fetched from eight threads each get their own right answer."""
        server = serve()
        for n in range(10):
            server.routes[f"/ok/{n}"] = html(f"page {n}")
            server.routes[f"/gone/{n}"] = html("gone", status=410)
            server.routes[f"/moved/{n}"] = redirect(301, f"/ok/{n}")

        def slow(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            wait_for_stop(stop, 3)

        hung = raw(slow)
        fetch = fetcher(local_policy(read_timeout=0.5, concurrency=8))
        urls = [server.url(f"/{kind}/{n}") for kind in ("ok", "gone", "moved") for n in range(10)]
        urls.append(hung.url("/"))
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = dict(zip(urls, pool.map(fetch.fetch, urls), strict=True))
        for n in range(10):
            ok, gone = results[server.url(f"/ok/{n}")], results[server.url(f"/gone/{n}")]
            assert ok.text == f"page {n}", ok.detail
            assert gone.status == 410, gone.detail
            moved = results[server.url(f"/moved/{n}")]
            assert moved.final_url == server.url(f"/ok/{n}"), moved.detail
            assert moved.text == f"page {n}"
        assert results[hung.url("/")].failure is FetchFailure.TIMEOUT

    def test_requests_in_flight_never_exceed_the_policy(
        self, raw: Raw, fetcher: MakeFetcher
    ) -> None:
        """Twelve threads share a fetcher of concurrency 3: never more than 3 requests at once."""
        lock = threading.Lock()
        counts = {"now": 0, "most": 0}

        def counted(conn: socket.socket, stop: threading.Event) -> None:
            read_request(conn)
            with lock:
                counts["now"] += 1
                counts["most"] = max(counts["most"], counts["now"])
            wait_for_stop(stop, 0.2)
            with lock:
                counts["now"] -= 1
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

        server = raw(counted)
        fetch = fetcher(local_policy(concurrency=3))
        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(fetch.fetch, [server.url(f"/{n}") for n in range(12)]))
        assert [result.status for result in results] == [200] * 12
        assert counts["most"] == 3

    def test_a_pickled_fetcher_has_its_own_limit(self, serve: Serve) -> None:
        """A copy sent to a worker process fetches, with a limit of its own."""
        server = serve({"/": html("x")})
        with Fetcher(local_policy(concurrency=2)) as original:
            copy = pickle.loads(pickle.dumps(original))
            assert copy._in_flight is not original._in_flight
            assert copy.fetch(server.url("/")).status == 200

    def test_context_manager_closes(self, serve: Serve) -> None:
        """A Fetcher used as a context manager can fetch and then closes."""
        server = serve({"/": html("x")})
        with Fetcher(local_policy()) as fetch:
            assert fetch.fetch(server.url("/")).status == 200


class TestHelpers:
    """The pure helpers behind retries and URL checks."""

    NOW = datetime.datetime(2026, 3, 2, 12, 0, 0, tzinfo=datetime.UTC)

    @pytest.mark.parametrize(
        ("value", "seconds"),
        [
            ("120", 120.0),
            (" 5 ", 5.0),
            ("0", 0.0),
            ("Mon, 02 Mar 2026 12:00:30 GMT", 30.0),
            ("Mon, 02 Mar 2026 11:00:00 GMT", 0.0),
            ("Monday, 02-Mar-26 12:01:00 GMT", 60.0),
            ("soon", None),
            ("-5", None),
            ("1.5", None),
            ("", None),
            (None, None),
            ("٣", None),
        ],
    )
    def test_retry_after(self, value: str | None, seconds: float | None) -> None:
        """Retry-After is read as delay-seconds or an HTTP-date; junk is ignored."""
        assert retry_after_seconds(value, self.NOW) == seconds

    @pytest.mark.parametrize(
        ("url", "problem"),
        [
            ("http://example.com/ok", False),
            ("http://example.com/" + "a" * MAX_URL_LENGTH, True),
            ("http://example.com/\r\n", True),
            ("http://example.com/\t", True),
            ("http://example.com/ü space", False),
        ],
    )
    def test_url_problem(self, url: str, problem: bool) -> None:
        """Over-long URLs and control characters are problems; spaces and Unicode are not."""
        assert (url_problem(url) is not None) is problem

    def test_url_problem_linear(self) -> None:
        """A 1 MB URL is judged quickly."""
        started = time.monotonic()
        assert url_problem("http://x/" + "[" * 1_000_000) is not None
        assert time.monotonic() - started < 5

    @pytest.mark.parametrize(
        ("exc", "failure"),
        [
            (ConnectionRefusedError(111, "refused"), FetchFailure.REFUSED),
            (ConnectionResetError(104, "reset"), FetchFailure.RESET),
            (TimeoutError("timed out"), FetchFailure.TIMEOUT),
            (socket.gaierror(-2, "Name or service not known"), FetchFailure.DNS),
            (OSError(101, "Network is unreachable"), FetchFailure.OTHER),
            (ValueError("odd"), FetchFailure.OTHER),
        ],
    )
    def test_classify(self, exc: Exception, failure: FetchFailure) -> None:
        """Bare socket errors map to their failure kinds."""
        assert classify_exception(exc).kind is failure

    @pytest.mark.parametrize(
        ("uri", "host", "expected"),
        [
            ("http://93.184.215.14/page?q=1", "example.com", "http://example.com/page?q=1"),
            ("https://[2606:2800::1]:8443/x", "example.com:8443", "https://example.com:8443/x"),
        ],
    )
    def test_unpinned_uri(self, uri: str, host: str, expected: str) -> None:
        """A recorded URI with the pinned address gets its host name back from Host."""
        assert unpinned_uri(uri, host) == expected
