"""A stand-in Wayback Machine on 127.0.0.1 that answers in the real service's formats.

What it serves, as web.archive.org does (internetarchive/wayback,
wayback-cdx-server/README.md, and RFC 7089 for the Memento parts):

* ``/cdx/search/cdx``: the CDX API. ``url`` (exact match, compared the way the
  archive's SURT keys do: scheme, ``www.``, default port and trailing slash
  ignored), ``output=json`` (a header row naming the ``fl`` fields, then one
  row per capture, one per line, or ``[]`` when nothing matches; without it,
  space-separated text lines), ``fl``, any number of ``filter=[!]field:regex``
  (a full-match Java-style regex), ``from``/``to`` (1–14 digits, inclusive,
  padded to the start/end of the period) and ``limit`` (first N, or last N
  when negative).
* ``/web/{stamp}/{url}``: the snapshot page, with ``Memento-Datetime`` and a
  ``Link`` header; a stamp that is not a capture redirects (302) to the nearest.
* ``/web/{stamp}id_/{url}``: the raw archived body.
* ``/web/{url}``: a Memento TimeGate: 302 to the memento nearest
  ``Accept-Datetime`` (the newest without it), ``Vary: accept-datetime``.
* ``/linkgate/{url}``: a TimeGate that answers 200 with only a ``Link`` header
  listing the mementos (no ``Memento-Datetime``), as some archives do.

Misbehaviour on demand: ``cdx_status`` (+ ``retry_after``) answers every CDX
call with that status; ``too_many_after`` answers 429 once that many CDX
calls were served; ``cdx_body`` replaces the CDX answer (malformed JSON).
Every CDX call is recorded with the (fake) clock's time.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

import attrs

from citecheck.archive.snapshots import parse_stamp

ALL_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@attrs.frozen
class Archived:
    """One capture the stand-in archive holds."""

    stamp: str
    original: str
    body: str = ""
    status: int = 200
    mimetype: str = "text/html"

    @property
    def digest(self) -> str:
        """The capture's SHA-1 in base32, as the CDX ``digest`` field gives it."""
        return base64.b32encode(hashlib.sha1(self.body.encode()).digest()).decode()

    @property
    def when(self) -> datetime.datetime:
        when = parse_stamp(self.stamp)
        assert when is not None
        return when


@attrs.frozen
class CdxCall:
    """One request the stand-in CDX API received."""

    params: tuple[tuple[str, str], ...]
    at: float

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)


