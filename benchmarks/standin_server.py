"""A slow stand-in web for the verify benchmark: many ports on 127.0.0.1, one asyncio loop.

Run as a child process so that serving never competes with the checker under
test for the same interpreter lock. Each port is one stand-in "host"; every
answer is delayed by ``--delay`` seconds (a realistic web round trip) with
``asyncio.sleep``, so hundreds of requests wait at once without a thread each
and the server is never the bottleneck. The child prints one JSON line
``{"ports": [...], "control": PORT}`` once it listens, then serves until its
standard input closes (so it cannot outlive the benchmark).

Paths on every host:

* ``/article/N`` (N digits only): 200, an HTML article whose title is ``Article N on host H``;
* ``/old/N``: 301 to ``/article/N`` (a moved page);
* ``/gone/N`` and anything else: 404 (a soft-404 probe of a sibling path lands here).

The control port answers ``/hits`` (requests served so far and the most ever
in flight at once, JSON) and ``/reset`` without delay; it is how the benchmark
counts the requests of each tool.

    python benchmarks/standin_server.py --hosts 50 --delay 0.2

``--connect-delay S`` makes every new connection wait S seconds before its
first answer (the cost of setting a connection up on a far-away network:
a client that reuses connections pays it once per connection, one that
does not pays it on every request); ``--tls CERT KEY`` serves HTTPS with
that certificate. ``/hits`` also reports the connections accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import sys

_MAX_REQUESTS_PER_CONNECTION = 100_000
_IDLE_TIMEOUT = 30.0
_MAX_HEADER_BYTES = 64 * 1024

_PARAGRAPH = (
    "<p>The committee met on Tuesday to discuss the pipeline, the budget and the "
    "timetable. Officials said the plan would be published after the summer recess, "
    "and that the figures quoted by the minister were provisional.</p>"
)


def _page(host: int, number: str) -> bytes:
    title = f"Article {number} on host {host}"
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta name='date' content='2023-04-12'></head><body><article><h1>{title}</h1>"
        + _PARAGRAPH * 12
        + "</article></body></html>"
    ).encode()


_NOT_FOUND = (
    b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1></body></html>"
)


class Stats:
    """Requests served since the last reset (all hosts together)."""

    def __init__(self) -> None:
        self.hits = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections = 0


def _response(status: int, reason: str, body: bytes, extra: str = "", head: bool = False) -> bytes:
    headers = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode()
    return headers if head else headers + body


def _answer(host: int, path: str, head: bool) -> bytes:
    path = path.split("?", 1)[0]
    number = path[len("/article/") :]
    # Only the numbered articles exist: a soft-404 probe of a sibling path
    # (``/article/a8f3…``) must get a real 404, as on a well-behaved site.
    if path.startswith("/article/") and number.isdigit():
        return _response(200, "OK", _page(host, number), head=head)
    if path.startswith("/old/"):
        return _response(
            301, "Moved Permanently", b"", f"Location: /article/{path[len('/old/') :]}\r\n", head
        )
    if path == "/":
        return _response(200, "OK", _page(host, "home"), head=head)
    return _response(404, "Not Found", _NOT_FOUND, head=head)


async def _serve_connection(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    host: int | None,
    delay: float,
    stats: Stats,
    connect_delay: float = 0.0,
) -> None:
    try:
        if host is not None:
            stats.connections += 1
            if connect_delay > 0:
                await asyncio.sleep(connect_delay)
        for _ in range(_MAX_REQUESTS_PER_CONNECTION):
            try:
                head_bytes = await asyncio.wait_for(
                    reader.readuntil(b"\r\n\r\n"), timeout=_IDLE_TIMEOUT
                )
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                return
            lines = head_bytes.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) < 2:
                return
            method, path = parts[0], parts[1]
            if path.startswith("http://") or path.startswith("https://"):
                path = "/" + path.split("/", 3)[-1] if path.count("/") >= 3 else "/"
            close = any(
                line.lower().startswith("connection:") and "close" in line.lower() for line in lines
            )
            if host is None:  # the control port
                if path == "/reset":
                    stats.hits = stats.max_in_flight = stats.connections = 0
                body = json.dumps(
                    {
                        "hits": stats.hits,
                        "max_in_flight": stats.max_in_flight,
                        "connections": stats.connections,
                    }
                ).encode()
                writer.write(_response(200, "OK", body))
            else:
                stats.hits += 1
                stats.in_flight += 1
                stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
                try:
                    await asyncio.sleep(delay)
                finally:
                    stats.in_flight -= 1
                writer.write(_answer(host, path, head=method == "HEAD"))
            await writer.drain()
            if close:
                return
    except (ConnectionError, OSError):
        return
    finally:
        writer.close()


async def _main(
    hosts: int, delay: float, connect_delay: float = 0.0, tls: list[str] | None = None
) -> None:
    stats = Stats()
    servers = []
    context = None
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls[0], tls[1])
    for index in range(hosts):

        async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter, i: int = index) -> None:
            await _serve_connection(r, w, i, delay, stats, connect_delay)

        servers.append(
            await asyncio.start_server(
                handle, "127.0.0.1", 0, backlog=1024, limit=_MAX_HEADER_BYTES, ssl=context
            )
        )

    async def control(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await _serve_connection(r, w, None, 0.0, stats)

    control_server = await asyncio.start_server(control, "127.0.0.1", 0)
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    print(
        json.dumps({"ports": ports, "control": control_server.sockets[0].getsockname()[1]}),
        flush=True,
    )
    # Serve until the parent closes our stdin (or dies).
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    for server in (*servers, control_server):
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--connect-delay", type=float, default=0.0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), default=None)
    arguments = parser.parse_args()
    asyncio.run(_main(arguments.hosts, arguments.delay, arguments.connect_delay, arguments.tls))


if __name__ == "__main__":
    main()
