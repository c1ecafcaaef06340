"""A stand-in web on loopback, for tests, demos and benchmarks.

citecheck must never be pointed at real sites from a test, so its tests, the
bundled demo and the benchmarks serve stand-in pages from servers they start
on 127.0.0.1. A :class:`StandinWeb` runs one small HTTP server per stand-in
"host" (each on its own port, so per-host politeness and per-host behaviour
such as "every path answers 200" work as on the real web) and answers from a
table of :class:`Route` values. Like ``structlog.testing``, it ships with the
package so that users can test their own integrations the same way.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import attrs


@attrs.frozen
class Route:
    """How a stand-in host answers one path.

    ``action`` changes the exchange itself: ``"reset"`` closes the connection
    without answering, ``"sleep"`` waits ``delay`` seconds before answering,
    ``"stream"`` sends ``body`` forever (until the client goes away), ``"gzip"``
    compresses the body. ``sequence`` gives statuses for successive requests
    (``(503, 503, 200)``): the last one repeats.
    """

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    action: str = ""
    delay: float = 0.0
    sequence: tuple[int, ...] = ()


Routes = Mapping[str, Route]


@attrs.define
class _Host:
    name: str
    routes: Routes
    fallback: Route | None
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None
    hits: dict[str, int] = attrs.Factory(dict)
    lock: threading.Lock = attrs.Factory(threading.Lock)
    log: list[Request] = attrs.Factory(list)

    def count(self, path: str, headers: Mapping[str, str] | None = None) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.log.append(Request(time.monotonic(), path, dict(headers or {})))
            return self.hits[path]


@attrs.frozen
class Request:
    """A request a stand-in host received: when (``time.monotonic``), the path, the headers."""

    at: float
    path: str
    headers: Mapping[str, str]


class _QuietServer(ThreadingHTTPServer):
    """A server that does not print a traceback when a client hangs up early.

    citecheck closes connections on purpose (body caps, timeouts), so a broken
    pipe on the server side is expected, not an error worth printing.
    """

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Swallow the client's early hang-up."""


def _handler_for(host: _Host) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: test output is for assertions."""

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def _answer(self, *, send_body: bool) -> None:
            path = self.path
            attempt = host.count(path, dict(self.headers.items()))
            route = host.routes.get(path) or host.routes.get(path.split("?", 1)[0]) or host.fallback
            if route is None:
                route = Route(status=404, body=b"<html><title>404 Not Found</title></html>")
            if route.action == "reset":
                self.close_connection = True
                self.connection.close()
                return
            if route.action == "sleep":
                time.sleep(route.delay)
            status = route.status
            if route.sequence:
                status = route.sequence[min(attempt, len(route.sequence)) - 1]
            body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
            if route.action == "gzip":
                body = gzip.compress(body)
            self.send_response(status)
            self.send_header("Content-Type", route.content_type)
            for name, value in route.headers:
                self.send_header(name, value.replace("{host}", self.headers.get("Host", "")))
            if route.action == "gzip":
                self.send_header("Content-Encoding", "gzip")
            if route.action == "stream":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self._stream(body or b"x" * 65536)
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _stream(self, chunk: bytes) -> None:
            # Bounded so that a client that never hangs up cannot keep a thread
            # forever: 1 GiB at most, far past any body cap.
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            sent = 0
            try:
                while sent < 1024**3:
                    self.wfile.write(frame)
                    sent += len(chunk)
            except OSError:
                return

    return Handler


class StandinWeb:
    """Stand-in hosts on 127.0.0.1, one server each; use as a context manager.

    ``StandinWeb({"site": routes, "soft": ({}, Route(200, "Not found"))})``
    starts two hosts; ``web.base("site")`` is ``http://127.0.0.1:PORT``.
    """

    def __init__(self, hosts: Mapping[str, Routes | tuple[Routes, Route | None]]) -> None:
        self._hosts: dict[str, _Host] = {}
        for name, spec in hosts.items():
            routes, fallback = spec if isinstance(spec, tuple) else (spec, None)
            self._hosts[name] = _Host(name=name, routes=routes, fallback=fallback)

    def __enter__(self) -> StandinWeb:
        for host in self._hosts.values():
            server = _QuietServer(("127.0.0.1", 0), _handler_for(host))
            thread = threading.Thread(
                target=server.serve_forever, name=f"standin-{host.name}", daemon=True
            )
            thread.start()
            host.server, host.thread = server, thread
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for host in self._hosts.values():
            if host.server is not None:
                host.server.shutdown()
                host.server.server_close()

    def port(self, name: str) -> int:
        """The port stand-in host ``name`` listens on."""
        server = self._hosts[name].server
        if server is None:
            raise RuntimeError("the stand-in web is not running")
        return int(server.server_address[1])

    def base(self, name: str) -> str:
        """``http://127.0.0.1:PORT`` of stand-in host ``name``."""
        return f"http://127.0.0.1:{self.port(name)}"

    def hits(self, name: str) -> dict[str, int]:
        """How many requests each path of host ``name`` received."""
        host = self._hosts[name]
        with host.lock:
            return dict(host.hits)

    def requests(self, name: str) -> list[Request]:
        """Every request host ``name`` received, in order: time, path and headers."""
        host = self._hosts[name]
        with host.lock:
            return list(host.log)

    def substitute(self, template: str) -> str:
        """Replace ``{name}`` in ``template`` with each host's base URL."""
        for name in self._hosts:
            template = template.replace("{" + name + "}", self.base(name))
        return template

    def names(self) -> Iterator[str]:
        """The stand-in host names."""
        return iter(self._hosts)


RouteFactory = Callable[[], Routes]
