"""The data folder, opened for use: its layout, the folder lock, the settings,
who uses it (the household) and the daily backups.

Everything else in :mod:`reflect.usecases` is handed a :class:`DataFolder`
rather than finding the files itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reflect.domain.clock import Clock, local_now
from reflect.domain.profiles import LEGACY_SPACE, Household, Profile, Role
from reflect.paths import DataLayout
from reflect.storage.errors import HouseholdTampered, StoreError
from reflect.storage.household import load_household, save_household
from reflect.storage.settings import Settings, load_settings, save_settings

if TYPE_CHECKING:  # the cryptography loads only when needed
    from reflect.storage.lock import DataFolderLock
    from reflect.storage.space_store import SpaceStore
    from reflect.storage.sealed import KdfParams, SpaceIdentity
    from reflect.storage.seen import SeenRecords

# The one person of a data folder made before profiles existed: no passphrase.
LEGACY_PROFILE = Profile(
    id="me", name="Me", role=Role.INDIVIDUAL, space=LEGACY_SPACE, protected=False
)


class DataFolder:
    """One data folder: where its files are, who uses it, and whether this copy of reflect may write."""

    def __init__(
        self,
        layout: DataLayout,
        *,
        settings: Settings,
        now: Clock,
        lock: DataFolderLock | None,
        household: Household | None,
        kdf: KdfParams | None,
    ) -> None:
        self.layout = layout
        self.settings = settings
        self.now = now
        self._kdf = kdf
        self._lock = lock
        self._household = household
        self._listed = household
        """The household as profiles.json shows it (``_household`` may use vouched names, see :meth:`trust_names`)."""
        self._backed_up: set[Path] = set()
        self.backups_lock = threading.Lock()
        """Held while backups are written or sealed again: the app copies the day's
        backup on a worker thread (see ``usecases/day_backup.py``)."""
        self.key_epoch = 0
        """Counts key changes: a backup sealed before one is never written after it."""

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        now: Clock = local_now,
        take_lock: bool = True,
        kdf: KdfParams | None = None,
    ) -> "DataFolder":
        """Open a data folder, creating it privately if needed.

        ``take_lock`` is False only for read-only commands; anything that
        writes holds the folder lock so a second copy of reflect cannot
        overwrite the first one's work.
        """
        layout = DataLayout(data_dir)
        lock = None
        if take_lock:  # what only writing needs is imported here (start-up of `reflect list`)
            from reflect.storage.lock import DataFolderLock
            from reflect.storage.spaces import sweep_unfinished_saves

            layout.ensure()
            lock = DataFolderLock(layout.lock_file)
            lock.acquire()
            sweep_unfinished_saves([layout.root, layout.spaces_dir])
        try:
            settings = load_settings(layout.settings_file)
            household = load_household(layout.household_file)
        except BaseException:
            if lock:
                lock.release()
            raise
        return cls(layout, settings=settings, now=now, lock=lock, household=household, kdf=kdf)

    def release(self) -> None:
        """Let another copy of reflect write here."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @property
    def writable(self) -> bool:
        """True while this copy of reflect holds the folder lock."""
        return self._lock is not None

    @property
    def kdf(self) -> KdfParams:
        """Key-derivation settings for new passphrases (tests pass cheap ones)."""
        from reflect.storage.sealed import KdfParams

        return self._kdf or KdfParams.REAL

    # who uses this folder

    @property
    def is_set_up(self) -> bool:
        """True once profiles exist. Before that, one unprotected journal serves."""
        return self._household is not None

    @property
    def household(self) -> Household:
        return self._household or Household((LEGACY_PROFILE,))

    def is_alone_here(self, profile: Profile) -> bool:
        """True when the folder is set up for ``profile`` alone: no partner, no shared
        space. The commands that read or append without the whole unlock
        (``reflect write``, ``list -n``, ``list --contains``) take only this case."""
        household = self._household
        return (
            household is not None
            and household.shared_space is None
            and len(household.profiles) == 1
            and household.profiles[0] == profile
        )

    def save_household(self, household: Household) -> None:
        save_household(self.layout.household_file, household)
        self._household = self._listed = household

    def trust_names(self, names: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """Call the people by ``names`` (profile id to name), the names a sealed space
        vouches for, from now on in this session; profiles.json is not written.

        Returns each name profiles.json shows that differs: (name there, vouched name).
        """
        if self._listed is None:
            return ()
        self._household = self._listed.with_names(names)
        return self._listed.renamed_in(names)

    def space_is_sealed(self, space: str) -> bool:
        return self.household.is_sealed(space)

    def space_path(self, space: str) -> Path:
        return self.layout.space_file(space, sealed=self.space_is_sealed(space))

    def identity(self, space: str, owner: Profile | None = None) -> SpaceIdentity:
        """The space a sealed file must hold: what its name and owner say it is."""
        from reflect.storage.sealed import SpaceIdentity

        if space == self.household.shared_space:
            return SpaceIdentity.shared(space)
        if owner is None:
            owner = next(p for p in self.household.profiles if p.space == space)
        return SpaceIdentity.private(space, owner.id)

    def refuse_downgrade(self) -> None:
        """profiles.json is not authenticated: it cannot make a sealed space plain.

        Only a lone person may be without a passphrase, and such a folder never
        has a sealed file. So a sealed file (or sealed backup) beside a person
        without a passphrase, or beside no profiles.json at all, or a shared
        space in a folder that lists one person, means the household file was
        changed outside reflect. Nothing is opened, so a passphrase typed out
        of habit is never taken as journal text.
        """
        shared = self.layout.space_file("shared", sealed=True)
        unprotected = any(not p.protected for p in self.household.profiles)
        if (unprotected and self.sealed_here()) or (not self.household.is_couple and shared.exists()):
            raise HouseholdTampered(self.layout.household_file)

    def sealed_here(self) -> bool:
        """Any sign that someone here has a passphrase: a sealed space, a sealed
        backup, or a save counter kept for one."""
        return (
            any(self.layout.spaces_dir.glob("*.sealed"))
            or any(self.layout.backups_dir.glob("*.sealed"))
            # (no seen.json: nothing kept, and storage.seen is not even loaded, for start-up)
            or (self.layout.seen_file.is_symlink() or self.layout.seen_file.exists()) and bool(self.load_seen())
        )

    def load_seen(self) -> SeenRecords:
        from reflect.storage.seen import load_seen

        return load_seen(self.layout.seen_file)

    # settings and backups

    def save_settings(self) -> None:
        save_settings(self.layout.settings_file, self.settings)

    def back_up_once(self, stores: Iterable[SpaceStore]) -> None:
        """One rotating backup of each file per session, taken when it is first opened.

        A space's change log is folded into its file first, so that a backup
        is one whole file. A backup that cannot be written is not a reason to
        refuse someone their journal; ``reflect check`` lists what backups exist.
        """
        from reflect.storage.backups import make_backup
        from reflect.storage.changelog import backup_due

        stores = list(stores)
        for path in [self.layout.household_file, *(store.path for store in stores)]:
            if path in self._backed_up or not self._lock:
                continue
            try:
                store = next((s for s in stores if s.path == path), None)
                if store is not None and backup_due(path, self.layout.backups_dir, self.now()):
                    store.compact()
                with self.backups_lock:
                    make_backup(path, self.layout.backups_dir, self.now())
            except (OSError, StoreError):
                continue
            self._backed_up.add(path)

    def backed_up(self, path: Path) -> bool:
        """True once this session took (or found) today's backup of ``path``."""
        return path in self._backed_up

    def mark_backed_up(self, path: Path) -> None:
        self._backed_up.add(path)

    def back_up_before_upgrade(self, path: Path) -> None:
        """A copy of a space kept before its format is brought up to date."""
        from reflect.storage.backups import make_backup

        make_backup(path, self.layout.backups_dir, self.now(), force=True)
