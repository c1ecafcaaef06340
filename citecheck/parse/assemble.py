"""The one assembler: a reader's blocks and the recognised notes -> a Document.

Every format ends here. :func:`assemble` asks :mod:`citecheck.parse.notes`
which blocks are notes, reads each note's fields (or a record's), links the
body's markers to their notes and gives each its claim, turns the body's links
and bare URLs into ``inline`` citations and its ``(Publisher, date)`` sources
into ``parenthetical`` ones, and resolves back-references. Nothing here does
I/O or knows a format's markup.
"""

from __future__ import annotations

import bisect
import datetime
import re
import urllib.parse
from collections.abc import Iterable, Sequence

import attrs

from citecheck.model import Citation, CitationKind, Claim, Document
from citecheck.parse.backrefs import resolve_back_references
from citecheck.parse.dates import (
    NoteDates,
    find_access_date,
    note_access_dates,
    notes_day_first,
    parse_date,
)
from citecheck.parse.fields import parse_fields
from citecheck.parse.header import read_header
from citecheck.parse.markers import ClaimFinder, Marker, find_markers
from citecheck.parse.notes import NoteEntry, Notes, merge_spans, recognise_notes
from citecheck.parse.parenthetical import find_parenthetical_sources
from citecheck.parse.urls import FoundUrl, find_urls
from citecheck.sources.blocks import Record, SourceDocument, SpanKind, web_address

# Link texts that name no source ("see [here](https://…)"): a title is for
# matching the cited page's title, and "here" matches nothing.
_GENERIC_LINK_TEXTS = frozenset(
    "here this link source sources website site page article pdf more read more "
    "click here this link this page this article link online available online".split(" ")
)
_MAX_LINK_TITLE = 300
_NOT_NEWLINE = re.compile(r"[^\n]")
# Wikipedia's "Archived from the original on 14 April 2023", and web archives' hosts.
_ARCHIVED_ON = re.compile(r"[Aa]rchived from the original on ([^.;]{4,40})")
_ARCHIVE_HOSTS = (
    "web.archive.org/",
    "wayback.archive.org/",
    "archive.org/web/",
    "archive.today/",
    "archive.ph/",
    "archive.is/",
    "archive.li/",
    "archive.vn/",
    "archive.fo/",
    "archive.md/",
    "webcitation.org/",
    "webarchive.nationalarchives.gov.uk/",
    "arquivo.pt/wayback/",
)


_ARCHIVE_HOST = re.compile("|".join(re.escape(host) for host in _ARCHIVE_HOSTS), re.IGNORECASE)


def is_archive_url(url: str) -> bool:
    """Whether ``url`` is a web archive's copy of a page (Wayback, archive.today, …)."""
    if url.isascii():
        # Every host above holds one of these words; in ASCII, ignoring case is lowering.
        low = url[:80].lower()
        if "archive" not in low and "arquivo" not in low and "webcitation" not in low:
            return False
    return _ARCHIVE_HOST.search(url, 0, 80) is not None


