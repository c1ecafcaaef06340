"""Read authors, title, publisher and date from one footnote or reference.

:func:`parse_fields` gets the text of one note with its label already removed
and the spans the caller found with :func:`~citecheck.parse.urls.find_urls` and
:func:`~citecheck.parse.dates.find_access_date`. Those spans are never read as
content: each becomes one separator, so ``“Title”, Site, https://…, (accessed …)``
reads as ``“Title”, Site, ‖, ‖``.

Conventions (docs/footnote-styles.md has one example per style):

* **Title.** The first quoted run outside the masked spans is the title, in
  ``“…”``, ``"…"``, ``«…»``, ``»…«``, ``„…“``, ``‘…’``, ``'…'``, ``‚…‘`` or
  ``「…」``. The quotes and one trailing ``,``/``.``/``;``/``:`` inside them are
  dropped (Chicago's ``“Title,”``, MLA's ``"Title."``); ``?``/``!`` and ``...``
  are kept. Without quotes the title is read by shape: APA/Harvard
  ``Author (2020, March 5). Title. Site.``, GOST ``Author Title // Journal``,
  ABNT/MLA ``SURNAME, Name. Title. Site, date.``; otherwise by counting the
  comma-separated parts (one part is a publisher, two are title and
  publisher, three or more start with the authors when the first looks like a
  name).
* **Authors** are everything before the title (minus a leading ``By``/``Vgl.``
  and any parenthesised date), kept as written, one per entry, split on ``;``,
  ``&``, `` and ``/`` und ``/`` et ``/`` y ``/`` e ``/`` и ``/`` ve ``, and between
  ``Surname, I.`` pairs; ``Smith, John`` stays one author. ``et al.``/``и др.``/
  ``vd.``/``u. a.`` are dropped. An organisation before the title (``Reuters,
  “…”``) is read as an author: the text cannot tell the two apart.
* **Publisher** is the first part after the title that is not a date, a page
  or volume reference, or a label (``In:``, ``//``, ``Available at``); a
  journal's volume number is cut off (``Foreign Affairs 99, no. 3`` →
  ``Foreign Affairs``).
* **Date** is the source's own date: the first full date (day, month and year)
  outside the title, the masked spans and any ``Retrieved``/``Archived …``
  tail, or a year and a day-month given apart (APA ``(2020, March 5)``, GOST
  ``2023. 14 апреля``). A year alone gives no date.
* **Back-references** (``Ibid.``, ``Ebd.``, ``Там же``, ``a.g.e.``, ``ibidem``,
  ``op. cit.`` …) give empty fields, except the authors of ``Smith, op. cit.,
  p. 4``; resolving them is the caller's job.
* Whitespace runs (line breaks of multi-line entries) become one space.

Everything here is a single pass or a bounded number of ``str.find`` scans, so
the time is linear in the length of the text, and :func:`parse_fields` never
raises: a footnote it cannot read gives empty fields, not a lost document.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

import attrs

from citecheck.parse import dates as _dates


@attrs.frozen
class ReferenceFields:
    """What a footnote says about the source it cites (see the module docstring)."""

    authors: tuple[str, ...] = ()
    title: str | None = None
    publisher: str | None = None
    date: datetime.date | None = None


_EMPTY = ReferenceFields()

# ``any(ch.isdigit() for ch in s)`` and ``any(ch.isalpha() for ch in s)`` in the
# regex engine instead of a Python step per character (every note asks them of
# each of its parts). ``str.isdigit`` is ``\d`` (Unicode decimals) plus the
# digits that are not decimals: super- and subscripts, circled and
# parenthesised digits, Ethiopic, Kharoshthi, Rumi and Brahmi numbers
# (tests/parse/test_fast_paths.py checks the class against every code point).
_DIGIT = re.compile(
    "[\\d\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089"
    "\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e"
    "\u2780-\u2788\u278a-\u2792\U00010a40-\U00010a43\U00010e60-\U00010e68"
    "\U00011052-\U0001105a\U0001f100-\U0001f10a]"
)
# Every letter is a word character that is not a decimal digit or "_"; the class
# also holds the few non-letter numerics (``²``, ``½``, ``Ⅻ``), so a hit is confirmed.
_LETTERISH = re.compile(r"[^\W\d_]")


def _has_digit(s: str) -> bool:
    """``any(ch.isdigit() for ch in s)``."""
    return _DIGIT.search(s) is not None


def _has_letter(s: str) -> bool:
    """``any(ch.isalpha() for ch in s)``."""
    m = _LETTERISH.search(s)
    while m is not None:
        i = m.start()
        if s[i].isalpha():
            return True
        m = _LETTERISH.search(s, i + 1)
    return False


# One character stands for every masked span; a NUL never occurs in real text
# (any that does is turned into a space first).
_SEP = "\x00"

# --------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------

# (opener, closers, apostrophe-like). Apostrophe-like quotes need a guard:
# ANKASAM's ‘Russia’s Purposes’ and Harvard's 'Russia's gas' contain the
# closing character as an apostrophe, which is followed by a letter.
_QUOTES: tuple[tuple[str, str, bool], ...] = (
    ("“", "”“", False),  # English; “Title“ is a common typo for “Title”
    ("„", "“”", False),  # German, Russian handwriting style, Polish
    ("«", "»", False),  # French, Russian, Italian, Spanish
    ("»", "«", False),  # German books, Danish
    ('"', '"', False),  # Wikipedia, MLA in plain text
    ("‘", "’", True),  # British single quotes
    ("'", "'", True),  # Harvard in plain text
    ("‚", "‘’", True),  # German single quotes
    ("「", "」", False),  # Japanese
    ("『", "』", False),
)
_QUOTE_CHARS = "“”„«»\"‘’'‚「」『』"


def _find_title_quote(w: str) -> tuple[int, int] | None:
    """The (opener, closer) positions of the first quoted run, or None.

    Each quote type costs one forward scan: if the first valid opener of a
    type has no closer after it, no later opener of that type has one either.
    """
    best: tuple[int, int] | None = None
    for opener, closers, apos in _QUOTES:
        pos = w.find(opener)
        while apos and pos >= 0:
            before = w[pos - 1] if pos > 0 else " "
            after = w[pos + 1] if pos + 1 < len(w) else " "
            if not before.isalnum() and not after.isspace():
                break
            pos = w.find(opener, pos + 1)
        if pos < 0 or (best is not None and pos >= best[0]):
            continue
        end = _find_closer(w, pos + len(opener), closers, apos)
        if end < 0:
            continue
        if _SEP in w[pos:end]:
            continue
        content = w[pos + 1 : end]
        if not any(ch.isalnum() for ch in content):
            continue
        best = (pos, end)
    return best


# Per closer set, the characters _find_closer stops at; it steps over every other one.
_CLOSER_STOPS = {
    closers: re.compile("[" + re.escape(_SEP + closers) + "]") for _, closers, _ in _QUOTES
}


def _find_closer(w: str, start: int, closers: str, apos: bool) -> int:
    n = len(w)
    stops = _CLOSER_STOPS[closers]
    # Only a separator or a closer decides anything, so the scan jumps between them.
    m = stops.search(w, start)
    while m is not None:
        i = m.start()
        ch = w[i]
        if ch == _SEP:
            return -1
        nxt = w[i + 1] if i + 1 < n else " "
        # An apostrophe-like closer must end a word, and one right after
        # the opener ("''") is not a title.
        if not apos or (not nxt.isalpha() and i > start):
            return i
        m = stops.search(w, i + 1)
    return -1


# --------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def _squash(s: str) -> str:
    """Collapse whitespace: a title broken over two lines is one title."""
    # Printable text has no whitespace but " " (every other kind is Cc/Zs/Zl/Zp),
    # so without a double space the substitution would change nothing.
    if "  " not in s and s.isprintable():
        return s.strip()
    # ``str.split()`` splits on ``str.isspace`` runs, which is what ``\s`` matches:
    # the same result as ``_WS.sub(" ", s).strip()``, without the regex engine.
    return " ".join(s.split())


# Words whose period does not end a sentence or an author name. ``U.S.`` and
# initials are recognised by shape instead (see _is_abbrev).
_ABBREVS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "jr", "sr", "inc", "ltd", "co", "corp", "no", "nos"}
    | {"vol", "vols", "pp", "ed", "eds", "vs", "prof", "gen", "gov", "sen", "rep", "mt"}
    | {"ft", "dept", "univ", "assn", "bros", "jun", "hg", "hrsg", "bd", "nr", "str", "ul"}
)


def _is_initial(tok: str) -> bool:
    """``J.``, ``Yu.``, ``J.-P.``, ``И.`` — a given name reduced to letters."""
    if not tok.endswith(".") or len(tok) > 6:
        return False
    parts = [p for p in tok.replace("-", ".").split(".") if p]
    if not parts:
        return False
    return all(len(p) <= 2 and p[0].isupper() and p.isalpha() for p in parts)


def _is_abbrev(tok: str) -> bool:
    """Whether the period ending ``tok`` belongs to an abbreviation, not a sentence."""
    core = tok.rstrip(".")
    if not core:
        return False
    if len(core) > 6 and "." not in core:
        # Longer than an initial (6 with its period) and than every _ABBREVS word
        # (``lower`` never shortens a text), and not dotted like ``U.S.``.
        return False
    if _is_initial(tok):
        return True
    if "." in core and all(len(p) <= 2 for p in core.split(".")):
        return True  # U.S., S.A., e.V.
    return core.lower() in _ABBREVS


# The characters where a sentence can end: a separator, or ``.``/``?``/``!``
# before whitespace, a separator or the end (``\s`` is ``str.isspace``).
_SENTENCE_END = re.compile(r"\x00|[.?!](?=\s|\x00|\Z)")


def _split_sentences(s: str) -> list[str]:
    """Split at ``. ``, ``? ``, ``! `` and separators, keeping ``U.S.`` and ``J.`` whole."""
    out: list[str] = []
    start = 0
    # Only the candidate positions are visited; every other character is skipped.
    for m in _SENTENCE_END.finditer(s):
        i = m.start()
        ch = s[i]
        if ch == _SEP:
            out.append(s[start:i])
            start = i + 1
        else:
            if ch == ".":
                j = i
                while j > start and not s[j - 1].isspace():
                    j -= 1
                if _is_abbrev(s[j : i + 1]):
                    continue
                out.append(s[start:i])
            else:
                out.append(s[start : i + 1])
            start = i + 1
    out.append(s[start:])
    return [stripped for p in out if (stripped := p.strip())]


# No real reference has more parts than this; beyond it each part would cost a
# date look-up for nothing (a 1 MB run of "5 March, " is the fuzzer's case).
_MAX_PARTS = 64


_PART_BREAK = re.compile(r"[,;(\[\]]")


def _split_parts(s: str) -> list[str]:
    """Split into comma/semicolon/sentence parts; ``//`` and `` — `` also separate."""
    s = s.replace("//", _SEP).replace(" — ", _SEP).replace(" – ", _SEP)
    parts: list[str] = []
    for sentence in _split_sentences(s):
        for piece in _PART_BREAK.split(sentence):
            piece = piece.strip(" \t\n)>].:")
            if piece:
                parts.append(piece)
                if len(parts) >= _MAX_PARTS:
                    return parts
    return parts


