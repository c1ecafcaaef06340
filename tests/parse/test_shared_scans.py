"""The second round of parse fast paths gives exactly what the plain paths give.

Issue 7 (parse throughput), round two: a note is folded and scanned for dates
once and the scan is shared by the document's day-order vote and the note's
access date; footnotes are built with their claims instead of being copied;
textual dates are tried only where a month word allows; several helpers skip
work their input cannot need. Each test runs the new path and the plain one
(the code as it was, kept here as a reference) side by side, on the real
notes and documents of the fixtures and on generated text built from the
pieces that steer the paths, and asserts equal results.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.model import Citation, Claim
from citecheck.parse import dates, fields, header
from citecheck.parse import notes as footnotes
from citecheck.parse.backrefs import resolve_back_references
from citecheck.parse.document import (
    citation_from_note,
    inline_citations,
    parenthetical_citations,
    parse_document,
)
from citecheck.parse.markers import ClaimFinder, find_markers
from citecheck.parse.urls import find_urls
from citecheck.sources import normalize

ROOT = Path(__file__).resolve().parents[2]
CORPUS = json.loads((ROOT / "fixtures" / "footnotes" / "corpus.json").read_text("utf-8"))
ANYSTYLE = [
    json.loads(line)["text"]
    for line in (ROOT / "fixtures" / "anystyle" / "expected.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]
SEEDS = [path.read_text("utf-8") for path in sorted((ROOT / "fixtures" / "documents").iterdir())]
DOCUMENTS = [entry["document"] for entry in CORPUS] + SEEDS
NOTES = [
    entry.text
    for document in DOCUMENTS
    for entry in footnotes.find_footnotes(normalize.normalize_text(document)).entries
]
REAL_TEXTS = NOTES + ANYSTYLE[::5]
DOCUMENT_LINES = [line for document in DOCUMENTS for line in document.splitlines()]

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def joined(pieces: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    """Text made of the given pieces in any order (the pieces that steer a fast path)."""
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


DATE_PIECES = [
    "14", "4", "04", "2023", "23", "31", "1999", "12", "13", "0", "7", "1",
    ".", "/", "-", " ", "  ", ", ", ". ", ",", ":", "(", ")", "[", "]",
    "april", "Apr", "may", "May", "mart", "mars", "ocak", "апреля", "янв", "de ", "of ", "th",
    "st", "er", "eme", "del ", "г.", "year", "omar", "dismay", "marching", "x", "a", "²",
    "年", "月", "日", "년", "월", "일", "retrieved ", "Accessed ", "accessed on ", "tarihinde",
    "erisildi", "閲覧", "<http://x.org>", "дата обращения: ", "Erişim Tarihi: ", "stand: ",
    "visited ", "reaccessed ", "abgerufen am ", "consulté le ", "(Date of Accession: ",
    "\u00a0", "\n", "S\u0327ubat",
]  # fmt: skip


# --------------------------------------------------------------------------
# References: the plain paths, as they were before this round
# --------------------------------------------------------------------------


def reference_candidates(f: str) -> list[tuple[int, ...]]:
    """Every pattern scanned from the start, then the earliest-longest choice."""
    found: list[Any] = []
    for pattern, build in dates._PATTERNS:
        found.extend(dates._scan(pattern, f, build))
    return [tuple(c) for c in dates._earliest_longest(found, lambda c: (c.fs, c.fe))]


def reference_day_first(texts: list[str]) -> bool | None:
    """The day-order vote as it was: every slash and dash date scanned from the start."""
    day_votes = month_votes = 0
    for text in texts:
        f = dates._Folded(text).f
        for pattern, build in (
            (dates._SLASH_RE, dates._build_slash),
            (dates._DASH_RE, dates._build_dash),
        ):
            for cand in dates._scan(pattern, f, build):
                if cand.first > 12 and dates._mk(cand.year, cand.second, cand.first):
                    day_votes += 1
                elif cand.second > 12 and dates._mk(cand.year, cand.first, cand.second):
                    month_votes += 1
    if day_votes == month_votes:
        return None
    return day_votes > month_votes


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the notes' spans blanked, newlines kept (the assembler's body)."""
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


