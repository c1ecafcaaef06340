"""Find the URLs and DOIs a footnote or body text cites.

What is found, in text order, each span at most once:

* ``scheme://…`` for any scheme (``http``, ``https``, ``ftp``, ``file``, and
  oddities like ``hxxps://`` or ``s3://``): a source that verification cannot
  fetch is still returned, so that it can be flagged rather than silently lost.
* bare ``www.`` addresses (``https://`` is prefixed). Bare domains without
  ``www.`` ("Fmprc.gov.cn, September 15" in the Jamestown seed) are *not*
  URLs: they are how many styles name a source's website.
* DOIs: ``doi:10.…``, ``DOI: 10.…``, ``DOI 10.…``, ``doi.org/10.…`` and any
  ``http(s)://(dx.|www.)doi.org/10.…`` URL. The url is always
  ``https://doi.org/<doi>`` and ``doi`` holds the bare ``10.xxxx/…``. A bare
  ``10.1234/abc`` with no label is taken only when the registrant has 4-9
  digits and the suffix holds a letter, one of ``. - _ ; ( )`` or five digits
  in a row (SAGE's ``10.1177/0010836720954481``) – so that a number like
  ``10.2023/24`` is not mistaken for one (the price: the DOI Handbook's own
  ``10.1000/182`` is only found when labelled).
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
(Jamestown seed: ``…/kazakhstans-`` + newline + ``expanding-…/``). Across a
single *space* (reference corpora where line breaks became spaces) only three
shapes are rejoined: a host broken after a dot (``http://dx.doi. org/10.…``),
an empty DOI suffix (``https://doi.org/10.1000/ 182``) and a path broken after
``/`` or ``-`` whose next token has several ``/`` or a ``/`` plus slug signs.
Inside ``<…>`` (ABNT's ``Disponível em: <https://…>``, RFC 3986 appendix C)
every whitespace break up to the ``>`` is rejoined.

Normalisation is minimal: scheme and host are lowercased, zero-width
characters and soft hyphens are dropped, the path is kept exactly. Unicode
hosts and paths are kept as written. Everything runs in linear time: the
anchors are found with one bounded regex, URL bodies by forward scanning.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import urllib.parse

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
        break
    return i


# Inside a run, these end the URL early:
# * punctuation followed by an opening bracket: ``https://x.org/a,(Date`` (ANKASAM
#   footnotes put ", (Date of Accession: …)" after the URL; without the space
#   the comma and bracket are still not part of it);
# * a footnote marker ``[3]`` glued to a URL: ``…/page.html[3]``;
# * a second scheme glued on: ``https://a.org/xhttps://b.org`` (two links
#   pasted without a space), while Wayback's ``/web/2020/https://…`` and
#   redirect ``?url=https://…`` stay whole.
_GLUED_SCHEME = re.compile(r"(?i:https?|ftp)://")
_IGN = "\u00ad\u200b-\u200d\u2060\ufeff"
_EARLY_END = re.compile(
    rf"[.,;:!?](?=[{_IGN}]{{0,8}}[(\[{{])"
    r"|\[(?=\d{1,4}\])"
    rf"|(?:(?<=[^\W_])|(?<=[.,;)\]{_IGN}]))(?=(?i:https?|ftp)://)"
)


def _cut_run(text: str, start: int, end: int, *, no_glued: bool = False) -> int:
    """Shorten the run ``text[start:end]`` where a rule above says it ends."""
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
_ANCHOR = re.compile(
    r"(?P<sep>://)"
    r"|(?P<doihost>(?<![\w.@/\-])(?:dx\.|www\.)?doi\.org/(?=10\.\d))"
    r"|(?P<www>(?<![\w.@/\-])www\d{0,3}\.(?=[^\W_][\w\-]{0,62}\.\w))"
    r"|(?P<doilabel>(?<!\w)doi[ \t]{0,3}[:.]?\s{0,3}(?=10\.\d))"
    r"|(?P<bare>(?<![\w./\-])10\.\d{4,9}(?:\.\d{1,9}){0,3}/)"
    r"|(?P<win>(?<![\w\\/])[A-Za-z]:\\(?=[^\s\\]))"
    r"|(?P<unc>(?<![\w\\/])\\\\(?=[A-Za-z0-9]))"
    r"|(?P<filecolon>(?<!\w)file:(?=/[^/]|[A-Za-z]:[\\/]))",
    re.IGNORECASE,
)

_KNOWN_SCHEMES = ("https", "http", "sftp", "ftps", "ftp", "file")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-")
_GENERIC_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-]{1,30}")

_DOI = re.compile(r"10\.\d{4,9}(?:\.\d{1,9}){0,3}/")
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_DOI_SAFE = "/:;()[]-._~!$&'*+,=@"
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
_ANGLE_GAP = re.compile(r"[ \t]{0,40}(?:(?:\r\n|\n|\r|\u2028|\u0085)[ \t]{0,40})?(?=\S)")

_EXTENSIONS = re.compile(
    r"\.(?:html?|shtml|php\d?|aspx?|jsp|cfm|pdf|xml|docx?|xlsx?|pptx?|txt|csv|json)$",
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
_HOST_TAIL_LOWER_SLASH = re.compile(r"[a-z]{2,24}(?:\.[a-z]{2,24}){0,4}/")
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
    """``s`` without zero-width characters and soft hyphens."""
    if any(c in s for c in _IGNORABLE):
        return "".join(c for c in s if c not in _IGNORABLE)
    return s


@attrs.frozen
class _Ctx:
    """What kind of address is being read, for the joining rules."""

    kind: str  # "web" (scheme or www), "doi", "path" (file/Windows/UNC)
    in_angle: bool
    sep: str = "/"  # path separator for "path" kind


def _in_host(sofar: str) -> bool:
    """Whether ``sofar`` (a web URL being read) has not yet left its host."""
    i = sofar.find("://")
    rest = sofar[i + 3 :] if i != -1 else sofar
    return not any(c in rest for c in "/?#")


def _empty_doi_suffix(sofar: str) -> bool:
    """Whether ``sofar`` ends in a DOI prefix with nothing after the slash."""
    k = sofar.rfind("10.")
    return k != -1 and _DOI.fullmatch(sofar, k) is not None


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


def _joins(sofar_raw: str, t: str, gap: str, ctx: _Ctx) -> bool:
    """Whether token ``t``, after whitespace of kind ``gap``, continues the URL.

    ``sofar_raw`` is everything read so far (zero-width characters included).
    Precision matters more than recall: a wrong join corrupts a good URL and
    swallows a word (``…/page.html`` + newline + ``The next paragraph``).
    """
    if not t or "://" in t:
        return False  # the next token starts an address of its own
    if sofar_raw.endswith("://"):  # ``https://`` + break + ``www.example.org/a``
        return _HOST_LIKE.match(t) is not None
    if t[:4].lower() in ("www.", "doi:") or _DOI.match(t) is not None:
        return False
    tail = sofar_raw[-1]
    sofar = _clean(sofar_raw)
    if not sofar:
        return False
    last = sofar[-1]
    ts = _strip_trailing_str(t)
    if not ts:
        return False
    first = t[0]
    first_alnum = first.isalnum()
    if ctx.kind == "path":
        if _NEW_PATH.match(t) is not None:
            return False
        # ``C:\Users\John Smith\Documents\report.pdf``: a Windows path goes on
        # past a space when the next token holds a separator, or is the file
        # name (``My Report.pdf``) of a folder path.
        if ctx.sep in ts:
            return _WORD_SLASH_WORD.fullmatch(ts) is None
        return gap == "space" and _EXTENSIONS.search(ts) is not None and ctx.sep == "\\"
    if _in_doi(sofar, ctx) and _empty_doi_suffix(sofar):
        return first_alnum
    host = ctx.kind == "web" and _in_host(sofar)
    if gap == "space":
        if host:
            return last == "." and _HOST_TAIL_LOWER_SLASH.match(t) is not None
        if last not in "/-" or not first_alnum:
            return False
        n_slash = ts.count("/")
        return n_slash >= 2 or (
            n_slash == 1 and (any(c in ts for c in "-_=%") or _EXTENSIONS.search(ts) is not None)
        )
    # gap == "newline"
    if tail in _SOFT_BREAKS:
        return first_alnum
    if host:
        if first == "/":
            return len(ts) > 1
        if last == ".":
            m = _HOST_TAIL.match(t)
            if m is None:
                return False
            rest = t[m.end() :]
            return rest[:1] in ("/", ":", "?", "#") or (rest == "" and ts.lower() in _TLDS)
        if last == "-":
            return first_alnum and ("." in ts or "/" in ts)
        return False
    if not (first_alnum or first in "/?#&=%_~"):
        return False
    if last in "-_=&":
        return True
    if last == "?":
        return "=" in ts
    if last == "/":
        return _url_signs(ts) or "-" in ts or _INTERNAL_DOT.search(ts) is not None
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
        return _url_signs(ts)
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
        for _ in range(32):
            pos = pieces[-1][1]
            nxt: tuple[int, int, int] | None = None
            sep = ""
            for name, gap in (("newline", _NEWLINE_GAP), ("space", _SPACE_GAP)):
                g = gap.match(text, pos)
                if g is None:
                    continue
                t_end = self.scan(g.end(), backslash)
                t_cut = _cut_run(text, g.end(), t_end, no_glued=no_glued)
                if _joins(joined, text[g.end() : t_cut], name, ctx):
                    nxt = (g.end(), t_cut, t_end)
                    # A space inside a Windows path is part of the name
                    # (``C:\Users\John Smith\…``); in a web URL it is a lost
                    # line break.
                    sep = " " if name == "space" and ctx.kind == "path" else ""
                break
            if nxt is None:
                break
            pieces.append((nxt[0], nxt[1]))
            joined += sep + text[nxt[0] : nxt[1]]
            if nxt[1] != nxt[2]:
                break
        return pieces, joined

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
            if text.startswith(">", pos):
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
        while pos < n:
            m = _ANCHOR.search(text, pos)
            if m is None:
                break
            nxt = self.handle(m, pos)
            pos = max(nxt, m.start() + 1)
        return self.out

    def handle(self, m: re.Match[str], floor: int) -> int:
        """Read the address ``m`` anchors; return where the search goes on."""
        text = self.text
        kind = m.lastgroup
        if kind == "sep":
            found = _scheme_start(text, m.start(), floor)
            if found is None:
                return m.end()
            start, scheme = found
            in_angle = start > 0 and text[start - 1] == "<"
            is_file = scheme == "file"
            ctx = _Ctx("path" if is_file else "web", in_angle, "/")
            pieces, joined = self.read(start, ctx, after=m.end())
            pieces, joined = self.trim(pieces, joined)
            if not pieces:
                return m.end()
            end = pieces[-1][1]
            body = _clean(joined)
            if is_file:
                body = body.replace("\\", "/").replace(" ", "%20")
            url = _host_lower(scheme + body[len(scheme) :])
            if not _valid(url, web=not is_file):
                return end
            doi = _doi_of(url) if scheme in ("http", "https") else None
            if doi is not None:
                url = _doi_url(doi)
            self.emit(start, end, url, doi)
            return end
        if kind == "doihost":
            body_start = m.end()
            return self.doi(m.start(), body_start, bare=False)
        if kind == "doilabel":
            return self.doi(m.start(), m.end(), bare=False)
        if kind == "bare":
            return self.doi(m.start(), m.start(), bare=True)
        if kind == "www":
            start = m.start()
            in_angle = start > 0 and text[start - 1] == "<"
            pieces, joined = self.read(start, _Ctx("web", in_angle))
            pieces, joined = self.trim(pieces, joined)
            if not pieces:
                return m.end()
            end = pieces[-1][1]
            body = _clean(joined)
            url = _host_lower("https://" + body)
            if not _www_ok(body) or not _valid(url, web=True):
                return end
            self.emit(start, end, url)
            return end
        if kind in ("win", "unc"):
            start = m.start()
            pieces, joined = self.read(start, _Ctx("path", False, "\\"))
            pieces, joined = self.trim(pieces, joined)
            if not pieces:
                return m.end()
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
        start = m.start()
        pieces, joined = self.read(m.end(), _Ctx("path", False, "/"))
        pieces, joined = self.trim(pieces, joined)
        if not pieces:
            return m.end()
        end = pieces[-1][1]
        body = _clean(joined).replace("\\", "/").replace(" ", "%20")
        url = "file://" + body if body.startswith("/") else "file:///" + body
        if not _valid(url, web=False):
            return end
        self.emit(start, end, url)
        return end

    def doi(self, start: int, body_start: int, *, bare: bool) -> int:
        """Read a DOI whose ``10.`` starts at ``body_start``; the span starts at ``start``."""
        pieces, joined = self.read(body_start, _Ctx("doi", False))
        pieces, joined = self.trim(pieces, joined)
        if not pieces:
            return body_start + 1
        end = pieces[-1][1]
        doi = _clean(joined)
        m = _DOI.match(doi)
        if m is None or m.end() == len(doi):
            return end
        if bare and _BARE_DOI_SUFFIX_SIGN.search(doi, m.end()) is None:
            return end
        self.emit(start, end, _doi_url(doi), doi)
        return end


def find_urls(text: str) -> list[FoundUrl]:
    """Every URL, DOI and non-web source address in ``text``, in order."""
    return _Finder(text).run()
