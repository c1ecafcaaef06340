"""The text report stands on its own: which source, what became of it, what to do (issue 15)."""

from __future__ import annotations

import datetime

import attrs
import pytest

from citecheck.model import (
    DEFAULT_FAIL_ON,
    ArchiveState,
    ArchiveStatus,
    Citation,
    CitationKind,
    CitationResult,
    Document,
    DocumentResult,
    Report,
    Verdict,
)
from citecheck.report.advice import next_step
from citecheck.report.markdown import render_markdown
from citecheck.report.text_report import render_report_text, render_text
from tests.report.samples import ARCHIVED, check, sample_report, with_content


def _blocks(text: str) -> list[list[str]]:
    """Each citation's lines: from a line indented by two spaces to the next such line."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            blocks.append([line])
        elif line.startswith("    ") and blocks:
            blocks[-1].append(line)
    return blocks


class TestStandalone:
    """Every citation says which source it is, its verdict, reason, replacement and next step."""

    def test_label_title_and_access_date(self) -> None:
        """A note's head line names it, its cited title and its access date."""
        text = render_report_text(sample_report())
        assert "  dead      note 2: “Source 2”, accessed 2023-04-14, line 21" in text.splitlines()

    def test_replacement_and_next_step(self) -> None:
        """A dead link with an archived copy offers it and says to cite it."""
        text = render_report_text(with_content(sample_report()))
        (block,) = [b for b in _blocks(text) if "note 2:" in b[0] and "line 21" in b[0]]
        joined = "\n".join(block)
        assert "The server answered 404 Not Found." in joined
        assert f"replacement (archived copy of 2023-04-14): {ARCHIVED}" in joined
        assert "next step: Cite the archived copy" in joined

    def test_moved_gives_its_target(self) -> None:
        """A moved source's replacement is where the redirect ends."""
        text = render_report_text(sample_report())
        (block,) = [b for b in _blocks(text) if "parenthetical" in b[0]]
        assert any("replacement (moved to): https://moved.example/new" in line for line in block)
        assert any("next step: Update the citation" in line for line in block)

    def test_worst_first(self) -> None:
        """Within a document, the worst verdict comes first; ok and no_url last."""
        text = render_report_text(sample_report())
        heads = [b[0].split()[0] for b in _blocks(text)]
        first_document = heads[:8]
        severities = [Verdict(head).severity for head in first_document]
        assert severities == sorted(severities, reverse=True)
        assert first_document[-2:] == ["ok", "no_url"]

    def test_counts_in_the_singular(self) -> None:
        """One citation reads "1 citation"."""
        cited = Citation(
            id="fn-1",
            label="1",
            kind=CitationKind.FOOTNOTE,
            text="x",
            title="Only source",
            urls=("https://a.example/",),
            accessed=datetime.date(2024, 1, 2),
        )
        result = CitationResult(cited, (check("https://a.example/", Verdict.OK),))
        report = Report((DocumentResult(Document("a.md", "", citations=(cited,)), (result,)),))
        text = render_report_text(report)
        assert text.startswith("citecheck: a.md: 1 citation: 1 ok\n")
        assert "a.md: 1 citation\n" in text
        assert "1 citations" not in text
        assert render_text([Document("a.md", "", citations=(cited,))]).startswith(
            "a.md: 1 citation\n"
        )
        assert "1 of 1 citation needs" not in render_markdown(report)

    def test_excluded_and_pending_shown(self) -> None:
        """The verdicts that are not findings show with their reason; pending gets a step."""
        cited = Citation(
            id="fn-1",
            label="1",
            kind=CitationKind.FOOTNOTE,
            text="x",
            urls=("https://a.example/", "https://b.example/"),
        )
        result = CitationResult(
            cited,
            (
                check("https://a.example/", Verdict.EXCLUDED, "Excluded by --exclude 'a'."),
                check("https://b.example/", Verdict.PENDING, "Not checked yet."),
            ),
        )
        report = Report(
            (DocumentResult(Document("a.md", "", citations=(cited,)), (result,)),),
            incomplete=True,
            pending=("https://b.example/",),
        )
        text = render_report_text(report)
        assert "excluded  https://a.example/" in text and "Excluded by --exclude 'a'." in text
        assert "pending   https://b.example/" in text
        assert "next step: Run again with --resume" in text
        assert "incomplete: the run stopped with 1 URL not checked" in text
        markdown = render_markdown(report)
        assert "**pending**" in markdown and "Excluded by --exclude 'a'." in markdown
        assert "**Incomplete:**" in markdown