def reference_parse(raw_text: str) -> tuple[Citation, ...]:
    """``parse_document``'s citations as assembled before: public calls, then claims copied in."""
    text = normalize.normalize_text(raw_text)
    head = header.read_header(text)
    block = footnotes.find_footnotes(text)
    body = _blank(text, block.excluded)
    day_first = dates.infer_day_first([entry.text for entry in block.entries])
    notes = resolve_back_references(
        [
            citation_from_note(entry.label, entry.text, line=entry.line, day_first=day_first)
            for entry in block.entries
        ]
    )
    claims = ClaimFinder(body)
    body_urls = find_urls(body)
    url_spans = [(found.start, found.end) for found in body_urls]
    claims_by_label: dict[str, list[Claim]] = {}
    for marker in find_markers(body, {entry.label for entry in block.entries}, url_spans):
        claims_by_label.setdefault(marker.label, []).append(claims.claim_for_marker(marker))
    notes = [
        attrs.evolve(citation, claims=tuple(claims_by_label.get(citation.label, ())))
        for citation in notes
    ]
    parenthetical = parenthetical_citations(body, head.published, claims)
    inline = inline_citations(body_urls, claims)
    return tuple(
        attrs.evolve(citation, source_format="text")
        for citation in (*notes, *parenthetical, *inline)
    )


def reference_header(text: str) -> tuple[str | None, Any, int]:
    """``read_header`` as it was: every header paragraph read with ``find_dates``."""
    paragraphs: list[tuple[int, int, str]] = []
    position = 0
    length = len(text)
    while position < length and len(paragraphs) < 40:
        while position < length and text[position] in " \t\n":
            position += 1
        if position >= length:
            break
        end = text.find("\n\n", position)
        if end == -1:
            end = length
        paragraphs.append((position, end, text[position:end]))
        position = end
    kept = []
    end = 0
    for _, paragraph_end, paragraph in paragraphs:
        if len(" ".join(paragraph.split())) >= header._PROSE_LENGTH:
            break
        kept.append(paragraph)
        end = paragraph_end
    title = None
    published = None
    for index, paragraph in enumerate(kept):
        found = dates.find_dates(paragraph)
        if found and published is None:
            published = found[0].value
        line = " ".join(paragraph.split())
        if index == 0 and not found and len(line) <= header._MAX_TITLE_LENGTH:
            title = line
    return title, published, end


def reference_find_closer(w: str, start: int, closers: str, apos: bool) -> int:
    """``_find_closer`` as it was: one character at a time."""
    i = start
    n = len(w)
    while i < n:
        ch = w[i]
        if ch == fields._SEP:
            return -1
        if ch in closers:
            nxt = w[i + 1] if i + 1 < n else " "
            if not apos or (not nxt.isalpha() and i > start):
                return i
        i += 1
    return -1


def reference_split_authors(block: str) -> tuple[str, ...]:
    """``_split_authors`` as it was: every substitution and every joiner applied."""
    block = fields._WS.sub(" ", block.replace(fields._SEP, " ")).strip()
    block = fields._PAREN_DATE.sub(" ", block)
    block = fields._SPACE_BEFORE_PUNCT.sub("", fields._WS.sub(" ", block).strip()).strip(" ,:;")
    lower = block.lower()
    for cue in ("by ", "von ", "par ", "por ", "di ", "автор: ", "yazar: "):
        if lower.startswith(cue):
            block = block[len(cue) :]
            break
    if block.lower().replace(" ", "") in fields._NO_AUTHOR:
        return ()
    lower = block.lower()
    for tail in fields._ET_AL:
        idx = lower.find(tail)
        if idx > 0:
            block = block[:idx]
            lower = block.lower()
    pieces = [block]
    for joiner in fields._AUTHOR_JOINERS:
        nxt: list[str] = []
        for piece in pieces:
            nxt.extend(piece.split(joiner))
        pieces = nxt
    authors: list[str] = []
    for piece in pieces:
        parts = [p.strip() for p in piece.split(",")]
        parts = [p for p in parts if p.strip(" .")]
        i = 0
        while i < len(parts):
            part = parts[i]
            if i + 1 < len(parts):
                nxt_part = parts[i + 1]
                single = len(part.split()) == 1 and part[:1].isupper()
                initials = all(fields._is_initial(t) for t in nxt_part.split())
                if initials or (single and fields._is_given_names(nxt_part)):
                    authors.append(f"{part}, {nxt_part}")
                    i += 2
                    continue
            authors.append(part)
            i += 1
    cleaned = [fields._clean_value(a) for a in authors]
    return tuple(a for a in cleaned if any(ch.isalpha() for ch in a))


