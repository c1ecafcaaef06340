"""Remember every check: a cache for reruns and a history for "dead since".

A CI job that checks the same article on every push should not refetch a
hundred URLs it checked ten minutes ago, and a report is far more useful when
it can say "dead since 2026-03-02, 4 checks" than "dead". Both needs are served
by one embedded SQLite file (stdlib :mod:`sqlite3`, no server, no extra
dependency) holding one row per check ever made:

* :meth:`CheckCache.get_fresh` serves the latest check of a URL while it is
  younger than ``max_age``, unless its verdict is inconclusive (``error``,
  ``blocked``) or depends on the run's policy (``unsafe``, ``no_url``): a
  timeout or a bot wall says nothing lasting about the page, so it is always
  retried. A check is stored with what was fetched (the page's extracted
  titles, dates and main text) and the key of everything that shaped it
  (``shaped_by``: citecheck's version and the classifier's options); it is
  served only to a run with the same key, so that an upgrade or another
  option never gets yesterday's verdict. What a *citation* makes of the page
  (title, quote, drift) is never stored: it is derived on every run, see
  :mod:`citecheck.verify`.
* :meth:`CheckCache.dead_streak` and :meth:`CheckCache.dead_since` read the
  history for ``--confirm-dead N``. Wikipedia's InternetArchiveBot calls a link
  dead only after three failed checks days apart, because sites go down for a
  weekend and come back; a CI job can likewise fail only once N checks in a row
  found the URL dead.

The file is shared between threads, processes and CI runs, so it is opened in
WAL mode with a busy timeout, every write is its own transaction, and anything
SQLite reports becomes a one-line :class:`CacheError`. See ``docs/cache.md``.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import functools
import json
import os
import sqlite3
import sys
import threading
import time
import types
import typing
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs

from citecheck.errors import CitecheckError
from citecheck.model import Check, Verdict

__all__ = [
    "APPLICATION_ID",
    "CLOCK_SKEW",
    "DEFAULT_MAX_AGE",
    "INCONCLUSIVE_VERDICTS",
    "NEVER_SERVED_VERDICTS",
    "SCHEMA_VERSION",
    "TRANSIENT_VERDICTS",
    "CacheError",
    "CheckCache",
    "HistoryEntry",
    "Observation",
    "decode_check",
    "default_cache_path",
    "encode_check",
]

SCHEMA_VERSION = 2
"""Version of the tables below; a file with a higher one was written by a newer citecheck.

Version 2 added ``shaped_by`` and ``page`` to ``checks``; a version 1 file is
migrated on opening, its rows (with no ``shaped_by``) never served again."""

APPLICATION_ID = 0x43495443
"""``PRAGMA application_id`` of a citecheck cache ("CITC"): tells it from other SQLite files."""

DEFAULT_MAX_AGE = datetime.timedelta(days=1)

TRANSIENT_VERDICTS: frozenset[Verdict] = frozenset({Verdict.ERROR, Verdict.BLOCKED})
"""A timeout, a 503 or a Cloudflare challenge says nothing lasting about the page."""

NEVER_SERVED_VERDICTS: frozenset[Verdict] = TRANSIENT_VERDICTS | {Verdict.UNSAFE, Verdict.NO_URL}
"""Verdicts kept in the history but never served from the cache.

``unsafe`` is added to the transient ones because it depends on the run's
policy, not on the page: a URL refused as a private address yesterday may be
allowed today with ``--allow-network``. Deciding it again costs no request.
"""

INCONCLUSIVE_VERDICTS: frozenset[Verdict] = NEVER_SERVED_VERDICTS
"""Verdicts that neither break nor extend a dead streak: they say nothing about the page."""

CLOCK_SKEW = datetime.timedelta(minutes=5)
"""How far in the future a check may be dated and still count as "now".

