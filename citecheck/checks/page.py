"""What the checks need to know about a fetched HTML page, read once.

The page is read by a small forward-only tokenizer (see :class:`_Scanner` for
why not BeautifulSoup). Only the first :data:`MAX_PARSE_CHARS` characters are
parsed: titles, headings, error messages and parking banners sit at the top of
a page, and a bounded parse keeps a 2 MB body (or a hostile one) cheap.

The *main text* leaves out scripts, styles and the site's chrome (``nav``,
``header``, ``footer``, ``aside``): a news site's 404 page carries the same
500-word menu as its articles, and only what is left tells an error page
("Sorry, we can't find that page") from an article.
"""

from __future__ import annotations

import html
import re

import attrs

from citecheck.fetch.result import FetchResult

MAX_PARSE_CHARS = 1_000_000
"""How much of a body is parsed as HTML."""
MAX_TEXT_CHARS = 200_000
"""How much main text is kept for comparison with the probe."""
MAX_SCRIPT_CHARS = 100_000
"""How much inline script text is kept (parking and challenge markers live in small pages)."""

# Elements whose text is not the page's main text: invisible, or the site's
# chrome around it (raw-text elements such as <script> are skipped anyway).
_HIDDEN = frozenset(
    {"head", "template", "svg", "math", "object", "nav", "header", "footer", "aside", "menu"}
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+xhtml")
_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|title|body|meta)[\s>]", re.IGNORECASE)
_REFRESH = re.compile(
    r"^\s*(\d{1,6})(?:\.\d*)?\s*(?:[;,]\s*(?:url\s*=\s*)?(.*))?$", re.IGNORECASE | re.DOTALL
)


@attrs.frozen
class Page:
    """The parts of a page that decide a verdict.

    ``size`` measures the main text in words, counting scripts written without
    spaces (Chinese, Japanese, Thai) at one word per six characters, so that a
    long Japanese article is not taken for a short error page.
    """

    title: str = ""
    headings: tuple[str, ...] = ()
    text: str = ""
    size: int = 0
    scripts: tuple[str, ...] = ()
    frames: tuple[str, ...] = ()
    inline_script: str = ""
    refresh_url: str | None = None
    refresh_delay: int | None = None
    root_tokens: frozenset[str] = frozenset()
    meta: tuple[tuple[str, str], ...] = ()
    widgets: frozenset[str] = frozenset()

    def meta_content(self, name: str) -> str | None:
        """The content of the first ``<meta name=…>`` (or ``property``) called ``name``."""
        for key, value in self.meta:
            if key == name:
                return value
        return None


def media_type(result: FetchResult) -> str:
    """The content type without parameters, lowercased; '' when none was given."""
    return (result.content_type or "").split(";", 1)[0].strip().lower()


def is_html(result: FetchResult) -> bool:
    """Whether the final response is HTML, by its content type or, lacking one, its first bytes.

    Some servers label every answer ``text/plain`` or ``application/octet-stream``
    (or send no type at all); a body that opens like HTML is read as HTML then.
    """
    kind = media_type(result)
    if kind in _HTML_TYPES:
        return True
    if kind and kind not in (
        "text/plain",
        "application/octet-stream",
        "application/xml",
        "text/xml",
    ):
        return False
    head = (
        result.body[:2048] if result.body else (result.text or "")[:2048].encode("utf-8", "replace")
    )
    return _SNIFF.search(head) is not None


def is_textual(result: FetchResult) -> bool:
    """HTML or plain text: what the error-page signals can read."""
    return is_html(result) or media_type(result) == "text/plain"


def body_text(result: FetchResult) -> str:
    """The decoded body: the fetch layer's ``text``, else the bytes read as UTF-8."""
    if result.text is not None:
        return result.text
    return result.body[: MAX_PARSE_CHARS * 4].decode("utf-8", "replace")


