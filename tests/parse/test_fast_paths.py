"""The parser's fast paths give exactly what the plain paths they short-cut give.

Each fast path (issue 7, parse throughput) skips work that provably cannot
change a result: a regex battery whose prerequisites are absent, ftfy on a
line it would leave alone, an anchor alternation tried at every character.
Every test here runs the fast path and the plain one side by side, on the
real notes of the fixtures and on generated text built from the pieces that
decide the paths (digits, separators, month words, quotes, URL anchors,
mojibake), and asserts equal results.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import ftfy
import pytest
from ftfy.badness import BADNESS_RE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.parse import dates, fields, urls
from citecheck.parse.notes import find_footnotes
from citecheck.sources import normalize

ROOT = Path(__file__).resolve().parents[2]
CORPUS = json.loads((ROOT / "fixtures" / "footnotes" / "corpus.json").read_text("utf-8"))
ANYSTYLE = [
    json.loads(line)["text"]
    for line in (ROOT / "fixtures" / "anystyle" / "expected.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]
# Every footnote of the 14-style corpus, as the parser sees it.
NOTES = [
    entry.text
    for document in CORPUS
    for entry in find_footnotes(normalize.normalize_text(document["document"])).entries
]
REAL_TEXTS = NOTES + ANYSTYLE[::7]
DOCUMENT_LINES = [
    line for document in CORPUS for line in document["document"].splitlines() if line.strip()
]

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def joined(pieces: list[str]) -> st.SearchStrategy[str]:
    """Text made of the given pieces in any order (the pieces that steer a fast path)."""
    return st.lists(st.sampled_from(pieces), max_size=40).map("".join)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

DATE_PIECES = [
    "14", "4", "04", "2023", "23", "31", "1999", "12", "0", "7",
    ".", "/", "-", " ", "  ", ", ", ". ", ",", ":", "(", ")",
    "april", "apr", "may", "mart", "mars", "ocak", "апреля", "янв", "de ", "of ", "th",
    "st", "er", "eme", "del ", "г.", "year", "omar", "dismay", "x", "a", "ab",
    "年", "月", "日", "년", "월", "일", "retrieved ", "accessed ", "tarihinde", "erisildi",
    "閲覧", "<http://x.org>", "дата обращения: ", "\u00a0", "\n",
]  # fmt: skip


def reference_candidates(f: str) -> list[Any]:
    """The candidates as found before the fast paths: every pattern scanned from 0."""
    found: list[Any] = []
    for pattern, build in dates._PATTERNS:
        found.extend(dates._scan(pattern, f, build))
    return dates._earliest_longest(found, lambda c: (c.fs, c.fe))


def reference_fold(text: str) -> tuple[str, list[int] | None]:
    """The folding as it was: ``_fold_char`` mapped over the text, and the index map."""
    parts = [dates._fold_char(c) for c in text]
    folded = "".join(parts)
    idx = [i for i, p in enumerate(parts) if p] if len(folded) != len(text) else None
    return folded, idx


class TestDateCandidates:
    """``_candidates`` with its digit, month-word and separator gates."""

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_notes(self, text: str) -> None:
        """Every real note of the fixtures gives the candidates of the ungated scan."""
        f = dates._Folded(text).f
        assert dates._candidates(f) == reference_candidates(f)

    @PROPERTY
    @given(joined(DATE_PIECES))
    def test_generated(self, text: str) -> None:
        """Text built from date pieces gives the candidates of the ungated scan."""
        f = dates._Folded(text).f
        assert dates._candidates(f) == reference_candidates(f)

    @pytest.mark.parametrize(
        "text",
        [
            "Omar, May 14, 2023",  # a month word inside a longer word, then a real one
            "mar 14 2023 and 14 mart 2023",
            "2023, April 14",
            "14 de abril de 2023",
            "10.2023/24 4/14/23 14-04-2023 2023.04.14",
            "2023年4月14日閲覧",
            "14-Apr-23",
            "x 1.2.2017 y",
        ],
    )
    def test_gate_edges(self, text: str) -> None:
        """Dates at the bounds the gates assume are found as without the gates."""
        f = dates._Folded(text).f
        assert dates._candidates(f) == reference_candidates(f)
        assert dates._candidates(f), "each case holds at least one date"

    def test_no_digit_no_scan(self) -> None:
        """Text without a digit has no candidates, whatever words it holds."""
        assert dates._candidates("accessed april may june retrieved") == []


class TestFolding:
    """``_Folded`` through the translate table gives ``_fold_char`` mapped over the text."""

    @PROPERTY
    @given(st.text(max_size=60))
    def test_any_text(self, text: str) -> None:
        """Any Unicode text folds to the same characters and offsets as the plain map."""
        folded = dates._Folded(text)
        f, idx = reference_fold(text)
        assert folded.f == f
        assert (list(folded.idx) if folded.idx is not None else None) == idx

    @pytest.mark.parametrize(
        "text", ["ERİŞİM TARİHİ 14 Nisan", "S\u0327ubat", "Date\u00adof", "𝐀pril 14", "Ａｐｒｉｌ"]
    )
    def test_special_characters(self, text: str) -> None:
        """Dotted capitals, combining marks, soft hyphens and astral letters fold as before."""
        assert dates._Folded(text).f == reference_fold(text)[0]


class TestAccessDateGate:
    """``find_access_dates`` skips the date scan when no label and no postfix is present."""

    @staticmethod
    def ungated(text: str, monkeypatch: pytest.MonkeyPatch) -> list[dates.FoundDate]:
        with monkeypatch.context() as patch:
            patch.setattr(dates, "_may_have_postfix", lambda f: True)
            return dates.find_access_dates(text)

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_notes(self, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every real note gives the access dates it gives with the gate turned off."""
        assert dates.find_access_dates(text) == self.ungated(text, monkeypatch)

    @PROPERTY
    @given(joined(DATE_PIECES))
    def test_generated(self, text: str) -> None:
        """Text built from date pieces and labels gives the access dates of the ungated path."""
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dates, "_may_have_postfix", lambda f: True)
            expected = dates.find_access_dates(text)
        assert dates.find_access_dates(text) == expected


