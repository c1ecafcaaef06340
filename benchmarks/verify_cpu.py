"""CPU time per URL of ``verify()`` against a 0 ms loopback web (issue 17's ≤ 1 ms target).

Starts the stand-in web of ``verify_throughput.py`` with no delay, writes its
article (80 % live articles with their titles, 10 % 404s, 10 % redirects),
parses it once, then runs ``citecheck.verify`` on it (content checks and
soft-404 probes on, no archive, no cache) in this process and reports the
process CPU time (user + system, ``time.process_time``; the server is a child
process, so its CPU is not counted) per URL. The stand-in server answers at
once, so the run is CPU-bound: wall time is not the figure, CPU time is.

    unshare -rn sh -c 'ip link set lo up && \
        .venv/bin/python benchmarks/verify_cpu.py --urls 2000 --rounds 3'

``--cli`` also runs the whole ``citecheck verify`` command as a child and
reports its CPU (imports, parse and report included) per URL. ``--fetch-only``
times the fetches alone (no checks). ``--profile
FILE`` writes a yappi CPU profile (every thread) of one more in-process run.
"""

from __future__ import annotations

import argparse
import ipaddress
import statistics
import sys
import tempfile
import time
from pathlib import Path

import citecheck
from citecheck.fetch.client import Fetcher
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.scheduler import host_key, run_by_host

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verify_throughput as bench


def one_run(
    document: citecheck.Document, policy: FetchPolicy, fetch_only: bool = False
) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, checks or fetches) of one verify() call (or fetches only)."""
    cpu = time.process_time()
    wall = time.perf_counter()
    if fetch_only:
        urls = [url for citation in document.citations for url in citation.urls]
        hosts = len({host_key(url) for url in urls})
        with Fetcher(policy, hosts=hosts) as fetcher:
            done = len(
                run_by_host(
                    urls,
                    fetcher.fetch,
                    key=host_key,
                    concurrency=policy.concurrency,
                    per_host=policy.per_host_concurrency,
                )
            )
        return time.process_time() - cpu, time.perf_counter() - wall, done
    report = citecheck.verify(document, policy=policy, archive=None)
    checks = sum(len(c.checks) for d in report.documents for c in d.citations)
    return time.process_time() - cpu, time.perf_counter() - wall, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--quotes", action="store_true", help="every citing sentence quotes")
    parser.add_argument("--cli", action="store_true", help="also time the whole CLI as a child")
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument(
        "--fetch-only",
        action="store_true",
        help="only fetch every URL (Fetcher + scheduler, no checks): the fetch path's own CPU",
    )
    arguments = parser.parse_args()
    policy = FetchPolicy(
        concurrency=arguments.concurrency,
        allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),),
    )
    with (
        tempfile.TemporaryDirectory(prefix="citecheck-cpu-") as scratch,
        bench.standin_web(arguments.hosts, 0.0) as (ports, control, _server),
    ):
        text = bench.article(bench.cited_urls(ports, arguments.urls), arguments.quotes)
        started = time.process_time()
        document = citecheck.parse_text(text)
        parse_cpu = time.process_time() - started
        print(f"parse: {parse_cpu * 1000 / arguments.urls:.3f} ms CPU per URL", flush=True)
        one_run(document, policy, arguments.fetch_only)  # warm-up: imports, first connections
        figures = []
        for round_number in range(arguments.rounds):
            bench.hits(control, reset=True)
            cpu, wall, checks = one_run(document, policy, arguments.fetch_only)
            requests, most = bench.hits(control)
            figures.append(cpu * 1000 / arguments.urls)
            print(
                f"round {round_number + 1}: verify() {cpu:.2f} s CPU, {wall:.2f} s wall, "
                f"{checks} checks, {requests} requests (at most {most} at once): "
                f"{figures[-1]:.3f} ms CPU per URL",
                flush=True,
            )
        what = "fetch only" if arguments.fetch_only else "verify() only"
        print(f"median: {statistics.median(figures):.3f} ms CPU per URL ({what})")
        if arguments.cli:
            path = Path(scratch) / "article.txt"
            path.write_text(text, encoding="utf-8")
            cli = []
            for round_number in range(arguments.rounds):
                command = bench.citecheck_command(
                    path,
                    Path(scratch) / f"cache-{round_number}.sqlite",
                    Path(scratch) / "out.json",
                    arguments.concurrency,
                )
                run = bench.run_child(command, Path(scratch))
                cli.append(run["cpu"] * 1000 / arguments.urls)
                print(
                    f"cli round {round_number + 1}: {run['cpu']:.2f} s CPU, "
                    f"{run['wall']:.2f} s wall, exit {run['exit']}: {cli[-1]:.3f} ms CPU per URL",
                    flush=True,
                )
            print(f"median: {statistics.median(cli):.3f} ms CPU per URL (whole CLI, cold cache)")
        if arguments.profile is not None:
            # yappi, not a sampling profiler of the main thread: the work runs in
            # the fetch threads, and yappi's CPU clock counts every thread.
            import yappi

            yappi.set_clock_type("cpu")
            yappi.start()
            one_run(document, policy, arguments.fetch_only)
            yappi.stop()
            with arguments.profile.open("w", encoding="utf-8") as out:
                stats = yappi.get_func_stats()
                stats.sort("ttot").print_all(
                    out=out, columns={0: ("name", 110), 1: ("ncall", 9), 3: ("ttot", 8)}
                )
                out.write("\n\nby own time\n")
                stats.sort("tsub").print_all(
                    out=out, columns={0: ("name", 110), 1: ("ncall", 9), 2: ("tsub", 8)}
                )
            print(f"profile written to {arguments.profile}")


if __name__ == "__main__":
    main()