def assemble(document: SourceDocument) -> Document:
    """Build the Document of a reader's :class:`SourceDocument`."""
    notes = recognise_notes(document)
    if document.structured:
        # A bibliography file has no body: every record is an entry, and the
        # file's own text (``url = {…}``) cites nothing besides them.
        notes = attrs.evolve(notes, excluded=((0, len(document.text)),))
    text = document.text
    excluded = notes.excluded
    cut = len(text)
    if excluded and excluded[-1][1] >= len(text):
        # Notes that run to the end (a plain-text article's) are cut off rather than
        # blanked: offsets before them stay the same, and no sentence ends in their blanks.
        cut, excluded = excluded[-1][0], excluded[:-1]
    body = _blank(text[:cut], excluded)
    header = read_header(text) if document.header_in_text else None
    published = _date_of(document.published) or (header.published if header else None)

    scans = [NoteDates(entry.text) for entry in notes.entries]
    names = sorted((span.start, span.end) for span in document.spans if span.kind is SpanKind.NAME)
    day_first = notes_day_first(scans)

    claims = ClaimFinder(body)
    body_urls = find_urls(body)
    link_spans = [
        (span.start, span.end)
        for span in document.spans
        if span.kind in (SpanKind.LINK, SpanKind.CODE, SpanKind.NAME)
        and not _inside(span.start, notes.excluded)
    ]
    masked = merge_spans([*link_spans, *((found.start, found.end) for found in body_urls)])
    labels = {entry.label for entry in notes.entries}
    markers = _markers(document, body, labels, masked, notes)
    claims_by_label = _claims(claims, body, markers)

    footnotes = resolve_back_references(
        [
            _note_citation(
                entry,
                scan,
                day_first=day_first,
                source_format=document.format,
                structured=document.structured,
                claims=tuple(claims_by_label.get(entry.label, ())),
                not_addresses=_names_in(names, entry),
            )
            for entry, scan in zip(notes.entries, scans, strict=True)
        ]
    )
    parenthetical = [
        attrs.evolve(citation, source_format=document.format)
        for citation in parenthetical_citations(body, published, claims)
    ]
    inline = _inline(document, body_urls, claims, notes)

    warnings = list(document.warnings)
    if not text.strip() and not notes.entries and not document.warnings:
        warnings.append(
            "the document is empty" if not document.structured else "the file has no entries"
        )
    return Document(
        source=document.source,
        text=text,
        raw_text=document.raw_text,
        title=document.title or (header.title if header else None) or document.fallback_title,
        published=published,
        citations=(*footnotes, *parenthetical, *inline),
        warnings=tuple(warnings),
    )


# --- notes --------------------------------------------------------------------


def _note_citation(
    entry: NoteEntry,
    scan: NoteDates,
    *,
    day_first: bool | None,
    source_format: str,
    claims: tuple[Claim, ...],
    structured: bool = False,
    not_addresses: Sequence[tuple[int, int]] = (),
) -> Citation:
    if entry.record is not None:
        citation = citation_from_record(
            entry.label,
            entry.text,
            entry.record,
            line=entry.line,
            day_first=day_first,
            # A bibliography's records are ``ref-<key>``; a note that holds a
            # citation template (wikitext) is a note like any other, ``fn-<n>``.
            citation_id=None if structured else f"fn-{entry.label}",
        )
        return attrs.evolve(citation, claims=claims, source_format=source_format)
    citation = citation_from_note(
        entry.label,
        entry.text,
        line=entry.line,
        day_first=day_first,
        extra_urls=[
            url
            for href in cited_hrefs(entry.text, entry.hrefs, entry.link_texts)
            if (url := clean_href(href))
        ],
        note=scan,
        claims=claims,
        not_addresses=not_addresses,
        source_format=source_format,
    )
    if citation.title is None and len(entry.link_texts) == 1:
        # ``[^1]: [Pods](https://kubernetes.io/…), accessed …``: the linked
        # words are the title even without quotation marks.
        title = link_title(entry.link_texts[0], entry.hrefs[0] if entry.hrefs else "")
        if title is not None:
            citation = attrs.evolve(citation, title=title)
    return citation


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
    not_addresses: Sequence[tuple[int, int]] = (),
    source_format: str | None = None,
) -> Citation:
    """Read one note's text (its label removed) into a footnote Citation.

    ``extra_urls`` are URLs the format gives outside the text (an HTML
    ``href``, a PDF link annotation); they come first, then the URLs found in
    the text. ``note`` is the note's date scan when the caller made one already
    (the day-order vote scans every note once), and ``claims`` the body's
    claims citing it. ``not_addresses`` are spans of ``text`` the markup says
    name a site without linking it (``*www.example.com*``).
    """
    urls = [
        found for found in find_urls(text) if not _overlaps(found.start, found.end, not_addresses)
    ]
    if extra_urls or len(urls) > 1:
        # Wikipedia's ``[http://www.scc-berlin.de/abteilungen.html SCC Berlin],
        # www.scc-berlin.de. Retrieved …`` and cite web's ``|publisher=
        # www.bartleby.com``: beside the address it cites, a bare site names
        # the website (as a bare domain does in MLA), it is not a second source.
        addresses_only = [found for found in urls if not _names_a_site(found)]
        if extra_urls or addresses_only:
            urls = addresses_only
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
    addresses = _unique([*extra_urls, *(found.url for found in urls)])
    archive_url = next((url for url in addresses if is_archive_url(url)), None)
    archived = _ARCHIVED_ON.search(text) if archive_url else None
    archive_date = parse_date(archived.group(1).strip()) if archived else None
    return Citation(
        id=citation_id or f"fn-{label}",
        label=label,
        kind=CitationKind.FOOTNOTE,
        text=text,
        authors=fields.authors,
        title=fields.title,
        publisher=fields.publisher,
        urls=addresses,
        doi=next((found.doi for found in urls if found.doi), None),
        date=fields.date,
        accessed=accessed.value if accessed else None,
        claims=claims,
        line=line,
        warnings=tuple(warnings),
        archive_url=archive_url,
        archive_date=archive_date.value if archive_date else None,
        source_format=source_format,
    )


