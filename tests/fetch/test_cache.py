"""The check cache and history: freshness, streaks, round trips, bad files, concurrency."""

from __future__ import annotations

import datetime
import enum
import multiprocessing
import pickle
import random
import sqlite3
import sys
import threading
import time
import typing
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.errors import CitecheckError
from citecheck.fetch.cache import (
    APPLICATION_ID,
    CLOCK_SKEW,
    INCONCLUSIVE_VERDICTS,
    NEVER_SERVED_VERDICTS,
    SCHEMA_VERSION,
    CacheError,
    CheckCache,
    HistoryEntry,
    decode_check,
    default_cache_path,
    encode_check,
)
from citecheck.model import Check, HttpEvidence, Redirect, Verdict

UTC = datetime.UTC
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
URL = "https://www.azernews.az/region/208618.html"

# Verdicts a cache may serve: conclusive statements about the page itself.
SERVABLE = sorted(set(Verdict) - NEVER_SERVED_VERDICTS)


def _check(
    url: str = URL,
    verdict: Verdict = Verdict.OK,
    at: datetime.datetime | None = T0,
    status: int | None = 200,
    **changes: typing.Any,
) -> Check:
    http = None if status is None else HttpEvidence(status=status, final_url=url)
    changes.setdefault("reason", f"Test check: {verdict.value}.")
    return Check(url=url, verdict=verdict, http=http, fetched_at=at, **changes)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CheckCache]:
    with CheckCache(tmp_path / "cache.sqlite3") as opened:
        yield opened


@pytest.fixture(params=["file", "memory"])
def any_cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CheckCache]:
    opened = (
        CheckCache(tmp_path / "cache.sqlite3")
        if request.param == "file"
        else CheckCache.in_memory()
    )
    with opened:
        yield opened


# --- default path -----------------------------------------------------------


class TestDefaultCachePath:
    """default_cache_path follows each platform's convention for per-user caches."""

    HOME = Path("/home/ada")

    @pytest.mark.parametrize(
        ("platform", "environ", "expected"),
        [
            ("linux", {}, "/home/ada/.cache/citecheck/cache.sqlite3"),
            ("linux", {"XDG_CACHE_HOME": "/var/cache/ci"}, "/var/cache/ci/citecheck/cache.sqlite3"),
            # The XDG spec: relative paths are invalid and must be ignored.
            ("linux", {"XDG_CACHE_HOME": "rel/cache"}, "/home/ada/.cache/citecheck/cache.sqlite3"),
            ("linux", {"XDG_CACHE_HOME": ""}, "/home/ada/.cache/citecheck/cache.sqlite3"),
            ("freebsd14", {}, "/home/ada/.cache/citecheck/cache.sqlite3"),
            ("darwin", {}, "/home/ada/Library/Caches/citecheck/cache.sqlite3"),
            ("darwin", {"XDG_CACHE_HOME": "/x/cache"}, "/x/cache/citecheck/cache.sqlite3"),
            ("win32", {}, "/home/ada/AppData/Local/citecheck/cache.sqlite3"),
            (
                "win32",
                {"XDG_CACHE_HOME": "/x/cache"},
                "/home/ada/AppData/Local/citecheck/cache.sqlite3",
            ),
            (
                "win32",
                {"LOCALAPPDATA": "/profiles/ada/local"},
                "/profiles/ada/local/citecheck/cache.sqlite3",
            ),
        ],
    )
    def test_platform_conventions(
        self, platform: str, environ: dict[str, str], expected: str
    ) -> None:
        """Each platform and environment yields its conventional cache file."""
        got = default_cache_path(environ=environ, platform=platform, home=self.HOME)
        assert got == Path(expected)

    def test_defaults_read_the_real_environment(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Without arguments the process environment and platform are used."""
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        monkeypatch.setattr(sys, "platform", "linux")
        assert default_cache_path() == tmp_path / "citecheck" / "cache.sqlite3"

    def test_no_home_is_a_clear_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A container with no home directory gets a CacheError, not a ./~ directory."""
        monkeypatch.setattr("os.path.expanduser", lambda path: path)
        with pytest.raises(CacheError, match="home directory"):
            default_cache_path(environ={}, platform="linux")

    def test_nothing_is_created(self, tmp_path: Path) -> None:
        """Asking for the path creates no directory."""
        default_cache_path(environ={"XDG_CACHE_HOME": str(tmp_path / "c")}, platform="linux")
        assert not (tmp_path / "c").exists()


# --- JSON codec -------------------------------------------------------------

_offsets = st.timedeltas(
    min_value=datetime.timedelta(hours=-23, minutes=-59),
    max_value=datetime.timedelta(hours=23, minutes=59),
)
_datetimes = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1),
    max_value=datetime.datetime(2200, 1, 1),
    timezones=st.one_of(st.none(), st.just(UTC), st.builds(datetime.timezone, _offsets)),
)
# Every code point, lone surrogates included: damaged documents carry them.
_text = st.text(st.characters(exclude_categories=()), max_size=40)
_int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_http = st.builds(
    HttpEvidence,
    status=st.one_of(st.none(), st.integers(100, 599), _int64),
    final_url=_text,
    redirects=st.lists(st.builds(Redirect, url=_text, status=_int64), max_size=4).map(tuple),
    elapsed_ms=_int64,
    content_type=st.one_of(st.none(), _text),
)
_checks = st.builds(
    Check,
    url=_text,
    verdict=st.sampled_from(Verdict),
    reason=_text,
    http=st.one_of(st.none(), _http),
    signals=st.lists(_text, max_size=4).map(tuple),
    fetched_at=_datetimes,
    sha256=st.one_of(st.none(), st.text("0123456789abcdef", min_size=64, max_size=64)),
    bytes=st.integers(min_value=0, max_value=2**40),
    dead_since=st.one_of(st.none(), _datetimes),
    dead_checks=st.integers(min_value=0, max_value=1000),
)


