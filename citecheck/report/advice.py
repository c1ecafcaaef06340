"""What an editor should do about a check, in words every human-readable report shares.

The text and Markdown reports must stand on their own: beside the verdict and
its reason, each check gets the replacement link it has (an archived copy, or
a redirect's target) and one next step, so a reader can act without opening
the HTML or JSON report.
"""

from __future__ import annotations

from citecheck.model import ArchiveState, Check, Citation, CitationKind, Document, Verdict


def repeats(citation: Citation, document: Document) -> str | None:
    """``note 3`` for a back-reference (``Ibid.``) to note 3: the source it names again."""
    if citation.ibid_of is None:
        return None
    try:
        source = document.citation(citation.ibid_of)
    except KeyError:
        return None
    kind = "note" if source.kind is CitationKind.FOOTNOTE else source.kind.value
    return f"{kind} {source.label}"


def replacement(check: Check) -> tuple[str, str] | None:
    """The link to cite instead, with what it is: an archived copy, or where a move ended."""
    if check.archive is not None:
        return f"archived copy of {check.archive.timestamp:%Y-%m-%d}", check.archive.url
    http = check.http
    if (
        check.verdict is Verdict.MOVED
        and http is not None
        and http.final_url not in ("", check.url)
    ):
        return "moved to", http.final_url
    return None


def _no_copy(check: Check) -> str:
    """Why no archived copy is offered, in a clause."""
    state = check.archive_status.state if check.archive_status is not None else None
    if state is ArchiveState.UNREACHABLE:
        return "the archive could not be reached, so a later run may find a copy"
    if state is ArchiveState.NOT_REQUESTED:
        return "no archive was asked for one"
    return "no archive has a copy"


def next_step(check: Check) -> str:
    """One sentence on what to do next; empty when nothing needs doing."""
    verdict = check.verdict
    found = replacement(check)
    if verdict in (Verdict.DEAD, Verdict.SOFT_404, Verdict.PARKED):
        if found is not None:
            return "Cite the archived copy, or find where the source lives now."
        return f"Find where the source lives now, or another source; {_no_copy(check)}."
    if verdict is Verdict.MOVED:
        return "Update the citation to the new address." if found else "Update the citation."
    if verdict is Verdict.DRIFTED:
        if found is not None:
            return "Check the claim against the archived copy and cite that copy."
        return "Check whether the page still supports the claim."
    if verdict is Verdict.INACCURATE:
        return "Correct the citation's title or quote: the page never carried it."
    if verdict is Verdict.BLOCKED:
        return "Check it in a browser; if the site always refuses checkers, --accept its status."
    if verdict is Verdict.ERROR:
        return "Check again later; if it persists, check it in a browser."
    if verdict is Verdict.UNSAFE:
        return "Check the address: it is not a public web address."
    if verdict is Verdict.PENDING:
        return "Run again with --resume and this report to check it."
    return ""
