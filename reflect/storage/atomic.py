"""Writing a file so that it is either wholly the old version or wholly the new.

A crash, a full disk or a pulled plug during a save must never leave a
half-written journal behind, so every save goes to a private temporary file in
the same folder, is flushed to the disk, and only then replaces the original.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from reflect.paths import PRIVATE_FILE_MODE
from reflect.storage.errors import SaveFailed, SpaceDamaged, SpaceMissing


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``, durably, leaving a private (0600) file.

    On any failure the temporary file is removed and the error is re-raised;
    the original file, if there was one, is byte-identical to before.
    """
    atomic_write_many([(Path(path), data)])


def atomic_write_many(files: list[tuple[Path, bytes]]) -> None:
    """Replace several files so that a failure while writing changes none of them.

    Every new version is written and synced to a temporary file first; only
    when all of them are on disk are they swapped in. (A crash between two of
    the final renames can still leave some swapped and some not; the window
    is a handful of renames, not the writing of the data.)
    """
    staged: list[tuple[str, Path]] = []
    swapped = False
    try:
        for path, data in files:
            staged.append((_stage(Path(path), data), Path(path)))
        for tmp_name, path in staged:
            os.replace(tmp_name, path)
        swapped = True
    finally:
        if not swapped:
            for tmp_name, _ in staged:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
    for folder in {path.parent for _, path in staged}:
        _fsync_folder(folder)


def stage_private(path: Path, data: bytes) -> str:
    """Write ``data`` durably to a private temporary file beside ``path`` and return its name,
    without replacing ``path`` (see :func:`swap_in` and :func:`drop_staged`). For work that
    writes on one thread and decides on another whether the new version goes in."""
    return _stage(Path(path), data)


def swap_in(tmp_name: str, path: Path) -> None:
    """Replace ``path`` with a file from :func:`stage_private`, durably (a rename)."""
    try:
        os.replace(tmp_name, path)
    except BaseException:
        drop_staged(tmp_name)
        raise
    _fsync_folder(Path(path).parent)


def drop_staged(tmp_name: str) -> None:
    """Remove a file from :func:`stage_private` that will not go in."""
    with contextlib.suppress(OSError):
        os.unlink(tmp_name)


def save_private(path: Path, data: bytes) -> None:
    """:func:`atomic_write_bytes`, with a failure told as :class:`SaveFailed`.

    The one way reflect's own files (spaces, profiles, settings) are saved.
    """
    save_private_many([(Path(path), data)])


def save_private_many(files: list[tuple[Path, bytes]]) -> None:
    """:func:`atomic_write_many`, with a failure told as :class:`SaveFailed`."""
    try:
        atomic_write_many(files)
    except OSError as exc:
        raise SaveFailed(files[-1][0] if files else Path("."), exc.errno) from exc


def read_space_bytes(path: Path) -> bytes:
    """The bytes of a saved file; :class:`SpaceMissing` if there is none, :class:`SpaceDamaged` if unreadable."""
    if not path.exists():
        raise SpaceMissing(path)
    try:
        return read_private_bytes(path)
    except OSError as exc:
        raise SpaceDamaged(path, f"The file could not be opened ({exc.strerror}).") from exc


def _stage(path: Path, data: bytes) -> str:
    """A synced, private temporary copy of ``data`` beside ``path``; its name."""
    import tempfile  # here, not at the top: commands that only read start quicker without it (and shutil)

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            # mkstemp asks for 0600, but the umask can still take bits away.
            os.fchmod(fd, PRIVATE_FILE_MODE)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return tmp_name


MAX_DATA_FILE_BYTES = 1024**3
"""Far larger than any file reflect writes; anything bigger is not reflect's."""


def open_private_file(path: Path) -> int:
    """A read-only descriptor of a file reflect wrote, and only of a plain file.

    A link, a pipe or a device put in its place raises :class:`OSError` at
    once instead of being followed or waited on. The caller closes it.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "it is a link to somewhere else, not a file reflect wrote", str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a plain file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_private_bytes(path: Path) -> bytes:
    """All the bytes of a file reflect wrote (read-only: nothing is changed).

    Only a plain file is read (see :func:`open_private_file`), and a file
    larger than any reflect writes raises :class:`OSError` instead of being
    read for ever.
    """
    with os.fdopen(open_private_file(path), "rb") as handle:
        if os.fstat(handle.fileno()).st_size > MAX_DATA_FILE_BYTES:
            raise OSError(errno.EFBIG, "it is far larger than any file reflect writes", str(path))
        return handle.read(MAX_DATA_FILE_BYTES + 1)


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


def move_aside(path: Path, new_path: Path) -> Path:
    """Rename ``path`` (whatever it is: a file, a link, which is not followed) to ``new_path``,
    durably, keeping it exactly as it was; ``new_path`` must not exist. Raises OSError."""
    if os.path.lexists(new_path):
        raise FileExistsError(errno.EEXIST, "already there", str(new_path))
    os.rename(path, new_path)
    _fsync_folder(Path(path).parent)
    return Path(new_path)
