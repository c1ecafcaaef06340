"""Pure archive logic: choosing the snapshot, reading CDX JSON and Memento Link headers."""

from __future__ import annotations

import datetime
import json
import time

import pytest

from citecheck.archive.snapshots import (
    Capture,
    CdxFormatError,
    Link,
    choose_memento,
    end_of_day,
    format_stamp,
    http_date,
    parse_cdx_json,
    parse_http_date,
    parse_link_header,
    parse_stamp,
    select_snapshot,
)

D = datetime.date
UTC = datetime.UTC


def cap(stamp: str, status: int | None = 200) -> Capture:
    return Capture(
        stamp=stamp, original="https://www.azernews.az/region/211585.html", status=status
    )


# A dead link's history: read in April 2023, rewritten later that month,
# gone in 2024, then a domain parker's page (a 200!) in 2025.
DEAD_LINK = [
    cap("20190102030405"),
    cap("20210315120000"),
    cap("20230410081500"),
    cap("20230420090000"),
    cap("20240105000000", 404),
    cap("20250601000000"),
]


class TestSelectSnapshot:
    @pytest.mark.parametrize(
        ("captures", "access", "article", "expected"),
        [
            # The last capture on or before the access date, not the newest.
            (DEAD_LINK, D(2023, 4, 14), None, "20230410081500"),
            (DEAD_LINK, D(2023, 4, 20), None, "20230420090000"),
            (DEAD_LINK, D(2021, 3, 15), None, "20210315120000"),
            (DEAD_LINK, D(2022, 12, 31), None, "20210315120000"),
            # Access after every capture: the last one, skipping the 404.
            (DEAD_LINK, D(2024, 6, 1), None, "20230420090000"),
            (DEAD_LINK, D(2030, 1, 1), None, "20250601000000"),
            # Access before every capture: the first after it.
            (DEAD_LINK, D(2018, 1, 1), None, "20190102030405"),
            # A capture later on the access day itself is still "on or before".
            (
                [cap("20230414235959"), cap("20230415000000")],
                D(2023, 4, 14),
                None,
                "20230414235959",
            ),
            (
                [cap("20230413000000"), cap("20230415000000")],
                D(2023, 4, 14),
                None,
                "20230413000000",
            ),
            (
                [cap("20230415000000"), cap("20230501000000")],
                D(2023, 4, 14),
                None,
                "20230415000000",
            ),
            # Error captures are never chosen, however near.
            (
                [cap("20230101000000"), cap("20230414100000", 404)],
                D(2023, 4, 14),
                None,
                "20230101000000",
            ),
            (
                [cap("20230101000000"), cap("20230414100000", 503)],
                D(2023, 4, 14),
                None,
                "20230101000000",
            ),
            (
                [cap("20230101000000"), cap("20230414100000", None)],
                D(2023, 4, 14),
                None,
                "20230101000000",
            ),
            # A 2xx capture beats a nearer redirect capture, even one after the date.
            (
                [cap("20200101000000"), cap("20230414100000", 301)],
                D(2023, 4, 14),
                None,
                "20200101000000",
            ),
            (
                [cap("20230414100000", 302), cap("20240101000000")],
                D(2023, 4, 14),
                None,
                "20240101000000",
            ),
            # Only redirects archived: the same rule among them.
            (
                [
                    cap("20200101000000", 301),
                    cap("20230301000000", 302),
                    cap("20230601000000", 301),
                ],
                D(2023, 4, 14),
                None,
                "20230301000000",
            ),
            # Input order does not matter.
            (list(reversed(DEAD_LINK)), D(2023, 4, 14), None, "20230410081500"),
            # With an access date the article's date is not used.
            (DEAD_LINK, D(2023, 4, 14), D(2019, 1, 1), "20230410081500"),
            # No access date: nearest the article's date, either side.
            (DEAD_LINK, None, D(2023, 4, 18), "20230420090000"),
            (DEAD_LINK, None, D(2023, 4, 12), "20230410081500"),
            (DEAD_LINK, None, D(2020, 1, 1), "20190102030405"),
            (DEAD_LINK, None, D(2020, 12, 1), "20210315120000"),
            # A capture within the article's day is distance zero.
            (
                [cap("20230414230000"), cap("20230415000100")],
                None,
                D(2023, 4, 14),
                "20230414230000",
            ),
            # Equally near on both sides: the earlier one.
            (
                [cap("20230413235959"), cap("20230415000000")],
                None,
                D(2023, 4, 14),
                "20230413235959",
            ),
            # Nearest skips error captures too.
            (
                [cap("20230101000000"), cap("20230414000000", 410)],
                None,
                D(2023, 4, 14),
                "20230101000000",
            ),
            # Neither date: the newest successful capture (the 2025 parker's 200 here).
            (DEAD_LINK, None, None, "20250601000000"),
            ([cap("20200101000000"), cap("20240101000000", 404)], None, None, "20200101000000"),
            # Malformed stamps are skipped.
            (
                [cap("20231301000000"), cap("20200101000000")],
                D(2023, 4, 14),
                None,
                "20200101000000",
            ),
        ],
    )
    def test_choice(
        self,
        captures: list[Capture],
        access: datetime.date | None,
        article: datetime.date | None,
        expected: str,
    ) -> None:
        """The chosen capture follows the access-date rule, then the article date, then newest."""
        chosen = select_snapshot(captures, access, article)
        assert chosen is not None
        assert chosen.stamp == expected

    @pytest.mark.parametrize(
        "captures",
        [
            [],
            [cap("20230101000000", 404)],
            [cap("20230101000000", 500), cap("20230201000000", 403)],
            [cap("20230101000000", None)],
            [cap("garbage"), cap("2023130100000x")],
        ],
    )
    @pytest.mark.parametrize("access", [D(2023, 4, 14), None])
    def test_nothing_usable(self, captures: list[Capture], access: datetime.date | None) -> None:
        """Without a 2xx/3xx capture there is no snapshot."""
        assert select_snapshot(captures, access, D(2023, 1, 1)) is None

    def test_never_simply_the_newest(self) -> None:
        """For a dead link read in 2023 the 2025 capture is not the answer."""
        newest = select_snapshot(DEAD_LINK, None, None)
        chosen = select_snapshot(DEAD_LINK, D(2023, 4, 14), None)
        assert chosen is not None and newest is not None
        assert chosen != newest

    def test_many_captures_quickly(self) -> None:
        """100,000 captures (a busy home page) are chosen from in well under a few seconds."""
        start = datetime.datetime(2000, 1, 1, tzinfo=UTC)
        captures = [
            cap(format_stamp(start + datetime.timedelta(hours=3 * i)), 200 if i % 7 else 404)
            for i in range(100_000)
        ]
        began = time.monotonic()
        chosen = select_snapshot(captures, D(2020, 6, 1), None)
        assert time.monotonic() - began < 5
        assert chosen is not None and chosen.timestamp <= end_of_day(D(2020, 6, 1))


