"""``DaskExecutor``: verify on a Dask cluster's worker processes, each host on one worker.

A two-worker ``LocalCluster`` (worker *processes*, loopback only) checks an
article spread over several stand-in hosts; the run must give every citation
the same check as the default thread pool and send the stand-in web exactly
the same requests (a soft-404 probe fetched once per directory, as in one
process). Skipped when dask is not installed, except in CI (``CI=true``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citecheck.fetch.scheduler import host_key
from citecheck.model import Report
from citecheck.testing import Route, StandinWeb
from citecheck.verify import verify
from tests.fetch.servers import until
from tests.verify.executor_article import POLICY
from tests.verify.scenarios import ARTICLE, SOFT_FALLBACK, NoDns

if os.environ.get("CI") == "true":
    import dask.distributed as distributed
else:
    distributed = pytest.importorskip("dask.distributed")

from citecheck.fetch.cluster import DaskExecutor  # needs dask: after the skip above

SITES = ("alpha", "beta", "gamma")
SITE = {
    **{f"/story/{n}": Route(body=ARTICLE) for n in range(1, 5)},
    "/gone": Route(status=404, body="<title>404 Not Found</title>"),
    "/old": Route(status=301, headers=(("Location", "/story/1"),)),
}


@pytest.fixture(scope="module")
def web() -> Iterator[StandinWeb]:
    with StandinWeb({**{name: SITE for name in SITES}, "soft": ({}, SOFT_FALLBACK)}) as running:
        yield running


@pytest.fixture(scope="module")
def article(web: StandinWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every path of every site, and four lost stories in one directory of a soft-404 site."""
    urls = [web.base(name) + path for name in SITES for path in SITE]
    urls += [f"{web.base('soft')}/news/2023/lost-{n}" for n in range(1, 5)]
    body = " ".join(f"Claim {n}.[{n}]" for n in range(1, len(urls) + 1))
    notes = "\n\n".join(
        f"[{n}] “Kazakhstan Proposes Gas Pipeline Project”, {url}, (Date of Accession: 14.04.2023)."
        for n, url in enumerate(urls, start=1)
    )
    path = tmp_path_factory.mktemp("dask") / "article.txt"
    path.write_text(f"Stand-in article\n\n{body}\n\n\n{notes}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes on loopback, two threads each."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=2,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as running,
    ):
        yield running


def _requests(web: StandinWeb) -> Counter[tuple[str, str]]:
    return Counter(
        {(name, path): count for name in web.names() for path, count in web.hits(name).items()}
    )


def _checks(report: Report) -> list[tuple[str, str, str, int | None]]:
    (document,) = report.documents
    return [
        (
            result.citation.id,
            check.url,
            check.verdict.value,
            check.http.status if check.http else None,
        )
        for result in document.citations
        for check in result.checks
    ]


