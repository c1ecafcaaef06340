"""Read Wikipedia wikitext: the article as text, each ``<ref>`` as a note.

The reader renders the article without markup and puts each ``<ref>``'s
``[n]`` marker where it was used, as a ``MARKER`` span, so a claim is found
exactly as in the plain-text twin of the article. Each defined ref is one
``NOTE`` block: its rendered text, its line and, when it holds a citation
template (``{{cite web}}``, ``{{Internetquelle}}``, ``{{Cita web}}``,
``{{Lien web}}``, ``{{Cytuj stronę}}``, …), the template's fields as a
:class:`~citecheck.sources.blocks.Record`, parameter names of every language
mapped to CS1's (``titel``/``titolo``/``titre`` are ``title``; ``zugriff``,
``accesso``, ``consulté le``, ``data dostępu``, ``дата доступа``,
``fechaacceso`` and ``acessodata`` are ``access-date``). A ref without a
template (a bare URL, ``[https://… Title]``) has no record, and the parse
stage reads its text like any note.

Labels follow the order of first use, as Wikipedia numbers its rendered
reference list; ``<ref name="x" />`` adds a marker for ``x`` instead of a new
note. Line numbers are the source's: the lines a multi-line ``<ref>`` takes
are put back, empty, after the line it closes on.

mwparserfromhell's tokenizer re-scans to the end of the input for every
unclosed ``{{``, ``[[``, ``[http`` or tag (100,000 characters of ``{{a|`` take
a minute), so it only ever sees one line or one note at a time, and only when
a linear scan has found the brackets and tags of that piece balanced;
anything else goes through :func:`_rough_strip`, a single-pass stripper.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence

import attrs
import mwparserfromhell
from mwparserfromhell.nodes import Template

from citecheck.sources.blocks import Block, BlockKind, Record, SourceDocument, Span, SpanKind
from citecheck.sources.normalize import normalize_text
from citecheck.sources.text import decode_bytes

FORMAT = "wikitext"

# Bounds that keep every step linear: a note or a line longer than these is
# not real wikitext (the longest refs on en.wikipedia are a few kB).
MAX_REF_CHARS = 20_000
MAX_PARSED_CHARS = 20_000
MAX_NESTING = 20
MAX_REFS = 20_000

_REF_OPEN = re.compile(r"<ref(?=[\s/>])([^<>]{0,2000})>", re.IGNORECASE)
_REF_CLOSE = re.compile(r"</ref\s{0,20}>", re.IGNORECASE)
_REFERENCES_BLOCK = re.compile(
    r"<references(?:\s[^<>]{0,500})?>|\{\{\s{0,5}reflist\s{0,5}\|\s{0,5}refs\s{0,5}=",
    re.IGNORECASE,
)
_REFERENCES_END = re.compile(r"</references\s{0,20}>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""(name|group)\s{0,10}=\s{0,10}(?:"([^"]{0,500})"|'([^']{0,500})'|([^\s"'/>]{1,500}))""",
    re.IGNORECASE,
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,20})(?:\s[^<>]{0,500})?(/?)>")
_VOID_TAGS = frozenset({"br", "hr", "wbr", "img", "references"})
# What _well_formed looks at, in the order it tries them at one position; the
# regex engine skips the text between them instead of a Python loop per character.
_STRUCTURE = re.compile(r"\{\{|\[\[|\}\}|\]\]|\[|\]|<")
_NEWLINE = re.compile("\n")
_BRACES = re.compile(r"\{\{|\}\}")
_OPENER = {"}}": "{{", "]]": "[[", "]": "["}
_PLACEHOLDER = re.compile("\ue000([0-9]{1,6})\ue001")
_SPACES = re.compile(r"[ \t]+")
_HEADING = re.compile(r"[ \t]{0,20}=[^\n]{0,2000}=[ \t]{0,20}")
_ROUGH_LINK = re.compile(r"\[\[(?:[^\[\]|]{0,300}\|)?([^\[\]|]{0,300})\]\]")
_ROUGH_EXTERNAL = re.compile(r"\[((?:https?:)?//[^\s\[\]]{1,2000})(?:[ \t]([^\[\]]{0,500}))?\]")
_ROUGH_TAG = re.compile(r"<[^<>]{0,500}>")
_ROUGH_QUOTES = re.compile(r"'{2,5}")
_DATE_STYLE_TEMPLATE = re.compile(r"\{\{\s{0,5}use\s{1,5}(dmy|mdy)\s{1,5}dates", re.IGNORECASE)