CI runners sharing one cache file do not share a clock; a check recorded by a
runner a minute ahead must still be served to the next one. Checks dated
further ahead are ignored by :meth:`CheckCache.get_fresh` so that one runner
with a broken clock cannot pin a verdict for years.
"""

_MAX_IDLE_CONNECTIONS = 8
_MEMORY_NAME = ":memory:"
_WHAT = "citecheck cache"


class CacheError(CitecheckError):
    """The cache file cannot be used: not a citecheck cache, corrupt, locked or unwritable.

    The message is one line naming the file, such as ``citecheck cache
    /tmp/x.sqlite3: not a citecheck cache (file is not a database)``.
    """


@attrs.frozen
class HistoryEntry:
    """One past check of a URL, as :meth:`CheckCache.history` lists it.

    ``fetched_at`` is timezone-aware UTC whatever zone the check was recorded
    in; ``status`` is the final HTTP status, None when no response came.
    """

    fetched_at: datetime.datetime
    verdict: Verdict
    status: int | None = None


RecordT = TypeVar("RecordT")


@attrs.frozen
class Observation(Generic[RecordT]):
    """A fresh check served from the cache and the page it was made from.

    ``page`` is the record stored beside the check (for :mod:`citecheck.verify`,
    the page's extracted titles, dates and main text), None when none was.
    """

    check: Check
    page: RecordT | None = None


# --- where the cache lives --------------------------------------------------


def default_cache_path(
    *,
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    home: Path | None = None,
) -> Path:
    """The per-user cache file: ``<cache dir>/citecheck/cache.sqlite3``.

    ``$XDG_CACHE_HOME`` when set to an absolute path (the XDG spec says to
    ignore relative ones), else ``~/Library/Caches`` on macOS,
    ``%LOCALAPPDATA%`` on Windows and ``~/.cache`` elsewhere; the same rules
    as platformdirs, without the dependency. Nothing is created here. The
    keyword arguments exist for tests; callers pass none.
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if plat.startswith("win"):
        local = env.get("LOCALAPPDATA", "")
        base = Path(local) if local else _home(home) / "AppData" / "Local"
    else:
        xdg = env.get("XDG_CACHE_HOME", "")
        if xdg and os.path.isabs(xdg):
            base = Path(xdg)
        elif plat == "darwin":
            base = _home(home) / "Library" / "Caches"
        else:
            base = _home(home) / ".cache"
    return base / "citecheck" / "cache.sqlite3"


def _home(home: Path | None) -> Path:
    if home is not None:
        return home
    # A container without $HOME or a passwd entry leaves "~" unexpanded;
    # creating "./~/.cache" in the working tree would be a nasty surprise.
    expanded = os.path.expanduser("~")
    if expanded == "~" or not os.path.isabs(expanded):
        raise CacheError(
            f"{_WHAT}: cannot find the home directory; set XDG_CACHE_HOME or pass --cache PATH"
        )
    return Path(expanded)


# --- Check <-> JSON ---------------------------------------------------------
#
# The codec walks the attrs fields and their type hints instead of listing
# Check's fields by hand: the model gains optional fields as issues land
# (``signals``, ``dead_since``), and a hand-written list would silently drop
# them from cached checks.

_NONE_TYPE = type(None)
_NOT_STORED = frozenset({"from_cache"})
"""Fields of Check that describe how a value was obtained, not what was found."""


class _Malformed(ValueError):
    """A stored record does not decode into the model."""


def encode_check(check: Check) -> str:
    """Serialise ``check`` (nested evidence included) as compact ASCII JSON.

    ``from_cache`` is not stored: it describes this run, not the check. ASCII
    keeps lone surrogates from a damaged document encodable.
    """
    return json.dumps(_encode(check), ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def decode_check(text: str) -> Check:
    """The Check :func:`encode_check` wrote; ``ValueError`` if ``text`` is not one.

    Keys the model does not know are ignored and missing optional fields take
    their defaults, so a cache survives fields being added to the model.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Malformed(f"not JSON ({exc})") from None
    value = _decoder(Check)(data, "check")
    assert isinstance(value, Check)
    return value


def _decode_page(text: object, page_type: type[RecordT]) -> RecordT:
    if not isinstance(text, str):
        raise _Malformed("the stored page is not text")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Malformed(f"the stored page is not JSON ({exc})") from None
    value = _decoder(typing.cast(typing.Any, page_type))(data, "page")
    assert isinstance(value, page_type)
    return value


def _encode(value: object) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, enum.Enum):  # before str: Verdict is a StrEnum
        return _encode(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if attrs.has(type(value)):
        return {
            field.name: _encode(getattr(value, field.name))
            for field in attrs.fields(typing.cast(type[attrs.AttrsInstance], type(value)))
            if field.name not in _NOT_STORED
        }
    raise TypeError(f"cannot store a {type(value).__name__} in the cache")


@functools.cache
def _hints(cls: type) -> dict[str, typing.Any]:
    return typing.get_type_hints(cls)


_Decoder = typing.Callable[[object, str], object]


@functools.cache
def _decoder(tp: typing.Any) -> _Decoder:
    """A function that decodes JSON data into ``tp``, built once per type.

    Looking the type apart (``get_origin``, ``get_args``, ``attrs.has``) for
    every value cost 150 µs per cached check, most of a warm run's look-ups;
    the decoders do it once.
    """
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        options = typing.get_args(tp)
        nullable = _NONE_TYPE in options
        choices = tuple(_decoder(option) for option in options if option is not _NONE_TYPE)

        def union(data: object, where: str) -> object:
            if data is None and nullable:
                return None
            errors = []
            for choice in choices:
                try:
                    return choice(data, where)
                except _Malformed as exc:
                    errors.append(str(exc))
            raise _Malformed("; ".join(errors) or f"{where}: unexpected null")

        return union
    if origin is tuple:
        return _tuple_decoder(typing.get_args(tp))
    if tp is _NONE_TYPE:
        return _null
    if isinstance(tp, type) and attrs.has(tp):
        return _attrs_decoder(tp)
    if tp is bool:
        return _boolean
    if tp is int:
        return _integer
    if tp is float:
        return _number
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_decoder(tp)
    if tp is str:
        return _string
    if tp is datetime.datetime or tp is datetime.date:
        return _iso_decoder(tp)
    raise TypeError(f"the cache cannot decode {tp!r}")


def _tuple_decoder(args: tuple[typing.Any, ...]) -> _Decoder:
    if len(args) == 2 and args[1] is Ellipsis:
        item_decoder = _decoder(args[0])

        def variadic(data: object, where: str) -> object:
            if not isinstance(data, list):
                raise _Malformed(f"{where}: expected a list")
            try:
                return tuple([item_decoder(item, where) for item in data])
            except _Malformed:
                _name_the_item([item_decoder] * len(data), data, where)
                raise

        return variadic
    decoders = tuple(_decoder(arg) for arg in args)

    def fixed(data: object, where: str) -> object:
        if not isinstance(data, list):
            raise _Malformed(f"{where}: expected a list")
        if len(decoders) != len(data):
            raise _Malformed(f"{where}: expected {len(decoders)} items")
        try:
            return tuple([decode(item, where) for decode, item in zip(decoders, data, strict=True)])
        except _Malformed:
            _name_the_item(decoders, data, where)
            raise

    return fixed


def _name_the_item(decoders: typing.Sequence[_Decoder], data: list[object], where: str) -> None:
    """Decode a list that failed again, item by item, to raise an error naming the bad item.

    The items' positions are only formatted once something failed: building
    ``where[i]`` for every item of every stored list was a fifth of decoding.
    """
    for index, (decode, item) in enumerate(zip(decoders, data, strict=True)):
        decode(item, f"{where}[{index}]")


def _null(data: object, where: str) -> object:
    if data is not None:
        raise _Malformed(f"{where}: expected null")
    return None


def _boolean(data: object, where: str) -> object:
    if not isinstance(data, bool):
        raise _Malformed(f"{where}: expected true or false")
    return data


def _integer(data: object, where: str) -> object:
    if not isinstance(data, int) or isinstance(data, bool):
        raise _Malformed(f"{where}: expected an integer")
    return data


def _number(data: object, where: str) -> object:
    if not isinstance(data, int | float) or isinstance(data, bool):
        raise _Malformed(f"{where}: expected a number")
    return float(data)


def _string(data: object, where: str) -> object:
    if not isinstance(data, str):
        raise _Malformed(f"{where}: expected a string")
    return data


def _enum_decoder(tp: type[enum.Enum]) -> _Decoder:
    def member(data: object, where: str) -> object:
        try:
            return tp(data)
        except ValueError:
            # A verdict added by a newer citecheck lands here.
            raise _Malformed(f"{where}: unknown {tp.__name__} {data!r}") from None

    return member


def _iso_decoder(tp: type[datetime.date]) -> _Decoder:
    def moment(data: object, where: str) -> object:
        if not isinstance(data, str):
            raise _Malformed(f"{where}: expected an ISO date")
        try:
            return tp.fromisoformat(data)
        except ValueError:
            raise _Malformed(f"{where}: bad ISO date {data[:40]!r}") from None

    return moment


def _attrs_decoder(cls: type) -> _Decoder:
    hints = _hints(cls)
    # (JSON key, keyword, required) per stored field; decoders are looked up on
    # first use, since a record may (indirectly) contain its own type.
    fields = tuple(
        (field.name, field.alias, field.default is attrs.NOTHING, hints[field.name])
        for field in attrs.fields(cls)
        if field.init and field.name not in _NOT_STORED
    )

    # Each field's decoder, found on its first use and kept: looking it up in
    # _decoder's cache hashes the type hint, a third of a warm run's decoding.
    decoders: list[_Decoder | None] = [None] * len(fields)

    def record(data: object, where: str) -> object:
        if not isinstance(data, dict):
            raise _Malformed(f"{where}: expected an object")
        kwargs: dict[str, object] = {}
        for index, (name, alias, required, hint) in enumerate(fields):
            if name in data:
                decode = decoders[index]
                if decode is None:
                    decode = decoders[index] = _decoder(hint)
                kwargs[alias] = decode(data[name], name)
            elif required:
                raise _Malformed(f"{where}: {name} is missing")
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise _Malformed(f"{where}: {exc}") from None

    return record


# --- time keys --------------------------------------------------------------

_LATEST_KEY = "9999-12-31T23:59:59.999999+00:00"


def _as_utc(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already (as the model's are)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _time_key(moment: datetime.datetime) -> str:
    """A fixed-width UTC ISO string, so that text order in SQLite is time order."""
    try:
        utc = _as_utc(moment)
    except OverflowError:
        raise ValueError(f"fetched_at {moment.isoformat()} is out of range") from None
    return utc.isoformat(timespec="microseconds")


def _from_key(key: object) -> datetime.datetime:
    if not isinstance(key, str):
        raise _Malformed("fetched_at is not text")
    try:
        return datetime.datetime.fromisoformat(key)
    except ValueError:
        raise _Malformed(f"bad fetched_at {key[:40]!r}") from None


def _url_key(url: str) -> bytes:
    """The URL exactly as given, as UTF-8 bytes.

    Stored as a BLOB so that no collation, NUL byte or lone surrogate (a
    damaged document can carry one into a URL) changes or rejects the key.
    """
    return url.encode("utf-8", "surrogatepass")


def _status_column(check: Check) -> int | None:
    """The final status for the query column; the JSON record keeps the exact value.

    SQLite integers are 64-bit; a nonsense status from a broken server must
    not make the check unrecordable.
    """
    status = check.http.status if check.http is not None else None
    if status is None or not -(2**63) <= status < 2**63:
        return None
    return status


def _verdict(value: object) -> Verdict:
    try:
        return Verdict(str(value))
    except ValueError:
        raise _Malformed(f"unknown verdict {value!r}") from None


# --- schema -----------------------------------------------------------------

_ANSWERS_TABLE = """CREATE TABLE answers (
        key BLOB PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        record TEXT NOT NULL
    )"""
"""What archives answered (a snapshot chosen, or none), by a key the caller builds from
everything that decided the answer; replaced, not appended: it is no history."""

_MIGRATIONS = {
    # Version 1 stored verdicts keyed by URL alone; its rows keep a NULL
    # shaped_by, which no run asks for, so they stay history and are never served.
    1: (
        "ALTER TABLE checks ADD COLUMN shaped_by TEXT",
        "ALTER TABLE checks ADD COLUMN page TEXT",
        _ANSWERS_TABLE,
    ),
}

_SCHEMA = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    # One row per check ever recorded. ``fetched_at`` is a fixed-width UTC
    # ISO string; ``record`` is the whole Check as JSON, the other columns
    # are copies for querying and for people reading the file with sqlite3.
    """CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        url BLOB NOT NULL,
        fetched_at TEXT NOT NULL,
        verdict TEXT NOT NULL,
        status INTEGER,
        record TEXT NOT NULL,
        shaped_by TEXT,
        page TEXT
    )""",
    "CREATE INDEX checks_by_url ON checks (url, fetched_at, id)",
    _ANSWERS_TABLE,
    # For people inspecting the file; the code uses the index directly.
    """CREATE VIEW latest_checks AS
        SELECT CAST(c.url AS TEXT) AS url, c.fetched_at, c.verdict, c.status, c.record
        FROM checks AS c
        WHERE c.id = (
            SELECT c2.id FROM checks AS c2 WHERE c2.url = c.url
            ORDER BY c2.fetched_at DESC, c2.id DESC LIMIT 1
        )""",
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- the cache --------------------------------------------------------------


class CheckCache:
    """Every check ever recorded, and the fresh ones served back.

    Safe to share between threads (each operation borrows a pooled
    connection) and between processes (SQLite's WAL mode and a busy timeout);
    each :meth:`record` is its own transaction. Use it as a context manager or
    call :meth:`close`. URLs are keyed exactly as given: ``http://a/x`` and
    ``http://a/x/`` are different URLs, as they are to a server.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_age: datetime.timedelta = DEFAULT_MAX_AGE,
        busy_timeout: float = 30.0,
    ) -> None:
        if str(path) == _MEMORY_NAME:
            # sqlite3 would give each pooled connection its own empty database.
            self._setup(None, max_age, busy_timeout)
        else:
            self._setup(Path(path), max_age, busy_timeout)

    @classmethod
    def in_memory(cls, *, max_age: datetime.timedelta = DEFAULT_MAX_AGE) -> CheckCache:
        """A cache that lives as long as this object: for tests and ``--no-cache`` runs.

        One connection serves every thread, one operation at a time.
        """
        cache = cls.__new__(cls)
        cache._setup(None, max_age, 30.0)
        return cache

    def _setup(self, path: Path | None, max_age: datetime.timedelta, busy_timeout: float) -> None:
        if max_age < datetime.timedelta(0):
            raise ValueError(f"max_age must not be negative, got {max_age}")
        if busy_timeout < 0:
            raise ValueError(f"busy_timeout must not be negative, got {busy_timeout}")
        self._path = path
        self._name = str(path) if path is not None else _MEMORY_NAME
        self.max_age = max_age
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()
        self._idle: list[sqlite3.Connection] = []
        self._memory: sqlite3.Connection | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise self._error(f"cannot create {path.parent} ({exc.strerror or exc})") from None
            if path.is_dir():
                raise self._error("is a directory, not a cache file")
        # Open and check (or create) the schema now, so that a garbage file
        # fails at startup with one line instead of halfway through a run.
        connection = self._open(initialise=True)
        if path is None:
            self._memory = connection
        else:
            self._idle.append(connection)

    @property
    def path(self) -> Path | None:
        """The cache file, None for an in-memory cache."""
        return self._path

    def __repr__(self) -> str:
        return f"CheckCache({self._name!r}, max_age={self.max_age!r})"

    def __getstate__(self) -> dict[str, object]:
        # Worker processes (ShardedExecutor, Dask) get the file's name and open
        # their own connections: SQLite connections cannot cross processes, and
        # WAL mode lets several processes write one cache. An in-memory cache
        # becomes an empty one per process, which is all it holds for one run
        # anyway (each URL is checked once, in one process).
        return {"path": self._path, "max_age": self.max_age, "busy_timeout": self._busy_timeout}

    def __setstate__(self, state: dict[str, object]) -> None:
        path = state["path"]
        max_age = state["max_age"]
        busy_timeout = state["busy_timeout"]
        assert path is None or isinstance(path, Path)
        assert isinstance(max_age, datetime.timedelta)
        assert isinstance(busy_timeout, int | float)
        self._setup(path, max_age, float(busy_timeout))

    def __enter__(self) -> CheckCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection this process opened; later use raises CacheError.

        Connections lent to other threads are closed when they come back.
        Idempotent.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle, self._idle = self._idle, []
            if self._memory is not None:
                idle.append(self._memory)
                self._memory = None
            # After fork() the child inherits the parent's connections; SQLite
            # forbids using (or closing) them there, so they are left alone.
            mine = os.getpid() == self._pid
        if mine:
            for connection in idle:
                with contextlib.suppress(sqlite3.Error):
                    connection.close()

    # --- public operations --------------------------------------------------

    def record(self, check: Check, *, page: object | None = None, shaped_by: str = "") -> bool:
        """Append ``check`` to the history (which also makes it the latest check).

        ``page`` (an attrs record, such as the page's extracted text) is stored
        beside it, and ``shaped_by`` names everything that shaped the verdict
        besides the page (see :meth:`get_fresh`). A check served from the
        cache (``from_cache``) is not a new observation and a check without
        ``fetched_at`` was never fetched (refused before any connection):
        neither is recorded, and False is returned. Raises ``ValueError`` for a
        ``fetched_at`` that cannot be expressed in UTC.
        """
        if check.from_cache or check.fetched_at is None:
            return False
        stored_page = None
        if page is not None:
            stored_page = json.dumps(
                _encode(page), ensure_ascii=True, separators=(",", ":"), allow_nan=False
            )
        row = (
            _url_key(check.url),
            _time_key(check.fetched_at),
            check.verdict.value,
            _status_column(check),
            encode_check(check),
            shaped_by,
            stored_page,
        )
        with self._connection() as connection:
            # Autocommit: this single INSERT is its own transaction, and it
            # takes the write lock at once, so the busy timeout applies
            # (a deferred read-then-write transaction can fail with BUSY).
            connection.execute(
                "INSERT INTO checks (url, fetched_at, verdict, status, record, shaped_by, page)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        return True

    def get_fresh(self, url: str, now: datetime.datetime, *, shaped_by: str = "") -> Check | None:
        """The latest check of ``url`` if younger than ``max_age`` and servable.

        "Latest" is as of ``now``: checks dated after ``now`` plus
        :data:`CLOCK_SKEW` are ignored. When the latest check is ``error``,
        ``blocked``, ``unsafe`` or ``no_url`` nothing is served, even if an
        older check is fresh: the page's state is unknown again. Nor is a
        check recorded with another ``shaped_by`` than the one asked for: it
        was decided by another citecheck version or other options, and its
        verdict may not be the one this run would reach. The returned Check
        has ``from_cache=True``. A naive ``now`` is taken as UTC.
        """
        observation: Observation[None] | None = self.get_observation(
            url, now, shaped_by=shaped_by, page_type=None
        )
        return None if observation is None else observation.check

    def get_observation(
        self,
        url: str,
        now: datetime.datetime,
        *,
        shaped_by: str,
        page_type: type[RecordT] | None,
    ) -> Observation[RecordT] | None:
        """:meth:`get_fresh`'s check with the page recorded beside it, decoded as ``page_type``.

        The cache does not know what a page is (it belongs to a later stage):
        the caller names the attrs class it stored.
        """
        if self.max_age <= datetime.timedelta(0):
            return None
        now_utc, upper = self._bounds(now)
        with self._connection() as connection:
            row = connection.execute(
                "SELECT fetched_at, verdict, record, shaped_by, page FROM checks"
                " WHERE url = ? AND fetched_at <= ?"
                " ORDER BY fetched_at DESC, id DESC LIMIT 1",
                (_url_key(url), upper),
            ).fetchone()
        if row is None or row[3] != shaped_by:
            return None
        try:
            fetched_at = _from_key(row[0])
            if _verdict(row[1]) in NEVER_SERVED_VERDICTS:
                return None
            if now_utc - fetched_at >= self.max_age:
                return None
            check = decode_check(row[2])
            page = None
            if page_type is not None and row[4] is not None:
                page = _decode_page(row[4], page_type)
        except _Malformed as exc:
            raise self._error(f"a stored check of {url[:200]!r} is malformed ({exc})") from None
        if check.url != url:
            raise self._error(f"a stored check of {url[:200]!r} names another URL")
        return Observation(attrs.evolve(check, from_cache=True), page)

    def recall(
        self,
        urls: Iterable[str],
        now: datetime.datetime,
        *,
        shaped_by: str,
        page_type: type[RecordT] | None,
    ) -> dict[str, Observation[RecordT]]:
        """:meth:`get_observation` of many URLs, each check carrying its :meth:`dead_record`.

        What a warm run asks of every URL it cites, read in one pass: one
        connection and one read transaction for all of them, and one query
        per URL walking its history from the newest row, which gives the
        latest check, its page and the dead streak together (usually from one
        row). URLs with nothing servable are left out. The checks have
        ``from_cache=True`` and ``dead_since``/``dead_checks`` set.
        """
        found: dict[str, Observation[RecordT]] = {}
        if self.max_age <= datetime.timedelta(0):
            return found
        now_utc, upper = self._bounds(now)
        with self._connection() as connection:
            # One snapshot for every read, instead of one implicit transaction per query.
            connection.execute("BEGIN")
            try:
                for url in dict.fromkeys(urls):
                    observation = self._recall_one(
                        connection, url, now_utc, upper, shaped_by, page_type
                    )
                    if observation is not None:
                        found[url] = observation
            finally:
                connection.execute("COMMIT")
        return found

    def _bounds(self, now: datetime.datetime) -> tuple[datetime.datetime, str]:
        """``now`` in UTC and the latest fetch time a check may have to be served at ``now``."""
        try:
            now_utc = _as_utc(now)
        except OverflowError:
            raise ValueError(f"now {now.isoformat()} is out of range") from None
        try:
            upper = _time_key(now_utc + CLOCK_SKEW)
        except OverflowError:
            upper = _LATEST_KEY
        return now_utc, upper

    def _recall_one(
        self,
        connection: sqlite3.Connection,
        url: str,
        now_utc: datetime.datetime,
        upper: str,
        shaped_by: str,
        page_type: type[RecordT] | None,
    ) -> Observation[RecordT] | None:
        latest: tuple[Any, ...] | None = None
        dead: list[datetime.datetime] = []
        counting = True
        cursor = connection.execute(
            "SELECT fetched_at, verdict, record, shaped_by, page FROM checks"
            " WHERE url = ? ORDER BY fetched_at DESC, id DESC",
            (_url_key(url),),
        )
        try:
            for row in cursor:
                if latest is None and (not isinstance(row[0], str) or row[0] <= upper):
                    latest = row
                if counting:
                    # The dead streak, as _dead_run walks it.
                    verdict = _verdict(row[1])
                    if verdict is Verdict.DEAD:
                        dead.append(_from_key(row[0]))
                    elif verdict not in INCONCLUSIVE_VERDICTS:
                        counting = False
                if latest is not None and not counting:
                    break
            if latest is None or latest[3] != shaped_by:
                return None
            fetched_at = _from_key(latest[0])
            if _verdict(latest[1]) in NEVER_SERVED_VERDICTS:
                return None
            if now_utc - fetched_at >= self.max_age:
                return None
            check = decode_check(latest[2])
            page = None
            if page_type is not None and latest[4] is not None:
                page = _decode_page(latest[4], page_type)
        except _Malformed as exc:
            raise self._error(f"a stored check of {url[:200]!r} is malformed ({exc})") from None
        finally:
            # An unfinished SELECT keeps a read transaction open.
            cursor.close()
        if check.url != url:
            raise self._error(f"a stored check of {url[:200]!r} names another URL")
        dead.reverse()
        check = attrs.evolve(
            check,
            from_cache=True,
            dead_since=dead[0] if dead else None,
            dead_checks=len(dead),
        )
        return Observation(check, page)

    def history(self, url: str) -> list[HistoryEntry]:
        """Every recorded check of ``url``, oldest first (ties in recording order)."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT fetched_at, verdict, status FROM checks WHERE url = ?"
                " ORDER BY fetched_at, id",
                (_url_key(url),),
            ).fetchall()
        try:
            return [
                HistoryEntry(fetched_at=_from_key(key), verdict=_verdict(verdict), status=status)
                for key, verdict, status in rows
            ]
        except (_Malformed, TypeError) as exc:
            raise self._error(f"the history of {url[:200]!r} is malformed ({exc})") from None

    def dead_streak(self, url: str, *, min_gap: datetime.timedelta | None = None) -> int:
        """How many of the latest checks of ``url`` in a row found it ``dead``.

        Walking back from the newest check: ``dead`` extends the streak;
        ``error``, ``blocked``, ``unsafe`` and ``no_url`` are skipped (a
        timeout between two 404s does not mean the page came back); any other
        verdict (``ok``, ``moved``, ``soft_404``, ``parked``, ``drifted``) ends
        it. With ``min_gap``, a dead check counts only if it is at least that
        long after the previous counted one, as InternetArchiveBot wants its
        failed checks days apart; the first dead check always counts.
        """
        return len(self._counted(self._dead_run(url), min_gap))

    def dead_since(self, url: str) -> datetime.datetime | None:
        """When the current dead streak began (UTC), or None if the latest checks are not dead."""
        run = self._dead_run(url)
        return run[0] if run else None

    def dead_record(self, url: str) -> tuple[datetime.datetime | None, int]:
        """``(dead_since(url), dead_streak(url))`` from one read of the history.

        A report needs both for every URL; reading the history once halves
        the queries of a warm run.
        """
        run = self._dead_run(url)
        return (run[0] if run else None), len(run)

    def record_answer(self, key: str, answer: object, fetched_at: datetime.datetime) -> None:
        """Keep an archive's answer (an attrs record) under ``key``, replacing an older one.

        ``key`` must name everything that decided the answer (the archive asked,
        the URL, the date looked for, citecheck's version): it is served back
        for exactly that key, while younger than ``max_age``.
        """
        record = json.dumps(
            _encode(answer), ensure_ascii=True, separators=(",", ":"), allow_nan=False
        )
        with self._connection() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO answers (key, fetched_at, record) VALUES (?, ?, ?)",
                (_url_key(key), _time_key(fetched_at), record),
            )

    def get_answer(
        self, key: str, now: datetime.datetime, answer_type: type[RecordT]
    ) -> RecordT | None:
        """The answer kept under ``key`` if younger than ``max_age``, decoded as ``answer_type``."""
        return self.get_answers([key], now, answer_type).get(key)

    def get_answers(
        self, keys: Iterable[str], now: datetime.datetime, answer_type: type[RecordT]
    ) -> dict[str, RecordT]:
        """:meth:`get_answer` of many keys in one pass (one connection, one read transaction).

        Keys with no answer younger than ``max_age`` are left out.
        """
        found: dict[str, RecordT] = {}
        if self.max_age <= datetime.timedelta(0):
            return found
        now_utc = _as_utc(now)
        with self._connection() as connection:
            connection.execute("BEGIN")
            try:
                for key in dict.fromkeys(keys):
                    row = connection.execute(
                        "SELECT fetched_at, record FROM answers WHERE key = ?", (_url_key(key),)
                    ).fetchone()
                    if row is None:
                        continue
                    try:
                        age = now_utc - _from_key(row[0])
                        if datetime.timedelta(0) - CLOCK_SKEW <= age < self.max_age:
                            found[key] = _decode_page(row[1], answer_type)
                    except _Malformed as exc:
                        raise self._error(f"a stored answer is malformed ({exc})") from None
            finally:
                connection.execute("COMMIT")
        return found

    def prune(self, before: datetime.datetime) -> int:
        """Delete checks (and archive answers) fetched before ``before``; return how many
        checks went.

        History is never pruned automatically. Pruning shortens dead streaks
        that began before the cutoff, so keep more than ``--confirm-dead``
        needs (with the default max age, one check per URL per day at most).
        """
        key = _time_key(before)
        with self._connection() as connection:
            # Archive answers that old are stale anyway; they are not counted.
            connection.execute("DELETE FROM answers WHERE fetched_at < ?", (key,))
            cursor = connection.execute("DELETE FROM checks WHERE fetched_at < ?", (key,))
            return cursor.rowcount

    def __len__(self) -> int:
        """How many checks the history holds, all URLs together."""
        with self._connection() as connection:
            (count,) = connection.execute("SELECT count(*) FROM checks").fetchone()
        return int(count)

    # --- internals ----------------------------------------------------------

    def _dead_run(self, url: str) -> list[datetime.datetime]:
        """The fetch times of the current dead streak, oldest first."""
        run: list[datetime.datetime] = []
        with self._connection() as connection:
            cursor = connection.execute(
                "SELECT fetched_at, verdict FROM checks WHERE url = ?"
                " ORDER BY fetched_at DESC, id DESC",
                (_url_key(url),),
            )
            try:
                for key, value in cursor:
                    verdict = _verdict(value)
                    if verdict is Verdict.DEAD:
                        run.append(_from_key(key))
                    elif verdict not in INCONCLUSIVE_VERDICTS:
                        break
            except _Malformed as exc:
                raise self._error(f"the history of {url[:200]!r} is malformed ({exc})") from None
            finally:
                # An unfinished SELECT keeps a read transaction open, which
                # would stop WAL checkpoints for as long as it lives.
                cursor.close()
        run.reverse()
        return run

    @staticmethod
    def _counted(
        run: list[datetime.datetime], min_gap: datetime.timedelta | None
    ) -> list[datetime.datetime]:
        if not run or min_gap is None or min_gap <= datetime.timedelta(0):
            return run
        counted = [run[0]]
        for moment in run[1:]:
            if moment - counted[-1] >= min_gap:
                counted.append(moment)
        return counted

    def _error(self, what: str) -> CacheError:
        return CacheError(_one_line(f"{_WHAT} {self._name}: {what}"))

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """Lend a connection for one operation; SQLite errors become CacheError."""
        if self._memory is not None or self._path is None:
            with self._lock:
                if self._closed or self._memory is None:
                    raise self._error("the cache is closed")
                with self._translate():
                    yield self._memory
            return
        connection = self._borrow()
        try:
            with self._translate():
                yield connection
        finally:
            self._give_back(connection)

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._error(_describe(exc)) from None
        except sqlite3.Error as exc:
            raise self._error(str(exc) or type(exc).__name__) from None

    def _borrow(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise self._error("the cache is closed")
            if os.getpid() != self._pid:
                # A forked child: the parent's connections must not be used
                # here (SQLite's "how to corrupt a database file", section 2.6).
                self._pid = os.getpid()
                self._idle = []
            if self._idle:
                return self._idle.pop()
        return self._open(initialise=False)

    def _give_back(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            keep = (
                not self._closed
                and os.getpid() == self._pid
                and len(self._idle) < _MAX_IDLE_CONNECTIONS
            )
            if keep:
                self._idle.append(connection)
        if not keep:
            with contextlib.suppress(sqlite3.Error):
                connection.close()

    def _open(self, *, initialise: bool) -> sqlite3.Connection:
        database = str(self._path) if self._path is not None else _MEMORY_NAME
        try:
            connection = sqlite3.connect(
                database,
                timeout=self._busy_timeout,
                isolation_level=None,  # autocommit; transactions are explicit
                check_same_thread=False,  # pooled: used by one thread at a time
            )
        except sqlite3.Error as exc:
            raise self._error(f"cannot open ({_describe(exc)})") from None
        try:
            with self._translate():
                # WAL never corrupts on power loss with synchronous=NORMAL; it
                # may lose the last checks, which the next run makes again.
                connection.execute("PRAGMA synchronous = NORMAL")
                if initialise:
                    self._initialise_patiently(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _initialise_patiently(self, connection: sqlite3.Connection) -> None:
        """:meth:`_initialise`, tried again while SQLite says the file is busy.

        Two processes opening one new file at once (two CI jobs, or worker
        processes) race to switch it to WAL and to create the tables, and
        SQLite answers some of those races with "database is locked" at once,
        without waiting out its busy timeout (it would deadlock otherwise).
        Initialising is idempotent, so it is retried until the busy timeout
        has passed; the second process then finds the first one's tables.
        """
        deadline = time.monotonic() + self._busy_timeout
        pause = 0.005
        while True:
            try:
                self._initialise(connection)
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(0.2, pause * 2)

    def _initialise(self, connection: sqlite3.Connection) -> None:
        (application_id,) = connection.execute("PRAGMA application_id").fetchone()
        if application_id not in (0, APPLICATION_ID):
            raise self._error(
                f"not a citecheck cache (another program's SQLite file, id {application_id:#x})"
            )
        # Look before writing anything: a --cache pointed at another program's
        # database (a typo in CI) must leave that file exactly as it was.
        names = self._table_names(connection)
        if names and self._check_schema(connection, names) < SCHEMA_VERSION:
            self._migrate(connection)
        if self._path is not None:
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                # Readers never block the writer and vice versa. On a file
                # system without shared memory (some network mounts) SQLite
                # keeps the rollback journal: slower, still safe.
                connection.execute("PRAGMA journal_mode = WAL").fetchone()
        if names:
            return
        # IMMEDIATE: two processes creating the same new file must not both
        # create the tables; the second waits for the first, then sees them.
        connection.execute("BEGIN IMMEDIATE")
        try:
            names = self._table_names(connection)
            if names:
                self._check_schema(connection, names)
            else:
                for statement in _SCHEMA:
                    connection.execute(statement)
                connection.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("application", "citecheck"), ("schema_version", str(SCHEMA_VERSION))],
                )
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise

    @staticmethod
    def _table_names(connection: sqlite3.Connection) -> set[str]:
        return {
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Bring an older file up to :data:`SCHEMA_VERSION`, in one write transaction.

        IMMEDIATE, and the version read again inside it: two processes opening
        one old file must not both alter the table.
        """
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = self._check_schema(connection, self._table_names(connection))
            while version < SCHEMA_VERSION:
                for statement in _MIGRATIONS[version]:
                    connection.execute(statement)
                version += 1
            connection.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),)
            )
            connection.execute(f"PRAGMA user_version = {version}")
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise

    def _check_schema(self, connection: sqlite3.Connection, names: Collection[str]) -> int:
        """The file's schema version, once it is known to be a citecheck cache this one reads."""
        if "meta" not in names or "checks" not in names:
            raise self._error("not a citecheck cache (it holds other tables)")
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("application") != "citecheck":
            raise self._error("not a citecheck cache (its meta table names another program)")
        try:
            version = int(meta.get("schema_version", ""))
        except ValueError:
            raise self._error("corrupt citecheck cache (no schema version)") from None
        if version > SCHEMA_VERSION:
            raise self._error(
                f"written by a newer citecheck (schema {version}, this one reads"
                f" {SCHEMA_VERSION}); upgrade citecheck or use another --cache path"
            )
        if version < 1:
            raise self._error(f"corrupt citecheck cache (schema version {version})")
        return version


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    lowered = str(exc).lower()
    return "locked" in lowered or "busy" in lowered


def _describe(exc: sqlite3.Error) -> str:
    """SQLite's message, with the cases people meet said plainly."""
    message = str(exc) or type(exc).__name__
    lowered = message.lower()
    if "file is not a database" in lowered:
        return f"not a citecheck cache ({message})"
    if "malformed" in lowered:
        return f"corrupt cache file ({message}); delete it to start a new history"
    if "locked" in lowered or "busy" in lowered:
        return f"{message}: another process held the cache for too long"
    if "readonly" in lowered or "read-only" in lowered:
        return f"cannot write ({message})"
    return message
