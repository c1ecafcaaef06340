"""Fixtures for the fetch tests: servers that stop with their test, and fetchers that close."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from citecheck.fetch.addresses import Resolver
from citecheck.fetch.client import Fetcher
from citecheck.fetch.policy import FetchPolicy
from tests.fetch.servers import (
    Behaviour,
    FakeSleep,
    RawServer,
    RouteServer,
    TlsFiles,
    local_policy,
    make_tls_files,
)


@pytest.fixture
def serve() -> Iterator[Callable[..., RouteServer]]:
    """Start route servers; every one stops when the test ends."""
    servers: list[RouteServer] = []

    def start(routes: dict[str, Any] | None = None, **options: Any) -> RouteServer:
        server = RouteServer(routes, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def raw() -> Iterator[Callable[..., RawServer]]:
    """Start raw socket servers; every one stops when the test ends."""
    servers: list[RawServer] = []

    def start(behaviour: Behaviour, **options: Any) -> RawServer:
        server = RawServer(behaviour, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sleeps() -> FakeSleep:
    """The waits retries asked for (nothing really waits)."""
    return FakeSleep()


@pytest.fixture
def fetcher(sleeps: FakeSleep) -> Iterator[Callable[..., Fetcher]]:
    """Build fetchers with the loopback policy and fake sleep; all closed at the end."""
    made: list[Fetcher] = []

    def build(
        policy: FetchPolicy | None = None, resolver: Resolver | None = None, **options: Any
    ) -> Fetcher:
        options.setdefault("sleep", sleeps)
        built = Fetcher(policy or local_policy(), resolver, **options)
        made.append(built)
        return built

    yield build
    for built in made:
        built.close()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A test CA with a certificate for site.test, and a self-signed certificate."""
    directory: Path = tmp_path_factory.mktemp("tls")
    files = make_tls_files(directory, "site.test")
    if files is None:
        pytest.skip("the openssl command is needed to make test certificates")
    return files
