"""End to end with a stand-in Wayback Machine: replacement links and drift.

The issue's acceptance cases: a dead link gets the snapshot nearest its access
date, not the newest; a retitled page is drifted with the snapshot from the
access date; a quote still on the live page matches at 0.9 or more; a removed
quote is drifted; the same article in a new layout stays ok.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.fetch.cassette import Cassette
from citecheck.fetch.policy import FetchPolicy
from citecheck.model import Report, Verdict
from citecheck.testing import Route, StandinWeb
from citecheck.verify import ArchiveOptions, verify
from tests.archive.standin_wayback import Archived, StandinWayback

CONTENT = Path(__file__).parent.parent.parent / "fixtures" / "pages" / "content"
POLICY = FetchPolicy(
    allowed_networks=("127.0.0.1/32",), connect_timeout=2, read_timeout=2, retries=0
)

ANKASAM_QUOTE = (
    "Russia does not want to appear as a country that blocks the economic development of its "
    "neighbours"
)
JAMESTOWN_QUOTE = (
    "We are ready to consider the proposal on a commercial basis, provided that the domestic "
    "market is supplied first"
)


def _page(name: str) -> str:
    return (CONTENT / name).read_text(encoding="utf-8")


SITE = {
    "/dead": Route(status=404, body="<title>404 Not Found</title>"),
    "/retitled": Route(body=_page("akipress_putin_retitled.html")),
    "/edited": Route(body=_page("ankasam_druzhba_edited.html")),
    "/relayout": Route(body=_page("jamestown_pipeline_2025.html")),
    "/replaced": Route(body=_page("azernews_208618_replaced.html")),
}
THEN = {
    "/dead": _page("jamestown_pipeline_2023.html"),
    "/retitled": _page("akipress_putin_2023.html"),
    "/edited": _page("ankasam_druzhba_2023.html"),
    "/relayout": _page("jamestown_pipeline_2023.html"),
    "/replaced": _page("azernews_208618_2023.html"),
}

NOTES = {
    "1": ("Kazakhstan Proposes Gas Pipeline Project Connecting Russia and China", "/dead", None),
    "2": ("President Putin to Visit Kazakhstan in Autumn 2023", "/retitled", None),
    "3": ("Russia’s Purposes for Authorizing the Use of Druzhba", "/edited", ANKASAM_QUOTE),
    "4": (
        "Kazakhstan Proposes Gas Pipeline Project Connecting Russia and China",
        "/relayout",
        JAMESTOWN_QUOTE,
    ),
    "5": ("Kazakh, Russian Foreign Ministers Meet in Moscow", "/replaced", None),
}


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[tuple[StandinWeb, StandinWayback]]:
    with StandinWeb({"site": SITE}) as web:
        base = web.base("site")
        captures = []
        for path, body in THEN.items():
            url = base + path
            captures += [
                Archived("20220301120000", url, body="<html><title>old</title></html>"),
                Archived("20230410093000", url, body=body),
                Archived("20230420093000", url, body=body),
                Archived("20250101000000", url, body="<html><title>newest</title></html>"),
            ]
        with StandinWayback(captures) as wayback:
            yield web, wayback


def _article(web: StandinWeb, directory: Path) -> Path:
    body = []
    notes = []
    for label, (title, path, quote) in NOTES.items():
        claim = f"He said, “{quote}”[{label}]." if quote else f"A claim[{label}]."
        body.append(claim)
        notes.append(
            f"[{label}] “{title}”, Site, {web.base('site')}{path}, (Date of Accession: 14.04.2023)."
        )
    path = directory / "article.txt"
    path.write_text("Title\n\n" + " ".join(body) + "\n\n" + "\n".join(notes) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def report(
    stand_ins: tuple[StandinWeb, StandinWayback], tmp_path_factory: pytest.TempPathFactory
) -> Report:
    web, wayback = stand_ins
    article = _article(web, tmp_path_factory.mktemp("archive"))
    archive = ArchiveOptions(wayback_url=wayback.base, min_interval=0.0, compare_drift=True)
    return verify(article, policy=POLICY, archive=archive)


def _check(report: Report, label: str):  # type: ignore[no-untyped-def]
    (document,) = report.documents
    result = next(r for r in document.citations if r.citation.label == label)
    return result.verdict, result.checks[0]


class TestArchiveAndDrift:
    """The five acceptance cases."""

    def test_dead_link_gets_snapshot_nearest_access_date(self, report: Report) -> None:
        """The snapshot from 10 April 2023 is chosen, not the newest from 2025."""
        verdict, check = _check(report, "1")
        assert verdict is Verdict.DEAD
        assert check.archive is not None
        assert "/web/20230410093000/" in check.archive.url
        assert check.archive.timestamp.isoformat().startswith("2023-04-10T09:30")

    def test_retitled_page_is_drifted(self, report: Report) -> None:
        """A page whose title changed is drifted, with the snapshot from the access date."""
        verdict, check = _check(report, "2")
        assert verdict is Verdict.DRIFTED, check.reason
        assert check.archive is not None and "20230410" in check.archive.url
        assert check.title_match is not None and check.title_match < 0.5

    def test_removed_quote_is_drifted(self, report: Report) -> None:
        """A quote that was on the snapshot and is gone from the live page: drifted."""
        verdict, check = _check(report, "3")
        assert verdict is Verdict.DRIFTED, check.reason
        assert check.quote_match is not None and check.quote_match < 0.7

    def test_new_layout_is_ok_and_quote_matches(self, report: Report) -> None:
        """The same article in a new layout is ok, and its quote matches at 0.9 or more."""
        verdict, check = _check(report, "4")
        assert verdict is Verdict.OK, check.reason
        assert check.quote_match is not None and check.quote_match >= 0.9
        assert check.matched_quote and "commercial basis" in check.matched_quote
        assert check.drift is not None and check.drift < 0.6
        assert check.archive is None  # a live source needs no replacement link
        assert check.page is not None and check.page.title

    def test_replaced_article_is_drifted(self, report: Report) -> None:
        """A different story at the same URL is drifted."""
        verdict, check = _check(report, "5")
        assert verdict is Verdict.DRIFTED, check.reason


class TestCommandLine:
    """--wayback-url at the command line."""

    def test_archive_link_in_json(
        self, stand_ins: tuple[StandinWeb, StandinWayback], tmp_path: Path
    ) -> None:
        """A dead link's check carries the archived copy in the JSON report."""
        web, wayback = stand_ins
        article = _article(web, tmp_path)
        result = subprocess.run(
            [
                sys.executable, "-m", "citecheck", "verify", "--no-cache", "--quiet",
                "--allow-network", "127.0.0.1/32", "--wayback-url", wayback.base, str(article),
            ],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        citations = json.loads(result.stdout)["documents"][0]["citations"]
        dead = citations[0]["checks"][0]
        assert dead["verdict"] == "dead"
        assert "/web/20230410093000/" in dead["archive"]["url"]
        assert dead["archive"]["timestamp"] == "2023-04-10T09:30:00Z"


class TestMementoAndReplay:
    """TimeGates as a fallback, and archive lookups replayed from a cassette."""

    def test_memento_timegate_fallback(
        self, stand_ins: tuple[StandinWeb, StandinWayback], tmp_path: Path
    ) -> None:
        """Without the Wayback CDX API, a TimeGate gives the dead link its copy."""
        web, wayback = stand_ins
        article = _article(web, tmp_path)
        archive = ArchiveOptions(wayback_url=None, memento_timegates=(wayback.base + "/web/",))
        report = verify(article, policy=POLICY, archive=archive)
        verdict, check = _check(report, "1")
        assert verdict is Verdict.DEAD
        assert check.archive is not None
        assert check.archive.timestamp.date().isoformat() in {"2023-04-10", "2023-04-20"}
        assert check.archive.source == "127.0.0.1"

    def test_archive_lookups_replay_offline(self, tmp_path: Path) -> None:
        """A recorded run with archive lookups replays identically with every server stopped."""
        cassette = Cassette(tmp_path / "run.yaml", "once")
        with StandinWeb({"site": SITE}) as web:
            base = web.base("site")
            captures = [Archived("20230410093000", base + path, body=THEN[path]) for path in THEN]
            with StandinWayback(captures) as wayback:
                article = _article(web, tmp_path)
                archive = ArchiveOptions(
                    wayback_url=wayback.base, min_interval=0.0, compare_drift=True
                )
                recorded = verify(article, policy=POLICY, archive=archive, cassette=cassette)
        replayed = verify(
            article, policy=POLICY, archive=archive, cassette=Cassette(cassette.path, "none")
        )

        def essence(report: Report) -> list[tuple[str, str, str | None, float | None]]:
            return [
                (
                    r.citation.label,
                    r.verdict.value,
                    r.checks[0].archive.url if r.checks[0].archive else None,
                    r.checks[0].title_match,
                )
                for r in report.documents[0].citations
            ]

        assert essence(replayed) == essence(recorded)
        assert essence(recorded)[0][2] is not None  # the dead link's copy came from the archive
