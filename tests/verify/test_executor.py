"""The verify loop on a Dask cluster gives the same verdicts as on its own thread pool.

``verify(..., executor=...)`` accepts any :class:`concurrent.futures.Executor`
so that a user who outgrows one machine passes a Dask distributed client's
executor (``client.get_executor()``) and nothing else changes (docs/scale.md).
This runs a small stand-in article on a Dask ``LocalCluster`` in this process
(``processes=False``, two threads) and compares every verdict with a run on
the default executor. Skipped when dask is not installed, except in CI
(``CI=true``), where a missing dask is a failure.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path

import pytest

from citecheck.fetch.policy import FetchPolicy
from citecheck.model import Report, Verdict
from citecheck.testing import Route, StandinWeb
from citecheck.verify import verify
from tests.verify.scenarios import ARTICLE, PARKED_FALLBACK, SOFT_FALLBACK

if os.environ.get("CI") == "true":
    import dask.distributed as distributed
else:
    distributed = pytest.importorskip("dask.distributed")


class NoDns:
    """A resolver for tests: no name resolves (real DNS is network too)."""

    def resolve(self, host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} does not resolve (test resolver)")


POLICY = FetchPolicy(
    allowed_networks=("127.0.0.1/32",),
    connect_timeout=2.0,
    read_timeout=2.0,
    total_deadline=8.0,
    retries=0,
    max_bytes=256 * 1024,
    concurrency=4,
)

SITE = {
    "/analysis/pipeline": Route(body=ARTICLE),
    "/gone/404": Route(status=404, body="<title>404 Not Found</title>"),
    "/gone/410": Route(status=410, body="<title>410 Gone</title>"),
    "/old/pipeline": Route(status=301, headers=(("Location", "/analysis/pipeline"),)),
}

# (note text with {host} placeholders, expected verdict): one note per way a source ends up.
NOTES = (
    ("“Kazakhstan Proposes Gas Pipeline Project”, {site}/analysis/pipeline", Verdict.OK),
    ("“Removed story”, {site}/gone/404", Verdict.DEAD),
    ("“Withdrawn story”, {site}/gone/410", Verdict.DEAD),
    ("“Kazakhstan Proposes Gas Pipeline Project”, {site}/old/pipeline", Verdict.MOVED),
    ("“A story the site lost”, {soft}/news/2023/lost-story", Verdict.SOFT_404),
    ("“A domain that lapsed”, {parked}/2019/report", Verdict.PARKED),
)


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    hosts = {
        "site": SITE,
        "soft": ({}, SOFT_FALLBACK),
        "parked": ({}, PARKED_FALLBACK),
    }
    with StandinWeb(hosts) as web:
        body = " ".join(f"Claim {n}.[{n}]" for n in range(1, len(NOTES) + 1))
        notes = "\n\n".join(
            f"[{n}] {web.substitute(text)}, (Date of Accession: 14.04.2023)."
            for n, (text, _) in enumerate(NOTES, start=1)
        )
        path = tmp_path_factory.mktemp("executor") / "article.txt"
        path.write_text(f"Stand-in article\n\n{body}\n\n\n{notes}\n", encoding="utf-8")
        yield path


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Executor]:
    """A Dask client's executor on a LocalCluster in this process: two threads, no sockets."""
    with pytest.MonkeyPatch.context() as patch:
        # In-process addresses are named after this machine's IP, which Dask finds
        # by routing a UDP socket towards 8.8.8.8; tests touch nothing but loopback.
        patch.setattr("distributed.comm.inproc.get_ip", lambda: "127.0.0.1")
        yield from _in_process_executor()


def _in_process_executor() -> Iterator[Executor]:
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client.get_executor()


def _verdicts(report: Report) -> dict[str, Verdict]:
    (document,) = report.documents
    return {result.citation.label: result.verdict for result in document.citations}


class TestDaskExecutor:
    """A Dask distributed client's executor is a drop-in for the default thread pool."""

    def test_same_verdicts_as_default_executor(
        self, article: Path, dask_executor: Executor
    ) -> None:
        """Every note gets the same verdict on a Dask LocalCluster as on the thread pool."""
        expected = {str(n): verdict for n, (_, verdict) in enumerate(NOTES, start=1)}
        default = _verdicts(verify(article, policy=POLICY, resolver=NoDns()))
        assert default == expected
        on_dask = verify(article, policy=POLICY, resolver=NoDns(), executor=dask_executor)
        assert _verdicts(on_dask) == default

    def test_checks_carry_the_same_evidence(self, article: Path, dask_executor: Executor) -> None:
        """Statuses and final URLs on Dask match the thread pool's, not only the verdicts."""
        default = verify(article, policy=POLICY, resolver=NoDns())
        on_dask = verify(article, policy=POLICY, resolver=NoDns(), executor=dask_executor)

        def evidence(report: Report) -> list[tuple[str, int | None, str | None]]:
            (document,) = report.documents
            return sorted(
                (
                    check.url,
                    check.http.status if check.http else None,
                    check.http.final_url if check.http else None,
                )
                for result in document.citations
                for check in result.checks
            )

        assert evidence(on_dask) == evidence(default)


class TestDaskWorkerProcesses:
    """The work is shipped to worker processes intact: the checker pickles, fetcher and all."""

    def test_same_verdicts_in_worker_processes(self, article: Path) -> None:
        """Two worker processes give every note the verdict the thread pool gives it."""
        default = _verdicts(verify(article, policy=POLICY, resolver=NoDns()))
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            on_dask = verify(
                article, policy=POLICY, resolver=NoDns(), executor=client.get_executor()
            )
        assert _verdicts(on_dask) == default