class TestStamps:
    @pytest.mark.parametrize(
        ("stamp", "expected"),
        [
            ("20230414081500", datetime.datetime(2023, 4, 14, 8, 15, tzinfo=UTC)),
            ("19970126045828", datetime.datetime(1997, 1, 26, 4, 58, 28, tzinfo=UTC)),
            ("2023", datetime.datetime(2023, 1, 1, tzinfo=UTC)),
            ("202304", datetime.datetime(2023, 4, 1, tzinfo=UTC)),
            ("20230414", datetime.datetime(2023, 4, 14, tzinfo=UTC)),
            ("", None),
            ("2023041408150000", None),
            ("20231301000000", None),
            ("20230230000000", None),
            ("20230414250000", None),
            ("2023-04-14", None),
            ("２０２３", None),
        ],
    )
    def test_parse(self, stamp: str, expected: datetime.datetime | None) -> None:
        """Wayback stamps of 1–14 digits parse as UTC; anything else is None."""
        assert parse_stamp(stamp) == expected

    @pytest.mark.parametrize(
        ("when", "expected"),
        [
            (D(2023, 4, 14), "20230414000000"),
            (datetime.datetime(2023, 4, 14, 8, 15, 1), "20230414081501"),
            (
                datetime.datetime(
                    2023, 4, 14, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=4))
                ),
                "20230413210000",
            ),
            (end_of_day(D(2023, 4, 14)), "20230414235959"),
        ],
    )
    def test_format(self, when: datetime.datetime | datetime.date, expected: str) -> None:
        """Dates and datetimes become 14-digit UTC stamps."""
        assert format_stamp(when) == expected

    @pytest.mark.parametrize(
        ("when", "expected"),
        [
            (datetime.datetime(2023, 4, 14, 8, 15, tzinfo=UTC), "Fri, 14 Apr 2023 08:15:00 GMT"),
            (D(2023, 4, 14), "Fri, 14 Apr 2023 23:59:59 GMT"),
            (datetime.datetime(2001, 9, 9, 1, 46, 40), "Sun, 09 Sep 2001 01:46:40 GMT"),
        ],
    )
    def test_http_date(self, when: datetime.datetime | datetime.date, expected: str) -> None:
        """Accept-Datetime values are RFC 1123 dates in GMT, a date meaning its last second."""
        assert http_date(when) == expected
        assert parse_http_date(expected) is not None

    @pytest.mark.parametrize("value", [None, "", "yesterday", "Fri, 99 Apr 2023 08:15:00 GMT"])
    def test_bad_http_date(self, value: str | None) -> None:
        """An unreadable Memento-Datetime is None, not an exception."""
        assert parse_http_date(value) is None


