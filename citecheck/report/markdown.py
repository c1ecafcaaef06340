"""Render a report as GitHub-flavoured Markdown, sized for a pull-request comment.

A reviewer reads the comment to decide what to fix, so the citations that need
attention come first, worst verdict first, and the ``ok`` ones are folded into
a ``<details>`` block. Every cell is escaped: a footnote is untrusted text, and
in a table one stray ``|`` shifts every column after it, a ``<`` opens raw
HTML, ``$`` starts GitHub's maths and ``@name`` notifies a stranger.
"""

from __future__ import annotations

import datetime
import urllib.parse
from collections.abc import Iterable

from citecheck.model import (
    Check,
    CitationKind,
    CitationResult,
    ClaimSupport,
    DocumentResult,
    PageSupport,
    Report,
    SupportVerdict,
    Verdict,
)
from citecheck.report.advice import next_step, repeats, replacement
from citecheck.report.marks import marked_pieces
from citecheck.wording import plural

_QUIET = frozenset({Verdict.OK, Verdict.NO_URL, Verdict.EXCLUDED})
"""Verdicts that need no action, folded away below the problems."""

# C0 controls (but tab and newline), DEL and the XML/Unicode non-characters turn
# into U+FFFD: an ESC in a footnote must not reach a terminal or a CI log raw.
_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF], "\ufffd"
)

# Backslash-escapable ASCII punctuation that means something inside a table cell:
# emphasis, code, links, raw HTML, cell borders, strikethrough, entities, maths.
_ESCAPED = frozenset("\\`*_[]<>|~&!$")

_COLUMNS = ("Document", "Note", "Cited", "Verdict", "Reason", "URL", "Replacement", "Next step")
"""Every column; Document only with several documents, Cited only when a citation gives a title
or an access date, Replacement and Next step only when a row has one."""


def _printable(text: str) -> str:
    # Lone surrogates (JSON allows "\ud800") would make writing the file fail.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text.translate(_CONTROLS)


def escape_cell(text: str) -> str:
    """``text`` as the inline content of one GFM table cell, shown literally.

    Newlines become spaces (a row is one line); ``@`` and ``#`` before a word
    get a zero-width space so a footnote quoting ``@jamestown`` or ``#42`` neither
    pings a GitHub user nor links an issue.
    """
    out: list[str] = []
    previous = " "
    for char in _printable(text):
        if char in "\r\n\t":
            char = " "
        if char in _ESCAPED:
            out.append("\\" + char)
        elif char in "@#" and not previous.isalnum():
            out.append(char + "\u200b")
        else:
            out.append(char)
        previous = char
    return "".join(out).strip()


def _escape_link_text(text: str) -> str:
    # Link text is never scanned for mentions, so only the punctuation is escaped.
    return "".join("\\" + char if char in _ESCAPED else char for char in _printable(text))


def _destination(url: str) -> str:
    # Percent-encoding keeps the address the same for a browser while removing the
    # characters that would end the link or the cell: ( ) < > | spaces and quotes.
    return urllib.parse.quote(_printable(url), safe="/:?#@!$&*+,;=%~")


