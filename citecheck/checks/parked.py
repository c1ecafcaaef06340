"""Parked domains and domains for sale.

When a site's registration lapses, its name is bought and pointed at a parking
service (Sedo, Bodis, ParkingCrew, GoDaddy's parking lander) that shows ads,
or at a marketplace (Dan.com, Afternic, HugeDomains) that offers it for sale.
Every cited URL on that domain then answers 200 with the same lander, which a
status-code link checker calls alive.

Signals, strongest first:

* a redirect (HTTP or ``<meta http-equiv=refresh>``) to a parking or
  marketplace host, to a ``/lander`` path, or to Bodis's ``wwNN.`` host;
* parking technology in the page: Google's AdSense-for-domains script
  (``/adsense/domains/caf.js``), Sedo's and ParkingCrew's script hosts,
  GoDaddy's ``parking-lander`` bundle, Bodis's ``window.park`` bootstrap;
* a for-sale or parked phrase ("This domain may be for sale") in the title or
  a heading, or near the top of a page's main text when the page is not long.

An article *about* domain parking names Sedo and quotes "buy this domain" deep
in a long text; it has none of the first two and fails the length test.
"""

from __future__ import annotations

import attrs

from citecheck.checks import urls
from citecheck.checks.page import Page
from citecheck.checks.textutil import first_phrase, fold, fold_all
from citecheck.fetch.result import FetchResult

LONG_PAGE = 1000
"""Main text size (words) above which for-sale phrases in the body do not count."""
SHORT_PAGE = 150
"""Main text size (words) at or under which a for-sale phrase anywhere early counts."""
EARLY_CHARS = 2000
"""How much of a short page's main text is searched."""
LEAD_CHARS = 300
"""How much of a longer page's main text is searched: landers lead with the offer."""


@attrs.frozen
class Parking:
    """A detected parking or for-sale page: the service if known, and the signal."""

    service: str | None
    signal: str
    evidence: str


# Host suffix -> service. Matched on the host or any parent domain.
PARKING_HOSTS = {
    "sedo.com": "Sedo",
    "sedoparking.com": "Sedo",
    "bodis.com": "Bodis",
    "parkingcrew.net": "ParkingCrew",
    "parkingcrew.com": "ParkingCrew",
    "dan.com": "Dan.com",
    "afternic.com": "Afternic",
    "hugedomains.com": "HugeDomains",
    "parklogic.com": "ParkLogic",
    "above.com": "Above.com",
    "undeveloped.com": "Undeveloped",
    "domainmarket.com": "DomainMarket",
    "buydomains.com": "BuyDomains",
    "brandbucket.com": "BrandBucket",
    "efty.com": "Efty",
    "domainsponsor.com": "DomainSponsor",
    "skenzo.com": "Skenzo",
    "parkingpage.namecheap.com": "Namecheap",
    "domainnamesales.com": "DomainNameSales",
    "squadhelp.com": "Squadhelp",
    "atom.com": "Atom",
}

# Substrings of script/iframe sources or inline scripts -> service (None: unknown).
# Hosts of parking services are recognised through PARKING_HOSTS as well.
_TECH = (
    ("/adsense/domains/caf.js", None),
    ("img1.wsimg.com/parking-lander", "GoDaddy"),
    ("parking-lander", "GoDaddy"),
    ("window.park", "Bodis"),
    ("sedoparking.com", "Sedo"),
    ("parkingcrew.net", "ParkingCrew"),
)

PHRASES = fold_all(
    [
        "this domain may be for sale",
        "this domain is for sale",
        "domain is for sale",
        "domain may be for sale",
        "domain name is for sale",
        "domain name may be for sale",
        "is for sale! inquire now",
        "domain for sale",
        "domain name for sale",
        "buy this domain",
        "buy this domain name",
        "purchase this domain",
        "get this domain",
        "make an offer on this domain",
        "inquire about this domain",
        "own this domain",
        "this domain is available for purchase",
        "the owner of this domain is offering it for sale",
        "this domain is parked",
        "domain is parked",
        "this domain has been parked",
        "this web page is parked",
        "this page is parked free",
        "parked free, courtesy of godaddy",
        "parked free of charge",
        "this domain has expired",
        "domain name has expired",
        "this domain name has expired",
        "diese domain steht zum verkauf",
        "diese domain kaufen",
        "domain steht zum verkauf",
        "diese domain ist geparkt",
        "ce domaine est à vendre",
        "ce nom de domaine est à vendre",
        "acheter ce domaine",
        "este dominio está a la venta",
        "este dominio se vende",
        "comprar este dominio",
        "este domínio está à venda",
        "questo dominio è in vendita",
        "этот домен продается",
        "домен продается",
        "купить этот домен",
        "bu alan adı satılık",
        "bu alan adı satılıktır",
        "deze domeinnaam is te koop",
        "deze domeinnaam kopen",
        "ta domena jest na sprzedaż",
    ]
)