# Citation Style 1 and 2 templates and the common wrappers around them
# (``{{citation}}`` is CS2; ``{{cite …}}`` and ``{{vcite …}}`` are CS1), and
# the citation templates of other Wikipedias: German, Italian, Spanish,
# Portuguese, French, Polish, Russian, Turkish, Dutch (``citeer``), Swedish.
_CITE_PREFIXES = (
    "cite",
    "vcite",
    "citation",
    "cita ",
    "citar ",
    "internetquelle",
    "literatur",
    "lien web",
    "article",
    "ouvrage",
    "cytuj ",
    "статья",
    "книга",
    "публикация",
    "web kaynağı",
    "haber kaynağı",
    "kitap kaynağı",
    "akademik dergi kaynağı",
    "webbref",
    "tidningsref",
    "bokref",
)
# Maintenance templates that share the prefix and cite nothing.
_NOT_CITATIONS = ("citation needed", "cite check", "citation style")

# Parameter names of the templates above, mapped to CS1's. A trailing number
# (``cognome2``, ``nom1``) is kept: ``last2``, ``last1``.
_PARAMETER_NAMES = {
    # title
    "titel": "title",
    "titolo": "title",
    "titre": "title",
    "tytuł": "title",
    "título": "title",
    "titulo": "title",
    "заглавие": "title",
    "название": "title",
    "başlık": "title",
    "kapitel": "chapter",
    "capitolo": "chapter",
    "chapitre": "chapter",
    "rozdział": "chapter",
    "capítulo": "chapter",
    # address
    "ссылка": "url",
    "online": "url",
    "lire en ligne": "url",
    "urlarchivio": "archive-url",
    "archiveurl": "archive-url",
    "archiv-url": "archive-url",
    "archiwum": "archive-url",
    "urlarchivo": "archive-url",
    "arquivourl": "archive-url",
    "arquivo-url": "archive-url",
    "архив": "archive-url",
    "arşivurl": "archive-url",
    "arşiv-url": "archive-url",
    "archivedate": "archive-date",
    "archiv-datum": "archive-date",
    "dataarchivio": "archive-date",
    "zarchiwizowano": "archive-date",
    "fechaarchivo": "archive-date",
    "arquivodata": "archive-date",
    "arquivo-data": "archive-date",
    "дата архива": "archive-date",
    "arşivtarihi": "archive-date",
    "arşiv-tarihi": "archive-date",
    "deadurl": "url-status",
    "dead-url": "url-status",
    "deadlink": "url-status",
    "urlmorto": "url-status",
    "urlmuerta": "url-status",
    "urlmorta": "url-status",
    "ölüurl": "url-status",
    # dates
    "accessdate": "access-date",
    "zugriff": "access-date",
    "abruf": "access-date",
    "accesso": "access-date",
    "consulté le": "access-date",
    "data dostępu": "access-date",
    "dostęp": "access-date",
    "fechaacceso": "access-date",
    "fecha-acceso": "access-date",
    "fecha de acceso": "access-date",
    "acessodata": "access-date",
    "acesso-data": "access-date",
    "data-acesso": "access-date",
    "acesso": "access-date",
    "дата доступа": "access-date",
    "дата обращения": "access-date",
    "дата звернення": "access-date",
    "erişimtarihi": "access-date",
    "erişim tarihi": "access-date",
    "erişim-tarihi": "access-date",
    "bezochtdatum": "access-date",
    "hämtdatum": "access-date",
    "datum": "date",
    "data": "date",
    "fecha": "date",
    "дата": "date",
    "tarih": "date",
    # names
    "autor": "author",
    "autore": "author",
    "auteur": "author",
    "автор": "author",
    "yazar": "author",
    "författare": "author",
    "cognome": "last",
    "nom": "last",
    "nazwisko": "last",
    "apellido": "last",
    "apellidos": "last",
    "último": "last",
    "ultimo": "last",
    "фамилия": "last",
    "soyadı": "last",
    "efternamn": "last",
    "nome": "first",
    "prénom": "first",
    "imię": "first",
    "nombre": "first",
    "primeiro": "first",
    "имя": "first",
    "ad": "first",
    "förnamn": "first",
    # where it was published
    "werk": "work",
    "sammelwerk": "work",
    "opera": "work",
    "obra": "work",
    "œuvre": "work",
    "работа": "work",
    "iş": "work",
    "verk": "work",
    "sito": "website",
    "site": "website",
    "sitioweb": "website",
    "sitio web": "website",
    "сайт": "website",
    "périodique": "journal",
    "czasopismo": "journal",
    "periódico": "newspaper",
    "jornal": "newspaper",
    "publicación": "journal",
    "издание": "work",
    "hrsg": "publisher",
    "herausgeber": "publisher",
    "verlag": "publisher",
    "editore": "publisher",
    "éditeur": "publisher",
    "wydawca": "publisher",
    "opublikowany": "publisher",
    "editorial": "publisher",
    "editora": "publisher",
    "publicado": "publisher",
    "издательство": "publisher",
    "yayıncı": "publisher",
    "uitgever": "publisher",
    "utgivare": "publisher",
    # what it says
    "zitat": "quote",
    "citazione": "quote",
    "extrait": "quote",
    "cytat": "quote",
    "cita": "quote",
    "citação": "quote",
    "цитата": "quote",
    "alıntı": "quote",
}
_URL_PARAMETERS = frozenset({"url", "chapter-url", "chapterurl", "article-url", "archive-url"})
_NUMBERED = re.compile(r"(.*?)(\d{0,3})")
_EXTERNAL_LINK = re.compile(r"\[\s{0,5}((?:https?:)?//[^\s\[\]]{1,2000})")
_ADDRESS_LIKE = re.compile(
    r"(?:https?:)?//|www\.|[\w-]{1,63}(?:\.[\w-]{1,63}){1,10}/", re.IGNORECASE
)
# url-status values, and the deprecated dead-url=yes in the languages that use it.
_DEAD = frozenset(
    {"yes", "true", "y", "ja", "sì", "si", "sí", "sim", "1", "tak", "oui", "да", "evet"}
)
_LIVE = frozenset({"no", "false", "n", "nein", "nie", "non", "não", "nao", "нет", "hayır", "0"})