def _is_web(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme.lower() in ("http", "https")


def link(text: str, url: str) -> str:
    """A Markdown link, or the escaped text alone for a non-web address.

    A footnote's ``javascript:`` or ``file:`` address is shown, never linked.
    """
    if not _is_web(url):
        return escape_cell(text)
    return f"[{_escape_link_text(text)}](<{_destination(url)}>)"


def _replacement_text(check: Check) -> str:
    """The link to cite instead, else what became of the archive lookup and why."""
    if check.archive is not None:
        # Dated like Wikipedia's "Archived from the original on 14 April 2023".
        return link(f"archived {check.archive.timestamp:%Y-%m-%d}", check.archive.url)
    found = replacement(check)
    if found is not None:
        return link(found[1], found[1])
    status = check.archive_status
    if status is None:
        return ""
    return f"{status.state.value}: {escape_cell(status.reason)}"


def _replacement_cell(checks: Iterable[Check]) -> str:
    return "<br>".join(text for text in map(_replacement_text, checks) if text)


def _step_cell(checks: Iterable[Check]) -> str:
    return "<br>".join(escape_cell(step) for step in dict.fromkeys(map(next_step, checks)) if step)


def _cited(result: CitationResult, document: DocumentResult) -> str:
    """The cited title and access date, so a reader can tell which source a row is."""
    citation = result.citation
    parts = []
    if citation.title:
        parts.append(f"“{escape_cell(citation.title)}”")
    again = repeats(citation, document.document)
    if again is not None:
        parts.append(f"ibid. ({escape_cell(again)})")
    if citation.accessed:
        parts.append(f"accessed {citation.accessed.isoformat()}")
    return ", ".join(parts)


def _note(result: CitationResult) -> str:
    citation = result.citation
    note = citation.label
    if citation.kind is not CitationKind.FOOTNOTE:
        note = f"{citation.kind.value}: {citation.label}"
    if citation.line is not None:
        note += f" (line {citation.line})"
    return note


def _marked(text: str, marks: Iterable[tuple[int, int]]) -> str:
    """A cell's text with the marked ranges in bold, every piece escaped on its own."""
    out = []
    for piece, marked in marked_pieces(text, marks):
        escaped = escape_cell(piece)
        if not escaped:
            out.append(" " if piece else "")
            continue
        lead = " " if piece[:1].isspace() else ""
        tail = " " if piece[-1:].isspace() else ""
        out.append(f"{lead}**{escaped}**{tail}" if marked else f"{lead}{escaped}{tail}")
    return " ".join("".join(out).split())


def _support_text(support: PageSupport) -> str:
    return f"{support.verdict.value} {support.score:.2f}"


MAX_SUPPORT_ROWS = 25
"""Claims shown in each of the comment's claim-support tables (doubtful, supported): a long
article's hundreds of claims would pass GitHub's 65,536-character limit; the HTML and JSON
reports have them all."""
MAX_SUPPORT_CHARS = 240
"""A claim or evidence sentence is cut to this in a table cell."""


def _cut(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    """``text`` cut to :data:`MAX_SUPPORT_CHARS` (marks past the cut fall away), then marked."""
    if len(text) <= MAX_SUPPORT_CHARS:
        return _marked(text, marks)
    return _marked(text[: MAX_SUPPORT_CHARS - 1], marks) + "…"


def _support_row(result: CitationResult, item: ClaimSupport) -> str:
    live = item.live
    support = _support_text(live) if live is not None else ""
    if item.snapshot is not None:
        support += f"<br>then: {_support_text(item.snapshot)}"
    evidence = ""
    if live is not None and live.evidence:
        best = live.evidence[0]
        evidence = _cut(best.text, best.marks)
    if live is not None and live.missing:
        evidence += f"<br>not on the page: {escape_cell(', '.join(live.missing))}"
    cells = (
        escape_cell(_note(result)),
        _cut(item.claim, item.claim_marks),
        f"**{support}**" if item.lost else support,
        evidence,
    )
    return "| " + " | ".join(cells) + " |"


def _doubt(item: ClaimSupport) -> int:
    """How much a claim needs a look: 3 support lost since the access date, 2 unsupported,
    1 partial, 0 supported."""
    if item.lost:
        return 3
    if item.live is None:
        return 0
    return {SupportVerdict.UNSUPPORTED: 2, SupportVerdict.PARTIAL: 1}.get(item.live.verdict, 0)


def _capped(rows: list[str]) -> list[str]:
    if len(rows) <= MAX_SUPPORT_ROWS:
        return rows
    rest = len(rows) - MAX_SUPPORT_ROWS
    return [
        *rows[:MAX_SUPPORT_ROWS],
        "",
        f"… and {plural(rest, 'more claim')}: the HTML and JSON reports list every one.",
    ]


def _support_section(report: Report) -> list[str]:
    """Claims beside the best evidence the page gives, the doubtful first; the supported ones
    folded."""
    rows: list[tuple[int, str]] = []
    for document in report.documents:
        for result in document.citations:
            for check in result.checks:
                for item in check.support:
                    rows.append((_doubt(item), _support_row(result, item)))
    if not rows:
        return []
    head = ["| Note | Claim | Support | Best evidence on the page |", "|---|---|---|---|"]
    lines = ["### Claim support", ""]
    # Most doubtful first; a stable sort keeps the article's order within each kind.
    doubtful = [row for doubt, row in sorted(rows, key=lambda pair: -pair[0]) if doubt]
    supported = [row for doubt, row in rows if not doubt]
    if doubtful:
        lines += [*head, *_capped(doubtful), ""]
    if supported:
        lines += ["<details>", f"<summary>{plural(len(supported), 'claim')} supported</summary>"]
        lines += ["", *head, *_capped(supported), "", "</details>", ""]
    return lines


def _row(document: DocumentResult, result: CitationResult, columns: tuple[str, ...]) -> str:
    note = _note(result)
    checks = result.checks
    if checks:
        several = len(checks) > 1
        reasons = "<br>".join(
            (f"{check.verdict.value}: " if several else "") + escape_cell(check.reason)
            for check in checks
        )
        urls = "<br>".join(link(check.url, check.url) for check in checks)
    else:
        reasons = "The citation has no URL to check."
        urls = ""
    verdict = result.verdict.value
    cells = {
        "Document": escape_cell(document.document.source),
        "Note": escape_cell(note),
        "Cited": _cited(result, document),
        "Verdict": verdict if result.verdict in _QUIET else f"**{verdict}**",
        "Reason": reasons,
        "URL": urls,
        "Replacement": _replacement_cell(checks),
        "Next step": _step_cell(checks),
    }
    return "| " + " | ".join(cells[column] for column in columns) + " |"


def _table(pairs: list[tuple[DocumentResult, CitationResult]], several: bool) -> list[str]:
    """One row per citation, with the columns some row of this table fills."""
    results = [result for _, result in pairs]
    shown = {
        "Document": several,
        "Cited": any(_cited(result, document) for document, result in pairs),
        "Replacement": any(_replacement_cell(result.checks) for result in results),
        "Next step": any(_step_cell(result.checks) for result in results),
    }
    columns = tuple(column for column in _COLUMNS if shown.get(column, True))
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
        *(_row(document, result, columns) for document, result in pairs),
    ]


def _when(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return f", checked {value:%Y-%m-%d %H:%M} UTC"


def render_markdown(report: Report) -> str:
    """The report as a Markdown comment: counts, then problems, then folded ``ok`` rows."""
    counts = report.summary()
    total = sum(counts.values())
    problems = [
        (document, result)
        for document in report.documents
        for result in document.citations
        if result.verdict not in _QUIET
    ]
    quiet = [
        (document, result)
        for document in report.documents
        for result in document.citations
        if result.verdict in _QUIET
    ]
    # Worst first; a stable sort keeps document order within a verdict.
    problems.sort(key=lambda pair: -pair[1].verdict.severity)
    quiet.sort(key=lambda pair: -pair[1].verdict.severity)

    heading = (
        f"## citecheck: {len(problems)} of {plural(total, 'citation')} "
        f"{'needs' if len(problems) == 1 else 'need'} attention"
        if problems
        else f"## citecheck: no problems in {plural(total, 'citation')}"
    )
    several = len(report.documents) > 1
    if len(report.documents) == 1:
        about = escape_cell(report.documents[0].document.source)
    else:
        about = plural(len(report.documents), "document")
    lines = [heading, "", f"{about}{_when(report.generated_at)}.", ""]
    if report.incomplete:
        lines += [
            f"**Incomplete:** the run stopped with {plural(len(report.pending), 'URL')} not "
            "checked (`pending`); `citecheck verify --resume` with the JSON report finishes it.",
            "",
        ]
    if total:
        lines += ["| Verdict | Citations |", "|---|---:|"]
        for verdict in sorted(Verdict, key=lambda verdict: -verdict.severity):
            if counts[verdict]:
                lines.append(f"| {verdict.value} | {counts[verdict]} |")
        lines += [f"| **total** | **{total}** |", ""]
    if problems:
        lines += ["### Needs attention", ""]
        lines += _table(problems, several)
        lines.append("")
    if quiet:
        ok = counts[Verdict.OK]
        parts = [f"{ok} ok"] if ok else []
        if counts[Verdict.EXCLUDED]:
            parts.append(f"{counts[Verdict.EXCLUDED]} excluded")
        if counts[Verdict.NO_URL]:
            parts.append(f"{counts[Verdict.NO_URL]} without a URL")
        # GitHub needs the blank lines around a table inside <details>.
        lines += ["<details>", f"<summary>{', '.join(parts)}</summary>", ""]
        lines += _table(quiet, several)
        lines += ["", "</details>", ""]
    lines += _support_section(report)
    return "\n".join(lines).rstrip("\n") + "\n"
