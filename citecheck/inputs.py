"""What a command reads: documents, directory walks, standard input and URL lists.

The command line hands every input here before any request is made, so that
a mistyped path or an empty directory fails at once with a line naming it,
rather than after a run (see docs/cli.md, "Exit codes").

* ``PATH`` a document; a directory is walked (``--exclude-path`` skips what
  the walk finds); ``-`` is a document on standard input, its format from
  ``--input-format`` or sniffed from the content.
* ``--urls FILE`` a list of URLs, one per line, checked without a document
  (``-`` reads it from standard input).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath
from typing import BinaryIO

import attrs

from citecheck.errors import CitecheckError, InputError
from citecheck.model import Document
from citecheck.sources.text import MAX_DOCUMENT_BYTES, decode_bytes, read_document_bytes
from citecheck.wording import plural

STDIN = "-"
STDIN_SOURCE = "<stdin>"
"""The name a document read from standard input has in reports."""


@attrs.frozen
class Inputs:
    """The documents read, and one line per input that could not be read."""

    documents: tuple[Document, ...] = ()
    errors: tuple[str, ...] = ()


def path_excluded(path: str, globs: Sequence[str]) -> bool:
    """Whether ``path`` or one of its parent folders matches a glob (matched from the right)."""
    pure = PurePath(path)
    return any(
        part.match(glob) or fnmatch.fnmatch(str(part), glob)
        for glob in globs
        for part in (pure, *pure.parents)
        if str(part) not in ("", ".")
    )


def document_paths(paths: Iterable[str], exclude_path: Sequence[str] = ()) -> Iterator[str]:
    """The documents named, and those found below directories less ``exclude_path`` matches.

    A file named explicitly is always read: the user asked for it.
    """
    from citecheck.sources.registry import expand_paths

    for path in paths:
        if path == STDIN or not os.path.isdir(path):
            yield path
            continue
        for found in expand_paths([path]):
            relative = os.path.relpath(found, path)
            if not (path_excluded(found, exclude_path) or path_excluded(relative, exclude_path)):
                yield found


def _read_stdin(stdin: BinaryIO) -> bytes:
    data = stdin.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"{STDIN_SOURCE}: more than the {MAX_DOCUMENT_BYTES:,}-byte limit of a document"
        )
    return data


def read_inputs(
    paths: Sequence[str],
    url_lists: Sequence[str] = (),
    *,
    input_format: str | None = None,
    exclude_path: Sequence[str] = (),
    stdin: BinaryIO | None = None,
    jobs: int | None = 1,
) -> Inputs:
    """Read every input; an unreadable one adds an error line and the others are still read.

    With ``jobs`` above 1 the files are parsed in that many worker processes
    (:func:`citecheck.api.parse_paths`; None: :func:`citecheck.api.default_jobs`
    for the files found); the documents keep the inputs' order.
    """
    from citecheck.api import default_jobs, parse_paths, parse_text
    from citecheck.parse.urllist import url_list_document

    documents: list[Document] = []
    errors: list[str] = []
    if [*paths, *url_lists].count(STDIN) > 1:
        return Inputs(errors=("standard input (-) can be read only once",))

    def stdin_bytes() -> bytes:
        import sys

        return _read_stdin(stdin or sys.stdin.buffer)

    names = list(document_paths(paths, exclude_path))
    files = [name for name in names if name != STDIN]
    parsed = parse_paths(files, input_format, default_jobs(len(files)) if jobs is None else jobs)
    for path in names:
        try:
            if path == STDIN:
                documents.append(parse_text(stdin_bytes(), STDIN_SOURCE, input_format or "auto"))
                continue
            document = next(parsed)
            if isinstance(document, CitecheckError):
                raise document
            documents.append(document)
        except CitecheckError as exc:
            errors.append(str(exc))
    for name in url_lists:
        try:
            data = stdin_bytes() if name == STDIN else read_document_bytes(name)
            source = STDIN_SOURCE if name == STDIN else name
            text, _ = decode_bytes(data, name=source)
            documents.append(url_list_document(text, source))
        except CitecheckError as exc:
            errors.append(str(exc))
    return Inputs(tuple(documents), tuple(errors))


def nothing_found(inputs: Inputs, names: Sequence[str]) -> str | None:
    """Why the inputs hold nothing at all (no document, no citation), or None."""
    shown = ", ".join(names) or "no input"
    if not inputs.documents:
        return f"nothing to check: no document found in {shown}"
    if not any(document.citations for document in inputs.documents):
        return f"nothing to check: no citation found in {shown}"
    return None


def nothing_to_check(inputs: Inputs, names: Sequence[str]) -> str | None:
    """Why a run has nothing to check (one line), or None when it has something.

    No document, no citation, no cited URL: each is what a mistyped path or a
    wrong directory looks like, so the command fails on it unless
    ``--allow-empty`` says it is expected. URLs the user excluded are not
    "nothing": a change whose only links are excluded ones is a deliberate
    run, reported ``excluded``.
    """
    shown = ", ".join(names) or "no input"
    found = nothing_found(inputs, names)
    if found is not None:
        return found
    urls = {url for document in inputs.documents for c in document.citations for url in c.urls}
    if not urls:
        citations = sum(len(document.citations) for document in inputs.documents)
        return f"nothing to check: no URL in {plural(citations, 'citation')} in {shown}"
    return None