# --------------------------------------------------------------------------
# URL anchors
# --------------------------------------------------------------------------

URL_PIECES = [
    "http", "https", "HTTPS", "ftp", "file", "FİLE", "fıle", "://", ":", "//", " //", ": ",
    "\t", "www", "WWW", "wwW2", ".", "doi", "DOİ", "doı", "dx.", "org", "com", "ru", "/",
    "10.", "1234", "5", "\\", "\\\\", "C:", "a", "Z", "x-y", "-", "(", "[", "]", "«", "“",
    ",", ";", " ", "\n", "%", "~", "İ", "ı", "ſ", "é", "Казахстан", "example",
]  # fmt: skip


def anchor_walk(text: str) -> tuple[list[Any], list[Any]]:
    """``_Anchors.search`` and ``_ANCHOR.search`` for every start position, in order."""
    anchors = urls._Anchors(text)
    fast: list[Any] = []
    plain: list[Any] = []
    for pos in range(len(text) + 1):
        fast.append(anchors.search(pos))
        m = urls._ANCHOR.search(text, pos)
        plain.append(None if m is None else (m.lastgroup, m.start(), m.end()))
    return fast, plain


class TestUrlAnchors:
    """``_Anchors`` finds what the single ``_ANCHOR`` alternation finds."""

    def test_same_alternatives(self) -> None:
        """``_ANCHOR`` is the alternation of the parts ``_Anchors`` searches one by one."""
        names = [name for name, _ in urls._ANCHOR_PARTS]
        assert list(urls._ANCHOR.groupindex) == names
        assert set(urls._ANCHOR_LITERALS) <= set(names)

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_notes(self, text: str) -> None:
        """Every real note gives the anchor of the alternation at every start position."""
        fast, plain = anchor_walk(text)
        assert fast == plain

    @PROPERTY
    @given(joined(URL_PIECES))
    def test_generated(self, text: str) -> None:
        """Text built from URL pieces (odd cases included) gives the alternation's anchors."""
        fast, plain = anchor_walk(text)
        assert fast == plain

    @pytest.mark.parametrize(
        "text",
        [
            "see nytimes.com/2016/09/02/x and (bbc.co.uk/news)",
            "www.example.com/a [en ligne].www.cairn.info/x",
            "doi: 10.1000/182 and https://dx.doi.org/10.1000/183",
            "C:\\Users\\x\\r.pdf \\\\server\\share\\x file:///home/x",
            "http: //www.academia.edu/1 http: www.bishopmuseum.org/x",
            "FİLE:/home/x DOİ:10.1234/abc HTTPſ://x.org",
        ],
    )
    def test_every_kind(self, text: str) -> None:
        """Each kind of anchor, case variants included, is found as by the alternation."""
        fast, plain = anchor_walk(text)
        assert fast == plain
        assert any(plain), "each case holds an anchor"


EARLY_END_PIECES = [
    *URL_PIECES, "(", "[", "{", "&", "&nbsp;", "&#x3c;", "[12]", "://", "https://", "FTP://",
    ".", ",", ";", "\u200b", "\u00ad", "a", "/", "?", ")", "]",
]  # fmt: skip


def plain_early_end(text: str, start: int, end: int) -> int:
    """Where ``_EARLY_END`` cuts ``text[start:end]``, the regex tried without its pre-check."""
    m = urls._EARLY_END.search(text, start + 1, end)
    return end if m is None else m.start()


