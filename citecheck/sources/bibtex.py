"""Read a BibTeX or biblatex file: each entry is one cited source.

Reference managers (Zotero, JabRef, Mendeley) export ``@online``/``@misc``
entries with ``url`` and biblatex's ``urldate``; older styles put the URL in
``howpublished = {\\url{…}}`` and the access date in ``note = {Accessed …}``.
The reader hands every entry on as a ``RECORD`` block whose
:class:`~citecheck.sources.blocks.Record` holds the fields as text; the parse
stage reads the URLs and dates in them, as in any note. LaTeX in the fields
(``{\\"O}sterreich``, ``{{NASA}}``, ``\\&``) is turned into plain text here,
except inside addresses: ``~`` in ``https://example.org/~user`` is a tilde,
not LaTeX's unbreakable space, and a URL an editor wrapped across lines inside
the braces is rejoined without spaces.

A file has no article body, so citations carry no claims. Labels are the entry
keys and ids ``ref-<key>``.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import DuplicateFieldKeyBlock, Entry

from citecheck.errors import InputError
from citecheck.sources.blocks import Block, BlockKind, Record, SourceDocument
from citecheck.sources.normalize import normalize_text
from citecheck.sources.text import decode_bytes

FORMAT = "bibtex"
MAX_FIELD_CHARS = 10_000
MAX_WARNINGS = 20

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
}
_SYMBOL_ACCENT = re.compile(
    r"""\\(['`^"~=.])(?:\s{0,2}\{\s{0,2}(\\?[A-Za-z])\s{0,2}\}|\s{0,2}(\\?[A-Za-z]))"""
)
_LETTER_ACCENT = re.compile(
    r"\\([cvuHkr])(?:\s{0,2}\{\s{0,2}([A-Za-z])\s{0,2}\}|\s{1,2}([A-Za-z]))"
)
_LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_LETTER_COMMAND = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s{0,1}")
_LINK_COMMAND = re.compile(r"\\(?:url|path)\s{0,2}\{([^{}]{0,4000})\}")
_HREF_COMMAND = re.compile(r"\\href\s{0,2}\{([^{}]{0,4000})\}\s{0,2}\{([^{}]{0,4000})\}")
# An address written bare in a field (``note = {Available at https://…}``).
_BARE_URL = re.compile(r"(?:https?|ftp)://[^\s{}]{1,4000}", re.IGNORECASE)
_URL_START = re.compile(r"(?:https?|ftp)://|www\.", re.IGNORECASE)
_ESCAPED = re.compile(r"\\([&%$#_{}~])")
_COMMAND = re.compile(r"\\[A-Za-z]{1,40}\*?\s?")
# Addresses are set aside while the LaTeX around them is read ("--" is an en
# dash in a title, two hyphens in a URL) and put back at the end.
_STASHED = re.compile("\ue010([0-9]{1,6})\ue011")
# Whether a howpublished value names a publisher rather than giving an address.
_HAS_ADDRESS = re.compile(r"(?:https?|ftp)://|www\.|\\url|\\href|doi\.org", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_PUBLISHER_FIELDS = (
    "journal",
    "journaltitle",
    "booktitle",
    "publisher",
    "organization",
    "institution",
)
# Free-text fields that may hold an address or an access phrase, in the order read.
_NOTE_FIELDS = ("howpublished", "note", "addendum", "eprint")


def read_bibtex(data: bytes, source: str) -> SourceDocument:
    """Read a ``.bib`` file's entries into records (see the module docstring)."""
    text, _ = decode_bytes(data, name=source)
    return bibtex_source(text, source=source)


def bibtex_source(raw_text: str, source: str = "<string>") -> SourceDocument:
    """Decoded BibTeX as one ``RECORD`` block per entry; ``InputError`` if it holds no BibTeX."""
    text = normalize_text(raw_text)
    logger = logging.getLogger("bibtexparser")
    # bibtexparser logs every bad block at ERROR; they become warnings.
    previous = logger.disabled
    logger.disabled = True
    try:
        library = parse_string(text)
    except Exception as exc:  # bibtexparser raises bare errors on some garbage
        raise InputError(f"{source}: is not a BibTeX file ({exc})") from None
    finally:
        logger.disabled = previous

    warnings: list[str] = []
    entries: list[tuple[Entry, tuple[str, ...]]] = [(entry, ()) for entry in library.entries]
    failed = []
    for block in library.failed_blocks:
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            # Exporters repeat a field (Zotero's urldate, a hand-merged entry):
            # the entry is still good, and its first value is the one kept.
            names = ", ".join(sorted(block.duplicate_keys))
            entries.append(
                (
                    block.ignore_error_block,
                    (f"{names} given more than once; the first value is used",),
                )
            )
        else:
            failed.append(block)
    for block in failed:
        if len(warnings) == MAX_WARNINGS:
            warnings.append(f"{len(failed) - MAX_WARNINGS} more entries unread")
            break
        line = (block.start_line or 0) + 1
        head = " ".join((block.raw or "").split())[:60]
        reason = type(block).__name__.replace("Block", "")
        warnings.append(f"line {line}: cannot read {head!r} ({reason})")
    if not library.entries and text.strip() and "@" not in text:
        raise InputError(f"{source}: is not a BibTeX file (no @entry found)")
    if text.strip() and not (
        library.entries or library.failed_blocks or library.strings or library.preambles
    ):
        raise InputError(f"{source}: is not a BibTeX file (no @entry found)")
    entries.sort(key=lambda pair: pair[0].start_line or 0)
    line_starts = [0] + [newline.end() for newline in re.finditer("\n", text)]
    blocks = tuple(_block(entry, extra, text, line_starts) for entry, extra in entries)
    if not blocks and text.strip():
        warnings.append("the file has no entries")
    return SourceDocument(
        source=source,
        format=FORMAT,
        raw_text=raw_text,
        text=text,
        blocks=blocks,
        header_in_text=False,
        structured=True,
        warnings=tuple(warnings),
    )


def _block(entry: Entry, warnings: tuple[str, ...], text: str, line_starts: list[int]) -> Block:
    raw_fields: dict[str, str] = {}
    repeated: dict[str, str] = {}
    for field in entry.fields:
        name = field.key.lower()
        value = str(field.value)[:MAX_FIELD_CHARS]
        if name in raw_fields:
            repeated.setdefault(name, value)
        else:
            raw_fields[name] = value
    fields = {name: delatex(value) for name, value in raw_fields.items()}
    urls = url_values(raw_fields.get("url", ""))
    publisher = next((fields[name] for name in _PUBLISHER_FIELDS if fields.get(name)), None)
    if (
        publisher is None
        and fields.get("howpublished")
        and not _HAS_ADDRESS.search(raw_fields["howpublished"])
    ):
        publisher = fields["howpublished"]
    authors = tuple(
        delatex(" ".join(name.split()))
        for name in split_names(raw_fields.get("author") or raw_fields.get("editor", ""))
        if name.strip() and name.strip() != "others"
    )
    record = Record(
        title=fields.get("title") or None,
        authors=authors,
        publisher=publisher,
        urls=urls,
        doi=fields.get("doi") or None,
        date=_entry_date(fields),
        # biblatex's urldate; abnTeX2's urlaccessdate; other styles' lastchecked/accessed.
        accessed=next((fields[name] for name in _ACCESS_FIELDS if fields.get(name)), None),
        notes=tuple(fields[name] for name in _NOTE_FIELDS if fields.get(name)),
        warnings=warnings,
    )
    line = (entry.start_line or 0) + 1
    start = line_starts[min(line, len(line_starts)) - 1]
    end = min(len(text), start + len(entry.raw or ""))
    return Block(
        BlockKind.RECORD,
        start,
        max(start, end),
        line=line,
        label=entry.key,
        record=record,
    )


_ACCESS_FIELDS = (
    "urldate",
    "urlaccessdate",
    "lastchecked",
    "accessed",
    "accessdate",
    "access-date",
)


def url_values(value: str) -> tuple[str, ...]:
    """The addresses of a ``url`` field: LaTeX escapes undone, wrapped lines rejoined.

    biblatex reads ``url`` verbatim, so ``~`` is a tilde; an address the
    editor wrapped inside the braces continues on the next line without a
    space, and a piece that starts with a scheme starts a second address.
    """
    value = _LINK_COMMAND.sub(lambda match: match.group(1), value)
    value = _ESCAPED.sub(lambda match: match.group(1), value).replace("{", "").replace("}", "")
    urls: list[str] = []
    for piece in value.split():
        if urls and not _URL_START.match(piece):
            urls[-1] += piece
        else:
            urls.append(piece)
    return tuple(urls)


def split_names(value: str) -> list[str]:
    """Split a name list on `` and `` outside braces: ``{Barnes and Noble}`` is one name."""
    names = []
    depth = 0
    start = 0
    index = 0
    lower = value.lower()
    while index < len(value):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif (
            depth == 0
            and char.isspace()
            and lower.startswith("and", index + 1)
            and index + 4 < len(value)
            and value[index + 4].isspace()
        ):
            names.append(value[start:index])
            index += 5
            start = index
            continue
        index += 1
    names.append(value[start:])
    return names


def _entry_date(fields: dict[str, str]) -> str | None:
    """biblatex ``date`` as written, else ``year``-``month``-``day`` when all are given."""
    if fields.get("date"):
        return fields["date"]
    year, month, day = fields.get("year", ""), fields.get("month", ""), fields.get("day", "")
    if not (year.isdigit() and day.isdigit()):
        return None  # a year or a month alone is not a date (as in the plain-text parser)
    number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    if not number:
        return None
    return f"{int(year):04d}-{number:02d}-{int(day):02d}"


def delatex(value: str) -> str:
    """LaTeX in a field as plain text: accents composed, braces and markup commands dropped.

    Addresses (``\\url{…}``, ``\\href{…}{…}``, a bare ``https://…``) are kept as
    written, with escapes such as ``\\_`` undone and the line breaks inside
    ``\\url{…}`` removed.
    """
    stash: list[str] = []

    def keep(url: str) -> str:
        stash.append(_ESCAPED.sub(lambda match: match.group(1), url))
        return f"\ue010{len(stash) - 1}\ue011"

    value = _LINK_COMMAND.sub(lambda match: keep("".join(match.group(1).split())), value)
    value = _HREF_COMMAND.sub(
        lambda match: f"{match.group(2)} {keep(''.join(match.group(1).split()))}", value
    )
    value = _BARE_URL.sub(lambda match: keep(match.group(0)), value)
    value = _SYMBOL_ACCENT.sub(
        lambda match: _accent(match.group(1), match.group(2) or match.group(3)), value
    )
    value = _LETTER_ACCENT.sub(
        lambda match: _accent(match.group(1), match.group(2) or match.group(3)), value
    )
    value = _LETTER_COMMAND.sub(lambda match: _LETTERS[match.group(1)], value)
    value = _ESCAPED.sub(
        lambda match: "\ue002" if match.group(1) in "{}" else match.group(1), value
    )
    value = _COMMAND.sub("", value)
    value = value.replace("{", "").replace("}", "").replace("\ue002", "")
    value = value.replace("---", "—").replace("--", "–").replace("~", " ")
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if stash:
        value = _STASHED.sub(lambda match: stash[int(match.group(1))], value)
    return value


def _accent(accent: str, letter: str) -> str:
    if letter.startswith("\\"):  # \'{\i} is an accented dotless i: í
        letter = {"\\i": "i", "\\j": "j"}.get(letter, letter[1:])
    return letter + _ACCENTS[accent]
