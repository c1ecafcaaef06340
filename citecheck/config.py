"""Settings for ``citecheck verify`` from ``[tool.citecheck]`` or ``citecheck.toml``.

A docs repository wants its CI job and its writers to check with the same
settings, so they live in the repository: ``citecheck.toml`` (top-level keys)
or the ``[tool.citecheck]`` table of ``pyproject.toml``, looked up in the
current directory and then in each parent up to the repository root (the
directory holding ``.git``) or the filesystem root; the first found is read.
Command-line flags win over the file; list settings (``exclude``,
``include``, ``exclude-path``, ``remap``) add to it. Every setting and its flag
are listed in docs/cli.md (:data:`CONFIG_KEYS`).

A ``.citecheckignore`` file (one regular expression per line, ``#`` comments)
adds URL exclusions, as lychee's ``.lycheeignore``: the one beside a file named
with ``--config``, else the first found from the current directory up to the
repository root.

Trust. In a pull-request job the current directory is the checked-out
change, written by whoever opened it. Two settings must not be theirs to
choose: ``allow-network`` (it opens the address guard to loopback, the
cloud metadata address, the runner's private network) and ``headers`` (sent
to every cited host: an API key or a cookie placed there goes to whatever
URLs the change cites). :data:`TRUSTED_ONLY` settings are therefore read
only from a file the user names (``--config PATH`` or the
``CITECHECK_CONFIG`` environment variable), from the environment
(``CITECHECK_ALLOW_NETWORK``) or from flags. A file found by the search has
them ignored, and says so (``Settings.ignored``), never silently.

The other settings only shape the run, and a discovered file may set them.
``remap`` was weighed: it sends a cited URL's request elsewhere, but the
rewritten URL still passes the address guard (so it cannot reach what
``allow-network`` keeps closed), and the change already chooses which URLs it
cites; a remap gives it no host it could not cite directly. ``accept``,
``exclude`` and ``include`` can make the change's own check laxer, which
review sees in the diff.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from citecheck.errors import InputError
from citecheck.model import Verdict
from citecheck.urlrules import UrlFilter, UrlPattern, compile_pattern, parse_accept, parse_remap

CONFIG_FILES = ("citecheck.toml", "pyproject.toml")
IGNORE_FILE = ".citecheckignore"

TRUSTED_ONLY = ("allow-network", "headers", "ca-bundle", "insecure")
"""Settings that widen what may be reached or send secrets: never from a discovered file."""

CONFIG_ENV = "CITECHECK_CONFIG"
"""An environment variable naming a configuration file to read in full (as ``--config``)."""
ALLOW_NETWORK_ENV = "CITECHECK_ALLOW_NETWORK"
"""Comma-separated address ranges to allow, added to ``--allow-network``."""

CONFIG_KEYS = (
    "accept", "allow-empty", "allow-network", "concurrency", "confirm-dead", "exclude",
    "exclude-path", "fail-on", "headers", "host-concurrency", "host-delay", "include",
    "max-age-hours", "max-redirects", "max-retries", "processes", "remap", "retry-wait",
    "timeout", "user-agent", "ca-bundle", "trust-env", "insecure",
)  # fmt: skip
"""Every key a configuration file may set (docs/cli.md lists each with its flag)."""

_ALIASES = {"per-host-concurrency": "host-concurrency", "per-host-delay": "host-delay"}
"""Older names, still read: the keys before the flags of the same name existed."""


@attrs.frozen
class Settings:
    """Values read from a configuration file; None where the file says nothing."""

    source: str | None = None
    fail_on: tuple[Verdict, ...] | None = None
    timeout: float | None = None
    concurrency: int | None = None
    per_host_concurrency: int | None = None
    processes: int | None = None
    per_host_delay: float | None = None
    max_age_hours: float | None = None
    confirm_dead: int | None = None
    allow_network: tuple[str, ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    user_agent: str | None = None
    ca_bundle: str | None = None
    trust_env: bool | None = None
    insecure: bool | None = None
    ignored: tuple[str, ...] = ()
    """:data:`TRUSTED_ONLY` keys the file set but was not trusted to: they were ignored."""
    include: tuple[re.Pattern[str], ...] = ()
    exclude_path: tuple[str, ...] = ()
    accept: frozenset[int] | None = None
    max_redirects: int | None = None
    max_retries: int | None = None
    retry_wait: float | None = None
    remap: tuple[tuple[re.Pattern[str], str], ...] = ()
    allow_empty: bool | None = None
    ignore_file: tuple[UrlPattern, ...] = ()
    """Exclusions from ``.citecheckignore``, each with its file and line."""

    def excludes(self, url: str) -> bool:
        """Whether ``url`` is excluded: an exclusion matches it and no include does."""
        return UrlFilter(*self.url_patterns())(url) is not None

    def url_patterns(self) -> tuple[tuple[UrlPattern, ...], tuple[UrlPattern, ...]]:
        """The includes and the exclusions (the file's, then ``.citecheckignore``'s)."""
        where = self.source or "the configuration"
        include = tuple(UrlPattern(pattern, f"include in {where}") for pattern in self.include)
        exclude = tuple(UrlPattern(pattern, f"exclude in {where}") for pattern in self.exclude)
        return include, (*exclude, *self.ignore_file)


def search_directories(start: Path) -> list[Path]:
    """``start`` and its parents, up to the repository root (holding ``.git``) or ``/``."""
    directories = []
    for directory in (start, *start.parents):
        directories.append(directory)
        if (directory / ".git").exists():
            break
    return directories


def find_settings(directory: Path | None = None) -> Settings:
    """Settings from the first configuration file found from ``directory`` (default: cwd) up.

    A discovered file is the checked-out tree's: its :data:`TRUSTED_ONLY`
    keys are left out and listed in ``Settings.ignored``. A ``pyproject.toml``
    without ``[tool.citecheck]`` is passed over.
    """
    start = (directory or Path.cwd()).absolute()
    for folder in search_directories(start):
        for name in CONFIG_FILES:
            path = folder / name
            if not path.is_file():
                continue
            table = _read_table(path)
            if table is not None:
                ignored = tuple(key for key in TRUSTED_ONLY if key in table)
                kept = {key: value for key, value in table.items() if key not in TRUSTED_ONLY}
                settings = settings_from_table(kept, source=_shown(path, start))
                return attrs.evolve(settings, ignored=ignored)
    return Settings()


def _shown(path: Path, start: Path) -> str:
    """``path`` as the user would write it from ``start``: relative when it is below or beside."""
    try:
        return os.path.relpath(path, start)
    except ValueError:
        return str(path)


def find_ignore_file(config: Path | None, directory: Path | None = None) -> Path | None:
    """The ``.citecheckignore`` that applies: beside a named ``config``, else found upward."""
    if config is not None:
        beside = config.absolute().parent / IGNORE_FILE
        return beside if beside.is_file() else None
    for folder in search_directories((directory or Path.cwd()).absolute()):
        if (folder / IGNORE_FILE).is_file():
            return folder / IGNORE_FILE
    return None


def read_ignore_file(path: Path, shown: str | None = None) -> tuple[UrlPattern, ...]:
    """One regular expression per line; blank lines and ``#`` comments are skipped."""
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read ({exc})") from None
    patterns = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            patterns.append(compile_pattern(line, f"{shown} line {number}"))
        except ValueError as exc:
            raise InputError(str(exc)) from None
    return tuple(patterns)


