"""Parse throughput: footnotes per second on one core, peak memory, and linearity.

Generates a deterministic corpus from the 14 real-world shapes in
``fixtures/footnotes/corpus.json`` (ANKASAM, Chicago, APA, MLA, Harvard,
Wikipedia, GOST, ABNT, DIN, French, Spanish and Italian notes, marker styles
``[1]``, ``¹``, ``^1``, ``1.``, ``1)``): document *i* is corpus entry *i mod 14*
with the numbers in its URLs shifted by *i*, so no two documents are equal.
Each size runs in a fresh child process (one core), which reports the parse
time, the footnotes found, ``ru_maxrss`` (peak RSS, imports included) and a
digest of every parsed citation's URLs, access date and title, so an
optimisation can be shown not to change a single result.

    .venv/bin/python benchmarks/parse_throughput.py [--footnotes 100000] [--steps 4]

Prints one row per size (100,000 footnotes and halvings below it); footnotes
per second that stay flat as the size doubles mean parsing is linear.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "footnotes" / "corpus.json"
_URL_NUMBER = re.compile(r"(?<=/)[0-9]{1,9}(?=[/.:_-])")


def documents(footnotes: int) -> Iterator[tuple[str, int]]:
    """(text, expected footnotes) until ``footnotes`` footnotes have been generated."""
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    made = 0
    index = 0
    while made < footnotes:
        entry = corpus[index % len(corpus)]
        text = entry["document"]
        if index >= len(corpus):
            shift = index

            def bump(match: re.Match[str], shift: int = shift) -> str:
                return str(int(match.group()) + shift)

            text = re.sub(r"https?://[^\s,)]+", lambda m: _URL_NUMBER.sub(bump, m.group()), text)
        expected = len(entry["citations"])
        made += expected
        index += 1
        yield text, expected


def child(footnotes: int) -> None:
    """Parse the generated corpus in this process and print one JSON line."""
    import citecheck

    texts = list(documents(footnotes))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    digest = hashlib.sha256()
    found = 0
    expected = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    for text, count in texts:
        document = citecheck.parse_text(text)
        found += len(document.citations)
        expected += count
        for citation in document.citations:
            digest.update(repr((citation.urls, citation.accessed, citation.title)).encode("utf-8"))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "documents": len(texts),
                "footnotes": found,
                "expected": expected,
                "seconds": elapsed,
                "cpu": cpu,
                "rss_mb": peak,
                "rss_before_mb": baseline,
                "digest": digest.hexdigest()[:16],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footnotes", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=4, help="sizes: N, N/2, N/4, …")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        child(arguments.child)
        return
    sizes = [arguments.footnotes // 2**step for step in reversed(range(arguments.steps))]
    print(
        f"{'footnotes':>10} {'documents':>9} {'seconds':>8} {'footnotes/s':>12} "
        f"{'per-note vs first':>18} {'peak RSS MB':>12} {'digest':>17}"
    )
    first = None
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        ).stdout
        row = json.loads(output.strip().splitlines()[-1])
        per_note = row["seconds"] / row["footnotes"]
        first = first or per_note
        print(
            f"{row['footnotes']:>10} {row['documents']:>9} {row['seconds']:>8.2f} "
            f"{row['footnotes'] / row['seconds']:>12.0f} {per_note / first:>18.2f} "
            f"{row['rss_mb']:>12.1f} {row['digest']:>17}"
            + ("" if row["footnotes"] == row["expected"] else f"  (expected {row['expected']})"),
            flush=True,
        )


if __name__ == "__main__":
    main()
