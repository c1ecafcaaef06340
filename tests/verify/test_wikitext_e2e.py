"""A Wikipedia-style article verified end to end, with the template fields to update."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.fetch.policy import FetchPolicy
from citecheck.model import Report, Verdict
from citecheck.report.wikitext_fixes import render_template_updates, template_updates
from citecheck.testing import Route, StandinWeb
from citecheck.verify import ArchiveOptions, verify
from tests.archive.standin_wayback import Archived, StandinWayback

POLICY = FetchPolicy(allowed_networks=("127.0.0.1/32",), connect_timeout=2, read_timeout=2)
ARTICLE = "<html><title>{0}</title><body><h1>{0}</h1><p>{1}</p></body></html>"

# A stand-in article; "{site}" is replaced by the loopback stand-in host's base URL.
WIKITEXT = (
    Path(__file__).parent.parent.parent
    / "fixtures" / "formats" / "wikitext" / "springfield-standin.wiki.template"
).read_text(encoding="utf-8")  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    routes = {
        "/flood": Route(status=404, body="<title>Not Found</title>"),
        "/levee": Route(status=410, body="<title>Gone</title>"),
        "/mayor": Route(body=ARTICLE.format("Mayor's statement", "The mayor said. " * 40)),
        "/budget": Route(status=404, body="<title>Not Found</title>"),
    }
    with StandinWeb({"site": routes}) as web:
        site = web.base("site")
        captures = [
            Archived(
                "20230410093000", f"{site}/flood", body=ARTICLE.format("Flood hits town", "x")
            ),
            Archived("20250101000000", f"{site}/flood", body=ARTICLE.format("Newer", "y")),
        ]
        with StandinWayback(captures) as wayback:
            path = tmp_path_factory.mktemp("wiki") / "Springfield.wiki"
            path.write_text(WIKITEXT.replace("{site}", site), encoding="utf-8")
            yield verify(
                path, policy=POLICY, archive=ArchiveOptions(wayback.base, min_interval=0.0)
            )


class TestWikipediaArticle:
    """{{cite web}} templates: verdicts, archived copies, fields to update."""

    def test_verdicts(self, report: Report) -> None:
        """Each template's URL gets its verdict."""
        verdicts = [r.verdict for r in report.documents[0].citations]
        assert verdicts == [Verdict.DEAD, Verdict.DEAD, Verdict.OK, Verdict.DEAD]

    def test_existing_archive_url_is_the_copy(self, report: Report) -> None:
        """A template's own archive-url is used as the archived copy, not looked up again."""
        levee = report.documents[0].citations[1].checks[0]
        assert levee.archive is not None
        assert levee.archive.url.startswith("https://web.archive.org/web/20230415000000/")
        assert levee.archive.source == "citation"

    def test_looked_up_copy(self, report: Report) -> None:
        """A dead URL without archive-url gets the snapshot nearest its access date."""
        flood = report.documents[0].citations[0].checks[0]
        assert flood.archive is not None and "/web/20230410093000/" in flood.archive.url

    def test_template_updates(self, report: Report) -> None:
        """The report offers archive-url, archive-date and url-status as the archive bot does."""
        updates = {update.label: dict(update.changes) for update in template_updates(report)}
        assert updates["1"]["url-status"] == "dead"
        assert "/web/20230410093000/" in updates["1"]["archive-url"]
        assert updates["1"]["archive-date"] == "10 April 2023"
        assert updates["2"] == {"url-status": "dead"}
        assert "3" not in updates and "4" not in updates
        rendered = render_template_updates(report)
        assert "archive-url" in rendered and "url-status" in rendered