_TRAIL = " \t\n,;:"


def _clean_value(s: str) -> str:
    """Squash whitespace and drop edge punctuation, keeping the period of ``J.``/``Inc.``."""
    s = _squash(s.replace(_SEP, " "))
    for _ in range(3):
        before = s
        s = s.strip(_TRAIL)
        if len(s) >= 2 and s[0] in "*_" and s[-1] == s[0]:
            s = s.strip(s[0])  # Markdown *The Guardian*
        if s.endswith(".") and not s.endswith("..."):
            last = s.rsplit(" ", 1)[-1]
            if not _is_abbrev(last):
                s = s[:-1]
        if s == before:
            break
    return s.strip()


# --------------------------------------------------------------------------
# Labels, back-references and tails
# --------------------------------------------------------------------------

# Text that introduces a URL and means nothing on its own, in the languages of
# the corpus: GOST "URL:", ABNT "Disponível em: <…>", Harvard "Available at:",
# DIN "online unter:", Turkish "Erişim adresi:".
_URL_LABELS = tuple(
    sorted(
        (
            "url",
            "available at",
            "available from",
            "available online at",
            "available online",
            "available",
            "retrieved from",
            "from",
            "online at",
            "online",
            "[online]",
            "online unter",
            "online verfügbar unter",
            "verfügbar unter",
            "abrufbar unter",
            "im internet unter",
            "im internet",
            "unter",
            "disponível em",
            "disponível",
            "disponible en",
            "disponible sur",
            "disponible",
            "en línea",
            "en ligne",
            "[en ligne]",
            "disponibile su",
            "disponibile all'indirizzo",
            "disponibile",
            "link",
            "web",
            "erişim adresi",
            "çevrimiçi",
            "режим доступа",
            "электронный ресурс",
            "doi",
            "see",
            "at",
            "source",
            "kaynak",
            "fonte",
            "fuente",
            "quelle",
            "источник",
        ),
        key=len,
        reverse=True,
    )
)