def load_settings(
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
    directory: Path | None = None,
) -> Settings:
    """The settings of a run: a named file read in full, else the discovered one (restricted).

    ``config`` is ``--config``; without it ``CITECHECK_CONFIG`` may name the
    file. ``CITECHECK_ALLOW_NETWORK`` adds address ranges in either case. The
    ``.citecheckignore`` that applies (:func:`find_ignore_file`) adds exclusions.
    """
    environ = os.environ if environ is None else environ
    named = config or environ.get(CONFIG_ENV) or None
    named_path = None
    if named is not None:
        named_path = Path(named)
        if not named_path.is_file():
            raise InputError(f"{named}: no such configuration file")
        table = _read_table(named_path)
        settings = settings_from_table(table or {}, source=named)
    else:
        settings = find_settings(directory)
    ignore = find_ignore_file(named_path, directory)
    if ignore is not None:
        start = (directory or Path.cwd()).absolute()
        settings = attrs.evolve(
            settings, ignore_file=read_ignore_file(ignore, _shown(ignore, start))
        )
    extra = tuple(part.strip() for part in environ.get(ALLOW_NETWORK_ENV, "").split(","))
    extra = tuple(part for part in extra if part)
    if extra:
        networks = settings_from_table({"allow-network": list(extra)}, source=ALLOW_NETWORK_ENV)
        settings = attrs.evolve(
            settings, allow_network=(*settings.allow_network, *networks.allow_network)
        )
    return settings


