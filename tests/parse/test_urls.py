"""Tests for citecheck.parse.urls: URLs, DOIs and file paths cited in footnotes."""

from __future__ import annotations

import pathlib
import time
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.parse.urls import FoundUrl, find_urls


def urls(text: str) -> list[str]:
    """The cleaned URLs found in ``text``, in order."""
    return [f.url for f in find_urls(text)]


# --- the two seed articles' footnotes, verbatim ---------------------------------

ANKASAM_FOOTNOTES = [
    (
        "[1] “Kazakh, Russian Foreign Ministers Meet in Moscow”, Azernews, "
        "https://www.azernews.az/region/208618.html, (Date of Accession: 14.04.2023).",
        "https://www.azernews.az/region/208618.html",
    ),
    (
        "[2] “President Putin to Visit Kazakhstan in Autumn 2023”, AKI Press, "
        "https://akipress.com/news:701673:President_Putin_to_visit_Kazakhstan_in_autumn_2023/, "
        "(Date of Accession: 14.04.2023).",
        "https://akipress.com/news:701673:President_Putin_to_visit_Kazakhstan_in_autumn_2023/",
    ),
    (
        "[3] Nuray Alekberli-Museyibova, “Kazakhstan Proposes Gas Pipeline Project Connecting "
        "Russia and China Publication: Eu”, The Jamestown Foundation, "
        "https://jamestown.org/program/kazakhstan-proposes-gas-pipeline-project-connecting-"
        "russia-and-china/, (Date of Accession: 14.04.2023).",
        "https://jamestown.org/program/kazakhstan-proposes-gas-pipeline-project-connecting-"
        "russia-and-china/",
    ),
    (
        "[5] “China Population”, Worldometers, "
        "https://www.worldometers.info/world-population/china-population/, "
        "(Date of Accession: 14.04.2023).",
        "https://www.worldometers.info/world-population/china-population/",
    ),
    (
        "[6] Emrah Kaya, “Russia’s Purposes for Authorizing the Use of Druzhba”, ANKASAM, "
        "https://www.ankasam.org/russias-purposes-for-authorizing-the-use-of-druzhba/?lang=en, "
        "(Date of Accession: 14.04.2023)",
        "https://www.ankasam.org/russias-purposes-for-authorizing-the-use-of-druzhba/?lang=en",
    ),
]

DOCUMENTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "documents"

JAMESTOWN_TAIL = (
    "veiled nature and timing of the statement could indicate that it was meant directly for \n"
    "Russia.\n"
    "\n"
    "To read the rest of the article: https://jamestown.org/program/kazakhstans-\n"
    "expanding-multi-vector-foreign-policy/\n"
    " "
)


class TestSeeds:
    """The footnotes of the two real seed articles."""

    @pytest.mark.parametrize(("footnote", "expected"), ANKASAM_FOOTNOTES)
    def test_ankasam_footnote(self, footnote: str, expected: str) -> None:
        """Each ANKASAM footnote yields exactly its URL, without the ", (Date" after it."""
        assert urls(footnote) == [expected]

    def test_ankasam_ibid_has_no_url(self) -> None:
        """ "[4] Ibid." cites no URL."""
        assert find_urls("[4] Ibid.") == []

    def test_ankasam_all_footnotes_in_order(self) -> None:
        """The whole footnote block yields the five URLs in order."""
        block = "\n\n".join(
            [f for f, _ in ANKASAM_FOOTNOTES[:3]]
            + ["[4] Ibid."]
            + [f for f, _ in ANKASAM_FOOTNOTES[3:]]
        )
        assert urls(block) == [e for _, e in ANKASAM_FOOTNOTES]

    def test_jamestown_hyphen_at_line_end_is_kept(self) -> None:
        """A slug hyphen at the end of a line belongs to the URL and the line is rejoined."""
        found = find_urls(JAMESTOWN_TAIL)
        assert [f.url for f in found] == [
            "https://jamestown.org/program/kazakhstans-expanding-multi-vector-foreign-policy/"
        ]
        assert found[0].raw == (
            "https://jamestown.org/program/kazakhstans-\nexpanding-multi-vector-foreign-policy/"
        )
        assert JAMESTOWN_TAIL[found[0].start : found[0].end] == found[0].raw

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("ankasam-astana-moscow-2023-04.txt", [e for _, e in ANKASAM_FOOTNOTES]),
            (
                "jamestown-kazakhstan-multivector-2023-12.txt",
                [
                    "https://jamestown.org/program/kazakhstans-expanding-multi-vector-foreign-policy/"
                ],
            ),
        ],
    )
    def test_whole_document(self, name: str, expected: list[str]) -> None:
        """The whole seed document yields exactly its cited URLs, nothing from the prose."""
        text = (DOCUMENTS / name).read_text(encoding="utf-8")
        assert urls(text) == expected

    def test_jamestown_body_mentions_are_not_urls(self) -> None:
        """ "Fmprc.gov.cn, September 15" names a website, not a URL."""
        text = (
            "choice to visit Astana for his first official visit abroad after the COVID-19 "
            "pandemic \n(Fmprc.gov.cn, September 15). During his trip"
        )
        assert find_urls(text) == []


# --- citation styles --------------------------------------------------------------

STYLE_CASES = [
    # Chicago
    (
        'Emil Avdaliani, "Kazakhstan\'s Expanding Multi-Vector Foreign Policy," Eurasia Daily '
        "Monitor 20, no. 1 (2023), https://jamestown.org/program/x/.",
        ["https://jamestown.org/program/x/"],
    ),
    (
        "“Kazakh Gas,” Reuters, accessed April 14, 2023, "
        "https://www.reuters.com/business/energy/kazakh-gas-2023-04-12/.",
        ["https://www.reuters.com/business/energy/kazakh-gas-2023-04-12/"],
    ),
    # APA
    (
        "Smith, J. (2020). Title of work. Publisher. https://doi.org/10.1037/a0040251",
        ["https://doi.org/10.1037/a0040251"],
    ),
    (
        "World Bank. (2022). Kazakhstan overview. Retrieved April 14, 2023, from "
        "https://www.worldbank.org/en/country/kazakhstan/overview",
        ["https://www.worldbank.org/en/country/kazakhstan/overview"],
    ),
    (
        "Retrieved from http://www.example.com/report.pdf",
        ["http://www.example.com/report.pdf"],
    ),
    # MLA
    (
        "Avdaliani, Emil. “Title.” Jamestown, 3 Dec. 2023, jamestown.org/program/x/. "
        "Accessed 14 Apr. 2023. www.jamestown.org/program/y/.",
        ["https://jamestown.org/program/x/", "https://www.jamestown.org/program/y/"],
    ),
    # Harvard
    (
        "BBC (2023) Kazakhstan profile. Available at: https://www.bbc.com/news/world-asia-15263826 "
        "(Accessed: 14 April 2023).",
        ["https://www.bbc.com/news/world-asia-15263826"],
    ),
    (
        "Available at:https://www.bbc.com/news (Accessed: 14 April 2023).",
        ["https://www.bbc.com/news"],
    ),
    # GOST
    (
        "Послание Президента. URL: http://www.akorda.kz/ru/addresses/70000 "
        "(дата обращения: 14.04.2023).",
        ["http://www.akorda.kz/ru/addresses/70000"],
    ),
    (
        "URL:https://ria.ru/20230412/kazakhstan-1864655.html (дата обращения: 14.04.2023)",
        ["https://ria.ru/20230412/kazakhstan-1864655.html"],
    ),
    # ABNT
    (
        "BRASIL. Lei nº 9.394. Disponível em: <http://www.planalto.gov.br/ccivil_03/leis/"
        "l9394.htm>. Acesso em: 14 abr. 2023.",
        ["http://www.planalto.gov.br/ccivil_03/leis/l9394.htm"],
    ),
    (
        "Retirado de <https://www.scielo.br/j/rbpi/a/abc/?lang=pt>, em 14/04/2023",
        ["https://www.scielo.br/j/rbpi/a/abc/?lang=pt"],
    ),
    # Spanish
    (
        "Disponible en: https://www.elpais.com/internacional/2023-04-12/kazajistan.html "
        "[Consulta: 14 de abril de 2023].",
        ["https://www.elpais.com/internacional/2023-04-12/kazajistan.html"],
    ),
    # Wikipedia
    (
        '"Kazakhstan". The World Factbook. CIA. https://www.cia.gov/the-world-factbook/'
        "countries/kazakhstan/. Archived from the original on 2023-01-01. Retrieved 14 April 2023.",
        ["https://www.cia.gov/the-world-factbook/countries/kazakhstan/"],
    ),
    (
        "Archived (https://web.archive.org/web/20230101000000/https://www.cia.gov/x) "
        "from the original on 1 January 2023.",
        ["https://web.archive.org/web/20230101000000/https://www.cia.gov/x"],
    ),
    # Turkish
    (
        "https://www.aa.com.tr/tr/dunya/kazakistan/2876543, (Erişim Tarihi: 14.04.2023).",
        ["https://www.aa.com.tr/tr/dunya/kazakistan/2876543"],
    ),
    # Two URLs in one footnote
    (
        "See https://a.example.org/x and http://b.example.org/y; also www.c.example.org.",
        [
            "https://a.example.org/x",
            "http://b.example.org/y",
            "https://www.c.example.org",
        ],
    ),
    # Markdown and BibTeX
    (
        "[the report](https://example.org/report-2023.pdf)",
        ["https://example.org/report-2023.pdf"],
    ),
    ("url = {https://example.org/a_b},", ["https://example.org/a_b"]),
    # Query strings and fragments are kept
    (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s#comments.",
        ["https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s#comments"],
    ),
    (
        "https://www.google.com/search?q=kazakh+gas&hl=en",
        ["https://www.google.com/search?q=kazakh+gas&hl=en"],
    ),
    ("https://example.org/a%20b%2Fc?x=%E2%82%AC", ["https://example.org/a%20b%2Fc?x=%E2%82%AC"]),
    # Ports, user info, IPv6 literals
    ("http://example.org:8080/a.", ["http://example.org:8080/a"]),
    ("http://[2001:db8::1]:8080/status", ["http://[2001:db8::1]:8080/status"]),
    ("ftp://User:Pass@FTP.Example.org/pub", ["ftp://User:Pass@ftp.example.org/pub"]),
]


