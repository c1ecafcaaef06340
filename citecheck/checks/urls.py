"""What a URL's shape says: its canonical form, and whether it is a generic page.

A redirect is judged by where it lands. Landing on the same address spelled
differently (``http:`` to ``https:``, ``www.`` added or dropped, a trailing
slash, ``/index.html``, a tracking parameter removed) is canonicalisation, not
a move. Landing on the site's home page, an error page (``/404.html``,
ASP.NET's ``?aspxerrorpath=``), a search page or a section index from a deep
path is how many sites answer a request for a page they no longer have.
"""

from __future__ import annotations

import enum
import urllib.parse

_INDEX_FILES = frozenset(
    "index.html index.htm index.php index.asp index.aspx index.jsp index.shtml "
    "default.aspx default.asp default.htm default.html home.html home.htm home.php "
    "home.aspx".split()
)
_HOME_SEGMENTS = frozenset(
    "home homepage start main welcome portal inicio accueil startseite".split()
)
_TRACKING_KEYS = frozenset(
    "fbclid gclid dclid msclkid mc_cid mc_eid yclid igshid _hsenc _hsmi ref_src".split()
)
_ERROR_SEGMENTS = frozenset(
    "404 410 error errors not-found notfound not_found page-not-found pagenotfound "
    "page_not_found errorpage errorpages error-page fehler erreur".split()
)
_ERROR_QUERY_KEYS = frozenset("error err errorcode error_code aspxerrorpath".split())
_STATUS_QUERY_KEYS = frozenset("code status statuscode status_code".split())
_LOGIN_SEGMENTS = frozenset(
    "login log-in log_in signin sign-in sign_in logon auth sso authenticate "
    "wp-login cas idp anmelden connexion".split()
)
_LOGIN_HOST_PREFIXES = ("login.", "auth.", "sso.", "signin.", "accounts.", "idp.", "cas.")
_RETURN_KEYS = frozenset(
    "next return returnurl return_url returnto return_to redirect redirect_to redirect_uri "
    "redirecturl continue target url service destination goto came_from camefrom back backurl "
    "origin wreply relaystate referer referrer from".split()
)
_SEARCH_SEGMENTS = frozenset("search suche recherche buscar busca arama poisk cerca zoeken".split())


def _strip_extension(segment: str) -> str:
    stem, dot, extension = segment.rpartition(".")
    if dot and stem and 1 <= len(extension) <= 5 and extension.isalnum():
        return stem
    return segment