def _names_a_site(found: FoundUrl) -> bool:
    """Whether ``found`` is a bare ``www.`` site with no path, written without a scheme."""
    if "://" in found.raw or found.doi is not None:
        return False
    rest = found.url.split("://", 1)[-1]
    return "/" not in rest.rstrip("/") and "?" not in rest and "#" not in rest


# Wikipedia's identifier links (``PMID 21187404``, ``ISSN 0362-4331``,
# ``Bibcode: 2011PNAS..108.1815W``, ``arXiv:1706.02582``, ``OCLC 62265494``,
# ``ISBN 978-…``): catalogue records beside the cited work, not the work. A
# DOI link is kept: it resolves to the work itself.
_IDENTIFIER_LABEL = re.compile(
    r"(?:PMID|PMC|ISSN|eISSN|OCLC|Bibcode|arXiv|JSTOR|S2CID|hdl|ISBN|LCCN|OSTI|SSRN|Zbl|MR"
    r"|CiteSeerX)[\s\u00a0]{0,3}:?[\s\u00a0]{0,3}$"
)
# The same, when the rendering puts the label inside the link (``LCCN 2005001870``).
_IDENTIFIER_TEXT = re.compile(
    r"(?:PMID|PMC|ISSN|eISSN|OCLC|Bibcode|arXiv|JSTOR|S2CID|hdl|ISBN|LCCN|OSTI|SSRN|Zbl|MR"
    r"|CiteSeerX|NCID)[\s\u00a0:]{1,3}\S{1,80}"
)
_WIKI_ARTICLE = re.compile(r"https?://[a-z\-]{2,12}\.(?:m\.)?wikipedia\.org/wiki/([^?#]+)$", re.I)
_DISAMBIGUATION = re.compile(r"\s*\([^()]*\)$")


def cited_hrefs(text: str, hrefs: Sequence[str], link_texts: Sequence[str]) -> list[str]:
    """The hrefs of a note that link its source, not an identifier's record or a wiki article.

    Rendered Wikipedia notes link much besides the source: the identifiers
    after it (``PMID 21187404`` to PubMed, ``ISSN`` to WorldCat) and the
    names in it (``<i><a href="/wiki/The_New_York_Times">The New York
    Times</a></i>``, ``ISBN`` to its article). An identifier link is one whose
    text follows an identifier's label; a wiki link one whose text names the
    article it goes to, in a note that links something else too. A Wikipedia
    article cited by its address (``<a href="…/wiki/N%2B1_redundancy">https://
    en.wikipedia.org/…</a>``) or as a note's only link (a Markdown list of
    ``[Parallel ATA](https://en.wikipedia.org/wiki/Parallel_ATA)``) stays.
    """
    if len(hrefs) != len(link_texts):
        return list(hrefs)
    kept: list[str] = []
    position = 0
    for href, shown in zip(hrefs, link_texts, strict=True):
        words = " ".join(shown.split())
        if _IDENTIFIER_TEXT.fullmatch(words):
            continue
        at = text.find(words, position) if words else -1
        if at != -1:
            position = at + len(words)
            if _IDENTIFIER_LABEL.search(text, max(at - 16, 0), at) is not None:
                continue
        wiki = _WIKI_ARTICLE.match(href.strip())
        if wiki is not None and words and len(hrefs) > 1:
            article = urllib.parse.unquote(wiki.group(1)).replace("_", " ").rsplit("/", 1)[-1]
            if _DISAMBIGUATION.sub("", article).casefold() == words.casefold():
                continue
        kept.append(href)
    return kept