class TestCitationStyles:
    """URLs in Chicago, APA, MLA, Harvard, GOST, ABNT, Wikipedia and other shapes."""

    @pytest.mark.parametrize(("text", "expected"), STYLE_CASES)
    def test_style(self, text: str, expected: list[str]) -> None:
        """Each reference yields exactly the URLs it cites, cleanly cut."""
        assert urls(text) == expected


# --- trailing punctuation and brackets ----------------------------------------------

TRAILING_CASES = [
    ("https://example.org/a.", "https://example.org/a"),
    ("https://example.org/a,", "https://example.org/a"),
    ("https://example.org/a;", "https://example.org/a"),
    ("https://example.org/a:", "https://example.org/a"),
    ("https://example.org/a!", "https://example.org/a"),
    ("https://example.org/a?", "https://example.org/a"),
    ("https://example.org/a...", "https://example.org/a"),
    ("https://example.org/a…", "https://example.org/a"),
    ("https://example.org/a).", "https://example.org/a"),
    ("(https://example.org/a)", "https://example.org/a"),
    ("[https://example.org/a]", "https://example.org/a"),
    ("(see https://example.org/a).", "https://example.org/a"),
    ("“https://example.org/a”", "https://example.org/a"),
    ("“https://example.org/a.”", "https://example.org/a"),
    ("‘https://example.org/a’", "https://example.org/a"),
    ('"https://example.org/a"', "https://example.org/a"),
    ("'https://example.org/a'", "https://example.org/a"),
    ("<https://example.org/a>", "https://example.org/a"),
    ("<https://example.org/a>.", "https://example.org/a"),
    ("«https://example.org/a»", "https://example.org/a"),
    ("„https://example.org/a“", "https://example.org/a"),
    ("https://example.org/a”,", "https://example.org/a"),
    ("https://example.org/a,(Date of Accession: 14.04.2023)", "https://example.org/a"),
    ("https://example.org/a.(accessed 3 May)", "https://example.org/a"),
    ("https://example.org/a;[accessed 3 May]", "https://example.org/a"),
    ("https://example.org/page.html[3]", "https://example.org/page.html"),
    ("https://example.org/page.html.[12]", "https://example.org/page.html"),
    ("https://example.org/a¹", "https://example.org/a"),
    ("https://example.org/a—the next", "https://example.org/a"),
    ("https://example.org/a–b", "https://example.org/a"),
    ("https://example.org/a。", "https://example.org/a"),
    ("https://example.org/a\u200b.", "https://example.org/a"),
    ("https://example.org/a\u00a0next", "https://example.org/a"),
    ("https://example.org/a|b", "https://example.org/a"),
    ("https://example.org/a\\b", "https://example.org/a"),
    ("https://example.org/a`", "https://example.org/a"),
    ("https://example.org/a}", "https://example.org/a"),
    ("https://example.org/a))", "https://example.org/a"),
    ("https://example.org/", "https://example.org/"),
    ("https://example.org/#", "https://example.org/#"),
    ("https://example.org/a-", "https://example.org/a-"),
    ("https://example.org/a_", "https://example.org/a_"),
    ("https://example.org/a=", "https://example.org/a="),
    ("https://example.org/~user/", "https://example.org/~user/"),
    ("https://example.org/a*", "https://example.org/a"),
]

