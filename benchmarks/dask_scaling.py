"""Does a Dask cluster of two worker processes check a CPU-bound run faster than one?

The stand-in web of ``verify_throughput.py`` answers at once (``--delay 0``),
and every note quotes its page, so each URL costs the most CPU it can without
an archive (main text extracted and searched, claim support): the network is
not the limit, the interpreters are. The same parsed article is verified

* on the default thread pool (``threads``, the reference for verdicts and requests);
* on a Dask ``LocalCluster`` of one worker process (``dask-1``);
* on one of two worker processes (``dask-2``);

each through :class:`citecheck.fetch.cluster.DaskExecutor`, no cache, no
archive. The two Dask modes alternate within each round (which goes first
alternates too), each on a cluster started before its clock starts and
warmed with one small run, so that worker start-up and imports are not
counted. Every run's requests (counted by the stand-in web) and verdicts are
compared with the threaded run's; the speed-up is the median of the paired
``dask-1 / dask-2`` ratios.

    unshare -rn sh -c 'ip link set lo up && \\
        .venv/bin/python benchmarks/dask_scaling.py --urls 2000 --rounds 3'

Needs ``dask[distributed]`` (in the ``test`` extra).
"""

from __future__ import annotations

import argparse
import collections
import ipaddress
import os
import statistics
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path

from distributed import Client, LocalCluster

import citecheck
from citecheck.fetch.cluster import DaskExecutor
from citecheck.fetch.policy import FetchPolicy
from citecheck.model import Document, Report

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verify_throughput as bench


def verdicts(report: Report) -> collections.Counter[str]:
    return collections.Counter(
        check.verdict.value
        for document in report.documents
        for result in document.citations
        for check in result.checks
    )


@contextmanager
def cluster(workers: int, threads: int) -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=threads,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as local,
        Client(local) as client,
    ):
        yield client


def timed(
    document: Document, policy: FetchPolicy, control: int, executor: Executor | None
) -> tuple[float, float, int, Report]:
    """Wall seconds, this process's CPU seconds, requests served, and the report of one run."""
    bench.hits(control, reset=True)
    cpu = time.process_time()
    started = time.perf_counter()
    report = citecheck.verify(document, policy=policy, archive=None, executor=executor)
    wall = time.perf_counter() - started
    requests, _ = bench.hits(control)
    return wall, time.process_time() - cpu, requests, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--generic",
        action="store_true",
        help="also time Dask's generic executor (client.get_executor()) on two workers, once",
    )
    arguments = parser.parse_args()
    policy = FetchPolicy(
        concurrency=arguments.concurrency,
        allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),),
    )
    with bench.standin_web(arguments.hosts, 0.0) as (ports, control, _server):
        urls = bench.cited_urls(ports, arguments.urls)
        document = citecheck.parse_text(bench.article(urls, quotes=True))
        warm_up = citecheck.parse_text(bench.article(urls[: arguments.hosts], quotes=True))
        print(f"load average before: {os.getloadavg()}", flush=True)
        wall, cpu, requests, reference = timed(document, policy, control, None)
        expected = verdicts(reference)
        print(
            f"threads: {wall:.2f} s wall, {cpu:.2f} s CPU, {requests} requests, {dict(expected)}",
            flush=True,
        )
        if arguments.generic:
            # What verify(executor=client.get_executor()) did before DaskExecutor: one task
            # per URL, the checker pickled and tokenised with each.
            with cluster(2, arguments.concurrency) as client:
                generic = client.get_executor()
                citecheck.verify(warm_up, policy=policy, archive=None, executor=generic)
                wall, cpu, served, report = timed(document, policy, control, generic)
            print(
                f"get_executor() on 2 workers: {wall:.2f} s wall, {cpu:.2f} s CPU in the client "
                f"process, {served} requests ({served - requests:+d} against threads), verdicts "
                f"{'identical' if verdicts(report) == expected else dict(verdicts(report))}",
                flush=True,
            )
        walls: dict[int, list[float]] = {1: [], 2: []}
        for round_number in range(arguments.rounds):
            order = (1, 2) if round_number % 2 == 0 else (2, 1)
            for workers in order:
                with cluster(workers, arguments.concurrency) as client:
                    executor = DaskExecutor(client)
                    citecheck.verify(warm_up, policy=policy, archive=None, executor=executor)
                    load = os.getloadavg()[0]
                    wall, cpu, served, report = timed(document, policy, control, executor)
                    executor.shutdown()
                same = verdicts(report) == expected
                walls[workers].append(wall)
                print(
                    f"round {round_number + 1} dask-{workers}: {wall:.2f} s wall, "
                    f"{cpu:.2f} s CPU in the client process, {served} requests "
                    f"({served - requests:+d} against threads), verdicts "
                    f"{'identical' if same else dict(verdicts(report))}, load {load:.2f}",
                    flush=True,
                )
        ratios = [one / two for one, two in zip(walls[1], walls[2], strict=True)]
        print(
            f"median dask-1 {statistics.median(walls[1]):.2f} s, dask-2 "
            f"{statistics.median(walls[2]):.2f} s, paired speed-up "
            f"{statistics.median(ratios):.2f}× (each: {', '.join(f'{r:.2f}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
