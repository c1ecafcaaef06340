"""The ``citecheck`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 success, 2 usage or input error (a file that is missing, binary
or undecodable). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from citecheck import __version__
from citecheck.api import parse
from citecheck.errors import CitecheckError
from citecheck.model import Document
from citecheck.report.json_report import render_json
from citecheck.report.text_report import render_text

EXIT_OK = 0
EXIT_USAGE = 2

_RENDERERS = {"json": render_json, "text": render_text}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citecheck",
        description="Check the sources an article cites.",
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
        "--format", choices=sorted(_RENDERERS), default="json", help="output format (json)"
    )
    parse_command.add_argument(
        "--output", "-o", metavar="FILE", help="write the output to FILE instead of stdout"
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
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, output)


def _run_parse(arguments: argparse.Namespace) -> int:
    documents: list[Document] = []
    failed = False
    for path in arguments.files:
        try:
            documents.append(parse(path))
        except CitecheckError as exc:
            _error(str(exc))
            failed = True
    try:
        _write_output(_RENDERERS[arguments.format](documents), arguments.output)
    except OSError as exc:
        _error(f"{arguments.output}: cannot write ({exc.strerror or exc})")
        return EXIT_USAGE
    return EXIT_USAGE if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _build_parser()
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "parse":
            return _run_parse(arguments)
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away; that is not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    parser.error(f"unknown command {arguments.command!r}")
    return EXIT_USAGE  # pragma: no cover - parser.error exits


if __name__ == "__main__":
    sys.exit(main())