def url_key(url: str) -> str:
    """A crude SURT-like key: what the archive treats as the same URL."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{path}{query}"


def _pad(stamp: str, upper: bool) -> str:
    return stamp + ("99991231235959" if upper else "00000101000000")[len(stamp) :]


class StandinWayback:
    """The stand-in archive; use as a context manager. ``base`` is its ``http://127.0.0.1:PORT``."""

    def __init__(
        self, captures: Sequence[Archived] = (), *, clock: Callable[[], float] | None = None
    ) -> None:
        self.captures = list(captures)
        self.clock = clock or (lambda: 0.0)
        self.cdx_status: int | None = None
        self.retry_after: str | None = None
        self.too_many_after: int | None = None
        self.cdx_body: bytes | None = None
        self.cdx_calls: list[CdxCall] = []
        self.timegate_headers: list[str | None] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------

    def __enter__(self) -> StandinWayback:
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- the archive's answers -------------------------------------------------------

    def of(self, url: str) -> list[Archived]:
        key = url_key(url)
        return sorted(
            (c for c in self.captures if url_key(c.original) == key), key=lambda c: c.stamp
        )

    def nearest(self, url: str, when: datetime.datetime | None) -> Archived | None:
        found = self.of(url)
        if not found:
            return None
        if when is None:
            return found[-1]
        return min(found, key=lambda c: abs((c.when - when).total_seconds()))

    def cdx(self, params: list[tuple[str, str]]) -> tuple[int, bytes, str]:
        values = dict(params)
        with self._lock:
            self.cdx_calls.append(CdxCall(tuple(params), self.clock()))
            served = len(self.cdx_calls)
        if self.too_many_after is not None and served > self.too_many_after:
            return 429, b"Too Many Requests", "text/plain"
        if self.cdx_status is not None:
            return self.cdx_status, b"error", "text/plain"
        if self.cdx_body is not None:
            return 200, self.cdx_body, "application/json"
        fields = tuple(values.get("fl", ",".join(ALL_FIELDS)).split(","))
        rows = [self._row(c) for c in self.of(values.get("url", ""))]
        for key, value in params:
            if key == "filter":
                invert = value.startswith("!")
                field, _, pattern = value.lstrip("!").partition(":")
                regex = re.compile(pattern)
                rows = [r for r in rows if bool(regex.fullmatch(r[field])) != invert]
        if "from" in values:
            rows = [r for r in rows if r["timestamp"] >= _pad(values["from"], upper=False)]
        if "to" in values:
            rows = [r for r in rows if r["timestamp"] <= _pad(values["to"], upper=True)]
        if "limit" in values:
            limit = int(values["limit"])
            rows = rows[:limit] if limit >= 0 else rows[limit:]
        table = [[row[f] for f in fields] for row in rows]
        if values.get("output") != "json":
            return 200, "".join(" ".join(r) + "\n" for r in table).encode(), "text/plain"
        if not table:
            return 200, b"[]", "application/json"
        lines = [json.dumps(list(fields))] + [json.dumps(r) for r in table]
        return 200, ("[" + ",\n ".join(lines) + "]").encode(), "application/json"

    @staticmethod
    def _row(capture: Archived) -> dict[str, str]:
        return {
            "urlkey": url_key(capture.original),
            "timestamp": capture.stamp,
            "original": capture.original,
            "mimetype": capture.mimetype,
            "statuscode": str(capture.status),
            "digest": capture.digest,
            "length": str(len(capture.body)),
        }

    def links(self, url: str) -> str:
        entries = [f'<{url}>; rel="original"']
        for capture in self.of(url):
            when = format_datetime(capture.when, usegmt=True)
            entries.append(
                f'<{self.base}/web/{capture.stamp}/{url}>; rel="memento"; datetime="{when}"'
            )
        return ", ".join(entries)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hang up early on purpose; stay quiet."""


_SNAPSHOT = re.compile(r"/web/(\d{1,14})(id_)?/(.+)")


def _handler(archive: StandinWayback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            path = self.path
            if path.startswith("/cdx/search/cdx"):
                query = path.partition("?")[2]
                status, body, ctype = archive.cdx(parse_qsl(query, keep_blank_values=True))
                headers = []
                if status in (429, 503) and archive.retry_after is not None:
                    headers.append(("Retry-After", archive.retry_after))
                self._send(status, body, ctype, headers)
                return
            snapshot = _SNAPSHOT.fullmatch(path)
            if snapshot:
                self._snapshot(snapshot.group(1), bool(snapshot.group(2)), snapshot.group(3))
                return
            if path.startswith("/web/"):
                self._timegate(path.removeprefix("/web/"))
                return
            if path.startswith("/linkgate/"):
                url = path.removeprefix("/linkgate/")
                if not archive.of(url):
                    self._send(404, b"no mementos", "text/plain")
                    return
                self._send(200, b"see Link", "text/plain", [("Link", archive.links(url))])
                return
            self._send(404, b"not found", "text/plain")

        def _timegate(self, url: str) -> None:
            accept = self.headers.get("Accept-Datetime")
            archive.timegate_headers.append(accept)
            when = parsedate_to_datetime(accept) if accept else None
            chosen = archive.nearest(url, when)
            if chosen is None:
                self._send(
                    404, b"no mementos", "text/plain", [("Link", f'<{url}>; rel="original"')]
                )
                return
            location = f"{archive.base}/web/{chosen.stamp}/{chosen.original}"
            self._send(
                302,
                b"",
                "text/plain",
                [("Location", location), ("Vary", "accept-datetime"), ("Link", archive.links(url))],
            )

        def _snapshot(self, stamp: str, raw: bool, url: str) -> None:
            exact = next((c for c in archive.of(url) if c.stamp == stamp), None)
            if exact is None:
                chosen = archive.nearest(url, parse_stamp(stamp))
                if chosen is None:
                    self._send(404, b"<title>Wayback Machine</title>Hrm.", "text/html")
                    return
                suffix = "id_" if raw else ""
                target = f"{archive.base}/web/{chosen.stamp}{suffix}/{chosen.original}"
                self._send(302, b"", "text/plain", [("Location", target)])
                return
            memento = [("Memento-Datetime", format_datetime(exact.when, usegmt=True))]
            if raw:
                self._send(exact.status, exact.body.encode(), exact.mimetype, memento)
                return
            page = f"<!-- BEGIN WAYBACK TOOLBAR INSERT -->{exact.body}"
            headers = [*memento, ("Link", archive.links(url))]
            self._send(exact.status, page.encode(), exact.mimetype, headers)

        def _send(
            self, status: int, body: bytes, ctype: str, headers: Sequence[tuple[str, str]] = ()
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