def reference_label_of(line: str) -> Any:
    """``_read_label`` outside sections without its first-character gate: every pattern tried."""
    for style, pattern in footnotes._LABEL_PATTERNS:
        match = pattern.match(line)
        if not match:
            continue
        digits = match.group(1)
        if style is footnotes.LabelStyle.SUPERSCRIPT:
            digits = "".join(footnotes._SUPERSCRIPT_VALUE[char] for char in digits)
        return str(int(digits)), style, match.end()
    return None


# --------------------------------------------------------------------------
# Dates: one scan per note
# --------------------------------------------------------------------------


class TestSharedNoteScan:
    """``NoteDates`` reads a note once for the day-order vote and the access date."""

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_notes(self, text: str) -> None:
        """A real note's shared candidates (votes read first) are the plain scan's."""
        note = dates.NoteDates(text)
        note.slash_dash()
        assert [tuple(c) for c in note.candidates()] == reference_candidates(note.folded.f)

    @PROPERTY
    @given(joined(DATE_PIECES))
    def test_generated_candidates(self, text: str) -> None:
        """Generated text gives the plain scan's candidates, with or without the votes read."""
        expected = reference_candidates(dates._Folded(text).f)
        shared = dates.NoteDates(text)
        shared.slash_dash()
        assert [tuple(c) for c in shared.candidates()] == expected
        assert [tuple(c) for c in dates.NoteDates(text).candidates()] == expected

    @PROPERTY
    @given(joined(DATE_PIECES), st.sampled_from([None, True, False]))
    def test_generated_access_dates(self, text: str, day_first: bool | None) -> None:
        """A note whose votes were read first gives the access dates of a fresh one."""
        shared = dates.NoteDates(text)
        shared.slash_dash()
        assert dates.note_access_dates(shared, day_first=day_first) == dates.find_access_dates(
            text, day_first=day_first
        )

    @PROPERTY
    @given(st.lists(joined(DATE_PIECES, 12), max_size=6))
    def test_generated_votes(self, texts: list[str]) -> None:
        """The shared vote counts the slash and dash dates the plain scans count."""
        assert dates.infer_day_first(texts) == reference_day_first(texts)
        notes = [dates.NoteDates(text) for text in texts]
        assert dates.notes_day_first(notes) == reference_day_first(texts)

    def test_real_votes(self) -> None:
        """Each fixture document's notes vote as they did with the plain scans."""
        for document in DOCUMENTS:
            block = footnotes.find_footnotes(normalize.normalize_text(document))
            texts = [entry.text for entry in block.entries]
            assert dates.infer_day_first(texts) == reference_day_first(texts)

    @pytest.mark.parametrize(
        "texts, expected",
        [
            (["Accessed 04/14/2023", "Retrieved 04/05/2023"], False),
            (["14/04/2023", "13-04-2023", "04/14/2023"], True),
            (["14.04.2023", "04/05/2023"], None),
        ],
    )
    def test_vote_cases(self, texts: list[str], expected: bool | None) -> None:
        """Slash and dash dates with a number over 12 decide the order; dotted ones do not."""
        assert dates.notes_day_first([dates.NoteDates(text) for text in texts]) is expected
        assert reference_day_first(texts) is expected


class TestDocumentAssembly:
    """``parse_document`` builds footnotes with claims from the shared scans, as before."""

    @pytest.mark.parametrize("document", DOCUMENTS)
    def test_fixture_documents(self, document: str) -> None:
        """Every fixture document gives the citations of the plain assembly."""
        assert parse_document(document).citations == reference_parse(document)

    @PROPERTY
    @given(
        joined(
            [
                "Title\n\n",
                "Body text here [1] and there [2]. ",
                "Ibid [3]. ",
                "\n\n",
                "Notes\n\n",
                "[1] ",
                "[2] ",
                "[3] ",
                "1. ",
                "2. ",
                "3. ",
                "Ibid.\n",
                "“Title”, Site, https://example.org/a, (Date of Accession: 14.04.2023).\n",
                "Smith, J. (2023, March 5). T. https://x.org/b Retrieved 04/05/2023\n",
                "(Reuters, November 29) ",
                "https://body.example.com/x ",
                "04/14/2023 ",
                "\n",
            ]
        )
    )
    def test_generated_documents(self, document: str) -> None:
        """Generated documents with notes, markers and back-references assemble as before."""
        assert parse_document(document).citations == reference_parse(document)