def _non_default(tp: typing.Any, name: str) -> object:
    """A value of type ``tp`` unlike any field default, for every field the model has."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        option = next(arg for arg in typing.get_args(tp) if arg is not type(None))
        return _non_default(option, name)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return (_non_default(item, name + "0"), _non_default(item, name + "1"))
    if isinstance(tp, type) and attrs.has(tp):
        hints = typing.get_type_hints(tp)
        return tp(
            **{f.alias: _non_default(hints[f.name], f.name) for f in attrs.fields(tp) if f.init}
        )
    if tp is bool:
        return True
    if tp is int:
        return 301 if name == "status" else 17
    if tp is float:
        return 2.5
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return list(tp)[-2]
    if tp is str:
        return f"{name}-value-é-\ud800"
    if tp is datetime.datetime:
        return datetime.datetime(
            2024, 2, 29, 23, 59, 58, 123456, tzinfo=datetime.timezone(HOUR * 3)
        )
    if tp is datetime.date:
        return datetime.date(2024, 2, 29)
    raise AssertionError(f"no sample for {tp!r}: teach the cache codec and this test the new type")


class TestCodec:
    """encode_check and decode_check round-trip every field of a Check exactly."""

    @settings(max_examples=300, deadline=None)
    @given(_checks)
    def test_round_trip(self, check: Check) -> None:
        """Any Check, nested evidence included, decodes to an equal Check."""
        assert decode_check(encode_check(check)) == check

    def test_every_field_survives(self) -> None:
        """A Check with every field (later ones too) away from its default round-trips."""
        check = _non_default(Check, "check")
        assert isinstance(check, Check)
        stored = attrs.evolve(check, from_cache=False)
        for field in attrs.fields(Check):
            if field.name != "from_cache" and field.default is not attrs.NOTHING:
                assert getattr(stored, field.name) != field.default, field.name
        assert decode_check(encode_check(stored)) == stored

    def test_from_cache_is_not_stored(self) -> None:
        """from_cache describes a run, not a check, so it is dropped."""
        assert decode_check(encode_check(_check(from_cache=True))).from_cache is False
        assert "from_cache" not in encode_check(_check())

    def test_output_is_ascii(self) -> None:
        """Non-ASCII text and lone surrogates are escaped, so SQLite always accepts the record."""
        assert encode_check(_check(url="https://ru.wikipedia.org/wiki/Казахстан\ud800")).isascii()

    def test_unknown_keys_are_ignored(self) -> None:
        """A field written by a newer citecheck does not make the record unreadable."""
        text = encode_check(_check())
        assert decode_check(text[:-1] + ',"archive_url":"https://web.archive.org/x"}') == _check()

    def test_missing_optional_fields_take_defaults(self) -> None:
        """A record written before a field existed decodes with that field's default."""
        assert decode_check('{"url":"u","verdict":"ok","reason":"r"}') == Check(
            url="u", verdict=Verdict.OK, reason="r"
        )

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "not json",
            "[]",
            "null",
            '{"verdict":"ok","reason":"r"}',
            '{"url":"u","verdict":"gone","reason":"r"}',
            '{"url":"u","verdict":"ok"}',
            '{"url":1,"verdict":"ok","reason":"r"}',
            '{"url":"u","verdict":"ok","reason":"r","bytes":"12"}',
            '{"url":"u","verdict":"ok","reason":"r","bytes":true}',
            '{"url":"u","verdict":"ok","reason":"r","bytes":1.5}',
            '{"url":"u","verdict":"ok","reason":"r","fetched_at":"yesterday"}',
            '{"url":"u","verdict":"ok","reason":"r","fetched_at":12}',
            '{"url":"u","verdict":"ok","reason":"r","http":{"final_url":"u"}}',
            '{"url":"u","verdict":"ok","reason":"r","http":[]}',
            '{"url":"u","verdict":"ok","reason":"r","http":{"status":1,"final_url":"u","redirects":{}}}',
            '{"url":"u","verdict":"ok","reason":"r","http":{"status":1,"final_url":"u","redirects":[["a",1]]}}',
            '{"url":"u","verdict":"ok","reason":"r","signals":"status:404"}',
            '{"url":"u","verdict":"ok","reason":"r","signals":[1]}',
            "[" * 100_000,
        ],
    )
    def test_malformed_records_are_rejected(self, text: str) -> None:
        """Anything that is not an encoded Check raises ValueError, never a TypeError or crash."""
        with pytest.raises(ValueError):
            decode_check(text)


# --- record and get_fresh ---------------------------------------------------


