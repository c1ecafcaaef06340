"""Soft 404s: a 200 (or a redirect) that serves an error page instead of the source.

Three independent kinds of evidence, any one of which decides:

1. **The page says so.** An error phrase ("Page not found", "Seite nicht
   gefunden", "Sayfa bulunamadı", …) in the ``<title>`` or an ``<h1>``, where
   the phrase is most of that title segment; a 404 template marker
   (WordPress's ``<body class="error404">``, ``<meta name="prerender-status-code"
   content="404">``); or a page-specific error sentence in the main text of a
   short page. An article *about* 404 errors ("How to fix a 404 error") has
   the phrase among other words in its title and a long body, so it passes.
2. **The redirect says so.** A deep URL that redirects to the site's home
   page, a section index, a search page or a login page; any URL that
   redirects to an error page (``/404.html``, ``?aspxerrorpath=``). The same
   for a ``<meta http-equiv=refresh>`` on a near-empty page.
3. **The probe says so.** The same host's answer for a made-up sibling path
   (:func:`probe_url`) is a 200 with practically the same content: the site
   answers every path alike, so this answer proves nothing exists here.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse

import attrs

from citecheck.checks import urls
from citecheck.checks.page import Page, is_html, parse_page
from citecheck.checks.status import DEAD_STATUSES
from citecheck.checks.textutil import clip, first_phrase, fold, fold_all
from citecheck.fetch.result import FetchResult

SHORT_PAGE = 300
"""Main text size (words) at or under which an error sentence in the body counts."""
SAME_TEXT = 0.9
"""Jaccard similarity of word 3-shingles at or above which two pages are the same page."""
SAME_TITLE_TEXT = 0.6
"""A lower similarity that suffices when the titles are equal and the lengths within 10 %.

