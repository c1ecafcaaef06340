"""Where a warm rerun's CPU goes: parse, ``verify()`` served from the cache, report.

The first call fills ``DIR/cache.sqlite`` with a cold run of the article of
``verify_throughput.py`` (5,000 URLs over 50 stand-in hosts answering at once)
and keeps the article as ``DIR/article.txt``; every run then verifies it again
from a copy of that cache, each in a fresh interpreter, and prints the CPU
seconds of each phase:

    unshare -rn sh -c 'ip link set lo up && .venv/bin/python benchmarks/warm_phases.py /tmp/warm'

To compare with another commit, run the warm phases with its source first on
the path (the cache format is the same), alternating with this tree's:

    git archive COMMIT | tar -x -C /tmp/base
    PYTHONPATH=/tmp/base .venv/bin/python benchmarks/warm_phases.py /tmp/warm --runs 1

``--quotes`` makes every citing sentence quote its page (on the first call).
"""

from __future__ import annotations

import argparse
import ipaddress
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

_WARM = """
import shutil, sys, time
from pathlib import Path
import citecheck
from citecheck.fetch.cache import CheckCache
from citecheck.fetch.policy import FetchPolicy
from citecheck.model import DEFAULT_FAIL_ON
from citecheck.report import render_report

directory, copy = Path(sys.argv[1]), Path(sys.argv[2])
shutil.copy(directory / "cache.sqlite", copy)
text = (directory / "article.txt").read_text(encoding="utf-8")
policy = FetchPolicy(concurrency=64, allowed_networks=("127.0.0.1/32",))
with CheckCache(copy) as cache:
    started = time.process_time()
    document = citecheck.parse_text(text)
    parsed = time.process_time()
    report = citecheck.verify(document, policy=policy, cache=cache, archive=None)
    verified = time.process_time()
    render_report(report, "json", DEFAULT_FAIL_ON)
    rendered = time.process_time()
served = sum(
    check.from_cache for d in report.documents for r in d.citations for check in r.checks
)
print(
    f"parse {parsed - started:.2f} s, verify {verified - parsed:.2f} s, "
    f"report {rendered - verified:.2f} s (CPU); {served} checks from the cache"
)
"""


def fill(directory: Path, quotes: bool) -> None:
    import verify_throughput as bench

    import citecheck
    from citecheck.fetch.cache import CheckCache
    from citecheck.fetch.policy import FetchPolicy

    with bench.standin_web(50, 0.0) as (ports, control, _server):
        text = bench.article(bench.cited_urls(ports, 5000), quotes)
        (directory / "article.txt").write_text(text, encoding="utf-8")
        policy = FetchPolicy(
            concurrency=64, allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),)
        )
        with CheckCache(directory / "cache.sqlite") as cache:
            started = time.process_time()
            citecheck.verify(citecheck.parse_text(text), policy=policy, cache=cache, archive=None)
            requests, _ = bench.hits(control)
        print(f"cold run: {time.process_time() - started:.2f} s CPU, {requests} requests")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quotes", action="store_true")
    arguments = parser.parse_args()
    arguments.directory.mkdir(parents=True, exist_ok=True)
    if not (arguments.directory / "cache.sqlite").exists():
        fill(arguments.directory, arguments.quotes)
    with tempfile.TemporaryDirectory(prefix="citecheck-warm-") as scratch:
        for _ in range(arguments.runs):
            copy = Path(scratch) / "cache.sqlite"
            # Run outside the repository: with ``-c`` the working directory comes first on
            # sys.path, before a PYTHONPATH naming another commit's source.
            subprocess.run(
                [sys.executable, "-c", _WARM, str(arguments.directory.resolve()), str(copy)],
                check=True,
                cwd=scratch,
            )
            shutil.rmtree(scratch, ignore_errors=True)
            Path(scratch).mkdir(exist_ok=True)


if __name__ == "__main__":
    main()