class TestRecordAndGetFresh:
    """record appends a check; get_fresh serves the latest one while fresh and conclusive."""

    def test_round_trip_through_file(self, cache: CheckCache) -> None:
        """A recorded check comes back equal except for from_cache."""
        check = Check(
            url=URL,
            verdict=Verdict.MOVED,
            reason="Permanently redirected to the new address.",
            http=HttpEvidence(
                status=200,
                final_url="https://www.azernews.az/region/208618",
                redirects=(Redirect(URL, 301), Redirect("https://azernews.az/r", 308)),
                elapsed_ms=412,
                content_type="text/html; charset=utf-8",
            ),
            signals=("status:301",),
            fetched_at=T0,
            sha256="ab" * 32,
            bytes=48213,
        )
        assert cache.record(check) is True
        served = cache.get_fresh(URL, T0 + HOUR)
        assert served is not None
        assert served.from_cache is True
        assert attrs.evolve(served, from_cache=False) == check

    @settings(max_examples=150, deadline=None)
    @given(_checks)
    def test_round_trip_any_check(self, check: Check) -> None:
        """Any servable Check recorded is served back equal except for from_cache."""
        assert check.fetched_at is not None
        with CheckCache.in_memory(max_age=DAY) as memory:
            memory.record(check)
            served = memory.get_fresh(check.url, check.fetched_at)
        if check.verdict in NEVER_SERVED_VERDICTS:
            assert served is None
        else:
            assert served == attrs.evolve(check, from_cache=True)

    @pytest.mark.parametrize(
        ("age", "max_age", "served"),
        [
            (datetime.timedelta(0), DAY, True),
            (datetime.timedelta(minutes=10), DAY, True),
            (DAY - datetime.timedelta(microseconds=1), DAY, True),
            (DAY, DAY, False),
            (DAY * 3, DAY, False),
            (HOUR * 5, HOUR * 6, True),
            (HOUR * 7, HOUR * 6, False),
            (datetime.timedelta(0), datetime.timedelta(0), False),
            (datetime.timedelta(days=29), datetime.timedelta(days=30), True),
            # Another CI runner's clock a little ahead of ours.
            (-datetime.timedelta(minutes=2), DAY, True),
            (-CLOCK_SKEW, DAY, True),
            # A runner with a broken clock must not pin a verdict.
            (-CLOCK_SKEW - datetime.timedelta(seconds=1), DAY, False),
            (-DAY * 400, DAY, False),
        ],
    )
    def test_freshness(
        self,
        any_cache: CheckCache,
        age: datetime.timedelta,
        max_age: datetime.timedelta,
        served: bool,
    ) -> None:
        """A check is served only while now - fetched_at < max_age (and not from the far future)."""
        any_cache.max_age = max_age
        any_cache.record(_check(at=T0))
        assert (any_cache.get_fresh(URL, T0 + age) is not None) is served

    @pytest.mark.parametrize("verdict", sorted(Verdict))
    def test_which_verdicts_are_served(self, any_cache: CheckCache, verdict: Verdict) -> None:
        """error, blocked, unsafe and no_url are never served; every other verdict is."""
        any_cache.record(_check(verdict=verdict))
        served = any_cache.get_fresh(URL, T0 + HOUR)
        assert (served is None) is (verdict in NEVER_SERVED_VERDICTS)
        assert any_cache.history(URL)[-1].verdict is verdict

    @pytest.mark.parametrize("transient", sorted(NEVER_SERVED_VERDICTS))
    def test_latest_transient_hides_older_fresh_check(
        self, any_cache: CheckCache, transient: Verdict
    ) -> None:
        """A timeout after an ok means the state is unknown again: nothing is served."""
        any_cache.record(_check(verdict=Verdict.OK, at=T0))
        any_cache.record(_check(verdict=transient, at=T0 + HOUR, status=None))
        assert any_cache.get_fresh(URL, T0 + HOUR * 2) is None

    def test_latest_is_by_fetch_time_not_recording_order(self, any_cache: CheckCache) -> None:
        """A slow process recording an older check later does not replace the newer one."""
        any_cache.record(_check(verdict=Verdict.DEAD, at=T0 + HOUR, status=404))
        any_cache.record(_check(verdict=Verdict.OK, at=T0))
        served = any_cache.get_fresh(URL, T0 + HOUR * 2)
        assert served is not None and served.verdict is Verdict.DEAD

    def test_equal_times_latest_recorded_wins(self, any_cache: CheckCache) -> None:
        """Two checks stamped with the same instant: the later recorded one is the latest."""
        any_cache.record(_check(verdict=Verdict.OK, at=T0))
        any_cache.record(_check(verdict=Verdict.DEAD, at=T0, status=404))
        served = any_cache.get_fresh(URL, T0)
        assert served is not None and served.verdict is Verdict.DEAD

    def test_get_fresh_is_as_of_now(self, any_cache: CheckCache) -> None:
        """Asked about a moment before a later check, the check current then is served."""
        any_cache.record(_check(verdict=Verdict.OK, at=T0))
        any_cache.record(_check(verdict=Verdict.DEAD, at=T0 + DAY, status=404))
        early = any_cache.get_fresh(URL, T0 + HOUR)
        late = any_cache.get_fresh(URL, T0 + DAY + HOUR)
        assert early is not None and early.verdict is Verdict.OK
        assert late is not None and late.verdict is Verdict.DEAD

    @pytest.mark.parametrize(
        ("recorded", "asked"),
        [
            (T0, T0.replace(tzinfo=None)),
            (T0.replace(tzinfo=None), T0),
            (T0.astimezone(datetime.timezone(HOUR * 5)), T0),
            (T0, T0.astimezone(datetime.timezone(-HOUR * 8))),
        ],
    )
    def test_time_zones_compare_as_instants(
        self, any_cache: CheckCache, recorded: datetime.datetime, asked: datetime.datetime
    ) -> None:
        """Naive datetimes are UTC and aware ones compare by instant, whatever their zone."""
        any_cache.max_age = HOUR
        any_cache.record(_check(at=recorded))
        assert any_cache.get_fresh(URL, asked + datetime.timedelta(minutes=59)) is not None
        assert any_cache.get_fresh(URL, asked + datetime.timedelta(minutes=61)) is None

    def test_zone_of_recorded_check_is_kept(self, any_cache: CheckCache) -> None:
        """The served check keeps the exact fetched_at it was recorded with."""
        moment = T0.astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=45)))
        any_cache.record(_check(at=moment))
        served = any_cache.get_fresh(URL, T0)
        assert served is not None and served.fetched_at is not None
        assert served.fetched_at.utcoffset() == datetime.timedelta(hours=5, minutes=45)

    def test_cache_hit_is_not_recorded_again(self, any_cache: CheckCache) -> None:
        """Recording a check that came from the cache adds nothing to the history."""
        any_cache.record(_check())
        served = any_cache.get_fresh(URL, T0)
        assert served is not None
        assert any_cache.record(served) is False
        assert len(any_cache.history(URL)) == 1

    def test_check_without_fetch_time_is_not_recorded(self, any_cache: CheckCache) -> None:
        """A check refused before any connection (no fetched_at) is not history."""
        assert any_cache.record(_check(verdict=Verdict.UNSAFE, at=None, status=None)) is False
        assert any_cache.history(URL) == []

    def test_unknown_url(self, any_cache: CheckCache) -> None:
        """A URL never recorded has no fresh check, no history and no streak."""
        any_cache.record(_check())
        other = URL + "?x"
        assert any_cache.get_fresh(other, T0) is None
        assert any_cache.history(other) == []
        assert any_cache.dead_streak(other) == 0
        assert any_cache.dead_since(other) is None

    @pytest.mark.parametrize(
        "variant",
        [
            URL + "/",
            URL.upper(),
            URL.replace("https:", "http:"),
            URL.replace("www.", ""),
            URL + "#top",
            URL + "?lang=en",
            URL + " ",
            " " + URL,
            URL.replace("208618", "208618%20"),
            URL + "\x00",
            "https://xn--80ao21a.xn--p1ai/",
            "https://казахстан.рф/",
            "https://e\u0301.example/",
            "https://\u00e9.example/",
            "https://broken.example/\ud800",
        ],
    )
    def test_urls_keyed_exactly(self, any_cache: CheckCache, variant: str) -> None:
        """URLs differing in any character (slash, case, NFC, NUL, surrogate) are distinct keys."""
        any_cache.record(_check(url=URL, verdict=Verdict.DEAD, status=404))
        assert any_cache.get_fresh(variant, T0) is None
        any_cache.record(_check(url=variant, verdict=Verdict.OK))
        served = any_cache.get_fresh(variant, T0)
        assert served is not None and served.url == variant and served.verdict is Verdict.OK
        assert [entry.verdict for entry in any_cache.history(URL)] == [Verdict.DEAD]

    def test_persists_across_reopen(self, tmp_path: Path) -> None:
        """A second run (a CI rerun) sees what the first recorded."""
        path = tmp_path / "c.sqlite3"
        with CheckCache(path) as first:
            first.record(_check(verdict=Verdict.DEAD, status=404))
        with CheckCache(path) as second:
            served = second.get_fresh(URL, T0 + HOUR)
            assert served is not None and served.verdict is Verdict.DEAD
            assert second.dead_streak(URL) == 1

    def test_huge_status_is_recorded(self, any_cache: CheckCache) -> None:
        """A status beyond SQLite's 64-bit integers still records and round-trips."""
        any_cache.record(_check(status=2**70))
        served = any_cache.get_fresh(URL, T0)
        assert served is not None and served.http is not None and served.http.status == 2**70
        assert any_cache.history(URL)[0].status is None

    def test_out_of_range_time_is_value_error(self, any_cache: CheckCache) -> None:
        """A fetched_at that has no UTC equivalent is refused with ValueError."""
        early = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(HOUR))
        with pytest.raises(ValueError, match="out of range"):
            any_cache.record(_check(at=early))

    def test_far_future_now_does_not_overflow(self, any_cache: CheckCache) -> None:
        """Asking at the end of time finds the check stale instead of crashing."""
        any_cache.record(_check())
        assert any_cache.get_fresh(URL, datetime.datetime.max.replace(tzinfo=UTC)) is None

    def test_negative_max_age_is_refused(self, tmp_path: Path) -> None:
        """A negative max_age is a caller mistake and raises ValueError."""
        with pytest.raises(ValueError):
            CheckCache(tmp_path / "c", max_age=-HOUR)
        with pytest.raises(ValueError):
            CheckCache.in_memory(max_age=-HOUR)

    def test_huge_url(self, any_cache: CheckCache) -> None:
        """A 1 MB URL (a pasted data blob) records, serves and lists like any other."""
        url = "https://example.org/?" + "[" * 1_000_000
        any_cache.record(_check(url=url, verdict=Verdict.DEAD, status=404))
        served = any_cache.get_fresh(url, T0)
        assert served is not None and served.url == url
        assert any_cache.dead_streak(url) == 1
        assert any_cache.get_fresh(url[:-1], T0) is None

    def test_len_counts_all_checks(self, any_cache: CheckCache) -> None:
        """len() is the number of checks recorded, all URLs together."""
        for number in range(7):
            any_cache.record(_check(url=f"{URL}?{number % 3}", at=T0 + HOUR * number))
        assert len(any_cache) == 7

    def test_latest_checks_view(self, cache: CheckCache) -> None:
        """The latest_checks view shows each URL's latest check, for people using sqlite3."""
        cache.record(_check(url="https://a.example/", verdict=Verdict.OK, at=T0))
        cache.record(
            _check(url="https://a.example/", verdict=Verdict.DEAD, at=T0 + HOUR, status=404)
        )
        cache.record(_check(url="https://b.example/", verdict=Verdict.BLOCKED, at=T0, status=403))
        assert cache.path is not None
        with sqlite3.connect(cache.path) as raw:
            rows = raw.execute(
                "SELECT url, verdict, status FROM latest_checks ORDER BY url"
            ).fetchall()
        raw.close()
        assert rows == [("https://a.example/", "dead", 404), ("https://b.example/", "blocked", 403)]


