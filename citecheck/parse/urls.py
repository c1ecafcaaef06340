"""Find the URLs and DOIs a footnote or body text cites.

What is found, in text order, each span at most once:

* ``scheme://…`` for any scheme (``http``, ``https``, ``ftp``, ``file``, and
  oddities like ``hxxps://`` or ``s3://``): a source that verification cannot
  fetch is still returned, so that it can be flagged rather than silently lost.
* bare ``www.`` addresses (``https://`` is prefixed), also glued on by a
  period (``[en ligne].www.cairn.info/…``) or with a space after ``www.``
  when a dotted host follows (``www. work.chron.com``).
* schemeless host + path, as MLA 8/9 writes them (``nytimes.com/2016/09/02/…``,
  ``carnegieendowment.org/politika/88698``): ``https://`` is prefixed. Only
  with a path (``/`` and at least one path character), a lower-case TLD that
  is a common generic one or a country code, a second-level label with a
  letter, at the start of a word (not inside a word, an email or another
  URL), and not a file name (``report.pdf/``, ``setup.py/``). A bare domain
  without a path ("Fmprc.gov.cn, September 15" in the Jamestown seed) is *not*
  a URL: that is how many styles name a source's website.
* broken scheme separators: ``http: //www.…``, ``http //gmv.…``,
  ``125-159.http: //www.academia.edu/…``, ``http: www.…`` (only for
  ``http``, ``https`` and ``ftp``, and only with a dotted host after).
* DOIs: ``doi:10.…``, ``DOI: 10.…``, ``DOI 10.…``, ``doi.org/10.…`` and any
  ``http(s)://(dx.|www.)doi.org/10.…`` URL. The url is always
  ``https://doi.org/<doi>`` and ``doi`` holds the bare ``10.xxxx/…``. A bare
  ``10.1234/abc`` with no label is taken only when the registrant has 4-9
  digits and the suffix holds a letter, one of ``. - _ ; ( )`` or five digits
  in a row (SAGE's ``10.1177/0010836720954481``) – so that a number like
  ``10.2023/24`` is not mistaken for one (the price: the DOI Handbook's own
  ``10.1000/182`` is only found when labelled).
* ``http : / / x . org``, ``https ://x.org`` and a scheme broken by a line
  break (``https:`` + newline + ``//x.org``, ``http`` + newline + ``s://x.org``).
* ``file:`` URLs (``file:///…`` and ``file:/…``), Windows paths pasted from an
  author's disk (``C:\\Users\\…\\report.pdf`` becomes ``file:///C:/Users/…``) and
  UNC paths (``\\\\server\\share\\x`` becomes ``file://server/share/x``).
* Not returned: ``mailto:``, ``javascript:``, ``data:``, ``tel:``, ``urn:`` and
  other schemes without ``//``. In plain text these are contact details or
  page-script residue, not sources; a footnote that cites them has no source
  to check anyway. Bare Unix paths (``/home/x``) are not returned either.

Rejoining: a URL broken by a line break is rejoined when the piece before
cannot be complete (ends in ``-``, ``_``, ``=``, ``&``, a soft hyphen, an
empty DOI suffix, ``://``) or when the next line's first token carries an
unmistakable URL sign (``/``, ``=``, ``%20``, ``_``, a file extension; see
``_joins``). A hyphen at the break is kept: in a URL slug it belongs to the URL
(Jamestown seed: ``…/kazakhstans-`` + newline + ``expanding-…/``).

PDF text (theses and papers through pdftotext; ``fixtures/sections``) breaks
long URLs anywhere, so a few more breaks are rejoined at a line end:

* inside the scheme: ``https:`` + newline + ``//…``, ``http`` + newline +
  ``s://…`` (as ``brokensep`` anchors, with French typography's ``https ://``
  and LaTeX's spaced-out ``http : / / kafka . apache . org / 28 /``, whose
  separators are read as written with spaces around them);
* a path word cut anywhere, when the next line's first token is one word of
  URL shape that ends the phrase (``https://sjp.pl/`` + newline +
  ``harmonogramowanie. Dostęp …``, ``…/ct-scan-vs-m`` + newline + ``ri)``;
  see ``_word_rest``), an extension (``….ht`` + ``ml``) or a percent escape
  (``…%E2%80%`` + ``93…``) cut in two, a slug broken before its hyphen
  (``…/cardiovascular`` + newline + ``-diseases``), a host before its TLD
  (``https://hub.docker.`` + newline + ``com.``) or its dot;
* across an empty line, only after ``-``, ``_`` or ``/`` before a token with
  URL signs, or after ``.`` before an extension alone;
* biblatex's breaks after hyphens, which pdftotext shows as ``progressive-
  web- apps-``: a piece with a hyphen of its own joins after ``- ``, and from
  then on any word after a ``- ``.

Across a single *space* (reference corpora where line breaks became spaces,
measured on AnyStyle's; see ``docs/accuracy.md``) only shapes that prose does
not take are rejoined:

* a host broken after ``www.`` or a dot (``http://www. military-today.com/…``,
  ``http://dx.doi. org/10.…``) or after a hyphen when a dotted host follows
  (``http://www.dca- project.eu/…``);
* a DOI suffix that cannot be complete: empty (``doi: 10.1000/ 182``), ending
  in ``-`` or ``:`` before a token with a digit (``10.1016/S0045- 6535(00)…``,
  ASCE's ``…118: 7(1031)``), or in ``.`` after a journal code before a token
  with a digit (``10.1016/j. memsci.2011.11.020``, ``10.1002/ ldr. 1091``),
  and Wiley's ``j.<ISSN>.<year>.<number>.x`` while still a prefix of it; also
  ``http://dx.doi.org/`` + space + ``10.…``;
* a path piece after ``/``, ``-`` or ``_`` before a token with several ``/``
  (not a date), or with a ``/`` plus slug signs, or ending in a file extension
  (``…/documents/ Sovereign_Credibility.pdf``, ``…/ fullnewsletter.aspx?id=21``);
  after a ``.`` only a lower-case extension (``…/issues. html?issue=64``); after
  a letter or digit only a token with an extension or a percent escape
  (``…/Final BrochureWHA2008a.pdf``), one starting with ``-`` (a hyphenated
  word broken before its hyphen), or anything after an encoded space ``%20``;
* once spaced out after ``://`` (``http:// www.ecologyandsociety.org/ vol15/
  iss4/ art20``), single path segments after a ``/``.

A token that starts a host of its own (``b.org/y``), a scheme, ``www.`` or a
DOI is never joined. Inside ``<…>`` (ABNT's ``Disponível em: <https://…>``,
RFC 3986 appendix C; also ``< http:// www.… >`` with spaces inside the
brackets) every whitespace break up to the ``>`` is rejoined. SICI DOIs keep
their ``<…>`` part (``…12:8<1371::AID-HYP620>3.0.CO;2-C``), skipping a space
after the ``::``. A DOI whose suffix is a single letter (``10.1016/j`` + a break
that could not be rejoined) is not returned: it would only mislead.

Normalisation is minimal: scheme and host are lowercased, zero-width
characters and soft hyphens are dropped, the path is kept exactly, except for
typographic stand-ins a reader undoes: U+2010/U+2011 hyphens between letters
or digits become ``-`` (``10.1007/s00168‐016‐0766‐5``), ``˜``/``∼`` after ``/``
become ``~`` (``qwone.com/˜jason``), a ``¬`` inside a word is dropped (a
discretionary hyphen), and LaTeX escapes ``\\& \\_ \\% \\# \\~ \\$`` lose their
backslash. A ``’`` between letters is read as part of the URL when the URL goes
on after the word (``…/Suchman’s+Making…``) and kept as written; an en dash
still ends a URL (``pp. 12–15``). Unicode hosts and paths are kept as
written; ``<``/``>`` in a SICI DOI are not percent-encoded.

Everything runs in linear time: the anchors are found with one bounded regex,
URL bodies by forward scanning, every look-ahead bounded.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import urllib.parse
from collections.abc import Callable
from typing import cast

import attrs


@attrs.frozen
class FoundUrl:
    """A URL found in text.

    ``url`` is cleaned and absolute (a bare ``www.`` address gets ``https://``,
    a DOI becomes ``https://doi.org/…``); ``start``/``end`` are the offsets in
    the searched text of everything it was read from (including a line break it
    was rejoined across), so that callers can mask it out; ``raw`` is that text.
    """

    url: str
    start: int
    end: int
    raw: str
    doi: str | None = None


# --- character classes -----------------------------------------------------

# Invisible characters that PDF/Word exports leave inside URLs: they are read
# through and dropped from ``url`` (kept in ``raw``).
_IGNORABLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_SOFT_BREAKS = frozenset("\u00ad")

# RFC 3986 unreserved + reserved + "%". Everything else in ASCII (space,
# ``" < > \\ ^ ` { | }``) ends a URL: ``<https://…>`` and ``{https://…}``
# (BibTeX) delimit it.
_ASCII_URL_RUN = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_ASCII_PATH_RUN = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%\\]+")


@functools.lru_cache(maxsize=8192)
def _nonascii_url_char(c: str) -> bool:
    """Whether a non-ASCII character can be inside a URL as written (an IRI).

    Letters, combining marks and decimal digits of any script can
    (``https://ru.wikipedia.org/wiki/Казахстан``); punctuation and symbols
    cannot: typographic quotes (``https://x.org/a”,``), dashes, ``…``, ``«»``
    and superscript footnote numbers (``https://x.org/a¹``) all end it.
    """
    if c in _IGNORABLE:
        return True
    cat = unicodedata.category(c)
    return cat[0] in "LM" or cat in ("Nd", "Nl")


# Typographic stand-ins that PDF and word-processor exports put inside URLs and
# DOIs. They are read as URL characters only between URL characters (as a
# hyphen, tilde or apostrophe inside a word), so that the same characters as
# punctuation still end a URL, and ``url`` carries the ASCII character:
# * U+2010/U+2011 hyphens (AnyStyle: ``doi:10.1007/s00168‐016‐0766‐5``, Czech
#   ``zivotni\u00ad‑prostredi`` with a soft hyphen before each);
# * U+02DC ``˜`` and U+223C ``∼`` after a ``/`` (``http://qwone.com/˜jason/…``);
# * U+00AC ``¬``, a discretionary-hyphen artefact (``…/hpd/¬hpgreeting.htm``),
#   dropped;
# * ``’`` between letters when the URL goes on after the word
#   (``…/Suchman’s+Making+Work+Visible.pdf``); kept as written, like any IRI
#   character, since that is the file's name;
# * ``·`` between letters or digits (Europresse's
#   ``…/news·20170219·SOF·005``), kept as written; a spaced ``·`` separating
#   two parts of a reference still ends the URL.
_TYPO_HYPHENS = frozenset("\u2010\u2011")
_TYPO_TILDES = frozenset("\u02dc\u223c")
_TYPO_DROP = "\u00ac"
_APOSTROPHE = "\u2019"
_MIDDLE_DOT = "\u00b7"
_CLEAN_TABLE = str.maketrans(
    {**{c: None for c in _IGNORABLE}, _TYPO_DROP: None, **dict.fromkeys(_TYPO_HYPHENS, "-")}
    | dict.fromkeys(_TYPO_TILDES, "~")
)
# LaTeX escapes left in BibTeX-derived references (``…?issue=64\\&id=6``): read
# through in web addresses and DOIs, unescaped in ``url``.
_LATEX_ESCAPED = frozenset("&_%#~$")
_LATEX_ESCAPE = re.compile(r"\\([&_%#~$])")


def _word_char(c: str) -> bool:
    """Whether ``c`` is a letter or digit of any script (or an invisible join)."""
    return c.isalnum() or c in _IGNORABLE


def _contextual(text: str, i: int, backslash: bool) -> bool:
    """Whether the character at ``i``, not a URL character by itself, is one here.

    Only the neighbours decide, so membership stays a property of the position
    and a scan from anywhere inside a run ends where a scan from its start does.
    """
    c = text[i]
    n = len(text)
    nxt = text[i + 1] if i + 1 < n else ""
    prev = text[i - 1] if i > 0 else ""
    if c == "\\":
        return not backslash and nxt in _LATEX_ESCAPED and nxt != ""
    if c in _TYPO_HYPHENS:
        return _word_char(prev) and nxt.isalnum()
    if c in _TYPO_TILDES:
        return prev == "/" and nxt.isalnum()
    if c == _TYPO_DROP:
        return (prev.isalnum() or prev == "/") and nxt.isalnum()
    if c == _MIDDLE_DOT:  # Europresse's ``…/news·20170219·SOF·005``
        return _word_char(prev) and nxt.isalnum()
    if c == _APOSTROPHE:
        if not (prev.isalpha() and nxt.isalpha()):
            return False
        j = i + 1
        while j < n and j < i + 64 and text[j].isalpha():
            j += 1
        # ``x.org’s data`` is prose; ``…/Suchman’s+Making`` goes on.
        return j < n and text[j] in "+-_%/=&~"
    return False


def _scan_run(text: str, i: int, backslash: bool = False) -> int:
    """End of the run of URL characters starting at ``i`` (linear)."""
    run = _ASCII_PATH_RUN if backslash else _ASCII_URL_RUN
    n = len(text)
    while i < n:
        m = run.match(text, i)
        if m is not None:
            i = m.end()
            continue
        c = text[i]
        if ord(c) >= 128 and _nonascii_url_char(c):
            i += 1
            continue
        if _contextual(text, i, backslash):
            i += 1
            continue
        break
    return i


# Inside a run, these end the URL early:
# * punctuation followed by an opening bracket: ``https://x.org/a,(Date`` (ANKASAM
#   footnotes put ", (Date of Accession: …)" after the URL; without the space
#   the comma and bracket are still not part of it);
# * a footnote marker ``[3]`` glued to a URL: ``…/page.html[3]``;
# * an HTML entity for a character no URL holds, left in exported text
#   (ProQuest's RIS notes: ``…/licenses/by/4.0/).&nbsp;&nbsp;Notwithstanding``);
# * a second scheme glued on: ``https://a.org/xhttps://b.org`` (two links
#   pasted without a space), while Wayback's ``/web/2020/https://…`` and
#   redirect ``?url=https://…`` stay whole.
_GLUED_SCHEME = re.compile(r"(?i:https?|ftp)://")
_IGN = "\u00ad\u200b-\u200d\u2060\ufeff"
_EARLY_END = re.compile(
    rf"[.,;:!?](?=[{_IGN}]{{0,8}}[(\[{{])"
    r"|&(?:nbsp|lt|gt|quot|#0*(?:160|60|62|34)|#x0*(?:a0|3c|3e|22));"
    r"|\[(?=\d{1,4}\])"
    rf"|(?:(?<=[^\W_])|(?<=[.,;)\]{_IGN}]))(?=(?i:https?|ftp)://)"
)


def _cut_run(text: str, start: int, end: int, *, no_glued: bool = False) -> int:
    """Shorten the run ``text[start:end]`` where a rule above says it ends."""
    # No pre-check on a slice of the run here: a run of a megabyte is cut many
    # times, and copying it each time made find_urls quadratic (the search
    # itself stops at the first early end).
    m = _EARLY_END.search(text, start + 1, end)
    if m is not None:
        end = m.start()
    if no_glued:  # no DOI or path holds a URL: ``10.1234/x?https://…`` is two pastes
        m = _GLUED_SCHEME.search(text, start, end)
        if m is not None:
            end = m.start()
    # ``[`` starts an IPv6 literal host (``http://[::1]/``) or a query's array
    # syntax (``?a[]=1``); anywhere else it is text (``…/a[note]``).
    i = text.find("[", start, end)
    if i != -1:
        if i >= 2 and text[i - 2 : i] == "//":
            i = text.find("[", i + 1, end)
        if i != -1 and text.find("?", start, i) == -1:
            end = i
    return end


# --- anchors -----------------------------------------------------------------

# Every alternative is bounded, so a search is linear in the text scanned.
# ``host`` can only start where a word starts (its look-behind), and a word is
# read at most once by it, so it adds no more than a bounded cost per word.
_HOST_BOUNDARY = r"[\s(\[{<\"'“‘«„,;]"
_HOST_BODY = r"(?:[A-Za-z0-9][A-Za-z0-9\-]{0,62}\.){1,6}[a-z]{2,12}/(?=[^\W_]|[%~])"
_ANCHOR_PARTS: tuple[tuple[str, str], ...] = (
    ("sep", r"://"),
    ("doihost", r"(?<![\w.@/\-])(?:dx\.|www\.)?doi\.org/(?=10\.\d)"),
    # ``[en ligne].www.cairn.info/…`` (a Quebec label glued on by a period).
    (
        "www",
        r"(?:(?<![\w.@/\-])|(?<=[\])]\.))www\d{0,3}\."
        r"(?=[^\W_][\w\-]{0,62}(?:\.\w|-[ ][a-z0-9])| [a-z0-9][a-z0-9\-]{0,62}\.[a-z])",
    ),
    ("doilabel", r"(?<!\w)doi[ \t]{0,3}[:.]?\s{0,3}(?=10\.\d)"),
    ("bare", r"(?<![\w./\-])10\.\d{4,9}(?:\.\d{1,9}){0,3}/"),
    ("win", r"(?<![\w\\/])[A-Za-z]:\\(?=[^\s\\])"),
    ("unc", r"(?<![\w\\/])\\\\(?=[A-Za-z0-9])"),
    ("filecolon", r"(?<!\w)file:(?=/[^/]|[A-Za-z]:[\\/])"),
    # ``http: //www.…``, ``http //gmv.…``, ``125-159.http: //www.academia.edu/…``,
    # ``http: www.bishopmuseum.org/…``: a separator broken by a space or a lost
    # colon. Only these three well-known schemes: the word before ``//`` decides.
    # PDF text adds ``https:`` + newline + ``//aws.amazon.com/…`` and ``http`` +
    # newline + ``s://proceedings.neurips.cc/…`` (a line break inside the scheme),
    # French typography's ``https ://fr.wikipedia.org/``, and LaTeX's spaced-out
    # ``http : / / static . esla.com/…`` (pdftotext of ``\url`` in some fonts).
    (
        "brokensep",
        r"(?<![A-Za-z])(?i:https?|ftp)"
        r"(?::?[ \t]{1,2}//(?=[^\W_])|:[ \t]{1,2}(?=www\d{0,3}\.[^\W_])"
        r"|:[ \t]{0,3}(?:\r\n|\n|\r)[ \t]{0,3}//(?=[^\W_])"
        r"|(?<=[Pp])[ \t]{0,3}(?:\r\n|\n|\r)[ \t]{0,3}[Ss]://(?=[^\W_])"
        r"|[ \t]{1,2}:[ \t]{0,2}//(?=[^\W_])"
        r"|[ \t]{0,2}:[ \t]{0,2}/[ \t]{1,2}/[ \t]{0,2}(?:(?:\r\n|\n|\r)[ \t]{0,3})?(?=[^\W_]))",
    ),
    # MLA 8/9 ``nytimes.com/2016/09/02/…``: a host without scheme or ``www.``,
    # taken only with a path; the TLD and the rest are checked in ``_host_ok``.
    ("host", r"(?<![^" + _HOST_BOUNDARY[1:] + ")" + _HOST_BODY),
)
# The anchors as one alternation: the leftmost match, the first alternative
# winning at a position. ``_Anchors`` finds the same matches faster.
_ANCHOR = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in _ANCHOR_PARTS), re.IGNORECASE
)
_ANCHOR_RES = {
    name: re.compile(f"(?P<{name}>{pattern})", re.IGNORECASE) for name, pattern in _ANCHOR_PARTS
}
# ``host`` with the character its look-behind requires consumed in front (or
# none, at the start of the text): a leading character class lets the regex
# engine skip to the next space or bracket instead of trying every position.
_HOST_AFTER_BOUNDARY = re.compile(_HOST_BOUNDARY + _HOST_BODY, re.IGNORECASE)
# Alternatives whose every match starts at a fixed offset before a literal
# (found case-insensitively in the lowered text): (literal, offset).
_ANCHOR_LITERALS = {
    "sep": ("://", 0),
    "www": ("www", 0),
    "doilabel": ("doi", 0),
    "bare": ("10.", 0),
    "win": (":\\", 1),
    "unc": ("\\\\", 0),
    "filecolon": ("file:", 0),
}


class _Anchors:
    """``_ANCHOR.search(text, pos)`` for increasing ``pos``, one alternative at a time.

    ``_ANCHOR`` tries ten alternatives at every character, and a note is
    mostly prose. Here each alternative is looked for alone: most start with a
    literal (``://``, ``www``, ``doi``, ``10.``), so only the places where the
    literal occurs are tried; the others are skipped when the text lacks what
    every match holds (most notes have no DOI, no broken ``http: //``), and
    ``host`` jumps from one word start to the next. Each alternative keeps its
    next match until ``pos`` passes it. The leftmost of those next matches,
    the first alternative winning a tie, is the match ``_ANCHOR`` finds,
    because a match at a position does not depend on where the search began.
    Returned as ``(kind, start, end)``.
    """

    __slots__ = ("low", "same", "text", "todo")

    def __init__(self, text: str) -> None:
        self.text = text
        # "ı", "ſ" and "İ" match i and s case-insensitively; "İ".lower() is
        # "i̇" (two characters), so only without it are offsets in ``low``
        # offsets in ``text``.
        low = text.lower().replace("ı", "i").replace("ſ", "s")
        self.same = "\u0130" not in text
        if not self.same:
            low = low.replace("\u0307", "")
        self.low = low
        wanted = {name for name, (literal, _) in _ANCHOR_LITERALS.items() if literal in low}
        if "doi.org/" in low:
            wanted.add("doihost")
        if "10." not in text:
            wanted.discard("doilabel")  # its look-ahead wants a DOI
        if ("http" in low or "ftp" in low) and (
            " //" in text
            or "\t//" in text
            or "\n//" in text
            or " :" in text
            or "/ /" in text
            or "\ns://" in low
            or ("www" in low and (": " in text or ":\t" in text))
        ):
            wanted.add("brokensep")
        if "/" in text:
            wanted.add("host")
        # [name, next (start, end) or None, exhausted], in _ANCHOR's order.
        self.todo: list[list[object]] = [
            [name, None, False] for name, _ in _ANCHOR_PARTS if name in wanted
        ]

    def _next(self, name: str, pos: int) -> tuple[int, int] | None:
        """Span of the leftmost match of alternative ``name`` at or after ``pos``."""
        text = self.text
        pattern = _ANCHOR_RES[name]
        if name in _ANCHOR_LITERALS and self.same:
            literal, offset = _ANCHOR_LITERALS[name]
            hay = text if literal in ("://", "10.", ":\\", "\\\\") else self.low
            i = hay.find(literal, pos + offset)
            while i >= 0:
                m = pattern.match(text, i - offset)
                if m is not None:
                    return m.start(), m.end()
                i = hay.find(literal, i + 1)
            return None
        if name == "host":
            if pos == 0:
                m = pattern.match(text, 0)
                if m is not None:
                    return m.start(), m.end()
            m = _HOST_AFTER_BOUNDARY.search(text, max(pos - 1, 0))
            return None if m is None else (m.start() + 1, m.end())
        m = pattern.search(text, pos)
        return None if m is None else (m.start(), m.end())

    def search(self, pos: int) -> tuple[str, int, int] | None:
        """What ``_ANCHOR.search(self.text, pos)`` finds (``pos`` never decreases)."""
        best: tuple[str, int, int] | None = None
        for entry in self.todo:
            span = cast("tuple[int, int] | None", entry[1])
            if span is None or span[0] < pos:
                if entry[2]:
                    continue
                span = self._next(cast(str, entry[0]), pos)
                entry[1] = span
                if span is None:
                    entry[2] = True  # none from here, so none from any later pos
                    continue
            if best is None or span[0] < best[1]:
                best = (cast(str, entry[0]), span[0], span[1])
        return best


_KNOWN_SCHEMES = ("https", "http", "sftp", "ftps", "ftp", "file")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-")
_GENERIC_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-]{1,30}")

# Schemeless hosts (MLA 8/9): the last label must be a common generic TLD or
# a country-code TLD (ISO 3166 codes in use, plus ``uk``, ``eu``, ``ac``,
# ``su``), written in lower case (``ASP.NET/C#`` is not a site). ``.name`` is
# left out: ``user.name/user.email`` (git's settings) is the likelier reading.
_GENERIC_TLDS = frozenset(
    "com org net edu gov int mil info biz pro museum aero coop mobi asia tel travel"
    " jobs xyz app dev blog news online site tech media live global world science"
    " academy center club today agency press review studio network".split()
)
_COUNTRY_TLDS = frozenset(
    """ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm
    bn bo br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de
    dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn
    gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp
    ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh
    mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz
    om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh
    si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt
    tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw""".split()
)
# Country codes that are also file extensions (``setup.py/``, ``README.md/``,
# ``main.cc/``, ``build.sh/``): not taken for a two-label host, where the file
# reading is the likelier one.
_FILE_LIKE_TLDS = frozenset("py md cc sh rs ps so mk ml pl".split())

_DOI = re.compile(r"10\.\d{4,9}(?:\.\d{1,9}){0,3}/")
# The ``<…>`` part of a SICI DOI: ``<1371::AID-HYP620>3.0.CO;2-C``, with the
# space a line break leaves after ``::``; JSTOR's older ``<37:TROTP>2.0.CO;2-E``.
_SICI_TAIL = re.compile(
    r"<\d{1,9}::?[ ]?[A-Za-z0-9]{1,12}(?:-[A-Za-z0-9]{1,20})?>\d\.\d\.[A-Za-z]{2};\d-[0-9A-Za-z#]"
)
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
# ``<`` and ``>`` (SICI DOIs) are kept as written, as publishers print them: a
# fetcher percent-encodes them in the path anyway, and they change no meaning.
_DOI_SAFE = "/:;()[]-._~!$&'*+,=@<>"
_BARE_DOI_SUFFIX_SIGN = re.compile(r"[^\W\d]|[.\-_;()]|\d{5}")


def _scheme_start(text: str, sep: int, floor: int) -> tuple[int, str] | None:
    """Where the scheme before ``://`` at ``sep`` starts, and the scheme.

    Letters glued in front of a known scheme are dropped: ``Available
    athttps://…`` (a lost space) is still ``https://…``.
    """
    j = sep
    lo = max(floor, sep - 32)
    while j > lo and text[j - 1] in _SCHEME_CHARS:
        j -= 1
    word = text[j:sep]
    low = word.lower()
    for known in _KNOWN_SCHEMES:
        if low.endswith(known):
            return sep - len(known), low[-len(known) :]
    m = _GENERIC_SCHEME.search(word)
    if m is None or m.end() != len(word):
        return None
    return j + m.start(), m.group().lower()


# --- joining across breaks ---------------------------------------------------

_NEWLINE_GAP = re.compile(r"[ \t]{0,40}(?:\r\n|\n|\r|\u2028|\u0085)[ \t]{0,40}(?=\S)")
_SPACE_GAP = re.compile(r" (?=\S)")
# An empty line between two pieces (PDF text that spaces its lines out).
_BLANK_GAP = re.compile(r"[ \t]{0,40}(?:\r\n|\n|\r)[ \t\f]{0,40}(?:\r\n|\n|\r)[ \t\f]{0,40}(?=\S)")
_GAPS = (("newline", _NEWLINE_GAP), ("space", _SPACE_GAP), ("blank", _BLANK_GAP))
_GAP_START = frozenset(" \t\r\n\u2028\u0085")
_LINE_END = re.compile(r"[ \t]{0,40}(?:\r|\n|\u2028|\u0085|$)")
_ANGLE_GAP = re.compile(r"[ \t]{0,40}(?:(?:\r\n|\n|\r|\u2028|\u0085)[ \t]{0,40})?(?=\S)")

_EXTENSIONS = re.compile(
    r"\.(?:html?|shtml|php\d?|aspx?|jsp|cfm|pdf|xml|docx?|xlsx?|pptx?|txt|csv|json"
    r"|ipynb|png|jpe?g|gif|svg|webp|zip|epub|rtf|od[tsp]|mp[34])$",
    re.IGNORECASE,
)
# TLDs that may end a host broken after its last dot with nothing after them
# (``https://www.example.`` + newline + ``com``). TLDs that are also words at
# the start of a line (``in``, ``it``, ``no``, ``by``, ``am``, ``us``, ``de``,
# ``es``, ``se``, ``co``) are left out: ``www.example.com.`` + newline + ``No
# more`` must not join. They still join when a ``/`` follows.
_TLDS = frozenset(
    "com org net edu gov int mil info biz io uk ru kz uz kg tj tm az ge ua tr fr jp eu au"
    " ch nl pl cz cn br".split()
)
_HOST_TAIL = re.compile(r"[A-Za-z][A-Za-z0-9\-]{0,62}(?:\.[A-Za-z0-9\-]{1,63}){0,8}")
_HOST_LIKE = re.compile(r"[^\W_][\w\-]{0,62}(?:\.[\w\-]{1,63}){1,8}")
_WORD_SLASH_WORD = re.compile(r"[^\W\d_]+/[^\W\d_]+")
_UNC = re.compile(r"\\\\[\w.\-]{1,255}\\[^\\]")
_NEW_PATH = re.compile(r"[A-Za-z]:[\\/]|\\\\")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_INTERNAL_DOT = re.compile(r"\.[A-Za-z0-9]{2}")
_TRAILING = frozenset(".,;:!?'\"*")
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}


def _strip_trailing_str(s: str) -> str:
    """``s`` without the sentence punctuation a URL cannot end in (for tests of tokens)."""
    k = _trailing_cut(s)
    return s[:k]


def _trailing_cut(s: str) -> int:
    """Length of ``s`` once trailing punctuation and unbalanced closers are off.

    ``https://en.wikipedia.org/wiki/Foo_(bar)`` keeps its ``)``;
    ``(see https://x.org/a).`` loses ``).``. Counts are kept incrementally so
    that 100,000 ``)`` cost linear time.
    """
    k = len(s)
    opens = {o: s.count(o) for o in "([{"}
    closes = {c: s.count(c) for c in ")]}"}
    while k > 0:
        c = s[k - 1]
        if c in _TRAILING or c in _IGNORABLE:
            k -= 1
        elif c in _CLOSERS:
            if closes[c] > opens[_CLOSERS[c]]:
                closes[c] -= 1
                k -= 1
            else:
                break
        elif c in _OPENERS:  # ``https://x.org/a(`` : a bracket opened after it
            if opens[c] > closes[_OPENERS[c]]:
                opens[c] -= 1
                k -= 1
            else:
                break
        else:
            break
    return k


def _clean(s: str) -> str:
    """``s`` without invisible characters, typographic stand-ins made ASCII."""
    return s.translate(_CLEAN_TABLE)


def _unlatex(s: str) -> str:
    """``s`` with LaTeX escapes (``\\&``, ``\\_``) undone, for web addresses and DOIs."""
    return _LATEX_ESCAPE.sub(r"\1", s) if "\\" in s else s


@attrs.frozen
class _Ctx:
    """What kind of address is being read, for the joining rules."""

    kind: str  # "web" (scheme or www), "doi", "path" (file/Windows/UNC)
    in_angle: bool
    sep: str = "/"  # path separator for "path" kind
    spread: bool = False  # the scheme was spaced out (``http : / / x . org``)


def _in_host(sofar: str) -> bool:
    """Whether ``sofar`` (a web URL being read) has not yet left its host."""
    i = sofar.find("://")
    rest = sofar[i + 3 :] if i != -1 else sofar
    return not any(c in rest for c in "/?#")


def _in_doi(sofar: str, ctx: _Ctx) -> bool:
    """Whether a DOI is being read (labelled, bare, or a doi.org URL)."""
    return ctx.kind == "doi" or "doi.org/" in sofar.lower()


def _url_signs(t: str) -> bool:
    """Whether token ``t`` carries a sign that words of prose do not.

    ``=``, ``_``, a percent escape, a ``/`` (but not ``and/or``) or a file
    extension. A bare ``&`` (``R&D``) or ``%`` (``50%``) is not enough.
    """
    if "=" in t or "_" in t or _PERCENT.search(t) is not None:
        return True
    if "/" in t and _WORD_SLASH_WORD.fullmatch(t) is None:
        return True
    return _EXTENSIONS.search(t) is not None


_WWW_ONLY = re.compile(r"www\d{0,3}\.", re.IGNORECASE)
_HOST_LABELS = re.compile(r"[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63}){0,6}")
_HOST_TAIL_SLASH = re.compile(r"[a-z][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63}){0,4}/")
_HOST_REST = re.compile(r"[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63}){1,6}(?:[/:?#]|$)")
_SCHEMELESS_START = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9\-]{0,62}\.){1,6}[a-z]{2,12}/")
_EXT_START = re.compile(
    r"(?:html?|shtml|php\d?|aspx?|jsp|cfm|pdf|xml|docx?|xlsx?|pptx?|txt|csv|json)(?:[?#]|$)"
)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_HEX = frozenset("0123456789abcdefABCDEF")
# A hex id ending a path segment (``…-2591588efe``), letters and digits mixed.
_HEX_ID_TAIL = re.compile(r"[-/_](?=[0-9a-f]{0,40}[a-f])(?=[0-9a-f]{0,40}[0-9])[0-9a-f]{8,40}$")
# Separators a spread-out address is written with (``kafka . apache . org / 28``).
_SPREAD_SEPARATORS = frozenset("/.-_:=")
_LONE_SEPARATORS = frozenset({"/", ".", "-", "_", ":", "%"})
_WORD_REST = re.compile(r"[a-z0-9][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*|\d+(?:\.\d+)+")
# Words that follow a URL on the next line of a reference: abbreviations and
# the access phrase (``…/`` + newline + ``accessed.``), never the rest of it.
_NOT_WORD_REST = frozenset(
    (
        "p pp vol no nr ed eds cf al etc"
        " accessed retrieved visited viewed available online archived"
    ).split()
)
_NUMERIC_DATE = re.compile(r"\d{1,4}(?:[/.\-]\d{1,4}){1,2}/?")
_SLUG_WITH_NUMBER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,8}/?")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9][\w\-.~%]{0,80}/?")
_DOI_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-_;()/:]{0,200}")
# Wiley/Blackwell's older DOIs: ``10.1111/j.<ISSN>.<year>.<number>.x``. A suffix
# that is a proper prefix of that shape is incomplete (AnyStyle: ``doi:
# 10.1111/ j. 0012-155X. 2005.00401. x``, four line-break spaces).
_WILEY_PREFIX = re.compile(
    r"j\.(?:\d{4}-\d{3}[\dXx](?:\.(?:\d{4}(?:\.(?:\d{1,8}(?:\.x?)?)?)?)?)?)?"
)


def _plausible_tld(label: str) -> bool:
    """Whether ``label`` is a common generic TLD or a country code (lower case)."""
    return label in _GENERIC_TLDS or label in _COUNTRY_TLDS


def _has_ext(ts: str) -> bool:
    """Whether token ``ts`` ends in a file extension, perhaps before a query."""
    k = len(ts)
    for ch in "?#":
        i = ts.find(ch)
        if i != -1 and i < k:
            k = i
    return _EXTENSIONS.search(ts[:k]) is not None


def _doi_suffix(sofar: str, ctx: _Ctx) -> str | None:
    """The DOI suffix read so far (after ``10.xxxx/``), or ``None`` if not a DOI."""
    if not _in_doi(sofar, ctx):
        return None
    m = _DOI.search(sofar)
    return None if m is None else sofar[m.end() :]


def _doi_joins(suffix: str, ts: str) -> bool:
    """Whether ``ts`` continues a DOI suffix that a break left plainly unfinished.

    A DOI does not end in ``-`` or ``:``, nor in a dot after a journal code:
    ``10.1016/S0045- 6535(00)00505-1``, ASCE's ``…(1992)118: 7(1031)``, EDP's
    ``10.1051/nss: 2005018``, Elsevier's ``10.1016/j. memsci.2011.11.020``,
    Wiley's ``10.1002/ ldr. 1091`` and Nature's ``10.1057/ palcomms. 2015.46``
    (all AnyStyle). The piece after the break must carry a digit, so that a
    sentence (``doi:10.1000/abc. The next``) stays out.
    """
    if not suffix or _DOI_TOKEN.fullmatch(ts) is None:
        return False
    last = suffix[-1]
    has_digit = any(c.isdigit() for c in ts)
    if last == "-":
        return has_digit
    if last == ":":  # not ``doi:10.1000/abc: 12 pages``
        return ts[0].isdigit() and ("(" in ts or (ts.isdigit() and len(ts) >= 5))
    if last != ".":
        return False
    if _WILEY_PREFIX.fullmatch(suffix + ts) is not None:
        return True
    seg = suffix[:-1].rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    # A journal code (``j``, ``ldr``, ``envsci``); not Wiley's closing ``x``.
    code = 0 < len(seg) <= 12 and seg.isascii() and seg.isalpha() and seg.lower() != "x"
    if not code or not has_digit:
        return False
    if ts.isdigit():
        # Wiley's ``ldr. 1091``: a short code and an article number, not a
        # year (``doi:10.31219/osf.io/abcde. 2020. Next``).
        return len(seg) <= 4 and len(ts) >= 3 and _YEAR.fullmatch(ts) is None
    return True


def _host_space_joins(sofar: str, t: str, ts: str) -> bool:
    """Whether ``t`` continues a host broken at a space (``www.dca- project.eu/…``)."""
    i = sofar.find("://")
    host = sofar[i + 3 :] if i != -1 else sofar
    last = sofar[-1]
    if last == "." and _WWW_ONLY.fullmatch(host) is not None:
        # ``http://www. military-today.com/…``, ``www. work.chron.com``,
        # ``http: //www. humankinetics. com/…``: nothing but ``www.`` yet.
        m = _HOST_LABELS.match(ts)
        if m is None:
            return False
        rest = ts[m.end() :]
        dotted = "." in m.group()
        if rest == "":
            return dotted or t[m.end() : m.end() + 1] == "."
        return dotted and rest[0] in "/:?#"
    if last == ".":  # ``http://dx.doi. org/10.…``
        m = _HOST_TAIL_SLASH.match(t)
        if m is None:
            return False
        label = t.split(".", 1)[0].split("/", 1)[0]
        return _plausible_tld(label) or _WORD_SLASH_WORD.fullmatch(ts) is None  # not and/or
    if last == "-":  # ``http://www.dca- project.eu/images/…``
        return _HOST_REST.match(ts) is not None
    return False


def _path_space_joins(sofar: str, t: str, ts: str, spaced: bool) -> bool:
    """Whether ``t`` continues a web path broken at a space (reference corpora).

    Each rule names a piece that cannot end a URL, or a next token no word of
    prose looks like; see ``SPACE_JOIN_CASES`` and ``NO_SPACE_JOIN_CASES``.
    """
    m = _SCHEMELESS_START.match(ts)
    if m is not None and _plausible_tld(m.group()[:-1].rsplit(".", 1)[-1]):
        return False  # ``https://a.org/x b.org/y``: a second address
    first = t[0]
    last = sofar[-1]
    if last == "/":
        if not first.isalnum():
            return False
        n_slash = ts.count("/")
        if n_slash >= 2:
            return _NUMERIC_DATE.fullmatch(ts) is None  # not ``12/04/2023``
        if n_slash == 1 and any(c in ts for c in "-_=%"):
            return True
        # ``…/documents/ Sovereign_Credibility.pdf``, ``…/ fullnewsletter.aspx?id=21``
        if _has_ext(ts):
            return True
        # WordPress's ``…/2015/08/01/ hello-world-2``
        if _SLUG_WITH_NUMBER.fullmatch(ts) is not None and any(c.isdigit() for c in ts):
            return True
        # ``http:// www.ecologyandsociety.org/ vol15/ iss4/ art20``: once the
        # address is spaced out after ``://``, its path segments are too.
        if spaced and _PATH_SEGMENT.fullmatch(ts) is not None:
            letters = any(c.isalpha() for c in ts)
            digits = any(c.isdigit() for c in ts)
            return ts.endswith("/") or (letters and digits) or _url_signs(ts)
        return False
    if last == "-":
        # ``…/circulation%20- %20véhicules%20lourds/…`` (Quebec report)
        if first == "%":
            return _PERCENT.match(t) is not None
        # biblatex breaks a URL after its hyphens and pdftotext shows a space
        # there: ``…/progressive- apps- escaping- tabs-…``, ``…/cardiovascular-
        # diseases-(cvds)``. A slug piece with a hyphen of its own goes on.
        return first.isalnum() and (_url_signs(ts) or "-" in ts)
    if last == "_":  # ``…/Doc_ressource_ proba-stats_109179.pdf``
        return first.isalnum() and (_url_signs(ts) or "-" in ts or any(c.isdigit() for c in ts))
    if last == ".":  # ``…/issues. html?issue=64``, ``…/showproduct. cfm?isbn=…``
        return _EXT_START.match(ts) is not None
    if not last.isalnum():
        return False
    if first == "-":  # ``…/data-use-and -educational-improvement-details``
        return len(ts) > 2 and ts[1].isalnum() and ("-" in ts[2:] or _url_signs(ts))
    # ``…/impact/Final BrochureWHA2008a.pdf``, ``…/Proxim ity%20and%20….pdf``,
    # ``…/RFID%20 chapter.pdf``
    return first.isalnum() and (_has_ext(ts) or _PERCENT.search(ts) is not None)


def _joins(
    sofar_raw: str,
    t: str,
    gap: str,
    ctx: _Ctx,
    spaced: bool = False,
    *,
    spread: bool = False,
    line_end: bool = False,
) -> bool:
    """Whether token ``t``, after whitespace of kind ``gap``, continues the URL.

    ``sofar_raw`` is everything read so far (zero-width characters included);
    ``spaced`` says the address was already broken by a space after ``://``;
    ``spread`` that its separators are written with spaces after them
    (``http : / / x . org / a``, biblatex's ``progressive- web- apps``), so
    that a word after a separator goes on; ``line_end`` that ``t`` is the last
    thing on its line. ``gap`` is ``"space"``, ``"newline"`` or ``"blank"`` (an
    empty line between). Precision matters more than recall: a wrong join
    corrupts a good URL and swallows a word (``…/page.html`` + newline + ``The
    next paragraph``).
    """
    if not t or "://" in t:
        return False  # the next token starts an address of its own
    if sofar_raw.endswith("://"):  # ``https://`` + break + ``www.example.org/a``
        return _HOST_LIKE.match(t) is not None
    sofar = _clean(sofar_raw)
    if not sofar:
        return False
    if ctx.kind == "web" and sofar[-8:].lower() == "doi.org/":
        # ``http://dx.doi.org/ 10.1061/(ASCE)…`` (AnyStyle, five rows)
        return _DOI.match(t) is not None
    if t[:4].lower() in ("www.", "doi:") or _DOI.match(t) is not None:
        return False
    tail = sofar_raw[-1]
    last = sofar[-1]
    ts = _strip_trailing_str(t)
    if not ts:
        return False
    first = t[0]
    first_alnum = first.isalnum()
    if spread and ctx.kind == "web":
        return first_alnum or first == "%"
    if ctx.kind == "path":
        if _NEW_PATH.match(t) is not None:
            return False
        # ``C:\Users\John Smith\Documents\report.pdf``: a Windows path goes on
        # past a space when the next token holds a separator, or is the file
        # name (``My Report.pdf``) of a folder path.
        if ctx.sep in ts:
            return _WORD_SLASH_WORD.fullmatch(ts) is None
        return gap == "space" and _EXTENSIONS.search(ts) is not None and ctx.sep == "\\"
    suffix = _doi_suffix(sofar, ctx)
    if suffix == "":
        return first_alnum
    if suffix is not None and first_alnum and _doi_joins(suffix, ts):
        return True
    host = ctx.kind == "web" and _in_host(sofar)
    if gap == "space":
        if host:
            return _host_space_joins(sofar, t, ts)
        return _path_space_joins(sofar, t, ts, spaced)
    if gap == "blank":
        return not host and first_alnum and _blank_line_joins(last, t, ts, line_end)
    # gap == "newline"
    if tail in _SOFT_BREAKS:
        return first_alnum
    if host:
        if first == "/":
            return len(ts) > 1
        if first == "." and last.isalnum():
            # ``http://www.decawave`` + newline + ``.com/support/…``
            m = _HOST_TAIL.match(t, 1)
            return m is not None and (
                t[m.end() : m.end() + 1] in ("/", ":", "?", "#") or ts[1:].lower() in _TLDS
            )
        if last == ".":
            m = _HOST_TAIL.match(t)
            if m is None:
                return False
            rest = t[m.end() :]
            # ``https://hub.docker.`` + newline + ``com.``: the TLD ends the sentence.
            tld_alone = m.end() >= len(ts) and ts.lower() in _TLDS
            return rest[:1] in ("/", ":", "?", "#") or tld_alone
        if last == "-":
            return first_alnum and ("." in ts or "/" in ts)
        return False
    if first == "-":
        # ``…/health-topics/cardiovascular`` + newline + ``-diseases)``: a
        # slug broken before its hyphen (a list item has a space after it).
        return last.isalnum() and len(ts) > 2 and ts[1].isalnum()
    if not (first_alnum or first in "/?#&=%_~"):
        return False
    if last in "-_=&":
        return True
    if last == "%" or (len(sofar) > 1 and sofar[-2] == "%" and last in _HEX):
        # A percent escape cut in two (``…/Open%E2%80%`` + newline + ``93closed``).
        need = 2 if last == "%" else 1
        return len(t) >= need and all(c in _HEX for c in t[:need])
    if last == "?":
        return "=" in ts
    if last == "#":  # ``…/intro-to-robotics#`` + newline + ``aboutus/``
        return _url_signs(ts) or _word_rest(t, ts, line_end)
    if last == "/":
        return (
            _url_signs(ts)
            or "-" in ts
            or _INTERNAL_DOT.search(ts) is not None
            or _word_rest(t, ts, line_end)
        )
    if last == ".":
        # A DOI broken at one of its dots (Taylor & Francis'
        # ``10.1080/14683857.2023.`` + newline + ``2186735``).
        doi_digits = ts.isdigit() and len(ts) >= 3 and _in_doi(sofar, ctx)
        return (
            doi_digits
            or _url_signs(ts)
            or _EXTENSIONS.search("." + ts) is not None
            or (first.isdigit() and ("." in ts or "/" in ts))
        )
    if last.isalnum():
        if ts.isdigit() and _HEX_ID_TAIL.search(sofar) is not None:
            # Medium's ``…-application-2591588efe`` + newline + ``58.``: the
            # digits finish a hex id (a page number would follow a word).
            return _word_rest(t, ts, line_end, digits=True)
        return _url_signs(ts) or _completes_extension(sofar, ts) or _word_rest(t, ts, line_end)
    return False


def _completes_extension(sofar: str, ts: str) -> bool:
    """Whether ``ts`` finishes an extension a break cut (``readingWriting.ht`` + ``ml``)."""
    dot = sofar.rfind(".", max(len(sofar) - 6, 0))
    if dot == -1 or "/" in sofar[dot:]:
        return False
    return _EXTENSIONS.fullmatch(sofar[dot:] + ts) is not None


def _word_rest(t: str, ts: str, line_end: bool, *, digits: bool = False) -> bool:
    """Whether ``t``, first on the next line, is the rest of a path word a break cut.

    PDF text breaks long URLs anywhere: ``https://sjp.pl/`` + newline +
    ``harmonogramowanie. Dostęp …``, ``…/ct-scan-vs-m`` + newline + ``ri)``,
    ``…/Data_Vali`` + newline + ``dation``. Taken only when the piece is one
    word of URL shape (lower-case or digit first, letters and digits with
    inner ``-``/``_``; or digits with dots, ``630106.3658542``) that ends the
    phrase: sentence punctuation or a closing bracket follows it at once, or it
    ends the line. A word that prose goes on from (``and also``), a capitalised
    one (``The next``), a year, an abbreviation of a reference (``pp.``) or an
    access word (``accessed.``) is not taken.
    """
    if _WORD_REST.fullmatch(ts) is None or ts.lower() in _NOT_WORD_REST:
        return False
    if ts.isdigit() and not digits and (len(ts) < 5 or _YEAR.fullmatch(ts) is not None):
        return False
    after = t[len(ts) :]
    if after:
        return after[0] in ".,;)]" and ":" not in after
    return line_end


def _blank_line_joins(last: str, t: str, ts: str, line_end: bool) -> bool:
    """Whether ``ts`` continues a URL across an empty line (PDF text with a gap).

    Only where the piece before cannot end a URL and the piece after is
    plainly one: ``…/forge/manifest-`` + blank line + ``reference/modules/``,
    ``…/ecommerce.`` + blank line + ``html``.
    """
    if last in "-_":
        return _url_signs(ts) or "-" in ts
    if last == "/":
        return "/" in ts and _url_signs(ts)
    if last == ".":  # the extension alone, ending the phrase
        after = t[len(ts) :]
        return _EXT_START.fullmatch(ts) is not None and (after[:1] in (".", ",", ";") or line_end)
    return False


# --- building the result -----------------------------------------------------


def _host_lower(url: str) -> str:
    """``url`` with its scheme and host (not user info, not path) lowercased."""
    i = url.find("://")
    if i == -1:
        return url
    scheme = url[:i].lower()
    rest = url[i + 3 :]
    end = len(rest)
    for ch in "/?#":
        k = rest.find(ch)
        if k != -1 and k < end:
            end = k
    netloc = rest[:end]
    at = netloc.rfind("@")
    netloc = netloc[: at + 1] + netloc[at + 1 :].lower()
    return scheme + "://" + netloc + rest[end:]


def _valid(url: str, *, web: bool) -> bool:
    """Whether ``url`` parses, has a scheme, and a host (or is a ``file:`` URL)."""
    try:
        parts = urllib.parse.urlsplit(url)
        if not parts.scheme:
            return False
        if parts.scheme == "file":
            return bool(parts.netloc or parts.path.strip("/"))
        host = parts.hostname
        _ = parts.port  # a malformed port raises here, not later in a caller
    except ValueError:
        return False
    if not parts.netloc or not host:
        return False
    if web:
        first = host[0]
        if not (first.isalnum() or first == ":"):  # ":" is an IPv6 literal
            return False
    return True


def _doi_of(url: str) -> str | None:
    """The DOI a doi.org URL resolves, or ``None``."""
    parts = urllib.parse.urlsplit(url)
    if (parts.hostname or "") not in _DOI_HOSTS:
        return None
    doi = urllib.parse.unquote(parts.path[1:])
    m = _DOI.match(doi)
    if m is None or m.end() == len(doi):
        return None
    return doi


def _truncated_doi(doi: str) -> bool:
    """Whether ``doi`` is only the start of one: a suffix of a single letter.

    Elsevier's ``10.1016/j.`` + a break is the case (AnyStyle: ``DOI: 10.1016/j.
    comp struct, 2014.06.033``): when the rest cannot be rejoined, a link to
    ``10.1016/j`` would only mislead.
    """
    m = _DOI.match(doi)
    if m is None:
        return False
    suffix = doi[m.end() :]
    return len(suffix) == 1 and suffix.isalpha()


def _after_angle(text: str, start: int) -> bool:
    """Whether the address at ``start`` follows a ``<`` (``< http://…``, good.xml)."""
    k = start
    while k > 0 and start - k < 2 and text[k - 1] in " \t":
        k -= 1
    return k > 0 and text[k - 1] == "<"


def _doi_url(doi: str) -> str:
    """The canonical resolver URL of ``doi``, quoting only what would break it."""
    return "https://doi.org/" + urllib.parse.quote(doi, safe=_DOI_SAFE)


def _www_ok(host_and_rest: str) -> bool:
    """Whether a bare ``www.`` address has a real host (``www.example.com``)."""
    end = len(host_and_rest)
    for ch in "/?#:":
        k = host_and_rest.find(ch)
        if k != -1 and k < end:
            end = k
    labels = host_and_rest[:end].split(".")
    if len(labels) < 3 or any(not lab for lab in labels):
        return False
    tld = labels[-1]
    return len(tld) >= 2 and (tld.isalpha() or tld.lower().startswith("xn--"))


def _host_end(host_and_rest: str) -> int:
    """Where the host of ``host[:port][/path…]`` ends."""
    end = len(host_and_rest)
    for ch in "/?#:":
        k = host_and_rest.find(ch)
        if k != -1 and k < end:
            end = k
    return end


def _dotted_host(host_and_rest: str) -> bool:
    """Whether the host has two labels at least (a broken ``http: //x`` must name a site)."""
    labels = host_and_rest[: _host_end(host_and_rest)].split(".")
    return len(labels) >= 2 and all(labels)


def _host_ok(host_and_rest: str) -> bool:
    """Whether a schemeless ``host/path`` (MLA 8/9) names a real-looking site.

    ``nytimes.com/2016/09/02/…`` and ``classiques.uqac.ca/…`` do;
    ``report.pdf/x`` (no such TLD), ``ASP.NET/C#`` (upper-case TLD),
    ``setup.py/x`` (a file) and ``2.in/out`` (no letter before the TLD) do not.
    """
    end = _host_end(host_and_rest)
    path = host_and_rest[end:]
    if not path.startswith("/") or len(path) < 2:
        return False  # "Fmprc.gov.cn, September 15": a bare domain names a site
    labels = host_and_rest[:end].split(".")
    if len(labels) < 2 or any(not lab for lab in labels):
        return False
    tld = labels[-1]
    if not _plausible_tld(tld):
        return False
    if len(labels) == 2 and tld in _FILE_LIKE_TLDS:
        return False
    second = labels[-2]
    return len(second) >= 2 and any(c.isalpha() for c in second)


def _file_url(path: str, *, unc: bool) -> str:
    """``file:`` URL of a Windows drive path or UNC path as pasted."""
    p = path.replace("\\", "/").replace("%", "%25").replace(" ", "%20").replace("#", "%23")
    if unc:
        return "file:" + p  # "//server/share/x"
    return "file:///" + p


class _Finder:
    """One left-to-right pass over ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[FoundUrl] = []
        # The last run scanned, per character set. Runs are maximal and
        # membership is per character, so a scan from anywhere inside one
        # ends at the same place: remembering it keeps glued candidates
        # (``https://a.org/xhttps://b.org/y…``) linear.
        self.runs: dict[bool, tuple[int, int]] = {}

    def scan(self, i: int, backslash: bool) -> int:
        """End of the run of URL characters from ``i`` (memoised)."""
        last = self.runs.get(backslash)
        if last is not None and last[0] <= i < last[1]:
            return last[1]
        end = _scan_run(self.text, i, backslash=backslash)
        self.runs[backslash] = (i, end)
        return end

    def read(
        self, body_start: int, ctx: _Ctx, *, after: int | None = None
    ) -> tuple[list[tuple[int, int]], str]:
        """Read the pieces of one address from ``body_start``, joined across breaks.

        ``after`` is where early-end rules start to apply (past ``scheme://``,
        so that ``sftp://`` is not cut before its ``ftp://``).
        """
        text = self.text
        backslash = ctx.kind == "path"
        end = self.scan(body_start, backslash)
        no_glued = ctx.kind in ("doi", "path")
        cut = _cut_run(text, body_start if after is None else after, end, no_glued=no_glued)
        pieces = [(body_start, cut)]
        joined = text[body_start:cut]
        if cut != end or not joined:
            return pieces, joined
        if ctx.in_angle:
            more = self.angle_pieces(cut, backslash)
            if more is not None:
                pieces += more
                joined += "".join(text[s:e] for s, e in more)
                return pieces, joined
        spaced = False
        # Separators after which a word goes on across a space: every one in
        # an address spaced out from its scheme, only ``-`` once biblatex's
        # ``progressive- web-`` breaks are seen.
        spread = _SPREAD_SEPARATORS if ctx.spread else ""
        lone_last = False
        for _ in range(64):
            pos = pieces[-1][1]
            if text.startswith("<", pos) and ctx.kind != "path":
                sici = self.sici(pos, joined, ctx)
                if sici is None:
                    break
                pieces += sici
                joined += "".join(text[s:e] for s, e in sici)
                continue
            if pos >= len(text) or text[pos] not in _GAP_START:
                break  # no whitespace: the address ends here (the common case)
            nxt: tuple[int, int, int] | None = None
            sep = ""
            for name, gap in _GAPS:
                g = gap.match(text, pos)
                if g is None:
                    continue
                t_end = self.scan(g.end(), backslash)
                t_cut = _cut_run(text, g.end(), t_end, no_glued=no_glued)
                token = text[g.end() : t_cut]
                lone = ctx.spread and name != "blank" and token in _LONE_SEPARATORS
                if lone:
                    # ``kafka . apache``: a separator standing alone joins when
                    # a word of the address follows it.
                    joins = t_cut == t_end and self.word_follows(t_end, backslash, token)
                else:
                    line_end = (
                        name != "space"
                        and t_cut == t_end
                        and _LINE_END.match(text, t_end) is not None
                    )
                    # A word goes on after a spread separator: one written
                    # alone, or one ending the piece before a space.
                    after_sep = (
                        joined[-1:] in spread and (lone_last or name == "space")
                        if spread
                        else False
                    )
                    joins = _joins(
                        joined, token, name, ctx, spaced, spread=after_sep, line_end=line_end
                    )
                if joins:
                    nxt = (g.end(), t_cut, t_end)
                    # A space inside a Windows path is part of the name
                    # (``C:\Users\John Smith\…``); in a web URL it is a lost
                    # line break.
                    sep = " " if name == "space" and ctx.kind == "path" else ""
                    spaced = spaced or (name == "space" and joined.endswith("://"))
                    # biblatex's breaks show as ``progressive- web- apps``: once
                    # one is joined, every separator of the address may be.
                    if (
                        not spread
                        and name == "space"
                        and ctx.kind == "web"
                        and joined.endswith("-")
                    ):
                        spread = "-"
                    lone_last = lone
                break
            if nxt is None:
                break
            pieces.append((nxt[0], nxt[1]))
            joined += sep + text[nxt[0] : nxt[1]]
            if nxt[1] != nxt[2]:
                break
        return pieces, joined

    def word_follows(self, pos: int, backslash: bool, separator: str) -> bool:
        """Whether a word of an address follows ``separator`` at ``pos`` (one space or break on).

        After a lone ``.`` a capitalised word starts a sentence (``… / a . The
        next``); after a ``/`` it may be a path (``docs / Learn / JavaScript``).
        """
        g = _SPACE_GAP.match(self.text, pos) or _NEWLINE_GAP.match(self.text, pos)
        if g is None:
            return False
        word = self.text[g.end() : self.scan(g.end(), backslash)]
        if not word[:1].isalnum() or "://" in word:
            return False
        return not (separator == "." and word[0].isupper() and word[1:2].islower())

    def sici(self, pos: int, joined: str, ctx: _Ctx) -> list[tuple[int, int]] | None:
        """The pieces of a SICI DOI's ``<…>`` part at ``pos``, or ``None``.

        Wiley's SICI DOIs hold ``<`` and ``>``
        (``10.1002/(SICI)1099-1085(19980630)12:8<1371::AID-HYP620>3.0.CO;2-C``),
        which otherwise end an address; a line break often leaves a space after
        the ``::`` (AnyStyle, three rows), which is skipped.
        """
        if not _in_doi(_clean(joined), ctx):
            return None
        m = _SICI_TAIL.match(self.text, pos)
        if m is None:
            return None
        end = self.scan(m.end(), False) if m.end() < len(self.text) else m.end()
        space = self.text.find(" ", pos, m.end())
        if space == -1:
            return [(pos, end)]
        return [(pos, space), (space + 1, end)]

    def angle_pieces(self, pos: int, backslash: bool) -> list[tuple[int, int]] | None:
        """The tokens up to the closing ``>`` of an address in ``<…>``, or ``None``.

        RFC 3986 appendix C: whitespace inside ``<…>`` is an artefact of line
        wrapping (ABNT's ``Disponível em: <https://…>`` is often wrapped). Only
        taken when the ``>`` really comes, within 12 tokens and no blank line.
        """
        text = self.text
        out: list[tuple[int, int]] = []
        for _ in range(12):
            g = _ANGLE_GAP.match(text, pos)
            if g is None or g.end() == pos:
                return None
            t_end = self.scan(g.end(), backslash)
            t = text[g.end() : t_end]
            if not t or "://" in t or _cut_run(text, g.end(), t_end) != t_end:
                return None
            out.append((g.end(), t_end))
            pos = t_end
            k = pos
            while k < len(text) and k - pos < 2 and text[k] in " \t":
                k += 1  # ``< http:// www.resalliance.org/ index.php/ … >``
            if text.startswith(">", k):
                return out
        return None

    def trim(self, pieces: list[tuple[int, int]], joined: str) -> tuple[list[tuple[int, int]], str]:
        """Drop trailing punctuation from the last pieces."""
        keep = _trailing_cut(joined)
        drop = len(joined) - keep
        while drop > 0 and pieces:
            s, e = pieces[-1]
            if e - s <= drop:
                drop -= e - s
                pieces.pop()
            else:
                pieces[-1] = (s, e - drop)
                drop = 0
        # A path piece joined across a space keeps that space in ``joined``;
        # if the piece after it was all punctuation, the space goes too.
        return pieces, joined[:keep].rstrip(" ")

    def emit(self, start: int, end: int, url: str, doi: str | None = None) -> None:
        """Record one find."""
        self.out.append(FoundUrl(url=url, start=start, end=end, raw=self.text[start:end], doi=doi))

    def run(self) -> list[FoundUrl]:
        """Find everything; return the finds in order."""
        text = self.text
        pos = 0
        n = len(text)
        anchors = _Anchors(text)
        while pos < n and len(self.out) < MAX_URLS_PER_TEXT:
            found = anchors.search(pos)
            if found is None:
                break
            nxt = self.handle(found, pos)
            pos = max(nxt, found[1] + 1)
        return self.out[:MAX_URLS_PER_TEXT]

    def handle(self, anchor: tuple[str, int, int], floor: int) -> int:
        """Read the address ``anchor`` (kind, start, end) marks; return where the search goes on."""
        text = self.text
        kind, m_start, m_end = anchor
        if kind == "sep":
            found = _scheme_start(text, m_start, floor)
            if found is None:
                return m_end
            start, scheme = found
            if scheme == "file":
                return self.web(start, start, scheme, "", after=m_end, is_file=True)
            return self.web(start, start, scheme, "", after=m_end)
        if kind == "brokensep":
            # ``http: //www.…``: read from the ``//`` (or the ``www.``); the
            # scheme is the word before it, the separator is made whole.
            word = text[m_start:m_end]
            letters = "".join(c for c in word if c.isalpha()).lower()  # "http\ns" is "https"
            scheme = (
                "ftp" if letters[:3] == "ftp" else letters[: 5 if letters[:5] == "https" else 4]
            )
            at = m_end + 2 if text.startswith("//", m_end) else m_end
            # ``http : / / x . org / a``: the address goes on spaced out.
            spaced = "/" in word and "//" not in word
            return self.web(m_start, at, scheme, "://", check=_dotted_host, spread=spaced)
        if kind == "doihost":
            body_start = m_end
            return self.doi(m_start, body_start, bare=False)
        if kind == "doilabel":
            return self.doi(m_start, m_end, bare=False)
        if kind == "bare":
            return self.doi(m_start, m_start, bare=True)
        if kind == "www":
            return self.web(m_start, m_start, "https", "://", check=_www_ok)
        if kind == "host":
            return self.web(m_start, m_start, "https", "://", check=_host_ok)
        if kind in ("win", "unc"):
            start = m_start
            pieces, joined = self.read(start, _Ctx("path", False, "\\"))
            pieces, joined = self.trim(pieces, joined)
            if not pieces:
                return m_end
            end = pieces[-1][1]
            body = _clean(joined)
            unc = kind == "unc"
            if unc and _UNC.match(body) is None:  # \\server\share at least
                return end
            url = _host_lower(_file_url(body, unc=unc))
            if not _valid(url, web=False):
                return end
            self.emit(start, end, url)
            return end
        # filecolon: "file:/home/x" or "file:C:\x"
        start = m_start
        pieces, joined = self.read(m_end, _Ctx("path", False, "/"))
        pieces, joined = self.trim(pieces, joined)
        if not pieces:
            return m_end
        end = pieces[-1][1]
        body = _clean(joined).replace("\\", "/").replace(" ", "%20")
        url = "file://" + body if body.startswith("/") else "file:///" + body
        if not _valid(url, web=False):
            return end
        self.emit(start, end, url)
        return end

    def web(
        self,
        start: int,
        body_start: int,
        scheme: str,
        glue: str,
        *,
        after: int | None = None,
        is_file: bool = False,
        check: Callable[[str], bool] | None = None,
        spread: bool = False,
    ) -> int:
        """Read a web (or ``file://``) address; return where the search goes on.

        The span starts at ``start``; the address is read from ``body_start``.
        With ``glue`` empty the body starts with its own scheme (``https://…``);
        otherwise ``url`` is ``scheme + glue + body`` (a bare ``www.`` or host,
        a broken ``http: //``). ``check`` vets the body of a schemeless address.
        """
        text = self.text
        ctx = _Ctx("path" if is_file else "web", _after_angle(text, start), "/", spread)
        pieces, joined = self.read(body_start, ctx, after=after)
        pieces, joined = self.trim(pieces, joined)
        if not pieces:
            return after if after is not None else body_start + 1
        end = pieces[-1][1]
        body = _clean(joined)
        body = body.replace("\\", "/").replace(" ", "%20") if is_file else _unlatex(body)
        if check is not None and not check(body):
            return end
        if glue:
            url = _host_lower(scheme + glue + body)
        else:
            url = _host_lower(scheme + body[len(scheme) :])
        if not _valid(url, web=not is_file):
            return end
        doi = _doi_of(url) if scheme in ("http", "https") else None
        if doi is not None:
            if _truncated_doi(doi):
                return end
            url = _doi_url(doi)
        self.emit(start, end, url, doi)
        return end

    def doi(self, start: int, body_start: int, *, bare: bool) -> int:
        """Read a DOI whose ``10.`` starts at ``body_start``; the span starts at ``start``."""
        pieces, joined = self.read(body_start, _Ctx("doi", False))
        pieces, joined = self.trim(pieces, joined)
        if not pieces:
            return body_start + 1
        end = pieces[-1][1]
        doi = _unlatex(_clean(joined))
        m = _DOI.match(doi)
        if m is None or m.end() == len(doi) or _truncated_doi(doi):
            return end
        if bare and _BARE_DOI_SUFFIX_SIGN.search(doi, m.end()) is None:
            return end
        self.emit(start, end, _doi_url(doi), doi)
        return end


MAX_URLS_PER_TEXT = 100_000
"""Addresses read from one text; the rest is not searched. Each becomes a
citation of about 1 kB, so 200,000 URLs on one line came near 300 MB; the
most-cited Wikipedia articles have under 2,000 references."""


def find_urls(text: str) -> list[FoundUrl]:
    """Every URL, DOI and non-web source address in ``text``, in order (at most
    :data:`MAX_URLS_PER_TEXT`)."""
    return _Finder(text).run()