_WORK_FIELDS = (
    "website",
    "work",
    "newspaper",
    "journal",
    "magazine",
    "periodical",
    "encyclopedia",
    "encyclopaedia",
    "dictionary",
)
_PUBLISHER_FIELDS = ("publisher", "agency", "institution", "via")


@attrs.frozen
class _RefUse:
    """One ``<ref>`` tag in the source: a definition (with content) or a reuse."""

    key: str
    group: str
    content: str | None
    start: int
    end: int
    line: int
    in_reference_list: bool


# ``|url=https://…`` of another template in a note ({{Webarchive}}, {{Wayback}}).
_TEMPLATE_URL = re.compile(r"\|\s{0,10}url\s{0,10}=\s{0,10}(https?://[^\s|{}<>\[\]]{1,2000})")


@attrs.frozen
class TemplateFields:
    """The parameters of the first citation template in a note, names lowercased."""

    name: str
    params: dict[str, str]
    source: str = ""
    """The template's wikitext, so that what the note says around it can be read too."""


def read_wikitext(data: bytes, source: str) -> SourceDocument:
    """Read a wikitext article: its text with ``[n]`` markers, and a ``NOTE`` block per ref."""
    raw_text, _ = decode_bytes(data, name=source)
    return wikitext_source(raw_text, source=source)