def citation_from_record(
    label: str,
    text: str,
    record: Record,
    *,
    line: int | None = None,
    day_first: bool | None = None,
    citation_id: str | None = None,
) -> Citation:
    """A footnote Citation from the fields a bibliography or citation template gives.

    Addresses and dates are read by the same functions as a note's text: a
    ``url`` field goes through :func:`find_urls` (which rejoins and cleans it),
    a DOI becomes its ``doi.org`` address, an access date is read in any of the
    forms formats write (``2021-03-04``, ``4 March 2021``, RIS's
    ``2021/03/04/15:20:05``), and a free-text field may give the access date
    with its label (``дата обращения: 12.03.2020``). ``day_first`` is the
    document's day order, for a record that does not say its own.
    """
    warnings = list(record.warnings)
    if record.day_first is not None:
        day_first = record.day_first
    urls: list[str] = []
    for value in record.urls:
        whole = _whole_address(value)
        if whole is not None:
            urls.append(whole)
            continue
        found = find_urls(value)
        if found:
            # CSL-JSON's ``"URL": "http://arxiv.org/abs/… http://dx.doi.org/…"``.
            urls.extend(hit.url for hit in found)
        elif _ADDRESS_LIKE.fullmatch(value.strip()):
            urls.append(value.strip())  # ``url = {example.com}``: kept as the record gives it
        # else: ``citeulike-article-id:6355756``, an export's bookkeeping, names no page
    for value in record.notes:
        urls.extend(found.url for found in find_urls(value) if not _is_licence(found.url))
    if not urls:
        # abnTeX2 puts the address in ``Organization``, some files in ``title``.
        for field in (record.title, record.publisher):
            urls.extend(found.url for found in find_urls(field or "") if found.doi is None)

    doi = None
    if record.doi:
        hits = [hit for hit in find_urls("doi:" + record.doi.strip()) if hit.doi]
        if hits:
            doi = hits[0].doi
            urls.append(hits[0].url)
    else:
        doi = next((hit.doi for hit in find_urls(" ".join(urls)) if hit.doi), None)
    accessed = None
    if record.accessed:
        accessed = read_record_date(record.accessed, day_first=day_first)
        if accessed is None:
            warnings.append(f"access date {record.accessed!r} is not a date citecheck can read")
    else:
        for value in record.notes:
            phrase = find_access_date(value, day_first=day_first)
            if phrase is not None:
                accessed = phrase.value
                break
    archive_url = _clean_url(record.archive_url)
    if archive_url is not None:
        # ``|archive-url=`` is an address of the note as much as Wikipedia's rendered
        # "Archived from the original" link is (a note's links are all its addresses,
        # in every format); it is also the citation's archived copy.
        urls.append(archive_url)
    return Citation(
        id=citation_id or f"ref-{label}",
        label=label,
        kind=CitationKind.FOOTNOTE,
        text=text,
        authors=record.authors,
        title=record.title or None,
        publisher=record.publisher or None,
        urls=_unique(urls),
        doi=doi,
        date=read_record_date(record.date, day_first=day_first) if record.date else None,
        accessed=accessed,
        line=line,
        warnings=tuple(warnings),
        archive_url=archive_url,
        archive_date=read_record_date(record.archive_date, day_first=day_first)
        if record.archive_date
        else None,
        url_status=record.url_status,
        quote=record.quote,
    )


