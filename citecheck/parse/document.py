"""Turn the text of an article into a :class:`~citecheck.model.Document`.

This is the parse stage's one entry point. It reads the header, the notes
block, the body's markers, parenthetical sources and inline URLs, and resolves
back-references; each of those is its own module, and this one only wires them
together. Everything here is pure: the caller has already read and decoded
the file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

import attrs

from citecheck.model import Citation, CitationKind, Claim, Document
from citecheck.parse.backrefs import resolve_back_references
from citecheck.parse.dates import NoteDates, note_access_dates, notes_day_first
from citecheck.parse.fields import parse_fields
from citecheck.parse.footnotes import find_footnotes
from citecheck.parse.header import read_header
from citecheck.parse.markers import ClaimFinder, find_markers
from citecheck.parse.normalize import normalize_text
from citecheck.parse.parenthetical import find_parenthetical_sources
from citecheck.parse.urls import FoundUrl, find_urls


def parse_document(raw_text: str, source: str = "<string>") -> Document:
    """Parse an article's text (as decoded from its file) into a Document."""
    text = normalize_text(raw_text)
    header = read_header(text)
    block = find_footnotes(text)
    body = text[: block.start]
    # Each note is folded and scanned for slash and dash dates once: the votes
    # on the day order and the note's access date both read that scan.
    notes = [NoteDates(entry.text) for entry in block.entries]
    day_first = notes_day_first(notes)

    # The claims depend on the body and the labels only, so they are read first
    # and each footnote is built with its claims (not built, then copied).
    claims = ClaimFinder(body)
    body_urls = find_urls(body)
    url_spans = [(found.start, found.end) for found in body_urls]
    claims_by_label: dict[str, list[Claim]] = {}
    for marker in find_markers(body, {entry.label for entry in block.entries}, url_spans):
        claims_by_label.setdefault(marker.label, []).append(claims.claim_for_marker(marker))

    footnotes = resolve_back_references(
        [
            citation_from_note(
                entry.label,
                entry.text,
                line=entry.line,
                day_first=day_first,
                note=note,
                claims=tuple(claims_by_label.get(entry.label, ())),
            )
            for entry, note in zip(block.entries, notes, strict=True)
        ]
    )

    parenthetical = parenthetical_citations(body, header.published, claims)
    inline = inline_citations(body_urls, claims)

    warnings = []
    if not text.strip():
        warnings.append("the document is empty")
    return Document(
        source=source,
        text=text,
        raw_text=raw_text,
        title=header.title,
        published=header.published,
        citations=(*footnotes, *parenthetical, *inline),
        warnings=tuple(warnings),
    )


def citation_from_note(
    label: str,
    text: str,
    *,
    line: int | None = None,
    day_first: bool | None = None,
    extra_urls: Sequence[str] = (),
    citation_id: str | None = None,
    note: NoteDates | None = None,
    claims: tuple[Claim, ...] = (),
) -> Citation:
    """Read one note's text (its label removed) into a footnote Citation.

    Every input format ends here for the text of a note: the plain-text block
    parser, and readers of Markdown, HTML, wikitext or PDF. ``extra_urls`` are
    URLs the format gives outside the text (an HTML ``href``, a PDF link
    annotation); they come first, then the URLs found in the text. ``note``
    is the note's date scan when the caller made one already (the block
    parser scans every note once for the day-order vote), and ``claims`` the
    body's claims citing it.
    """
    urls = find_urls(text)
    access_dates = note_access_dates(NoteDates(text) if note is None else note, day_first=day_first)
    accessed = access_dates[0] if access_dates else None
    masked = [(found.start, found.end) for found in urls]
    warnings = []
    if accessed is not None:
        masked.append((accessed.start, accessed.end))
        if accessed.ambiguous:
            readings = " or ".join(
                date.isoformat() for date in (accessed.value, *accessed.alternatives)
            )
            warnings.append(
                f"access date {accessed.raw.strip()!r} is ambiguous: {readings}; "
                f"read as {accessed.value.isoformat()}"
            )
    fields = parse_fields(text, sorted(masked))
    return Citation(
        id=citation_id or f"fn-{label}",
        label=label,
        kind=CitationKind.FOOTNOTE,
        text=text,
        authors=fields.authors,
        title=fields.title,
        publisher=fields.publisher,
        urls=_unique([*extra_urls, *(found.url for found in urls)]),
        doi=next((found.doi for found in urls if found.doi), None),
        date=fields.date,
        accessed=accessed.value if accessed else None,
        claims=claims,
        line=line,
        warnings=tuple(warnings),
    )


def parenthetical_citations(
    body: str, published: datetime.date | None, claims: ClaimFinder
) -> list[Citation]:
    """Citations of kind ``parenthetical`` for the body's ``(Publisher, date)`` sources."""
    citations = []
    for number, found in enumerate(find_parenthetical_sources(body, published), start=1):
        warnings = []
        if found.date is None:
            warnings.append(
                f"{found.raw!r} gives no year and the article has no publication date "
                "to take it from"
            )
        citations.append(
            Citation(
                id=f"paren-{number}",
                label=str(number),
                kind=CitationKind.PARENTHETICAL,
                text=" ".join(found.raw.split()),
                publisher=found.publisher,
                date=found.date,
                claims=(claims.claim_for_span(found.start, found.end),),
                line=claims.line_of(found.start),
                warnings=tuple(warnings),
            )
        )
    return citations


def inline_citations(body_urls: list[FoundUrl], claims: ClaimFinder) -> list[Citation]:
    """Citations of kind ``inline`` for the bare URLs found in the body."""
    citations = []
    for number, found in enumerate(body_urls, start=1):
        citations.append(
            Citation(
                id=f"inline-{number}",
                label=str(number),
                kind=CitationKind.INLINE,
                text=found.raw,
                urls=(found.url,),
                doi=found.doi,
                claims=(_with_url_rejoined(claims.claim_for_span(found.start, found.end), found),),
                line=claims.line_of(found.start),
            )
        )
    return citations


def _with_url_rejoined(claim: Claim, found: FoundUrl) -> Claim:
    """Show a URL that was broken across lines whole in the claim's text."""
    broken = " ".join(found.raw.split())
    return attrs.evolve(claim, text=claim.text.replace(broken, found.url, 1))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
