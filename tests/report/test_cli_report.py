"""`citecheck report` at the command line: rendering succeeds, gating is asked for.

A CI script renders a saved report in several formats and then exits with
verify's own code (docs/ci.md); a renderer that exited 1 on a dead source
stopped that script before its later reports were written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.cli import main
from citecheck.model import Verdict
from citecheck.report import REPORT_FORMATS, render_report
from tests.report.samples import FAIL_ON, sample_report


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A saved JSON report with a dead source in it."""
    report = sample_report()
    verdicts = {r.verdict for d in report.documents for r in d.citations}
    assert Verdict.DEAD in verdicts
    path = tmp_path / "report.json"
    path.write_text(render_report(report, "json", FAIL_ON), encoding="utf-8")
    return path


class TestReportExitCode:
    """0 once the report is written; 1 only when --fail-on is given and met."""

    @pytest.mark.parametrize("format_name", REPORT_FORMATS)
    def test_rendering_a_failing_report_exits_0(
        self, saved: Path, tmp_path: Path, format_name: str
    ) -> None:
        """Every format of a report with a dead source is written, and the exit code is 0."""
        target = tmp_path / f"out.{format_name}"
        assert main(["report", str(saved), "--format", format_name, "-o", str(target)]) == 0
        assert target.stat().st_size > 0 or format_name in {"github", "wikitext-fixes"}

    def test_fail_on_gates_like_verify(self, saved: Path, tmp_path: Path) -> None:
        """--fail-on dead makes a dead source exit 1, after the report was written."""
        target = tmp_path / "junit.xml"
        args = ["report", str(saved), "--format", "junit", "-o", str(target)]
        assert main([*args, "--fail-on", "dead"]) == 1
        assert "<failure" in target.read_text(encoding="utf-8")

    def test_fail_on_without_a_match_exits_0(self, saved: Path, tmp_path: Path) -> None:
        """--fail-on naming verdicts the report does not hold exits 0."""
        target = tmp_path / "report.md"
        args = ["report", str(saved), "--format", "markdown", "-o", str(target)]
        assert main([*args, "--fail-on", "inaccurate"]) == 0

    def test_empty_fail_on_never_fails(self, saved: Path, tmp_path: Path) -> None:
        """--fail-on '' gates on nothing: exit 0, and the JUnit report has no failure."""
        target = tmp_path / "junit.xml"
        assert (
            main(["report", str(saved), "--format", "junit", "-o", str(target), "--fail-on", ""])
            == 0
        )
        assert "<failure" not in target.read_text(encoding="utf-8")

    def test_unreadable_report_is_still_an_error(self, tmp_path: Path) -> None:
        """A missing report exits 2: only rendering became lenient, not input errors."""
        assert main(["report", str(tmp_path / "missing.json"), "--format", "html"]) == 2


class TestReportOutputChecked:
    """An -o that cannot be written is refused in one line naming it, before the report is read."""

    def test_missing_folder(
        self, saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "not" / "there" / "report.html"
        assert main(["report", str(saved), "--format", "html", "-o", str(target)]) == 2
        error = capsys.readouterr().err.strip()
        assert str(target.parent) in error and error.count("\n") == 0
        assert not target.parent.exists()

    def test_checked_before_the_report_is_read(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With both wrong, the output is named: nothing was loaded to render."""
        target = tmp_path / "nowhere" / "report.html"
        missing = tmp_path / "missing.json"
        assert main(["report", str(missing), "--format", "html", "-o", str(target)]) == 2
        error = capsys.readouterr().err
        assert str(target.parent) in error and str(missing) not in error
