"""Tests for citecheck.parse.fields: authors, title, publisher and date of one note."""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.parse import fields
from citecheck.parse.fields import ReferenceFields, parse_fields

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "footnotes" / "corpus.json"


def spans(text: str, *pieces: str) -> list[tuple[int, int]]:
    """The spans of ``pieces`` in ``text``, as a caller's find_urls/find_access_date would give."""
    out = []
    for piece in pieces:
        start = text.index(piece)
        out.append((start, start + len(piece)))
    return out


def d(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


# (id, text, masked pieces, authors, title, publisher, date)
Case = tuple[str, str, tuple[str, ...], tuple[str, ...], str | None, str | None, str | None]

SEED_CASES: list[Case] = [
    (
        "ankasam-1",
        "“Kazakh, Russian Foreign Ministers Meet in Moscow”, Azernews, "
        "https://www.azernews.az/region/208618.html, (Date of Accession: 14.04.2023).",
        ("https://www.azernews.az/region/208618.html", "(Date of Accession: 14.04.2023)"),
        (),
        "Kazakh, Russian Foreign Ministers Meet in Moscow",
        "Azernews",
        None,
    ),
    (
        "ankasam-3-damaged-title",
        "Nuray Alekberli-Museyibova, “Kazakhstan Proposes Gas Pipeline Project Connecting Russia "
        "and China Publication: Eu”, The Jamestown Foundation, https://jamestown.org/program/"
        "kazakhstan-proposes-gas-pipeline-project-connecting-russia-and-china/, "
        "(Date of Accession: 14.04.2023).",
        (
            "https://jamestown.org/program/kazakhstan-proposes-gas-pipeline-project-connecting"
            "-russia-and-china/",
            "(Date of Accession: 14.04.2023)",
        ),
        ("Nuray Alekberli-Museyibova",),
        "Kazakhstan Proposes Gas Pipeline Project Connecting Russia and China Publication: Eu",
        "The Jamestown Foundation",
        None,
    ),
    (
        "ankasam-6-apostrophe-no-final-period",
        "Emrah Kaya, “Russia’s Purposes for Authorizing the Use of Druzhba”, ANKASAM, "
        "https://www.ankasam.org/russias-purposes/?lang=en, (Date of Accession: 14.04.2023)",
        ("https://www.ankasam.org/russias-purposes/?lang=en", "(Date of Accession: 14.04.2023)"),
        ("Emrah Kaya",),
        "Russia’s Purposes for Authorizing the Use of Druzhba",
        "ANKASAM",
        None,
    ),
]

QUOTE_CASES: list[Case] = [
    (
        "chicago-comma-inside-quotes",
        "Paul Stronski, “Kazakhstan at Thirty,” Carnegie Endowment for International Peace, "
        "December 16, 2021, https://carnegieendowment.org/2021/12/16/x.",
        ("https://carnegieendowment.org/2021/12/16/x",),
        ("Paul Stronski",),
        "Kazakhstan at Thirty",
        "Carnegie Endowment for International Peace",
        "2021-12-16",
    ),
    (
        "mla-period-inside-quotes",
        'Kramer, Andrew E. "Kazakhstan\'s Leader Moves to Consolidate Power." The New York Times,'
        " 21 Jan. 2022, www.nytimes.com/2022/01/21/x.html. Accessed 14 Apr. 2023.",
        ("www.nytimes.com/2022/01/21/x.html", "Accessed 14 Apr. 2023"),
        ("Kramer, Andrew E.",),
        "Kazakhstan's Leader Moves to Consolidate Power",
        "The New York Times",
        "2022-01-21",
    ),
    (
        "question-mark-kept",
        'Umarov, Temur. "Russia and Central Asia: Never Closer, or Drifting Apart?" Carnegie '
        "Politika, 23 Dec. 2022.",
        (),
        ("Umarov, Temur",),
        "Russia and Central Asia: Never Closer, or Drifting Apart?",
        "Carnegie Politika",
        "2022-12-23",
    ),
    (
        "exclamation-kept-comma-dropped",
        "“Not Again!,” Eurasianet, March 3, 2023.",
        (),
        (),
        "Not Again!",
        "Eurasianet",
        "2023-03-03",
    ),
    (
        "ellipsis-kept",
        "“Gas, pipes, and...”, Vlast.kz, 1 June 2023.",
        (),
        (),
        "Gas, pipes, and...",
        "Vlast.kz",
        "2023-06-01",
    ),
    (
        "guillemets-french",
        "Isabelle Mandraud, « Le Kazakhstan prend ses distances avec Moscou », Le Monde, "
        "12 avril 2023, [en ligne] https://www.lemonde.fr/a.html (consulté le 14 avril 2023).",
        ("https://www.lemonde.fr/a.html", "(consulté le 14 avril 2023)"),
        ("Isabelle Mandraud",),
        "Le Kazakhstan prend ses distances avec Moscou",
        "Le Monde",
        "2023-04-12",
    ),
    (
        "german-low-high-quotes-in-colon",
        "Hans Müller: „Der Titel“, in: Frankfurter Allgemeine Zeitung, 5.3.2020, online unter: "
        "https://www.faz.net/aktuell/x.html (abgerufen am 14.04.2023).",
        ("https://www.faz.net/aktuell/x.html", "(abgerufen am 14.04.2023)"),
        ("Hans Müller",),
        "Der Titel",
        "Frankfurter Allgemeine Zeitung",
        "2020-03-05",
    ),
    (
        "german-chevrons-reversed",
        "Vgl. Karl Schlögel: »Die Ukraine und Russland«, in: Merkur 76 (2022), H. 3, S. 5–17.",
        (),
        ("Karl Schlögel",),
        "Die Ukraine und Russland",
        "Merkur",
        None,
    ),
    (
        "harvard-straight-single-quotes-with-apostrophe",
        "Smith, J. (2020) 'Russia's gas', The Guardian, 5 March. Available at: "
        "https://www.theguardian.com/x (Accessed: 14 April 2023).",
        ("https://www.theguardian.com/x", "(Accessed: 14 April 2023)"),
        ("Smith, J.",),
        "Russia's gas",
        "The Guardian",
        "2020-03-05",
    ),
    (
        "british-curly-single-quotes",
        "Emil Avdaliani, ‘Kazakhstan’s Multi-Vector Policy’, Eurasia Daily Monitor, "
        "3 December 2023.",
        (),
        ("Emil Avdaliani",),
        "Kazakhstan’s Multi-Vector Policy",
        "Eurasia Daily Monitor",
        "2023-12-03",
    ),
    (
        "nested-quotes-kept",
        "Emrah Kaya, “The ‘Near Abroad’ Doctrine Revisited”, ANKASAM, 2 May 2023.",
        (),
        ("Emrah Kaya",),
        "The ‘Near Abroad’ Doctrine Revisited",
        "ANKASAM",
        "2023-05-02",
    ),
    (
        "turkish-double-apostrophe-quotes",
        "Doğacan Başaran, ‘’Uluslararası Güç İlişkileri’’, Giresun Üniversitesi, 2017.",
        (),
        ("Doğacan Başaran",),
        "Uluslararası Güç İlişkileri",
        "Giresun Üniversitesi",
        None,
    ),
    (
        "russian-guillemets-quoted",
        "Иван Петров, «Казахстан и Россия: новая повестка», Коммерсантъ, 14 апреля 2023.",
        (),
        ("Иван Петров",),
        "Казахстан и Россия: новая повестка",
        "Коммерсантъ",
        "2023-04-14",
    ),
    (
        "multi-line-title-squashed",
        "Emil Avdaliani, “Kazakhstan’s Expanding\nMulti-Vector Foreign Policy,” Eurasia Daily\n"
        "Monitor 20, no. 185 (December 3, 2023).",
        (),
        ("Emil Avdaliani",),
        "Kazakhstan’s Expanding Multi-Vector Foreign Policy",
        "Eurasia Daily Monitor",
        "2023-12-03",
    ),
    (
        "journal-volume-cut",
        "Luca Anceschi, “Kazakhstan after Nazarbayev,” Central Asian Survey 39, no. 2 (2020): "
        "151–70.",
        (),
        ("Luca Anceschi",),
        "Kazakhstan after Nazarbayev",
        "Central Asian Survey",
        None,
    ),
    (
        "digits-inside-publisher-kept",
        "«Gasdotto via Kazakistan», Il Sole 24 Ore, 13 aprile 2023.",
        (),
        (),
        "Gasdotto via Kazakistan",
        "Il Sole 24 Ore",
        "2023-04-13",
    ),
    (
        "markdown-italics-publisher",
        "“Tokayev in Moscow”, *The Astana Times*, 28 November 2022.",
        (),
        (),
        "Tokayev in Moscow",
        "The Astana Times",
        "2022-11-28",
    ),
    (
        "page-before-publisher-skipped",
        "Smith, “Short Title,” 45.",
        (),
        ("Smith",),
        "Short Title",
        None,
        None,
    ),
    (
        "spiegel-online-keeps-online",
        "“Kasachstan und Russland”, Spiegel Online, https://www.spiegel.de/a.html.",
        ("https://www.spiegel.de/a.html",),
        (),
        "Kasachstan und Russland",
        "Spiegel Online",
        None,
    ),
    (
        "italian-in-prefix",
        "Fabrizio Vielmini, «L’Asia centrale dopo l’Ucraina», in Limes, n. 4/2023, pp. 101-110.",
        (),
        ("Fabrizio Vielmini",),
        "L’Asia centrale dopo l’Ucraina",
        "Limes",
        None,
    ),
]

WIKIPEDIA_CASES: list[Case] = [
    (
        "wikipedia-archived-date-is-not-the-date",
        '^ a b Sorbello, Paolo (10 March 2023). "Kazakhstan\'s gas ambitions" '
        "(https://thediplomat.com/a/). The Diplomat. Archived "
        "(https://web.archive.org/web/2023/https://thediplomat.com/a/) from the original on "
        "11 March 2023. Retrieved 14 April 2023.",
        (
            "https://thediplomat.com/a/",
            "https://web.archive.org/web/2023/https://thediplomat.com/a/",
            "Retrieved 14 April 2023",
        ),
        ("Sorbello, Paolo",),
        "Kazakhstan's gas ambitions",
        "The Diplomat",
        "2023-03-10",
    ),
    (
        "wikipedia-archive-only-date",
        '"Power of Siberia 2". Gazprom. Archived from the original on 2 February 2023. '
        "Retrieved 14 April 2023.",
        (),
        (),
        "Power of Siberia 2",
        "Gazprom",
        None,
    ),
    (
        "wikipedia-pdf-and-language-markers-skipped",
        '"Токаев провел переговоры" (https://www.kommersant.ru/doc/1) (PDF) (in Russian). '
        "Kommersant. 28 November 2022.",
        ("https://www.kommersant.ru/doc/1",),
        (),
        "Токаев провел переговоры",
        "Kommersant",
        "2022-11-28",
    ),
    (
        "unmasked-access-phrase-is-not-the-date",
        "“Kazakhstan Profile”, BBC News, https://www.bbc.com/news/x (accessed 14 April 2023).",
        ("https://www.bbc.com/news/x",),
        (),
        "Kazakhstan Profile",
        "BBC News",
        None,
    ),
]

UNQUOTED_CASES: list[Case] = [
    (
        "apa-web-page",
        "Smith, J. A., & Doe, B. (2020, March 5). Title of page: A subtitle. Site Name. "
        "https://example.com/a",
        ("https://example.com/a",),
        ("Smith, J. A.", "Doe, B."),
        "Title of page: A subtitle",
        "Site Name",
        "2020-03-05",
    ),
    (
        "apa-day-first-in-parens",
        "Walker, S. (2023, 13 April). Kazakhstan looks east. The Guardian. https://example.com/b",
        ("https://example.com/b",),
        ("Walker, S.",),
        "Kazakhstan looks east",
        "The Guardian",
        "2023-04-13",
    ),
    (
        "apa-journal-year-only",
        "Anceschi, L., & Isaacs, R. (2021). The domestic sources of foreign policy. Central Asian "
        "Survey, 40(1), 1–19. doi:10.1080/02634937.2020.1863000",
        ("doi:10.1080/02634937.2020.1863000",),
        ("Anceschi, L.", "Isaacs, R."),
        "The domestic sources of foreign policy",
        "Central Asian Survey",
        None,
    ),
    (
        "apa-no-date-org-author-with-abbreviation",
        "U.S. Energy Information Administration. (n.d.). Kazakhstan. Retrieved 04/14/2023, from "
        "https://www.eia.gov/international/analysis/country/KAZ",
        ("Retrieved 04/14/2023", "https://www.eia.gov/international/analysis/country/KAZ"),
        ("U.S. Energy Information Administration",),
        "Kazakhstan",
        None,
        None,
    ),
    (
        "apa-bracketed-description-dropped",
        "Kassenova, N. (2022, January 28). Kazakhstan’s January events [Commentary]. Carnegie "
        "Endowment. https://carnegieendowment.org/x",
        ("https://carnegieendowment.org/x",),
        ("Kassenova, N.",),
        "Kazakhstan’s January events",
        "Carnegie Endowment",
        "2022-01-28",
    ),
    (
        "harvard-org-author-place-publisher",
        "International Energy Agency (2022) Kazakhstan 2022: Energy Sector Review. Paris: IEA. "
        "Available at: https://www.iea.org/reports/kazakhstan-2022 (Accessed: 20/04/2023).",
        ("https://www.iea.org/reports/kazakhstan-2022", "(Accessed: 20/04/2023)"),
        ("International Energy Agency",),
        "Kazakhstan 2022: Energy Sector Review",
        "IEA",
        None,
    ),
    (
        "gost-split-year-and-day-month",
        "Иванов И. И. Название статьи // Коммерсантъ. 2023. 14 апреля. URL: "
        "https://www.kommersant.ru/doc/5930000 (дата обращения: 14.04.2023).",
        ("https://www.kommersant.ru/doc/5930000", "(дата обращения: 14.04.2023)"),
        ("Иванов И. И.",),
        "Название статьи",
        "Коммерсантъ",
        "2023-04-14",
    ),
    (
        "gost-two-authors-journal",
        "Кортунов А. В., Тимофеев И. Н. Россия и Центральная Азия // Россия в глобальной "
        "политике. 2022. Т. 20, № 3. С. 45–60.",
        (),
        ("Кортунов А. В.", "Тимофеев И. Н."),
        "Россия и Центральная Азия",
        "Россия в глобальной политике",
        None,
    ),
    (
        "gost-2018-comma-and-responsibility",
        "Иванов, И. И. Газ и политика / И. И. Иванов // Эксперт : [сайт]. 2023. 2 мая.",
        (),
        ("Иванов, И. И.",),
        "Газ и политика",
        "Эксперт",
        "2023-05-02",
    ),
    (
        "gost-responsibility-only",
        "Газ и политика [Электронный ресурс] / П. П. Петров // Известия. 12.04.2023.",
        (),
        ("П. П. Петров",),
        "Газ и политика",
        "Известия",
        "2023-04-12",
    ),
    (
        "gost-quoted-name-inside-title",
        "Нефтепровод «Дружба» // Википедия : свободная энциклопедия. URL: "
        "https://ru.wikipedia.org/wiki/Дружба_(нефтепровод)",
        ("https://ru.wikipedia.org/wiki/Дружба_(нефтепровод)",),
        (),
        "Нефтепровод «Дружба»",
        "Википедия",
        None,
    ),
    (
        "gost-quoted-title-after-initials",
        "Иванов И. И. «Газовый союз» // Эксперт. 12.04.2023.",
        (),
        ("Иванов И. И.",),
        "Газовый союз",
        "Эксперт",
        "2023-04-12",
    ),
    (
        "abnt-two-authors",
        "SILVA, João; SOUZA, M. A. Título do artigo: subtítulo. Folha de S.Paulo, São Paulo, "
        "5 mar. 2020. Disponível em: <https://www1.folha.uol.com.br/x.shtml>. "
        "Acesso em: 14 abr. 2023.",
        ("https://www1.folha.uol.com.br/x.shtml", "Acesso em: 14 abr. 2023"),
        ("SILVA, João", "SOUZA, M. A."),
        "Título do artigo: subtítulo",
        "Folha de S.Paulo",
        "2020-03-05",
    ),
    (
        "abnt-corporate-author",
        "BRASIL. Ministério das Relações Exteriores. Visita ao Cazaquistão. Brasília: MRE, 2023. "
        "Disponível em: <https://www.gov.br/mre/x>. Acesso em: 14 abr. 2023.",
        ("https://www.gov.br/mre/x", "Acesso em: 14 abr. 2023"),
        ("BRASIL. Ministério das Relações Exteriores",),
        "Visita ao Cazaquistão",
        "MRE",
        None,
    ),
    (
        "mla-book",
        "Cooley, Alexander. Great Games, Local Rules: The New Great Power Contest in Central "
        "Asia. Oxford UP, 2012.",
        (),
        ("Cooley, Alexander",),
        "Great Games, Local Rules: The New Great Power Contest in Central Asia",
        "Oxford UP",
        None,
    ),
    (
        "site-only",
        "Azernews, https://www.azernews.az/region/208618.html",
        ("https://www.azernews.az/region/208618.html",),
        (),
        None,
        "Azernews",
        None,
    ),
    (
        "site-and-date",
        "Reuters, 14 April 2023, https://www.reuters.com/x/",
        ("https://www.reuters.com/x/",),
        (),
        None,
        "Reuters",
        "2023-04-14",
    ),
    (
        "title-and-site-unquoted",
        "Kazakhstan National Energy Report 2023, KAZENERGY, file:///C:/Users/a/report.pdf",
        ("file:///C:/Users/a/report.pdf",),
        (),
        "Kazakhstan National Energy Report 2023",
        "KAZENERGY",
        None,
    ),
    (
        "url-only",
        "https://www.azernews.az/region/208618.html.",
        ("https://www.azernews.az/region/208618.html",),
        (),
        None,
        None,
        None,
    ),
]

AUTHOR_CASES: list[tuple[str, tuple[str, ...]]] = [
    ("Smith, John", ("Smith, John",)),
    ("Smith, J., Doe, B.", ("Smith, J.", "Doe, B.")),
    ("Smith, J. A.; Doe, B.", ("Smith, J. A.", "Doe, B.")),
    ("John Smith and Jane Doe", ("John Smith", "Jane Doe")),
    ("Pannier, Bruce, and Farangis Najibullah", ("Pannier, Bruce", "Farangis Najibullah")),
    ("John Smith, Jane Doe, and Bob Lee", ("John Smith", "Jane Doe", "Bob Lee")),
    ("Hans-Henning Schröder und Jeronim Perović", ("Hans-Henning Schröder", "Jeronim Perović")),
    ("Jean Dupont et Marie Curie", ("Jean Dupont", "Marie Curie")),
    ("Nicolás de Pedro y Carmen Claudín", ("Nicolás de Pedro", "Carmen Claudín")),
    ("João Silva e Maria Souza", ("João Silva", "Maria Souza")),
    ("Иван Петров и Пётр Иванов", ("Иван Петров", "Пётр Иванов")),
    ("Mehmet Yılmaz ve Ayşe Demir", ("Mehmet Yılmaz", "Ayşe Demir")),
    ("Smith & Wesson", ("Smith", "Wesson")),
    ("Smith, J., et al.", ("Smith, J.",)),
    ("Кортунов А. В. и др.", ("Кортунов А. В.",)),
    ("By Andrew E. Kramer", ("Andrew E. Kramer",)),
    ("o. V.", ()),
    ("Sorbello, Paolo (10 March 2023).", ("Sorbello, Paolo",)),
    ("World Health Organization.", ("World Health Organization",)),
    ("Иванов, И. И.", ("Иванов, И. И.",)),
    ("Nuray Alekberli-Museyibova", ("Nuray Alekberli-Museyibova",)),
]

BACKREF_CASES: list[tuple[str, tuple[str, ...]]] = [
    ("Ibid.", ()),
    ("Ibid., p. 4.", ()),
    ("ibid., 3.", ()),
    ("Ibidem, p. 5.", ()),
    ("Ib.", ()),
    ("Ebd.", ()),
    ("Ebd., S. 12 f.", ()),
    ("Ebenda.", ()),
    ("Там же.", ()),
    ("Там же. С. 5.", ()),
    ("A.g.e.", ()),
    ("a.g.e., s. 4.", ()),
    ("Aynı eser, s. 12.", ()),
    ("Íbid., p. 3.", ()),
    ("Ivi, p. 7.", ()),
    ("Idem.", ()),
    ("Op. cit., p. 3.", ()),
    ("Smith, op. cit., p. 4", ("Smith",)),
    ("Levystone, op. cit., p. 15.", ("Levystone",)),
    ("SILVA, op. cit., p. 7.", ("SILVA",)),
    ("Başaran, a.g.e., s. 4.", ("Başaran",)),
    ("Schmitz, a.a.O., S. 3.", ("Schmitz",)),
    ("Иванов И. И. Указ. соч. С. 5.", ("Иванов И. И.",)),
    ("Rossi, cit., p. 4.", ("Rossi",)),
    ("Pérez, ob. cit., p. 9.", ("Pérez",)),
]


def _check(case: Case) -> None:
    _, text, masked, authors, title, publisher, date = case
    got = parse_fields(text, spans(text, *masked))
    assert got == ReferenceFields(
        authors=authors, title=title, publisher=publisher, date=d(date) if date else None
    )


class TestSeeds:
    """The footnotes of the first seed article, as the brief fixes them."""

    @pytest.mark.parametrize("case", SEED_CASES, ids=[c[0] for c in SEED_CASES])
    def test_seed_footnote(self, case: Case) -> None:
        """A seed footnote yields exactly the authors, title, publisher and date written in it."""
        _check(case)

    def test_ibid_alone_is_empty(self) -> None:
        """The seed's ``[4] Ibid.`` yields no fields; the caller resolves it to note 3."""
        assert parse_fields("Ibid.") == ReferenceFields()


class TestQuotedTitles:
    """Titles in any quoting style, with authors before and publisher after."""

    @pytest.mark.parametrize("case", QUOTE_CASES, ids=[c[0] for c in QUOTE_CASES])
    def test_quoted(self, case: Case) -> None:
        """The quoted run is the title; the text around it gives authors, publisher and date."""
        _check(case)


class TestWikipedia:
    """Wikipedia references: archive and retrieval dates are not the source's date."""

    @pytest.mark.parametrize("case", WIKIPEDIA_CASES, ids=[c[0] for c in WIKIPEDIA_CASES])
    def test_wikipedia(self, case: Case) -> None:
        """Everything from ``Archived``/``Retrieved`` on is ignored, and ``^ a b`` is dropped."""
        _check(case)


class TestUnquotedStyles:
    """APA, Harvard, GOST, ABNT, MLA books and bare site names."""

    @pytest.mark.parametrize("case", UNQUOTED_CASES, ids=[c[0] for c in UNQUOTED_CASES])
    def test_unquoted(self, case: Case) -> None:
        """Styles without quotes are read by their shape."""
        _check(case)


class TestAuthors:
    """Author lists are split into one entry per person, each kept as written."""

    @pytest.mark.parametrize(("block", "expected"), AUTHOR_CASES, ids=[c[0] for c in AUTHOR_CASES])
    def test_authors_before_a_title(self, block: str, expected: tuple[str, ...]) -> None:
        """The text before a quoted title is split into authors by the documented separators."""
        got = parse_fields(f"{block} “A Title”, Some Site, 2 May 2023.")
        assert got.authors == expected
        assert got.title == "A Title"


class TestBackReferences:
    """Back-references give empty fields, except the author of an ``op. cit.``."""

    @pytest.mark.parametrize(("text", "authors"), BACKREF_CASES, ids=[c[0] for c in BACKREF_CASES])
    def test_back_reference(self, text: str, authors: tuple[str, ...]) -> None:
        """A back-reference yields no title, publisher or date, and only the named author."""
        assert parse_fields(text) == ReferenceFields(authors=authors)

    def test_ibid_followed_by_a_new_source_is_read(self) -> None:
        """``Ibid.`` followed by a full reference is not a bare back-reference."""
        got = parse_fields("Ibid. See also Emrah Kaya, “Druzhba Again”, ANKASAM, 3 May 2023.")
        assert got.title == "Druzhba Again"
        assert got.publisher == "ANKASAM"

    def test_word_starting_with_ivi_is_not_ivi(self) -> None:
        """``Ivanov, “…”`` is a name, not Italian ``Ivi``."""
        got = parse_fields("Ivanov, “Gas Union”, Kommersant, 1 May 2023.")
        assert got.authors == ("Ivanov",)
        assert got.title == "Gas Union"


class TestMasking:
    """Masked spans are separators, and odd span lists are tolerated."""

    TEXT = "“Title”, Azernews, https://www.azernews.az/region/208618.html, 14.04.2023"

    def test_url_is_never_a_field(self) -> None:
        """Without masking, a URL is not mistaken for the publisher either way round."""
        masked = spans(self.TEXT, "https://www.azernews.az/region/208618.html")
        assert parse_fields(self.TEXT, masked).publisher == "Azernews"

    def test_masked_date_is_not_the_date(self) -> None:
        """A masked access date is not read as the source's own date."""
        masked = spans(self.TEXT, "https://www.azernews.az/region/208618.html", "14.04.2023")
        assert parse_fields(self.TEXT, masked).date is None

    def test_unmasked_date_is_the_date(self) -> None:
        """The same date left unmasked is read as the source's date."""
        masked = spans(self.TEXT, "https://www.azernews.az/region/208618.html")
        assert parse_fields(self.TEXT, masked).date == d("2023-04-14")

    @pytest.mark.parametrize(
        "masked",
        [
            [(-5, 3)],
            [(10**9, 10**9 + 5)],
            [(40, 20)],
            [(5, 30), (0, 10), (8, 12)],
            [(0, 10**9)],
        ],
    )
    def test_odd_spans_do_not_raise(self, masked: list[tuple[int, int]]) -> None:
        """Out-of-range, reversed and overlapping spans are clipped, not errors."""
        assert isinstance(parse_fields(self.TEXT, masked), ReferenceFields)

    def test_whole_text_masked_is_empty(self) -> None:
        """A note that is all URL has no other fields."""
        assert parse_fields(self.TEXT, [(0, len(self.TEXT))]) == ReferenceFields()

    def test_nul_in_text_is_not_a_separator(self) -> None:
        """A NUL in the input cannot impersonate the internal separator."""
        got = parse_fields("“Ti\x00tle”, Azernews.")
        assert got.title == "Ti tle"
        assert got.publisher == "Azernews"


def _load_corpus() -> list[Any]:
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    params = []
    for entry in corpus:
        for citation in entry["citations"]:
            known = citation.get("known_misses", {})
            for field in ("authors", "title", "publisher", "date"):
                marks = []
                if field in known:
                    marks.append(pytest.mark.xfail(strict=True, reason=known[field]))
                params.append(
                    pytest.param(
                        citation,
                        field,
                        id=f"{entry['id']}-fn{citation['label']}-{field}",
                        marks=marks,
                    )
                )
    return params


class TestCorpus:
    """Every corpus footnote, masked the way the caller masks it."""

    @pytest.mark.parametrize(("citation", "field"), _load_corpus())
    def test_corpus_field(self, citation: dict[str, Any], field: str) -> None:
        """parse_fields reads each field of each corpus footnote as written in the corpus."""
        from citecheck.parse.dates import find_access_date
        from citecheck.parse.urls import find_urls

        text = citation["text"]
        try:
            masked = [(u.start, u.end) for u in find_urls(text)]
            accessed = find_access_date(text)
        except NotImplementedError:
            pytest.skip("find_urls/find_access_date not implemented yet")
        if accessed is not None:
            masked.append((accessed.start, accessed.end))
        got = parse_fields(text, sorted(masked))
        value: Any = getattr(got, field)
        if field == "authors":
            value = list(value)
        elif field == "date" and value is not None:
            value = value.isoformat()
        assert value == citation[field]


PATHOLOGICAL = {
    "open-brackets": "[" * 100_000,
    "url-like-run": "https://a.b/" + "a/b-c_d." * 130_000,
    "deep-parens": "(" * 100_000 + "2020" + ")" * 100_000,
    "curly-openers": "“" * 100_000,
    "apostrophes": " 'a" * 100_000,
    "single-openers": " ‘x’s" * 100_000,
    "surname-commas": "SILVA, " * 100_000,
    "initials": "A. " * 300_000,
    "sentences": "Word. " * 150_000,
    "slashes": "a // " * 150_000,
    "wikipedia-backlinks": "^ " + "a " * 300_000,
    "opcit-runs": "Smith, op. cit., " * 50_000,
    "retrieved-runs": ", Retrieved " * 80_000,
    "quote-no-close": "Smith, “" + "word " * 200_000,
    "long-title": "“" + "word " * 200_000 + "”, Site, 2 May 2023.",
    "digits": "1" * 1_000_000,
    "year-parts": "2020, " * 150_000,
    "mixed-categories": "a\u0301\u200b\u2028ß\u00a0Ⅻ𝔘\ud7ff\U0001f600«»“”„" * 60_000,
}


class TestRobustness:
    """Linear time and no exceptions on hostile input."""

    @pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=list(PATHOLOGICAL))
    def test_pathological_input_is_fast(self, text: str) -> None:
        """A ~1 MB hostile note is parsed well within seconds."""
        start = time.process_time()
        fields._parse(text, [])
        assert time.process_time() - start < 5.0

    def test_many_masked_spans(self) -> None:
        """A hundred thousand masked spans are handled in linear time."""
        text = "ab " * 100_000
        masked = [(i, i + 2) for i in range(0, len(text), 3)]
        start = time.process_time()
        assert fields._parse(text, masked) == ReferenceFields()
        assert time.process_time() - start < 5.0

    @settings(max_examples=300, deadline=None)
    @given(
        text=st.lists(
            st.one_of(
                st.characters(),
                st.sampled_from(
                    [*"“”„«»\"‘’'‚.,;:()[]<>/ \n^&", "Ibid.", "//", "(2020)", "SILVA, ", "J. "]
                ),
            ),
            max_size=120,
        ).map("".join),
        masked=st.lists(st.tuples(st.integers(-5, 320), st.integers(-5, 320)), max_size=4),
    )
    def test_never_raises(self, text: str, masked: list[tuple[int, int]]) -> None:
        """The unguarded parser raises on no input, so the public guard hides no bug."""
        got = fields._parse(text, masked)
        assert all(isinstance(a, str) and a for a in got.authors)
        assert got.title is None or got.title.strip() == got.title != ""
        assert got.publisher is None or got.publisher != ""