class _Tally:
    """A picklable call that says which process ran it and how often its copy was called."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, int]:
        return {"calls": self.calls}

    def __setstate__(self, state: dict[str, int]) -> None:
        self.calls = state["calls"]
        self.lock = threading.Lock()

    def __call__(self, url: str) -> tuple[int, int]:
        with self.lock:
            self.calls += 1
            return os.getpid(), self.calls


class TestVerifyOnDask:
    """verify(executor=DaskExecutor(client)) gives the threaded run's report and requests."""

    def test_same_checks_and_same_requests_as_threads(
        self, web: StandinWeb, article: Path, client: Any
    ) -> None:
        """Every check matches the thread pool's, and the stand-in web sees the same requests."""
        before = _requests(web)
        threaded = verify(article, policy=POLICY, resolver=NoDns(), archive=None)
        middle = _requests(web)
        executor = DaskExecutor(client)
        try:
            on_dask = verify(
                article, policy=POLICY, resolver=NoDns(), archive=None, executor=executor
            )
        finally:
            executor.shutdown()
        after = _requests(web)
        assert _checks(on_dask) == _checks(threaded)
        assert {check[2] for check in _checks(threaded)} == {"ok", "dead", "moved", "soft_404"}
        # One soft-404 probe for the four lost stories of one directory, on Dask as in threads.
        assert after - middle == middle - before
        assert sum(count for (name, _), count in (after - middle).items() if name == "soft") == 5

    def test_progress_streams_one_call_per_url(self, article: Path, client: Any) -> None:
        """The progress hook is called once per URL as results come back, in the caller's thread."""
        seen: list[tuple[str, int | None]] = []

        def progress(check: Any) -> None:
            seen.append((check.url, threading.get_ident()))

        executor = DaskExecutor(client)
        try:
            report = verify(
                article,
                policy=POLICY,
                resolver=NoDns(),
                archive=None,
                executor=executor,
                progress=progress,
            )
        finally:
            executor.shutdown()
        urls = {check[1] for check in _checks(report)}
        assert sorted(url for url, _ in seen) == sorted(urls)
        assert {thread for _, thread in seen} == {threading.get_ident()}

    def test_workers_keep_no_checker_after_the_run(self, article: Path, client: Any) -> None:
        """What a run left on the workers is gone when verify() returns (its copies closed)."""
        executor = DaskExecutor(client)
        try:
            verify(article, policy=POLICY, resolver=NoDns(), archive=None, executor=executor)
        finally:
            executor.shutdown()

        def leftovers(dask_worker: Any) -> list[str]:
            return [name for name in dask_worker.plugins if name.startswith("citecheck-")] + [
                str(key) for key in dask_worker.state.actors
            ]

        def clean() -> bool:
            return all(not found for found in client.run(leftovers).values())

        # The scheduler tells the workers to drop what was cancelled a moment later.
        assert until(clean, seconds=10), client.run(leftovers)


class TestDaskExecutorCalls:
    """The executor's own contract: one copy of a function per worker, each host on one worker."""

    URLS = tuple(f"http://host-{n % 6}.test/page/{n}" for n in range(60))

    def test_submit_pins_hosts_and_keeps_one_copy_per_worker(self, client: Any) -> None:
        """Calls of one host run in one process, on a copy shared by every call sent there."""
        executor = DaskExecutor(client)
        tally = _Tally()
        try:
            answers = {url: executor.submit(tally, url).result() for url in self.URLS}
        finally:
            executor.shutdown()
        processes = {host_key(url): set() for url in self.URLS}
        for url, (pid, _) in answers.items():
            processes[host_key(url)].add(pid)
        assert all(len(pids) == 1 for pids in processes.values())
        assert os.getpid() not in {pid for pid, _ in answers.values()}
        # Each worker's copy counted every call it got: 60 calls, not 60 copies.
        assert sum(
            max(calls for pid2, calls in answers.values() if pid2 == pid)
            for pid in {pid for pid, _ in answers.values()}
        ) == len(self.URLS)

    def test_run_by_host_runs_the_scheduler_on_the_workers(self, client: Any) -> None:
        """run_by_host gives every item its result, each host in one process, one copy each."""
        executor = DaskExecutor(client)
        tally = _Tally()
        streamed: list[str] = []
        try:
            results = executor.run_by_host(
                self.URLS,
                tally,
                key=host_key,
                concurrency=4,
                on_result=lambda url, _: streamed.append(url),
            )
        finally:
            executor.shutdown()
        assert sorted(results) == sorted(self.URLS) == sorted(streamed)
        pids = {pid for pid, _ in results.values()}
        assert len(pids) == 2 and os.getpid() not in pids
        assert sorted(calls for _, calls in results.values()) != [1] * len(self.URLS)
        for host in {host_key(url) for url in self.URLS}:
            assert len({results[url][0] for url in self.URLS if host_key(url) == host}) == 1

    def test_an_exception_in_the_work_reaches_the_caller(self, client: Any) -> None:
        """Work that raises makes run_by_host raise the same exception, not hang."""
        executor = DaskExecutor(client)
        try:
            with pytest.raises(ValueError, match="refused"):
                executor.run_by_host(self.URLS, _refuse, key=host_key)
        finally:
            executor.shutdown()


def _refuse(url: str) -> None:
    raise ValueError(f"refused {url}")


