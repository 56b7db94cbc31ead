"""One copy of reflect at a time per data folder.

Two copies writing the same spaces would overwrite each other's entries, so the
app holds an exclusive ``flock`` on a lock file while it runs. The kernel drops
the lock when the process ends, however it ends, so a crash never leaves the
folder locked.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from pathlib import Path
from types import TracebackType

from reflect.paths import PRIVATE_FILE_MODE
from reflect.storage.errors import DataFolderBusy, StoreError


class LockFileNotPlain(StoreError):
    """``reflect.lock`` is a link, a folder or something else reflect did not make."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"lock file is not a plain file: {self.path}")

    @property
    def user_message(self) -> str:  # type: ignore[override]
        return (
            f"{self.path} is not a plain file (it may be a link to another file), so reflect "
            "left it alone and changed nothing. Remove it while reflect is closed, then try again."
        )


class DataFolderLock:
    """An exclusive lock on a data folder, held through the file at ``path``.

    ``flock`` belongs to an open file description, so two ``DataFolderLock``
    objects on the same file conflict even inside one process. The folder that
    holds ``path`` must exist.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`DataFolderBusy` at once if it is taken."""
        if self._fd is not None:
            return
        # Python opens it non-inheritable (PEP 446): a program reflect starts,
        # such as an editor, cannot keep the folder busy after reflect quits.
        # O_NOFOLLOW: a symbolic link put in its place is refused, never
        # followed, so no other file of this account gets its mode changed.
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, PRIVATE_FILE_MODE)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO, errno.EISDIR):
                raise LockFileNotPlain(self.path) from None
            raise
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
                # A hard link shares its mode with another name: leave it alone.
                raise LockFileNotPlain(self.path)
            if stat.S_IMODE(info.st_mode) != PRIVATE_FILE_MODE:
                with contextlib.suppress(OSError):
                    os.fchmod(fd, PRIVATE_FILE_MODE)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DataFolderBusy(self.path) from None
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock; harmless when it is not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> "DataFolderLock":
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"DataFolderLock({str(self.path)!r}, held={self.held})"