# A field value that is an address find_urls does not take (a bare domain).
_ADDRESS_LIKE = re.compile(r"[\w\-]+(?:\.[\w\-]+)+(?:/\S*)?")
# Licence deeds a record's notes quote (ProQuest's RIS ``N1``: "This work is
# licensed under https://creativecommons.org/licenses/by/4.0/"): not the work.
_LICENCE = re.compile(
    r"https?://(?:www\.)?(?:creativecommons\.org/(?:licenses|publicdomain)/"
    r"|arxiv\.org/licenses/|opensource\.org/licenses/|(?:www\.)?gnu\.org/licenses/)",
    re.IGNORECASE,
)
# Characters that cannot be in an href or a URL field as written (RFC 3986's
# excluded ASCII); anything else after what find_urls reads is still the address.
_NOT_IN_FIELD = frozenset(' \t\r\n"<>{}|\\^`')


def _is_licence(url: str) -> bool:
    return _LICENCE.match(url) is not None


def _whole_address(value: str) -> str | None:
    """A field or href that is one web address, kept whole to its end.

    In prose a final ``.`` or ``?`` ends the sentence and an en dash ends the
    address; an ``href`` or a ``url=`` field has no sentence, so what it holds
    is the address (``…/consumismo-o-que-e/.``, ``…122429.shtml?``, Google
    Books' ``…&pg=PA575–577``).
    """
    value = value.strip()
    found = find_urls(value)
    if len(found) != 1 or found[0].start != 0 or found[0].doi is not None:
        return None
    hit = found[0]
    rest = value[hit.end :]
    if any(c in _NOT_IN_FIELD for c in rest) or "://" not in hit.raw:
        return None
    return hit.url + rest


def read_record_date(value: str | None, *, day_first: bool | None = None) -> datetime.date | None:
    """A date field's value: ISO (``2021-03-04T…``), RIS's ``2021/03/04/…``, or words."""
    if not value:
        return None
    value = value.strip()
    head = value[:10].replace("/", "-")
    try:
        return datetime.date.fromisoformat(head)
    except ValueError:
        pass
    found = parse_date(value, day_first=day_first)
    if found is None and "/" in value:
        parts = value.split("/")
        if len(parts) >= 3 and all(part.isdecimal() for part in parts[:3]) and len(parts[0]) == 4:
            try:
                return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
    return found.value if found else None


def _clean_url(value: str | None) -> str | None:
    if not value:
        return None
    found = find_urls(value)
    return found[0].url if found else value.strip() or None


def _names_in(names: Sequence[tuple[int, int]], entry: NoteEntry) -> list[tuple[int, int]]:
    """The NAME spans (sorted) inside a note's text, as offsets of that text; a bisection each."""
    if entry.start < 0 or not names:
        return []
    first = bisect.bisect_left(names, (entry.start, -1))
    last = bisect.bisect_left(names, (entry.end, -1))
    return [(start - entry.start, end - entry.start) for start, end in names[first:last]]


# --- markers and claims -----------------------------------------------------


def _markers(
    document: SourceDocument,
    body: str,
    labels: set[str],
    masked: Sequence[tuple[int, int]],
    notes: Notes,
) -> list[Marker]:
    """Markers the markup declares, then markers written in the text (``[3]``, ``³``)."""
    declared = [
        Marker(label=span.target, start=span.start, end=span.end)
        for span in document.spans
        if span.kind is SpanKind.MARKER and span.target in labels
    ]
    declared_spans = merge_spans([(marker.start, marker.end) for marker in declared])
    written = [
        marker
        for marker in find_markers(body, labels, masked)
        if not _overlaps(marker.start, marker.end, declared_spans)
    ]
    return sorted([*declared, *written], key=lambda marker: marker.start)


