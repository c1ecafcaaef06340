"""Write a finished report where ``-o`` says: atomically for files, streamed for the rest.

A report replaces the previous one only when it is complete, so a run that
fails halfway (disk full, Ctrl-C) never leaves half a report, and a CI step
that reads it never sees one. How depends on what the target is:

* **Absent, or a regular file**: the text goes to a new temporary file in
  the target's directory, created with ``O_CREAT | O_EXCL`` under an
  unpredictable name (``tempfile.mkstemp``), so a symlink planted in the
  directory beforehand is never followed and never written through;
  flushed, fsynced, then renamed over the target (atomic on POSIX), and the
  directory is fsynced so that the rename survives a crash. The file gets the
  old report's permission bits, or ``0666`` less the umask, as ``open``
  would have given it.
* **Anything else** (``/dev/stdout``, ``/dev/null``, a terminal, a FIFO, a
  socket, or a symlink the user pointed there): the text is streamed into
  it. Renaming a file over ``/dev/null`` would turn the device into a
  regular file (as root), and over ``/dev/stdout`` would write nowhere.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _streams(path: str) -> bool:
    """Whether ``path`` is written in place: it exists and is not a plain regular file."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(found.st_mode)


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as described above; OSError names ``path``."""
    data = text.encode("utf-8")
    if _streams(path):
        # O_TRUNC is ignored by devices and FIFOs, and empties a file a symlink names,
        # as the shell's ">" does.
        descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NOCTTY)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        return
    directory = os.path.dirname(os.path.abspath(path))
    name = os.path.basename(path)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, path) from None
    try:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable; some file systems cannot open a directory, which is fine."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def check_writable(path: str) -> str | None:
    """Why a report could not be written to ``path``, in one line naming it; None if it can.

    Asked before a run does any work, so that a mistyped ``-o`` fails at once
    rather than after every URL was fetched: the target must not be a
    directory, its directory must exist and be writable (the report is renamed
    into it), and a device or FIFO must be writable itself.
    """
    if os.path.isdir(path):
        return f"{path}: is a directory, not a file to write the report to"
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return f"{path}: no such directory {os.path.dirname(path) or directory}"
    if _streams(path):
        return None if os.access(path, os.W_OK) else f"{path}: not writable"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"{path}: cannot write in {os.path.dirname(path) or directory}"
    return None