# Bracketed medium designators that are never part of a title or publisher.
_MEDIUM = re.compile(
    r"\[\s{0,3}(?:электронный ресурс|electronic resource|online|en ligne|en línea|"
    r"recurso electrónico|ressource électronique|elektronische ressource|"
    r"elektronik kaynak|сайт|website|web site|pdf)\s{0,3}\]",
    re.IGNORECASE,
)

# Where the part of a note that describes the source ends: Wikipedia's
# "Archived from the original on …" and "Retrieved …", and access phrases the
# caller did not mask. Everything from such a word on is ignored.
_TAIL_WORDS = (
    "retrieved",
    "accessed",
    "last accessed",
    "archived",
    "archive copy",
    "date of accession",
    "date accessed",
    "consulté",
    "consulte le",
    "consultado",
    "consultato",
    "consultada",
    "ultimo accesso",
    "ultima consultazione",
    "abgerufen",
    "zugegriffen",
    "zugriff",
    "letzter zugriff",
    "erişim",
    "arşivlendi",
    "дата обращения",
    "архивировано",
    "acesso em",
    "acessado em",
    "accesso",
    "visitato",
    "visited",
    "viewed",
    "archiviato",
    "archivado",
    "archiviert",
    "recuperado",  # APA in Spanish: "Recuperado el 14 de abril de 2023 de https://…"
    "repéré",  # APA in French: "Repéré le 2015-10-06 à http://…"
    "geraadpleegd",
    "dostęp",
)