class TestUrlPrechecks:
    """The cheap pre-checks before two URL regexes decide as the regexes do."""

    @PROPERTY
    @given(joined(EARLY_END_PIECES), st.integers(0, 200), st.integers(0, 200))
    def test_early_end(self, text: str, start: int, end: int) -> None:
        """A run is cut where the plain ``_EARLY_END`` search cuts it."""
        end = min(end, len(text))
        cut = urls._cut_run(text, start, end)
        plain = plain_early_end(text, start, end)
        assert cut <= plain  # the later rules only shorten it further
        assert urls._cut_run(text, start, plain) == cut

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_early_end_real(self, text: str) -> None:
        """On every real note, from every anchor's end, the cut is the plain one's."""
        for found in urls.find_urls(text):
            for start in (found.start, found.start + 3):
                plain = plain_early_end(text, start, len(text))
                assert urls._cut_run(text, start, len(text)) == urls._cut_run(text, start, plain)

    @PROPERTY
    @given(
        joined(["https://", "web.archive.org/", "ARCHIVE.PH/", "arquivo.pt/wayback/", "x" * 30])
        | st.text(max_size=90)
        | joined(["archive.is/", "İ", "ſ", "K", "webcitation.org/", "a", "/"])
    )
    def test_archive_host(self, url: str) -> None:
        """``is_archive_url`` answers as the host regex over the first 80 characters."""
        from citecheck.parse.assemble import _ARCHIVE_HOST, is_archive_url

        assert is_archive_url(url) is (_ARCHIVE_HOST.search(url, 0, 80) is not None)


# --------------------------------------------------------------------------
# ftfy skip
# --------------------------------------------------------------------------


def mojibake(text: str) -> list[str]:
    """``text`` as UTF-8 misread in the single-byte encodings ftfy repairs."""
    out = []
    for encoding in ("cp1252", "latin-1", "cp1251", "cp1250", "cp1253", "cp1257", "mac_roman"):
        out.append(text.encode("utf-8").decode(encoding, errors="replace"))
    return out


FIXTURE_CHARS = sorted({c for line in DOCUMENT_LINES for c in line})
MOJIBAKE_SAMPLES = [
    sample
    for word in ("Kazakhstan’s", "“Title”", "Erişim Tarihi", "дата обращения", "Zugriff: März",
                 "déjà vu", "«Défense»", "№ 5", "½ €")
    for sample in mojibake(word)
]  # fmt: skip
FTFY_PIECES = FIXTURE_CHARS + MOJIBAKE_SAMPLES + ["\u0301", "ﬁ", "Ａ", "\x1b[31m", "\r", "\x85"]