def _claims(claims: ClaimFinder, body: str, markers: Sequence[Marker]) -> dict[str, list[Claim]]:
    """Each marker's claim; markers in one sentence share its claim (linear in markers)."""
    claim_of_sentence: dict[tuple[int, int, int, bool], Claim] = {}
    claims_by_label: dict[str, list[Claim]] = {}
    for marker in markers:
        sentence = claims.sentence_of(marker.start)
        opens = not body[sentence[0] : marker.start].strip(" \t\n.,;:")
        key = (*sentence, claims.quote_index(marker.start), opens)
        claim = claim_of_sentence.get(key)
        if claim is None:
            claim = claim_of_sentence[key] = claims.claim_for_marker(marker)
        claims_by_label.setdefault(marker.label, []).append(claim)
    return claims_by_label


# --- inline citations -----------------------------------------------------------


def _inline(
    document: SourceDocument, body_urls: list[FoundUrl], claims: ClaimFinder, notes: Notes
) -> list[Citation]:
    """Links and bare URLs of the body as ``inline`` citations, in document order."""
    found: list[tuple[int, Citation]] = []
    covered = merge_spans(
        [
            (span.start, span.end)
            for span in document.spans
            if span.kind in (SpanKind.LINK, SpanKind.CODE, SpanKind.NAME)
        ]
    )
    for span in document.spans:
        if span.kind is not SpanKind.LINK or _inside(span.start, notes.excluded):
            continue
        url = clean_href(span.target)
        if url is None:
            continue
        shown = document.text[span.start : span.end]
        found.append(
            (
                span.start,
                Citation(
                    id="",
                    label="",
                    kind=CitationKind.INLINE,
                    text=f"[{shown}]({url})",
                    title=span.title or link_title(shown, url),
                    urls=(url,),
                    doi=_doi_of(url),
                    claims=(claims.claim_for_span(span.start, span.end),),
                    line=span.line if span.line is not None else claims.line_of(span.start),
                ),
            )
        )
    bare = [hit for hit in body_urls if not _overlaps(hit.start, hit.end, covered)]
    for hit, citation in zip(bare, inline_citations(bare, claims), strict=True):
        found.append((hit.start, citation))
    found.sort(key=lambda pair: pair[0])
    return [
        attrs.evolve(
            citation, id=f"inline-{number}", label=str(number), source_format=document.format
        )
        for number, (_, citation) in enumerate(found, start=1)
    ]


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


def _with_url_rejoined(claim: Claim, found: FoundUrl) -> Claim:
    """Show a URL that was broken across lines whole in the claim's text."""
    broken = " ".join(found.raw.split())
    return attrs.evolve(claim, text=claim.text.replace(broken, found.url, 1))


# --- links ------------------------------------------------------------------------


def clean_href(href: str) -> str | None:
    """An absolute http(s) URL from an href, or None for anchors, mail, scripts, relative paths."""
    address = web_address(href)
    if address is None:
        return None
    href = address
    whole = _whole_address(href)
    if whole is not None:
        return whole
    found = find_urls(href)
    if found and found[0].start == 0:
        return found[0].url
    return href


def link_title(text: str, href: str) -> str | None:
    """The link text as a title, unless it names nothing (a URL, "here", an empty image)."""
    title = " ".join(text.split()).strip(" ,;:")
    if not title or len(title) > _MAX_LINK_TITLE:
        return None
    if title.lower() in _GENERIC_LINK_TEXTS or title.lower().rstrip(".") in _GENERIC_LINK_TEXTS:
        return None
    found = find_urls(title)
    if found and len(found[0].raw) >= len(title) - 2:
        return None
    if title == href:
        return None
    return title


def _doi_of(href: str) -> str | None:
    found = find_urls(href)
    return found[0].doi if len(found) == 1 else None


def _date_of(value: str | None) -> datetime.date | None:
    return read_record_date(value) if value else None


# --- spans ------------------------------------------------------------------------


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with ``spans`` replaced by spaces (newlines kept): offsets stay the same."""
    if not spans:
        return text
    pieces = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint ``spans``."""
    index = bisect.bisect_right(spans, (start, end))
    return any(
        candidate[0] < end and start < candidate[1]
        for candidate in spans[max(index - 1, 0) : index + 1]
    )


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
