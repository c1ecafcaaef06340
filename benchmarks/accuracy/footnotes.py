"""Per-field accuracy of footnote parsing over fixtures/footnotes/corpus.json.

Every corpus document is parsed with the public ``citecheck.parse_text`` and
each expected citation is compared field by field with the parsed one, the way
tests/parse/test_footnote_corpus.py does. Known misses listed in the corpus
count as misses here: the figure is what a user gets, not what we promised.

    .venv/bin/python benchmarks/accuracy/footnotes.py [--show-errors] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FIELDS = ("kind", "urls", "doi", "accessed", "title", "authors", "publisher", "date", "ibid_of")
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "footnotes" / "corpus.json"


def actual_value(citation: Any, field: str) -> Any:
    """The parsed value of ``field`` in the corpus's JSON shape (lists, ISO dates, strings)."""
    value = getattr(citation, field)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if field == "kind":
        return value.value
    return value


def compare(corpus: list[dict[str, Any]]) -> list[tuple[str, str, str, Any, Any, bool]]:
    """(document id, label, field, expected, actual, known miss) for every corpus field."""
    import citecheck

    rows: list[tuple[str, str, str, Any, Any, bool]] = []
    for entry in corpus:
        document = citecheck.parse_text(entry["document"], source=entry["id"])
        for expected in entry["citations"]:
            known = expected.get("known_misses", {})
            try:
                citation: Any = document.citation(f"fn-{expected['label']}")
            except KeyError:
                citation = None
            for field in FIELDS:
                actual = None if citation is None else actual_value(citation, field)
                if citation is None:
                    actual = "<no such footnote>"
                rows.append(
                    (entry["id"], expected["label"], field, expected[field], actual, field in known)
                )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list every wrong field")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    corpus = json.loads(args.corpus.read_text(encoding="utf-8"))
    rows = compare(corpus)

    citations = sum(len(entry["citations"]) for entry in corpus)
    print(f"corpus: {len(corpus)} documents, {citations} footnotes, {len(rows)} fields")
    print(f"{'field':<10} {'right':>6} {'total':>6} {'accuracy':>9}")
    for field in FIELDS:
        mine = [row for row in rows if row[2] == field]
        right = sum(1 for row in mine if row[3] == row[4])
        print(f"{field:<10} {right:>6} {len(mine):>6} {right / len(mine):>9.1%}")
    right = sum(1 for row in rows if row[3] == row[4])
    print(f"{'overall':<10} {right:>6} {len(rows):>6} {right / len(rows):>9.1%}")
    whole: dict[tuple[str, str], bool] = {}
    for row in rows:
        key = (row[0], row[1])
        whole[key] = whole.get(key, True) and row[3] == row[4]
    exact = sum(whole.values())
    print(f"footnotes with every field right: {exact}/{len(whole)} ({exact / len(whole):.1%})")

    if args.show_errors:
        print()
        for doc_id, label, field, expected, actual, known in rows:
            if expected != actual:
                tag = " (known miss)" if known else ""
                print(f"{doc_id} fn-{label} {field}{tag}")
                print(f"    expected: {expected!r}")
                print(f"    actual:   {actual!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
