"""MementoClient against the stand-in archive's TimeGates on 127.0.0.1."""

from __future__ import annotations

import datetime

import pytest

from citecheck.archive.memento import MementoClient
from citecheck.fetch.client import Fetcher
from tests.archive.conftest import FakeClock
from tests.archive.standin_wayback import Archived, StandinWayback

UTC = datetime.UTC
PAGE = "http://news.example/story"
HISTORY = [
    Archived("20190102030405", PAGE, "<title>2019</title>"),
    Archived("20230410081500", PAGE, "<title>as cited</title>"),
    Archived("20240105000000", PAGE, "<title>2024</title>"),
    Archived("20220101000000", "http://gone.example/", "Not Found", status=404),
]


def memento(
    archive: StandinWayback, fetcher: Fetcher, clock: FakeClock, path: str = "/web/"
) -> MementoClient:
    return MementoClient(fetcher, archive.base + path, clock=clock, sleep=clock.sleep)


class TestTimeGate:
    @pytest.mark.parametrize(
        ("when", "expected"),
        [
            (datetime.datetime(2023, 4, 14, tzinfo=UTC), "20230410081500"),
            (datetime.date(2023, 4, 11), "20230410081500"),
            (datetime.datetime(2019, 1, 1, tzinfo=UTC), "20190102030405"),
            (datetime.datetime(2030, 1, 1), "20240105000000"),
        ],
    )
    def test_redirect_to_memento(
        self,
        fetcher: Fetcher,
        clock: FakeClock,
        when: datetime.datetime | datetime.date,
        expected: str,
    ) -> None:
        """The TimeGate's 302 leads to the memento; its address and Memento-Datetime are kept."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            lookup = memento(archive, fetcher, clock).lookup(PAGE, when)
            assert lookup.copy is not None, lookup.reason
            assert lookup.copy.url == f"{archive.base}/web/{expected}/{PAGE}"
            stamp = datetime.datetime.strptime(expected, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            assert lookup.copy.timestamp == stamp
            assert lookup.copy.source == "127.0.0.1"

    def test_accept_datetime_sent(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """The request carries Accept-Datetime as an RFC 1123 date; a date means its last second."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            memento(archive, fetcher, clock).find(PAGE, datetime.date(2023, 4, 14))
            assert archive.timegate_headers == ["Fri, 14 Apr 2023 23:59:59 GMT"]

    def test_no_memento(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A TimeGate with nothing for the URL gives None and the status in the reason."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            lookup = memento(archive, fetcher, clock).lookup(
                "http://never.example/", datetime.date(2023, 1, 1)
            )
            assert lookup.copy is None
            assert "has no memento" in lookup.reason and "404" in lookup.reason

    def test_archived_error_page_is_not_a_copy(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A memento that is an archived 404 page is not offered as a replacement."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            lookup = memento(archive, fetcher, clock).lookup(
                "http://gone.example/", datetime.date(2023, 1, 1)
            )
            assert lookup.copy is None and "archived HTTP 404" in lookup.reason

    @pytest.mark.parametrize(
        ("when", "expected"),
        [
            (datetime.datetime(2023, 4, 14, tzinfo=UTC), "20230410081500"),
            (datetime.datetime(2023, 4, 9, tzinfo=UTC), "20190102030405"),
            (datetime.datetime(2010, 1, 1, tzinfo=UTC), "20190102030405"),
        ],
    )
    def test_link_header_only(
        self, fetcher: Fetcher, clock: FakeClock, when: datetime.datetime, expected: str
    ) -> None:
        """Without Memento-Datetime, Link mementos are used: last at or before, else first."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            lookup = memento(archive, fetcher, clock, "/linkgate/").lookup(PAGE, when)
            assert lookup.copy is not None
            assert lookup.copy.url == f"{archive.base}/web/{expected}/{PAGE}"
            assert "Link header" in lookup.reason

    def test_unreachable(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A TimeGate nobody answers at gives None and the fetch layer's reason."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            base = archive.base
        lookup = MementoClient(fetcher, base + "/web/", clock=clock, sleep=clock.sleep).lookup(
            PAGE, datetime.date(2023, 1, 1)
        )
        assert lookup.copy is None and "could not be reached (refused" in lookup.reason


class TestManners:
    def test_memoised(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """The same URL and date ask the TimeGate once."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            client = memento(archive, fetcher, clock)
            first = client.find(PAGE, datetime.date(2023, 4, 14))
            assert client.find(PAGE, datetime.date(2023, 4, 14)) == first
            assert len(archive.timegate_headers) == 1

    def test_spaced(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """Successive TimeGate requests wait out min_interval on the injected clock."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            client = memento(archive, fetcher, clock)
            for day in range(1, 4):
                client.find(PAGE, datetime.date(2023, 4, day))
            assert len(clock.sleeps) == 2 and all(s == pytest.approx(1.0) for s in clock.sleeps)

    def test_429_stops(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """After a 429 the TimeGate is not asked again in the run."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            # The stand-in's CDX path answers 429: use it as a TimeGate prefix.
            archive.cdx_status = 429
            client = memento(archive, fetcher, clock, "/cdx/search/cdx?url=")
            assert client.find(PAGE, datetime.date(2023, 4, 14)) is None
            later = client.lookup("http://other.example/", datetime.date(2023, 4, 14))
            assert client.stopped is not None and "not asked again" in later.reason
            assert len(archive.cdx_calls) == 1

    def test_accept_datetime_is_sent_per_request(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """The fetcher's per-request headers carry Accept-Datetime; its policy is untouched."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            client = MementoClient(fetcher, archive.base + "/web/", clock=clock, sleep=clock.sleep)
            assert client.find(PAGE, datetime.date(2023, 4, 14)) is not None
            assert archive.timegate_headers[-1] == "Fri, 14 Apr 2023 23:59:59 GMT"
        assert not any(name == "Accept-Datetime" for name, _ in fetcher.policy.headers)