def _read_table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: not a readable TOML file ({exc})") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("citecheck") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else None
    return data


def _canonical(table: dict[str, Any], source: str) -> dict[str, Any]:
    """The table with older key names read as the current ones; both at once is an error."""
    result = dict(table)
    for old, new in _ALIASES.items():
        if old in result:
            if new in result:
                raise InputError(f"{source}: set {new} or {old} (its older name), not both")
            result[new] = result.pop(old)
    return result


def settings_from_table(table: dict[str, Any], source: str = "<config>") -> Settings:
    """Validate a configuration table; unknown keys and bad values are InputErrors."""
    table = _canonical(table, source)
    unknown = sorted(set(table) - set(CONFIG_KEYS))
    if unknown:
        raise InputError(f"{source}: unknown setting(s) {', '.join(unknown)}")

    def number(key: str, kind: type[int] | type[float], zero: bool = False) -> Any:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"{source}: {key} must be a number")
        if value < 0 or (value == 0 and not zero):
            least = "0 or more" if zero else "a positive number"
            raise InputError(f"{source}: {key} must be {least}")
        if kind is int and not isinstance(value, int):
            raise InputError(f"{source}: {key} must be a whole number")
        return kind(value)

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InputError(f"{source}: {key} must be a list of strings")
        return tuple(value)

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        try:
            return tuple(
                compile_pattern(text, f"{source}: {key} pattern").pattern for text in strings(key)
            )
        except ValueError as exc:
            raise InputError(str(exc)) from None

    fail_on = None
    if "fail-on" in table:
        try:
            fail_on = tuple(Verdict(name) for name in strings("fail-on"))
        except ValueError:
            valid = ", ".join(verdict.value for verdict in Verdict)
            raise InputError(f"{source}: fail-on takes verdicts among {valid}") from None
    networks = strings("allow-network")
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise InputError(f"{source}: {network!r} is not an address or CIDR range") from None
    headers = table.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in headers.items()
    ):
        raise InputError(f"{source}: headers must be a table of strings")
    user_agent = table.get("user-agent")
    if user_agent is not None and not isinstance(user_agent, str):
        raise InputError(f"{source}: user-agent must be a string")
    allow_empty = table.get("allow-empty")
    if allow_empty is not None and not isinstance(allow_empty, bool):
        raise InputError(f"{source}: allow-empty must be true or false")
    accept = None
    if "accept" in table:
        value = table["accept"]
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str | int) and not isinstance(item, bool) for item in items):
            raise InputError(f"{source}: accept must be status codes or ranges like '200..=299'")
        try:
            accept = parse_accept(items, f"{source}: accept")
        except ValueError as exc:
            raise InputError(str(exc)) from None
    try:
        remap = tuple(parse_remap(rule, f"{source}: remap") for rule in strings("remap"))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    ca_bundle = table.get("ca-bundle")
    if ca_bundle is not None and not isinstance(ca_bundle, str):
        raise InputError(f"{source}: ca-bundle must be a string (a path)")
    switches: dict[str, bool | None] = {}
    for key in ("trust-env", "insecure"):
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            raise InputError(f"{source}: {key} must be true or false")
        switches[key] = value
    return Settings(
        source=source,
        ca_bundle=ca_bundle,
        trust_env=switches["trust-env"],
        insecure=switches["insecure"],
        fail_on=fail_on,
        timeout=number("timeout", float),
        concurrency=number("concurrency", int),
        per_host_concurrency=number("host-concurrency", int),
        processes=number("processes", int),
        per_host_delay=number("host-delay", float, zero=True),
        max_age_hours=number("max-age-hours", float),
        confirm_dead=number("confirm-dead", int),
        allow_network=networks,
        exclude=patterns("exclude"),
        headers=tuple(headers.items()),
        user_agent=user_agent,
        include=patterns("include"),
        exclude_path=strings("exclude-path"),
        accept=accept,
        max_redirects=number("max-redirects", int, zero=True),
        max_retries=number("max-retries", int, zero=True),
        retry_wait=number("retry-wait", float, zero=True),
        remap=remap,
        allow_empty=allow_empty,
    )