class TestFtfySkip:
    """``_ftfy_keeps`` is only true of lines ftfy returns unchanged."""

    @PROPERTY
    @given(joined(FTFY_PIECES))
    def test_kept_lines_are_unchanged(self, line: str) -> None:
        """A line the pre-filter lets skip ftfy is one ftfy would not change."""
        if normalize._ftfy_keeps(line):
            assert ftfy.fix_text(line, normalize._FTFY_CONFIG) == line

    @PROPERTY
    @given(joined(FTFY_PIECES))
    def test_hint_covers_badness(self, line: str) -> None:
        """Where ftfy's mojibake heuristic fires, the hint fires too."""
        if BADNESS_RE.search(line):
            assert normalize._MOJIBAKE_HINT.search(line)

    @PROPERTY
    @given(st.from_regex(BADNESS_RE))
    def test_hint_on_badness_matches(self, line: str) -> None:
        """Every string ftfy's heuristic matches is matched by the hint."""
        assert normalize._MOJIBAKE_HINT.search(line)

    @pytest.mark.parametrize("sample", MOJIBAKE_SAMPLES)
    def test_mojibake_goes_to_ftfy(self, sample: str) -> None:
        """Real mojibake that ftfy repairs is never kept from it."""
        if ftfy.fix_text(sample, normalize._FTFY_CONFIG) != sample:
            assert not normalize._ftfy_keeps(sample)

    @pytest.mark.parametrize("line", DOCUMENT_LINES)
    def test_fixture_lines(self, line: str) -> None:
        """Every line of the corpus that skips ftfy is one ftfy leaves alone."""
        if normalize._ftfy_keeps(line):
            assert ftfy.fix_text(line, normalize._FTFY_CONFIG) == line

    @pytest.mark.parametrize("document", [entry["document"] for entry in CORPUS])
    def test_documents(self, document: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """Each corpus document normalises as it does with ftfy run on every non-ASCII line."""
        fast = normalize.normalize_text(document)
        monkeypatch.setattr(normalize, "_ftfy_keeps", lambda segment: False)
        assert fast == normalize.normalize_text(document)


# --------------------------------------------------------------------------
# Fields helpers
# --------------------------------------------------------------------------


def reference_split_sentences(s: str) -> list[str]:
    """``_split_sentences`` as it was: one character at a time."""
    out: list[str] = []
    start = 0
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch == fields._SEP:
            out.append(s[start:i])
            start = i + 1
        elif ch in ".?!" and (i + 1 >= n or s[i + 1].isspace() or s[i + 1] == fields._SEP):
            if ch == ".":
                j = i
                while j > start and not s[j - 1].isspace():
                    j -= 1
                if fields._is_abbrev(s[j : i + 1]):
                    i += 1
                    continue
                out.append(s[start:i])
            else:
                out.append(s[start : i + 1])
            start = i + 1
        i += 1
    out.append(s[start:])
    return [p.strip() for p in out if p.strip()]


SENTENCE_PIECES = [
    "Title", "U.S.", "J.", "Inc.", "no.", ".", "?", "!", "...", " ", "\n", "\t", "\u00a0",
    "\u2028", "\x00", "\x1c", "word", "A", "x.y", "Yu.", "é", "Иванов И. И.", "  ",
]  # fmt: skip


class TestFieldHelpers:
    """The rewritten text helpers of ``fields`` match their plain versions."""

    @PROPERTY
    @given(joined(SENTENCE_PIECES))
    def test_split_sentences(self, text: str) -> None:
        """Sentences split from candidate to candidate as they did character by character."""
        assert fields._split_sentences(text) == reference_split_sentences(text)

    @PROPERTY
    @given(st.text(max_size=40) | joined(SENTENCE_PIECES))
    def test_squash(self, text: str) -> None:
        """The printable shortcut of ``_squash`` gives the substitution's result."""
        assert fields._squash(text) == fields._WS.sub(" ", text).strip()

    @pytest.mark.parametrize("text", REAL_TEXTS)
    def test_real_sentences(self, text: str) -> None:
        """Every real note splits into the sentences of the plain loop."""
        assert fields._split_sentences(text) == reference_split_sentences(text)

    def test_digit_and_letter_classes(self) -> None:
        """``_has_digit`` and ``_has_letter`` agree with ``str.isdigit``/``isalpha`` everywhere."""
        for code in range(sys.maxunicode + 1):
            ch = chr(code)
            assert fields._has_digit(ch) is ch.isdigit(), hex(code)
            assert fields._has_letter(ch) is ch.isalpha(), hex(code)

    @PROPERTY
    @given(st.text(max_size=40) | joined([*SENTENCE_PIECES, "²", "½", "Ⅻ", "٣", "①", "_", "7"]))
    def test_has_digit_and_letter(self, text: str) -> None:
        """The regex checks give what ``any`` over the characters gives."""
        assert fields._has_digit(text) is any(ch.isdigit() for ch in text)
        assert fields._has_letter(text) is any(ch.isalpha() for ch in text)

    @PROPERTY
    @given(
        st.text(max_size=12) | joined(["J", "-", "P", ".", "Prof", "hrsg", "U", "S", "İ", "x" * 7])
    )
    def test_is_abbrev_shortcut(self, tok: str) -> None:
        """A long undotted word is ruled out early, as the full rules rule it out."""
        core = tok.rstrip(".")
        full = bool(core) and (
            fields._is_initial(tok)
            or ("." in core and all(len(p) <= 2 for p in core.split(".")))
            or core.lower() in fields._ABBREVS
        )
        assert fields._is_abbrev(tok) is full


# --------------------------------------------------------------------------
# Linear time
# --------------------------------------------------------------------------


class TestPathologicalInputs:
    """The fast paths stay linear on the fuzzer's inputs."""

    @pytest.mark.parametrize(
        "text",
        [
            "1 may " * 170_000,
            "www" * 340_000,
            "10." * 340_000,
            "doi " * 250_000,
            "a.b/" * 250_000,
            ":\\" * 500_000,
            "14.04." * 170_000,
        ],
    )
    def test_one_megabyte(self, text: str) -> None:
        """A 1 MB run of anchors and near-dates is scanned in seconds."""
        started = time.process_time()
        dates._candidates(dates._Folded(text).f)
        urls._Anchors(text).search(0)
        normalize._ftfy_keeps(text)
        fields._split_sentences(text)
        assert time.process_time() - started < 30

    def test_mojibake_hint_megabyte(self) -> None:
        """The hint's look-behinds keep a 1 MB line of quotes and accents linear."""
        line = "é”«»“Ã" * 170_000
        started = time.process_time()
        normalize._MOJIBAKE_HINT.search(line)
        assert time.process_time() - started < 5

    def test_regex_flags_unchanged(self) -> None:
        """Each anchor alternative is compiled case-insensitively, as the alternation is."""
        assert all(p.flags & re.IGNORECASE for p in urls._ANCHOR_RES.values())
