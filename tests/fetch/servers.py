"""Local servers for the fetch tests: well-behaved, broken and hostile, loopback only.

``RouteServer`` is http.server in a thread, answering from a route table and
recording every request it got. ``RawServer`` hands each accepted socket to
a function, for the servers http.server cannot imitate: invalid status lines,
endless headers, resets, lying Content-Length, dripping and endless bodies.
Every loop here is bounded (a stop event, a byte budget or a time budget), and
every server stops when its test ends.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from citecheck.fetch.policy import FetchPolicy


@dataclass
class Seen:
    """One request a server received."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    client: tuple[str, int]

    def header(self, name: str) -> str | None:
        """The request header ``name`` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class Reply:
    """What a route answers: status, headers and body (Content-Length added unless set)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


Route = Reply | Callable[[Seen], Reply]


def html(text: str, status: int = 200, charset: str = "utf-8") -> Reply:
    """An HTML reply in ``charset``, declared in the header."""
    return Reply(status, [("Content-Type", f"text/html; charset={charset}")], text.encode(charset))


def redirect(status: int, location: str) -> Reply:
    """A redirect reply with a small body, as real servers send."""
    return Reply(status, [("Location", location)], b"<a href='x'>moved</a>")


class RouteServer:
    """A threaded HTTP/1.1 server on loopback answering from ``routes`` (unknown paths: 404)."""

    def __init__(
        self,
        routes: dict[str, Route] | None = None,
        *,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.seen: list[Seen] = []
        self.host = host
        self.scheme = "https" if tls else "http"
        self.sni: list[str | None] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def _serve(self) -> None:
                seen = Seen(
                    self.command,
                    self.path,
                    list(self.headers.items()),
                    (str(self.client_address[0]), int(self.client_address[1])),
                )
                with owner._lock:
                    owner.seen.append(seen)
                route = owner.routes.get(self.path)
                if route is None:
                    reply = Reply(404, [("Content-Type", "text/plain")], b"not found")
                elif isinstance(route, Reply):
                    reply = route
                else:
                    reply = route(seen)
                self.send_response(reply.status)
                names = {name.lower() for name, _ in reply.headers}
                for name, value in reply.headers:
                    self.send_header(name, value)
                if "content-length" not in names and "transfer-encoding" not in names:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            do_GET = do_HEAD = do_POST = _serve

        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class Server(http.server.ThreadingHTTPServer):
            address_family = family
            daemon_threads = True
            # The default backlog of 5 drops SYNs when eight fetcher threads
            # connect at once; the retransmit a second later looks like a
            # connect timeout.
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                # Clients that reset or reject the certificate are the point
                # of several tests; their tracebacks are noise.
                return None

        self._server = Server((host, 0), Handler)
        if tls is not None:

            def remember_sni(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
                owner.sni.append(name)

            tls.sni_callback = remember_sni
            # Handshake in the handler thread, so a client that rejects the
            # certificate cannot stall the accept loop.
            self._server.socket = tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True
        self._thread.start()

    def url(self, path: str = "/", host: str | None = None) -> str:
        """The URL of ``path`` on this server (``host`` replaces the address, for resolvers)."""
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{self.scheme}://{name}:{self.port}{path}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        with self._lock:
            return [seen.path for seen in self.seen]

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


Behaviour = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """A loopback TCP server that hands each connection to ``behaviour(conn, stop)``."""

    def __init__(self, behaviour: Behaviour, *, host: str = "127.0.0.1") -> None:
        self.behaviour = behaviour
        self.host = host
        self.connections = 0
        self.sent = 0
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(128)
        self._sock.settimeout(0.05)
        self.port = int(self._sock.getsockname()[1])
        self._workers: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        """The http URL of ``path`` on this server."""
        return f"http://{self.host}:{self.port}{path}"

    def count_sent(self, amount: int) -> None:
        """Record bytes a behaviour sent (for "the rest was never downloaded")."""
        with self._lock:
            self.sent += amount

    def _accept_loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                conn, _address = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            worker = threading.Thread(target=self._run, args=(conn,), daemon=True)
            self._workers.append(worker)
            worker.start()

    def _run(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            self.behaviour(conn, self.stop_event)
        except OSError:
            pass  # the client went away, as the hostile cases expect
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop accepting, tell every behaviour to stop, and wait for them."""
        self.stop_event.set()
        self._thread.join(timeout=5)
        self._sock.close()
        for worker in self._workers:
            worker.join(timeout=5)


def read_request(conn: socket.socket, limit: int = 65536) -> bytes:
    """Read one request head (up to the blank line), bounded by ``limit`` bytes."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def send_all(conn: socket.socket, chunks: Iterable[bytes], stop: threading.Event) -> int:
    """Send chunks until they run out or the test stops; return bytes sent."""
    sent = 0
    for chunk in chunks:
        if stop.is_set():
            break
        conn.sendall(chunk)
        sent += len(chunk)
    return sent


def drip(conn: socket.socket, data: bytes, stop: threading.Event, interval: float) -> None:
    """Send ``data`` one byte at a time, ``interval`` seconds apart, until stopped."""
    for index in range(len(data)):
        if stop.wait(interval):
            return
        conn.sendall(data[index : index + 1])


def wait_for_stop(stop: threading.Event, seconds: float) -> None:
    """Hold the connection open for at most ``seconds`` (a hung server)."""
    stop.wait(seconds)


@dataclass
class TlsFiles:
    """A test CA and a server certificate it signed, as PEM files."""

    ca: Path
    cert: Path
    key: Path
    self_signed_cert: Path
    self_signed_key: Path

    def server_context(self, *, self_signed: bool = False) -> ssl.SSLContext:
        """A server-side context presenting the CA-signed (or the self-signed) certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if self_signed:
            context.load_cert_chain(self.self_signed_cert, self.self_signed_key)
        else:
            context.load_cert_chain(self.cert, self.key)
        return context


def make_tls_files(directory: Path, name: str) -> TlsFiles | None:
    """Generate a CA, a certificate for ``name`` and a self-signed one with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True, timeout=60)

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    ca, ca_key = directory / "ca.pem", directory / "ca.key"
    run(
        "req",
        "-x509",
        *ec,
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
        "-days",
        "2",
        "-subj",
        "/CN=citecheck test CA",
    )
    key, csr, cert = directory / "leaf.key", directory / "leaf.csr", directory / "leaf.pem"
    run("req", *ec, "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={name}")
    extensions = directory / "leaf.ext"
    extensions.write_text(f"subjectAltName=DNS:{name}\nbasicConstraints=CA:FALSE\n")
    run(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(cert),
        "-days",
        "2",
        "-extfile",
        str(extensions),
    )
    own_key, own_cert = directory / "self.key", directory / "self.pem"
    run(
        "req",
        "-x509",
        *ec,
        "-keyout",
        str(own_key),
        "-out",
        str(own_cert),
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
    )
    return TlsFiles(ca, cert, key, own_cert, own_key)


def until(predicate: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Poll ``predicate`` for at most ``seconds``; whether it became true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def local_policy(**overrides: object) -> FetchPolicy:
    """A policy for loopback tests: 127.0.0.1 allowed, short timeouts, no retries."""
    settings: dict[str, object] = {
        "allowed_networks": ("127.0.0.1/32",),
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_deadline": 5.0,
        "retries": 0,
        "backoff_base": 0.25,
        "retry_after_cap": 30.0,
    }
    settings.update(overrides)
    return FetchPolicy(**settings)  # type: ignore[arg-type]


class MapResolver:
    """A resolver from a table: answers, a list of answers per call, or an error to raise."""

    def __init__(self, table: dict[str, list[str] | list[list[str]] | Exception]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def resolve(self, host: str, port: int) -> list[str]:
        """Answer from the table; an unknown name does not resolve."""
        with self._lock:
            self.calls.append((host, port))
            count = sum(1 for called, _ in self.calls if called == host)
        entry = self.table.get(host)
        if entry is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if isinstance(entry, Exception):
            raise entry
        if entry and isinstance(entry[0], list):
            answers = entry[min(count, len(entry)) - 1]
            assert isinstance(answers, list)
            return [str(answer) for answer in answers]
        return [str(answer) for answer in entry]


class FakeSleep:
    """Records the waits a fetch asks for instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