Error templates that echo the requested path and show a random "popular
stories" box differ more than the first threshold allows; the equal title and
length carry the rest.
"""
SAME_LENGTH = 0.9
"""Shorter/longer main-text length ratio for the equal-title rule."""
TINY_PAGE = 20
"""Below this many words, two pages with scripts are JavaScript shells, not comparable."""
PROBE_PREFIX = "citecheck-probe-"

# Error phrases for a title or heading segment. "404" alone comes last: it is
# only taken when it is the whole segment ("404 | Example"), not "Area 404".
TITLE_PHRASES = fold_all(
    [
        # English
        "page not found",
        "404 not found",
        "error 404",
        "404 error",
        "not found",
        "file not found",
        "can't be found",
        "cannot be found",
        "could not be found",
        "couldn't be found",
        "can't find",
        "couldn't find",
        "does not exist",
        "doesn't exist",
        "no longer exists",
        "no longer available",
        "isn't available",
        "is not available",
        "page unavailable",
        "page missing",
        "nothing found",
        "nothing was found",
        "410 gone",
        # German
        "seite nicht gefunden",
        "nicht gefunden",
        "existiert nicht",
        "nicht mehr verfügbar",
        "fehler 404",
        # French
        "page introuvable",
        "introuvable",
        "n'existe pas",
        "n'existe plus",
        "page non trouvée",
        "erreur 404",
        "n'est plus disponible",
        # Spanish
        "página no encontrada",
        "no encontrada",
        "no encontrado",
        "no existe",
        "ya no está disponible",
        # Portuguese
        "página não encontrada",
        "não encontrada",
        "não encontrado",
        "não existe",
        "erro 404",
        # Italian
        "pagina non trovata",
        "non trovata",
        "non esiste",
        "errore 404",
        # Russian, Ukrainian, Kazakh
        "страница не найдена",
        "не найдена",
        "не найдено",
        "не существует",
        "ошибка 404",
        "сторінку не знайдено",
        "сторінка не знайдена",
        "не знайдено",
        "бет табылмады",
        # Turkish
        "sayfa bulunamadı",
        "bulunamadı",
        "sayfa mevcut değil",
        "hata 404",
        # Dutch, Polish
        "pagina niet gevonden",
        "niet gevonden",
        "nie znaleziono",
        "strona nie została znaleziona",
        "nie istnieje",
        # Chinese, Japanese, Korean, Arabic
        "页面不存在",
        "找不到页面",
        "页面未找到",
        "頁面不存在",
        "找不到網頁",
        "ページが見つかりません",
        "페이지를 찾을 수 없습니다",
        "الصفحة غير موجودة",
        "404",
    ]
)

# Sentences that name the *page* as missing, for the body of a short page.
# "does not exist" alone is not here: "such a law does not exist" is prose.
BODY_PHRASES = fold_all(
    [
        "page not found",
        "404 not found",
        "error 404",
        "404 error",
        "page cannot be found",
        "page can't be found",
        "page could not be found",
        "page couldn't be found",
        "page you requested",
        "page you are looking for",
        "page you're looking for",
        "page you were looking for",
        "couldn't find the page",
        "couldn't find that page",
        "can't find the page",
        "can't find that page",
        "could not find the page",
        "page does not exist",
        "page doesn't exist",
        "page no longer exists",
        "page is no longer available",
        "article is no longer available",
        "content is no longer available",
        "this article has been removed",
        "this page has been removed",
        "page has been deleted",
        "seite nicht gefunden",
        "seite wurde nicht gefunden",
        "seite existiert nicht",
        "seite ist nicht mehr verfügbar",
        "page introuvable",
        "page non trouvée",
        "page demandée n'existe pas",
        "cette page n'existe pas",
        "page n'existe plus",
        "página no encontrada",
        "la página no existe",
        "la página que buscas no existe",
        "página não encontrada",
        "a página não existe",
        "página que você procura não existe",
        "pagina non trovata",
        "la pagina non esiste",
        "la pagina richiesta non esiste",
        "страница не найдена",
        "страница не существует",
        "запрашиваемая страница не найдена",
        "сторінку не знайдено",
        "сторінка не знайдена",
        "бет табылмады",
        "sayfa bulunamadı",
        "aradığınız sayfa bulunamadı",
        "sayfa mevcut değil",
        "pagina niet gevonden",
        "strona nie została znaleziona",
        "nie znaleziono strony",
        "页面不存在",
        "找不到页面",
        "页面未找到",
        "ページが見つかりません",
        "페이지를 찾을 수 없습니다",
        "الصفحة غير موجودة",
    ]
)

# Words an error title is made of besides its phrase: a title segment counts when
# at most one word is outside this vocabulary (a site name, "!!1").
_FILLER = fold_all(
    """oops ooops whoops sorry uh oh hmm error err http status code the a an this that
    page pages webpage site we you your you're were are is was has have been be not no
    longer find found looking look for requested request file document resource content
    url link here it its it's seems looks like something anything nothing to of on in at
    may might moved removed deleted or and isn't doesn't exist exists missing available
    unavailable gone lost article post story item sorry
    die der das seite angeforderte gesuchte wurde konnte leider fehler ups hoppla diese
    ist sie es
    la le les demandée cherchez recherchez vous que erreur désolé désolée oups cette ce
    non trouvée pas plus disponible
    el página buscas busca se ha lo sentimos esta está solicitada
    o procura procurando foi desculpe mais disponível solicitada erro
    pagina che cerchi stai cercando spiacenti ci dispiace richiesta è più errore
    страница ошибка извините запрашиваемая которую вы ищете упс к сожалению удалена
    sayfa hata aradığınız üzgünüz maalesef
    pagina fout oeps helaas strona błąd przepraszamy strony""".split()
)
_VOCABULARY = frozenset(_FILLER) | frozenset(
    word for phrase in TITLE_PHRASES for word in phrase.split()
)
# Words that make a title about errors rather than an error: "How to fix a 404".
_ABOUT = frozenset(
    fold_all(
        """how what why when fix fixing fixes fixed guide tutorial avoid seo handle handling
        create creating custom design best examples ideas vs explained meaning
        wie warum comment pourquoi cómo como por qué perché почему как nasıl neden""".split()
    )
)
_SEPARATORS = (" | ", "|", " - ", " – ", " — ", " · ", " :: ", " » ", " « ", ": ", " / ", " • ")
_TEMPLATE_TOKENS = frozenset(
    "error404 error-404 error_404 page-404 page404 404-page is-404 template-404 e404 "
    "not-found notfound page-not-found pagenotfound status-404 http-404".split()
)
_WORD = re.compile(r"[^\W\d_]+")


@attrs.frozen
class Evidence:
    """One soft-404 finding: its machine tag and a plain-words account of it."""

    signal: str
    reason: str


def _segments(title: str) -> list[str]:
    text = title
    for separator in _SEPARATORS:
        text = text.replace(separator, "\x00")
    return [segment for segment in text.split("\x00") if segment.strip()]


def heading_error(text: str) -> str | None:
    """The error phrase a title or heading consists of, or None.

    The text is split at the separators sites put between the page name and
    the site name ("Page not found – The Guardian"). A segment counts when it
    contains an error phrase, nothing marks it as a text *about* errors
    ("how", "fix", "guide"), and at most one of its words is outside the
    vocabulary of error messages (none for a bare "404").
    """
    for segment in _segments(text[:1000]):
        folded = fold(segment)
        phrase = first_phrase(folded, TITLE_PHRASES)
        if phrase is None:
            continue
        words = folded.split()
        if any(word in _ABOUT for word in words):
            continue
        others = [word for word in words if word not in _VOCABULARY and not word.isdigit()]
        if len(others) <= (0 if phrase == "404" else 1):
            return phrase
    return None


def page_evidence(page: Page) -> Evidence | None:
    """What the page itself says: error title, heading, template marker or short error text."""
    phrase = heading_error(page.title)
    if phrase:
        return Evidence(
            f"title:{phrase}",
            f'The page\'s title says "{_quote(page.title)}" although the server answered '
            "with success.",
        )
    for heading in page.headings:
        phrase = heading_error(heading)
        if phrase:
            return Evidence(
                f"h1:{phrase}",
                f'The page\'s heading says "{_quote(heading)}" although the server answered '
                "with success.",
            )
    for token in sorted(page.root_tokens & _TEMPLATE_TOKENS):
        return Evidence(
            f"template:{token}",
            f'The page is the site\'s "not found" template (marked "{token}").',
        )
    prerender = page.meta_content("prerender-status-code")
    if prerender is not None and prerender.strip() in ("404", "410"):
        return Evidence(
            "meta:prerender-status-code",
            f"The page declares itself a {prerender.strip()} in its prerender-status-code tag.",
        )
    if page.size <= SHORT_PAGE:
        phrase = first_phrase(fold(page.text[:5000]), BODY_PHRASES)
        if phrase:
            return Evidence(
                f"text:{phrase}",
                f'The short page says "{phrase}" although the server answered with success.',
            )
    return None


def _quote(text: str) -> str:
    return clip(text, 80).replace('"', "'")


_LANDING_WORDS = {
    urls.Landing.ERROR: "an error page",
    urls.Landing.HOME: "the site's home page",
    urls.Landing.LOGIN: "a login page",
    urls.Landing.SEARCH: "a search page",
    urls.Landing.SECTION: "a section index",
}


def landing_evidence(original: str, target: str, how: str) -> tuple[urls.Landing, Evidence] | None:
    """Whether going from ``original`` to ``target`` lands on a generic page.

    ``how`` is "redirect" or "meta-refresh", for the signal and the sentence.
    """
    kind = urls.landing(original, target)
    if kind is None:
        return None
    verb = "redirects" if how == "redirect" else "sends the browser on (meta refresh)"
    return kind, Evidence(
        f"{how}:{kind.value}",
        f"The page {verb} to {_LANDING_WORDS[kind]} ({clip(target, 200)}).",
    )


def refresh_target(page: Page, base: str) -> str | None:
    """The absolute target of an immediate ``<meta http-equiv=refresh>`` on a near-empty page."""
    if page.refresh_url is None or page.refresh_delay is None:
        return None
    if page.refresh_delay > 10 or page.size > 100:
        return None
    try:
        return urllib.parse.urljoin(base, page.refresh_url)
    except ValueError:
        return None


# --------------------------------------------------------------------------- probe


def probe_url(url: str) -> str:
    """A made-up sibling of ``url`` on the same scheme, host and port, derived from the URL.

    ``https://x.org/news/2020/story.html?id=3`` gives
    ``https://x.org/news/2020/citecheck-probe-<12 hex>.html``: same directory and
    file extension (so that it reaches the same handler), no query, no
    credentials. The 12 hex digits are the SHA-256 of the directory and the
    extension, so every URL of one directory shares one probe: a site's 404
    behaviour is a property of the handler, and one probe per directory rather
    than per URL halves the requests of a run (benchmarks/RESULTS.md). No
    randomness: a recorded run replays the same probe.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"{url.rstrip('/')}/{PROBE_PREFIX}{digest}"
    netloc = parts.netloc.rpartition("@")[2]
    parent, _, last = parts.path.rstrip("/").rpartition("/")
    stem, dot, extension = last.rpartition(".")
    suffix = ""
    if (
        dot
        and stem
        and 1 <= len(extension) <= 5
        and extension.isascii()
        and extension.isalnum()
        and not extension.isdigit()
    ):
        suffix = "." + extension
    directory = f"{parts.scheme}://{netloc.lower()}{parent}/*{suffix}"
    digest = hashlib.sha256(directory.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return urllib.parse.urlunsplit(
        (parts.scheme, netloc, f"{parent}/{PROBE_PREFIX}{digest}{suffix}", "", "")
    )


def probe_target(result: FetchResult) -> str:
    """The probe to fetch for a result: a sibling of the URL that finally answered."""
    return probe_url(result.final_url or result.url)


def needs_probe(result: FetchResult) -> bool:
    """Whether a soft-404 probe could tell us more about this result.

    Yes for a 2xx HTML answer to a deep URL (directly or after redirects). No
    for failures, other statuses, non-HTML bodies (a PDF is not a template),
    and citations of a home page: a site that answers every unknown path with
    its home page would make a cited home page look like a soft 404.
    """
    if result.failure is not None or result.status is None:
        return False
    if not 200 <= result.status <= 299 or result.status in (204, 205):
        return False
    return is_html(result) and urls.is_deep(result.url)


def _tokens(text: str, ignore: frozenset[str]) -> list[str]:
    words = _WORD.findall(text[:200_000].casefold())
    return [word for word in words[:30_000] if word not in ignore]


def _shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    if len(tokens) < 3:
        return {tuple(tokens)}
    return {tuple(tokens[index : index + 3]) for index in range(len(tokens) - 2)}


def similarity(first: str, second: str, ignore: frozenset[str] = frozenset()) -> float:
    """Jaccard similarity of the word 3-shingles of two texts, digits and ``ignore`` left out.

    Digits go because error pages show request ids and times; ``ignore`` holds
    the words of both URLs' paths, which error pages echo ("/some-slug was not
    found").
    """
    ours = _shingles(_tokens(first, ignore))
    theirs = _shingles(_tokens(second, ignore))
    union = len(ours | theirs)
    return len(ours & theirs) / union if union else 1.0


def _path_words(*addresses: str) -> frozenset[str]:
    words: set[str] = set()
    for address in addresses:
        parts = urls.split(address)
        if parts is not None:
            words.update(_WORD.findall(urllib.parse.unquote(parts.path).casefold()))
    return frozenset(words)


@attrs.frozen
class ProbeComparison:
    """How the cited page compares with the probe.

    ``same`` is True when the probe proves a soft 404; ``signal`` tags the
    outcome either way (``probe:same-content``, ``probe:different``,
    ``probe:404``, ``probe:js-shell``, …).
    """

    same: bool
    signal: str
    score: float | None = None


def compare_probe(result: FetchResult, page: Page, probe: FetchResult) -> ProbeComparison:
    """Compare a 2xx cited page with the probe's answer; see the module notes."""
    if probe.failure is not None or probe.status is None:
        return ProbeComparison(False, "probe:failed")
    if probe.status in DEAD_STATUSES:
        return ProbeComparison(False, f"probe:{probe.status}")
    if not 200 <= probe.status <= 299:
        return ProbeComparison(False, f"probe:status-{probe.status}")
    if not urls.is_deep(result.url):
        return ProbeComparison(False, "probe:skipped-home")
    if (
        result.redirects
        and probe.redirects
        and urls.same_address(result.final_url, probe.final_url)
    ):
        return ProbeComparison(True, "probe:same-url", 1.0)
    other = parse_page(probe)
    if page.size < TINY_PAGE and other.size < TINY_PAGE and (page.scripts or page.inline_script):
        # A single-page app serves one HTML shell for every path and renders
        # the content with JavaScript: equal shells prove nothing.
        return ProbeComparison(False, "probe:js-shell")
    if result.body and result.body == probe.body:
        return ProbeComparison(True, "probe:same-content", 1.0)
    ignore = _path_words(result.url, result.final_url, probe.url, probe.final_url)
    score = similarity(page.text, other.text, ignore)
    if score >= SAME_TEXT:
        return ProbeComparison(True, "probe:same-content", score)
    title_ours = " ".join(_tokens(page.title, ignore))
    title_theirs = " ".join(_tokens(other.title, ignore))
    lengths = sorted((len(page.text), len(other.text)))
    ratio = lengths[0] / lengths[1] if lengths[1] else 1.0
    if (
        title_ours
        and title_ours == title_theirs
        and ratio >= SAME_LENGTH
        and score >= SAME_TITLE_TEXT
    ):
        return ProbeComparison(True, "probe:same-title", score)
    return ProbeComparison(False, "probe:different", score)