BALANCED_CASES = [
    ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ("https://en.wikipedia.org/wiki/Foo_(bar).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ("(https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ("(https://en.wikipedia.org/wiki/Foo_(bar)).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    (
        "https://en.wikipedia.org/wiki/Astana_(disambiguation)#History,",
        "https://en.wikipedia.org/wiki/Astana_(disambiguation)#History",
    ),
    ("https://msdn.microsoft.com/en-us/library/aa752574(VS.85).aspx", None),
    ("https://example.org/a(b(c))", "https://example.org/a(b(c))"),
    ("https://example.org/?a[]=1&a[]=2", "https://example.org/?a[]=1&a[]=2"),
    ("https://example.org/?q=[x]", "https://example.org/?q=[x]"),
]


class TestTrailingPunctuation:
    """Punctuation around a URL is not part of it; balanced brackets inside are."""

    @pytest.mark.parametrize(("text", "expected"), TRAILING_CASES)
    def test_trailing(self, text: str, expected: str) -> None:
        """The URL ends where the sentence punctuation, quote or bracket starts."""
        assert urls(text) == [expected]

    @pytest.mark.parametrize(("text", "expected"), BALANCED_CASES)
    def test_balanced(self, text: str, expected: str | None) -> None:
        """Balanced parentheses and query brackets are kept, unbalanced closers dropped."""
        want = text if expected is None else expected
        assert urls(text) == [want]

    def test_colons_inside_path_kept(self) -> None:
        """AKI Press's colon-separated path comes out exactly."""
        url = "https://akipress.com/news:701673:President_Putin_to_visit_Kazakhstan_in_autumn_2023/"
        assert urls(f"AKI Press, {url}, (Date of Accession: 14.04.2023).") == [url]


# --- line breaks ----------------------------------------------------------------------

JOIN_CASES = [
    # hyphen at the break is kept
    (
        "https://jamestown.org/program/kazakhstans-\nexpanding-multi-vector-foreign-policy/",
        "https://jamestown.org/program/kazakhstans-expanding-multi-vector-foreign-policy/",
    ),
    (
        "https://example.org/a-\r\nb-c/",
        "https://example.org/a-b-c/",
    ),
    (
        "https://example.org/kazakhstans-   \n   expanding/",
        "https://example.org/kazakhstans-expanding/",
    ),
    # break without hyphen, next token clearly a URL piece
    (
        "https://jamestown.org/program/kazakhstans\nexpanding-multi-vector-foreign-policy/",
        "https://jamestown.org/program/kazakhstansexpanding-multi-vector-foreign-policy/",
    ),
    (
        "https://example.org/program/\nkazakhstan-gas/",
        "https://example.org/program/kazakhstan-gas/",
    ),
    ("https://example.org/2023/\n04/12/story.html", "https://example.org/2023/04/12/story.html"),
    ("https://example.org/news/\nstory.html", "https://example.org/news/story.html"),
    ("https://example.org/a?id=\n42", "https://example.org/a?id=42"),
    ("https://example.org/a?id=4&\nlang=en", "https://example.org/a?id=4&lang=en"),
    ("https://example.org/a?\nlang=en", "https://example.org/a?lang=en"),
    ("https://example.org/some_\nthing", "https://example.org/some_thing"),
    ("https://example.org/report\n_2023.pdf", "https://example.org/report_2023.pdf"),
    ("https://example.org/report.\npdf", "https://example.org/report.pdf"),
    ("https://example.org/news\n/2023/story", "https://example.org/news/2023/story"),
    ("https://example.org/a/b\nc/d.html", "https://example.org/a/bc/d.html"),
    ("https://example.org/a/x\n.html", None),
    # host broken after a dot or hyphen
    ("https://www.example.\ncom/path", "https://www.example.com/path"),
    ("https://www.example.\ncom", "https://www.example.com"),
    ("http://dx.doi.\norg/10.1016/j.x.2012.01.001", "https://doi.org/10.1016/j.x.2012.01.001"),
    ("https://foreign-\npolicy.example.org/a", "https://foreign-policy.example.org/a"),
    ("https://www.example.org\n/path/to/page", "https://www.example.org/path/to/page"),
    ("https://\nwww.example.org/a", "https://www.example.org/a"),
    # several breaks
    (
        "https://example.org/a-\nb-\nc-\nd/",
        "https://example.org/a-b-c-d/",
    ),
    # soft hyphen at the break
    ("https://example.org/kazakh\u00ad\nstan", "https://example.org/kazakhstan"),
    # DOI split after its prefix or inside its suffix
    ("doi:10.1016/\nj.x.2012.01.001", "https://doi.org/10.1016/j.x.2012.01.001"),
    ("doi:10.1016/j.x.2012.\n01.001", "https://doi.org/10.1016/j.x.2012.01.001"),
    # inside <...> every break up to ">" is rejoined
    (
        "Disponível em: <https://www.gov.br/a/b\nc-d.pdf>. Acesso em: 3 mar. 2023.",
        "https://www.gov.br/a/bc-d.pdf",
    ),
    ("<https://example.org/a\n b\n c>", "https://example.org/abc"),
    # real wraps from PDF exports
    (
        "Retrieved from https://www.ankasam.org/russias-\n"
        "purposes-for-authorizing-the-use-of-druzhba/?lang=en",
        "https://www.ankasam.org/russias-purposes-for-authorizing-the-use-of-druzhba/?lang=en",
    ),
    (
        "https://www.reuters.com/world/asia-pacific/kazakhstan-proposes-\n"
        "gas-pipeline-2023-04-12/ (accessed 14 April 2023)",
        "https://www.reuters.com/world/asia-pacific/kazakhstan-proposes-gas-pipeline-2023-04-12/",
    ),
    (
        "https://www.akorda.kz/en/speeches/internal_political_affairs/in_speeches_and_addresses/\n"
        "president-tokayev-2023",
        "https://www.akorda.kz/en/speeches/internal_political_affairs/in_speeches_and_addresses/"
        "president-tokayev-2023",
    ),
    (
        "https://www.akorda.kz/en/speeches/internal_political_\naffairs",
        "https://www.akorda.kz/en/speeches/internal_political_affairs",
    ),
    (
        "https://doi.org/10.1080/14683857.2023.\n2186735",
        "https://doi.org/10.1080/14683857.2023.2186735",
    ),
    ("https://example.org/a?q=1&\nr=%20x", "https://example.org/a?q=1&r=%20x"),
    # PDF text of theses (fixtures/sections): a path word cut anywhere, the
    # rest alone before sentence punctuation or at the line's end
    (
        "OAuth 2.0: Bearer Token Usage.\nhttps://tools.ietf.org/html/\nrfc6750, 2012. [Online; "
        "accessed",
        "https://tools.ietf.org/html/rfc6750",
    ),
    (
        "Słowniku Języka Polskiego. https://sjp.pl/\nharmonogramowanie. Dostęp 20.04.2024.",
        "https://sjp.pl/harmonogramowanie",
    ),
    (
        "na portalu GitHub. https://github.com/imopse/\niMOPSE. Dostęp 07.02.2024.",
        "https://github.com/imopse/iMOPSE",
    ),
    (
        "Cardiac (https://www.radiologyinfo.org/en/info/\ncardiacmr) [Accessed on: 14 October "
        "2021]",
        "https://www.radiologyinfo.org/en/info/cardiacmr",
    ),
    (
        "CT Scans vs MRI (https://www.healthline.com/health/ct-scan-vs-m\nri) [Accessed on: 14 "
        "October 2021]",
        "https://www.healthline.com/health/ct-scan-vs-mri",
    ),
    (
        "Available: https://www.anthropic.com/engineering/context-eng\nineering-for-ai-agents.",
        "https://www.anthropic.com/engineering/context-engineering-for-ai-agents",
    ),
    (
        "http://www.codesecurely.org/Wiki/view.aspx/Security_Code_Reviews/Data_Vali\ndation",
        "http://www.codesecurely.org/Wiki/view.aspx/Security_Code_Reviews/Data_Validation",
    ),
    (
        "Available: https://dl.acm.org/doi/10.1145/3\n630106.3658542.",
        "https://dl.acm.org/doi/10.1145/3630106.3658542",
    ),
    # a hex id cut before its last digits
    (
        "URL: https:\n//medium.com/@NeotericEU/single-page-application-vs-multiple-page-"
        "application-2591588efe\n58.",
        "https://medium.com/@NeotericEU/single-page-application-vs-multiple-page-application-2591588efe58",
    ),
    # an extension cut in two
    (
        "http://download.oracle.com/javase/tutorial/networking/sockets/readingWriting.ht\nml",
        "http://download.oracle.com/javase/tutorial/networking/sockets/readingWriting.html",
    ),
    # a percent escape cut in two
    (
        "Open/Closed Principle. https://en.wikipedia.org/wiki/Open%E2%80%\n93closed_principle, "
        "2018.",
        "https://en.wikipedia.org/wiki/Open%E2%80%93closed_principle",
    ),
    (
        "URL: https://github.com/myTeachingURJC/2018-19-CSAAI/wiki/Sesi%C3%B3n-3:-CSS"
        "#reglas-de-aplicaci%\n"
        "C3%B3n-del-estilo (visitado 28-09-2021).",
        "https://github.com/myTeachingURJC/2018-19-CSAAI/wiki/Sesi%C3%B3n-3:-CSS"
        "#reglas-de-aplicaci%C3%B3n-del-estilo",
    ),
    # a fragment, a slug broken before its hyphen, a file name after the break
    (
        "Riders.ai. URL: https://riders.ai/about/courses/intro-to-robotics#\naboutus/ (visitado "
        "24-11-2021).",
        "https://riders.ai/about/courses/intro-to-robotics#aboutus/",
    ),
    (
        "World Health Organisation (https://www.who.int/health-topics/cardiovascular\n-diseases) "
        "[Accessed on: 1",
        "https://www.who.int/health-topics/cardiovascular-diseases",
    ),
    (
        "https://github.com/Cesuuur/energy-marketanalysis/blob/27c062a7/CompoundReturnAnalisy\n"
        "s.ipynb\n[13] S. A.",
        "https://github.com/Cesuuur/energy-marketanalysis/blob/27c062a7/"
        "CompoundReturnAnalisys.ipynb",
    ),
    # a host cut before the TLD that ends the sentence, or before its dot
    ("Containerization. url: https://hub.docker.\ncom.", "https://hub.docker.com"),
    (
        "Retrieved 2015-07-24, from http://www.decawave\n.com/support/dw1000 user manual.pdf",
        "http://www.decawave.com/support/dw1000",
    ),
    # an empty line between the pieces (pdftotext spacing a page out)
    (
        "o.D.\n\nhttps://developer.atlassian.com/platform/forge/manifest-\n\n"
        "reference/modules/macro/ (Zugriff am",
        "https://developer.atlassian.com/platform/forge/manifest-reference/modules/macro/",
    ),
]

NO_JOIN_CASES: list[tuple[str, str | None]] = [
    ("https://example.org/page.html\nThe next paragraph", "https://example.org/page.html"),
    ("https://example.org/page.html.\nThe next paragraph", "https://example.org/page.html"),
    ("https://example.org/page\nThe next paragraph", "https://example.org/page"),
    ("https://example.org/\nand also", "https://example.org/"),
    ("https://example.org/\nThe next", "https://example.org/"),
    ("https://example.org/a,\nb/c", "https://example.org/a"),
    ("https://example.org/a;\nb/c", "https://example.org/a"),
    ("https://example.org/a)\nb/c", "https://example.org/a"),
    ("https://example.org/a\n\nb/c/d", "https://example.org/a"),
    ("https://example.org/a\nand/or more", "https://example.org/a"),
    ("https://example.org/a/\nand/or more", "https://example.org/a/"),
    ("https://example.org/a/\n2. Second item", "https://example.org/a/"),
    ("https://example.org/a/\n[2] Next footnote", "https://example.org/a/"),
    ("https://example.org/a/\n- list item", "https://example.org/a/"),
    ("https://example.org/a/\n(accessed 3 May)", "https://example.org/a/"),
    ("https://example.org/faq?\nThe answer is no.", "https://example.org/faq"),
    ("https://example.org/a.\ne.g. this", "https://example.org/a"),
    ("https://example.org/a\nwell-known fact", "https://example.org/a"),
    ("Visit www.example.com.\nThe site", "https://www.example.com"),
    ("Visit www.example.com.\nand then", "https://www.example.com"),
    ("Visit www.example.com.\nno more", "https://www.example.com"),
    ("Visit www.example.com.\nin the end", "https://www.example.com"),
    ("https://www.example.com\nfoo.bar/baz", "https://www.example.com"),
    ("https://example.org/x/y\nstate-of-the-art work", "https://example.org/x/y"),
    ("https://example.org/x/\nUS", "https://example.org/x/"),
    ("https://example.org/x\nR&D spending rose", "https://example.org/x"),
    ("https://example.org/x\n50% of the gas", "https://example.org/x"),
    ("https://example.org/x.\nR&D spending rose", "https://example.org/x"),
    ("https://example.org/Report%20Final.pdf.\nAccessed 14 April 2023.", None),
    ("doi:10.1000/abc.\nThe next sentence", "https://doi.org/10.1000/abc"),
    ("1. https://example.org/a\n2. https://example.org/b", "https://example.org/a"),
    # a word alone on the next line is the rest of the URL only when it could be
    ("https://example.org/x/\naccessed.", "https://example.org/x/"),
    ("https://example.org/x/\naccessed: 3 May 2021", "https://example.org/x/"),
    ("https://example.org/x/\n2020.", "https://example.org/x/"),
    ("https://example.org/report-2020\n58.", "https://example.org/report-2020"),
    ("https://example.org/a-2591588efe\n58 pages", "https://example.org/a-2591588efe"),
    ("https://example.org/x/\npp. 12-15.", "https://example.org/x/"),
    ("https://example.org/x/\nRetrieved.", "https://example.org/x/"),
    ("https://example.org/x/\nin: Proceedings", "https://example.org/x/"),
    ("https://example.org/x\nvisited 3 May", "https://example.org/x"),
    ("https://example.org/a-b\n- list item", "https://example.org/a-b"),
    ("https://example.org/a/b\n\nlater, more", "https://example.org/a/b"),
    ("https://example.org/a/\n\nhttps://example.org/b", "https://example.org/a/"),
    ("https://example.org/a.\n\nhtml is a format", "https://example.org/a"),
]


class TestLineBreaks:
    """URLs broken across a line break are rejoined only when the break is certain."""

    @pytest.mark.parametrize(("text", "expected"), JOIN_CASES)
    def test_joined(self, text: str, expected: str | None) -> None:
        """The pieces on both lines make one URL, and the span covers the break."""
        found = find_urls(text)
        assert len(found) == 1
        if expected is None:  # a break this test only needs to survive
            assert found[0].raw == text[found[0].start : found[0].end]
            return
        assert found[0].url == expected
        assert found[0].raw == text[found[0].start : found[0].end]
        assert "\n" in found[0].raw

    @pytest.mark.parametrize(("text", "expected"), NO_JOIN_CASES)
    def test_not_joined(self, text: str, expected: str | None) -> None:
        """The next line's first word is not swallowed into the URL."""
        found = find_urls(text)
        want = text.split("\n", 1)[0].rstrip(".") if expected is None else expected
        assert found[0].url == want
        assert "\n" not in found[0].raw

    def test_two_urls_on_consecutive_lines(self) -> None:
        """A URL ending a line and one starting the next stay two URLs."""
        text = "https://a.example.org/x/\nhttps://b.example.org/y/"
        assert urls(text) == ["https://a.example.org/x/", "https://b.example.org/y/"]

    def test_www_on_next_line_not_joined(self) -> None:
        """A www address on the next line starts a URL of its own."""
        text = "https://a.example.org/x/\nwww.b.example.org/y/"
        assert urls(text) == ["https://a.example.org/x/", "https://www.b.example.org/y/"]

    def test_angle_without_closer_does_not_join(self) -> None:
        """An unclosed ``<`` gives no licence to join the following words."""
        text = "<https://example.org/a\nand then the text goes on"
        assert urls(text) == ["https://example.org/a"]


SPACE_JOIN_CASES = [
    ("http://dx.doi. org/10.1016/j.x.2012.01.001", "https://doi.org/10.1016/j.x.2012.01.001"),
    ("https://doi.org/10.1000/ 182", "https://doi.org/10.1000/182"),
    ("doi: 10.1000/ 182.", "https://doi.org/10.1000/182"),
    (
        "https://www.example. com/news/2023/story.html",
        "https://www.example.com/news/2023/story.html",
    ),
    ("https:// www.example.org/a", "https://www.example.org/a"),
    (
        "https://jamestown.org/program/ kazakhstans-expanding/",
        "https://jamestown.org/program/kazakhstans-expanding/",
    ),
    ("https://example.org/ news/2023/story.html", "https://example.org/news/2023/story.html"),
    (
        "https://example.org/kazakhstans- expanding-multi/vector",
        "https://example.org/kazakhstans-expanding-multi/vector",
    ),
    # The rest are real references from AnyStyle's corpus (line breaks became spaces).
    # DOI suffixes that cannot be complete
    (
        "Journal of Membrane Science, 392-393: 9. http://dx.doi.org/10.1016/j. memsci.2011.11.020.",
        "https://doi.org/10.1016/j.memsci.2011.11.020",
    ),
    (
        "80: 219. http://dx.doi.org/10.1016/j. ces.2012.05.033.",
        "https://doi.org/10.1016/j.ces.2012.05.033",
    ),
    ("Development 24, 12– 21. doi: 10.1002/ ldr. 1091", "https://doi.org/10.1002/ldr.1091"),
    (
        "Communications 2, 15046. doi: 10.1057/ palcomms. 2015.46",
        "https://doi.org/10.1057/palcomms.2015.46",
    ),
    (
        "13, 18– 27. doi: 10.1016/ j.envsci. 2009.09.007",
        "https://doi.org/10.1016/j.envsci.2009.09.007",
    ),
    (
        "36, 27– 47. doi: 10.1111/ j. 0012-155X. 2005.00401. x Dorward AR (2014) Livelisystems",
        "https://doi.org/10.1111/j.0012-155X.2005.00401.x",
    ),
    (
        "44: 561. http://dx.doi.org/10.1016/S0045- 6535(00)00505-1.",
        "https://doi.org/10.1016/S0045-6535(00)00505-1",
    ),
    (
        "118:7: 1031. http://dx.doi.org/ 10.1061/(ASCE)0733-9429(1992)118: 7(1031).",
        "https://doi.org/10.1061/(ASCE)0733-9429(1992)118:7(1031)",
    ),
    (
        "13(2) :127-137. http://dx.doi.org/ 10.1051/nss: 2005018",
        "https://doi.org/10.1051/nss:2005018",
    ),
    (
        "21(1), 18, doi: http://dx.doi.org/ 10.5751/ES-08229-210118",
        "https://doi.org/10.5751/ES-08229-210118",
    ),
    # hosts broken after "www." or a hyphen
    (
        "D6.2. http://www.dca- project.eu/images/uploads/banners/DCA_D62_Best_practices.pdf.",
        "http://www.dca-project.eu/images/uploads/banners/DCA_D62_Best_practices.pdf",
    ),
    (
        "[en ligne (13 novembre 2015) : www.edf- en.ca/uploads/misc_uploads/x_MDS_(2).pdf].",
        "https://www.edf-en.ca/uploads/misc_uploads/x_MDS_(2).pdf",
    ),
    (
        "http://www. military-today.com/trucks/m_gator.htm, and",
        "http://www.military-today.com/trucks/m_gator.htm",
    ),
    (
        "« The advantages of a meditation space », 2013, www. work.chron.com",
        "https://www.work.chron.com",
    ),
    # path pieces no word of prose looks like
    (
        "www.hoover.org/sites/default/files/uploads/documents/ Sovereign_Credibility.pdf "
        "(accessed June 7, 2015).",
        "https://www.hoover.org/sites/default/files/uploads/documents/Sovereign_Credibility.pdf",
    ),
    (
        "www.iaee.org/en/publications/ fullnewsletter.aspx?id=21 (accessed August 2014).",
        "https://www.iaee.org/en/publications/fullnewsletter.aspx?id=21",
    ),
    (
        "http://media.education.gouv.fr/file/Programmes/17/9/Doc_ressource_ proba-stats_109179.pdf",
        "http://media.education.gouv.fr/file/Programmes/17/9/Doc_ressource_proba-stats_109179.pdf",
    ),
    (
        "https://depot.erudit.org/bitstream/003300dd/1/UR-EEAS-Rapport-et- "
        "filiere-eolienne-P-2009.pdf].",
        "https://depot.erudit.org/bitstream/003300dd/1/UR-EEAS-Rapport-et-filiere-eolienne-P-2009.pdf",
    ),
    (
        "[1] Attacking the Core. http://phrack.org/issues. html?issue=64\\&id=6, 2007.",
        "http://phrack.org/issues.html?issue=64&id=6",
    ),
    (
        "Retrieved from http://www.spencer.org/content.cfm/data-use-and "
        "-educational-improvement-details",
        "http://www.spencer.org/content.cfm/data-use-and-educational-improvement-details",
    ),
    (
        "from http://www.who.int/impact/Final BrochureWHA2008a.pdf",
        "http://www.who.int/impact/FinalBrochureWHA2008a.pdf",
    ),
    (
        "http://eprints.rclis.org/16034/ 1/Repanovici%26Cristea%20RFID%20 chapter.pdf",
        "http://eprints.rclis.org/16034/1/Repanovici%26Cristea%20RFID%20chapter.pdf",
    ),
    (
        "5(1), 92-96, http://www.iiisci.org/journ al/CV$/sci/pdfs/P656145.pdf",
        "http://www.iiisci.org/journal/CV$/sci/pdfs/P656145.pdf",
    ),
    (
        "www.mtq.gouv.qc.ca/Documents/circulation%20- %20véhicules%20lourds/rrm2011.pdf].",
        "https://www.mtq.gouv.qc.ca/Documents/circulation%20-%20véhicules%20lourds/rrm2011.pdf",
    ),
    (
        "Available at https://hcdf2015sim¬tigrategatech.wordpress.com/2015/08/01/ hello-world-2 "
        "(accessed January 22, 2017).",
        "https://hcdf2015simtigrategatech.wordpress.com/2015/08/01/hello-world-2",
    ),
    # spaced-out addresses
    (
        "Ecology and Society 15, 20. http:// www.ecologyandsociety.org/ vol15/ iss4/ art20.",
        "http://www.ecologyandsociety.org/vol15/iss4/art20",
    ),
    (
        "Ecology and Society 15, 11. http:// www.ecologyandsociety.org/ vol15/ iss3/ art11/",
        "http://www.ecologyandsociety.org/vol15/iss3/art11/",
    ),
    ("http:// www.example.org/ index.php/ page_2", "http://www.example.org/index.php/page_2"),
    (
        "Engaging Them. < http:// www.resalliance.org/ index.php/ resilience_assessment >.",
        "http://www.resalliance.org/index.php/resilience_assessment",
    ),
    (
        "Montreal. < http:// www.cbd.int/ doc/ strategic-plan/ 2011-2020/ Aichi-Targets-EN.pdf >.",
        "http://www.cbd.int/doc/strategic-plan/2011-2020/Aichi-Targets-EN.pdf",
    ),
    (
        "Knudson & Morrison (2002) http: //www. humankinetics. com/products/showproduct. "
        "cfm?isbn=0736034625",
        "http://www.humankinetics.com/products/showproduct.cfm?isbn=0736034625",
    ),
    # biblatex breaks a URL after hyphens; pdftotext leaves a space there (fixtures/sections)
    (
        "URL: https://medium.com/@slightlylate/progressive- apps- escaping- tabs- "
        "withoutlosing-our-soul-3b93a8561955#.6czgj0myh.",
        "https://medium.com/@slightlylate/progressive-apps-escaping-tabs-withoutlosing-our-soul-"
        "3b93a8561955#.6czgj0myh",
    ),
    (
        "URL : https://blog.comwrap.com/progressive- web- apps- pwa- revolutionieren- den- "
        "ecommerce.\n\nhtml.",
        "https://blog.comwrap.com/progressive-web-apps-pwa-revolutionieren-den-ecommerce.html",
    ),
    (
        "(https://www.who.int/news-r\noom/fact-sheets/detail/cardiovascular- diseases-(cvds)) "
        "[Accessed on: 1",
        "https://www.who.int/news-room/fact-sheets/detail/cardiovascular-diseases-(cvds)",
    ),
]

NO_SPACE_JOIN_CASES = [
    ("https://example.org/a and/or b", "https://example.org/a"),
    ("https://example.org/a- well then", "https://example.org/a-"),
    ("https://example.org/a-b/c. Data Binding", "https://example.org/a-b/c"),
    ("https://example.org/ and/or b", "https://example.org/"),
    ("https://example.org/ 24/7 support", "https://example.org/"),
    ("https://example.org/a. org/b", "https://example.org/a"),
    ("https://example.org/a com/b", "https://example.org/a"),
    ("see https://example.org/a. The next", "https://example.org/a"),
    ("https://example.org/a/ b", "https://example.org/a/"),
    ("www.example.com. Org/x", "https://www.example.com"),
    ("https://example.org/a- the rest", "https://example.org/a-"),
    ("https://example.org/ 12/04/2023 was the day", "https://example.org/"),
    ("https://example.org/a 12/04/2023", "https://example.org/a"),
    ("https://example.org/a report on gas", "https://example.org/a"),
    ("https://example.org/a. PDF files are", "https://example.org/a"),
    ("https://example.org/a. The report.pdf", "https://example.org/a"),
    ("https://example.org/a -b c", "https://example.org/a"),
    ("https://example.org/a_ b", "https://example.org/a_"),
    ("https://example.org/x/ about", "https://example.org/x/"),
    ("https://example.org/x/ state-of-the-art", "https://example.org/x/"),
    ("https://a.example.org/x b.example.org/y/z.html", "https://a.example.org/x"),
    ("https://example.org/a%20 and more", "https://example.org/a%20"),
    ("http:// www.example.org/ and more", "http://www.example.org/"),
    ("http:// www.example.org/ 2019 report", "http://www.example.org/"),
    ("www.example.com. and/or", "https://www.example.com"),
    ("www.example- and more", None),
    ("doi:10.1000/abc. The next", "https://doi.org/10.1000/abc"),
    ("doi:10.1000/abc. 2019. Next reference", "https://doi.org/10.1000/abc"),
    ("doi:10.31219/osf.io/abcde. 2020. Next", "https://doi.org/10.31219/osf.io/abcde"),
    (
        "doi:10.1111/j.1540-594X.2006.00219.x. 2006, 401",
        "https://doi.org/10.1111/j.1540-594X.2006.00219.x",
    ),
    ("doi:10.1000/abc: 12 pages", "https://doi.org/10.1000/abc"),
    ("doi:10.1000/abc- the rest", "https://doi.org/10.1000/abc-"),
    ("doi:10.1016/j.x.2012.01.001 2012.", "https://doi.org/10.1016/j.x.2012.01.001"),
]


class TestSpaceJoins:
    """Reference corpora whose line breaks became spaces: only unmistakable joins."""

    @pytest.mark.parametrize(("text", "expected"), SPACE_JOIN_CASES)
    def test_joined(self, text: str, expected: str) -> None:
        """A host broken after a dot, an empty DOI suffix or a path piece is rejoined."""
        found = find_urls(text)
        assert [f.url for f in found] == [expected]
        assert " " in found[0].raw

    @pytest.mark.parametrize(("text", "expected"), NO_SPACE_JOIN_CASES)
    def test_not_joined(self, text: str, expected: str | None) -> None:
        """Ordinary words after a space stay out of the URL (``None``: nothing is found)."""
        found = find_urls(text)
        if expected is None:
            assert all(" " not in f.raw for f in found)
            return
        assert found[0].url == expected
        assert " " not in found[0].raw.replace(":// ", "://")  # only the space-out itself


# --- schemeless hosts, broken schemes, typographic characters -----------------------

SCHEMELESS_CASES = [
    # MLA 8/9 (AnyStyle and the MLA 9 footnote corpus)
    (
        "New York Times, 2 Sept. 2016, nytimes.com/2016/09/02/sports/football/"
        "concussions-pop-warner-class-action-lawsuit.html.",
        [
            "https://nytimes.com/2016/09/02/sports/football/"
            "concussions-pop-warner-class-action-lawsuit.html"
        ],
    ),
    (
        "Carnegie Politika, 23 Dec. 2022, carnegieendowment.org/politika/88698. "
        "Accessed 14 Apr. 2023.",
        ["https://carnegieendowment.org/politika/88698"],
    ),
    (
        "Paris: PUF, 1967. classiques.uqac.ca/classiques/Durkheim_emile/division_travail_1.pdf "
        "(accessed June 7, 2015).",
        ["https://classiques.uqac.ca/classiques/Durkheim_emile/division_travail_1.pdf"],
    ),
    ("Creation 23(1): 54–55, 2000; creation.com/gecko.", ["https://creation.com/gecko"]),
    (
        "MedPage Today, 8 Dec. 2016, medpagetoday.com/neurology/headtrauma/61935.",
        ["https://medpagetoday.com/neurology/headtrauma/61935"],
    ),
    (
        "vol. 50, no. 1, 2016, blake.lib.rochester.edu/blakeojs/index.php/blake/article/view/"
        "yoder501/pdf. Accessed 17 Mar. 2017.",
        ["https://blake.lib.rochester.edu/blakeojs/index.php/blake/article/view/yoder501/pdf"],
    ),
    (
        "http://www.gew.de. oder online.de/home/05808697/tsch~1.htm (wurde laufend aktualisiert)",
        ["http://www.gew.de", "https://online.de/home/05808697/tsch~1.htm"],
    ),
    (
        "(see spiegel.de/politik/ausland/a-1234.html)",
        ["https://spiegel.de/politik/ausland/a-1234.html"],
    ),
    ("“bbc.co.uk/news/world-asia-15263826”", ["https://bbc.co.uk/news/world-asia-15263826"]),
    # Quebec style glues "[en ligne]" on with a period
    (
        "p. 61-68. [en ligne]."
        "www.cairn.info/revue-cahiers-de-psychologie-clinique-2007-1-page-61.htm.",
        ["https://www.cairn.info/revue-cahiers-de-psychologie-clinique-2007-1-page-61.htm"],
    ),
]

NOT_SCHEMELESS = [
    "choice to visit Astana \n(Fmprc.gov.cn, September 15). During his trip",  # Jamestown
    "DiSilvestro, R., Rebuttals, leaderu.com, accessed 23 April 2000.",  # a bare domain
    "leaderu.com/ and more",  # no path character after the slash
    "see report.pdf/appendix",  # a file name, no such TLD
    "run setup.py/install",  # a country code that is a file extension
    "the README.md/CONTRIBUTING.md files",
    "ASP.NET/C# developers",  # an upper-case TLD
    "values 2.in/out",  # no letter before the TLD
    "set user.name/user.email first",  # .name left out
    "write to editor@example.com/x",  # an email
    "see:nytimes.com/2016/x and foo_nytimes.com/2016/x",  # not at the start of a word
    "https://example.org/a/b.org/c",  # inside another URL (one find only)
    "Smith J.Am/Jones",  # a one-letter label
    "10.1016/j.enpol.2012",  # a DOI-like number
]


class TestSchemelessHosts:
    """MLA 8/9's host + path without a scheme becomes ``https://`` + it; bare domains do not."""

    @pytest.mark.parametrize(("text", "expected"), SCHEMELESS_CASES)
    def test_found(self, text: str, expected: list[str]) -> None:
        """A host with a plausible TLD and a path is a URL."""
        assert urls(text) == expected

    @pytest.mark.parametrize("text", NOT_SCHEMELESS)
    def test_not_found(self, text: str) -> None:
        """Bare domains, file names, emails and words with dots are not schemeless URLs."""
        found = [f.url for f in find_urls(text) if "://" not in f.raw and f.doi is None]
        assert found == []

    def test_span_and_url(self) -> None:
        """The span is the host and path as written; the URL gets ``https://``."""
        text = "Politika, carnegieendowment.org/politika/88698. Accessed"
        (found,) = find_urls(text)
        assert found.raw == "carnegieendowment.org/politika/88698"
        assert found.url == "https://" + found.raw
        assert text[found.start : found.end] == found.raw


BROKEN_SCHEME_CASES = [
    (
        "Number 10110. http //gmv.cast.uark.edu/gisrs/software-remotesensing/photoscan-to-arcgis/. "
        "[Date accessed: 29 September 2016].",
        "http://gmv.cast.uark.edu/gisrs/software-remotesensing/photoscan-to-arcgis/",
    ),
    (
        "Cahiers internationaux de sociologie, 125-159.http: //www.academia.edu/6438265/Moulin_P",
        "http://www.academia.edu/6438265/Moulin_P",
    ),
    (
        "2014 Mar 14; Available from: http: //theory.people.com.cn/n/2014/0305/c49150-2453655.",
        "http://theory.people.com.cn/n/2014/0305/c49150-2453655",
    ),
    (
        "[Epub ahead of print] DOI http //dx.doi.org/10.1179/2042618614Y.0000000076",
        "https://doi.org/10.1179/2042618614Y.0000000076",
    ),
    (
        "URL: http: www.bishopmuseum.org/research/geochem.html.",
        "http://www.bishopmuseum.org/research/geochem.html",
    ),
    ("HTTPS: //Example.org/A", "https://example.org/A"),
    ("ftp //ftp.example.org/pub/x.txt", "ftp://ftp.example.org/pub/x.txt"),
    # PDF text: the line broken inside the scheme (fixtures/sections)
    (
        "Disponível em: <https:\n//aws.amazon.com/pt/lambda/details/>. Acesso em:",
        "https://aws.amazon.com/pt/lambda/details/",
    ),
    ("and databases. url: https:\n//www.notion.os.", "https://www.notion.os"),
    (
        "Available: "
        "http\ns://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053\nc1c4a845aa-Abstract.html.",
        "https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
    ),
    # French typography's space before the colon
    (
        "PHPQA. https ://i.morioh.com/2023/06/17/ebfc7e41.webp.",
        "https://i.morioh.com/2023/06/17/ebfc7e41.webp",
    ),
    # LaTeX's \url in some fonts, through pdftotext: every separator spaced out
    (
        "Kafka Streams: Introduction. url: https : / / kafka . apache . org / 28 / documentation "
        "/\nstreams/.",
        "https://kafka.apache.org/28/documentation/streams/",
    ),
    (
        "En: Crisalis (2012). URL: http : / / static "
        ".\nesla.com/img/cargadas/2267/Documentaci%C3%B3n%20Scratch.\n"
        "pdf (visitado 24-11-2021).",
        "http://static.esla.com/img/cargadas/2267/Documentaci%C3%B3n%20Scratch.pdf",
    ),
    (
        "Sesión 2: HTML. 2018. URL: https : / / github . com /\nmyTeachingURJC/2018- 19- "
        "CSAAI/wiki/Sesi%C3%B3n- 2:- "
        "HTML (visitado 28-09-2021).",
        "https://github.com/myTeachingURJC/2018-19-CSAAI/wiki/Sesi%C3%B3n-2:-HTML",
    ),
    (
        "URL: https : / /\ngithub . com / myTeachingURJC / 2018 - 19 - CSAAI / wiki / Introducci "
        "%\n"
        "C3%B3n-a-las-tecnolog%C3%ADas-web (visitado 15-09-2021).",
        "https://github.com/myTeachingURJC/2018-19-CSAAI/wiki/Introducci%C3%B3n-a-las-tecnolog%C3%ADas-web",
    ),
    (
        "URL: https : / / developer . mozilla . org / es / docs / Learn /\nJavaScript (visitado "
        "29-09-2021).",
        "https://developer.mozilla.org/es/docs/Learn/JavaScript",
    ),
    (
        "URL: https : / / www . elastic . co / es / what - is /\nelasticsearch (visitado "
        "04-10-2021).",
        "https://www.elastic.co/es/what-is/elasticsearch",
    ),
    ("URL: https : / / x . org / a . The next", "https://x.org/a"),
]


class TestBrokenSchemes:
    """``http: //``, ``http //`` and ``http: www.`` keep their scheme and are made whole."""

    @pytest.mark.parametrize(("text", "expected"), BROKEN_SCHEME_CASES)
    def test_repaired(self, text: str, expected: str) -> None:
        """The separator is restored and the span starts at the scheme."""
        (found,) = find_urls(text)
        assert found.url == expected
        assert found.raw.lower().startswith(expected.split(":", 1)[0][:4])
        assert text[found.start : found.end] == found.raw

    @pytest.mark.parametrize(
        "text",
        [
            "the http //protocol",  # no dotted host after
            "http: //localhost/x",
            "gopher //example.org/x",  # only http, https and ftp
            "xhttp //example.org/x",  # glued to a word
            "http: www",
            "https :\n\n//x.org/a",
        ],
    )
    def test_not_repaired(self, text: str) -> None:
        """Without a dotted host, or with another word, nothing is read as a URL."""
        assert find_urls(text) == []


TYPOGRAPHIC_CASES = [
    # U+2010 hyphens in DOIs (AnyStyle, four rows)
    (
        "Climatic Change 135 (3): 373‑79. doi:10.1007/s10584‐015‐1585‐x.",
        "https://doi.org/10.1007/s10584-015-1585-x",
    ),
    (
        "64 (4): 401‐414. doi: 10.1111/j.1540‐594X.2006.00219.x",
        "https://doi.org/10.1111/j.1540-594X.2006.00219.x",
    ),
    # soft hyphen + U+2011 (Czech ministry page)
    (
        "Dostupné z: http://eagri.cz/public/web/mze/zivotni\u00ad\u2011prostredi/ochrana\u00ad\u2011vody",
        "http://eagri.cz/public/web/mze/zivotni-prostredi/ochrana-vody",
    ),
    ("http://sub\u2011domain.example.org/a", "http://sub-domain.example.org/a"),
    # "˜" and "∼" for "~"
    (
        "2008. http://qwone.com/˜jason/20Newsgroups (accessed May 31, 2013).",
        "http://qwone.com/~jason/20Newsgroups",
    ),
    ("http://www.chass.utoronto.ca/∼ian/", "http://www.chass.utoronto.ca/~ian/"),
    # "¬", a discretionary-hyphen artefact
    (
        "URL: http://www.hawaii.gov/dlnr/hpd/¬hpgreeting.htm. Accessed: XXXX",
        "http://www.hawaii.gov/dlnr/hpd/hpgreeting.htm",
    ),
    # "’" inside a file name
    (
        "Sept 1995: http://guzdial.cc.gatech.edu/hci-seminar/uploads/1/Suchman’s+Making+Work+Visible.pdf",
        "http://guzdial.cc.gatech.edu/hci-seminar/uploads/1/Suchman’s+Making+Work+Visible.pdf",
    ),
    # LaTeX escapes from BibTeX
    ("http://example.org/a\\_b?x=1\\&y=2", "http://example.org/a_b?x=1&y=2"),
    # "·" inside a path (Europresse links; fixtures/sections)
    (
        "Sud Ouest, 19 février 2017. "
        "https://nouveau-europresse-com.acces-distant.sciences-po.fr/Link/"
        "politique2T_1/news·20170219·SOF·005.",
        "https://nouveau-europresse-com.acces-distant.sciences-po.fr/Link/politique2T_1/news·20170219·SOF·005",
    ),
]

TYPOGRAPHIC_ENDS = [
    ("https://example.org/a‐ and more", "https://example.org/a"),  # not between word characters
    ("https://example.org/a ‐b", "https://example.org/a"),
    ("according to https://x.org/a’s data", "https://x.org/a"),  # a possessive ends it
    ("‘https://x.org/a’", "https://x.org/a"),
    ("https://x.org/a˜b", "https://x.org/a"),  # a tilde only after "/"
    ("https://x.org/a¬", "https://x.org/a"),
    ("https://x.org/a¬ b", "https://x.org/a"),
    ("https://x.org/a\\b", "https://x.org/a"),  # not a LaTeX escape
    ("https://example.org/a–b", "https://example.org/a"),  # an en dash is punctuation
    ("https://example.org/a · Reuters", "https://example.org/a"),  # a spaced "·" separates
    # HTML entities for characters no URL holds (ProQuest RIS notes; fixtures/sections)
    (
        "(https://creativecommons.org/licenses/by/4.0/).&nbsp;&nbsp;Notwithstanding",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (
        "http://creativecommons.org/licenses/by-nc-nd/4.0/&nbsp;&nbsp",
        "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    ("see https://example.org/a&quot; said", "https://example.org/a"),
]


class TestTypographic:
    """Typographic stand-ins inside a URL are read through and made ASCII."""

    @pytest.mark.parametrize(("text", "expected"), TYPOGRAPHIC_CASES)
    def test_read_through(self, text: str, expected: str) -> None:
        """The URL goes on through the character; ``url`` has the ASCII form."""
        (found,) = find_urls(text)
        assert found.url == expected
        assert text[found.start : found.end] == found.raw

    @pytest.mark.parametrize(("text", "expected"), TYPOGRAPHIC_ENDS)
    def test_still_ends(self, text: str, expected: str) -> None:
        """As punctuation, outside a word, the same characters still end the URL."""
        assert urls(text) == [expected]

    def test_doi_field_is_ascii(self) -> None:
        """The ``doi`` of a DOI written with U+2010 hyphens has ASCII hyphens."""
        (found,) = find_urls("doi:10.1007/s00168‐016‐0766‐5.")
        assert found.doi == "10.1007/s00168-016-0766-5"
        assert found.raw == "doi:10.1007/s00168‐016‐0766‐5"


SICI_CASES = [
    (
        "Cancer, 9(4), 822-830. doi: 10.1002/1097-0142(195607/08)9:4<822:: "
        "AID-CNCR2820090430>3.0.CO;2-4",
        "10.1002/1097-0142(195607/08)9:4<822::AID-CNCR2820090430>3.0.CO;2-4",
    ),
    (
        "103, 69–83. doi: 10.1002/(sici)1096-8644(199705)103:1<69:: aid-ajpa5>3.0.co;2-8.",
        "10.1002/(sici)1096-8644(199705)103:1<69::aid-ajpa5>3.0.co;2-8",
    ),
    (
        "12: 1371. http://dx.doi.org/10.1002/(SICI)1099- 1085(19980630)12:8<1371:: "
        "AID-HYP620>3.0.CO;2-C.",
        "10.1002/(SICI)1099-1085(19980630)12:8<1371::AID-HYP620>3.0.CO;2-C",
    ),
    (
        "doi:10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
    ),
]


class TestSiciDois:
    """Wiley's SICI DOIs keep their ``<…>`` part, written as is in the URL."""

    @pytest.mark.parametrize(("text", "doi"), SICI_CASES)
    def test_sici(self, text: str, doi: str) -> None:
        """The whole SICI is the DOI, the space after ``::`` dropped."""
        (found,) = find_urls(text)
        assert found.doi == doi
        assert found.url == "https://doi.org/" + doi

    @pytest.mark.parametrize(
        "text",
        ["doi:10.1000/182<b>bold</b>", "<doi:10.1000/182>", "doi:10.1000/xy<1::a b>"],
    )
    def test_other_angle_brackets_end_the_doi(self, text: str) -> None:
        """A ``<`` that does not open a SICI part still ends the DOI."""
        (found,) = find_urls(text)
        assert found.doi == ("10.1000/182" if "182" in text else "10.1000/xy")


# --- DOIs --------------------------------------------------------------------------

DOI_CASES: list[tuple[str, str | None]] = [
    ("doi:10.1000/182", "10.1000/182"),
    ("doi:10.1000/182.", "10.1000/182"),
    ("DOI: 10.1016/j.enpol.2012.01.001", "10.1016/j.enpol.2012.01.001"),
    ("DOI 10.1080/14683857.2023.2186735", "10.1080/14683857.2023.2186735"),
    ("doi.10.1000/182", "10.1000/182"),
    ("(doi: 10.1016/S0140-6736(20)30183-5)", "10.1016/S0140-6736(20)30183-5"),
    ("DOI 10.1016/S0140-6736(20)30183-5).", "10.1016/S0140-6736(20)30183-5"),
    ("https://doi.org/10.1037/a0040251", "10.1037/a0040251"),
    ("https://doi.org/10.1037/a0040251.", "10.1037/a0040251"),
    ("http://dx.doi.org/10.1016/j.x.2012.01.001", "10.1016/j.x.2012.01.001"),
    ("https://dx.doi.org/10.1016/j.x.2012.01.001", "10.1016/j.x.2012.01.001"),
    ("HTTPS://DOI.ORG/10.1093/ISQ/SQAB001", "10.1093/ISQ/SQAB001"),
    ("http://www.doi.org/10.1000/182", "10.1000/182"),
    ("doi.org/10.1177/0010836720954481", "10.1177/0010836720954481"),
    ("dx.doi.org/10.1177/0010836720954481", "10.1177/0010836720954481"),
    ("https://doi.org/10.1002/%28SICI%291097-4571", "10.1002/(SICI)1097-4571"),
    ("10.1080/14683857.2023.2186735", "10.1080/14683857.2023.2186735"),
    ("(10.1093/isq/sqab001)", "10.1093/isq/sqab001"),
    ("Journal 12(3). 10.1177/0010836720954481.", "10.1177/0010836720954481"),
    ("doi:10.1000.10/abc", "10.1000.10/abc"),
    ("<doi:10.1000/182>", "10.1000/182"),
    (
        "DOI: 10.1590/0102-311X00123456. Disponível em: <https://www.scielo.br/j/csp/>.",
        "10.1590/0102-311X00123456",
    ),
    ("Energy Policy, 45, 1–10. http://dx.doi. org/10.1016/j.enpol.2012.01.001", None),
]


class TestDois:
    """DOIs in every written form become https://doi.org/<doi>."""

    @pytest.mark.parametrize(("text", "doi"), DOI_CASES)
    def test_doi(self, text: str, doi: str | None) -> None:
        """The bare DOI is in ``doi`` and the URL is its doi.org resolver address."""
        found = find_urls(text)
        if doi is None:  # the DOI is everything after the last "org/"
            doi = text.rsplit("org/", 1)[1]
        assert found[0].doi == doi
        assert found[0].url == "https://doi.org/" + urllib.parse.quote(
            doi, safe="/:;()[]-._~!$&'*+,=@"
        )

    def test_label_is_in_span(self) -> None:
        """The ``doi:`` label is part of the span, so callers mask it with the DOI."""
        text = "Journal. doi: 10.1000/182."
        (found,) = find_urls(text)
        assert found.raw == "doi: 10.1000/182"
        assert found.start == text.index("doi")

    @pytest.mark.parametrize(
        "text",
        [
            "scored 10.2023/24 this season",  # a short suffix of digits only: a number
            "10.1000/182",  # the same, even when it is the DOI Handbook's DOI
            "10.12/abc",  # registrant too short
            "https://example.org/10.1000/182",  # inside another URL
            "doi: 10.1000/",  # empty suffix
            "doi:",  # nothing
            "x10.1000/abc",  # glued to a word
            "Impact Factor: 3.12DOI: 10.1016/j. comp struct, 2014.06.033",  # cut to "10.1016/j"
            "http://dx.doi.org/10.1016/j. The end",
        ],
    )
    def test_not_a_doi(self, text: str) -> None:
        """Numbers that only resemble DOIs give no DOI."""
        assert all(f.doi is None for f in find_urls(text))

    def test_doi_org_non_doi_path_is_plain_url(self) -> None:
        """A doi.org page that is not a DOI stays a plain URL without ``doi``."""
        (found,) = find_urls("https://www.doi.org/the-identifier/resources/handbook")
        assert found.doi is None
        assert found.url == "https://www.doi.org/the-identifier/resources/handbook"

    def test_labelled_doi_followed_by_url_is_not_doubled(self) -> None:
        """``DOI: https://doi.org/…`` is one find, not two."""
        found = find_urls("DOI: https://doi.org/10.1000/182")
        assert [(f.url, f.doi) for f in found] == [("https://doi.org/10.1000/182", "10.1000/182")]


# --- other schemes and file paths -------------------------------------------------------

NON_WEB_CASES = [
    ("ftp://ftp.example.org/pub/report.txt", "ftp://ftp.example.org/pub/report.txt"),
    ("sftp://host.example.org/x", "sftp://host.example.org/x"),
    ("hxxps://evil.example.org/x", "hxxps://evil.example.org/x"),
    ("s3://bucket/key.csv", "s3://bucket/key.csv"),
    ("file:///C:/Users/me/report.pdf", "file:///C:/Users/me/report.pdf"),
    ("file:///home/me/report.pdf.", "file:///home/me/report.pdf"),
    ("file://server/share/report.pdf", "file://server/share/report.pdf"),
    ("file:/home/me/report.pdf", "file:///home/me/report.pdf"),
    ("file:C:\\Users\\me\\report.pdf", "file:///C:/Users/me/report.pdf"),
    ("FILE:///C:\\Users\\me\\report.pdf", "file:///C:/Users/me/report.pdf"),
    (
        "C:\\Users\\Dogacan\\Desktop\\report.pdf",
        "file:///C:/Users/Dogacan/Desktop/report.pdf",
    ),
    (
        "Source: C:\\Users\\me\\Downloads\\report.pdf, accessed 14.04.2023.",
        "file:///C:/Users/me/Downloads/report.pdf",
    ),
    (
        "C:\\Users\\John Smith\\Documents\\report.pdf (accessed)",
        "file:///C:/Users/John%20Smith/Documents/report.pdf",
    ),
    (
        "D:\\Research\\Kazakhstan\\My Report.pdf",
        "file:///D:/Research/Kazakhstan/My%20Report.pdf",
    ),
    ("d:/docs/report.pdf", None),
    ("\\\\fileserver\\share\\report.pdf", "file://fileserver/share/report.pdf"),
    ("“C:\\Users\\me\\a#1.pdf”", "file:///C:/Users/me/a%231.pdf"),
]


class TestNonWebSchemes:
    """Sources verification cannot fetch are still returned so that they can be flagged."""

    @pytest.mark.parametrize(("text", "expected"), NON_WEB_CASES)
    def test_kept(self, text: str, expected: str | None) -> None:
        """Other schemes, file URLs and pasted disk paths come back as URLs."""
        if expected is None:  # a form deliberately not taken (forward slashes, no scheme)
            assert find_urls(text) == []
            return
        assert urls(text) == [expected]

    @pytest.mark.parametrize(
        "text",
        [
            "Contact mailto:editor@example.org for details.",
            "javascript:void(0)",
            "data:text/plain;base64,SGVsbG8=",
            "tel:+77172000000",
            "urn:isbn:9780262033848",
            "editor@example.org",
            "see /home/me/report.pdf",
            "http:// and https:// alone",
            "the www. prefix",
            "www.example is not a host",
            "C:\\ alone",
            "\\\\server alone",
        ],
    )
    def test_not_sources(self, text: str) -> None:
        """Contact addresses, script URLs and fragments of addresses are not returned."""
        assert find_urls(text) == []

    def test_windows_paths_in_sequence(self) -> None:
        """Two Windows paths separated by a word stay two paths."""
        text = "C:\\a\\x.pdf and C:\\b\\y.pdf"
        assert urls(text) == ["file:///C:/a/x.pdf", "file:///C:/b/y.pdf"]


# --- normalisation -------------------------------------------------------------------

NORMALISE_CASES = [
    ("HTTPS://WWW.Example.ORG/Path/To/Page", "https://www.example.org/Path/To/Page"),
    ("Http://Example.org/CaseKept?Q=A#Frag", "http://example.org/CaseKept?Q=A#Frag"),
    ("WWW.Example.COM/Path.", "https://www.example.com/Path"),
    ("www2.example.com/a", "https://www2.example.com/a"),
    ("https://exam\u200bple.org/a\u200bb", "https://example.org/ab"),
    ("https://example.org/kazakh\u00adstan", "https://example.org/kazakhstan"),
    ("https://example.org/a\ufeffb", "https://example.org/ab"),
    ("https://Президент.РФ/news", "https://президент.рф/news"),
    ("https://xn--d1abbgf6aiiy.xn--p1ai/news", "https://xn--d1abbgf6aiiy.xn--p1ai/news"),
    ("https://ru.wikipedia.org/wiki/Казахстан.", "https://ru.wikipedia.org/wiki/Казахстан"),
    ("https://hi.wikipedia.org/wiki/कज़ाख़स्तान", "https://hi.wikipedia.org/wiki/कज़ाख़स्तान"),
    ("https://ar.wikipedia.org/wiki/كازاخستان\u200f", "https://ar.wikipedia.org/wiki/كازاخستان"),
    ("athttps://example.org/a", "https://example.org/a"),
    ("URL:http://example.org/a", "http://example.org/a"),
]


class TestNormalisation:
    """Scheme and host are lowercased, invisible characters dropped, paths kept exactly."""

    @pytest.mark.parametrize(("text", "expected"), NORMALISE_CASES)
    def test_normalised(self, text: str, expected: str) -> None:
        """The URL is minimally normalised."""
        assert urls(text) == [expected]

    def test_raw_keeps_invisible_characters(self) -> None:
        """``raw`` is the original text, zero-width characters included."""
        text = "https://example.org/a\u200bb"
        (found,) = find_urls(text)
        assert found.raw == text

    def test_glued_urls_split(self) -> None:
        """Two URLs pasted without a space are two finds."""
        assert urls("https://a.example.org/xhttps://b.example.org/y") == [
            "https://a.example.org/x",
            "https://b.example.org/y",
        ]

    def test_wayback_and_redirect_not_split(self) -> None:
        """An embedded URL after ``/`` or ``=`` is part of the outer one."""
        for text in (
            "https://web.archive.org/web/2023/https://example.org/a",
            "https://example.org/r?url=https://other.example.org/b",
        ):
            assert urls(text) == [text]

    @pytest.mark.parametrize(
        "text",
        [
            "http://example.org:99999/a",
            "http://example.org:port/a",
            "http://[not-ipv6/a",
            "https://-bad.example.org/",
        ],
    )
    def test_malformed_hosts_dropped(self, text: str) -> None:
        """A URL whose host or port cannot be parsed is not returned."""
        assert find_urls(text) == []


# --- spans ---------------------------------------------------------------------------


class TestSpans:
    """``start``/``end``/``raw`` locate everything a URL was read from."""

    @pytest.mark.parametrize(
        "text",
        [f for f, _ in ANKASAM_FOOTNOTES]
        + [t for t, _ in STYLE_CASES]
        + [t for t, _ in JOIN_CASES]
        + [t for t, _ in DOI_CASES]
        + [t for t, _ in NON_WEB_CASES]
        + [t for t, _ in SPACE_JOIN_CASES]
        + [t for t, _ in SCHEMELESS_CASES]
        + [t for t, _ in BROKEN_SCHEME_CASES]
        + [t for t, _ in TYPOGRAPHIC_CASES]
        + [t for t, _ in SICI_CASES],
    )
    def test_raw_is_the_span(self, text: str) -> None:
        """``raw`` equals the text between ``start`` and ``end``; spans are ordered and apart."""
        found = find_urls(text)
        prev_end = 0
        for f in found:
            assert f.raw == text[f.start : f.end]
            assert prev_end <= f.start < f.end
            prev_end = f.end

    def test_exact_offsets(self) -> None:
        """Offsets of a URL in a sentence are exact."""
        text = "See (https://example.org/a), then."
        (found,) = find_urls(text)
        assert (found.start, found.end) == (5, 26)
        assert found == FoundUrl(
            url="https://example.org/a", start=5, end=26, raw="https://example.org/a"
        )

    def test_same_url_twice_is_two_finds(self) -> None:
        """The same URL cited twice is found at both places."""
        text = "https://example.org/a and https://example.org/a"
        found = find_urls(text)
        assert [f.start for f in found] == [0, 26]

    def test_empty(self) -> None:
        """Empty text has no URLs."""
        assert find_urls("") == []


# --- performance -------------------------------------------------------------------------

MB = 1_000_000
PATHOLOGICAL = {
    "brackets": "[" * 100_000,
    "url_run": "https://" + "a" * MB,
    "url_chars": "https://x.org/" + "a/b.c-d_e?f=g&h(i)[j]" * (MB // 22),
    "closers": "https://x.org/" + ")" * MB,
    "openers": "https://x.org/" + "(" * MB,
    "cyrillic": "https://x.org/" + "я" * MB,
    "separators": "://" * (MB // 3),
    "bad_ipv6": "http://[x" * (MB // 9),
    "glued": "https://a.org/x" + "xhttps://b.org/y" * (MB // 16),
    "www": "www.a " * (MB // 6),
    "dois": "10.1234/ " * (MB // 9),
    "broken_lines": "https://x.org/" + "a-\n" * (MB // 3),
    "angle": "<https://x.org/a " + "b " * (MB // 2),
    "windows": "C:\\a b\\" * (MB // 7),
    "dots": "." * MB,
    "zero_width": "https://x.org/" + "\u200b" * MB,
    "schemes": ("x" * 40 + "://") * (MB // 43),
    "apostrophes": "https://x.org/" + "a’" * (MB // 2),
    "apostrophe_word": "https://x.org/a’" + "a" * MB,
    "latex": "https://x.org/" + "\\&" * (MB // 2),
    "typo_hyphens": "doi:10.1000/" + "a\u2010" * (MB // 2),
    "broken_schemes": "http //a.b " * (MB // 11),
    "hosts": " ab.com/" * (MB // 8),
    "host_finds": " ab.com/b" * (MB // 18),
    "host_labels": " " + "a." * (MB // 2),
    "long_labels": (" " + ("a" * 60 + ".") * 6 + "com/") * (MB // 400),
    "www_space": "www. a.b " * (MB // 9),
    "sici": "doi:10.1000/(SICI)1:2" + "<1:: A-B>1.0.CO;2-X" * (MB // 20),
    "sici_open": "doi:10.1000/x" + "<1::" * (MB // 4),
    "doi_spaces": "doi:10.1000/" + "j. 1a " * (MB // 6),
    "spaced": "http:// www.a.org/" + " b1/" * (MB // 4),
    "angle_spaces": "< http:// " + "a/ " * (MB // 3),
    "path_spaces": "https://x.org/a" + " b.pdf" * (MB // 6),
    "encoded_spaces": "https://x.org/a%20" + " b%20" * (MB // 5),
}


class TestPerformance:
    """Pathological inputs finish in linear time."""

    @pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
    def test_pathological(self, name: str) -> None:
        """A 1 MB adversarial input is read in well under five seconds."""
        t0 = time.process_time()
        find_urls(PATHOLOGICAL[name])
        assert time.process_time() - t0 < 5.0


# --- properties ---------------------------------------------------------------------

URLISH = st.lists(
    st.sampled_from(
        [
            *"abcXYZ019-._~:/?#[]@!$&'()*+,;=%<>\"\\ \n\t\u00ad\u200b”»…яé",
            *["http", "https://", "www.", "doi:", "10.1234/", "C:\\", "\\\\", "file:"],
            *["-\n", "//[", "doi.org/", "<", ">", "\u2028", "(", ")"],
            *["http: //", "http //", "ab.com/", "www. ", "\u2010", "\u2011", "’", "˜", "¬"],
            *["\\&", "<1:: A-B>1.0.CO;2-X", "j. ", "- 1", ": 1(2)", "%20 ", ".pdf", " -"],
        ]
    ),
    max_size=80,
).map("".join)


def check_invariants(text: str, found: list[FoundUrl]) -> None:
    """Every find is a well-formed absolute URL located exactly in ``text``."""
    prev_end = 0
    for f in found:
        assert f.raw == text[f.start : f.end]
        assert prev_end <= f.start < f.end
        prev_end = f.end
        parts = urllib.parse.urlsplit(f.url)
        assert parts.scheme
        assert parts.netloc or parts.scheme == "file"
        assert not any(c.isspace() for c in f.url)
        if parts.scheme in ("http", "https"):
            assert parts.hostname
            _ = parts.port
        if f.doi is not None:
            assert f.url.startswith("https://doi.org/10.")


class TestProperties:
    """``find_urls`` never raises and only returns well-formed URLs."""

    @settings(max_examples=400, deadline=None)
    @given(st.text())
    def test_arbitrary_text(self, text: str) -> None:
        """Any Unicode text is searched without error and yields well-formed URLs."""
        check_invariants(text, find_urls(text))

    @settings(max_examples=600, deadline=None)
    @given(URLISH)
    def test_urlish_text(self, text: str) -> None:
        """Text built from URL characters and anchors yields well-formed URLs."""
        check_invariants(text, find_urls(text))

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=100), URLISH, st.text(max_size=100))
    def test_prefix_before_scheme(self, before: str, middle: str, after: str) -> None:
        """Text around an ``https://`` anchor never breaks the invariants."""
        text = before + "https://" + middle + after
        check_invariants(text, find_urls(text))