def wikitext_source(raw_text: str, source: str = "<string>") -> SourceDocument:
    """Decoded wikitext as blocks (see the module docstring)."""
    text = _blank_comments(normalize_text(raw_text))
    warnings: list[str] = []
    uses = _find_refs(text, warnings)

    order: list[str] = []  # ref keys in order of first use
    seen: set[str] = set()
    definitions: dict[str, _RefUse] = {}
    for use in uses:
        if use.content is not None and use.content.strip() and use.key not in definitions:
            definitions[use.key] = use
        if not use.in_reference_list and use.key not in seen:
            order.append(use.key)
            seen.add(use.key)
    for key in definitions:  # list-defined refs never used in the body still count
        if key not in seen:
            order.append(key)
            seen.add(key)

    labels = _labels(order, {use.key: use.group for use in uses})
    body, spans = _plain_body(text, uses, labels)
    first_use: dict[str, int] = {}
    for span in spans:
        first_use.setdefault(span.target, span.start)
    day_first = _day_first(text)

    blocks = []
    for key in order:
        definition = definitions.get(key)
        if definition is None:
            name = key.split("\x00", 1)[1]
            warnings.append(f'<ref name="{name}" /> is used but never defined')
            continue
        assert definition.content is not None
        position = first_use.get(labels[key], len(body))
        blocks.append(
            _note_block(labels[key], definition.content, definition.line, position, day_first)
        )
    return SourceDocument(
        source=source,
        format=FORMAT,
        raw_text=raw_text,
        text=body,
        blocks=tuple(blocks),
        spans=tuple(spans),
        header_in_text=False,
        warnings=tuple(warnings),
    )


def _day_first(text: str) -> bool | None:
    """``{{Use dmy dates}}`` says that the article's numeric dates are day first."""
    match = _DATE_STYLE_TEMPLATE.search(text[:1_000_000])
    if match is None:
        return None
    return match.group(1).lower() == "dmy"


# --------------------------------------------------------------------------
# Finding the <ref> tags


