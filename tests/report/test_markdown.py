"""render_markdown: a pull-request comment with counts, problems first and ok rows folded."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citecheck.model import (
    Citation,
    CitationKind,
    CitationResult,
    Document,
    DocumentResult,
    Report,
    Verdict,
)
from citecheck.report.markdown import escape_cell, link, render_markdown
from tests.report.samples import ARCHIVED, expected_counts, with_content


def _cells(row: str) -> list[str]:
    """Split a GFM table row at its unescaped pipes, as GitHub does."""
    cells, current, escaped = [], "", False
    for char in row:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    cells.append(current)
    return [cell.strip() for cell in cells[1:-1]]


def _tables(text: str) -> list[list[list[str]]]:
    """Every table of the text, as rows of cells (header and delimiter rows dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            current.append(_cells(line))
        else:
            current = None
    return [table[2:] for table in tables]


def _named(text: str) -> list[list[dict[str, str]]]:
    """Every table of the text, as rows keyed by the header's column names."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            current.append(_cells(line))
        else:
            current = None
    return [[dict(zip(table[0], row, strict=True)) for row in table[2:]] for table in tables]


class TestEscapeCell:
    """escape_cell: untrusted text as the literal content of one table cell."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("a|b", "a\\|b"),  # a pipe would end the cell
            ("line\nnext", "line next"),  # a row is one line
            ("crlf\r\nend", "crlf  end"),
            ("tab\there", "tab here"),
            ("<script>", "\\<script\\>"),  # raw HTML
            ("a\\b", "a\\\\b"),
            ("*bold* _it_", "\\*bold\\* \\_it\\_"),
            ("`code`", "\\`code\\`"),
            ("[x](javascript:y)", "\\[x\\](javascript:y)"),
            ("![img](x)", "\\!\\[img\\](x)"),
            ("&amp;", "\\&amp;"),  # an entity would be decoded
            ("~~gone~~", "\\~\\~gone\\~\\~"),
            ("$x^2$", "\\$x^2\\$"),  # GitHub renders maths
            ("@octocat said", "@\u200boctocat said"),  # no notification
            ("see #12", "see #\u200b12"),  # no issue link
            ("mail user@example.com", "mail user@example.com"),  # not a mention
            ("C#", "C#"),
            ("\x1b[31m", "\ufffd\\[31m"),  # terminal escapes
            ("bell\x07", "bell\ufffd"),
            ("\ud800x", "?x"),  # a lone surrogate cannot be written as UTF-8
            ("Date of Accession: 14.04.2023", "Date of Accession: 14.04.2023"),
            ("“Газ” – 天然气", "“Газ” – 天然气"),
        ],
    )
    def test_table(self, text: str, expected: str) -> None:
        """Each character that means something in a GFM cell is neutralised, the rest kept."""
        assert escape_cell(text) == expected

    @given(st.text())
    def test_one_cell_always(self, text: str) -> None:
        """Whatever the text, it stays one cell of one line."""
        escaped = escape_cell(text)
        assert "\n" not in escaped and "\r" not in escaped
        assert _cells(f"| {escaped} | next |") == [escaped, "next"]


class TestLink:
    """link: web addresses as links, anything else as text."""

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("https://example.org/a", "[https://example.org/a](<https://example.org/a>)"),
            (
                "https://example.org/a b|c(d)<e>",
                "[https://example.org/a b\\|c(d)\\<e\\>]"
                "(<https://example.org/a%20b%7Cc%28d%29%3Ce%3E>)",
            ),
            ("javascript:alert(1)", "javascript:alert(1)"),
            ("file:///home/a.docx", "file:///home/a.docx"),
            ("ftp://ftp.example/x", "ftp://ftp.example/x"),
        ],
    )
    def test_table(self, url: str, expected: str) -> None:
        """Only http(s) addresses become links, with a destination that cannot break out."""
        assert link(url, url) == expected


