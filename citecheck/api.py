"""The functions behind ``citecheck.parse`` and ``citecheck.parse_text``.

They join the sources stage (reading and decoding a file) to the parse stage.
:func:`parse_paths` parses many files, in worker processes when asked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from citecheck.errors import CitecheckError
from citecheck.model import Document
from citecheck.parse.document import parse_document, read_document
from citecheck.sources.text import decode_bytes


def parse(path: str | os.PathLike[str], input_format: str | None = None) -> Document:
    """Read the document at ``path`` and return its citations.

    The format (plain text, Markdown, HTML, wikitext, BibTeX, CSL-JSON, RIS, PDF)
    comes from the extension or the content unless ``input_format`` names it.
    Raises :class:`citecheck.InputError` when the file cannot be read.
    """
    return read_document(path, input_format)


def parse_text(
    text: str | bytes, source: str = "<string>", input_format: str | None = None
) -> Document:
    """Parse an article given as text (or undecoded bytes) rather than as a file.

    It is read as plain text unless ``input_format`` names another format
    (``"markdown"``, ``"html"``, …, or ``"auto"`` to sniff it from the content).
    """
    if input_format is not None:
        from citecheck.parse.assemble import assemble
        from citecheck.sources.registry import read_source_bytes

        data = text.encode("utf-8") if isinstance(text, str) else text
        return assemble(
            read_source_bytes(data, source, None if input_format == "auto" else input_format)
        )
    if isinstance(text, bytes):
        text, _ = decode_bytes(text, name=source)
    return parse_document(text, source=source)


def _parse_or_error(path: str, input_format: str | None) -> Document | CitecheckError:
    try:
        return read_document(path, input_format)
    except CitecheckError as error:
        return error


def parse_paths(
    paths: Sequence[str], input_format: str | None = None, jobs: int = 1
) -> Iterator[Document | CitecheckError]:
    """Each file of ``paths`` parsed, in the order given; an unreadable one yields its error.

    With ``jobs`` above 1 the files are parsed in that many worker processes
    (never more than there are files), one document per task so that a large
    file does not hold up the rest; the results still come in the order of
    ``paths``. Workers are forked from a server that has imported the parse
    stage once, so each starts in milliseconds rather than re-importing it.
    """
    jobs = min(jobs, len(paths))
    if jobs <= 1:
        for path in paths:
            yield _parse_or_error(path, input_format)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["citecheck.api"])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from pool.map(_parse_or_error, paths, [input_format] * len(paths))


def default_jobs(files: int) -> int:
    """Worker processes for parsing ``files`` files when the user does not say.

    A worker costs a process start; below four files each it does not pay for
    itself, so small runs stay in one process. Never more than the CPUs this
    process may use.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, files // 4))
