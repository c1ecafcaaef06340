"""Parse time against input size: is parsing linear?

Builds documents of growing size from the first seed article (body and notes
repeated, so every stage has work to do), parses each with
``citecheck.parse_text`` and prints seconds, MB/s and the time per MB relative
to the smallest size. Linear parsing keeps that ratio near 1.

    .venv/bin/python benchmarks/parse_scaling.py [--max-mb 32]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import citecheck

SEED = Path(__file__).parent.parent / "fixtures" / "documents" / "ankasam-astana-moscow-2023-04.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-mb", type=float, default=32.0)
    arguments = parser.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    print(f"{'MB':>8} {'seconds':>9} {'MB/s':>7} {'citations':>10} {'s/MB vs first':>14}")
    first_rate = None
    size = 1.0
    while size <= arguments.max_mb:
        text = seed * max(1, int(size * 1_000_000 / len(seed)))
        started = time.perf_counter()
        document = citecheck.parse_text(text)
        elapsed = time.perf_counter() - started
        megabytes = len(text.encode("utf-8")) / 1e6
        rate = elapsed / megabytes
        first_rate = first_rate or rate
        print(
            f"{megabytes:8.1f} {elapsed:9.2f} {megabytes / elapsed:7.2f} "
            f"{len(document.citations):10d} {rate / first_rate:14.2f}"
        )
        size *= 2


if __name__ == "__main__":
    main()