def _size(text: str) -> int:
    words = len(text.split())
    return max(words, len(text) // 6)


def parse_page(result: FetchResult) -> Page:
    """Read the final response's body into a :class:`Page`.

    Plain text becomes a page with text only. Anything else that is not HTML
    becomes an empty page.
    """
    if not is_textual(result):
        return Page()
    markup = body_text(result)[:MAX_PARSE_CHARS]
    if not is_html(result):
        text = _collapse(markup[:MAX_TEXT_CHARS])
        return Page(text=text, size=_size(text))
    return _parse_html(markup)


def _collapse(text: str) -> str:
    return " ".join(text.split())


# Each pattern is one greedy character class anchored at a position: it cannot
# backtrack, and the scanner never looks at a character twice.
_TAG_NAME = re.compile(r"[A-Za-z][^\s/>]*")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_UNQUOTED = re.compile(r"[^\s>]*")
_SPACE = re.compile(r"[\s/]*")
_BLANK = re.compile(r"\s*")

# Elements whose content is raw text up to their end tag (the HTML tokenizer's
# RAWTEXT/RCDATA/script states).
_RAW = frozenset(
    {"script", "style", "title", "textarea", "xmp", "noembed", "noframes", "noscript", "iframe"}
)
# What may stand in <head>; any other start tag closes an unclosed <head>.
_HEAD_CONTENT = frozenset(
    {"meta", "link", "title", "script", "style", "base", "noscript", "template"}
)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WIDGETS = frozenset({"g-recaptcha", "h-captcha", "cf-turnstile", "frc-captcha"})


class _Scanner:
    """A forward-only HTML tokenizer that keeps what :class:`Page` needs.

    Why not BeautifulSoup: its ``html.parser`` backend is CPython's
    ``HTMLParser``, which in Python 3.11 takes quadratic time on unclosed
    start tags (60 KB of ``<a <a <a`` takes seconds); a hostile page must not
    stall a run. This scanner follows the tokenizer states that matter
    (tags, attributes with quoted values, comments, raw-text elements), moves
    only forward and so runs in linear time. It builds no tree: it counts the
    open elements whose text is hidden or chrome.
    """

    def __init__(self, markup: str) -> None:
        self.markup = markup
        # ASCII-only lowering keeps offsets: "İ".lower() is two characters.
        self.lower = markup.translate(_ASCII_LOWER)
        self.title = ""
        self.title_seen = False
        self.headings: list[str] = []
        self.heading: list[str] | None = None
        self.heading_len = 0
        self.text: list[str] = []
        self.text_len = 0
        self.scripts: list[str] = []
        self.frames: list[str] = []
        self.inline: list[str] = []
        self.inline_len = 0
        self.refresh_url: str | None = None
        self.refresh_delay: int | None = None
        self.root_tokens: set[str] = set()
        self.meta: list[tuple[str, str]] = []
        self.widgets: set[str] = set()
        self.open: dict[str, int] = {}
        self.hidden = 0

    # -- text ---------------------------------------------------------------

    def add_text(self, raw: str) -> None:
        if self.heading is not None and self.heading_len < 500:
            piece = html.unescape(raw[: 500 - self.heading_len + 50])
            self.heading.append(piece)
            self.heading_len += len(piece)
        if self.hidden or self.text_len >= MAX_TEXT_CHARS * 2:
            return
        piece = html.unescape(raw[: MAX_TEXT_CHARS * 2 - self.text_len + 50])
        self.text.append(piece)
        self.text_len += len(piece)

    def end_heading(self) -> None:
        if self.heading is not None:
            heading = _collapse(" ".join(self.heading))[:500]
            if heading:
                self.headings.append(heading)
            self.heading = None

    # -- tags ---------------------------------------------------------------

    def start(self, name: str, attrs: dict[str, str], closed: bool) -> None:
        if name == "body" or (name not in _HEAD_CONTENT and self.open.get("head")):
            self._close("head", everything=True)
        if name in ("html", "body", "main"):
            self.root_tokens.update(attrs.get("class", "").lower().split())
            self.root_tokens.update(attrs.get("id", "").lower().split())
        classes = attrs.get("class", "")
        if classes:
            self.widgets.update(_WIDGETS.intersection(classes.lower().split()))
        if name == "h1":
            self.end_heading()
            if len(self.headings) < 5:
                self.heading = []
                self.heading_len = 0
        elif name == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"][:2000])
        elif name in ("iframe", "frame") and attrs.get("src"):
            self.frames.append(attrs["src"][:2000])
        elif name == "meta":
            self._meta(attrs)
        if name in _HIDDEN and not closed:
            self.open[name] = self.open.get(name, 0) + 1
            self.hidden += 1

    def end(self, name: str) -> None:
        if name == "h1":
            self.end_heading()
        if name in _HIDDEN:
            self._close(name, everything=False)

    def _close(self, name: str, *, everything: bool) -> None:
        count = self.open.get(name, 0)
        if count:
            closing = count if everything else 1
            self.open[name] = count - closing
            self.hidden -= closing

    def _meta(self, attrs: dict[str, str]) -> None:
        key = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = attrs.get("content", "").strip()[:2000]
        if key and len(self.meta) < 200:
            self.meta.append((key, content))
        if attrs.get("http-equiv", "").strip().lower() == "refresh" and self.refresh_delay is None:
            match = _REFRESH.match(content)
            if match:
                self.refresh_delay = int(match.group(1))
                target = (match.group(2) or "").strip().strip("'\"").strip()
                self.refresh_url = target or None

    def raw(self, name: str, content: str) -> None:
        if name == "title":
            if not self.title_seen and not self.open.get("svg"):
                self.title_seen = True
                self.title = _collapse(html.unescape(content[:4000]))[:1000]
        elif name == "script":
            if self.inline_len < MAX_SCRIPT_CHARS:
                code = content[: MAX_SCRIPT_CHARS - self.inline_len]
                self.inline.append(code)
                self.inline_len += len(code)
        elif name == "textarea":
            self.add_text(content)

    # -- the loop -----------------------------------------------------------

    def run(self) -> None:
        markup = self.markup
        end = len(markup)
        pos = 0
        text_start = 0
        while pos < end:
            lt = markup.find("<", pos)
            if lt < 0:
                break
            after = markup[lt + 1 : lt + 2]
            if not (after.isascii() and after.isalpha()) and after not in ("/", "!", "?"):
                # "a < b", "<3": a literal "<" in text, as browsers read it.
                pos = lt + 1
                continue
            if lt > text_start:
                self.add_text(markup[text_start:lt])
            pos = text_start = self._tag(lt)
        if text_start < end:
            self.add_text(markup[text_start:])

    def _tag(self, lt: int) -> int:
        markup, lower = self.markup, self.lower
        end = len(markup)
        after = markup[lt + 1 : lt + 2]
        if markup.startswith("<!--", lt):
            close = markup.find("-->", lt + 4)
            return end if close < 0 else close + 3
        if after in ("!", "?"):
            close = markup.find(">", lt + 2)
            return end if close < 0 else close + 1
        if after == "/":
            match = _TAG_NAME.match(markup, lt + 2)
            close = markup.find(">", lt + 2)
            if match:
                self.end(match.group().lower())
            return end if close < 0 else close + 1
        match = _TAG_NAME.match(markup, lt + 1)
        assert match is not None  # run() only calls with a letter after "<"
        name = match.group().lower()
        pos, attrs, closed = self._attributes(match.end())
        self.start(name, attrs, closed)
        if name in _RAW and not closed:
            close = lower.find("</" + name, pos)
            stop = end if close < 0 else close
            self.raw(name, markup[pos:stop])
            return stop
        return pos

    def _attributes(self, pos: int) -> tuple[int, dict[str, str], bool]:
        """Read a start tag's attributes: (position after it, attributes, self-closed)."""
        markup = self.markup
        end = len(markup)
        attrs: dict[str, str] = {}
        while pos < end:
            gap = _SPACE.match(markup, pos)
            assert gap is not None
            pos = gap.end()
            if pos >= end:
                break
            if markup[pos] == ">":
                return pos + 1, attrs, markup[pos - 1] == "/"
            match = _ATTR_NAME.match(markup, pos)
            assert match is not None
            key = match.group().lower()
            pos = _BLANK.match(markup, match.end()).end()  # type: ignore[union-attr]
            value = ""
            if pos < end and markup[pos] == "=":
                pos = _BLANK.match(markup, pos + 1).end()  # type: ignore[union-attr]
                if pos < end and markup[pos] in "\"'":
                    close = markup.find(markup[pos], pos + 1)
                    stop = end if close < 0 else close
                    value = markup[pos + 1 : stop]
                    pos = stop + 1
                else:
                    unquoted = _UNQUOTED.match(markup, pos)
                    assert unquoted is not None
                    value = unquoted.group()
                    pos = unquoted.end()
            if key not in attrs and len(attrs) < 64:
                attrs[key] = html.unescape(value[:4000])
        return end, attrs, False

    def page(self) -> Page:
        self.end_heading()
        # Pieces of text between tags are joined with a space: "<h1>Oops</h1><p>Sorry"
        # must not read "OopsSorry" (inline tags inside a word are rare in error pages).
        text = _collapse(" ".join(self.text))[:MAX_TEXT_CHARS]
        return Page(
            title=self.title,
            headings=tuple(self.headings),
            text=text,
            size=_size(text),
            scripts=tuple(self.scripts),
            frames=tuple(self.frames),
            inline_script="\n".join(self.inline),
            refresh_url=self.refresh_url,
            refresh_delay=self.refresh_delay,
            root_tokens=frozenset(self.root_tokens),
            meta=tuple(self.meta),
            widgets=frozenset(self.widgets),
        )


def _parse_html(markup: str) -> Page:
    scanner = _Scanner(markup)
    scanner.run()
    return scanner.page()
