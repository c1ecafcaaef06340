"""Render a report as GitHub Actions workflow commands (annotations).

Printed to stdout by a step, ``::error file=article.md,line=21,title=…::…``
puts the message on that line of the pull request's diff. The levels are the
SARIF ones (see :mod:`citecheck.report.sarif`): ``error`` for ``--fail-on``
verdicts, ``warning`` for inconclusive ones, ``notice`` for the rest.

Escaping follows the Actions toolkit's ``escapeData``/``escapeProperty``: the
message escapes ``%``, CR and LF; a property also ``:`` and ``,``, which would
otherwise end it. A footnote is untrusted text, and a raw newline in it would
start a new workflow command of its own.
"""

from __future__ import annotations

from collections.abc import Collection

from citecheck.model import CitationKind, Report, Verdict
from citecheck.report.sarif import NO_URL_REASON, findings, message_for, printable

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``file``, ``title``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github_annotations(
    report: Report, fail_on: Collection[Verdict], *, confirm_dead: int = 1
) -> str:
    """One ``::error``/``::warning``/``::notice`` line per check that needs attention.

    Empty when nothing does. ``file`` is the document's source as given, which
    GitHub resolves against the repository root, so pass repository-relative paths.
    """
    lines = []
    for document, citation, check, verdict, level in findings(report, fail_on, confirm_dead):
        properties = [f"file={escape_property(document.document.source)}"]
        if citation.line is not None and citation.line >= 1:
            properties.append(f"line={citation.line}")
        if citation.kind is CitationKind.FOOTNOTE:
            title = f"citecheck: {verdict.value} (note {citation.label})"
        else:
            title = f"citecheck: {verdict.value} ({citation.kind.value} citation)"
        properties.append(f"title={escape_property(title)}")
        message = message_for(check) if check is not None else NO_URL_REASON
        lines.append(f"::{_COMMANDS[level]} {','.join(properties)}::{escape_data(message)}")
    return "".join(line + "\n" for line in lines)
