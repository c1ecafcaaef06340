"""`citecheck report` of a large saved report: wall and CPU time of the command, and its phases.

Builds a synthetic ``citecheck/report/v1`` report of ``--citations`` citations
(default 5,000, in documents of 100) whose checks carry the evidence real runs
write (HTTP status, a redirect on every third, page title and dates, an
archived copy on dead ones, a claim per citation), saves it, then runs
``citecheck report FILE --format F -o /dev/null`` ``--runs`` times in fresh
processes (start-up included) and prints the median wall time and the median
CPU time (user + sys of the child). The phases are timed in this process:
reading the JSON, loading it into a Report, and the old path (jsonschema's
``best_match(iter_errors)`` over the whole report) for comparison.

    .venv/bin/python benchmarks/report_load.py [--citations 5000] [--runs 7] [--format json]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from citecheck.model import (
    ArchivedCopy,
    Check,
    Citation,
    CitationKind,
    CitationResult,
    Claim,
    Document,
    DocumentResult,
    HttpEvidence,
    PageInfo,
    Redirect,
    Report,
    Verdict,
)
from citecheck.report.json_report import render_report_json

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
VERDICTS = (Verdict.OK, Verdict.OK, Verdict.OK, Verdict.MOVED, Verdict.DEAD, Verdict.SOFT_404)


def _check(url: str, number: int) -> Check:
    verdict = VERDICTS[number % len(VERDICTS)]
    redirects = (Redirect(url=url, status=301),) if number % 3 == 0 else ()
    status = 404 if verdict is Verdict.DEAD else 200
    return Check(
        url=url,
        verdict=verdict,
        reason=f"The check of {url} found it {verdict.value}.",
        http=HttpEvidence(
            status=status,
            final_url=url + ("/moved" if redirects else ""),
            redirects=redirects,
            elapsed_ms=100 + number % 400,
            content_type="text/html; charset=utf-8",
        ),
        signals=(f"status:{status}", "title:matched"),
        fetched_at=WHEN,
        sha256=f"{number:064x}",
        bytes=20_000 + number,
        from_cache=number % 2 == 0,
        title_match=0.5 + (number % 50) / 100,
        page=PageInfo(title=f"Page {number}", published=datetime.date(2020, 1, 1 + number % 28)),
        archive=ArchivedCopy(
            url=f"https://web.archive.org/web/20230414093000/{url}",
            timestamp=WHEN,
            source="wayback",
        )
        if verdict is Verdict.DEAD
        else None,
    )


def synthetic_report(citations: int, per_document: int = 100) -> Report:
    """A report of ``citations`` checked citations, ``per_document`` to a document."""
    documents = []
    for start in range(0, citations, per_document):
        results = []
        for number in range(start, min(citations, start + per_document)):
            url = f"https://host{number % 50}.example/articles/{number}"
            citation = Citation(
                id=f"doc{start // per_document}-{number}",
                label=str(number - start + 1),
                kind=CitationKind.FOOTNOTE,
                text=f"Author {number}, “Title of work {number}”, Publisher, 2021, {url}",
                authors=(f"Author {number}",),
                title=f"Title of work {number}",
                publisher="Publisher",
                urls=(url,),
                date=datetime.date(2021, 1 + number % 12, 1),
                accessed=datetime.date(2023, 4, 1 + number % 28),
                claims=(Claim(text=f"Claim {number} is made here.", start=0, end=24, line=3),),
                line=10 + number - start,
            )
            results.append(CitationResult(citation=citation, checks=(_check(url, number),)))
        document = Document(
            source=f"articles/doc{start // per_document}.md",
            text="",
            citations=tuple(result.citation for result in results),
        )
        documents.append(DocumentResult(document=document, citations=tuple(results)))
    return Report(documents=tuple(documents), generated_at=WHEN)


def _run(path: str, format_name: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one `citecheck report` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "citecheck", "report", path, "--format", format_name],
        stdout=subprocess.DEVNULL,
        check=False,  # exit 1 when a --fail-on verdict occurs, as it does here
        timeout=600,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citations", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--format", default="json")
    arguments = parser.parse_args()

    from citecheck.report.load import report_from_dict, report_schema

    text = render_report_json(synthetic_report(arguments.citations))
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "report.json")
        Path(path).write_text(text, encoding="utf-8")

        started = time.process_time()
        data = json.loads(text)
        read = time.process_time() - started
        started = time.process_time()
        report = report_from_dict(data)
        load = time.process_time() - started
        jsonschema = importlib.import_module("jsonschema")
        validator = jsonschema.Draft202012Validator(report_schema())
        started = time.process_time()
        jsonschema.exceptions.best_match(validator.iter_errors(data))
        old_validation = time.process_time() - started
        count = sum(len(document.citations) for document in report.documents)
        print(
            f"{count} citations, {len(text) / 1e6:.1f} MB; in-process CPU: "
            f"json.loads {read:.3f} s, "
            f"report_from_dict {load:.3f} s (jsonschema over all of it, the old path: "
            f"{old_validation:.3f} s)"
        )
        runs = [_run(path, arguments.format) for _ in range(arguments.runs)]
        walls = sorted(wall for wall, _ in runs)
        cpus = sorted(cpu for _, cpu in runs)
        print(
            f"citecheck report --format {arguments.format}: "
            f"median wall {statistics.median(walls):.3f} s "
            f"(min {walls[0]:.3f}, max {walls[-1]:.3f}), "
            f"median CPU {statistics.median(cpus):.3f} s "
            f"over {arguments.runs} runs; load average {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
