"""The ``{{cite …}}`` fields to change in a wikitext article, as InternetArchiveBot changes them.

When a cited URL is dead (or serves an error page, a parked domain or other
content) and an archived copy exists, Wikipedia's archive bot adds
``|archive-url=``, ``|archive-date=`` (in the article's date style, set by
``{{Use dmy dates}}``) and ``|url-status=dead`` to the template; for a domain
that now serves something else it writes ``|url-status=usurped`` so that the
rendered reference links only the archive. A template that already has an
``archive-url`` needs nothing new, except that ``|url-status=live`` on a URL
that has died must become ``dead``, or readers are sent to the dead page.

These are proposals for an editor, never edits: the report lists them.
"""

from __future__ import annotations

import attrs

from citecheck.model import Check, CitationResult, Report, Verdict
from citecheck.sources.wikitext import FORMAT, article_date_style, format_date

_BROKEN = (Verdict.DEAD, Verdict.SOFT_404, Verdict.PARKED, Verdict.DRIFTED)


@attrs.frozen
class TemplateUpdate:
    """The fields to set in one citation's template, in the order the bot writes them."""

    document: str
    line: int | None
    label: str
    citation_id: str
    url: str
    verdict: Verdict
    changes: tuple[tuple[str, str], ...]


def template_updates(report: Report) -> list[TemplateUpdate]:
    """Every template update the report's wikitext documents call for, in document order."""
    updates = []
    for document_result in report.documents:
        document = document_result.document
        style: str | None = None
        for result in document_result.citations:
            if result.citation.source_format != FORMAT:
                continue
            check = _broken_check(result)
            if check is None:
                continue
            if style is None:
                style = article_date_style(document.raw_text or document.text)
            changes = _changes(result, check, style)
            if changes:
                updates.append(
                    TemplateUpdate(
                        document=document.source,
                        line=result.citation.line,
                        label=result.citation.label,
                        citation_id=result.citation.id,
                        url=check.url,
                        verdict=check.verdict,
                        changes=changes,
                    )
                )
    return updates


def _broken_check(result: CitationResult) -> Check | None:
    """The check of the template's ``url`` if it is broken (a DOI link's death is not the URL's)."""
    citation = result.citation
    broken = [check for check in result.checks if check.verdict in _BROKEN]
    if not broken:
        return None
    primary = citation.urls[0] if citation.urls else None
    if primary and citation.doi and primary.lower().endswith(citation.doi.lower()):
        return None  # only |doi= was given: a doi.org link is never archived by the bot
    for check in broken:
        if check.url == primary:
            return check
    return None


def _changes(result: CitationResult, check: Check, style: str) -> tuple[tuple[str, str], ...]:
    citation = result.citation
    status = "usurped" if check.verdict is Verdict.PARKED else "dead"
    if citation.archive_url:
        # CS1 reads a missing url-status beside archive-url as dead already.
        if citation.url_status == "live":
            return (("url-status", status),)
        return ()
    if check.archive is None:
        return ()
    return (
        ("archive-url", check.archive.url),
        ("archive-date", format_date(check.archive.timestamp.date(), style)),
        ("url-status", status),
    )


def render_template_updates(report: Report) -> str:
    """The updates as a readable list: document, line, label, then ``field=value`` lines."""
    updates = template_updates(report)
    if not updates:
        return "No citation template needs updating.\n"
    lines = [f"Citation templates to update ({len(updates)}):", ""]
    for update in updates:
        where = f"{update.document}:{update.line}" if update.line else update.document
        lines.append(f"{where}  [{update.label}]  {update.url}  ({update.verdict.value})")
        lines.extend(f"  |{field}={value}" for field, value in update.changes)
        lines.append("")
    return "\n".join(lines)