# The example in wayback-cdx-server/README.md ("Output Format (JSON)").
README_SAMPLE = """[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],
 ["org,archive)/", "19970126045828", "http://www.archive.org:80/", "text/html", "200", "Q4YULN754FHV2U6Q5JUT6Q2P57WEWNNY", "1415"],
 ["org,archive)/", "19971011050034", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1402"],
 ["org,archive)/", "19971211122953", "http://www.archive.org:80/", "text/html", "200", "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3", "1405"]]"""  # noqa: E501


class TestParseCdxJson:
    def test_readme_sample(self) -> None:
        """The documented example parses into its three captures, columns found by name."""
        captures = parse_cdx_json(README_SAMPLE)
        assert [c.stamp for c in captures] == ["19970126045828", "19971011050034", "19971211122953"]
        assert captures[0].original == "http://www.archive.org:80/"
        assert captures[0].status == 200
        assert captures[1].digest == "XAHDNHZ5P3GSSSNJ3DMEOJF7BMCCPZR3"
        assert captures[0].mimetype == "text/html"

    @pytest.mark.parametrize(
        ("data", "stamps", "statuses"),
        [
            ("[]", [], []),
            (b"[]", [], []),
            ('[["timestamp","original"]]', [], []),
            (
                '[["original","statuscode","timestamp"],["http://a.example/","301","20200101000000"]]',
                ["20200101000000"],
                [301],
            ),
            # Revisit rows have "-" for the status.
            (
                '[["timestamp","original","statuscode"],["20200101000000","http://a/","-"]]',
                ["20200101000000"],
                [None],
            ),
            # showResumeKey=true appends an empty row and the key.
            (
                '[["timestamp","original"],["20200101000000","http://a/"],[],["a%2Cb+2020!"]]',
                ["20200101000000"],
                [None],
            ),
            # Rows with a bad stamp or a non-string cell are skipped.
            (
                '[["timestamp","original"],["2020x","http://a/"],[20200101000000,"http://a/"],'
                '["20210101000000","http://a/"]]',
                ["20210101000000"],
                [None],
            ),
            (
                '[["timestamp","original"],\n["20200101000000","http://a/"]]',
                ["20200101000000"],
                [None],
            ),
        ],
    )
    def test_shapes(self, data: str | bytes, stamps: list[str], statuses: list[int | None]) -> None:
        """Any field order, empty answers, revisits and resume keys read as documented."""
        captures = parse_cdx_json(data)
        assert [c.stamp for c in captures] == stamps
        assert [c.status for c in captures] == statuses

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            ("", "not JSON"),
            ("<html><title>502 Bad Gateway</title></html>", "not JSON"),
            ('[["timestamp","original"],["2020', "not JSON"),
            (b"\xff\xfe\x00", "not JSON"),
            ('{"timestamp": "20200101000000"}', "not a JSON array"),
            ('"20200101000000"', "not a JSON array"),
            ("[1, 2]", "header"),
            ('[["original","statuscode"]]', "'timestamp'"),
            ('[["timestamp","mimetype"]]', "'original'"),
            ('[["timestamp","original"], "20200101000000 http://a/"]', "row"),
        ],
    )
    def test_malformed(self, data: str | bytes, fragment: str) -> None:
        """Anything but the documented shape raises CdxFormatError saying what was wrong."""
        with pytest.raises(CdxFormatError) as caught:
            parse_cdx_json(data)
        assert fragment in str(caught.value)

    def test_large_answer_quickly(self) -> None:
        """A 150,000-row answer (the server's cap) parses in a few seconds."""
        rows = [["timestamp", "original", "statuscode"]] + [
            [f"2020{(i % 12) + 1:02d}01000000", "http://a.example/", "200"] for i in range(150_000)
        ]
        began = time.monotonic()
        assert len(parse_cdx_json(json.dumps(rows))) == 150_000
        assert time.monotonic() - began < 5


