"""The network seam: transports, the deadline scheduler, the retry state, pools and TLS trust."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from urllib3 import HTTPHeaderDict

from citecheck.cli import main
from citecheck.config import find_settings, settings_from_table
from citecheck.errors import InputError
from citecheck.fetch.client import Fetcher
from citecheck.fetch.deadline import Deadline, DeadlineScheduler
from citecheck.fetch.live import ca_bundle_for
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.result import FetchFailure
from citecheck.fetch.retry import Attempt, RetryState
from citecheck.fetch.transport import (
    BodyFailure,
    HttpRequest,
    HttpResponse,
    TransportFailure,
)
from citecheck.model import Redirect
from tests.fetch.servers import (
    FakeSleep,
    MapResolver,
    RouteServer,
    TlsFiles,
    html,
    local_policy,
)

Serve = Callable[..., RouteServer]
MakeFetcher = Callable[..., Fetcher]


class StaticResponse:
    """A response from memory, for the mock transport."""

    chunked = False

    def __init__(
        self, status: int, headers: list[tuple[str, str]] | None = None, body: bytes = b""
    ) -> None:
        self.status = status
        self.reason = http.client.responses.get(status, "")
        self.headers = HTTPHeaderDict()
        for name, value in headers or []:
            self.headers.add(name, value)
        self._body = io.BytesIO(body)
        self.closed = False

    @property
    def message(self) -> http.client.HTTPMessage:
        message = http.client.HTTPMessage()
        for name, value in self.headers.iteritems():
            message[name] = value
        return message

    def read1(self, amount: int) -> bytes:
        return self._body.read1(amount)

    def close(self) -> None:
        self.closed = True


class MockTransport:
    """httpx's MockTransport: every request goes to ``handler``; nothing touches a socket."""

    def __init__(self, handler: Callable[[HttpRequest], HttpResponse | TransportFailure]) -> None:
        self.handler = handler
        self.requests: list[HttpRequest] = []
        self.waits: list[float] = []

    def pin(self, request: HttpRequest) -> HttpRequest | TransportFailure:
        return request

    def handle_request(
        self, request: HttpRequest, deadline: Deadline
    ) -> HttpResponse | TransportFailure:
        self.requests.append(request)
        return self.handler(request)

    def retry_wait(self, request: HttpRequest, backoff: float) -> float | None:
        self.waits.append(backoff)
        return backoff

    def close(self) -> None:
        return None


def _page(text: str) -> StaticResponse:
    return StaticResponse(200, [("Content-Type", "text/html; charset=utf-8")], text.encode())


class TestSeam:
    """The client's logic runs over any transport: no sockets, no names looked up."""

    def test_redirects_followed_over_a_mock_transport(self) -> None:
        """A 301 and a 302 are followed hop by hop, each hop a request of its own."""
        answers = {
            "http://a.test/old": StaticResponse(301, [("Location", "/mid")]),
            "http://a.test/mid": StaticResponse(302, [("Location", "http://b.test/new")]),
            "http://b.test/new": _page("arrived"),
        }
        transport = MockTransport(lambda request: answers[request.url])
        with Fetcher(FetchPolicy(), transport=transport) as fetcher:
            result = fetcher.fetch("http://a.test/old")
        assert result.status == 200 and result.text == "arrived"
        assert result.redirects == (
            Redirect("http://a.test/old", 301),
            Redirect("http://a.test/mid", 302),
        )
        assert [request.url for request in transport.requests] == [
            "http://a.test/old",
            "http://a.test/mid",
            "http://b.test/new",
        ]
        assert transport.requests[2].header("Host") == "b.test"

    def test_retries_ask_the_transport_how_long_to_wait(self) -> None:
        """A 503 is retried after the wait the transport names, and the attempts are counted."""
        replies = iter([StaticResponse(503), StaticResponse(503), _page("up")])
        transport = MockTransport(lambda request: next(replies))
        sleeps = FakeSleep()
        policy = FetchPolicy(retries=2, backoff_base=0.5)
        with Fetcher(policy, transport=transport, sleep=sleeps) as fetcher:
            result = fetcher.fetch("http://a.test/")
        assert result.status == 200 and result.attempts == 3
        assert transport.waits == [0.5, 1.0] and sleeps.calls == [0.5, 1.0]

    def test_transport_failures_are_results(self) -> None:
        """A failure value from the transport ends the fetch as that failure."""
        refused = TransportFailure(FetchFailure.REFUSED, "connection refused")
        transport = MockTransport(lambda request: refused)
        with Fetcher(FetchPolicy(retries=0), transport=transport) as fetcher:
            result = fetcher.fetch("http://a.test/")
        assert result.failure is FetchFailure.REFUSED and result.detail == "connection refused"

    def test_a_body_failure_is_a_result(self) -> None:
        """A body that breaks mid-read (BodyFailure) ends the fetch with its failure."""

        class Breaking(StaticResponse):
            def read1(self, amount: int) -> bytes:
                raise BodyFailure(TransportFailure(FetchFailure.RESET, "reset mid-body"))

        transport = MockTransport(lambda request: Breaking(200, [("Content-Type", "text/html")]))
        with Fetcher(FetchPolicy(), transport=transport) as fetcher:
            result = fetcher.fetch("http://a.test/")
        assert result.status == 200 and result.failure is FetchFailure.RESET

    def test_ip_literals_are_vetted_before_any_transport(self) -> None:
        """The address guard on IP-literal hosts holds whatever the transport."""
        transport = MockTransport(lambda request: _page("never"))
        with Fetcher(FetchPolicy(), transport=transport) as fetcher:
            result = fetcher.fetch("http://169.254.169.254/latest/meta-data/")
        assert result.failure is FetchFailure.UNSAFE_ADDRESS
        assert transport.requests == []

    def test_request_target(self) -> None:
        """The request-target is the path and query; an empty path is "/"."""
        request = HttpRequest("GET", "http://a.test", "http", "a.test", 80, ())
        assert request.target == "/"
        assert attrs.evolve(request, url="http://a.test?q=1").target == "/?q=1"
        assert attrs.evolve(request, url="http://a.test/p/q?x=/y").target == "/p/q?x=/y"