class TestSampleReport:
    """The hand-built report."""

    def test_summary_counts(self, sample: Report) -> None:
        """The summary table gives each non-zero verdict's count and the total."""
        summary = _tables(render_markdown(sample))[0]
        counts = expected_counts(sample)
        rows = {cells[0]: cells[1] for cells in summary}
        assert rows.pop("**total**") == f"**{sum(counts.values())}**"
        assert rows == {v.value: str(n) for v, n in counts.items() if n}

    def test_one_row_per_citation(self, sample: Report) -> None:
        """Every citation has exactly one row, whatever its number of URLs."""
        tables = _tables(render_markdown(sample))[1:]
        rows = [row for table in tables for row in table]
        assert len(rows) == sum(len(d.citations) for d in sample.documents)
        columns = [list(table[0]) for table in _named(render_markdown(sample))[1:3]]
        # Several documents; the sample's citations give titles; no replacement link in the
        # folded ok rows, and no next step there either.
        assert columns == [
            ["Document", "Note", "Cited", "Verdict", "Reason", "URL", "Replacement", "Next step"],
            ["Document", "Note", "Cited", "Verdict", "Reason", "URL"],
        ]

    def test_problems_first_worst_first(self, sample: Report) -> None:
        """Problems come first, worst verdict first; ok and no_url are folded below."""
        text = render_markdown(sample)
        # The verdict tables; the claim-support tables follow them.
        problems, quiet = _tables(text)[1:3]
        problems, quiet = _named(text)[1:3]
        severities = [Verdict(row["Verdict"].strip("*")).severity for row in problems]
        assert severities == sorted(severities, reverse=True)
        assert {row["Verdict"] for row in quiet} == {"ok", "no_url"}
        before, folded = text.split("<details>")
        attention = before.split("### Needs attention")[1]
        assert "| ok |" not in attention and "| no_url |" not in attention
        assert folded.count("| ok |") == 2 and folded.count("| no_url |") == 1
        assert folded.rstrip().endswith("</details>")

    def test_document_column(self, sample: Report) -> None:
        """With several documents each row names its document."""
        problems = _named(render_markdown(sample))[1]
        assert {row["Document"] for row in problems} == {"docs/article one.md", "b.txt"}

    def test_several_urls_in_one_row(self, sample: Report) -> None:
        """A citation with two URLs lists both, each with its own verdict and reason."""
        problems = _named(render_markdown(sample))[1]
        (row,) = [row for row in problems if row["Note"] == "4 (line 23)"]
        assert row["Verdict"] == "**dead**"
        assert row["Reason"].count("<br>") == 1 and row["Reason"].startswith("blocked: ")
        assert "https://one.example/p" in row["URL"] and "https://two.example/q" in row["URL"]
        # One next step per distinct verdict of the row's URLs.
        assert row["Next step"].count("<br>") == 1

    def test_hostile_reason_escaped(self, sample: Report) -> None:
        """A reason with HTML, a pipe and a newline stays inside its cell, shown literally."""
        text = render_markdown(sample)
        assert "<b>" not in text and "\\<b\\>not\\</b\\> found \\| Site" in text
        assert "second line 50%" in text

    def test_non_web_urls_not_linked(self, sample: Report) -> None:
        """A javascript: address is shown as text, never as a link."""
        text = render_markdown(sample)
        assert "javascript:alert(1)" in text
        assert "](<javascript" not in text

    def test_parenthetical_label(self, sample: Report) -> None:
        """A parenthetical citation says so in its Note cell."""
        rows = [row for table in _named(render_markdown(sample))[1:3] for row in table]
        notes = {row["Note"] for row in rows}
        assert "parenthetical: Radio Free Europe/Radio Liberty, November 29" in notes

    def test_archive_column(self, sample: Report) -> None:
        """When a check carries an archived copy, the Replacement column links it, dated, and
        the next step says to cite it."""
        text = render_markdown(with_content(sample))
        archived = ARCHIVED
        problems = _named(text)[1]
        (row,) = [row for row in problems if "https://example.org/gone" in row["URL"]]
        assert row["Replacement"] == f"[archived 2023-04-14](<{archived}>)"
        assert row["Next step"].startswith("Cite the archived copy")


class TestStandinArticle:
    """The stand-in article's real report."""

    def test_rows_and_counts(self, standin_report: Report) -> None:
        """28 rows in all, 20 that need attention, and a single document named once."""
        text = render_markdown(standin_report)
        # The verdict tables; the claim-support tables follow them.
        problems, quiet = _tables(text)[1:3]
        counts = expected_counts(standin_report)
        assert len(problems) + len(quiet) == 28
        assert len(quiet) == counts[Verdict.OK] + counts[Verdict.NO_URL]
        assert text.startswith(f"## citecheck: {len(problems)} of 28 citations need attention")
        # No Document column for one document.
        assert "Document" not in _named(text)[1][0]

    def test_fits_a_comment(self, standin_report: Report) -> None:
        """The comment stays far below GitHub's 65,536-character limit."""
        assert len(render_markdown(standin_report)) < 20_000


class TestEdgeCases:
    """Reports with nothing to show."""

    def test_empty_report(self) -> None:
        """A report without documents renders a heading and no tables."""
        text = render_markdown(Report())
        assert text == "## citecheck: no problems in 0 citations\n\n0 documents.\n"

    def test_all_ok(self) -> None:
        """A report without problems has no problem table, only the folded rows."""
        cited = Citation(id="fn-1", label="1", kind=CitationKind.FOOTNOTE, text="A book.")
        report = Report(
            documents=(
                DocumentResult(
                    document=Document(source="a.md", text="", citations=(cited,)),
                    citations=(CitationResult(citation=cited),),
                ),
            )
        )
        text = render_markdown(report)
        assert "Needs attention" not in text
        assert "<summary>1 without a URL</summary>" in text
        assert re.search(r"^\| 1 \| no_url \|", text, re.MULTILINE)
