"""Where parse time goes: stage shares (cProfile, CPU clock) and regex time per pattern.

Parses the generated corpus of ``parse_throughput.py`` (``--footnotes`` N) with
``citecheck.parse_text`` twice after a warm-up: once under ``cProfile`` for the
share of each stage in the whole parse, once with every compiled pattern of
the parse and source modules wrapped in a timing proxy, for the time spent in
each pattern's calls (``finditer`` drained). The proxy adds about a
microsecond a call, so the regex figures are upper bounds; the stage shares
are cProfile's, which inflates many small calls alike.

    .venv/bin/python benchmarks/parse_profile.py [--footnotes 5000] [--patterns 15]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import importlib
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from parse_throughput import documents

# (label, function name, file name) of the stages reported.
_STAGES = (
    ("whole parse", "parse_document", "document.py"),
    ("notes to citations (citation_from_note)", "citation_from_note", "assemble.py"),
    ("  fields: title, authors, publisher, date", "parse_fields", "fields.py"),
    ("  URLs in the note (find_urls)", "find_urls", "urls.py"),
    ("  access dates", "note_access_dates", "dates.py"),
    ("date candidates (every caller)", "_candidates", "dates.py"),
    ("notes recogniser", "recognise_notes", "notes.py"),
    ("text reader and normalisation", "text_source", "text.py"),
    ("claims", "_claims", "assemble.py"),
    ("header", "read_header", "header.py"),
    ("back references", "resolve_back_references", "backrefs.py"),
)
_MODULES = (
    "citecheck.parse.dates",
    "citecheck.parse.fields",
    "citecheck.parse.urls",
    "citecheck.parse.notes",
    "citecheck.parse.assemble",
    "citecheck.parse.markers",
    "citecheck.parse.sentences",
    "citecheck.parse.backrefs",
    "citecheck.parse.header",
    "citecheck.parse.parenthetical",
    "citecheck.sources.text",
    "citecheck.sources.normalize",
    "citecheck.sources.blocks",
)


class _TimedPattern:
    """A compiled pattern whose method calls add their time to ``stats``."""

    def __init__(self, pattern: re.Pattern[str], name: str, stats: dict[Any, list[int]]) -> None:
        self._pattern = pattern
        self._name = name
        self._stats = stats

    def __getattr__(self, attribute: str) -> Any:
        method = getattr(self._pattern, attribute)
        if not callable(method):
            return method
        key = f"{self._name}.{attribute}"
        stats = self._stats

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter_ns()
            try:
                result = method(*args, **kwargs)
                return list(result) if attribute == "finditer" else result
            finally:
                entry = stats[key]
                entry[0] += 1
                entry[1] += time.perf_counter_ns() - started

        return timed


def _parse_all(texts: list[str], parse: Callable[[str], object]) -> float:
    started = time.process_time()
    for text in texts:
        parse(text)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footnotes", type=int, default=5000)
    parser.add_argument("--patterns", type=int, default=15, help="how many patterns to list")
    arguments = parser.parse_args()

    import citecheck

    texts = [text for text, _ in documents(arguments.footnotes)]
    plain = _parse_all(texts, citecheck.parse_text)  # warm-up, and the plain CPU time
    print(
        f"{arguments.footnotes} footnotes in {len(texts)} documents: {plain:.2f} s CPU "
        f"({arguments.footnotes / plain:,.0f} footnotes/s) without instrumentation"
    )

    profile = cProfile.Profile(time.process_time)
    profile.enable()
    _parse_all(texts, citecheck.parse_text)
    profile.disable()
    stats = pstats.Stats(profile)
    cumulative = {
        (Path(key[0]).name, key[2]): value[3]
        for key, value in stats.stats.items()  # type: ignore[attr-defined]
    }
    whole = cumulative.get(("document.py", "parse_document"), 0.0) or 1.0
    print("\nshare of parse time (cProfile, cumulative)")
    for label, function, filename in _STAGES:
        seconds = cumulative.get((filename, function))
        if seconds is not None:
            print(f"  {100 * seconds / whole:5.1f} %  {label}")

    timings: dict[Any, list[int]] = collections.defaultdict(lambda: [0, 0])
    originals: list[tuple[Any, str, re.Pattern[str]]] = []
    for name in _MODULES:
        module = importlib.import_module(name)
        for attribute, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                originals.append((module, attribute, value))
                short = f"{name.rsplit('.', 1)[-1]}.{attribute}"
                setattr(module, attribute, _TimedPattern(value, short, timings))
    try:
        started = time.perf_counter_ns()
        for text in texts:
            citecheck.parse_text(text)
        total = time.perf_counter_ns() - started
    finally:
        for module, attribute, value in originals:
            setattr(module, attribute, value)
    in_regex = sum(entry[1] for entry in timings.values())
    print(
        f"\nregex calls: {in_regex / 1e6:,.0f} ms of {total / 1e6:,.0f} ms "
        f"({100 * in_regex / total:.0f} %, proxy overhead included); the most expensive patterns:"
    )
    ranked = sorted(timings.items(), key=lambda item: -item[1][1])
    for key, (calls, nanoseconds) in ranked[: arguments.patterns]:
        print(
            f"  {nanoseconds / 1e6:7.1f} ms {100 * nanoseconds / total:5.1f} % "
            f"{calls:7d} calls  {key}"
        )


if __name__ == "__main__":
    main()