_BACKREF_LEAD = (
    "ibidem",
    "ibid",
    "ibíd",
    "íbid",
    "ib.",
    "ebenda",
    "ebd",
    "там же",
    "тамже",
    "a.g.e",
    "a.g.m",
    "age.",
    "aynı eser",
    "aynı yer",
    "idem",
    "id.",
    "ivi",
    "op. cit",
    "op.cit",
    "op cit",
    "loc. cit",
    "loc.cit",
    "a.a.o",
    "a. a. o",
    "ob. cit",
    "obra cit",
)
# Forms that follow an author: "Smith, op. cit., p. 4", "Yılmaz, a.g.e., s. 5",
# "Müller, a.a.O., S. 12", "Иванов И. И. Указ. соч. С. 5", "Rossi, cit., p. 4".
_BACKREF_AFTER_AUTHOR = (
    "op. cit",
    "op.cit",
    "op cit",
    "loc. cit",
    "loc.cit",
    "a.g.e",
    "a.g.m",
    "a.a.o",
    "a. a. o",
    "ob. cit",
    "obra cit",
    "art. cit",
    "указ. соч",
    "указ.соч",
    "ук. соч",
    "cit.",
)

_LEADING_CUES = (
    "see also",
    "see",
    "cf.",
    "cf",
    "compare",
    "vgl.",
    "vgl",
    "s. a.",
    "siehe",
    "voir",
    "véase",
    "ver",
    "cfr.",
    "cfr",
    "см. также",
    "см.",
    "bkz.",
    "bkz",
    "bakınız",
    "ayrıca bkz.",
)


def _starts_word(lower: str, i: int, word: str) -> bool:
    """Whether ``word`` occurs at ``i`` and is not the start of a longer word."""
    if not lower.startswith(word, i):
        return False
    j = i + len(word)
    return j >= len(lower) or not (lower[j].isalpha() and word[-1].isalpha())


def _strip_leading_cue(s: str) -> str:
    """Drop Wikipedia's "^ a b" backlinks and "See"/"Vgl." cues before the reference."""
    s = s.lstrip()
    if s[:1] in ("^", "↑"):
        s = s[1:].lstrip()
        # "^ a b" — Wikipedia's per-use backlinks, single lowercase letters.
        i = 0
        while i + 1 < len(s) and s[i].islower() and s[i].isalpha() and s[i + 1] == " ":
            i += 2
            while i < len(s) and s[i] == " ":
                i += 1
        s = s[i:]
    lower = s.lower()
    # No cue can match unless one starts the text (str.startswith takes them all).
    for cue in _LEADING_CUES if lower.startswith(_LEADING_CUES) else ():
        if _starts_word(lower, 0, cue):
            rest = s[len(cue) :].lstrip(" :,")
            if rest[:1].isupper() or rest[:1] in _QUOTE_CHARS:
                return rest
    return s


_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _is_page_ref(s: str) -> bool:
    """Whether ``s`` is only a locator such as ``p. 4``, ``S. 12 f.``, ``С. 5``, ``s. 3-4``."""
    s = s.strip(" \t\n.,;:()")
    if len(s) > 40:
        return False
    return all(len(word) <= 5 for word in _LETTER_RUN.findall(s))


def _back_reference(s: str) -> ReferenceFields | None:
    """Fields for a back-reference, or None when ``s`` is not one."""
    lower = s.lower()
    for lead in _BACKREF_LEAD if lower.startswith(_BACKREF_LEAD) else ():
        if _starts_word(lower, 0, lead):
            rest = s[len(lead) :]
            if _is_page_ref(rest):
                return _EMPTY
    if len(s) > 200 or any(q in s for q in _QUOTE_CHARS):
        return None
    for form in _BACKREF_AFTER_AUTHOR:
        idx = lower.find(form)
        while idx > 0:
            prev = lower[idx - 1]
            if not prev.isalpha() and _starts_word(lower, idx, form):
                rest = s[idx + len(form) :]
                if _is_page_ref(rest):
                    authors = _split_authors(s[:idx])
                    return ReferenceFields(authors=authors)
            idx = lower.find(form, idx + 1)
    return None


def _mask(text: str, masked: Sequence[tuple[int, int]]) -> str:
    """Replace every masked span by one separator."""
    text = text.replace(_SEP, " ")
    spans: list[tuple[int, int]] = []
    for span in masked:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        start, end = max(0, start), min(len(text), end)
        if end > start:
            spans.append((start, end))
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if end <= pos:
            continue
        start = max(start, pos)
        out.append(text[pos:start])
        out.append(_SEP)
        pos = end
    out.append(text[pos:])
    return "".join(out)


# Labels too common as words to drop unless a colon or "<" follows them
# ("Spiegel Online, https://…" keeps its name; "online: https://…" loses it).
_WEAK_LABELS = frozenset(
    (
        "online",
        "web",
        "at",
        "from",
        "see",
        "source",
        "link",
        "available",
        "unter",
        "doi",
        "disponible",
        "disponível",
        "disponibile",
        "kaynak",
        "fonte",
        "fuente",
        "quelle",
    )
)