class TestNextStep:
    """One next step per verdict, saying why there is no replacement when there is none."""

    @pytest.mark.parametrize(
        ("verdict", "state", "expected"),
        [
            (Verdict.DEAD, ArchiveState.NONE, "no archive has a copy"),
            (Verdict.DEAD, ArchiveState.UNREACHABLE, "a later run may find a copy"),
            (Verdict.SOFT_404, ArchiveState.NOT_REQUESTED, "no archive was asked"),
            (Verdict.BLOCKED, None, "--accept its status"),
            (Verdict.ERROR, None, "Check again later"),
            (Verdict.INACCURATE, None, "Correct the citation's title or quote"),
            (Verdict.PENDING, None, "--resume"),
            (Verdict.OK, None, ""),
            (Verdict.EXCLUDED, None, ""),
        ],
    )
    def test_table(self, verdict: Verdict, state: ArchiveState | None, expected: str) -> None:
        """The step names what to do; the empty step means nothing needs doing."""
        found = check("https://a.example/", verdict)
        if state is not None:
            found = attrs.evolve(found, archive_status=ArchiveStatus(state, "why"))
        step = next_step(found)
        assert expected in step if expected else step == ""

    def test_ibid_names_its_note(self) -> None:
        """A back-reference without a title says which note it repeats."""
        first = Citation(
            id="fn-3", label="3", kind=CitationKind.FOOTNOTE, text="x", title="T", urls=("u",)
        )
        again = Citation(
            id="fn-4", label="4", kind=CitationKind.FOOTNOTE, text="Ibid.", urls=("u",),
            ibid_of="fn-3",
        )  # fmt: skip
        document = Document("a.md", "", citations=(first, again))
        results = tuple(
            CitationResult(c, (check("https://a.example/", Verdict.OK),)) for c in (first, again)
        )
        report = Report((DocumentResult(document, results),))
        assert "  ok        note 4: ibid. (note 3)" in render_report_text(report)
        assert "ibid. (note 3)" in render_markdown(report)


class TestNewVerdictsInCiFormats:
    """excluded and pending in JUnit, SARIF and the HTML page."""

    def _report(self) -> Report:
        cited = Citation(
            id="fn-1",
            label="1",
            kind=CitationKind.FOOTNOTE,
            text="x",
            urls=("https://a.example/", "https://b.example/"),
            line=3,
        )
        result = CitationResult(
            cited,
            (
                check("https://a.example/", Verdict.EXCLUDED, "Excluded by --exclude 'a'."),
                check("https://b.example/", Verdict.PENDING, "Not checked yet."),
            ),
        )
        return Report((DocumentResult(Document("a.md", "", citations=(cited,)), (result,)),))

    def test_junit_skips_both(self) -> None:
        """Neither tested anything: both are skipped, with their reason."""
        from citecheck.report.junit import render_junit

        xml = render_junit(self._report(), DEFAULT_FAIL_ON)
        assert xml.count("<skipped") == 2
        assert "message=\"Excluded by --exclude 'a'.\"" in xml

    def test_sarif_warns_on_pending_only(self) -> None:
        """SARIF leaves the excluded URL out and warns about the pending one."""
        import json

        from citecheck.report.sarif import render_sarif

        results = json.loads(render_sarif(self._report(), DEFAULT_FAIL_ON))["runs"][0]["results"]
        assert [(r["ruleId"], r["level"]) for r in results] == [("pending", "warning")]

    def test_html_shows_both(self) -> None:
        """The HTML page names both verdicts."""
        from citecheck.report.html import render_html

        page = render_html(self._report())
        assert "excluded" in page and "pending" in page