def split(url: str) -> urllib.parse.SplitResult | None:
    """``urlsplit`` that answers None instead of raising on a malformed URL."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return parts


def host(url: str) -> str:
    """The host, lowercased, without ``www.``; '' when there is none."""
    parts = split(url)
    if parts is None or not parts.hostname:
        return ""
    name = parts.hostname.lower().rstrip(".")
    return name.removeprefix("www.")


def segments(url: str) -> tuple[str, ...]:
    """The non-empty path segments, percent-decoded and lowercased."""
    parts = split(url)
    if parts is None:
        return ()
    path = urllib.parse.unquote(parts.path)
    return tuple(segment.lower() for segment in path.split("/") if segment)


def _query(url: str) -> list[tuple[str, str]]:
    parts = split(url)
    if parts is None or not parts.query:
        return []
    return urllib.parse.parse_qsl(parts.query[:4000], keep_blank_values=True)


def _is_language(segment: str) -> bool:
    """``en``, ``de``, ``pt-br``, ``zh_CN``: a language root such as ``/en/``."""
    if len(segment) == 2:
        return segment.isalpha() and segment.isascii()
    if len(segment) == 5 and segment[2] in "-_":
        return (segment[:2] + segment[3:]).isalpha() and segment.isascii()
    return False


def _content_segments(url: str) -> tuple[str, ...]:
    """Path segments without a trailing index file (``/a/index.html`` is ``/a/``)."""
    parts = segments(url)
    if parts and parts[-1] in _INDEX_FILES:
        return parts[:-1]
    return parts


def canonical(url: str) -> str:
    """A key under which two spellings of one address compare equal.

    Drops the scheme, ``www.``, default ports, the fragment, a trailing slash
    or index file, tracking parameters (``utm_*``, ``fbclid``) and letter case
    in the path (IIS answers ``/About`` and ``/about`` alike and redirects
    between them).
    """
    parts = split(url)
    if parts is None:
        return url
    port = parts.port
    netloc = host(url)
    if port is not None and port not in (80, 443):
        netloc = f"{netloc}:{port}"
    path = "/".join(_content_segments(url))
    query = sorted(
        (key, value)
        for key, value in _query(url)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_KEYS
    )
    return f"{netloc}/{path}?{urllib.parse.urlencode(query)}"


def same_address(first: str, second: str) -> bool:
    """Whether two URLs are one address spelled differently (see :func:`canonical`)."""
    if canonical(first) == canonical(second):
        return True
    # A home page that moves to its language root (``/`` to ``/en/``) is still the home page.
    return host(first) == host(second) and is_home(first) and is_home(second)


def is_home(url: str) -> bool:
    """Whether the URL is a site's home page: ``/``, ``/index.html``, ``/home``, ``/en/``.

    A query string is allowed (``/?lang=en``) except an error parameter.
    """
    parts = _content_segments(url)
    if is_error_page(url):
        return False
    if not parts:
        return True
    if len(parts) == 1:
        return parts[0] in _HOME_SEGMENTS or _is_language(parts[0])
    if len(parts) == 2:
        return _is_language(parts[0]) and parts[1] in _HOME_SEGMENTS
    return False


def is_deep(url: str) -> bool:
    """Whether the URL names something more specific than a home page."""
    return not is_home(url) or bool(_query(url))


def is_error_page(url: str) -> bool:
    """An error page by its address: ``/404``, ``/errors/404.html``, ``?aspxerrorpath=``."""
    for segment in segments(url):
        stem = _strip_extension(segment)
        if stem in _ERROR_SEGMENTS or stem.startswith("404"):
            return True
        # "/error404.aspx", "/error-page", but not "/error-handling-in-python".
        if stem.startswith("error") and stem[5:].lstrip("-_.") in ("", "s", "404", "410", "page"):
            return True
        if "notfound" in stem.replace("-", "").replace("_", ""):
            return True
    for key, value in _query(url):
        key = key.lower()
        if key in _ERROR_QUERY_KEYS:
            return True
        if key in _STATUS_QUERY_KEYS and value.strip() in ("404", "410"):
            return True
    return False


def is_login_page(url: str) -> bool:
    """A sign-in page: ``/login``, ``/users/sign_in``, ``wp-login.php``, ``accounts.x.org``."""
    parts = split(url)
    if parts is None:
        return False
    name = (parts.hostname or "").lower()
    if name.startswith(_LOGIN_HOST_PREFIXES):
        return True
    return any(_strip_extension(segment) in _LOGIN_SEGMENTS for segment in segments(url))


def has_return_parameter(url: str) -> bool:
    """Whether the URL carries a "come back here after signing in" parameter.

    ``/login?next=/article/42`` means the site wants a sign-in for that very
    page, which therefore probably exists.
    """
    return any(key.lower() in _RETURN_KEYS and value.strip() for key, value in _query(url))


def is_search_page(url: str) -> bool:
    """A site search: ``/search?q=…`` or WordPress's ``/?s=…``."""
    if any(_strip_extension(segment) in _SEARCH_SEGMENTS for segment in segments(url)):
        return True
    if _content_segments(url):
        return False
    return any(key in ("s", "q", "query", "search") for key, _ in _query(url))


def is_section_of(final: str, original: str) -> bool:
    """Whether ``final`` is a one-level section index above a deeper ``original``.

    ``/news/2019/05/story`` redirecting to ``/news/`` is how many publishers
    retire articles.
    """
    if host(final) != host(original):
        return False
    ours = _content_segments(final)
    theirs = _content_segments(original)
    return len(ours) == 1 and len(theirs) >= 2 and theirs[: len(ours)] == ours


class Landing(enum.Enum):
    """Where a redirect from a deep URL ended."""

    ERROR = "error-page"
    HOME = "root"
    LOGIN = "login"
    SEARCH = "search"
    SECTION = "section"


def landing(original: str, final: str) -> Landing | None:
    """What kind of generic page a redirect from ``original`` to ``final`` landed on, if any.

    An error page counts from any URL; the others only from a deep one, since a
    home page that redirects to its own home page is fine.
    """
    if same_address(original, final):
        return None
    if is_error_page(final):
        return Landing.ERROR
    if not is_deep(original):
        return None
    if is_login_page(final):
        return Landing.LOGIN
    if is_search_page(final):
        return Landing.SEARCH
    if is_home(final):
        return Landing.HOME
    if is_section_of(final, original):
        return Landing.SECTION
    return None