def _drop_url_labels(w: str) -> str:
    """Remove "URL:", "Disponível em: <", "Available at:" and the like before each separator."""
    pieces = w.split(_SEP)
    for k in range(len(pieces) - 1):
        piece = pieces[k]
        for _ in range(3):
            trimmed = piece.rstrip(" \t\n<([{:,;.–—-")
            marked = ":" in piece[len(trimmed) :] or "<" in piece[len(trimmed) :]
            lower = trimmed.lower()
            changed = False
            # Every label below must end the piece; most pieces end in none of them.
            for label in _URL_LABELS if lower.endswith(_URL_LABELS) else ():
                if not lower.endswith(label):
                    continue
                cut = len(trimmed) - len(label)
                if cut > 0 and trimmed[cut - 1].isalnum():
                    continue
                j = cut - 1
                while j >= 0 and trimmed[j] in " \t\n":
                    j -= 1
                at_boundary = j < 0 or trimmed[j] in ".,;([>"
                if label in _WEAK_LABELS and not (marked or at_boundary):
                    continue
                trimmed = trimmed[:cut]
                changed = True
                break
            if not changed:
                break
            piece = trimmed
        pieces[k] = piece
        nxt = pieces[k + 1]
        if nxt.lstrip()[:1] in (">", "]", ")"):
            pieces[k + 1] = nxt.lstrip()[1:]
    return _SEP.join(pieces)


def _tail_start(w: str, start: int = 0) -> int:
    """Where the "Retrieved …"/"Archived …" tail begins (``len(w)`` if none)."""
    lower = w.lower()
    best = len(w)
    # A word absent from the text has nothing to find (``in`` runs in C).
    for word in [word for word in _TAIL_WORDS if word in lower]:
        idx = lower.find(word, start)
        while 0 <= idx < best:
            j = idx - 1
            while j >= start and lower[j] in " \t\n":
                j -= 1
            boundary = j < start or lower[j] in ".,;([" + _SEP
            if boundary and _starts_word(lower, idx, word):
                best = idx
                break
            idx = lower.find(word, idx + 1)
    return best


# --------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------

_AUTHOR_JOINERS = (" and ", " und ", " et ", " y ", " e ", " и ", " ve ", " & ", "&", ";")
_ET_AL = (" et al.", " et al", " и др.", " и др", " vd.", " ve diğerleri", " u. a.", " u.a.")


# German "o. V." (ohne Verfasser), "N. N.", "Anon.": the note says there is no author.
_NO_AUTHOR = frozenset({"o.v.", "o.v", "n.n.", "anon.", "anon", "anonymous", "s.n.", "б.а."})


def _is_given_names(part: str) -> bool:
    """``John``, ``J. A.``, ``Nome Sobrenome`` — the given-name half of ``Surname, Given``."""
    toks = part.split()
    if not toks or len(toks) > 3:
        return False
    return all(_is_initial(t) or (t[0].isupper() and t.rstrip(".").isalpha()) for t in toks)


_PAREN_DATE = re.compile(r"\([^()]{0,40}\d[^()]{0,40}\)|\((?:n\.\s?d\.|s\.\s?d\.|o\.\s?J\.)\)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[.,;:])")


def _split_authors(block: str) -> tuple[str, ...]:
    block = _squash(block.replace(_SEP, " "))
    # A parenthesised date or year belongs to APA/Wikipedia, not to a name.
    if "(" in block:  # every _PAREN_DATE match starts with "("
        block = _PAREN_DATE.sub(" ", block)
    block = _squash(block)
    # After _squash the only whitespace is " ", so a space before punctuation
    # is one of these pairs; without any, the substitution changes nothing.
    if " ." in block or " ," in block or " ;" in block or " :" in block:
        block = _SPACE_BEFORE_PUNCT.sub("", block)
    block = block.strip(" ,:;")
    lower = block.lower()
    for cue in ("by ", "von ", "par ", "por ", "di ", "автор: ", "yazar: "):
        if lower.startswith(cue):
            block = block[len(cue) :]
            break
    if block.lower().replace(" ", "") in _NO_AUTHOR:
        return ()
    lower = block.lower()
    for tail in _ET_AL:
        idx = lower.find(tail)
        if idx > 0:
            block = block[:idx]
            lower = block.lower()
    pieces = [block]
    # A joiner absent from the block is absent from every piece of it: no split.
    for joiner in [joiner for joiner in _AUTHOR_JOINERS if joiner in block]:
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
                initials = all(_is_initial(t) for t in nxt_part.split())
                if initials or (single and _is_given_names(nxt_part)):
                    authors.append(f"{part}, {nxt_part}")
                    i += 2
                    continue
            authors.append(part)
            i += 1
    cleaned = [_clean_value(a) for a in authors]
    return tuple(a for a in cleaned if _has_letter(a))