class TestRetryState:
    """The retry and redirect state is a value: each step returns a new one with its history."""

    def test_retried_counts_and_remembers(self) -> None:
        """A retry adds one attempt and one history entry, and leaves the old value alone."""
        first = RetryState(max_retries=2, max_redirects=3, backoff_base=0.25)
        second = first.retried("http://a.test/", status=503)
        assert (first.retries, first.attempts, first.history) == (0, 1, ())
        assert (second.retries, second.attempts) == (1, 2)
        assert second.history == (Attempt("http://a.test/", status=503),)
        assert second.backoff() == 0.5 and first.backoff() == 0.25

    def test_exhausted_after_max_retries(self) -> None:
        """No retry is left after max_retries of one hop."""
        state = RetryState(max_retries=1, max_redirects=3, backoff_base=0.1)
        assert state.can_retry
        assert not state.retried("http://a.test/", failure=FetchFailure.RESET).can_retry

    def test_a_redirect_starts_a_fresh_hop(self) -> None:
        """After a redirect the new hop has its retries again; the redirect is recorded."""
        state = RetryState(max_retries=1, max_redirects=1, backoff_base=0.1)
        state = state.retried("http://a.test/", status=503).redirected("http://a.test/", 301, "/b")
        assert state.can_retry and state.attempts == 2
        assert state.redirects == (Redirect("http://a.test/", 301),)
        assert state.history[-1].redirect_location == "/b"
        assert not state.too_many_redirects
        assert state.redirected("http://a.test/b", 302, "/c").too_many_redirects


