"""Every renderer stays linear on megabyte-sized hostile text."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from citecheck.model import (
    Check,
    Citation,
    CitationKind,
    CitationResult,
    Document,
    DocumentResult,
    HttpEvidence,
    Redirect,
    Report,
    Verdict,
)
from citecheck.report.github import render_github_annotations
from citecheck.report.html import render_html
from citecheck.report.json_report import report_to_dict
from citecheck.report.junit import render_junit
from citecheck.report.load import report_from_dict
from citecheck.report.markdown import render_markdown
from citecheck.report.sarif import render_sarif
from tests.report.samples import FAIL_ON

MEGABYTE = 1_000_000

RENDERERS: dict[str, Callable[[Report], str]] = {
    "markdown": render_markdown,
    "html": render_html,
    "junit": lambda report: render_junit(report, FAIL_ON),
    "sarif": lambda report: render_sarif(report, FAIL_ON),
    "github": lambda report: render_github_annotations(report, FAIL_ON),
}

PATTERNS = {
    "brackets": "[" * MEGABYTE,
    "markup": "<a>|&%\n@x#1$`*_\\" * (MEGABYTE // 16),
    "controls": "".join(chr(code) for code in range(32)) * (MEGABYTE // 32),
    "url-like": "http://a.example/" + "x/" * (MEGABYTE // 2),
}


def _report(text: str) -> Report:
    url = "https://example.org/" + text[:MEGABYTE]
    citation = Citation(
        id="fn-1", label=text[:1000], kind=CitationKind.FOOTNOTE, text=text, urls=(url,), line=1
    )
    check = Check(
        url=url,
        verdict=Verdict.DEAD,
        reason=text,
        http=HttpEvidence(
            status=404,
            final_url=url,
            redirects=tuple(Redirect(url=url, status=301) for _ in range(3)),
        ),
        dead_checks=1,
    )
    return Report(
        documents=(
            DocumentResult(
                document=Document(source=text[:1000], text="", citations=(citation,)),
                citations=(CitationResult(citation=citation, checks=(check,)),),
            ),
        )
    )


class TestMegabyteInput:
    """1 MB of brackets, markup, control characters and URL-like runs."""

    @pytest.mark.parametrize("renderer", sorted(RENDERERS))
    @pytest.mark.parametrize("pattern", sorted(PATTERNS))
    def test_renders_quickly(self, renderer: str, pattern: str) -> None:
        """The renderer finishes in seconds and its output stays proportional to the input."""
        report = _report(PATTERNS[pattern])
        started = time.monotonic()
        output = RENDERERS[renderer](report)
        assert time.monotonic() - started < 5
        assert len(output) < 60 * MEGABYTE
        output.encode("utf-8")
        if renderer == "junit":
            ET.fromstring(output)
        elif renderer == "sarif":
            json.loads(output)

    @pytest.mark.parametrize("pattern", sorted(PATTERNS))
    def test_loads_quickly(self, pattern: str) -> None:
        """A saved report holding the megabyte text loads back in seconds."""
        data = json.loads(json.dumps(report_to_dict(_report(PATTERNS[pattern]))))
        started = time.monotonic()
        report_from_dict(data)
        assert time.monotonic() - started < 5
