"""The stand-in web of the verify tests: one scenario per footnote of fixtures/standin/article.txt.

Each scenario says how a stand-in host answers one path and which verdict
citecheck must give the footnote that cites it. The article is the issue's
"fixture article citing a stand-in web of at least 20 scenarios".
"""

from __future__ import annotations

import socket
from pathlib import Path

from citecheck.model import Verdict
from citecheck.testing import Route, StandinWeb


class NoDns:
    """A resolver for tests: no name resolves (real DNS is network too)."""

    def resolve(self, host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} does not resolve (test resolver)")


STANDIN = Path(__file__).parent.parent.parent / "fixtures" / "standin"


def _page(name: str) -> bytes:
    return (STANDIN / name).read_bytes()


ARTICLE = _page("article.html")
HOME = _page("home.html")

SITE_ROUTES = {
    "/": Route(body=HOME),
    "/analysis/pipeline": Route(body=ARTICLE),
    "/gone/404": Route(status=404, body="<title>404 Not Found</title>"),
    "/gone/410": Route(status=410, body="<title>410 Gone</title>"),
    "/old/pipeline": Route(status=301, headers=(("Location", "/analysis/pipeline"),)),
    "/old/pipeline-308": Route(status=308, headers=(("Location", "/analysis/pipeline"),)),
    "/analysis/pipeline-slash": Route(
        status=301, headers=(("Location", "/analysis/pipeline-slash/"),)
    ),
    "/analysis/pipeline-slash/": Route(body=ARTICLE),
    "/deleted/story": Route(status=302, headers=(("Location", "/"),)),
    "/members/story": Route(status=302, headers=(("Location", "/login"),)),
    "/login": Route(body=_page("login.html")),
    "/private/401": Route(status=401, headers=(("WWW-Authenticate", 'Basic realm="x"'),)),
    "/private/403": Route(status=403, body="<title>403 Forbidden</title>"),
    "/busy/429": Route(sequence=(429, 200), body=ARTICLE, headers=(("Retry-After", "1"),)),
    "/flaky/503": Route(sequence=(503, 503, 200), body=ARTICLE),
    "/broken/500": Route(status=500, body="<title>Internal Server Error</title>"),
    "/slow": Route(body=ARTICLE, action="sleep", delay=3.0),
    "/reset": Route(action="reset"),
    "/loop/a": Route(status=302, headers=(("Location", "/loop/b"),)),
    "/loop/b": Route(status=302, headers=(("Location", "/loop/a"),)),
    "/escape": Route(status=302, headers=(("Location", "http://127.0.0.2:9/admin"),)),
    "/compressed": Route(body=ARTICLE, action="gzip"),
    "/russian": Route(body=_page("cp1251.html"), content_type="text/html"),
    "/endless": Route(body=b"<p>" + b"x" * 65530, action="stream"),
}

SOFT_FALLBACK = Route(body=_page("not-found-template.html"))
PARKED_FALLBACK = Route(body=_page("parked.html"))
CHALLENGE_FALLBACK = Route(
    status=403, body=_page("challenge.html"), headers=(("cf-mitigated", "challenge"),)
)

# label -> expected verdict of that footnote in fixtures/standin/article.txt
EXPECTED = {
    "1": Verdict.OK,
    "2": Verdict.DEAD,
    "3": Verdict.DEAD,
    "4": Verdict.MOVED,
    "5": Verdict.MOVED,
    "6": Verdict.OK,
    "7": Verdict.SOFT_404,
    "8": Verdict.SOFT_404,
    "9": Verdict.SOFT_404,
    "10": Verdict.PARKED,
    "11": Verdict.BLOCKED,
    "12": Verdict.BLOCKED,
    "13": Verdict.BLOCKED,
    "14": Verdict.OK,
    "15": Verdict.OK,
    "16": Verdict.ERROR,
    "17": Verdict.ERROR,
    "18": Verdict.ERROR,
    "19": Verdict.ERROR,
    "20": Verdict.UNSAFE,
    "21": Verdict.UNSAFE,
    "22": Verdict.UNSAFE,
    "23": Verdict.OK,
    "24": Verdict.OK,
    "25": Verdict.OK,
    "26": Verdict.DEAD,
    "27": Verdict.NO_URL,
    "28": Verdict.DEAD,
}


def standin_web() -> StandinWeb:
    """The stand-in hosts of the article: a normal site, a soft-404 site, a parked domain,
    a site behind a bot challenge, and a port where nothing listens (``{closed}``)."""
    return StandinWeb(
        {
            "site": SITE_ROUTES,
            "soft": ({}, SOFT_FALLBACK),
            "parked": ({}, PARKED_FALLBACK),
            "challenge": ({}, CHALLENGE_FALLBACK),
        }
    )