# --- history and dead streaks -----------------------------------------------


class TestHistory:
    """history lists every check of one URL, oldest first, in UTC."""

    def test_oldest_first_with_status(self, any_cache: CheckCache) -> None:
        """Entries come oldest first whatever order they were recorded in."""
        any_cache.record(_check(verdict=Verdict.DEAD, at=T0 + DAY, status=404))
        any_cache.record(_check(verdict=Verdict.OK, at=T0, status=200))
        any_cache.record(_check(verdict=Verdict.ERROR, at=T0 + DAY * 2, status=None))
        assert any_cache.history(URL) == [
            HistoryEntry(T0, Verdict.OK, 200),
            HistoryEntry(T0 + DAY, Verdict.DEAD, 404),
            HistoryEntry(T0 + DAY * 2, Verdict.ERROR, None),
        ]

    def test_times_are_utc(self, any_cache: CheckCache) -> None:
        """History times are aware UTC datetimes equal to the recorded instants."""
        recorded = T0.astimezone(datetime.timezone(-HOUR * 7))
        any_cache.record(_check(at=recorded))
        (entry,) = any_cache.history(URL)
        assert entry.fetched_at == recorded
        assert entry.fetched_at.utcoffset() == datetime.timedelta(0)

    def test_ties_keep_recording_order(self, any_cache: CheckCache) -> None:
        """Checks stamped with the same instant are listed in the order they were recorded."""
        order = [Verdict.OK, Verdict.DEAD, Verdict.ERROR, Verdict.MOVED]
        for verdict in order:
            any_cache.record(_check(verdict=verdict, at=T0))
        assert [entry.verdict for entry in any_cache.history(URL)] == order

    def test_entries_are_frozen(self) -> None:
        """HistoryEntry is an immutable record."""
        entry = HistoryEntry(T0, Verdict.OK, 200)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            entry.status = 404  # type: ignore[misc]


_D, _O, _E, _B = Verdict.DEAD, Verdict.OK, Verdict.ERROR, Verdict.BLOCKED


class TestDeadStreak:
    """dead_streak and dead_since count the latest dead checks; inconclusive ones are skipped."""

    @pytest.mark.parametrize(
        ("verdicts", "streak", "since"),
        [
            ([], 0, None),
            ([_O], 0, None),
            ([_D], 1, 0),
            ([_D, _D, _D], 3, 0),
            ([_O, _D, _D], 2, 1),
            ([_D, _O, _D], 1, 2),
            ([_D, _D, _O], 0, None),
            # A timeout or bot wall between two 404s neither breaks nor extends.
            ([_D, _E, _D], 2, 0),
            ([_D, _B, _B, _D, _E], 2, 0),
            ([_O, _E, _D, _B, _D, _D], 3, 2),
            ([_E, _E], 0, None),
            ([_E, _D], 1, 1),
            ([_D, Verdict.UNSAFE, _D], 2, 0),
            ([_D, Verdict.NO_URL, _D], 2, 0),
            # Any conclusive non-dead verdict ends the streak.
            ([_D, Verdict.MOVED, _D], 1, 2),
            ([_D, Verdict.SOFT_404, _D], 1, 2),
            ([_D, Verdict.PARKED, _D], 1, 2),
            ([_D, Verdict.DRIFTED, _D], 1, 2),
            ([_D, _D, Verdict.PARKED], 0, None),
            # "dead since 2026-03-02, 4 checks"
            ([_O, _O, _D, _D, _E, _D, _D], 4, 2),
        ],
    )
    def test_streaks(
        self, any_cache: CheckCache, verdicts: list[Verdict], streak: int, since: int | None
    ) -> None:
        """Checks a day apart give the streak length and the time of its first dead check."""
        for day, verdict in enumerate(verdicts):
            any_cache.record(_check(verdict=verdict, at=T0 + DAY * day, status=None))
        assert any_cache.dead_streak(URL) == streak
        assert any_cache.dead_since(URL) == (None if since is None else T0 + DAY * since)
        assert any_cache.dead_record(URL) == (any_cache.dead_since(URL), streak)

    def test_streak_follows_fetch_time_not_recording_order(self, any_cache: CheckCache) -> None:
        """The streak is judged in time order even if checks were recorded out of order."""
        any_cache.record(_check(verdict=_D, at=T0 + DAY * 2, status=404))
        any_cache.record(_check(verdict=_O, at=T0, status=200))
        any_cache.record(_check(verdict=_D, at=T0 + DAY, status=404))
        assert any_cache.dead_streak(URL) == 2
        assert any_cache.dead_since(URL) == T0 + DAY

    @pytest.mark.parametrize(
        ("hours", "min_gap", "streak"),
        [
            ([0, 1, 2], None, 3),
            ([0, 1, 2], DAY, 1),
            ([0, 24, 48], DAY, 3),
            ([0, 23, 48], DAY, 2),
            ([0, 12, 24, 36, 48, 60, 72], DAY, 4),
            ([0, 48, 49, 50, 96], DAY * 2, 3),
            ([0, 1, 2], datetime.timedelta(0), 3),
        ],
    )
    def test_min_gap(
        self,
        any_cache: CheckCache,
        hours: list[int],
        min_gap: datetime.timedelta | None,
        streak: int,
    ) -> None:
        """With min_gap, dead checks count only when far enough after the previous counted one."""
        for hour in hours:
            any_cache.record(_check(verdict=_D, at=T0 + HOUR * hour, status=404))
        assert any_cache.dead_streak(URL, min_gap=min_gap) == streak
        assert any_cache.dead_since(URL) == T0

    def test_streaks_are_per_url(self, any_cache: CheckCache) -> None:
        """Another URL's checks do not touch this URL's streak."""
        any_cache.record(_check(verdict=_D, at=T0, status=404))
        any_cache.record(_check(url=URL + "/", verdict=_O, at=T0 + HOUR))
        any_cache.record(_check(verdict=_D, at=T0 + DAY, status=404))
        assert any_cache.dead_streak(URL) == 2
        assert any_cache.dead_streak(URL + "/") == 0

    def test_long_history_is_quick(self, cache: CheckCache) -> None:
        """Years of daily dead checks (5,000 rows) are counted without trouble."""
        for day in range(5000):
            cache.record(_check(verdict=_D, at=T0 + DAY * day, status=404))
        assert cache.dead_streak(URL) == 5000
        assert cache.dead_since(URL) == T0
        assert len(cache.history(URL)) == 5000

    def test_inconclusive_set(self) -> None:
        """Exactly the verdicts that say nothing about the page are inconclusive."""
        assert {
            Verdict.ERROR,
            Verdict.BLOCKED,
            Verdict.UNSAFE,
            Verdict.NO_URL,
        } == INCONCLUSIVE_VERDICTS