def _abnt_head(s: str) -> int:
    """Length of a leading ``SURNAME, Given.`` / ``Surname, J. A.`` author block, or 0.

    ABNT writes ``SILVA, João; SOUZA, M. Título.``; MLA writes ``Smith, John.
    Title.`` The block ends at a full word ending in a period, or at the first
    non-initial word after an initial; a ``;`` or ``,`` after a name starts the
    next author.
    """
    pos = 0
    n = len(s)
    end = 0
    for _ in range(12):  # at most a dozen authors are read this way
        comma = s.find(", ", pos, min(n, pos + 60))
        if comma < 0:
            return end
        surname = s[pos:comma]
        words = surname.split()
        if not words or len(words) > 4 or _SEP in surname:
            return end
        particles = ("de", "da", "do", "dos", "das", "van", "von", "der", "del")
        if not all(w[:1].isupper() for w in words if w.lower() not in particles):
            return end
        caps = surname.upper() == surname and any(ch.isalpha() for ch in surname)
        if not caps and len(words) > 1:
            return end
        i = comma + 2
        seen_initial = False
        block_end = -1
        words_read = 0
        while i < n and words_read < 4:
            j = i
            while j < n and not s[j].isspace() and s[j] != _SEP:
                j += 1
            tok = s[i:j]
            if not tok:
                break
            stripped = tok.rstrip(";,")
            if _is_initial(stripped):
                seen_initial = True
                block_end = j
                if tok != stripped:
                    break
                i = j + 1
                continue
            if seen_initial:
                break  # "SILVA, J. Título" — the title starts here
            words_read += 1
            if stripped[:1].isupper() and stripped.rstrip(".").isalpha():
                if stripped.endswith(".") or tok != stripped:
                    block_end = j
                    break
                i = j + 1
                continue
            return end
        if block_end < 0 or (
            not seen_initial
            and not s[:block_end].rstrip(";,").endswith(".")
            and s[block_end - 1 : block_end] not in (";", ",")
        ):
            return end
        end = block_end
        if s[end - 1 : end] in (";", ","):
            pos = end
            while pos < n and s[pos] == " ":
                pos += 1
            for joiner in ("& ", "and ", "e ", "y ", "et ", "und "):
                if s.startswith(joiner, pos):
                    pos += len(joiner)
                    break
            continue
        return end
    return end


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def _first_full_date(s: str) -> datetime.date | None:
    """The value of ``find_dates(s)[0]`` (separators read as ``;``), or None."""
    try:
        return _dates.first_date(s.replace(_SEP, ";"))
    except Exception:  # the dates module is a sibling in progress; no date beats a crash
        return None


def _parse_one(s: str) -> datetime.date | None:
    try:
        found = _dates.parse_date(s)
    except Exception:
        return None
    return found.value if found is not None else None


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?:[a-z])?(?!\d)")


def _is_datelike(seg: str) -> bool:
    """A date, year, or day-month part (``5 Mar. 2020``, ``2023``, ``14 апреля``)."""
    if not _has_digit(seg):
        return False
    if not _has_letter(seg):
        return True
    if _first_full_date(seg) is not None:
        return True
    if len(seg) <= 30 and _parse_one(f"{seg} 2000") is not None:
        return True
    return bool(_YEAR.search(seg)) and len(seg.split()) <= 3


def _find_date(regions: Iterable[str]) -> datetime.date | None:
    """The first full date in ``regions``, else a year joined with a day-month part."""
    regions = [r for r in regions if r]
    for region in regions:
        found = _first_full_date(region)
        if found is not None:
            return found
    year: str | None = None
    day_months: list[str] = []
    for region in regions:
        for part in _split_parts(region.replace(".", ". ")):
            part = part.strip(" .")
            if not part or len(part) > 30:
                continue
            m = _YEAR.fullmatch(part)
            if m:
                year = year or m.group(1)
            elif _has_digit(part) and _has_letter(part):
                day_months.append(part)
    if year is None:
        return None
    for dm in day_months:
        candidate = f"{dm}, {year}" if dm[:1].isalpha() else f"{dm} {year}"
        value = _parse_one(candidate)
        if value is not None and value.year == int(year):
            return value
    return None


# --------------------------------------------------------------------------
# Publisher
# --------------------------------------------------------------------------

_PAGE_REF = re.compile(
    r"(?:p|pp|s|ss|S|С|с|c|стр|vol|vols|no|nr|n|t|bd|h|heft|sayı|cilt|issue|iss|№|art|fol|f|ff|"
    r"pág|págs|pag|pagg|ch|chap|cap|sec|num|núm|jg|jahrg|v)(?:\.\s{0,3}|\s{1,3})(?:\d|[IVXLC]{1,6}\b)",
    re.IGNORECASE,
)
_VOLUME_NEXT = re.compile(r"(?:no|nr|n|issue|iss|vol|sayı|cilt|№|núm|num|heft|h|t)\b\.?", re.I)
# Wikipedia's "(PDF)", "(Report)", "(in Russian)" and medium words: never a publisher.
_NOT_PUBLISHER = frozenset(
    {"pdf", "report", "html", "video", "audio", "press release", "online", "web", "book"}
    | {"in russian", "in english", "in kazakh", "in turkish", "in german", "in french"}
    | {"на русском", "на русском языке", "текст", "текст : электронный", "электронный"}
)
_PUB_PREFIXES = ("in:", "in ", "en:", "en ", "dans:", "dans ", "içinde:", "published by ", "//")


