"""The ``citecheck`` command: argument parsing and exit codes, nothing else.

Exit codes (docs/cli.md has the table): 0 success (for ``verify``: no verdict
in ``--fail-on``; for ``report``: the report was written, unless ``--fail-on``
is given), 1 a ``--fail-on`` verdict occurred, 2 usage or input error
(a file that is missing, binary or undecodable; nothing to check without
``--allow-empty``; an ``-o`` that cannot be written; a configuration or cache
that is not one), 130 interrupted (Ctrl-C or SIGTERM; the partial report is
still written). Inputs and ``-o`` are checked before the first request.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

# Only what building the argument parser needs is imported here; each command
# imports its own stack, so that `--help` and `parse` never load the network
# stack, vcrpy or the archive code (tests/test_lazy_imports.py).
from citecheck import cli_repair
from citecheck._version import __version__
from citecheck.errors import CitecheckError, InputError, InterruptedRun
from citecheck.model import DEFAULT_FAIL_ON, Verdict
from citecheck.report import REPORT_FORMATS
from citecheck.sources.registry import FORMATS

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from citecheck.config import Settings
    from citecheck.fetch.cassette import Cassette
    from citecheck.fetch.policy import FetchPolicy
    from citecheck.inputs import Inputs
    from citecheck.model import Document, Report
    from citecheck.urlrules import UrlFilter, UrlPattern

EXIT_OK = 0
EXIT_FAILED_CHECKS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _render_parsed_json(documents: Sequence[Document]) -> str:
    from citecheck.report.json_report import render_json

    return render_json(documents)


def _render_parsed_text(documents: Sequence[Document]) -> str:
    from citecheck.report.text_report import render_text

    return render_text(documents)


_PARSE_RENDERERS: dict[str, Callable[[Sequence[Document]], str]] = {
    "json": _render_parsed_json,
    "text": _render_parsed_text,
}
T = TypeVar("T")


def _verdict_list(value: str) -> tuple[Verdict, ...]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    try:
        return tuple(Verdict(name) for name in names)
    except ValueError:
        valid = ", ".join(verdict.value for verdict in Verdict)
        raise argparse.ArgumentTypeError(f"{value!r}: verdicts are {valid}") from None


def _network(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an address or CIDR range") from None
    return value


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be greater than 0")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be 1 or more")
    return number


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citecheck", description="Check the sources an article cites."
    )
    parser.add_argument("--version", action="version", version=f"citecheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    parse_command = commands.add_parser(
        "parse",
        help="find the citations in documents and print them",
        description="Find the footnotes, URLs, access dates and claims in documents.",
    )
    parse_command.add_argument(
        "files", nargs="+", metavar="PATH", help="documents, directories to walk, or - (stdin)"
    )
    _add_input_format(parse_command)
    parse_command.add_argument(
        "--format", choices=sorted(_PARSE_RENDERERS), default="json", help="output format"
    )
    parse_command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    parse_command.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        metavar="N",
        help="parse in N worker processes (default: one per CPU, at least 4 files each)",
    )
    _add_input_options(parse_command)

    verify_command = commands.add_parser(
        "verify",
        help="fetch every cited URL and give it a verdict",
        description=(
            "Fetch every URL the documents cite and say which sources are still there. "
            "Settings may also come from [tool.citecheck] in pyproject.toml or from "
            "citecheck.toml, in the current directory or a parent up to the repository root; "
            "flags win. allow-network and headers are read only from --config FILE, "
            "CITECHECK_CONFIG, CITECHECK_ALLOW_NETWORK or flags, never from a file found in "
            "the checked-out tree. Every option: docs/cli.md."
        ),
    )
    verify_command.add_argument(
        "files", nargs="*", metavar="PATH", help="documents, directories to walk, or - (stdin)"
    )
    verify_command.add_argument(
        "--urls",
        action="append",
        default=[],
        metavar="FILE",
        help="also check the URLs listed in FILE, one per line (# comments), without a "
        "document; - reads them from stdin; repeatable",
    )
    _add_input_format(verify_command)
    _add_report_options(verify_command, default_format=None)
    _add_input_options(verify_command)
    _add_url_options(verify_command)
    verify_command.add_argument(
        "--allow-network",
        action="append",
        default=[],
        type=_network,
        metavar="CIDR",
        help="also allow this address range (refused by default: loopback, private, …); repeatable",
    )
    verify_command.add_argument(
        "--config",
        metavar="FILE",
        help="read settings from FILE (citecheck.toml or pyproject.toml) in full, "
        "allow-network and headers included, instead of the current directory's",
    )
    verify_command.add_argument(
        "--header",
        action="append",
        default=[],
        type=_header,
        metavar="'NAME: VALUE'",
        help="send this request header to every cited host; repeatable",
    )
    verify_command.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="S",
        help="connect and read timeout in seconds (default 15)",
    )
    tls_group = verify_command.add_mutually_exclusive_group()
    tls_group.add_argument(
        "--ca-bundle",
        metavar="PATH",
        help="trust the CAs in this PEM file (or directory) instead of the built-in ones "
        "(an intranet's private CA)",
    )
    tls_group.add_argument(
        "--insecure",
        action="store_true",
        default=None,
        help="do not verify TLS certificates at all (warned about on stderr and in the report)",
    )
    verify_command.add_argument(
        "--trust-env",
        action="store_true",
        default=None,
        help="trust the CA bundle named by SSL_CERT_FILE or REQUESTS_CA_BUNDLE (ignored otherwise)",
    )
    verify_command.add_argument(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="URLs fetched at once (default 16; at most --host-concurrency per host)",
    )
    verify_command.add_argument(
        "--host-concurrency",
        type=_positive_int,
        metavar="N",
        help="requests to one host at once (default 2)",
    )
    verify_command.add_argument(
        "--host-delay",
        type=_non_negative_float,
        metavar="S",
        help="seconds between two requests to one host (default 0)",
    )
    verify_command.add_argument(
        "--user-agent", metavar="TEXT", help="the User-Agent header sent (default citecheck/…)"
    )
    verify_command.add_argument(
        "--max-redirects",
        type=_non_negative_int,
        metavar="N",
        help="redirects followed before a URL is an error (default 10)",
    )
    verify_command.add_argument(
        "--max-retries",
        type=_non_negative_int,
        metavar="N",
        help="retries of a timeout, reset or 429/5xx answer (default 2)",
    )
    verify_command.add_argument(
        "--retry-wait",
        type=_non_negative_float,
        metavar="S",
        help="seconds before the first retry, doubled for each next one, unless the server's "
        "Retry-After says otherwise (default 0.5)",
    )
    verify_command.add_argument(
        "--processes",
        type=_positive_int,
        metavar="N",
        help="worker processes sharing the checks, each host in one (default 1); "
        "for runs that keep more than one core busy",
    )
    verify_command.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="check on the workers of this Dask cluster (tcp://HOST:8786), each host on one "
        "worker; needs dask[distributed] (docs/scale.md)",
    )
    cache_group = verify_command.add_mutually_exclusive_group()
    cache_group.add_argument("--cache", metavar="PATH", help="the SQLite cache and history file")
    cache_group.add_argument(
        "--no-cache", action="store_true", help="neither read nor write a cache"
    )
    verify_command.add_argument(
        "--max-age",
        type=_positive_float,
        metavar="HOURS",
        help="serve cached checks younger than this (default 24)",
    )
    verify_command.add_argument(
        "--confirm-dead",
        type=_positive_int,
        metavar="N",
        help="count a dead link as failing only after N dead checks in a row (default 1)",
    )
    verify_command.add_argument(
        "--no-probe", action="store_true", help="skip the soft-404 probe of a sibling path"
    )
    verify_command.add_argument(
        "--cassette", metavar="PATH", help="record HTTP exchanges to, or replay them from, PATH"
    )
    verify_command.add_argument(
        "--cassette-keep-header",
        action="append",
        default=[],
        metavar="NAME",
        help="with --cassette: also record this header (by default no Set-Cookie and no "
        "request header from the configuration is written; Cookie and Authorization never); "
        "repeatable",
    )
    verify_command.add_argument(
        "--record-mode",
        choices=["once", "none", "new_episodes", "all"],
        default="once",
        help="with --cassette: once (default), none (replay only), new_episodes, all",
    )
    verify_command.add_argument(
        "--no-archive",
        action="store_true",
        help="ask no web archive: no replacement links for dead, soft-404 and parked pages, "
        "and no archived copy to confirm a changed title or quote against",
    )
    verify_command.add_argument(
        "--wayback-url",
        metavar="URL",
        default="https://web.archive.org",
        help="the Wayback Machine to ask (default https://web.archive.org)",
    )
    verify_command.add_argument(
        "--memento-timegate",
        action="append",
        default=[],
        metavar="URL",
        help="also ask this Memento TimeGate (RFC 7089) when the Wayback Machine has no copy; "
        "the cited URL is appended to it; repeatable",
    )
    verify_command.add_argument(
        "--drift",
        action="store_true",
        help="compare every live page with its archived copy from the access date, not only "
        "those whose title or quote no longer matches (one archive call per URL, at the "
        "archive's pace)",
    )
    verify_command.add_argument(
        "--no-support",
        action="store_true",
        help="do not check whether each page supports its claims (saves reading the main text "
        "of pages that no quote or drift comparison needs)",
    )
    verify_command.add_argument(
        "--resume",
        metavar="REPORT.json",
        help="continue an interrupted run: reuse the checks of its partial JSON report",
    )
    verify_command.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar or summary line on stderr"
    )
    verify_command.add_argument(
        "--archive-now",
        action="store_true",
        help="then ask the archive (--capture-url) to capture every live page without a "
        "snapshot in --within-days; keys from CITECHECK_SPN_ACCESS_KEY/_SECRET_KEY",
    )
    cli_repair.add_capture_options(verify_command, _positive_int)

    report_command = commands.add_parser(
        "report",
        help="render a saved JSON report in another format, without fetching",
        description="Render a JSON report written by `citecheck verify` again. Exits 0 once the "
        "report is written, whatever its verdicts; with --fail-on it gates as verify does "
        "(exit 1 when a verdict in the list occurred).",
    )
    report_command.add_argument("report", metavar="REPORT.json", help="a saved JSON report")
    _add_report_options(report_command)
    cli_repair.add_commands(commands, _add_input_format, _network, _positive_float, _positive_int)
    return parser


def _add_input_format(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--input-format",
        choices=FORMATS,
        metavar="FORMAT",
        help=f"read every document as this format ({', '.join(FORMATS)}); "
        "default: from the extension and content",
    )


def _add_report_options(
    command: argparse.ArgumentParser, default_format: str | None = "json"
) -> None:
    command.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default=default_format,
        help="json (default), text, markdown, html, junit, sarif or github (annotations)"
        if default_format
        else "text when stdout is a terminal, else json (the default); or markdown, html, "
        "junit, sarif, github (annotations), wikitext-fixes",
    )
    command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    command.add_argument(
        "--fail-on",
        type=_verdict_list,
        metavar="VERDICTS",
        help="comma-separated verdicts that fail the run (exit 1; failures in junit/sarif) "
        "(default dead,soft_404,parked,unsafe,drifted; drifted only when confirmed against the "
        "archived copy)",
    )


def _add_input_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allow-empty",
        action="store_true",
        default=None,
        help="accept a run with nothing to check (no document, no citation, no cited URL) "
        "instead of failing with exit 2",
    )
    command.add_argument(
        "--exclude-path",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip documents a directory walk finds whose path (or a parent folder) matches "
        "GLOB, e.g. 'drafts' or '*.draft.md'; repeatable",
    )


def _add_url_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--exclude",
        action="append",
        default=[],
        type=_url_pattern("--exclude"),
        metavar="REGEX",
        help="do not check URLs matching REGEX (reported excluded); repeatable",
    )
    command.add_argument(
        "--include",
        action="append",
        default=[],
        type=_url_pattern("--include"),
        metavar="REGEX",
        help="check URLs matching REGEX even when an exclusion matches them; repeatable",
    )
    command.add_argument(
        "--accept",
        type=_accept,
        metavar="CODES",
        help="status codes counted as ok, not dead/blocked/error, e.g. '200..=299,403' "
        "(a note says so in the reason)",
    )
    command.add_argument(
        "--remap",
        action="append",
        default=[],
        type=_remap,
        metavar="'REGEX REPLACEMENT'",
        help="fetch a URL matching REGEX from the address REPLACEMENT gives (re.sub syntax; "
        "the first matching rule applies); the report keeps the cited URL; repeatable",
    )


def _url_pattern(origin: str) -> Callable[[str], UrlPattern]:
    from citecheck.urlrules import compile_pattern

    def convert(value: str) -> UrlPattern:
        try:
            return compile_pattern(value, origin)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def _accept(value: str) -> frozenset[int]:
    from citecheck.urlrules import parse_accept

    try:
        return parse_accept([value])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _remap(value: str) -> tuple[re.Pattern[str], str]:
    from citecheck.urlrules import parse_remap

    try:
        return parse_remap(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be 0 or more")
    return number


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} must be 0 or more")
    return number


def _error(message: str) -> None:
    print(f"citecheck: error: {message}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"citecheck: warning: {message}", file=sys.stderr)


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token


def _header(value: str) -> tuple[str, str]:
    name, colon, content = value.partition(":")
    name = name.strip()
    if not colon or not _HEADER_NAME.fullmatch(name) or any(c in value for c in "\r\n\0"):
        raise argparse.ArgumentTypeError(f"{value!r}: a header is 'Name: value' on one line")
    return name, content.strip()


def _write_output(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    # Atomically for files, streamed to devices and FIFOs (citecheck/output.py).
    from citecheck.output import write_text

    write_text(output, text)


def _check_output(output: str | None) -> None:
    """Refuse an ``-o`` that cannot be written before any work is done."""
    from citecheck.output import check_writable

    problem = check_writable(output) if output is not None else None
    if problem is not None:
        raise InputError(problem)


def _read_inputs(
    arguments: argparse.Namespace,
    allow_empty: bool,
    exclude_path: Sequence[str] = (),
) -> tuple[Inputs, bool]:
    """Every input read, each error printed; ``False`` when the run must stop (exit 2).

    It stops when an input could not be read, or when there is nothing to
    check and ``--allow-empty`` was not given: both before any request.
    """
    from citecheck.inputs import nothing_to_check, read_inputs

    url_lists = arguments.urls
    inputs = read_inputs(
        arguments.files,
        url_lists,
        input_format=arguments.input_format,
        exclude_path=exclude_path,
    )
    for error in inputs.errors:
        _error(error)
    if inputs.errors:
        return inputs, False
    empty = nothing_to_check(inputs, [*arguments.files, *url_lists])
    if empty is not None and not allow_empty:
        _error(f"{empty} (--allow-empty accepts this)")
        return inputs, False
    return inputs, True


def _run_parse(arguments: argparse.Namespace) -> int:
    from citecheck.report.safe import safe_output

    _check_output(arguments.output)
    inputs = _read_inputs_keeping_good(arguments)
    if inputs is None:
        return EXIT_USAGE
    documents, failed = inputs
    rendered = _PARSE_RENDERERS[arguments.format](documents)
    _write_output(safe_output(rendered, arguments.format), arguments.output)
    return EXIT_USAGE if failed else EXIT_OK


def _read_inputs_keeping_good(
    arguments: argparse.Namespace,
) -> tuple[list[Document], bool] | None:
    """For ``parse``: the documents read and whether one failed (their output is still
    written); None when there is nothing at all to show and ``--allow-empty`` was not given."""
    from citecheck.inputs import nothing_found, read_inputs

    inputs = read_inputs(
        arguments.files,
        input_format=arguments.input_format,
        exclude_path=arguments.exclude_path,
        jobs=arguments.jobs,
    )
    for error in inputs.errors:
        _error(error)
    empty = nothing_found(inputs, arguments.files)
    if not inputs.errors and empty is not None and not arguments.allow_empty:
        _error(f"{empty} (--allow-empty accepts this)")
        return None
    return list(inputs.documents), bool(inputs.errors)


def _report_format(arguments: argparse.Namespace) -> str:
    """``--format``, else text for a person at a terminal and JSON for a pipe or a file."""
    if arguments.format is not None:
        return str(arguments.format)
    return "text" if arguments.output is None and sys.stdout.isatty() else "json"


def _url_filter(arguments: argparse.Namespace, settings: Settings) -> UrlFilter:
    from citecheck.urlrules import UrlFilter

    include, exclude = settings.url_patterns()
    return UrlFilter(include=(*include, *arguments.include), exclude=(*exclude, *arguments.exclude))


def _run_verify(arguments: argparse.Namespace) -> int:
    # Imported here so that `citecheck parse` never loads the network stack.
    from citecheck.config import TRUSTED_ONLY, load_settings
    from citecheck.fetch.cassette import Cassette
    from citecheck.fetch.policy import FetchPolicy
    from citecheck.fetch.shards import ShardedExecutor

    settings = load_settings(arguments.config)
    if settings.ignored:
        _warn(
            f"{settings.source}: ignored {', '.join(settings.ignored)}: "
            f"{' and '.join(TRUSTED_ONLY)} are read only from --config FILE, "
            "CITECHECK_CONFIG or flags, never from the checked-out tree (docs/ci.md)"
        )
    _check_output(arguments.output)
    if not arguments.files and not arguments.urls:
        raise InputError("verify needs a document, a directory, - (stdin) or --urls FILE")
    timeout = _first(arguments.timeout, settings.timeout, 15.0)
    defaults = FetchPolicy()
    policy = FetchPolicy(
        connect_timeout=timeout,
        read_timeout=timeout,
        total_deadline=max(60.0, 4 * timeout),
        max_redirects=_first(
            arguments.max_redirects, settings.max_redirects, defaults.max_redirects
        ),
        retries=_first(arguments.max_retries, settings.max_retries, defaults.retries),
        backoff_base=_first(arguments.retry_wait, settings.retry_wait, defaults.backoff_base),
        concurrency=_first(arguments.concurrency, settings.concurrency, defaults.concurrency),
        per_host_concurrency=_first(
            arguments.host_concurrency,
            settings.per_host_concurrency,
            defaults.per_host_concurrency,
        ),
        per_host_delay=_first(
            arguments.host_delay, settings.per_host_delay, defaults.per_host_delay
        ),
        allowed_networks=(*settings.allow_network, *arguments.allow_network),
        headers=(*settings.headers, *arguments.header),
        user_agent=_first(arguments.user_agent, settings.user_agent, defaults.user_agent),
        ca_bundle=arguments.ca_bundle if arguments.ca_bundle is not None else settings.ca_bundle,
        trust_env=_first(arguments.trust_env, settings.trust_env, defaults.trust_env),
        insecure=_first(arguments.insecure, settings.insecure, defaults.insecure),
    )
    if policy.ca_bundle is not None and not os.path.exists(policy.ca_bundle):
        raise InputError(f"--ca-bundle {policy.ca_bundle}: no such file or directory")
    if policy.insecure:
        _warn(
            "TLS certificates are NOT verified (--insecure): an HTTPS page checked in this run "
            "may come from anyone between you and the site"
        )
    cassette = (
        Cassette(
            arguments.cassette,
            arguments.record_mode,
            keep_headers=arguments.cassette_keep_header,
        )
        if arguments.cassette
        else None
    )
    processes = _first(arguments.processes, settings.processes, 1)
    if processes > 1 and cassette is not None:
        raise InputError("--processes cannot be combined with --cassette (one process writes it)")
    pool: Executor | None = None
    if arguments.dask_scheduler:
        if processes > 1:
            raise InputError("give --processes or --dask-scheduler, not both")
        if cassette is not None:
            raise InputError(
                "--dask-scheduler cannot be combined with --cassette (one process writes it)"
            )
        pool = _dask_executor(arguments.dask_scheduler)
    elif processes > 1:
        # Worker processes start before parsing, so that their imports (half a
        # second each) overlap it instead of delaying the first fetch.
        pool = ShardedExecutor(processes, policy.concurrency)
    try:
        return _verify_with(arguments, settings, policy, cassette, pool)
    finally:
        if pool is not None:
            # Interrupted or done, nothing is left to wait for.
            pool.shutdown(wait=False, cancel_futures=True)


def _dask_executor(address: str) -> Executor:
    """An executor on the Dask cluster at ``address``; a missing Dask is a one-line error."""
    try:
        from citecheck.fetch.cluster import connect
    except ImportError as error:
        if error.name not in ("dask", "distributed"):
            raise
        raise InputError("--dask-scheduler needs Dask: pip install 'dask[distributed]'") from None
    return connect(address)


def _verify_with(
    arguments: argparse.Namespace,
    settings: Settings,
    policy: FetchPolicy,
    cassette: Cassette | None,
    executor: Executor | None,
) -> int:
    from citecheck.fetch.cache import CheckCache, default_cache_path
    from citecheck.model import failing_verdicts
    from citecheck.progress import Progress
    from citecheck.urlrules import Remap
    from citecheck.verify import ArchiveOptions, verify

    url_filter = _url_filter(arguments, settings)
    inputs, go_on = _read_inputs(
        arguments,
        allow_empty=_first(arguments.allow_empty, settings.allow_empty, False),
        exclude_path=(*settings.exclude_path, *arguments.exclude_path),
    )
    if not go_on:
        return EXIT_USAGE
    documents = inputs.documents
    format_name = _report_format(arguments)
    max_age = datetime.timedelta(hours=_first(arguments.max_age, settings.max_age_hours, 24.0))
    fail_on = _first(arguments.fail_on, settings.fail_on, DEFAULT_FAIL_ON)
    confirm_dead = _first(arguments.confirm_dead, settings.confirm_dead, 1)
    if arguments.no_cache:
        cache = CheckCache.in_memory(max_age=max_age)
    else:
        cache = CheckCache(arguments.cache or default_cache_path(), max_age=max_age)
    reuse = _load_report(arguments.resume) if arguments.resume else None
    total = len(
        {
            url
            for document in documents
            for c in document.citations
            for url in c.urls
            if not url_filter(url)
        }
    )
    with cache, Progress(total, quiet=arguments.quiet) as progress:
        try:
            report = verify(
                documents,
                policy=policy,
                cache=cache,
                probe_soft_404=not arguments.no_probe,
                cassette=cassette,
                archive=None
                if arguments.no_archive
                else ArchiveOptions(
                    wayback_url=arguments.wayback_url,
                    compare_drift=arguments.drift,
                    memento_timegates=tuple(arguments.memento_timegate),
                ),
                exclude=url_filter if url_filter else None,
                progress=progress,
                reuse=reuse,
                executor=executor,
                support=not arguments.no_support,
                accept=_first(arguments.accept, settings.accept, frozenset()),
                remap=Remap((*arguments.remap, *settings.remap)) or None,
            )
        except InterruptedRun as interrupted:
            # Nothing checked is lost: the partial report is written as asked,
            # marked incomplete, and --resume picks it up.
            _emit(interrupted.report, format_name, fail_on, arguments.output, confirm_dead)
            _error(str(interrupted))
            return EXIT_INTERRUPTED
        if arguments.archive_now:
            report = cli_repair.archive_report(arguments, report, policy, cache)
    _emit(report, format_name, fail_on, arguments.output, confirm_dead)
    if failing_verdicts(report, fail_on, confirm_dead):
        return EXIT_FAILED_CHECKS
    return EXIT_OK


def _load_report(path: str) -> Report:
    from citecheck import safejson
    from citecheck.report.load import report_from_dict

    try:
        with open(path, encoding="utf-8") as handle:
            data = safejson.loads(handle.read())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON report ({exc})") from None
    return report_from_dict(data)


def _run_report(arguments: argparse.Namespace) -> int:
    from citecheck.model import failing_verdicts

    _check_output(arguments.output)
    report = _load_report(arguments.report)
    fail_on = _first(arguments.fail_on, DEFAULT_FAIL_ON)
    _emit(report, arguments.format, fail_on, arguments.output)
    # Rendering succeeds once the report is written: a CI script renders JUnit,
    # then HTML, then exits with verify's code, and must not stop after the first.
    # Gating is asked for, with --fail-on, and then means what it means for verify.
    gate = arguments.fail_on is not None
    return EXIT_FAILED_CHECKS if gate and failing_verdicts(report, fail_on) else EXIT_OK


def _emit(
    report: Report,
    format_name: str,
    fail_on: Sequence[Verdict],
    output: str | None,
    confirm_dead: int = 1,
) -> None:
    from citecheck.report import render_report

    _write_output(render_report(report, format_name, fail_on, confirm_dead), output)
    if os.environ.get("GITHUB_ACTIONS") == "true" and format_name != "github":
        # Workflow commands are read from stdout; keep them out of a report printed there.
        annotations = render_report(report, "github", fail_on, confirm_dead)
        print(annotations, end="", file=sys.stdout if output else sys.stderr)


def _first(*values: T | None) -> T:
    """The first value given: a flag, then the configuration file, then the default."""
    for value in values:
        if value is not None:
            return value
    raise ValueError("no default given")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    arguments = parser.parse_args(argv)
    # SIGTERM (a CI job cancelled, a container stopped) ends a run as Ctrl-C does,
    # so that the partial report is written rather than lost.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    runners: dict[str, Callable[[argparse.Namespace], int]] = {
        "parse": _run_parse,
        "verify": _run_verify,
        "report": _run_report,
        "fix": lambda arguments: cli_repair.run_fix(arguments, _load_report),
        "archive": cli_repair.run_archive,
    }
    try:
        return runners[arguments.command](arguments)
    except CitecheckError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (``| head``) went away; that is not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        _error(f"{getattr(exc, 'filename', None) or 'output'}: {exc.strerror or exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
