"""`citecheck parse DIR --jobs N`: wall time of one process against worker processes.

Writes the generated corpus of ``parse_throughput.py`` (``--footnotes``
footnotes, one file per document) to a temporary directory and runs
``citecheck parse DIR --jobs J -o FILE`` for each J in ``--jobs``, alternating
J in every round (``--rounds``), so that load from other processes falls on
all of them alike. Prints the median wall time, the speed-up over the first
J, and whether every output was byte-identical to the first one's. (No CPU
column: the workers are children of the fork server, which the command's
resource usage does not include.)

    .venv/bin/python benchmarks/parse_jobs.py [--footnotes 20000] [--jobs 1,2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from parse_throughput import documents


def _run(folder: str, jobs: int, output: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "citecheck", "parse", folder, "--jobs", str(jobs), "-o", output],
        check=True,
        timeout=3600,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footnotes", type=int, default=20_000)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    counts = [int(value) for value in arguments.jobs.split(",")]
    with tempfile.TemporaryDirectory() as directory:
        folder = os.path.join(directory, "docs")
        os.mkdir(folder)
        files = 0
        for index, (text, _) in enumerate(documents(arguments.footnotes)):
            Path(folder, f"doc{index:05d}.txt").write_text(text, encoding="utf-8")
            files += 1
        times: dict[int, list[float]] = {jobs: [] for jobs in counts}
        outputs = {jobs: os.path.join(directory, f"out{jobs}.json") for jobs in counts}
        for _ in range(arguments.rounds):
            for jobs in counts:
                times[jobs].append(_run(folder, jobs, outputs[jobs]))
        first = Path(outputs[counts[0]]).read_bytes()
        base = statistics.median(times[counts[0]])
        print(f"{files} files, {arguments.footnotes} footnotes, {os.cpu_count()} CPUs")
        print(f"{'jobs':>5} {'wall s':>8} {'speed-up':>9} {'same output':>12}")
        for jobs in counts:
            wall = statistics.median(times[jobs])
            same = Path(outputs[jobs]).read_bytes() == first
            print(f"{jobs:>5} {wall:>8.2f} {base / wall:>9.2f} {same!s:>12}")
        print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