class TestDeadlineScheduler:
    """One thread enforces every fetch's total deadline."""

    def test_fires_a_passed_deadline_and_shuts_its_socket(self) -> None:
        """A watched socket is shut down when its deadline passes, unblocking a reader."""
        scheduler = DeadlineScheduler()
        left, right = socket.socketpair()
        try:

            class Connection:
                sock = left

            deadline = Deadline(0.1, scheduler)
            deadline.watch(Connection())
            deadline.arm()
            left.settimeout(5)
            started = time.monotonic()
            assert left.recv(10) == b""  # the shutdown ends the read at once
            assert time.monotonic() - started < 2
            assert deadline.fired and deadline.expired()
        finally:
            left.close()
            right.close()

    def test_finished_deadlines_never_fire(self) -> None:
        """A fetch that finished in time is left alone."""
        scheduler = DeadlineScheduler()
        deadline = Deadline(0.05, scheduler)
        deadline.arm()
        deadline.finish()
        time.sleep(0.2)
        assert not deadline.fired

    def test_one_thread_for_many_fetches(self) -> None:
        """Arming a thousand deadlines starts one thread, not a thousand."""
        scheduler = DeadlineScheduler()
        before = threading.active_count()
        deadlines = [Deadline(60, scheduler) for _ in range(1000)]
        for deadline in deadlines:
            deadline.arm()
        assert threading.active_count() == before + 1
        for deadline in deadlines:
            deadline.finish()
        assert scheduler.pending() == 0

    def test_an_earlier_deadline_wakes_the_thread(self) -> None:
        """A deadline earlier than all others fires on time, not after the later ones."""
        scheduler = DeadlineScheduler()
        late = Deadline(60, scheduler)
        late.arm()
        early = Deadline(0.05, scheduler)
        early.arm()
        assert _until(lambda: early.fired, 2.0)
        assert not late.fired
        late.finish()

    def test_fetches_start_no_thread_each(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Fifty fetches through one fetcher leave the thread count as it was (plus the one)."""
        server = serve({f"/{n}": html(f"page {n}") for n in range(50)})
        fetch = fetcher()
        fetch.fetch(server.url("/0"))
        before = threading.active_count()
        most = before
        for n in range(1, 50):
            assert fetch.fetch(server.url(f"/{n}")).status == 200
            most = max(most, threading.active_count())
        assert most == before


def _until(predicate: Callable[[], bool], seconds: float) -> bool:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class TestConnectionPool:
    """Connections are reused when the pool has room for every host of the run."""

    def test_pool_sized_to_the_hosts_reuses_connections(
        self, serve: Serve, fetcher: MakeFetcher
    ) -> None:
        """Twelve hosts asked in turns: one connection each when the fetcher knows of twelve."""
        servers = [serve({"/a": html("a"), "/b": html("b")}) for _ in range(12)]
        fetch = fetcher(local_policy(concurrency=1), hosts=len(servers))
        for path in ("/a", "/b"):
            for server in servers:
                assert fetch.fetch(server.url(path)).status == 200
        for server in servers:
            assert len({seen.client for seen in server.seen}) == 1

    def test_too_few_pools_reconnect(self, serve: Serve, fetcher: MakeFetcher) -> None:
        """Without the host count, more hosts than pools means a new connection per request."""
        servers = [serve({"/a": html("a"), "/b": html("b")}) for _ in range(12)]
        fetch = fetcher(local_policy(concurrency=1))  # max(10, 2 × 1) pools
        for path in ("/a", "/b"):
            for server in servers:
                assert fetch.fetch(server.url(path)).status == 200
        assert all(len({seen.client for seen in server.seen}) == 2 for server in servers)


class TestTlsTrust:
    """Which CAs are trusted: certifi, --ca-bundle, the environment when asked, or none."""

    def _site(self, serve: Serve, tls_files: TlsFiles) -> tuple[RouteServer, MapResolver]:
        server = serve({"/": html("intranet")}, tls=tls_files.server_context())
        return server, MapResolver({"site.test": ["127.0.0.1"]})

    def test_private_ca_untrusted_by_default(
        self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles
    ) -> None:
        """A site signed by a private CA fails TLS without the CA."""
        server, resolver = self._site(serve, tls_files)
        result = fetcher(resolver=resolver).fetch(f"https://site.test:{server.port}/")
        assert result.failure is FetchFailure.TLS

    def test_ca_bundle(self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles) -> None:
        """With the private CA as ca_bundle the site is checked."""
        server, resolver = self._site(serve, tls_files)
        fetch = fetcher(local_policy(ca_bundle=str(tls_files.ca)), resolver=resolver)
        result = fetch.fetch(f"https://site.test:{server.port}/")
        assert result.status == 200 and result.text == "intranet"

    @pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
    def test_environment_only_with_trust_env(
        self,
        serve: Serve,
        fetcher: MakeFetcher,
        tls_files: TlsFiles,
        variable: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """SSL_CERT_FILE / REQUESTS_CA_BUNDLE are honoured with trust_env, ignored without."""
        for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv(variable, str(tls_files.ca))
        server, resolver = self._site(serve, tls_files)
        url = f"https://site.test:{server.port}/"
        assert fetcher(resolver=resolver).fetch(url).failure is FetchFailure.TLS
        trusting = fetcher(local_policy(trust_env=True), resolver=resolver)
        assert trusting.fetch(url).status == 200

    def test_ca_bundle_wins_over_the_environment(
        self, tls_files: TlsFiles, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An explicit bundle is used whatever the environment says."""
        policy = local_policy(ca_bundle="/explicit.pem", trust_env=True)
        assert ca_bundle_for(policy, {"SSL_CERT_FILE": "/env.pem"}) == "/explicit.pem"
        assert ca_bundle_for(local_policy(trust_env=True), {"SSL_CERT_FILE": "/env.pem"}) == (
            "/env.pem"
        )
        assert ca_bundle_for(local_policy(), {"SSL_CERT_FILE": "/env.pem"}) != "/env.pem"

    def test_insecure_accepts_any_certificate(
        self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles
    ) -> None:
        """insecure reaches a self-signed site and a certificate for another name."""
        server = serve({"/": html("whatever")}, tls=tls_files.server_context(self_signed=True))
        assert fetcher().fetch(server.url("/")).failure is FetchFailure.TLS
        result = fetcher(local_policy(insecure=True)).fetch(server.url("/"))
        assert result.status == 200 and result.text == "whatever"
        other = serve({"/": html("other")}, tls=tls_files.server_context())
        resolver = MapResolver({"other.test": ["127.0.0.1"]})
        mismatched = fetcher(local_policy(insecure=True), resolver=resolver)
        assert mismatched.fetch(f"https://other.test:{other.port}/").status == 200

    def test_tls_connections_are_reused(
        self, serve: Serve, fetcher: MakeFetcher, tls_files: TlsFiles
    ) -> None:
        """Ten HTTPS fetches of one host share one connection (one handshake)."""
        server = serve({f"/{n}": html(str(n)) for n in range(10)}, tls=tls_files.server_context())
        resolver = MapResolver({"site.test": ["127.0.0.1"]})
        fetch = fetcher(local_policy(ca_bundle=str(tls_files.ca), concurrency=1), resolver=resolver)
        for n in range(10):
            assert fetch.fetch(f"https://site.test:{server.port}/{n}").text == str(n)
        assert len({seen.client for seen in server.seen}) == 1
        assert server.sni == ["site.test"]


class TestTlsOptionsFromTheCommandLine:
    """--ca-bundle and --insecure reach the fetcher; --insecure is announced loudly."""

    def _article(self, tmp_path: Path, url: str) -> Path:
        article = tmp_path / "article.txt"
        article.write_text(
            "Intranet\n\nThe handbook says so.[1]\n\n\n"
            f"[1] “Handbook”, Intranet, {url}, (Date of Accession: 14.04.2023).\n",
            encoding="utf-8",
        )
        return article

    def _verify(self, tmp_path: Path, article: Path, *flags: str) -> dict[str, Any]:
        out = tmp_path / "report.json"
        main(
            [
                "verify",
                str(article),
                "--no-archive",
                "--no-cache",
                "--quiet",
                "--allow-network",
                "127.0.0.1/32",
                "--format",
                "json",
                "--output",
                str(out),
                *flags,
            ]
        )
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return data

    def _verdict(self, data: dict[str, Any]) -> str:
        [document] = data["documents"]
        [citation] = document["citations"]
        [check] = citation["checks"]
        return str(check["verdict"])

    def test_ca_bundle_and_insecure(
        self,
        serve: Serve,
        tls_files: TlsFiles,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A self-signed site: an error by default, ok with it as --ca-bundle or with --insecure."""
        server = serve(
            {"/handbook": html("<title>Handbook</title><p>The handbook says so.</p>")},
            tls=tls_files.server_context(self_signed=True),
        )
        article = self._article(tmp_path, server.url("/handbook"))
        assert self._verdict(self._verify(tmp_path, article)) != "ok"
        trusted = self._verify(tmp_path, article, "--ca-bundle", str(tls_files.self_signed_cert))
        assert self._verdict(trusted) == "ok"
        assert trusted["documents"][0]["warnings"] == []
        capsys.readouterr()
        insecure = self._verify(tmp_path, article, "--insecure")
        assert self._verdict(insecure) == "ok"
        assert "NOT verified" in capsys.readouterr().err
        assert any("not verified" in warning for warning in insecure["documents"][0]["warnings"])

    def test_missing_ca_bundle_is_a_usage_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A --ca-bundle that does not exist is a one-line error before anything is fetched."""
        article = self._article(tmp_path, "http://127.0.0.1:9/x")
        code = main(["verify", str(article), "--ca-bundle", str(tmp_path / "none.pem")])
        assert code == 2
        assert "none.pem: no such file or directory" in capsys.readouterr().err


class TestTlsSettings:
    """The configuration file sets the TLS options; a discovered file cannot weaken them."""

    def test_keys_read(self) -> None:
        """ca-bundle, trust-env and insecure are read and typed."""
        settings = settings_from_table(
            {"ca-bundle": "ca.pem", "trust-env": True, "insecure": False}
        )
        assert (settings.ca_bundle, settings.trust_env, settings.insecure) == (
            "ca.pem",
            True,
            False,
        )

    @pytest.mark.parametrize(
        ("key", "value"), [("trust-env", "yes"), ("insecure", 1), ("ca-bundle", 3)]
    )
    def test_bad_values(self, key: str, value: object) -> None:
        """A wrong type is a one-line input error."""
        with pytest.raises(InputError, match=key):
            settings_from_table({key: value})

    def test_discovered_file_cannot_turn_verification_off(self, tmp_path: Path) -> None:
        """insecure and ca-bundle in the checked-out tree's file are ignored and reported."""
        (tmp_path / "citecheck.toml").write_text(
            'insecure = true\nca-bundle = "evil.pem"\ntrust-env = true\n', encoding="utf-8"
        )
        settings = find_settings(tmp_path)
        assert settings.insecure is None and settings.ca_bundle is None
        assert settings.trust_env is True
        assert set(settings.ignored) == {"insecure", "ca-bundle"}