class TestFirstDate:
    """``first_date`` is the value of ``find_dates``' first date."""

    @staticmethod
    def plain(text: str) -> Any:
        found = dates.find_dates(text)
        return found[0].value if found else None

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_notes(self, text: str) -> None:
        """Every real note's first date is find_dates' first."""
        assert dates.first_date(text) == self.plain(text)

    @PROPERTY
    @given(joined(DATE_PIECES))
    def test_generated(self, text: str) -> None:
        """Generated date text gives find_dates' first date, or None with none."""
        assert dates.first_date(text) == self.plain(text)


class TestMonthRuns:
    """Textual dates are tried only at month words and the digits before them."""

    @staticmethod
    def plain_runs(f: str) -> list[int]:
        return [m.start() for m in dates._WORD.finditer(f) if m.group() in dates._MONTHS]

    @PROPERTY
    @given(joined(DATE_PIECES))
    def test_runs_are_whole_month_words(self, text: str) -> None:
        """The month runs are the letter runs that are month words."""
        f = dates._Folded(text).f
        assert dates._month_runs(f) == self.plain_runs(f)

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_runs(self, text: str) -> None:
        """Every real note's month runs are its letter runs that are month words."""
        f = dates._Folded(text).f
        assert dates._month_runs(f) == self.plain_runs(f)

    @PROPERTY
    @given(joined(DATE_PIECES), st.integers(0, 16))
    def test_digits_before(self, text: str, before: int) -> None:
        """The digit starts are those within ``before`` characters before some run."""
        f = dates._Folded(text).f
        runs = dates._month_runs(f)
        expected = [
            q
            for q in range(len(f))
            if f[q] in "0123456789" and any(0 < r - q <= before for r in runs)
        ]
        assert dates._digits_before(f, runs, before) == expected

    def test_month_keys_are_letter_runs(self) -> None:
        """Every month word is one whole letter run, as the run regex assumes."""
        assert all(dates._WORD.fullmatch(key) for key in dates._MONTHS)

    @pytest.mark.parametrize(
        "text",
        ["Omar, May 14, 2023", "marching 14 2023, mar 14 2023", "14 de abril de 2023",
         "2023, April 14", "14th of April 2023", "14-Apr-23 and 14-Apr-2023", "dismay 14 May 2023"],
    )  # fmt: skip
    def test_textual_edges(self, text: str) -> None:
        """Dates next to words that hold a month word are found as by the plain scan."""
        f = dates._Folded(text).f
        assert [tuple(c) for c in dates._candidates(f)] == reference_candidates(f)
        assert dates._candidates(f)


class TestLabelMatches:
    """``_label_matches`` finds what ``_LABEL_RE.finditer`` finds."""

    @staticmethod
    def spans(matches: Any) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m["label"]) for m in matches]

    @PROPERTY
    @given(
        joined([*DATE_PIECES, "access", "accessed", "xaccess", "last ", "date ", "e.t.", "cit."])
    )
    def test_generated(self, text: str) -> None:
        """Generated labels, glued to words or not, give the full regex's matches."""
        f = dates._Folded(text).f
        assert self.spans(dates._label_matches(f)) == self.spans(dates._LABEL_RE.finditer(f))

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_notes(self, text: str) -> None:
        """Every real note gives the full regex's label matches."""
        f = dates._Folded(text).f
        assert self.spans(dates._label_matches(f)) == self.spans(dates._LABEL_RE.finditer(f))


class TestHeader:
    """``read_header`` stops reading dates once the publication date is known."""

    @pytest.mark.parametrize("document", DOCUMENTS)
    def test_fixture_documents(self, document: str) -> None:
        """Every fixture document's title, date and header end are as before."""
        text = normalize.normalize_text(document)
        found = header.read_header(text)
        assert (found.title, found.published, found.end) == reference_header(text)

    @PROPERTY
    @given(
        joined(["Title", "By Smith", "3 December 2023", "14.04.2023", "x" * 120, "\n", "\n\n", " "])
    )
    def test_generated(self, text: str) -> None:
        """Generated short paragraphs with and without dates give the plain header."""
        found = header.read_header(text)
        assert (found.title, found.published, found.end) == reference_header(text)


# --------------------------------------------------------------------------
# Fields, footnote labels, normalisation
# --------------------------------------------------------------------------

