"""The ``citecheck`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 success (for ``verify``: no verdict in ``--fail-on``), 1 a
``--fail-on`` verdict occurred, 2 usage or input error (a file that is
missing, binary or undecodable; a cache that is not a cache), 130
interrupted (Ctrl-C or SIGTERM; the partial report is still written). Errors
are one line on stderr, never a traceback.
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

from citecheck import cli_repair, safejson
from citecheck._version import __version__
from citecheck.api import parse
from citecheck.errors import CitecheckError, InputError, InterruptedRun
from citecheck.model import DEFAULT_FAIL_ON, Document, Report, Verdict
from citecheck.output import write_text
from citecheck.report import REPORT_FORMATS, render_report
from citecheck.report.json_report import render_json
from citecheck.report.safe import safe_output
from citecheck.report.text_report import render_text
from citecheck.sources.registry import FORMATS, expand_paths
from citecheck.verify import failing_verdicts

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from citecheck.config import Settings
    from citecheck.fetch.cassette import Cassette
    from citecheck.fetch.policy import FetchPolicy

EXIT_OK = 0
EXIT_FAILED_CHECKS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


_PARSE_RENDERERS: dict[str, Callable[[Sequence[Document]], str]] = {
    "json": render_json,
    "text": render_text,
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
        "files", nargs="+", metavar="PATH", help="documents, or directories to walk"
    )
    _add_input_format(parse_command)
    parse_command.add_argument(
        "--format", choices=sorted(_PARSE_RENDERERS), default="json", help="output format"
    )
    parse_command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")

    verify_command = commands.add_parser(
        "verify",
        help="fetch every cited URL and give it a verdict",
        description=(
            "Fetch every URL the documents cite and say which sources are still there. "
            "Settings may also come from [tool.citecheck] in pyproject.toml or from "
            "citecheck.toml in the current directory; flags win. allow-network and headers "
            "are read only from --config FILE, CITECHECK_CONFIG, CITECHECK_ALLOW_NETWORK "
            "or flags, never from a file found in the checked-out tree."
        ),
    )
    verify_command.add_argument(
        "files", nargs="+", metavar="PATH", help="documents, or directories to walk"
    )
    _add_input_format(verify_command)
    _add_report_options(verify_command)
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
    verify_command.add_argument(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="URLs fetched at once (default 16; at most 2 per host)",
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
        description="Render a JSON report written by `citecheck verify` again.",
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


def _add_report_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="json",
        help="json (default), text, markdown, html, junit, sarif or github (annotations)",
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
    write_text(output, text)


def _parse_all(files: Sequence[str], input_format: str | None) -> tuple[list[Document], bool]:
    documents: list[Document] = []
    failed = False
    for path in expand_paths(files):
        try:
            documents.append(parse(path, input_format))
        except CitecheckError as exc:
            _error(str(exc))
            failed = True
    return documents, failed


def _run_parse(arguments: argparse.Namespace) -> int:
    documents, failed = _parse_all(arguments.files, arguments.input_format)
    rendered = _PARSE_RENDERERS[arguments.format](documents)
    _write_output(safe_output(rendered, arguments.format), arguments.output)
    return EXIT_USAGE if failed else EXIT_OK


def _run_verify(arguments: argparse.Namespace) -> int:
    # Imported here so that `citecheck parse` never loads the network stack.
    from citecheck.config import TRUSTED_ONLY, load_settings
    from citecheck.fetch.cassette import Cassette
    from citecheck.fetch.policy import DEFAULT_USER_AGENT, FetchPolicy
    from citecheck.fetch.shards import ShardedExecutor

    settings = load_settings(arguments.config)
    if settings.ignored:
        _warn(
            f"{settings.source}: ignored {', '.join(settings.ignored)}: "
            f"{' and '.join(TRUSTED_ONLY)} are read only from --config FILE, "
            "CITECHECK_CONFIG or flags, never from the checked-out tree (docs/ci.md)"
        )
    timeout = _first(arguments.timeout, settings.timeout, 15.0)
    policy = FetchPolicy(
        connect_timeout=timeout,
        read_timeout=timeout,
        total_deadline=max(60.0, 4 * timeout),
        concurrency=_first(arguments.concurrency, settings.concurrency, 16),
        per_host_concurrency=_first(settings.per_host_concurrency, 2),
        per_host_delay=_first(settings.per_host_delay, 0.0),
        allowed_networks=(*settings.allow_network, *arguments.allow_network),
        headers=(*settings.headers, *arguments.header),
        user_agent=_first(settings.user_agent, DEFAULT_USER_AGENT),
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
    from citecheck.progress import Progress
    from citecheck.verify import ArchiveOptions, verify

    documents, failed = _parse_all(arguments.files, arguments.input_format)
    max_age = datetime.timedelta(hours=_first(arguments.max_age, settings.max_age_hours, 24.0))
    fail_on = _first(arguments.fail_on, settings.fail_on, DEFAULT_FAIL_ON)
    confirm_dead = _first(arguments.confirm_dead, settings.confirm_dead, 1)
    if arguments.no_cache:
        cache = CheckCache.in_memory(max_age=max_age)
    else:
        cache = CheckCache(arguments.cache or default_cache_path(), max_age=max_age)
    reuse = _load_report(arguments.resume) if arguments.resume else None
    total = len({url for document in documents for c in document.citations for url in c.urls})
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
                exclude=settings.excludes if settings.exclude else None,
                progress=progress,
                reuse=reuse,
                executor=executor,
                support=not arguments.no_support,
            )
        except InterruptedRun as interrupted:
            # Nothing checked is lost: the partial report is written as asked,
            # marked incomplete, and --resume picks it up.
            _emit(interrupted.report, arguments.format, fail_on, arguments.output, confirm_dead)
            _error(str(interrupted))
            return EXIT_INTERRUPTED
        if arguments.archive_now:
            report = cli_repair.archive_report(arguments, report, policy, cache)
    _emit(report, arguments.format, fail_on, arguments.output, confirm_dead)
    if failed:
        return EXIT_USAGE
    if failing_verdicts(report, fail_on, confirm_dead):
        return EXIT_FAILED_CHECKS
    return EXIT_OK


def _load_report(path: str) -> Report:
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
    report = _load_report(arguments.report)
    fail_on = _first(arguments.fail_on, DEFAULT_FAIL_ON)
    _emit(report, arguments.format, fail_on, arguments.output)
    return EXIT_FAILED_CHECKS if failing_verdicts(report, fail_on) else EXIT_OK


def _emit(
    report: Report,
    format_name: str,
    fail_on: Sequence[Verdict],
    output: str | None,
    confirm_dead: int = 1,
) -> None:
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