def _blank_comments(text: str) -> str:
    """Blank ``<!-- … -->`` out with spaces, keeping offsets and line numbers.

    Editors comment out dead refs rather than delete them; an unclosed comment
    runs to the end of the page, as MediaWiki renders it.
    """
    pieces = []
    position = 0
    while True:
        start = text.find("<!--", position)
        if start < 0:
            break
        end = text.find("-->", start + 4)
        end = len(text) if end < 0 else end + 3
        pieces.append(text[position:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _find_refs(text: str, warnings: list[str]) -> list[_RefUse]:
    line_starts = [0] + [newline.end() for newline in _NEWLINE.finditer(text)]
    blocks = _reference_blocks(text)
    uses: list[_RefUse] = []
    position = 0
    anonymous = 0
    next_close = _REF_CLOSE.search(text)
    closes_left = next_close is not None
    while len(uses) < MAX_REFS:
        match = _REF_OPEN.search(text, position)
        if match is None:
            break
        attributes = match.group(1)
        name, group = _attributes(attributes)
        line = _line_of(line_starts, match.start())
        content: str | None = None
        end = match.end()
        if not attributes.rstrip().endswith("/"):
            # Reuse the last close found: 100,000 unclosed "<ref>" would otherwise
            # each search to the end of the page.
            if next_close is not None and next_close.start() < match.end():
                next_close = _REF_CLOSE.search(text, match.end()) if closes_left else None
                closes_left = next_close is not None
            close = next_close
            if close is None:
                warnings.append(f"line {line}: <ref> is never closed; ignored")
                position = match.end()
                continue
            content = text[match.end() : close.start()]
            end = close.end()
            if len(content) > MAX_REF_CHARS:
                warnings.append(
                    f"line {line}: a <ref> of {len(content):,} characters is cut "
                    f"to {MAX_REF_CHARS:,}"
                )
                content = content[:MAX_REF_CHARS]
        if name is None and not (content or "").strip():
            warnings.append(f"line {line}: an empty <ref> with no name; ignored")
            position = end
            continue
        if name is None:
            anonymous += 1
            key = f"\x01{anonymous}"
        else:
            key = f"{group}\x00{name}"
        uses.append(
            _RefUse(
                key=key,
                group=group,
                content=content,
                start=match.start(),
                end=end,
                line=line,
                in_reference_list=any(start <= match.start() < stop for start, stop in blocks),
            )
        )
        position = end
    else:
        warnings.append(f"more than {MAX_REFS:,} <ref> tags; the rest are ignored")
    return uses


def _reference_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of ``<references>…</references>`` and ``{{reflist|refs=…}}`` (list-defined refs)."""
    spans = []
    for match in _REFERENCES_BLOCK.finditer(text):
        if match.group(0).startswith("<"):
            if match.group(0).rstrip(">").endswith("/"):
                continue
            close = _REFERENCES_END.search(text, match.end())
            end = close.end() if close else len(text)
        else:
            end = _template_end(text, match.start())
        spans.append((match.start(), end))
    return spans


def _template_end(text: str, start: int) -> int:
    """The end of the ``{{…}}`` opening at ``start``, by counting braces."""
    depth = 0
    brace = _BRACES.search(text, start)
    while brace is not None:
        if brace.group() == "{{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return brace.end()
        brace = _BRACES.search(text, brace.end())
    return len(text)


def _attributes(attributes: str) -> tuple[str | None, str]:
    name = None
    group = ""
    for match in _ATTRIBUTE.finditer(attributes):
        value = next(value for value in match.groups()[1:] if value is not None).strip()
        if match.group(1).lower() == "name":
            name = value or None
        else:
            group = value
    return name, group


def _line_of(line_starts: Sequence[int], position: int) -> int:
    return bisect.bisect_right(line_starts, position)


def _labels(order: Sequence[str], groups: dict[str, str]) -> dict[str, str]:
    """Number each group's notes from 1; a named group's labels read ``note 1``."""
    counters: dict[str, int] = {}
    labels = {}
    for key in order:
        group = groups.get(key, "")
        counters[group] = counters.get(group, 0) + 1
        labels[key] = f"{group} {counters[group]}" if group else str(counters[group])
    return labels


# --------------------------------------------------------------------------
# The article text


def _plain_body(
    text: str, uses: Sequence[_RefUse], labels: dict[str, str]
) -> tuple[str, list[Span]]:
    """The article without markup, each body ``<ref>`` as ``[label]``, and the markers' spans.

    A ref's own line breaks are put back after the line it ends on, so that
    every later line keeps its number in the source.
    """
    pieces = []
    position = 0
    carried = 0  # line breaks taken out with refs, not yet put back
    body_uses: list[_RefUse] = []

    def add(chunk: str) -> None:
        nonlocal carried
        if carried and "\n" in chunk:
            newline = chunk.index("\n")
            chunk = chunk[:newline] + "\n" * carried + chunk[newline:]
            carried = 0
        pieces.append(chunk)

    for use in uses:
        add(text[position : use.start])
        carried += text.count("\n", use.start, use.end)
        position = use.end
        if use.in_reference_list:
            # A list-defined reference renders in the reference list, not in the prose.
            continue
        pieces.append(f"\ue000{len(body_uses)}\ue001")
        body_uses.append(use)
    add(text[position:])
    pieces.append("\n" * carried)
    stripped = "\n".join(_strip_line(line) for line in "".join(pieces).split("\n"))

    out = []
    spans: list[Span] = []
    length = 0
    position = 0
    for match in _PLACEHOLDER.finditer(stripped):
        before = stripped[position : match.start()]
        out.append(before)
        length += len(before)
        use = body_uses[int(match.group(1))]
        label = labels[use.key]
        marker = f"[{label}]"
        spans.append(
            Span(SpanKind.MARKER, length, length + len(marker), target=label, line=use.line)
        )
        out.append(marker)
        length += len(marker)
        position = match.end()
    out.append(stripped[position:])
    return "".join(out), spans


def _strip_line(line: str) -> str:
    """One line of article text with its markup removed."""
    if not line.strip() or _HEADING.fullmatch(line):
        # A heading is not a sentence; left in, "Causes" would open the next claim.
        return ""
    plain = _strip_code(line)
    return _SPACES.sub(" ", plain).strip()


def _strip_code(text: str) -> str:
    """mwparserfromhell's ``strip_code`` where it is safe to run (see the module docstring)."""
    if len(text) <= MAX_PARSED_CHARS and _well_formed(text):
        return str(mwparserfromhell.parse(text).strip_code(normalize=True, collapse=True))
    return _rough_strip(text)


def _well_formed(text: str) -> bool:
    """Whether every ``{{``, ``[[``, ``[`` and tag in ``text`` is closed, in order, not too deep.

    These are exactly the inputs on which mwparserfromhell's tokenizer never
    backtracks; one pass over the text.
    """
    stack: list[str] = []
    size = len(text)
    token = _STRUCTURE.search(text)
    while token is not None:
        pair = token.group()
        index = token.start()
        resume = token.end()
        if pair in ("{{", "[[", "["):
            stack.append(pair)
            if len(stack) > MAX_NESTING:
                return False
        elif pair in ("}}", "]]", "]"):
            if not stack or stack.pop() != _OPENER[pair]:
                return False
        else:  # "<"
            tag = _TAG.match(text, index)
            if tag is None:
                if index + 1 < size and text[index + 1].isalpha():
                    return False
            else:
                closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
                if closing:
                    if not stack or stack.pop() != "<" + name:
                        return False
                elif not self_closing and name not in _VOID_TAGS:
                    stack.append("<" + name)
                    if len(stack) > MAX_NESTING:
                        return False
                resume = tag.end()
        token = _STRUCTURE.search(text, resume)
    return not stack


def _rough_strip(text: str) -> str:
    """A single-pass stand-in for ``strip_code`` on malformed or oversized wikitext."""
    out: list[str] = []
    opened: list[int] = []  # where in ``out`` each unclosed ``{{`` began
    position = 0
    brace = _BRACES.search(text)
    while brace is not None:
        out.append(text[position : brace.start()])
        position = brace.end()
        if brace.group() == "{{":
            opened.append(len(out))
        elif opened:
            # Templates render as nothing here; each character is dropped at most once.
            del out[opened.pop() :]
        else:
            # A "}}" that closes nothing is text; its second brace may pair with the next.
            out.append("}")
            position = brace.start() + 1
        brace = _BRACES.search(text, position)
    out.append(text[position:])
    plain = "".join(out)
    plain = _ROUGH_LINK.sub(lambda match: match.group(1), plain)
    plain = _ROUGH_EXTERNAL.sub(lambda match: match.group(2) or "", plain)
    plain = _ROUGH_TAG.sub("", plain)
    return _ROUGH_QUOTES.sub("", plain)


# --------------------------------------------------------------------------
# Notes


def _note_block(
    label: str, content: str, line: int, position: int, day_first: bool | None
) -> Block:
    """One ref as a ``NOTE`` block: with a record when it holds a citation template."""
    template = cite_template(content)
    if template is None:
        text, urls = _note_text(content)
        return Block(
            BlockKind.NOTE,
            position,
            position,
            line=line,
            label=label,
            hrefs=tuple(urls),
            text_override=text,
        )
    # "{{cite web …}}, Berlin.de, Abgerufen am 9. Juni 2010" or "{{cite news …}}
    # {{Webarchive |url=…}}": what the note says around its template is part of it.
    rest = content.replace(template.source, " ", 1) if template.source else ""
    rest_text, rest_urls = _note_text(rest)
    rest_urls.extend(_TEMPLATE_URL.findall(rest))
    says = bool(rest_text.strip(" ,.;:"))
    record = _record(template.params, day_first)
    if says or rest_urls:
        record = attrs.evolve(
            record,
            urls=(*record.urls, *rest_urls),
            notes=(*record.notes, rest_text) if says else record.notes,
        )
    rendered = _render(template.params)
    if says:
        rendered = f"{rendered} {rest_text.strip()}"
    return Block(
        BlockKind.NOTE,
        position,
        position,
        line=line,
        label=label,
        record=record,
        text_override=rendered,
    )


def cite_template(content: str) -> TemplateFields | None:
    """The first citation template of a note, if any, its parameter names in CS1's English."""
    if not _well_formed(content):
        return None
    for node in mwparserfromhell.parse(content).filter_templates(recursive=False):
        template: Template = node
        name = " ".join(str(template.name.strip_code()).lower().replace("_", " ").split())
        if not (name + " ").startswith(_CITE_PREFIXES) or name.startswith(_NOT_CITATIONS):
            continue
        params: dict[str, str] = {}
        for param in template.params:
            key = _parameter_name(
                " ".join(str(param.name).strip().lower().replace("_", " ").split())
            )
            if key in _URL_PARAMETERS:
                value = _address_value(str(param.value))
            else:
                value = " ".join(str(param.value.strip_code(keep_template_params=False)).split())
            if value and key not in params:
                params[key] = value
        # Italian Wikipedia's {{cita web|URL|titolo|accesso}} gives its first fields by position.
        for position, key in (("1", "url"), ("2", "title"), ("3", "access-date")):
            if position in params and key not in params:
                value = params.pop(position)
                params[key] = _address_value(value) if key in _URL_PARAMETERS else value
        return TemplateFields(name=name, params=params, source=str(node))
    return None


def _parameter_name(name: str) -> str:
    """A template parameter's CS1 name: ``titolo`` is ``title``, ``cognome2`` is ``last2``."""
    if name in _PARAMETER_NAMES:
        return _PARAMETER_NAMES[name]
    match = _NUMBERED.fullmatch(name)
    if match is None or not match.group(2):
        return name
    base = match.group(1)
    return _PARAMETER_NAMES.get(base, base) + match.group(2)


def _address_value(value: str) -> str:
    """An address parameter's value: the URL of ``[https://… text]`` (``Online=``) or the text."""
    link = _EXTERNAL_LINK.search(value)
    if link is not None:
        return link.group(1)
    return " ".join(_strip_code(value).split())


def _note_text(content: str) -> tuple[str, list[str]]:
    """A note without a template as plain text, and the URLs its external links give.

    ``[https://… Title]`` renders as ``"Title" https://…``: the link text of a
    bare-link ref is the page's title, and quoted the text finders read it so.
    """
    urls = []
    pieces = []
    position = 0
    for match in _ROUGH_EXTERNAL.finditer(content):
        pieces.append(content[position : match.start()])
        urls.append(match.group(1))
        link_text = (match.group(2) or "").strip()
        pieces.append(f'"{link_text}" {match.group(1)}' if link_text else match.group(1))
        position = match.end()
    pieces.append(content[position:])
    plain = _strip_code("".join(pieces))
    return " ".join(plain.split()), urls


def _record(params: dict[str, str], day_first: bool | None) -> Record:
    """A citation template's fields as given; the parse stage reads their URLs and dates."""
    urls = tuple(
        params[name]
        for name in ("url", "chapter-url", "chapterurl", "article-url")
        if name in params and _ADDRESS_LIKE.match(params[name])
    )
    publisher = next((params[name] for name in _WORK_FIELDS if name in params), None)
    if publisher is None:
        publisher = next((params[name] for name in _PUBLISHER_FIELDS if name in params), None)
    archive_url = params.get("archive-url")
    return Record(
        title=params.get("title") or params.get("chapter") or params.get("script-title"),
        authors=_authors(params),
        publisher=publisher,
        urls=urls,
        doi=params.get("doi"),
        date=params.get("date") or params.get("publication-date"),
        accessed=params.get("access-date"),
        archive_url=archive_url if archive_url and _ADDRESS_LIKE.match(archive_url) else None,
        archive_date=params.get("archive-date"),
        url_status=_url_status(params),
        quote=params.get("quote"),
        day_first=day_first,
    )


def _url_status(params: dict[str, str]) -> str | None:
    """``url-status`` as CS1 spells it: the deprecated ``dead-url=yes`` is ``dead``."""
    status = params.get("url-status")
    if status is None:
        # German {{Internetquelle |offline=1}}: the page is gone.
        return "dead" if params.get("offline") else None
    status = status.lower()
    if status in _DEAD:
        return "dead"
    if status in _LIVE:
        return "live"
    return status


def _authors(params: dict[str, str]) -> tuple[str, ...]:
    """``author``/``last``/``first`` and their numbered forms, as ``Last, First``."""
    authors = []
    for number in range(1, 100):
        suffixes = ("", "1") if number == 1 else (str(number),)
        author = None
        for suffix in suffixes:
            last = params.get(f"last{suffix}") or params.get(f"surname{suffix}")
            first = params.get(f"first{suffix}") or params.get(f"given{suffix}")
            if last:
                author = f"{last}, {first}" if first else last
            else:
                author = params.get(f"author{suffix}")
            if author:
                break
        if author is None:
            break
        authors.append(author)
    if not authors:
        for name in ("vauthors", "authors"):
            if name in params:
                # |vauthors=Smith JA, Jones B: Vancouver style, one author per comma.
                authors = [part.strip() for part in params[name].split(",") if part.strip()]
                break
    return tuple(dict.fromkeys(authors))


def _render(params: dict[str, str]) -> str:
    """The note as Wikipedia renders it, roughly: for reports and people, not for parsing."""
    parts = []
    authors = "; ".join(_authors(params))
    date = params.get("date")
    if authors:
        parts.append(f"{authors} ({date})" if date else authors)
    title = params.get("title") or params.get("chapter")
    if title:
        parts.append(f'"{title}"')
    for name in (*_WORK_FIELDS, *_PUBLISHER_FIELDS):
        if name in params:
            parts.append(params[name])
    if date and not authors:
        # CS1 puts the date after the work when no author leads the note.
        parts.append(date)
    if "doi" in params:
        parts.append(f"doi:{params['doi']}")
    if "url" in params:
        parts.append(params["url"])
    access = params.get("access-date")
    if access:
        # The date alone, as the template writes it: the archived copy and the
        # access date are fields of the citation, not words of its text.
        parts.append(access)
    return ". ".join(part.rstrip(".") for part in parts) + ("." if parts else "")


# --------------------------------------------------------------------------
# Date style, for the fixes the report proposes


def article_date_style(raw_text: str) -> str:
    """``dmy``, ``mdy`` or ``iso``: how the article writes its citation dates.

    ``{{Use dmy dates}}``/``{{Use mdy dates}}`` decide; otherwise the style of
    most existing ``access-date`` values, as InternetArchiveBot matches them.
    """
    match = _DATE_STYLE_TEMPLATE.search(raw_text[:1_000_000])
    if match:
        return match.group(1).lower()
    votes = {"dmy": 0, "mdy": 0, "iso": 0}
    for value in re.findall(
        r"(?:access-?date|archive-?date)\s{0,10}=\s{0,10}([^|}\n]{1,40})", raw_text[:1_000_000]
    ):
        value = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            votes["iso"] += 1
        elif re.match(r"\d", value):
            votes["dmy"] += 1
        elif re.match(r"[A-Za-z]", value):
            votes["mdy"] += 1
    best = max(votes, key=lambda style: votes[style])
    return best if votes[best] else "dmy"


def format_date(value: datetime.date, style: str) -> str:
    """A date the way the article writes them (``14 April 2023``, ``April 14, 2023``, ISO)."""
    month = value.strftime("%B")
    if style == "mdy":
        return f"{month} {value.day}, {value.year}"
    if style == "iso":
        return value.isoformat()
    return f"{value.day} {month} {value.year}"
