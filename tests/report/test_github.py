"""render_github_annotations: ::error/::warning/::notice workflow commands, escaped."""

from __future__ import annotations

import re

import pytest

from citecheck.model import Report, Verdict
from citecheck.report.github import escape_data, escape_property, render_github_annotations
from citecheck.verify import failing_verdicts
from tests.report.samples import FAIL_ON

COMMAND = re.compile(r"::(error|warning|notice)(?: ([^:]*))?::(.*)")


def _unescape(text: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def _commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Each line as (command, properties, message), unescaped as the runner does."""
    commands = []
    for line in text.splitlines():
        match = COMMAND.fullmatch(line)
        assert match, line
        properties = dict(
            (key, _unescape(value))
            for key, value in (item.split("=", 1) for item in (match.group(2) or "").split(","))
        )
        commands.append((match.group(1), properties, _unescape(match.group(3))))
    return commands


class TestEscaping:
    """The Actions toolkit's escapeData and escapeProperty."""

    @pytest.mark.parametrize(
        ("text", "data", "prop"),
        [
            ("plain", "plain", "plain"),
            ("100%", "100%25", "100%25"),
            ("a\nb", "a%0Ab", "a%0Ab"),
            ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
            ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
            ("%0A", "%250A", "%250A"),  # an escape sequence in the text stays literal
            ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
            ("\x1b[31m", "\ufffd[31m", "\ufffd[31m"),
        ],
    )
    def test_table(self, text: str, data: str, prop: str) -> None:
        """Messages escape %, CR and LF; properties also : and ,."""
        assert escape_data(text) == data
        assert escape_property(text) == prop
        assert _unescape(data) == text.replace("\x1b", "\ufffd")


class TestAnnotations:
    """The annotations of a report."""

    def test_lines(self, sample: Report) -> None:
        """Each problem is one well-formed command line at the document and line."""
        commands = _commands(render_github_annotations(sample, FAIL_ON))
        assert [(c, p.get("line")) for c, p, _ in commands] == [
            ("error", "21"),
            ("error", "22"),
            ("warning", "23"),
            ("error", "23"),
            ("notice", None),
            ("error", "9"),
            ("warning", "27"),
            ("error", "6"),
            ("notice", "7"),
        ]
        assert {p["file"] for _, p, _ in commands} == {"docs/article one.md", "b.txt"}
        _, properties, message = commands[0]
        assert properties["title"] == "citecheck: dead (note 2)"
        assert message == "The server answered 404 Not Found. (https://example.org/gone)"

    def test_hostile_reason_stays_one_command(self, sample: Report) -> None:
        """A reason with a newline and a % cannot start a second workflow command."""
        text = render_github_annotations(sample, FAIL_ON)
        soft = next(line for line in text.splitlines() if "note 3" in _unescape(line))
        assert soft.endswith("second line 50%25 (https://example.org/x|y)z)")
        assert all(line.startswith("::") for line in text.splitlines())

    def test_property_with_comma_and_colon(self, sample: Report) -> None:
        """A title or file containing , or : is escaped and reads back whole."""
        commands = _commands(render_github_annotations(sample, FAIL_ON))
        inline = next(p for c, p, _ in commands if p.get("line") == "9")
        assert inline["title"] == "citecheck: unsafe (inline citation)"
        assert "title=citecheck%3A unsafe (inline citation)" in render_github_annotations(
            sample, FAIL_ON
        )

    def test_nothing_to_say(self, sample: Report) -> None:
        """With every verdict ok there are no lines at all."""
        assert render_github_annotations(Report(), FAIL_ON) == ""

    def test_errors_match_exit_code(self, standin_report: Report) -> None:
        """On the stand-in article, ::error lines equal what the exit code counts."""
        for confirm_dead in (1, 2):
            text = render_github_annotations(standin_report, FAIL_ON, confirm_dead=confirm_dead)
            errors = [c for c, _, _ in _commands(text) if c == "error"]
            assert len(errors) == failing_verdicts(standin_report, FAIL_ON, confirm_dead)

    def test_no_url_failing(self, sample: Report) -> None:
        """no_url in --fail-on annotates the URL-less citation as an error."""
        commands = _commands(render_github_annotations(sample, (Verdict.NO_URL,)))
        errors = [(p["line"], m) for c, p, m in commands if c == "error"]
        assert errors == [("24", "The citation has no URL to check.")]
