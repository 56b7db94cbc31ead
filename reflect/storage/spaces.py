"""The file work on whole spaces: making them, sealing them, re-keying them, tidying after them.

The use cases decide *what* happens to a person's spaces (see
:mod:`reflect.usecases.setup` and :mod:`reflect.usecases.keys`); the bytes are
moved here, always through :mod:`reflect.storage.atomic`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reflect.domain.profiles import ProfileError
from reflect.storage.atomic import read_private_bytes, read_space_bytes, save_private, save_private_many
from reflect.storage.backups import backups_of
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.errors import SaveFailed, StoreError

if TYPE_CHECKING:  # the cryptography loads only when a sealed space is used
    from reflect.storage.sealed import SealedSpace

Clock = Callable[[], datetime]


def create_space(path: Path, space: str, codec: Codec | None, now: Clock) -> None:
    """Make a new, empty space file; refuse if one is already there."""
    if path.exists():
        raise ProfileError(f"A space file is already there: {path.name}.")
    from reflect.storage.space_store import SpaceStore

    SpaceStore.open(path, space=space, codec=codec or PlainCodec(), now=now).close()


def seal_plain_journal(plain: Path, sealed: Path, space: str, seal: SealedSpace, now: Clock) -> None:
    """Write a sealed copy of a plain journal, after proving the plain one is sound.

    The plain file stays until :func:`remove_plain_copies` takes it away, once
    everything else about setup has been saved.
    """
    from reflect.storage.space_store import SpaceStore

    store = SpaceStore.open(plain, space=space, create=False, now=now)
    store.compact()  # its change log too, in the one file sealed below
    store.close()
    save_private(sealed, seal.seal(read_private_bytes(plain)))


def remove_plain_copies(plain: Path, backups_dir: Path) -> None:
    """Remove a plain journal and its backups (and any copy kept before a format
    change), once a sealed one has taken its place."""
    from reflect.storage.changelog import log_path

    for copy in [plain, log_path(plain), *space_copies(plain, backups_dir)]:
        if copy.exists():
            os.remove(copy)


def rewrap_space(path: Path, seal: SealedSpace) -> None:
    """Save a sealed space again with its header brought up to date (same contents, same key)."""
    save_private(path, seal.rewrap(read_space_bytes(path)))


def reseal_spaces(
    spaces: Iterable[tuple[Path, SealedSpace, SealedSpace, bytes]], *, backups_dir: Path, spaces_dir: Path
) -> None:
    """Seal each space (and its backups) under its new key, all saved together.

    ``spaces`` gives each space file with the seal it was opened under, the
    seal it now has, and the whole space as it stands (its change log folded
    in, :meth:`SpaceStore.folded_snapshot`). A backup that cannot be sealed again is removed after the
    save: it could only ever be opened by the old passphrase. On any failure
    before the files are swapped in, nothing on disk changes (a file that
    cannot be read or written is told as :class:`SaveFailed`).
    """
    files: list[tuple[Path, bytes]] = []
    stale: list[Path] = []
    try:
        for path, old, new, snapshot in spaces:
            files.append((path, new.seal(snapshot)))
            for backup in space_copies(path, backups_dir):
                try:
                    files.append((backup, new.reseal_from(old, read_private_bytes(backup))))
                except (StoreError, OSError):
                    stale.append(backup)
    except OSError as exc:
        raise SaveFailed(files[-1][0] if files else spaces_dir, exc.errno) from exc
    save_private_many(files)
    for backup in stale:
        with contextlib.suppress(OSError):
            os.remove(backup)


def space_copies(path: Path, backups_dir: Path) -> list[Path]:
    """The rotating backups of a space, and any copy kept before a schema upgrade."""
    return [*backups_of(path, backups_dir), *path.parent.glob(f"{path.name}.pre-v*.bak")]


def sweep_unfinished_saves(folders: Sequence[Path]) -> None:
    """Remove temp files left by a save that was killed half-way.

    Only called with the folder lock held, so no save can be in progress.
    The real files were never touched by such a save.
    """
    for folder in folders:
        for leftover in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
