"""WaybackClient against a stand-in Wayback Machine on 127.0.0.1."""

from __future__ import annotations

import datetime
import itertools
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

from citecheck.archive.polite import Memo, Throttle
from citecheck.archive.snapshots import Capture
from citecheck.archive.wayback import SUCCESS_FILTER, WaybackClient
from citecheck.fetch.client import Fetcher
from tests.archive.conftest import LOOPBACK, FakeClock
from tests.archive.standin_wayback import Archived, StandinWayback

D = datetime.date
DEAD = "https://www.azernews.az/region/211585.html"

HISTORY = [
    Archived("20190102030405", DEAD, "<title>Middle Corridor, 2019 edition</title>"),
    Archived("20230410081500", DEAD, "<title>Middle Corridor</title>as cited"),
    Archived("20230420090000", DEAD, "<title>Middle Corridor (updated)</title>rewritten"),
    Archived("20240105000000", DEAD, "<title>404</title>", status=404),
    Archived("20250601000000", DEAD, "<title>This domain is for sale</title>"),
    Archived("20230101000000", "http://moved.example/a", "", status=301),
    Archived("20230601000000", "http://moved.example/a", "<title>later</title>"),
    Archived("20200101000000", "http://old.example/x?id=5&lang=en", "<title>query page</title>"),
]


