"""Read citations from Markdown: footnotes, reference-style and inline links, bare URLs.

Docs repositories and static-site blogs write their sources as Markdown
footnotes (``…as the survey found.[^1]`` with ``[^1]: Smith, J. …, accessed
14 April 2023.``), as inline links (``[the Pods page](https://kubernetes.io/…)``)
or as reference-style links (``[the Pods page][pods]`` with ``[pods]: https://… "Pods"``).

The Markdown is parsed with markdown-it-py (CommonMark, plus the footnote and
front-matter plugins of mdit-py-plugins) rather than with regular expressions:
whether ``[x](http://…)`` is a link or the content of a code span, a fenced
block or an escaped bracket is exactly what a real CommonMark parser decides and
a regex gets wrong. The document is rendered to plain text *line for line* — each
line of the rendering is the text of the same source line, with code blocks
blanked and markup dropped — so that the plain-text parse stage (sentences,
claims, URL finding, note fields) runs on it unchanged and every line number is
a line of the source file.

The reader decides nothing about notes: it hands blocks (headings, paragraphs,
list items with their numbers, ``[^1]:`` definitions as declared notes, raw HTML
blocks) and spans (links, ``[^1]`` markers, code) to the parse stage, whose one
recogniser finds a ``## References`` list, ``**Sources**`` followed by ``[1] …``
lines or a bulleted list the same way it does in every other format.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from citecheck.errors import InputError
from citecheck.sources.blocks import Block, BlockKind, SourceDocument, Span, SpanKind, web_address
from citecheck.sources.normalize import normalize_text
from citecheck.sources.text import decode_bytes

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FORMAT = "markdown"

# markdown-it-py is pure Python: a "Markdown article" of tens of megabytes is a
# mistake (a generated dump), and refusing it keeps the reader's time bounded.
MAX_MARKDOWN_BYTES = 20 * 1024 * 1024

# ``title: …`` and ``date: …`` lines of YAML front matter (Jekyll, Hugo, MkDocs).
_FRONT_MATTER_FIELD = re.compile(r"[ \t]{0,4}([A-Za-z_]{1,20})[ \t]{0,4}:[ \t]{0,8}(.{0,500})")
# Raw HTML inside Markdown (citeproc's ``<div class="csl-entry">``, an ``<ol>`` of notes):
# its tags are dropped line for line, its links kept, and each ``<div>``, ``<li>`` or
# ``<p>`` starts a block.
_HTML_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})((?:[^<>\"']|\"[^\"]{0,2000}\"|'[^']{0,2000}'){0,2000})>"
)
_HTML_HREF = re.compile(
    r"""\bhref\s{0,3}=\s{0,3}(?:"([^"]{0,4000})"|'([^']{0,4000})'|([^\s>]{1,4000}))""", re.I
)
_SITE_NAME = re.compile(r"(?:www\.)?[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}/?", re.ASCII)
_HTML_BLOCK_TAGS = frozenset(
    ("div", "li", "p", "dd", "dt", "tr", "h1", "h2", "h3", "h4", "h5", "h6")
)


# --- Markdown ---------------------------------------------------------------


def read_markdown(data: bytes, source: str) -> SourceDocument:
    """Read a Markdown document into blocks."""
    if len(data) > MAX_MARKDOWN_BYTES:
        raise InputError(
            f"{source}: {len(data):,} bytes is larger than the "
            f"{MAX_MARKDOWN_BYTES:,}-byte limit for Markdown"
        )
    raw_text, _ = decode_bytes(data, name=source)
    return markdown_source(raw_text, source=source)


def markdown_source(raw_text: str, source: str = "<string>") -> SourceDocument:
    """Markdown text (already decoded) as blocks, rendered line for line."""
    text = normalize_text(raw_text)
    parser = _parser()
    env: dict[str, object] = {}
    try:
        tokens = parser.parse(text, env)
    except RecursionError:
        raise InputError(f"{source}: Markdown nested too deeply to read") from None
    renderer = _Renderer(text.count("\n") + 1)
    renderer.render(tokens)
    renderer.reference_definitions(env)
    return renderer.document(source=source, raw_text=raw_text)