# A Link header as web.archive.org sends it on a memento (shortened).
IA_LINK = (
    '<http://example.com/>; rel="original", '
    '<https://web.archive.org/web/timemap/link/http://example.com/>; rel="timemap"; '
    'type="application/link-format", '
    '<https://web.archive.org/web/http://example.com/>; rel="timegate", '
    '<https://web.archive.org/web/20020120142510/http://example.com/>; rel="first memento"; '
    'datetime="Sun, 20 Jan 2002 14:25:10 GMT", '
    '<https://web.archive.org/web/20230410081500/http://example.com/>; rel="prev memento"; '
    'datetime="Mon, 10 Apr 2023 08:15:00 GMT", '
    '<https://web.archive.org/web/20230420090000/http://example.com/>; rel="memento"; '
    'datetime="Thu, 20 Apr 2023 09:00:00 GMT", '
    '<https://web.archive.org/web/20250101000000/http://example.com/>; rel="last memento"; '
    'datetime="Wed, 01 Jan 2025 00:00:00 GMT"'
)


class TestLinkHeader:
    def test_wayback_sample(self) -> None:
        """Each entry keeps its URI, relations and datetime, commas in dates notwithstanding."""
        links = parse_link_header(IA_LINK)
        assert [link.rels for link in links] == [
            ("original",),
            ("timemap",),
            ("timegate",),
            ("first", "memento"),
            ("prev", "memento"),
            ("memento",),
            ("last", "memento"),
        ]
        assert links[3].datetime == datetime.datetime(2002, 1, 20, 14, 25, 10, tzinfo=UTC)
        assert links[0].uri == "http://example.com/"

    @pytest.mark.parametrize(
        ("value", "uris", "rels"),
        [
            ("", [], []),
            ("garbage without brackets", [], []),
            ("<http://a/>", ["http://a/"], [()]),
            ("<http://a/>; rel=memento", ["http://a/"], [("memento",)]),
            ('<http://a/>; REL="Memento"', ["http://a/"], [("memento",)]),
            (
                '<http://a/>; rel="memento" <http://b/>; rel="original"',
                ["http://a/", "http://b/"],
                [("memento",), ("original",)],
            ),
            ('<http://a/>; rel="memento"; rel="original"', ["http://a/"], [("memento",)]),
            ('<http://a/>; rel="unterminated', ["http://a/"], [("unterminated",)]),
            ("<http://a/>; ;; =x; rel=memento,", ["http://a/"], [("memento",)]),
            ("<http://a/", [], []),
        ],
    )
    def test_odd_headers(self, value: str, uris: list[str], rels: list[tuple[str, ...]]) -> None:
        """Sloppy Link headers are read as far as they make sense, never raising."""
        links = parse_link_header(value)
        assert [link.uri for link in links] == uris
        assert [link.rels for link in links] == rels

    @pytest.mark.parametrize(
        "value",
        ["<" * 1_000_000, '"' * 1_000_000, "<a>;" + "rel=" * 250_000, '<a>; x="' + "," * 1_000_000],
    )
    def test_pathological_quickly(self, value: str) -> None:
        """A 1 MB hostile Link header is scanned in linear time."""
        began = time.monotonic()
        parse_link_header(value)
        assert time.monotonic() - began < 5

    @pytest.mark.parametrize(
        ("when", "expected"),
        [
            (datetime.datetime(2023, 4, 14, tzinfo=UTC), "20230410081500"),
            (datetime.datetime(2023, 4, 20, 9, 0, tzinfo=UTC), "20230420090000"),
            (datetime.datetime(2030, 1, 1, tzinfo=UTC), "20250101000000"),
            (datetime.datetime(1999, 1, 1, tzinfo=UTC), "20020120142510"),
        ],
    )
    def test_choose_memento(self, when: datetime.datetime, expected: str) -> None:
        """The last memento at or before the time, else the first after; non-mementos ignored."""
        chosen = choose_memento(parse_link_header(IA_LINK), when)
        assert chosen is not None
        assert expected in chosen.uri

    def test_no_dated_memento(self) -> None:
        """Original/timegate links and undated mementos give no choice."""
        links = [Link("http://a/", ("original",)), Link("http://b/", ("memento",))]
        assert choose_memento(links, datetime.datetime(2023, 1, 1, tzinfo=UTC)) is None