class TestCommandLine:
    """``citecheck verify --dask-scheduler ADDRESS``."""

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "citecheck", "verify", *args],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def test_same_report_as_threads(self, article: Path, client: Any, tmp_path: Path) -> None:
        """The command line runs on the cluster and writes the threaded run's verdicts."""
        common = ["--no-archive", "--no-cache", "--allow-network", "127.0.0.1/32", "-q"]
        common += ["--format", "json"]
        threaded = self._run(str(article), *common, "-o", str(tmp_path / "threads.json"))
        on_dask = self._run(
            str(article),
            *common,
            "--dask-scheduler",
            client.scheduler.address,
            "-o",
            str(tmp_path / "dask.json"),
        )
        assert on_dask.returncode == threaded.returncode, on_dask.stderr
        assert (tmp_path / "dask.json").read_text(encoding="utf-8").count('"verdict"') > 0

        def verdicts(name: str) -> list[str]:
            text = (tmp_path / name).read_text(encoding="utf-8")
            return [line.strip() for line in text.splitlines() if '"verdict"' in line]

        assert verdicts("dask.json") == verdicts("threads.json")

    def test_processes_and_a_scheduler_are_refused_together(self, article: Path) -> None:
        """Two ways to spread the work is one too many: a one-line error, exit 2."""
        result = self._run(
            str(article), "--processes", "2", "--dask-scheduler", "tcp://127.0.0.1:9"
        )
        assert result.returncode == 2
        assert "not both" in result.stderr
        assert "Traceback" not in result.stderr

    def test_missing_dask_is_a_one_line_error(self, article: Path) -> None:
        """Without dask installed, --dask-scheduler says what to install, with no traceback."""
        code = (
            "import sys; sys.modules['distributed'] = None; "
            "sys.argv = ['citecheck', 'verify', sys.argv[1], '--dask-scheduler', "
            "'tcp://127.0.0.1:9', '--no-cache']; "
            "import runpy; runpy.run_module('citecheck', run_name='__main__')"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(article)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 2
        assert "pip install 'dask[distributed]'" in result.stderr
        assert "Traceback" not in result.stderr


SLOW_HOSTS = ("slow-a", "slow-b", "slow-c", "slow-d")
# 60 URLs, half a second each, two at a time: 15 s, time enough to interrupt a loaded machine.
SLOW = {
    f"/s{n}": Route(body=f"<title>Source {n}</title><p>Words.</p>", action="sleep", delay=0.5)
    for n in range(15)
}


class TestInterrupted:
    """Ctrl-C during a run on Dask writes the partial report, as with threads."""

    def test_sigint_writes_what_came_back(self, client: Any, tmp_path: Path) -> None:
        """SIGINT mid-way: exit 130, no traceback, every URL either checked or pending."""
        with StandinWeb({host: SLOW for host in SLOW_HOSTS}) as web:
            urls = [f"{web.base(host)}/s{n}" for host in SLOW_HOSTS for n in range(15)]
            notes = "\n".join(
                f"[{i}] “Source”, Site, {url}, accessed 14 April 2023."
                for i, url in enumerate(urls, 1)
            )
            body = " ".join(f"Claim {i}[{i}]." for i in range(1, len(urls) + 1))
            article = tmp_path / "article.txt"
            article.write_text(f"Title\n\n{body}\n\n{notes}\n", encoding="utf-8")
            output = tmp_path / "partial.json"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "citecheck",
                    "verify",
                    "--no-cache",
                    "--no-archive",
                    "--no-probe",
                    "--quiet",
                    "--allow-network",
                    "127.0.0.1/32",
                    "--concurrency",
                    "2",
                    "--dask-scheduler",
                    client.scheduler.address,
                    "-o",
                    str(output),
                    str(article),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )

            def served() -> int:
                return sum(sum(web.hits(host).values()) for host in SLOW_HOSTS)

            deadline = time.monotonic() + 60
            while served() < 8 and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        assert b"Traceback" not in stderr
        partial = json.loads(output.read_text(encoding="utf-8"))
        assert partial["incomplete"] is True
        checks = [
            check
            for citation in partial["documents"][0]["citations"]
            for check in citation["checks"]
        ]
        done = {check["url"] for check in checks if check["verdict"] != "pending"}
        assert done and partial["pending"]
        # Every URL not reached has a check saying so: pending, never no_url.
        pending = {check["url"] for check in checks if check["verdict"] == "pending"}
        assert pending == set(partial["pending"])
        assert done | set(partial["pending"]) == set(urls)
        assert done.isdisjoint(partial["pending"])