@functools.cache
def _parser() -> MarkdownIt:
    """The Markdown parser, built once: building one costs more than parsing a short page.

    ``parse`` keeps its state in a new object per call, so one parser serves every document.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    # Footnotes stay where they are written (move_to_end=False) so that their
    # tokens keep their source lines and an unreferenced note is still read;
    # ``^[inline notes]`` are a Pandoc extension few sites render, left as text.
    return (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False)
    )


@attrs.define
class _BlockDraft:
    kind: BlockKind
    first_line: int
    last_line: int
    first_column: int = 0
    level: int = 0
    label: str | None = None
    marker: str | None = None
    hrefs: list[str] = attrs.field(factory=list)
    link_texts: list[str] = attrs.field(factory=list)


class _Renderer:
    """Renders tokens to plain text line for line and records blocks and spans.

    Spans are kept as (line, column) pairs while lines are still growing and
    turned into offsets once the text is joined. A footnote definition and a
    list item are one block each, whatever paragraphs they hold; other text
    (paragraphs, headings, table rows, raw HTML) is a block per run.
    """

    def __init__(self, line_count: int) -> None:
        self.lines = [""] * line_count
        self.blocks: list[_BlockDraft] = []
        self.markers: list[tuple[str, int, int, int]] = []
        self.links: list[tuple[int, int, int, int, str, str | None]] = []
        self.code: list[tuple[int, int, int, int]] = []
        self.names: list[tuple[int, int, int]] = []
        self.front_matter: str | None = None
        self.used_hrefs: set[str] = set()

    def render(self, tokens: Sequence[Token]) -> None:
        container: _BlockDraft | None = None
        depth = 0  # list nesting: only items of an outermost list are blocks
        heading: int | None = None
        for token in tokens:
            kind = token.type
            if kind == "front_matter":
                self.front_matter = token.content
            elif kind == "footnote_reference_open":
                start, end = token.map or (0, 1)
                label = str(token.meta.get("label", ""))
                line = min(start, len(self.lines) - 1)
                # The rendering shows a note the way its plain-text twin would: "[1] …".
                column = len(self.lines[line])
                self.lines[line] += f"[{label}] "
                container = _BlockDraft(
                    BlockKind.NOTE, line, max(line, end - 1), column, label=label
                )
            elif kind == "footnote_reference_close":
                if container is not None:
                    self.blocks.append(container)
                container = None
            elif kind in ("bullet_list_open", "ordered_list_open"):
                depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
            elif kind == "list_item_open" and depth == 1 and container is None:
                start, end = token.map or (0, 1)
                line = min(start, len(self.lines) - 1)
                container = _BlockDraft(
                    BlockKind.LIST_ITEM,
                    line,
                    max(line, end - 1),
                    len(self.lines[line]),
                    level=depth,
                    label=token.info or None,
                    marker=f"{token.info}{token.markup}",
                )
            elif kind == "list_item_close" and depth == 1 and container is not None:
                if container.kind is BlockKind.LIST_ITEM:
                    self.blocks.append(container)
                    container = None
            elif kind == "heading_open":
                heading = int(token.tag[1:]) if token.tag[1:].isdecimal() else 1
            elif kind == "heading_close":
                heading = None
            elif kind == "hr" and container is None:
                line = (token.map or (0, 1))[0]
                self.blocks.append(_BlockDraft(BlockKind.RULE, line, line))
            elif kind in ("fence", "code_block"):
                self._code_block(token)
            elif kind == "html_block":
                self._html_block(token, container)
            elif kind == "inline" and token.children is not None:
                line = token.map[0] if token.map else 0
                line = min(line, len(self.lines) - 1)
                column = len(self.lines[line]) + (1 if self.lines[line] else 0)
                last = self._inline(token.children, line, container)
                if container is None:
                    block_kind = BlockKind.HEADING if heading is not None else BlockKind.PARAGRAPH
                    self.blocks.append(
                        _BlockDraft(block_kind, line, last, column, level=heading or 0)
                    )

    def _inline(self, children: Sequence[Token], line: int, container: _BlockDraft | None) -> int:
        """Render one inline run from ``line`` on; return the last line it reaches."""
        last = len(self.lines) - 1
        if self.lines[line]:
            self.lines[line] += " "  # after a note's label, or a second table cell
        open_links: list[tuple[int, int, str, str | None]] = []
        emphasis = 0
        for child in children:
            kind = child.type
            column = len(self.lines[line])
            if kind in ("softbreak", "hardbreak"):
                line = min(line + 1, last)
                continue
            if kind == "link_open":
                href = str(child.attrs.get("href", ""))
                title = child.attrs.get("title")
                open_links.append((line, column, href, str(title) if title else None))
                continue
            if kind == "link_close":
                if open_links:
                    self._close_link(open_links.pop(), line, container)
                continue
            if kind == "footnote_ref":
                label = str(child.meta.get("label", ""))
                rendered = f"[{label}]"
                self.markers.append((label, line, column, column + len(rendered)))
            elif kind == "code_inline":
                # Inline code is kept as words (``run `make docs` first`` reads
                # naturally in a claim) but masked in the body: `curl https://…`
                # cites nothing there. In a note, an address in code is the source.
                rendered = child.content.replace("\n", " ")
                if container is None or container.kind is not BlockKind.NOTE:
                    self.code.append((line, column, line, column + len(rendered)))
            elif kind == "text":
                rendered = child.content.replace("\n", " ")
                if emphasis and not open_links and _SITE_NAME.fullmatch(rendered.strip()):
                    # ``*www.example.com*``: the site's name in italics, as citation
                    # styles set it; an address would be a link.
                    self.names.append((line, column, column + len(rendered)))
            elif kind == "html_inline":
                rendered = ""
                for match in _HTML_HREF.finditer(child.content):
                    href = next(group for group in match.groups() if group is not None)
                    if container is not None:
                        container.hrefs.append(html.unescape(href))
            else:
                # Emphasis markers, images: no words of the sentence.
                if kind in ("em_open", "strong_open"):
                    emphasis += 1
                elif kind in ("em_close", "strong_close"):
                    emphasis -= 1
                rendered = ""
            self.lines[line] += rendered
        return line

    def _close_link(
        self, opened: tuple[int, int, str, str | None], line: int, container: _BlockDraft | None
    ) -> None:
        """Record a closed link: a span in the body, or an address of the note holding it."""
        start_line, start_column, href, title = opened
        end_column = len(self.lines[line])
        if web_address(href) is None:
            return
        self.used_hrefs.add(href.strip())
        if start_line == line:
            text = self.lines[line][start_column:end_column]
        else:
            middle = self.lines[start_line + 1 : line]
            text = " ".join(
                [self.lines[start_line][start_column:], *middle, self.lines[line][:end_column]]
            )
        if container is not None:
            if start_line == line and "://" not in text and _looks_like_address(text):
                # ``[kommersant.ru/doc/5912345](https://www.kommersant.ru/doc/5912345)``:
                # the note shows the whole address, from the href, not a shortened one.
                self.lines[line] = self.lines[line][:start_column] + href.strip()
                text = href.strip()
            container.hrefs.append(href.strip())
            container.link_texts.append(text)
            if container.kind is BlockKind.NOTE:
                return
        # A list item's links are the body's unless the item turns out to be a note.
        self.links.append((start_line, start_column, line, end_column, href.strip(), title))

    def _code_block(self, token: Token) -> None:
        start, end = token.map or (0, 0)
        for line in range(start, min(end, len(self.lines))):
            self.code.append((line, 0, line, len(self.lines[line])))

    def _html_block(self, token: Token, container: _BlockDraft | None) -> None:
        """Raw HTML: its text line for line without tags, a block per ``<div>``/``<li>``/``<p>``."""
        start, _ = token.map or (0, 0)
        draft = container
        for offset, source_line in enumerate(token.content.split("\n")):
            line = start + offset
            if line >= len(self.lines):
                break
            position = 0
            for match in _HTML_TAG.finditer(source_line):
                self.lines[line] += html.unescape(source_line[position : match.start()])
                position = match.end()
                closing, tag = match.group(1), match.group(2).lower()
                if tag in _HTML_BLOCK_TAGS and not closing and container is None:
                    # Two blocks on one line share it (the rendering keeps the file's lines).
                    draft = _BlockDraft(
                        BlockKind.LIST_ITEM if tag == "li" else BlockKind.PARAGRAPH,
                        line,
                        line,
                        len(self.lines[line]),
                    )
                    self.blocks.append(draft)
                elif tag == "br":
                    self.lines[line] += " "
                href = _HTML_HREF.search(match.group(3) or "")
                if href is not None and not closing and tag == "a" and draft is not None:
                    value = html.unescape(
                        next(group for group in href.groups() if group is not None)
                    )
                    if web_address(value) is not None:
                        draft.hrefs.append(value)
                        self.used_hrefs.add(value)
            self.lines[line] += html.unescape(source_line[position:])
            if draft is not None and self.lines[line].strip():
                draft.last_line = max(draft.last_line, line)
            elif draft is None and self.lines[line].strip():
                draft = _BlockDraft(BlockKind.PARAGRAPH, line, line)
                self.blocks.append(draft)

    def reference_definitions(self, env: dict[str, object]) -> None:
        """Reference definitions no link uses: still URLs the author wrote down.

        ``[pods]: https://… "Pods"`` lines render as nothing in Markdown; an
        unused one is shown on its own line as written, as a link in the body.
        """
        references = env.get("references")
        if not isinstance(references, dict):
            return
        for key, reference in references.items():
            if not isinstance(reference, dict):
                continue
            href = str(reference.get("href", "")).strip()
            line_map = reference.get("map")
            if (
                web_address(href) is None
                or href in self.used_hrefs
                or not isinstance(line_map, list)
            ):
                continue
            line = line_map[0]
            if not 0 <= line < len(self.lines) or self.lines[line]:
                continue
            self.used_hrefs.add(href)
            shown = f"[{str(key).lower()}]: {href}"
            self.lines[line] = shown
            title = reference.get("title")
            self.links.append((line, 0, line, len(shown), href, str(title) if title else None))

    def document(self, *, source: str, raw_text: str) -> SourceDocument:
        starts = [0]
        for line in self.lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        text = "\n".join(self.lines)
        blocks = []
        for draft in sorted(self.blocks, key=lambda block: (block.first_line, block.first_column)):
            last = draft.last_line
            while last > draft.first_line and not self.lines[last].strip():
                last -= 1
            start = starts[draft.first_line] + min(
                draft.first_column, len(self.lines[draft.first_line])
            )
            end = starts[last] + len(self.lines[last])
            if end <= start and draft.kind is not BlockKind.RULE:
                continue
            blocks.append(
                Block(
                    kind=draft.kind,
                    start=start,
                    end=max(start, end),
                    line=draft.first_line + 1,
                    level=draft.level,
                    label=draft.label,
                    marker=draft.marker,
                    hrefs=tuple(draft.hrefs),
                    link_texts=tuple(draft.link_texts),
                )
            )
        spans = [
            Span(
                SpanKind.MARKER,
                starts[line] + start,
                starts[line] + end,
                target=label,
                line=line + 1,
            )
            for label, line, start, end in self.markers
        ]
        spans.extend(
            Span(
                SpanKind.LINK,
                starts[start_line] + start_column,
                starts[end_line] + end_column,
                target=href,
                title=title,
                line=start_line + 1,
            )
            for start_line, start_column, end_line, end_column, href, title in self.links
        )
        spans.extend(
            Span(SpanKind.CODE, starts[line] + start, starts[end_line] + end)
            for line, start, end_line, end in self.code
        )
        spans.extend(
            Span(SpanKind.NAME, starts[line] + start, starts[line] + end)
            for line, start, end in self.names
        )
        title, published = _front_matter_fields(self.front_matter)
        return SourceDocument(
            source=source,
            format=FORMAT,
            raw_text=raw_text,
            text=text,
            blocks=tuple(_without_overlaps(blocks)),
            spans=tuple(sorted(spans, key=lambda span: (span.start, span.end))),
            title=title,
            published=published,
        )


def _without_overlaps(blocks: list[Block]) -> list[Block]:
    """Blocks in order, a block inside an earlier one (a paragraph in an HTML list item) dropped."""
    kept: list[Block] = []
    for block in blocks:
        if kept and block.start < kept[-1].end:
            continue
        kept.append(block)
    return kept


def _looks_like_address(text: str) -> bool:
    stripped = text.strip()
    return " " not in stripped and "." in stripped and "/" in stripped


def _front_matter_fields(front_matter: str | None) -> tuple[str | None, str | None]:
    """``title:`` and ``date:`` of YAML front matter (Jekyll, Hugo, MkDocs blog posts)."""
    if not front_matter:
        return None, None
    title = None
    published = None
    for line in front_matter.splitlines()[:200]:
        match = _FRONT_MATTER_FIELD.fullmatch(line)
        if match is None:
            continue
        key, value = match.group(1).lower(), match.group(2).strip().strip("\"'").strip()
        if key == "title" and value and title is None:
            title = value
        elif key in ("date", "published", "pubdate") and value and published is None:
            published = value
    return title, published
