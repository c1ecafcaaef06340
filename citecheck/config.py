"""Settings for ``citecheck verify`` from ``[tool.citecheck]`` or ``citecheck.toml``.

A docs repository wants its CI job and its writers to check with the same
settings, so they live in the repository: ``citecheck.toml`` (top-level keys)
or the ``[tool.citecheck]`` table of ``pyproject.toml``, looked up in the
current directory. Command-line flags win over the file.

Trust. In a pull-request job the current directory is the checked-out
change, written by whoever opened it. Two settings must not be theirs to
choose: ``allow-network`` (it opens the address guard to loopback, the
cloud metadata address, the runner's private network) and ``headers`` (sent
to every cited host: an API key or a cookie placed there goes to whatever
URLs the change cites). :data:`TRUSTED_ONLY` settings are therefore read
only from a file the user names (``--config PATH`` or the
``CITECHECK_CONFIG`` environment variable), from the environment
(``CITECHECK_ALLOW_NETWORK``) or from flags. A file found in the current
directory has them ignored, and says so (``Settings.ignored``), never
silently.
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

CONFIG_FILES = ("citecheck.toml", "pyproject.toml")

TRUSTED_ONLY = ("allow-network", "headers", "ca-bundle", "insecure")
"""Settings that widen what may be reached or send secrets: never from a discovered file."""

CONFIG_ENV = "CITECHECK_CONFIG"
"""An environment variable naming a configuration file to read in full (as ``--config``)."""
ALLOW_NETWORK_ENV = "CITECHECK_ALLOW_NETWORK"
"""Comma-separated address ranges to allow, added to ``--allow-network``."""


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

    def excludes(self, url: str) -> bool:
        """Whether ``url`` matches one of the exclusion patterns."""
        return any(pattern.search(url) for pattern in self.exclude)


def find_settings(directory: Path | None = None) -> Settings:
    """Settings from the first configuration file found in ``directory`` (default: cwd).

    A discovered file is the checked-out tree's: its :data:`TRUSTED_ONLY`
    keys are left out and listed in ``Settings.ignored``.
    """
    directory = directory or Path.cwd()
    for name in CONFIG_FILES:
        path = directory / name
        if not path.is_file():
            continue
        table = _read_table(path)
        if table is not None:
            ignored = tuple(key for key in TRUSTED_ONLY if key in table)
            kept = {key: value for key, value in table.items() if key not in TRUSTED_ONLY}
            return attrs.evolve(settings_from_table(kept, source=str(path)), ignored=ignored)
    return Settings()


def load_settings(
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
    directory: Path | None = None,
) -> Settings:
    """The settings of a run: a named file read in full, else the discovered one (restricted).

    ``config`` is ``--config``; without it ``CITECHECK_CONFIG`` may name the
    file. ``CITECHECK_ALLOW_NETWORK`` adds address ranges in either case.
    """
    environ = os.environ if environ is None else environ
    named = config or environ.get(CONFIG_ENV) or None
    if named is not None:
        path = Path(named)
        if not path.is_file():
            raise InputError(f"{named}: no such configuration file")
        table = _read_table(path)
        settings = settings_from_table(table or {}, source=str(path))
    else:
        settings = find_settings(directory)
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


def settings_from_table(table: dict[str, Any], source: str = "<config>") -> Settings:
    """Validate a configuration table; unknown keys and bad values are InputErrors."""
    known = {
        "fail-on", "timeout", "concurrency", "per-host-concurrency", "processes", "per-host-delay",
        "max-age-hours", "confirm-dead", "allow-network", "exclude", "headers", "user-agent",
        "ca-bundle", "trust-env", "insecure",
    }  # fmt: skip
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"{source}: unknown setting(s) {', '.join(unknown)}")

    def number(key: str, kind: type[int] | type[float]) -> Any:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InputError(f"{source}: {key} must be a positive number")
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
    patterns = []
    for pattern in strings("exclude"):
        try:
            patterns.append(re.compile(pattern))
        except re.error as exc:
            raise InputError(f"{source}: exclude pattern {pattern!r}: {exc}") from None
    headers = table.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in headers.items()
    ):
        raise InputError(f"{source}: headers must be a table of strings")
    user_agent = table.get("user-agent")
    if user_agent is not None and not isinstance(user_agent, str):
        raise InputError(f"{source}: user-agent must be a string")
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
        per_host_concurrency=number("per-host-concurrency", int),
        processes=number("processes", int),
        per_host_delay=number("per-host-delay", float),
        max_age_hours=number("max-age-hours", float),
        confirm_dead=number("confirm-dead", int),
        allow_network=networks,
        exclude=tuple(patterns),
        headers=tuple(headers.items()),
        user_agent=user_agent,
    )