def client(
    archive: StandinWayback, fetcher: Fetcher, clock: FakeClock, **kwargs: object
) -> WaybackClient:
    return WaybackClient(fetcher, archive.base, clock=clock, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


class TestFind:
    def test_dead_link_gets_snapshot_nearest_access_not_newest(
        self, fetcher: Fetcher, clock: FakeClock
    ) -> None:
        """A dead link read on 14 April 2023 gets the 10 April capture, not the 2025 parker page."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock)
            lookup = wayback.lookup(DEAD, access=D(2023, 4, 14))
            assert lookup.copy is not None
            assert lookup.copy.url == f"{archive.base}/web/20230410081500/{DEAD}"
            assert lookup.copy.timestamp == datetime.datetime(
                2023, 4, 10, 8, 15, tzinfo=datetime.UTC
            )
            assert lookup.copy.source == "wayback"
            assert lookup.calls == 1
            assert "last on or before" in lookup.reason
            # The raw address serves the archived body as captured, without the toolbar.
            assert lookup.raw_url == f"{archive.base}/web/20230410081500id_/{DEAD}"
            raw = fetcher.fetch(lookup.raw_url)
            assert raw.status == 200 and raw.body == b"<title>Middle Corridor</title>as cited"
            page = fetcher.fetch(lookup.copy.url)
            assert page.status == 200 and b"WAYBACK TOOLBAR" in page.body
            newest = wayback.find(DEAD)
            assert newest is not None and newest.url != lookup.copy.url

    def test_cdx_request_is_the_documented_one(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """The query asks for JSON, five fields, 2xx/3xx only, up to the end of the access day."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            client(archive, fetcher, clock).find(DEAD, access=D(2023, 4, 14))
            (call,) = archive.cdx_calls
            assert call.param("url") == DEAD
            assert call.param("output") == "json"
            assert call.param("fl") == "timestamp,original,statuscode,mimetype,digest"
            assert call.param("filter") == SUCCESS_FILTER == "statuscode:[23].."
            assert call.param("to") == "20230414235959"
            assert call.param("limit") == "-10"

    @pytest.mark.parametrize(
        ("url", "access", "article", "expected", "calls"),
        [
            # Nothing on or before the access date: the first after it (two calls).
            (DEAD, D(2018, 6, 1), None, "20190102030405", 2),
            (DEAD, D(2023, 4, 25), None, "20230420090000", 1),
            (DEAD, D(2024, 3, 1), None, "20230420090000", 1),
            # Only a redirect before the date: the 2xx after it wins.
            ("http://moved.example/a", D(2023, 3, 1), None, "20230601000000", 2),
            # The article's date: nearest, both sides asked.
            (DEAD, None, D(2023, 4, 18), "20230420090000", 2),
            (DEAD, None, D(2023, 4, 12), "20230410081500", 2),
            # A capture on the article's very day needs no second call.
            (DEAD, None, D(2023, 4, 10), "20230410081500", 1),
            # Neither date: the newest successful capture.
            (DEAD, None, None, "20250601000000", 1),
            # A fragment is dropped: the archive stores none.
            (DEAD + "#comments", D(2023, 4, 14), None, "20230410081500", 1),
            # A URL with a query string is sent encoded and found.
            ("http://old.example/x?id=5&lang=en", D(2023, 1, 1), None, "20200101000000", 1),
        ],
    )
    def test_choice_over_the_wire(
        self,
        fetcher: Fetcher,
        clock: FakeClock,
        url: str,
        access: datetime.date | None,
        article: datetime.date | None,
        expected: str,
        calls: int,
    ) -> None:
        """Lookups choose like select_snapshot while asking only for a small window of captures."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            lookup = client(archive, fetcher, clock).lookup(url, access, article)
            assert lookup.capture is not None
            assert lookup.capture.stamp == expected
            assert lookup.calls == len(archive.cdx_calls) == calls

    def test_no_captures(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A URL the archive never captured gives None and says so."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            lookup = client(archive, fetcher, clock).lookup("http://never.example/", D(2023, 4, 14))
            assert lookup.copy is None
            assert lookup.reason == "the Wayback Machine has no successful capture of this URL"

    def test_only_error_captures(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A URL archived only as 404 pages has no usable snapshot (the filter drops them)."""
        history = [Archived("20230101000000", "http://gone.example/", "nope", status=404)]
        with StandinWayback(history, clock=clock) as archive:
            assert (
                client(archive, fetcher, clock).find("http://gone.example/", D(2023, 4, 14)) is None
            )

    def test_captures_lists_successful_ones(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """captures() lists every 2xx/3xx capture in one call, oldest first."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            captures = client(archive, fetcher, clock).captures(DEAD)
            assert [c.stamp for c in captures] == [
                "20190102030405",
                "20230410081500",
                "20230420090000",
                "20250601000000",
            ]
            assert all(isinstance(c, Capture) and c.status == 200 for c in captures)
            assert archive.cdx_calls[0].param("limit") is None

    def test_base_url_trailing_slash(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A configured base URL with a trailing slash builds the same addresses."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = WaybackClient(fetcher, archive.base + "/", clock=clock, sleep=clock.sleep)
            copy = wayback.find(DEAD, D(2023, 4, 14))
            assert copy is not None and copy.url.startswith(f"{archive.base}/web/2023")


class TestMemoisation:
    def test_repeated_lookup_costs_nothing(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """The same lookup twice makes one archive call and gives the same answer."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock)
            first = wayback.lookup(DEAD, D(2023, 4, 14))
            second = wayback.lookup(DEAD, D(2023, 4, 14))
            assert len(archive.cdx_calls) == 1
            assert second.calls == 0
            assert attrs.evolve(second, calls=1) == first

    def test_concurrent_same_url_one_call(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """Eight threads asking for one URL at once cause one archive call."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock)
            with ThreadPoolExecutor(8) as pool:
                copies = list(pool.map(lambda _: wayback.find(DEAD, D(2023, 4, 14)), range(8)))
            assert len(archive.cdx_calls) == 1
            assert len({copy for copy in copies}) == 1 and copies[0] is not None

    def test_failures_are_memoised_too(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """A failed query is not repeated within the run."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            archive.cdx_body = b"not json"
            wayback = client(archive, fetcher, clock)
            wayback.find(DEAD, D(2023, 4, 14))
            wayback.find(DEAD, D(2023, 4, 14))
            assert len(archive.cdx_calls) == 1


class TestPoliteness:
    def test_sequential_calls_are_spaced(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """Five lookups reach the archive at least min_interval apart, by the injected clock."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock, min_interval=1.5)
            for n in range(5):
                wayback.find(f"http://site{n}.example/", D(2023, 4, 14))
            times = [call.at for call in archive.cdx_calls]
            assert len(times) == 10  # each: nothing before, so the "after" window too
            assert all(b - a >= 1.5 for a, b in itertools.pairwise(times))
            assert times[0] == 0.0  # the first call does not wait

    def test_default_interval_is_conservative(self, fetcher: Fetcher) -> None:
        """Without a setting, calls are 2.5 s apart (24 a minute, the CDX API's hard limit)."""
        assert WaybackClient(fetcher).min_interval == 2.5

    def test_threads_share_the_interval(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """Lookups from a thread pool are serialised and spaced like sequential ones."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock)
            urls = [f"http://t{n}.example/" for n in range(12)]
            with ThreadPoolExecutor(6) as pool:
                list(pool.map(lambda u: wayback.find(u), urls))
            times = sorted(call.at for call in archive.cdx_calls)
            assert len(times) == 12 == wayback.calls
            assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))

    def test_429_stops_lookups_for_the_run(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """After a 429 the archive is not called again, and every later answer says why."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock)
            assert wayback.find(DEAD, D(2023, 4, 14)) is not None
            archive.too_many_after = 1
            archive.retry_after = "3600"
            blocked = wayback.lookup("http://other.example/", D(2023, 4, 14))
            assert blocked.copy is None
            assert "429" in blocked.reason and "3600 s" in blocked.reason
            assert wayback.stopped is not None and "no more archive lookups" in wayback.stopped
            later = wayback.lookup("http://third.example/", D(2023, 4, 14))
            assert later.copy is None and later.calls == 0
            assert "off for this run" in later.reason
            assert len(archive.cdx_calls) == 2
            # What was found before the 429 is still served from memory.
            assert wayback.find(DEAD, D(2023, 4, 14)) is not None
            assert len(archive.cdx_calls) == 2

    def test_long_retry_after_is_not_waited_out(self, clock: FakeClock) -> None:
        """With the fetcher's own retries on, a Retry-After past its cap is not retried either."""
        slept: list[float] = []
        with (
            StandinWayback(HISTORY, clock=clock) as archive,
            Fetcher(attrs.evolve(LOOPBACK, retries=2), sleep=slept.append) as retrying,
        ):
            archive.cdx_status = 429
            archive.retry_after = "7200"
            wayback = WaybackClient(retrying, archive.base, clock=clock, sleep=clock.sleep)
            assert wayback.find(DEAD, D(2023, 4, 14)) is None
            assert len(archive.cdx_calls) == 1 and slept == []
            assert wayback.stopped is not None

    def test_repeated_server_errors_stop_lookups(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """Three 5xx answers in a row switch the archive off for the run."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            archive.cdx_status = 503
            wayback = client(archive, fetcher, clock)
            reasons = [
                wayback.lookup(f"http://e{n}.example/", D(2023, 4, 14)).reason for n in range(5)
            ]
            assert all(r.startswith("the Wayback CDX API answered HTTP 503") for r in reasons[:3])
            assert "off for this run" in reasons[3]
            assert len(archive.cdx_calls) == 3
            assert wayback.stopped is not None and "3 times in a row" in wayback.stopped

    def test_success_resets_the_failure_count(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """Failures separated by successes never switch the archive off."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            wayback = client(archive, fetcher, clock, max_failures=2)
            for n in range(4):
                archive.cdx_status = 502
                wayback.find(f"http://f{n}.example/")
                archive.cdx_status = None
                wayback.find(f"http://g{n}.example/")
            assert wayback.stopped is None
            assert len(archive.cdx_calls) == 8


class TestFailures:
    @pytest.mark.parametrize(
        ("body", "fragment"),
        [
            (b"<html><title>Wayback Machine is down</title></html>", "not JSON"),
            (b'[["timestamp","original"],["2023', "not JSON"),
            (b'{"error": "rate limited"}', "not a JSON array"),
            (b'[["urlkey","mimetype"]]', "no 'timestamp' field"),
        ],
    )
    def test_malformed_answer(
        self, fetcher: Fetcher, clock: FakeClock, body: bytes, fragment: str
    ) -> None:
        """An answer that is not the documented JSON gives None and a reason, never an exception."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            archive.cdx_body = body
            lookup = client(archive, fetcher, clock).lookup(DEAD, D(2023, 4, 14))
            assert lookup.copy is None
            assert "not the documented JSON" in lookup.reason and fragment in lookup.reason

    @pytest.mark.parametrize("status", [400, 403, 404, 500, 502])
    def test_http_errors(self, fetcher: Fetcher, clock: FakeClock, status: int) -> None:
        """Any status but 200 from the CDX API is a failure with the status in the reason."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            archive.cdx_status = status
            lookup = client(archive, fetcher, clock).lookup(DEAD, D(2023, 4, 14))
            assert lookup.copy is None and f"HTTP {status}" in lookup.reason

    def test_unreachable_archive(self, fetcher: Fetcher, clock: FakeClock) -> None:
        """An archive nobody answers at gives None and the fetch layer's reason."""
        with StandinWayback(HISTORY, clock=clock) as archive:
            base = archive.base
        wayback = WaybackClient(fetcher, base, clock=clock, sleep=clock.sleep)
        lookup = wayback.lookup(DEAD, D(2023, 4, 14))
        assert lookup.copy is None
        assert lookup.reason.startswith("the Wayback CDX API could not be reached (refused")

    def test_archive_outside_allowed_networks(self, clock: FakeClock) -> None:
        """The fetch layer's address guard applies to the archive: a private base is refused."""
        with (
            StandinWayback(HISTORY, clock=clock) as archive,
            Fetcher(attrs.evolve(LOOPBACK, allowed_networks=())) as strict,
        ):
            lookup = WaybackClient(strict, archive.base, clock=clock, sleep=clock.sleep).lookup(
                DEAD
            )
            assert lookup.copy is None and "unsafe_address" in lookup.reason
            assert archive.cdx_calls == []

    def test_truncated_answer(self, clock: FakeClock) -> None:
        """A capture list larger than the fetch size cap is a failure, not half a list."""
        with (
            StandinWayback(HISTORY, clock=clock) as archive,
            Fetcher(attrs.evolve(LOOPBACK, max_bytes=100)) as small,
        ):
            wayback = WaybackClient(small, archive.base, clock=clock, sleep=clock.sleep)
            assert wayback.captures(DEAD) == []
            assert "size cap" in (wayback.query(DEAD).reason or "")


class TestPoliteParts:
    def test_throttle_waits_the_rest_of_the_interval(self, clock: FakeClock) -> None:
        """The throttle sleeps only what is left of the interval since the last call ended."""
        throttle = Throttle(1.0, clock=clock, sleep=clock.sleep)
        throttle.call(lambda: None)
        clock.now += 0.25
        throttle.call(lambda: None)
        clock.now += 5
        throttle.call(lambda: None)
        assert clock.sleeps == [0.75]

    def test_throttle_counts_from_the_end_of_a_failed_call(self, clock: FakeClock) -> None:
        """A call that raises still counts for the spacing."""
        throttle = Throttle(2.0, clock=clock, sleep=clock.sleep)

        def boom() -> None:
            raise RuntimeError("x")

        with pytest.raises(RuntimeError):
            throttle.call(boom)
        throttle.call(lambda: None)
        assert clock.sleeps == [2.0]

    def test_memo_keep(self) -> None:
        """Values that keep() rejects are computed again next time."""
        memo: Memo[int] = Memo()
        computed: list[int] = []

        def compute() -> int:
            computed.append(1)
            return len(computed)

        assert memo.get("a", compute, keep=lambda v: v > 1) == 1
        assert memo.get("a", compute, keep=lambda v: v > 1) == 2
        assert memo.get("a", compute, keep=lambda v: v > 1) == 2
        assert len(computed) == 2 and len(memo) == 1