def _publisher_from(parts: list[str]) -> str | None:
    for k, part in enumerate(parts):
        value = part.strip(" .:")
        lower = value.lower()
        if lower in _NOT_PUBLISHER:
            continue
        for prefix in _PUB_PREFIXES:
            if lower.startswith(prefix) and len(value) > len(prefix):
                value = value[len(prefix) :].strip(" :")
                break
        if not _has_letter(value):
            continue
        if _PAGE_REF.match(value) or _is_datelike(value):
            # "Foreign Affairs 99" before "no. 3": a journal and its volume.
            head, _, tail = value.rpartition(" ")
            nxt = parts[k + 1] if k + 1 < len(parts) else ""
            if head and tail.isdigit() and _VOLUME_NEXT.match(nxt) and not _is_datelike(head):
                return _clean_value(head) or None
            continue
        low = value.lower()
        # _starts_word needs the word at 0: one C-level startswith rules them all out.
        if low.startswith(_TAIL_WORDS) and any(_starts_word(low, 0, w) for w in _TAIL_WORDS):
            continue
        if low in _URL_LABELS or low in _NOT_PUBLISHER:
            continue
        head, _, tail = value.rpartition(" ")
        nxt = parts[k + 1].strip() if k + 1 < len(parts) else ""
        # "Osteuropa 72 (2022)", "Foreign Affairs 99, no. 3": a journal and its volume.
        if head and tail.isdigit() and (_VOLUME_NEXT.match(nxt) or _YEAR.fullmatch(nxt)):
            value = head
        # Chicago/Harvard books: "Paris: IEA", "New York: Penguin" — the place goes.
        place, colon, name = value.partition(": ")
        if colon and name and len(place.split()) <= 3 and place[:1].isupper():
            value = name
        return _clean_value(value) or None
    return None


# --------------------------------------------------------------------------
# The shapes
# --------------------------------------------------------------------------


def _clean_title(s: str, *, quoted: bool = False) -> str | None:
    """Tidy a title; ``quoted`` titles also lose stray quote marks at their edges (‘’…’’)."""
    s = _squash(s.replace(_SEP, " "))
    # APA's "[Commentary]", "[Video]", "[Press release]" describe, they do not title.
    if s.endswith("]") and "[" in s:
        cut = s.rfind("[")
        if cut > 0 and len(s) - cut <= 40:
            s = s[:cut].rstrip()
    edge = " " + _QUOTE_CHARS if quoted else " "
    s = s.strip(edge)
    if s.endswith((",", ";", ":")) or (s.endswith(".") and not s.endswith("...")):
        last = s.rsplit(" ", 1)[-1]
        if not (s.endswith(".") and _is_abbrev(last) and len(last) > 2):
            s = s[:-1].rstrip()
    s = s.strip(edge)
    return s or None


_PAREN_CONTENT = re.compile(r"\(([^()]{0,40})\)")


def _quoted(w: str, qs: int, qe: int) -> ReferenceFields:
    """``Author, “Title”, Publisher, date, URL`` and every other quoting style."""
    title = _clean_title(w[qs + 1 : qe], quoted=True)
    before = w[:qs]
    if _SEP in before:
        before = before.rsplit(_SEP, 1)[1]
    after = w[qe + 1 :]
    after = after[: _tail_start(after)]
    authors = _split_authors(before)
    publisher = _publisher_from(_split_parts(after))
    year_paren = _PAREN_CONTENT.findall(before)
    date = _find_date([*year_paren, after])
    return ReferenceFields(authors=authors, title=title, publisher=publisher, date=date)


_APA_PAREN = re.compile(
    r"\((?:(1[5-9]\d\d|20\d\d)[a-z]?(?:,[^()]{0,30})?|n\.\s?d\.|s\.\s?d\.|s\.\s?f\.|o\.\s?J\.)\)"
)


def _unquoted(w: str, tail: int) -> ReferenceFields:
    """The styles that do not quote titles: APA, Harvard, GOST, ABNT, MLA for books.

    ``tail`` is ``_tail_start(w)``, which the caller has read already.
    """
    w = w[:tail]
    # GOST: "Иванов И. И. Название // Коммерсантъ. 2023. 14 апреля."
    slash = w.find("//")
    if slash > 0:
        return _gost(w[:slash], w[slash + 2 :])
    paren = _APA_PAREN.search(w, 0, min(len(w), 400))
    if paren is not None and paren.start() > 0 and _SEP not in w[: paren.start()]:
        return _apa(w[: paren.start()], w[paren.start() + 1 : paren.end() - 1], w[paren.end() :])
    head = _abnt_head(w) or _corporate_head(w)
    if head > 0:
        sentences = _split_sentences(w[head:])
        title = _clean_title(sentences[0]) if sentences else None
        rest = _SEP.join(sentences[1:])
        return ReferenceFields(
            authors=_split_authors(w[:head]),
            title=title,
            publisher=_publisher_from(_split_parts(rest)),
            date=_find_date([rest]),
        )
    return _by_count(w)


