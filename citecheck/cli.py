"""The ``citecheck`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 success (for ``verify``: no verdict in ``--fail-on``), 1 a
``--fail-on`` verdict occurred, 2 usage or input error (a file that is
missing, binary or undecodable; a cache that is not a cache). Errors are one
line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import os
import sys
from collections.abc import Callable, Sequence

from citecheck._version import __version__
from citecheck.api import parse
from citecheck.errors import CitecheckError
from citecheck.model import Document, Report, Verdict
from citecheck.report.json_report import render_json, render_report_json
from citecheck.report.text_report import render_report_text, render_text

EXIT_OK = 0
EXIT_FAILED_CHECKS = 1
EXIT_USAGE = 2

DEFAULT_FAIL_ON = (Verdict.DEAD, Verdict.SOFT_404, Verdict.PARKED, Verdict.UNSAFE)

_PARSE_RENDERERS: dict[str, Callable[[Sequence[Document]], str]] = {
    "json": render_json,
    "text": render_text,
}
_REPORT_RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": render_report_json,
    "text": render_report_text,
}


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
    parse_command.add_argument("files", nargs="+", metavar="FILE", help="documents to parse")
    parse_command.add_argument(
        "--format", choices=sorted(_PARSE_RENDERERS), default="json", help="output format"
    )
    parse_command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")

    verify_command = commands.add_parser(
        "verify",
        help="fetch every cited URL and give it a verdict",
        description="Fetch every URL the documents cite and say which sources are still there.",
    )
    verify_command.add_argument("files", nargs="+", metavar="FILE", help="documents to check")
    verify_command.add_argument(
        "--format", choices=sorted(_REPORT_RENDERERS), default="json", help="output format"
    )
    verify_command.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    verify_command.add_argument(
        "--allow-network",
        action="append",
        default=[],
        type=_network,
        metavar="CIDR",
        help="also allow this address range (refused by default: loopback, private, …); repeatable",
    )
    verify_command.add_argument(
        "--timeout",
        type=_positive_float,
        default=15.0,
        metavar="S",
        help="connect and read timeout in seconds (default 15)",
    )
    verify_command.add_argument(
        "--concurrency",
        type=_positive_int,
        default=16,
        metavar="N",
        help="URLs fetched at once (default 16; at most 2 per host)",
    )
    cache_group = verify_command.add_mutually_exclusive_group()
    cache_group.add_argument("--cache", metavar="PATH", help="the SQLite cache and history file")
    cache_group.add_argument(
        "--no-cache", action="store_true", help="neither read nor write a cache"
    )
    verify_command.add_argument(
        "--max-age",
        type=_positive_float,
        default=24.0,
        metavar="HOURS",
        help="serve cached checks younger than this (default 24)",
    )
    verify_command.add_argument(
        "--fail-on",
        type=_verdict_list,
        default=DEFAULT_FAIL_ON,
        metavar="VERDICTS",
        help="comma-separated verdicts that make the exit code 1 "
        "(default dead,soft_404,parked,unsafe)",
    )
    verify_command.add_argument(
        "--confirm-dead",
        type=_positive_int,
        default=1,
        metavar="N",
        help="count a dead link as failing only after N dead checks in a row (default 1)",
    )
    verify_command.add_argument(
        "--no-probe", action="store_true", help="skip the soft-404 probe of a sibling path"
    )
    return parser


def _error(message: str) -> None:
    print(f"citecheck: error: {message}", file=sys.stderr)


def _write_output(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    # Write beside the target and rename, so a failed run never leaves half a report.
    temporary = f"{output}.tmp-{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _parse_all(files: Sequence[str]) -> tuple[list[Document], bool]:
    documents: list[Document] = []
    failed = False
    for path in files:
        try:
            documents.append(parse(path))
        except CitecheckError as exc:
            _error(str(exc))
            failed = True
    return documents, failed


def _run_parse(arguments: argparse.Namespace) -> int:
    documents, failed = _parse_all(arguments.files)
    _write_output(_PARSE_RENDERERS[arguments.format](documents), arguments.output)
    return EXIT_USAGE if failed else EXIT_OK


def _run_verify(arguments: argparse.Namespace) -> int:
    # Imported here so that `citecheck parse` never loads the network stack.
    from citecheck.fetch.cache import CheckCache, default_cache_path
    from citecheck.fetch.policy import FetchPolicy
    from citecheck.verify import failing_verdicts, verify

    documents, failed = _parse_all(arguments.files)
    policy = FetchPolicy(
        connect_timeout=arguments.timeout,
        read_timeout=arguments.timeout,
        total_deadline=max(60.0, 4 * arguments.timeout),
        concurrency=arguments.concurrency,
        allowed_networks=tuple(arguments.allow_network),
    )
    max_age = datetime.timedelta(hours=arguments.max_age)
    if arguments.no_cache:
        cache = CheckCache.in_memory(max_age=max_age)
    else:
        cache = CheckCache(arguments.cache or default_cache_path(), max_age=max_age)
    with cache:
        report = verify(
            documents, policy=policy, cache=cache, probe_soft_404=not arguments.no_probe
        )
    _write_output(_REPORT_RENDERERS[arguments.format](report), arguments.output)
    if failed:
        return EXIT_USAGE
    if failing_verdicts(report, arguments.fail_on, arguments.confirm_dead):
        return EXIT_FAILED_CHECKS
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    arguments = parser.parse_args(argv)
    runners = {"parse": _run_parse, "verify": _run_verify}
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
        return 130


if __name__ == "__main__":
    sys.exit(main())