QUOTE_PIECES = [
    "“",
    "”",
    "„",
    "«",
    "»",
    '"',
    "‘",
    "’",
    "'",
    "‚",
    "「",
    "」",
    "\x00",
    "a",
    "Title",
    " ",
    "s",
    ".",
]
AUTHOR_PIECES = [
    "Smith", "J.", "John", ", ", "; ", " and ", " & ", "&", " et al.", " y ", " и ", "(2020)",
    "(n.d.)", " .", " ,", " :", "  ", "\n", "\x00", "by ", "Anon.", "Иванов И. И.", "SILVA",
]  # fmt: skip


class TestFieldHelpers:
    """The gated field helpers give what their plain versions give."""

    @PROPERTY
    @given(joined(QUOTE_PIECES), st.integers(0, 5), st.sampled_from(fields._QUOTES))
    def test_find_closer(self, text: str, start: int, quote: tuple[str, str, bool]) -> None:
        """Jumping between stop characters finds the closer the character loop finds."""
        _, closers, apos = quote
        assert fields._find_closer(text, start, closers, apos) == reference_find_closer(
            text, start, closers, apos
        )

    @PROPERTY
    @given(joined(AUTHOR_PIECES))
    def test_split_authors(self, block: str) -> None:
        """Skipping absent joiners and no-op substitutions splits authors as before."""
        assert fields._split_authors(block) == reference_split_authors(block)

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_authors(self, text: str) -> None:
        """Every real note read as an author block splits as before."""
        assert fields._split_authors(text[:120]) == reference_split_authors(text[:120])

    @PROPERTY
    @given(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\u00a0\u2028\u3000ab.", max_size=40))
    def test_squash_whitespace(self, text: str) -> None:
        """The split-and-join squash equals the regex squash on every kind of whitespace."""
        assert fields._squash(text) == fields._WS.sub(" ", text).strip()


LINE_PIECES = [
    " ",
    "\t",
    "  ",
    "[",
    "]",
    "(",
    ")",
    "^",
    "1",
    "12",
    "٣",
    "¹",
    "²",
    ".",
    "x",
    "Note",
    "\u00a0",
]


class TestFootnoteLabelGate:
    """``_read_label`` skips the patterns only on lines no pattern can match."""

    @pytest.mark.parametrize("line", DOCUMENT_LINES)
    def test_fixture_lines(self, line: str) -> None:
        """Every fixture line gets the label of the ungated patterns."""
        assert footnotes._read_label(line, in_section=False) == reference_label_of(line)

    @PROPERTY
    @given(joined(LINE_PIECES, 12))
    def test_generated_lines(self, line: str) -> None:
        """Lines of brackets, digits (Arabic-Indic and superscript too) and spaces agree."""
        assert footnotes._read_label(line, in_section=False) == reference_label_of(line)


class TestQuadSpaces:
    """``_widen_quad_spaces`` skips its substitution only without U+2000."""

    @PROPERTY
    @given(joined(["\u2000", "中文", "中", " ", "a", "\n"]))
    def test_same_as_substitution(self, text: str) -> None:
        """The guarded substitution equals the plain one on text with and without U+2000."""
        plain = re.sub("\u2000(?=[\u0900-\u7e00]{2})|(?<=[\u0900-\u7e00]{2})\u2000", " ", text)
        assert normalize._widen_quad_spaces(text) == plain


# --------------------------------------------------------------------------
# Linear time
# --------------------------------------------------------------------------


class TestPathologicalInputs:
    """The new paths stay linear on the fuzzer's inputs."""

    @pytest.mark.parametrize(
        "text",
        [
            "may " * 250_000,
            "14 may " * 150_000,
            "1 " * 500_000,
            "accessed " * 110_000,
            "xaccessed" * 110_000,
            "“'" * 500_000,
            "\n\n1 May" * 150_000,
        ],
    )
    def test_one_megabyte(self, text: str) -> None:
        """A 1 MB run of month words, labels, quotes or short paragraphs is read in seconds."""
        started = time.process_time()
        note = dates.NoteDates(text)
        note.slash_dash()
        note.candidates()
        dates.note_access_dates(note)
        dates.first_date(text)
        dates._label_matches(note.folded.f)
        fields._find_closer(text, 1, "”“", False)
        fields._split_authors(text)
        header.read_header(text)
        footnotes._read_label(text, in_section=True)
        assert time.process_time() - started < 30
