"""The small stand-in article that every executor test runs: one note per way a source ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.fetch.policy import FetchPolicy
from citecheck.model import Report, Verdict
from citecheck.testing import Route, StandinWeb
from tests.verify.scenarios import ARTICLE, PARKED_FALLBACK, SOFT_FALLBACK

POLICY = FetchPolicy(
    allowed_networks=("127.0.0.1/32",),
    connect_timeout=2.0,
    read_timeout=2.0,
    total_deadline=8.0,
    retries=0,
    max_bytes=256 * 1024,
    concurrency=4,
)

SITE = {
    "/analysis/pipeline": Route(body=ARTICLE),
    "/gone/404": Route(status=404, body="<title>404 Not Found</title>"),
    "/gone/410": Route(status=410, body="<title>410 Gone</title>"),
    "/old/pipeline": Route(status=301, headers=(("Location", "/analysis/pipeline"),)),
}

# (note text with {host} placeholders, expected verdict): one note per way a source ends up.
NOTES = (
    ("“Kazakhstan Proposes Gas Pipeline Project”, {site}/analysis/pipeline", Verdict.OK),
    ("“Removed story”, {site}/gone/404", Verdict.DEAD),
    ("“Withdrawn story”, {site}/gone/410", Verdict.DEAD),
    ("“Kazakhstan Proposes Gas Pipeline Project”, {site}/old/pipeline", Verdict.MOVED),
    ("“A story the site lost”, {soft}/news/2023/lost-story", Verdict.SOFT_404),
    ("“A domain that lapsed”, {parked}/2019/report", Verdict.PARKED),
)


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    hosts = {
        "site": SITE,
        "soft": ({}, SOFT_FALLBACK),
        "parked": ({}, PARKED_FALLBACK),
    }
    with StandinWeb(hosts) as web:
        body = " ".join(f"Claim {n}.[{n}]" for n in range(1, len(NOTES) + 1))
        notes = "\n\n".join(
            f"[{n}] {web.substitute(text)}, (Date of Accession: 14.04.2023)."
            for n, (text, _) in enumerate(NOTES, start=1)
        )
        path = tmp_path_factory.mktemp("executor") / "article.txt"
        path.write_text(f"Stand-in article\n\n{body}\n\n\n{notes}\n", encoding="utf-8")
        yield path


def verdicts(report: Report) -> dict[str, Verdict]:
    (document,) = report.documents
    return {result.citation.label: result.verdict for result in document.citations}
