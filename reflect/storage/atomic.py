"""Writing a file so that it is either wholly the old version or wholly the new.

A crash, a full disk or a pulled plug during a save must never leave a
half-written journal behind, so every save goes to a private temporary file in
the same folder, is flushed to the disk, and only then replaces the original.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from reflect.paths import PRIVATE_FILE_MODE


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``, durably, leaving a private (0600) file.

    On any failure the temporary file is removed and the error is re-raised;
    the original file, if there was one, is byte-identical to before.
    """
    path = Path(path)
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    replaced = False
    try:
        try:
            # mkstemp asks for 0600, but the umask can still take bits away.
            os.fchmod(fd, PRIVATE_FILE_MODE)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
        replaced = True
    finally:
        if not replaced:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _fsync_folder(folder)


def read_private_bytes(path: Path) -> bytes:
    """All the bytes of a file reflect wrote (read-only: nothing is changed)."""
    with open(path, "rb") as handle:
        return handle.read()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            # A regular file that accepts nothing is full; looping would never end.
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the file system allows it.

    Errors are not raised: the new file is already in place and synced, and a
    caller told "save failed" would wrongly believe the old version is intact.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
