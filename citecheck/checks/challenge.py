"""Bot challenges and firewall block pages: the server refused *us*, on any status.

Cloudflare answers its "Just a moment..." interstitial with 403 or 503, and
some firewalls serve their block page with 200. Either way the page we were
after was never shown, so the verdict is ``blocked`` (inconclusive), never
``dead`` or ``ok``.

Firewalls also inject scripts into the ordinary pages they protect
(Cloudflare's ``/cdn-cgi/challenge-platform/scripts/jsd/main.js``, Imperva's
``_Incapsula_Resource``, DataDome's ``tags.js``), and articles carry reCAPTCHA
widgets in their comment forms. Those are only read as a challenge on a
*short* page; the markers below that count on any page occur only in the
challenge pages themselves.
"""

from __future__ import annotations

import attrs

from citecheck.checks.page import Page
from citecheck.checks.textutil import first_phrase, fold, fold_all
from citecheck.fetch.result import FetchResult

SHORT_PAGE = 200
"""Main text size (words) at or under which firewall text and widgets count."""


@attrs.frozen
class Challenge:
    """A detected challenge: which service, and what gave it away."""

    service: str
    signal: str


# Title of the whole page (folded) -> service. Exact matches only: a blog post
# titled "Just a moment of peace" is not a Cloudflare interstitial.
_TITLES = {
    "just a moment": "Cloudflare",
    "just a moment please": "Cloudflare",
    "attention required cloudflare": "Cloudflare",
    "attention required": "Cloudflare",
    "please wait cloudflare": "Cloudflare",
    "one moment please": "a bot check",
    "ddos guard": "DDoS-Guard",
    "access denied": "a firewall's block page",
    "access to this page has been denied": "PerimeterX",
    "pardon our interruption": "Imperva",
    "request rejected": "an F5 firewall",
    "request unsuccessful": "Imperva",
    "you have been blocked": "a firewall's block page",
    "sorry you have been blocked": "Cloudflare",
    "robot check": "Amazon",
    "are you a robot": "a captcha",
    "are you a human": "a captcha",
    "are you human": "a captcha",
    "verify you are human": "a captcha",
    "human verification": "a captcha",
    "bot verification": "a captcha",
    "security check": "a captcha",
    "captcha": "a captcha",
    "checking your browser": "a bot check",
    "web page blocked": "a firewall's block page",
    "sucuri website firewall access denied": "Sucuri",
    "access denied sucuri website firewall": "Sucuri",
}

# Phrases in the text of a short page -> service.
_TEXT = tuple(
    zip(
        fold_all(
            [
                "checking your browser before accessing",
                "enable javascript and cookies to continue",
                "why have i been blocked",
                "performance & security by cloudflare",
                "verify you are human by completing the action below",
                "please complete the security check to access",
                "our systems have detected unusual traffic from your computer network",
                "incapsula incident id",
                "press & hold to confirm you are a human",
                "the requested url was rejected. please consult with your administrator",
                "type the characters you see in this image",
                "you don't have permission to access",
                "ddos protection by ddos-guard",
                "access denied - sucuri website firewall",
                "please enable js and disable any ad blocker",
            ]
        ),
        (
            "Cloudflare",
            "Cloudflare",
            "Cloudflare",
            "Cloudflare",
            "a captcha",
            "a captcha",
            "Google",
            "Imperva",
            "PerimeterX",
            "an F5 firewall",
            "Amazon",
            "Akamai",
            "DDoS-Guard",
            "Sucuri",
            "DataDome",
        ),
        strict=True,
    )
)

# Markers in script sources or inline scripts that only challenge pages carry.
_STRONG_MARKERS = (
    ("_cf_chl_opt", "Cloudflare"),
    ("/cdn-cgi/challenge-platform/h/", "Cloudflare"),
    ("captcha-delivery.com", "DataDome"),
    ("captcha.px-cdn.net", "PerimeterX"),
    ("captcha.awswaf.com", "AWS WAF"),
)
# Markers that ordinary protected pages carry too: they count on short pages only.
_WEAK_MARKERS = (
    ("_incapsula_resource", "Imperva"),
    ("token.awswaf.com", "AWS WAF"),
    ("/cdn-cgi/challenge-platform/", "Cloudflare"),
    ("px-captcha", "PerimeterX"),
)


def _slug(service: str) -> str:
    name = service.removeprefix("a ").removeprefix("an ").removesuffix("'s block page")
    return name.lower().replace(" ", "-")


def find_challenge(result: FetchResult, page: Page) -> Challenge | None:
    """The bot challenge or firewall block page this response is, if any."""
    mitigated = (result.header("cf-mitigated") or "").strip().lower()
    if mitigated == "challenge":
        return Challenge("Cloudflare", "challenge:cf-mitigated")
    waf = (result.header("x-amzn-waf-action") or "").strip().lower()
    if waf in ("captcha", "challenge"):
        return Challenge("AWS WAF", "challenge:aws-waf")

    sources = " ".join((*page.scripts, *page.frames)).lower()
    code = page.inline_script.lower() if page.size <= SHORT_PAGE * 5 else ""
    haystack = f"{sources}\n{code}"
    for marker, service in _STRONG_MARKERS:
        if marker in haystack:
            return Challenge(service, f"challenge:{_slug(service)}")

    title = fold(page.title).strip()
    if page.size <= SHORT_PAGE:
        for marker, service in _WEAK_MARKERS:
            if marker in haystack:
                return Challenge(service, f"challenge:{_slug(service)}")
        folded = fold(" ".join((*page.headings, page.text[:5000])))
        for phrase, service in _TEXT:
            if first_phrase(folded, (phrase,)):
                return Challenge(service, f"challenge:text:{_slug(service)}")
    if title in _TITLES:
        service = _TITLES[title]
        return Challenge(service, f"challenge:title:{_slug(service)}")
    if page.size > SHORT_PAGE:
        return None
    for heading in page.headings:
        name = fold(heading).strip()
        if name in _TITLES:
            service = _TITLES[name]
            return Challenge(service, f"challenge:h1:{_slug(service)}")
    if page.widgets and page.size <= SHORT_PAGE // 2:
        return Challenge("a captcha", "challenge:captcha")
    return None
