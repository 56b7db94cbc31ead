"""Keys: a new passphrase, a recovery key, and unlocking with one.

A person's passphrase and recovery key change in all of their spaces at once,
or in none; the bytes are sealed again by :func:`reflect.storage.spaces.reseal_spaces`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reflect.domain.profiles import Profile, ProfileError, check_passphrase
from reflect.storage.spaces import reseal_spaces
from reflect.usecases.data_folder import DataFolder
from reflect.usecases.session import NotUnlocked, Session, recovery_slot

if TYPE_CHECKING:
    from reflect.storage.sealed import SealedSpace


@dataclass(frozen=True)
class KeyChange:
    """What a passphrase or recovery-key change did, to be told exactly."""

    recovery: bool
    shared: bool
    recovery_dropped: bool
    recovery_key: str | None = None

    @property
    def message(self) -> str:
        from reflect.usecases import wording

        parts = [wording.RECOVERY_KEY_CHANGED if self.recovery else wording.PASSPHRASE_CHANGED]
        if self.shared:
            parts.append(wording.SHARED_KEEPS_ITS_KEY)
        if self.recovery_dropped:
            parts.append(wording.RECOVERY_KEY_DROPPED)
        return " ".join(parts)


class Keys:
    """Passphrase and recovery-key changes for whoever is unlocked in ``session``."""

    def __init__(self, folder: DataFolder, session: Session) -> None:
        self.folder = folder
        self.session = session

    def change_passphrase(self, new_passphrase: str, *, current: str) -> KeyChange:
        """Give the current person a new passphrase, if ``current`` is their passphrase now.

        Whoever holds the keyboard while a journal is open is not always the
        person who unlocked it: without the passphrase now, nothing changes.
        """
        self._check_current_passphrase(current)
        return self.set_passphrase(new_passphrase)

    def set_passphrase(self, new_passphrase: str) -> KeyChange:
        """Give the current person a new passphrase, and their journal a new data key.

        Only for a caller that has just checked who is here (an unlock with the
        recovery key); everyone else goes through :meth:`change_passphrase`.

        The private space and its backups are sealed again under a new key, so
        the old passphrase opens none of them. The shared space keeps its key
        (a new one would need the partner's passphrase too); the person's slot
        in it and in its backups is replaced. All of their spaces change, or
        none. Without the recovery key at hand its slot cannot follow the new
        key, so it is removed everywhere, and the result says so.
        """
        profile = self._require_current()
        check_passphrase(new_passphrase)
        self._require_every_space_open()
        return self._change_keys(
            lambda seal: seal.change_passphrase(profile.slot_id, new_passphrase, self.folder.kdf),
            recovery=False,
        )

    def add_recovery_key(self, *, current: str) -> str:
        """Make a recovery key that opens every sealed space of the current person.

        Like a passphrase change, the private space gets a new data key and its
        backups are sealed again, so an earlier recovery key opens nothing.
        """
        return self.change_recovery_key(current=current).recovery_key or ""

    def change_recovery_key(self, *, current: str) -> KeyChange:
        """:meth:`add_recovery_key`, with a sentence that says what changed.

        ``current`` must be the person's passphrase now (see :meth:`change_passphrase`).
        """
        profile = self._require_current()
        if not self.session.seals:
            raise ProfileError("This journal has no passphrase, so it has no recovery key.")
        self._check_current_passphrase(current)
        self._require_every_space_open()
        keys: list[str] = []

        def add(seal: SealedSpace) -> None:
            keys.append(
                seal.add_recovery_key(self.folder.kdf, slot_id=recovery_slot(profile), key=keys[0] if keys else None)
            )

        change = self._change_keys(add, recovery=True)
        return KeyChange(recovery=True, shared=change.shared, recovery_dropped=False, recovery_key=keys[0])

    def _change_keys(self, change: Callable[[SealedSpace], None], *, recovery: bool) -> KeyChange:
        """Apply a key change to every open sealed space and its backups, saved all together.

        Private spaces get a new data key; backups sealed under the old key are
        sealed again under the new one (a backup that cannot be is removed).
        On any failure before the files are swapped in, nothing changes on
        disk or in memory.
        """
        from reflect.storage.sealed import is_recovery_slot

        profile = self._require_current()
        # A space opened head first is read whole under the key it was sealed with,
        # before that key changes (its older part is checked with it).
        self.session.read_whole()
        seals = self.session.seals
        shared = self.folder.household.shared_space
        snapshots = {space: seal.slots_snapshot() for space, seal in seals.items()}
        olds = {space: seal.clone() for space, seal in seals.items()}
        try:
            dropped: set[str] = set()
            for space, seal in seals.items():
                change(seal)
                if space != shared:
                    lost = seal.rekey()
                    if profile.slot_id in lost:
                        raise ProfileError(
                            "Your passphrase is needed again for this change. Lock and unlock, then try again."
                        )
                    dropped.update(lost)
            dropped_recovery = {slot for slot in dropped if is_recovery_slot(slot)}
            for seal in seals.values():
                for slot in dropped_recovery & set(seal.slot_ids):
                    seal.remove_slot(slot)
            # Each whole space, its change log folded in, sealed under the new key.
            folded = [
                (self.folder.space_path(space), olds[space], seal, self.session.stores[space].folded_snapshot())
                for space, seal in seals.items()
            ]
            # A day's backup being copied on a worker (usecases/day_backup.py) finishes
            # first, and one not copied yet is never written after this.
            with self.folder.backups_lock:
                self.folder.key_epoch += 1
                reseal_spaces(
                    folded, backups_dir=self.folder.layout.backups_dir, spaces_dir=self.folder.layout.spaces_dir
                )
            for space in seals:
                self.session.stores[space].snapshot_written()
        except BaseException:
            for space, snapshot in snapshots.items():
                seals[space].restore_slots(snapshot)
            raise
        finally:
            for old in olds.values():
                old.forget()
        self.session.remember_counters()
        return KeyChange(
            recovery=recovery,
            shared=shared is not None and shared in seals,
            recovery_dropped=bool(dropped_recovery),
        )

    def check_current_passphrase(self, typed: str) -> None:
        """Raise :class:`ProfileError` with a plain sentence unless ``typed`` is the passphrase
        of the person who unlocked, as it is now."""
        self._check_current_passphrase(typed)

    def _check_current_passphrase(self, typed: str) -> None:
        """Refuse a key change unless ``typed`` opens the person's own slot in their journal.

        The check uses the journal as it is in memory, not the file on disk,
        which someone else could have swapped.
        """
        from reflect.usecases import wording

        profile = self._require_current()
        seal = self.session.seals.get(profile.space)
        if seal is None:
            raise ProfileError(wording.NO_PASSPHRASE_TO_CHECK)
        if not typed:
            raise ProfileError(wording.CURRENT_PASSPHRASE_NEEDED)
        if not seal.passphrase_opens(profile.slot_id, typed):
            raise ProfileError(wording.NOT_THE_CURRENT_PASSPHRASE)

    def _require_every_space_open(self) -> None:
        """A passphrase or recovery key must change in all of a person's spaces at once."""
        if self.session.unavailable:
            raise ProfileError(
                "The shared space cannot be opened just now, so your passphrase and recovery "
                "key cannot change yet: they must stay the same for all your spaces. "
                "`reflect check` shows what is wrong with it."
            )

    def _require_current(self) -> Profile:
        if self.session.current is None:
            raise NotUnlocked("nobody is unlocked")
        return self.session.current