def _corporate_head(s: str) -> int:
    """Length of ABNT's corporate author ``BRASIL. Ministério das Relações Exteriores.``, or 0.

    ABNT puts a jurisdiction in capitals first, then the body within it; both
    are the author. The body is taken only when at least a title and a
    publisher part follow it.
    """
    sentences = _split_sentences(s[:600])
    if len(sentences) < 3:
        return 0
    first = sentences[0]
    words = first.split()
    if not 1 <= len(words) <= 3 or first.upper() != first or not first.replace(" ", "").isalpha():
        return 0
    end = s.find(first) + len(first) + 1
    second = sentences[1]
    if len(sentences) >= 4 and len(second.split()) <= 8 and second[:1].isupper():
        end = s.find(second, end) + len(second) + 1
    return end


_GOST_AUTHORS = re.compile(r"((?:[^\W\d_][\w'-]{0,40},?\s(?:[^\W\d_]{1,2}\.\s?){1,3},?\s?){1,6})")


def _gost(left: str, right: str) -> ReferenceFields:
    left = _squash(left.replace(_SEP, " "))
    authors: tuple[str, ...] = ()
    m = _GOST_AUTHORS.match(left[:400])
    title_part = left
    if m:
        authors = _split_authors(m.group(1))
        title_part = left[m.end() :]
    if " / " in title_part:
        title_part, _, resp = title_part.partition(" / ")
        if not authors:
            authors = _split_authors(resp)
    right_parts = _split_parts(right.replace(" : ", _SEP))
    return ReferenceFields(
        authors=authors,
        title=_clean_title(title_part),
        publisher=_publisher_from(right_parts),
        date=_find_date([right]),
    )


def _apa(before: str, paren: str, after: str) -> ReferenceFields:
    after = after.lstrip(" .")
    sentences = _split_sentences(after)
    title = _clean_title(sentences[0]) if sentences else None
    # The first sentence ends at a separator too: "Title. https://…" has no site.
    rest = _SEP.join(sentences[1:])
    publisher = _publisher_from(_split_parts(rest))
    date = None
    parts = [p.strip() for p in paren.split(",", 1)]
    if len(parts) == 2 and _YEAR.fullmatch(parts[0]):
        dm = parts[1]
        date = _parse_one(f"{dm}, {parts[0]}" if dm[:1].isalpha() else f"{dm} {parts[0]}")
    return ReferenceFields(
        authors=_split_authors(before), title=title, publisher=publisher, date=date
    )


def _looks_like_name(part: str) -> bool:
    words = part.split()
    if not 2 <= len(words) <= 4:
        return False
    return all(w[:1].isupper() and w.rstrip(".").replace("-", "").isalpha() for w in words)


def _by_count(w: str) -> ReferenceFields:
    parts = [p for p in _split_parts(w) if _has_letter(p)]
    parts = [p for p in parts if not _is_datelike(p) and not _PAGE_REF.match(p)]
    date = _find_date([w])
    if not parts:
        return ReferenceFields(date=date)
    if len(parts) == 1:
        return ReferenceFields(publisher=_clean_value(parts[0]) or None, date=date)
    if len(parts) >= 3 and _looks_like_name(parts[0]):
        return ReferenceFields(
            authors=_split_authors(parts[0]),
            title=_clean_title(parts[1]),
            publisher=_clean_value(parts[2]) or None,
            date=date,
        )
    return ReferenceFields(
        title=_clean_title(parts[0]), publisher=_clean_value(parts[1]) or None, date=date
    )


def _quote_inside_gost_title(w: str, qs: int, qe: int) -> bool:
    """Whether the quotes are part of an unquoted GOST title: ``Нефтепровод «Дружба» // …``.

    GOST never quotes titles, so a quoted name glued to a preceding word and
    followed by ``//`` is a name inside the title, not the title.
    """
    before = w[:qs].rstrip()
    return "//" in w[qe:] and bool(before) and before[-1].isalpha() and "//" not in before


def _parse(text: str, masked: Sequence[tuple[int, int]]) -> ReferenceFields:
    w = _mask(text, masked)
    w = _MEDIUM.sub(" ", w)
    w = _drop_url_labels(w)
    w = _strip_leading_cue(w)
    plain = _squash(w.replace(_SEP, " "))
    if not plain:
        return _EMPTY
    back = _back_reference(plain)
    if back is not None:
        return back
    tail = _tail_start(w)
    quote = _find_title_quote(w[:tail])
    if quote is not None and not _quote_inside_gost_title(w, *quote):
        return _quoted(w, *quote)
    return _unquoted(w, tail)


def parse_fields(text: str, masked: Sequence[tuple[int, int]] = ()) -> ReferenceFields:
    """Authors, title, publisher and source date of one footnote (label removed).

    ``masked`` are the spans of URLs, DOIs and the access-date phrase; they are
    read as separators. Never raises: an unreadable note gives empty fields,
    because one odd footnote must not cost the rest of the document.
    """
    try:
        return _parse(text, masked)
    except Exception:
        return _EMPTY