class TestPrune:
    """prune deletes checks older than a cutoff and says how many."""

    def test_prune(self, any_cache: CheckCache) -> None:
        """Checks before the cutoff go; the rest, and freshness, stay."""
        for day in range(10):
            any_cache.record(_check(verdict=_D, at=T0 + DAY * day, status=404))
        assert any_cache.prune(T0 + DAY * 7) == 7
        assert [entry.fetched_at for entry in any_cache.history(URL)] == [
            T0 + DAY * d for d in (7, 8, 9)
        ]
        assert any_cache.dead_streak(URL) == 3
        assert any_cache.get_fresh(URL, T0 + DAY * 9) is not None
        assert any_cache.prune(T0) == 0


# --- bad files --------------------------------------------------------------


def _assert_one_line(error: CacheError, path: Path | None = None) -> None:
    message = str(error)
    assert "\n" not in message
    assert message.startswith("citecheck cache")
    if path is not None:
        assert str(path) in message
    # Raised "from None": an uncaught error shows no sqlite3 traceback.
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def _make_cache(path: Path, count: int) -> None:
    with CheckCache(path) as cache:
        for number in range(count):
            cache.record(_check(url=f"{URL}?n={number}", reason="x" * 200))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


class TestBadFiles:
    """A file that is not a usable citecheck cache raises a one-line CacheError."""

    @pytest.mark.parametrize(
        "content",
        [
            b"this is not a database\n" * 100,
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
            b"SQLite format 3",
            b"SQLite format 3\x00" + b"\xff" * 4080,
            random.Random(3).randbytes(65536),
            b"url,verdict\nhttps://a.example/,ok\n",
        ],
    )
    def test_garbage_file(self, tmp_path: Path, content: bytes) -> None:
        """A file of garbage is refused at open with a one-line CacheError naming it."""
        path = tmp_path / "cache.sqlite3"
        path.write_bytes(content)
        with pytest.raises(CacheError) as info, CheckCache(path) as cache:
            cache.history(URL)
        _assert_one_line(info.value, path)
        assert isinstance(info.value, CitecheckError)
        assert path.read_bytes() == content

    def test_empty_file_becomes_a_cache(self, tmp_path: Path) -> None:
        """A zero-byte file (touch) is a new, empty cache."""
        path = tmp_path / "cache.sqlite3"
        path.touch()
        with CheckCache(path) as cache:
            cache.record(_check())
            assert len(cache) == 1

    def test_another_programs_database(self, tmp_path: Path) -> None:
        """A SQLite file with other tables is not taken over."""
        path = tmp_path / "places.sqlite"
        with sqlite3.connect(path) as raw:
            raw.execute("CREATE TABLE moz_places (id INTEGER, url TEXT)")
        raw.close()
        before = path.read_bytes()
        with pytest.raises(CacheError, match="not a citecheck cache") as info:
            CheckCache(path)
        _assert_one_line(info.value, path)
        assert path.read_bytes() == before
        assert not Path(str(path) + "-wal").exists()

    def test_another_application_id(self, tmp_path: Path) -> None:
        """A SQLite file stamped with another application id is refused."""
        path = tmp_path / "other.db"
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA application_id = 12345")
        raw.close()
        with pytest.raises(CacheError, match="another program") as info:
            CheckCache(path)
        _assert_one_line(info.value, path)

    def test_meta_of_another_program(self, tmp_path: Path) -> None:
        """A file with meta and checks tables that are not ours is refused."""
        path = tmp_path / "other.db"
        with sqlite3.connect(path) as raw:
            raw.execute("CREATE TABLE meta (key TEXT, value TEXT)")
            raw.execute("CREATE TABLE checks (id INTEGER)")
            raw.execute("INSERT INTO meta VALUES ('application', 'linkchecker')")
        raw.close()
        with pytest.raises(CacheError, match="not a citecheck cache"):
            CheckCache(path)

    def test_newer_schema(self, tmp_path: Path) -> None:
        """A cache written by a newer citecheck is refused with advice, not misread."""
        path = tmp_path / "cache.sqlite3"
        _make_cache(path, 1)
        with sqlite3.connect(path) as raw:
            raw.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
            )
        raw.close()
        with pytest.raises(CacheError, match="newer citecheck") as info:
            CheckCache(path)
        _assert_one_line(info.value, path)

    def test_stamped_as_citecheck(self, tmp_path: Path) -> None:
        """A new cache carries citecheck's application id, user_version and meta rows."""
        path = tmp_path / "cache.sqlite3"
        _make_cache(path, 0)
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
            assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
            assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            meta = dict(raw.execute("SELECT key, value FROM meta").fetchall())
        raw.close()
        assert meta == {"application": "citecheck", "schema_version": str(SCHEMA_VERSION)}

    @pytest.mark.parametrize("how", ["overwrite", "truncate"])
    def test_corrupt_pages(self, tmp_path: Path, how: str) -> None:
        """Damaged pages after the first raise CacheError, never sqlite3's own error."""
        path = tmp_path / "cache.sqlite3"
        _make_cache(path, 400)
        data = path.read_bytes()
        assert len(data) > 8 * 4096
        if how == "overwrite":
            damaged = data[:4096] + random.Random(5).randbytes(len(data) - 4096)
        else:
            damaged = data[: len(data) // 3]
        path.write_bytes(damaged)
        with pytest.raises(CacheError) as info, CheckCache(path) as cache:
            for number in range(400):
                cache.history(f"{URL}?n={number}")
            len(cache)
        _assert_one_line(info.value, path)

    def test_tampered_record(self, cache: CheckCache) -> None:
        """A row whose JSON was edited by hand raises CacheError when served."""
        cache.record(_check())
        assert cache.path is not None
        with sqlite3.connect(cache.path) as raw:
            raw.execute("UPDATE checks SET record = '{\"url\": 5}'")
        raw.close()
        with pytest.raises(CacheError, match="malformed") as info:
            cache.get_fresh(URL, T0)
        _assert_one_line(info.value)

    def test_record_naming_another_url(self, cache: CheckCache) -> None:
        """A row filed under one URL but describing another is not served as the first."""
        cache.record(_check())
        assert cache.path is not None
        with sqlite3.connect(cache.path) as raw:
            raw.execute("UPDATE checks SET url = ?", ((URL + "/").encode(),))
        raw.close()
        with pytest.raises(CacheError, match="another URL"):
            cache.get_fresh(URL + "/", T0)

    def test_unknown_verdict_column(self, cache: CheckCache) -> None:
        """A verdict this version does not know raises CacheError from history and streaks."""
        cache.record(_check())
        assert cache.path is not None
        with sqlite3.connect(cache.path) as raw:
            raw.execute("UPDATE checks SET verdict = 'vanished'")
        raw.close()
        for call in (
            lambda: cache.history(URL),
            lambda: cache.dead_streak(URL),
            lambda: cache.get_fresh(URL, T0),
        ):
            with pytest.raises(CacheError, match="vanished") as info:
                call()
            _assert_one_line(info.value)

    def test_directory_path(self, tmp_path: Path) -> None:
        """A directory given as the cache file is a CacheError."""
        with pytest.raises(CacheError, match="directory") as info:
            CheckCache(tmp_path)
        _assert_one_line(info.value, tmp_path)

    def test_parent_is_a_file(self, tmp_path: Path) -> None:
        """A cache path under a regular file is a CacheError."""
        blocker = tmp_path / "blocker"
        blocker.write_text("x")
        with pytest.raises(CacheError, match="cannot create") as info:
            CheckCache(blocker / "sub" / "cache.sqlite3")
        _assert_one_line(info.value)

    def test_parent_directories_are_created(self, tmp_path: Path) -> None:
        """Missing parent directories of the cache file are created."""
        path = tmp_path / "a" / "b" / "c" / "cache.sqlite3"
        with CheckCache(path) as cache:
            cache.record(_check())
        assert path.is_file()

    def test_string_path(self, tmp_path: Path) -> None:
        """The path may be a str as well as a Path."""
        with CheckCache(str(tmp_path / "s.sqlite3")) as cache:
            assert cache.path == tmp_path / "s.sqlite3"

    def test_memory_name_is_one_shared_database(self) -> None:
        """':memory:' as a path is one database for all threads, like in_memory()."""
        with CheckCache(":memory:") as cache:
            cache.record(_check())
            found: list[Check | None] = []
            worker = threading.Thread(target=lambda: found.append(cache.get_fresh(URL, T0)))
            worker.start()
            worker.join(timeout=30)
            assert found and found[0] is not None

    @pytest.mark.parametrize("kind", ["file", "memory"])
    def test_closed_cache(self, tmp_path: Path, kind: str) -> None:
        """Using a closed cache raises CacheError; closing twice is harmless."""
        cache = CheckCache(tmp_path / "c") if kind == "file" else CheckCache.in_memory()
        cache.close()
        cache.close()
        for call in (
            lambda: cache.record(_check()),
            lambda: cache.history(URL),
            lambda: len(cache),
        ):
            with pytest.raises(CacheError, match="closed"):
                call()

    def test_locked_too_long(self, tmp_path: Path) -> None:
        """A writer held out past the busy timeout gets a one-line CacheError, not a hang."""
        path = tmp_path / "cache.sqlite3"
        _make_cache(path, 0)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with CheckCache(path, busy_timeout=0.2) as cache:
                with pytest.raises(CacheError, match="locked") as info:
                    cache.record(_check())
                _assert_one_line(info.value, path)
                # Readers are not blocked by a writer in WAL mode.
                assert cache.history(URL) == []
        finally:
            holder.execute("ROLLBACK")
            holder.close()


# --- concurrency ------------------------------------------------------------

_WRITES = 250


def _write_many(path: str, tag: str, barrier: typing.Any) -> None:
    """Process body: open the shared cache, wait for the other writer, then write and read."""
    with CheckCache(path) as cache:
        barrier.wait(timeout=60)
        for number in range(_WRITES):
            at = T0 + datetime.timedelta(seconds=number)
            cache.record(
                _check(
                    url=f"https://{tag}.example/{number}", verdict=Verdict.DEAD, at=at, status=404
                )
            )
            cache.record(
                _check(url="https://shared.example/", verdict=Verdict.DEAD, at=at, status=404)
            )
            if number % 25 == 0:
                cache.get_fresh("https://shared.example/", at)
                cache.dead_streak("https://shared.example/")


def _record_in_child(cache: CheckCache) -> None:
    """Process body: use a cache object inherited through fork()."""
    cache.record(_check(url="https://child.example/", at=T0))
    cache.close()


def _integrity(path: Path) -> str:
    raw = sqlite3.connect(path)
    try:
        return str(raw.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        raw.close()


class TestConcurrency:
    """Threads and processes sharing one cache file neither lose checks nor corrupt it."""

    def test_threads_share_one_cache(self, any_cache: CheckCache) -> None:
        """Sixteen threads recording and reading through one CheckCache lose nothing."""

        def work(worker: int) -> None:
            for number in range(100):
                url = f"https://w{worker}.example/{number}"
                any_cache.record(_check(url=url, verdict=Verdict.DEAD, at=T0, status=404))
                any_cache.record(
                    _check(url="https://shared.example/", verdict=Verdict.DEAD, at=T0, status=404)
                )
                assert any_cache.get_fresh(url, T0) is not None
                if number % 10 == 0:
                    any_cache.dead_streak("https://shared.example/")

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(work, range(16)))
        assert len(any_cache) == 16 * 100 * 2
        assert any_cache.dead_streak("https://shared.example/") == 1600

    def test_threads_each_with_own_cache_on_new_file(self, tmp_path: Path) -> None:
        """Eight threads opening the same new file at once all succeed and all writes land."""
        path = tmp_path / "new" / "cache.sqlite3"
        barrier = threading.Barrier(8)
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                barrier.wait(timeout=30)
                with CheckCache(path) as own:
                    for number in range(100):
                        own.record(_check(url=f"https://w{worker}.example/{number}"))
            except BaseException as exc:  # reported below with the thread's error
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors
        with CheckCache(path) as cache:
            assert len(cache) == 800
        assert _integrity(path) == "ok"

    def test_two_processes_write_concurrently(self, tmp_path: Path) -> None:
        """Two spawned processes writing one file at once: every row lands, the file is intact."""
        path = tmp_path / "cache.sqlite3"
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(2)
        processes = [
            context.Process(target=_write_many, args=(str(path), tag, barrier))
            for tag in ("a", "b")
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [process.exitcode for process in processes] == [0, 0]
        assert _integrity(path) == "ok"
        with CheckCache(path) as cache:
            assert len(cache) == 4 * _WRITES
            assert len(cache.history("https://shared.example/")) == 2 * _WRITES
            assert cache.dead_streak("https://shared.example/") == 2 * _WRITES
            for tag in ("a", "b"):
                assert len(cache.history(f"https://{tag}.example/{_WRITES - 1}")) == 1

    @pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork()")
    def test_forked_child_uses_own_connection(self, cache: CheckCache) -> None:
        """A child forked with an open cache opens its own connection; the parent's still works."""
        cache.record(_check(url="https://parent.example/", at=T0))
        child = multiprocessing.get_context("fork").Process(target=_record_in_child, args=(cache,))
        child.start()
        child.join(timeout=60)
        assert child.exitcode == 0
        cache.record(_check(url="https://parent.example/", at=T0 + HOUR))
        assert len(cache.history("https://child.example/")) == 1
        assert len(cache.history("https://parent.example/")) == 2
        assert cache.path is not None and _integrity(cache.path) == "ok"

    def test_readers_during_writes(self, cache: CheckCache) -> None:
        """Readers never fail and never see the history shrink while a writer runs."""
        stop = threading.Event()
        seen: dict[int, list[int]] = {reader: [] for reader in range(4)}

        def read(reader: int) -> None:
            while not stop.is_set():
                seen[reader].append(len(cache.history(URL)))

        readers = [threading.Thread(target=read, args=(reader,)) for reader in seen]
        for reader in readers:
            reader.start()
        try:
            for number in range(300):
                cache.record(_check(at=T0 + datetime.timedelta(seconds=number)))
        finally:
            stop.set()
            for reader in readers:
                reader.join(timeout=30)
        for counts in seen.values():
            assert counts and counts == sorted(counts)
            assert all(0 <= count <= 300 for count in counts)
        assert len(cache.history(URL)) == 300

    def test_idle_connections_are_bounded(self, cache: CheckCache) -> None:
        """After a burst of 32 threads, at most a few pooled connections stay open."""
        barrier = threading.Barrier(32)

        def work(_: int) -> None:
            barrier.wait(timeout=30)
            cache.record(_check())

        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(work, range(32)))
        assert len(cache._idle) <= 8
        assert len(cache) == 32


class TestPickling:
    """Worker processes get a cache by pickling: the file's name, never a connection."""

    def test_a_file_cache_reopens_the_same_file(self, cache: CheckCache) -> None:
        """A pickled file cache serves what the original recorded, and records into it."""
        cache.record(_check(verdict=Verdict.DEAD, status=404))
        copy = pickle.loads(pickle.dumps(cache))
        try:
            assert copy.path == cache.path and copy.max_age == cache.max_age
            assert copy.dead_record(URL) == (T0, 1)
            copy.record(_check(verdict=Verdict.DEAD, at=T0 + DAY, status=404))
        finally:
            copy.close()
        assert cache.dead_streak(URL) == 2

    def test_an_in_memory_cache_becomes_an_empty_one(self) -> None:
        """An in-memory cache cannot cross processes: the copy is a fresh, empty cache."""
        with CheckCache.in_memory(max_age=HOUR) as memory:
            memory.record(_check())
            copy = pickle.loads(pickle.dumps(memory))
            with copy:
                assert len(copy) == 0 and copy.max_age == HOUR and copy.path is None
                copy.record(_check())
                assert len(copy) == 1
            assert len(memory) == 1


class TestBusyWhileInitialising:
    """SQLite's immediate "database is locked" while two processes set up one file is waited out."""

    def test_a_busy_file_is_tried_again(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Two busy answers, then the other process is done: the cache opens and works."""
        original = CheckCache._initialise
        calls = {"n": 0}

        def busy_twice(self: CheckCache, connection: sqlite3.Connection) -> None:
            calls["n"] += 1
            if calls["n"] <= 2:
                raise sqlite3.OperationalError("database is locked")
            original(self, connection)

        monkeypatch.setattr(CheckCache, "_initialise", busy_twice)
        with CheckCache(tmp_path / "cache.sqlite3") as cache:
            cache.record(_check())
            assert len(cache) == 1
        assert calls["n"] == 3

    def test_busy_past_the_timeout_is_a_cache_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file that stays busy longer than busy_timeout is one CacheError naming the cause."""

        def always_busy(self: CheckCache, connection: sqlite3.Connection) -> None:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(CheckCache, "_initialise", always_busy)
        started = time.monotonic()
        with pytest.raises(CitecheckError, match="another process held the cache"):
            CheckCache(tmp_path / "cache.sqlite3", busy_timeout=0.3)
        assert time.monotonic() - started < 5

    def test_other_errors_are_not_retried(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Only busy answers are waited out: a broken file fails at once."""
        calls = {"n": 0}

        def broken(self: CheckCache, connection: sqlite3.Connection) -> None:
            calls["n"] += 1
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(CheckCache, "_initialise", broken)
        with pytest.raises(CitecheckError, match="disk I/O error"):
            CheckCache(tmp_path / "cache.sqlite3")
        assert calls["n"] == 1


@attrs.frozen
class _StoredPage:
    """A page record as a later stage stores it beside a check (any attrs class will do)."""

    title: str | None = None
    titles: tuple[str, ...] = ()
    published: datetime.date | None = None
    main_text: str = ""
    main_text_read: bool = True


class TestShapedBy:
    """A check is served only to a run shaped like the one that made it (issue 13)."""

    def test_same_key_is_served_with_its_page(self, any_cache: CheckCache) -> None:
        """The page stored beside a check comes back, decoded as the class the caller names."""
        page = _StoredPage(
            title="Kazakh FM meets Lavrov",
            titles=("Kazakh FM meets Lavrov", "Azernews"),
            published=datetime.date(2023, 4, 13),
            main_text="Foreign ministers met in Moscow.",
        )
        any_cache.record(_check(), page=page, shaped_by="citecheck 1.0 probe")
        observation = any_cache.get_observation(
            URL, T0 + HOUR, shaped_by="citecheck 1.0 probe", page_type=_StoredPage
        )
        assert observation is not None
        assert observation.page == page
        assert observation.check.from_cache

    @pytest.mark.parametrize(
        "asked", ["citecheck 2.0 probe", "citecheck 1.0 no-probe", ""], ids=repr
    )
    def test_other_key_is_not_served(self, any_cache: CheckCache, asked: str) -> None:
        """Another version or other options: the stored verdict may not be this run's."""
        any_cache.record(_check(), shaped_by="citecheck 1.0 probe")
        assert any_cache.get_fresh(URL, T0 + HOUR, shaped_by=asked) is None
        assert len(any_cache.history(URL)) == 1  # still history, for dead streaks

    def test_newest_check_decides(self, any_cache: CheckCache) -> None:
        """A newer check under another key hides an older one under this key."""
        any_cache.record(_check(at=T0), shaped_by="a")
        any_cache.record(_check(at=T0 + HOUR), shaped_by="b")
        assert any_cache.get_fresh(URL, T0 + 2 * HOUR, shaped_by="a") is None
        assert any_cache.get_fresh(URL, T0 + 2 * HOUR, shaped_by="b") is not None


class TestMigration:
    """A version 1 file (verdicts keyed by URL alone) is brought up to date on opening."""

    def test_version_1_file_is_migrated_and_its_rows_never_served(self, tmp_path: Path) -> None:
        """Old rows stay as history, but no run is served a verdict made before the upgrade."""
        path = tmp_path / "old.sqlite3"
        raw = sqlite3.connect(path)
        raw.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE checks (id INTEGER PRIMARY KEY, url BLOB NOT NULL,
                fetched_at TEXT NOT NULL, verdict TEXT NOT NULL, status INTEGER,
                record TEXT NOT NULL);
            INSERT INTO meta VALUES ('application', 'citecheck'), ('schema_version', '1');
            PRAGMA application_id = 1128879171;
            PRAGMA user_version = 1;
            """
        )
        raw.execute(
            "INSERT INTO checks (url, fetched_at, verdict, status, record) VALUES (?, ?, ?, ?, ?)",
            (
                URL.encode(),
                T0.isoformat(timespec="microseconds"),
                "ok",
                200,
                encode_check(_check()),
            ),
        )
        raw.commit()
        raw.close()
        with CheckCache(path) as cache:
            assert cache.get_fresh(URL, T0 + HOUR) is None
            assert [entry.verdict for entry in cache.history(URL)] == [Verdict.OK]
            cache.record(_check(at=T0 + HOUR), shaped_by="new")
            assert cache.get_fresh(URL, T0 + 2 * HOUR, shaped_by="new") is not None
        with sqlite3.connect(path) as raw_again:
            assert raw_again.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


class TestAnswers:
    """Archive answers kept under the caller's key, replaced, served while fresh."""

    def test_round_trip_and_age(self, any_cache: CheckCache) -> None:
        """An answer comes back for its key while younger than max_age, then not."""
        page = _StoredPage(title="Snapshot", main_text="Archived text.")
        any_cache.record_answer("wayback\0https://a.example/x\02023-04-14", page, T0)
        key = "wayback\0https://a.example/x\02023-04-14"
        assert any_cache.get_answer(key, T0 + HOUR, _StoredPage) == page
        assert any_cache.get_answer(key, T0 + 2 * DAY, _StoredPage) is None
        assert any_cache.get_answer(key + "x", T0 + HOUR, _StoredPage) is None

    def test_replaced_not_appended(self, any_cache: CheckCache) -> None:
        """A newer answer under one key replaces the older one."""
        any_cache.record_answer("k", _StoredPage(title="old"), T0)
        any_cache.record_answer("k", _StoredPage(title="new"), T0 + HOUR)
        answer = any_cache.get_answer("k", T0 + 2 * HOUR, _StoredPage)
        assert answer is not None and answer.title == "new"


class TestRecall:
    """``recall``: a warm run's reads of many URLs in one pass, the same answers as one by one."""

    @settings(max_examples=60, deadline=None)
    @given(
        histories=st.lists(
            st.lists(
                st.tuples(
                    st.sampled_from(sorted(Verdict)),
                    st.integers(min_value=-30, max_value=30),
                    st.sampled_from(["a", "b"]),
                ),
                max_size=5,
            ),
            min_size=1,
            max_size=4,
        ),
        hours_later=st.integers(min_value=0, max_value=40),
    )
    def test_same_as_get_observation_and_dead_record(
        self, histories: list[list[tuple[Verdict, int, str]]], hours_later: int
    ) -> None:
        """Every URL's latest servable check, page and dead streak match the single reads."""
        with CheckCache.in_memory() as cache:
            urls = [f"{URL}?n={n}" for n in range(len(histories))]
            for url, history in zip(urls, histories, strict=True):
                for verdict, hour, key in history:
                    page = _StoredPage(title=f"{verdict.value} {hour}")
                    cache.record(
                        _check(url, verdict, at=T0 + hour * HOUR), page=page, shaped_by=key
                    )
            now = T0 + hours_later * HOUR
            asked = [*urls, f"{URL}?never-checked", urls[0]]
            recalled = cache.recall(asked, now, shaped_by="a", page_type=_StoredPage)
            for url in dict.fromkeys(asked):
                single = cache.get_observation(url, now, shaped_by="a", page_type=_StoredPage)
                if single is None:
                    assert url not in recalled
                    continue
                dead_since, dead_checks = cache.dead_record(url)
                expected = attrs.evolve(
                    single.check, dead_since=dead_since, dead_checks=dead_checks
                )
                assert recalled[url].check == expected
                assert recalled[url].page == single.page

    def test_a_malformed_row_is_a_one_line_error(self, cache: CheckCache) -> None:
        """A damaged stored check fails the read with a CacheError, as get_observation does."""
        cache.record(_check(), shaped_by="a")
        connection = sqlite3.connect(str(cache.path))
        with connection:
            connection.execute("UPDATE checks SET record = '{}'")
        connection.close()
        with pytest.raises(CacheError, match="malformed"):
            cache.recall([URL], T0 + HOUR, shaped_by="a", page_type=None)

    def test_max_age_zero_serves_nothing(self, tmp_path: Path) -> None:
        """With max_age 0 nothing is fresh: recall is empty without a query."""
        with CheckCache(tmp_path / "c.sqlite3", max_age=datetime.timedelta(0)) as cache:
            cache.record(_check(), shaped_by="a")
            assert cache.recall([URL], T0, shaped_by="a", page_type=None) == {}