_BRANDS = (
    ("sedo", "Sedo"),
    ("bodis", "Bodis"),
    ("parkingcrew", "ParkingCrew"),
    ("afternic", "Afternic"),
    ("dan com", "Dan.com"),
    ("hugedomains", "HugeDomains"),
    ("hugedomains com", "HugeDomains"),
    ("godaddy", "GoDaddy"),
    ("parklogic", "ParkLogic"),
    ("undeveloped", "Undeveloped"),
    ("namecheap", "Namecheap"),
)


def parking_host(url: str) -> str | None:
    """The parking or marketplace service that owns this URL's host, if any."""
    name = urls.host(url)
    for suffix, service in PARKING_HOSTS.items():
        if name == suffix or name.endswith("." + suffix):
            return service
    return None


def _is_bodis_host(url: str, original: str) -> bool:
    """Bodis sends visitors to ``ww25.<the domain>/?subid1=…``: a ``wwNN.`` host never cited."""
    parts = urls.split(url)
    cited = urls.split(original)
    if parts is None or cited is None or not parts.hostname or not cited.hostname:
        return False
    name, _, rest = parts.hostname.lower().partition(".")
    digits = name.removeprefix("ww")
    return (
        name.startswith("ww")
        and digits.isdigit()
        and rest.removeprefix("www.") == cited.hostname.lower().removeprefix("www.")
    )


def _is_lander_path(url: str) -> bool:
    return urls.segments(url)[:1] == ("lander",)


def _tag(service: str | None) -> str:
    return (service or "adsense-for-domains").lower().replace(" ", "-")


def _brand(folded: str) -> str | None:
    for token, service in _BRANDS:
        if f" {token} " in folded:
            return service
    return None


def _redirect_parking(result: FetchResult, page: Page) -> Parking | None:
    """A hop of the chain, the final URL or a meta refresh lands on a parking service."""
    targets = [hop.url for hop in result.redirects[1:]]
    if result.redirects or result.final_url != result.url:
        targets.append(result.final_url)
    if page.refresh_url:
        refresh = urls.split(page.refresh_url)
        absolute = page.refresh_url
        if refresh is not None and not refresh.netloc:
            base = urls.split(result.final_url or result.url)
            if base is not None:
                absolute = f"{base.scheme}://{base.netloc}/{page.refresh_url.lstrip('/')}"
        targets.append(absolute)
    for target in targets:
        service = parking_host(target)
        if service:
            return Parking(service, f"parking:host:{urls.host(target)}", target)
        if _is_bodis_host(target, result.url):
            return Parking("Bodis", "parking:bodis-host", target)
        if _is_lander_path(target) and page.size <= 50:
            return Parking(None, "parking:lander", target)
    return None


def find_parking(result: FetchResult, page: Page) -> Parking | None:
    """The parking or for-sale signal of this response, if any; see the module notes."""
    if parking_host(result.url):
        # Citing the marketplace itself (its blog, its help pages) is not parking.
        return None
    found = _redirect_parking(result, page)
    if found:
        return found

    for source in (*page.scripts, *page.frames):
        service = parking_host(source) if "//" in source else None
        if service:
            return Parking(service, f"parking:{_tag(service)}", source)
    sources = " ".join((*page.scripts, *page.frames)).lower()
    code = page.inline_script.lower() if page.size <= LONG_PAGE else ""
    for marker, service in _TECH:
        if marker in sources or (code and marker in code):
            return Parking(service, f"parking:{_tag(service)}", marker)
    if code and page.size <= 50 and "location" in code and '/lander"' in code.replace("'", '"'):
        # ParkingCrew/Bodis landers bounce the browser to "/lander" with a script.
        return Parking(None, "parking:lander-script", "/lander")

    heads = " | ".join((page.title, *page.headings))
    folded_heads = fold(heads)
    phrase = first_phrase(folded_heads, PHRASES) or _domain_for_sale(heads, folded_heads)
    if phrase:
        service = _brand(fold(page.text[:EARLY_CHARS])) or _brand(folded_heads)
        return Parking(service, "parking:title", phrase)
    if page.size <= SHORT_PAGE:
        early = fold(page.text[:EARLY_CHARS])
        phrase = first_phrase(early, PHRASES) or _domain_for_sale(page.text[:EARLY_CHARS], early)
    elif page.size <= LONG_PAGE:
        # A longer lander (HugeDomains's FAQ) leads with its offer; an article
        # that quotes "This domain may be for sale" does so further down.
        early = fold(page.text[:LEAD_CHARS])
        phrase = first_phrase(early, PHRASES)
    if phrase:
        return Parking(_brand(fold(page.text[:EARLY_CHARS])), "parking:text", phrase)
    return None


def _domain_for_sale(raw: str, folded: str) -> str | None:
    """ "oldsource.com is for sale": "for sale" next to a domain name."""
    if " for sale " not in folded:
        return None
    for token in raw.split():
        token = token.strip(".,;:!?()[]\"'«»“”").lower()
        name, dot, tld = token.rpartition(".")
        if dot and name and 2 <= len(tld) <= 24 and tld.isalpha() and "/" not in token:
            return f"{token} for sale"
    return None
