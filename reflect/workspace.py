"""Use cases: what a person can do with their data folder, without any UI.

The app and the command line both go through a :class:`Workspace`, so the
rules live in one place. It holds the folder lock (one writer at a time), the
packs, the settings, the household (who uses this folder) and, once someone
has unlocked, the spaces that person may open — never anyone else's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from reflect.domain.content import Pack, PackLoad, Prompt, Section
from reflect.domain.entries import Entry, EntryFilter, explored_sections, new_entry
from reflect.domain.profiles import (
    LEGACY_SPACE,
    Household,
    Profile,
    ProfileError,
    Role,
    check_passphrase,
    new_profile,
)
from reflect.paths import DataLayout, builtin_packs_dir
from reflect.settings import Settings, load_settings, save_settings
from reflect.storage.atomic import atomic_write_bytes, atomic_write_many, read_private_bytes
from reflect.storage.backups import backups_of, make_backup
from reflect.storage.changelog import backup_due, log_path
from reflect.storage.codec import PlainCodec
from reflect.storage.errors import (
    JOURNAL_REPLACED,
    MEMBERS_DIFFER,
    OLD_FORMAT_AGAIN,
    OLD_FORMAT_UNCHECKED,
    PLAIN_WHERE_SEALED,
    SAME_KEY_AS_SHARED,
    SHARED_REPLACED,
    HouseholdTampered,
    SaveFailed,
    SpaceDamaged,
    SpaceMissing,
    SpaceTampered,
    StoreError,
    WrongPassphrase,
)
from reflect.storage.household import load_household, save_household
from reflect.storage.lock import DataFolderLock
from reflect.storage.space_store import SpaceStore

if TYPE_CHECKING:  # the cryptography and the pack parser load only when needed
    from reflect.storage.sealed import KdfParams, SealedSpace, SpaceIdentity

Clock = Callable[[], datetime]

# The one person of a data folder made before profiles existed: no passphrase.
LEGACY_PROFILE = Profile(
    id="me", name="Me", role=Role.INDIVIDUAL, space=LEGACY_SPACE, protected=False
)


_PLAIN = PlainCodec()


def local_now() -> datetime:
    """The current time, timezone-aware, in the machine's local zone."""
    return datetime.now(timezone.utc).astimezone()


def recovery_slot(profile: Profile) -> str:
    return f"recovery-{profile.id}"


@dataclass(frozen=True)
class NewPerson:
    """What setup needs to know about one person. ``passphrase`` None: unprotected."""

    name: str
    role: Role
    passphrase: str | None


class NotUnlocked(RuntimeError):
    """A space was used before anyone unlocked it."""


class Workspace:
    """One data folder, opened for use."""

    def __init__(
        self,
        layout: DataLayout,
        *,
        pack_dirs: list[Path],
        settings: Settings,
        now: Clock,
        lock: DataFolderLock | None,
        household: Household | None,
        kdf: KdfParams | None,
    ) -> None:
        self.layout = layout
        self._pack_dirs = pack_dirs
        self._packs: PackLoad | None = None
        self.settings = settings
        self.now = now
        self._kdf = kdf
        self._lock = lock
        self._household = household
        self.current: Profile | None = None
        self.active_space: str | None = None
        self._stores: dict[str, SpaceStore] = {}
        self._seals: dict[str, SealedSpace] = {}
        self._backed_up: set[Path] = set()
        self.unavailable: dict[str, str] = {}
        """Spaces this person may open that could not be opened, with the reason."""

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        now: Clock = local_now,
        pack_dirs: Iterable[Path] | None = None,
        take_lock: bool = True,
        kdf: KdfParams | None = None,
    ) -> "Workspace":
        """Open a data folder, creating it privately if needed.

        ``take_lock`` is False only for read-only commands; anything that
        writes holds the folder lock so a second copy of reflect cannot
        overwrite the first one's work.
        """
        layout = DataLayout(data_dir)
        lock = None
        if take_lock:
            layout.ensure()
            lock = DataFolderLock(layout.lock_file)
            lock.acquire()
            _sweep_unfinished_saves(layout)
        try:
            dirs = list(pack_dirs) if pack_dirs is not None else [builtin_packs_dir(), layout.root / "packs"]
            settings = load_settings(layout.settings_file)
            household = load_household(layout.household_file)
        except BaseException:
            if lock:
                lock.release()
            raise
        return cls(
            layout,
            pack_dirs=dirs,
            settings=settings,
            now=now,
            lock=lock,
            household=household,
            kdf=kdf,
        )

    @property
    def packs(self) -> PackLoad:
        """The prompt packs, read on first use (a quick `reflect write` never needs them)."""
        if self._packs is None:
            from reflect.content.packs import load_packs

            self._packs = load_packs(self._pack_dirs)
        return self._packs

    @property
    def kdf(self) -> KdfParams:
        """Key-derivation settings for new passphrases (tests pass cheap ones)."""
        from reflect.storage.sealed import KdfParams

        return self._kdf or KdfParams.REAL

    def close(self) -> None:
        self.lock()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # who uses this folder

    @property
    def is_set_up(self) -> bool:
        """True once profiles exist. Before that, one unprotected journal serves."""
        return self._household is not None

    @property
    def household(self) -> Household:
        return self._household or Household((LEGACY_PROFILE,))

    @property
    def is_unlocked(self) -> bool:
        return self.current is not None

    def space_is_sealed(self, space: str) -> bool:
        if space == self.household.shared_space:
            return True
        owner = next((p for p in self.household.profiles if p.space == space), None)
        return bool(owner and owner.protected)

    def space_path(self, space: str) -> Path:
        return self.layout.space_file(space, sealed=self.space_is_sealed(space))

    def _identity(self, space: str, owner: Profile | None = None) -> SpaceIdentity:
        """The space a sealed file must hold: what its name and owner say it is."""
        from reflect.storage.sealed import SpaceIdentity

        if space == self.household.shared_space:
            return SpaceIdentity.shared(space)
        if owner is None:
            owner = next(p for p in self.household.profiles if p.space == space)
        return SpaceIdentity.private(space, owner.id)

    def _refuse_downgrade(self) -> None:
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
        if (unprotected and self._sealed_here()) or (not self.household.is_couple and shared.exists()):
            raise HouseholdTampered(self.layout.household_file)

    def _sealed_here(self) -> bool:
        """Any sign that someone here has a passphrase: a sealed space, a sealed
        backup, or a save counter kept for one."""
        return (
            any(self.layout.spaces_dir.glob("*.sealed"))
            or any(self.layout.backups_dir.glob("*.sealed"))
            or bool(self._load_seen())
        )

    def set_up(self, people: Sequence[NewPerson]) -> list[Profile]:
        """Create the profiles and their spaces: one person, or a couple.

        A journal written before setup (by ``reflect write``) becomes the first
        person's private journal, sealed with their passphrase if they chose one.
        The household file is written last, so an interrupted setup leaves the
        folder as it was.
        """
        if self.is_set_up:
            raise ProfileError("reflect is already set up in this folder.")
        if self._sealed_here():
            # profiles.json went missing, but someone here has a passphrase.
            raise HouseholdTampered(self.layout.household_file)
        if not 1 <= len(people) <= 2:
            raise ProfileError("Set up one person, or a couple.")
        household = Household()
        profiles: list[Profile] = []
        for index, person in enumerate(people):
            if person.passphrase is not None:
                check_passphrase(person.passphrase)
            profile = new_profile(person.name, person.role, protected=person.passphrase is not None)
            if index == 0 and self.layout.space_file(LEGACY_SPACE).exists():
                profile = Profile(profile.id, profile.name, profile.role, LEGACY_SPACE, profile.protected)
            household = household.with_profile(profile)
            profiles.append(profile)
        secrets = {p.id: person.passphrase for p, person in zip(profiles, people)}
        for profile in profiles:
            self._create_private_space(profile, secrets[profile.id])
        if household.is_couple:
            from reflect.storage.sealed import SealedSpace, SpaceIdentity

            first, second = profiles
            seal = SealedSpace.create(
                first.slot_id, secrets[first.id], self.kdf, identity=SpaceIdentity.shared(household.shared_space)
            )
            seal.add_slot(second.slot_id, secrets[second.id], self.kdf)
            self._create_space(household.shared_space, seal)
        save_household(self.layout.household_file, household)
        self._household = household
        self._remove_plain_leftovers(profiles)
        return profiles

    def add_profile(
        self, name: str, role: Role, passphrase: str | None, *, partner_passphrase: str | None = None
    ) -> Profile:
        """Add a person from the command line. The second person makes a couple.

        Making a couple creates the shared space, wrapped for both partners,
        so the first partner's passphrase is needed (and checked) too.
        """
        if not self.is_set_up:
            [profile] = self.set_up([NewPerson(name, role, passphrase)])
            return profile
        if passphrase is not None:
            check_passphrase(passphrase)
        profile = new_profile(name, role, protected=passphrase is not None)
        household = self.household.with_profile(profile)  # the rules: who may join
        first = household.profiles[0]
        if partner_passphrase is None:
            raise ProfileError(f"{first.name}'s passphrase is needed to create the shared space.")
        self.unlock(first, partner_passphrase)  # proves it, before anything is written
        self.lock()
        self._create_private_space(profile, passphrase)
        from reflect.storage.sealed import SealedSpace, SpaceIdentity

        seal = SealedSpace.create(
            first.slot_id, partner_passphrase, self.kdf, identity=SpaceIdentity.shared(household.shared_space)
        )
        seal.add_slot(profile.slot_id, passphrase, self.kdf)
        self._create_space(household.shared_space, seal)
        save_household(self.layout.household_file, household)
        self._household = household
        return profile

    def _create_private_space(self, profile: Profile, passphrase: str | None) -> None:
        from reflect.storage.sealed import SealedSpace, SpaceIdentity

        identity = SpaceIdentity.private(profile.space, profile.id)
        seal = SealedSpace.create(profile.slot_id, passphrase, self.kdf, identity=identity) if passphrase else None
        legacy = self.layout.space_file(LEGACY_SPACE)
        if profile.space == LEGACY_SPACE and legacy.exists():
            if seal is not None:
                store = SpaceStore.open(legacy, space=LEGACY_SPACE, create=False, now=self.now)
                store.compact()  # its change log too, in the one file sealed below
                store.close()  # proves the old journal is sound before sealing it
                _write(self.layout.space_file(LEGACY_SPACE, sealed=True), seal.seal(read_private_bytes(legacy)))
            return
        self._create_space(profile.space, seal)

    def _create_space(self, space: str, seal: SealedSpace | None) -> None:
        path = self.layout.space_file(space, sealed=seal is not None)
        if path.exists():
            raise ProfileError(f"A space file is already there: {path.name}.")
        SpaceStore.open(path, space=space, codec=seal or _PLAIN, now=self.now).close()

    def _remove_plain_leftovers(self, profiles: list[Profile]) -> None:
        """Once a legacy journal is sealed, no readable copy may stay behind: not the
        file itself, and not its backups."""
        for profile in profiles:
            plain = self.layout.space_file(profile.space)
            if profile.protected:
                for copy in [plain, log_path(plain), *backups_of(plain, self.layout.backups_dir)]:
                    if copy.exists():
                        os.remove(copy)

    # unlocking

    def unlock(self, profile: Profile, passphrase: str | None) -> None:
        """Open every space this person may open, with their passphrase.

        Raises WrongPassphrase, SpaceDamaged and friends; on any failure
        nothing stays open.
        """
        self.adopt(self.open_for(profile, passphrase))

    def open_for(self, profile: Profile, passphrase: str | None, *, slot: str | None = None) -> "OpenedSpaces":
        """Derive the keys and open this person's spaces, without touching what is open now.

        Safe to run in a worker thread: the result is adopted (or discarded)
        afterwards on the main thread, so a lock that happens meanwhile can
        never be undone by an unlock that finishes late. The private space is
        required; a damaged or missing shared space is left closed and its
        problem kept in ``unavailable``.
        """
        opened = OpenedSpaces(profile)
        try:
            self._refuse_downgrade()
            seen = self._load_seen()
            for space in self.household.spaces_for(profile):
                try:
                    self._open_space(opened, space, slot or profile.slot_id, passphrase, seen)
                except StoreError as error:
                    # One passphrase opens all of a person's spaces (it only ever
                    # changes in all of them at once), so when it opens one and not
                    # the other, a file was replaced: never say they mistyped.
                    if space == profile.space:
                        if isinstance(error, WrongPassphrase) and self._opens_shared(
                            opened, slot or profile.slot_id, passphrase
                        ):
                            raise SpaceTampered(self.space_path(space), JOURNAL_REPLACED) from None
                        raise
                    if isinstance(error, WrongPassphrase) and profile.space in opened.seals:
                        error = SpaceTampered(self.space_path(space), SHARED_REPLACED)
                    opened.unavailable[space] = error.user_message
            self._upgrade_old_formats(opened)
        except BaseException:
            opened.discard()
            raise
        return opened

    def adopt(self, opened: "OpenedSpaces") -> None:
        """Make ``opened`` the unlocked state (main thread only)."""
        self.lock()
        self._stores, self._seals = opened.stores, opened.seals
        self.unavailable = dict(opened.unavailable)
        self.current = opened.profile
        self.active_space = opened.profile.space
        self._back_up_once(self._stores.values())
        self._remember_counters()

    def unlock_with_recovery(self, profile: Profile, recovery_key: str, new_passphrase: str) -> None:
        """Open with the one-time recovery key, and set a new passphrase at once.

        If the new passphrase cannot be saved, nothing stays open.
        """
        check_passphrase(new_passphrase)
        self.adopt(self._open_with_recovery_key(profile, recovery_key))
        try:
            self.change_passphrase(new_passphrase)
        except BaseException:
            self.lock()
            raise

    def _open_with_recovery_key(self, profile: Profile, typed: str) -> "OpenedSpaces":
        """Try every reading of a hand-typed key (0 or O, 1 or I or L); say what is really wrong."""
        from reflect.domain import recovery_keys
        from reflect.storage.sealed import WrongPassphrase

        candidates = recovery_keys.readings(typed)
        if not candidates:
            raise WrongPassphrase(recovery_keys.problem_with(typed))
        refusal: WrongPassphrase | None = None
        for candidate in candidates:
            try:
                return self.open_for(profile, candidate, slot=recovery_slot(profile))
            except WrongPassphrase as error:
                refusal = error
        if refusal is not None and refusal.user_message != WrongPassphrase().user_message:
            raise refusal  # e.g. no recovery key was ever made
        raise WrongPassphrase(recovery_keys.DOES_NOT_OPEN.format(name=profile.name))

    def _open_space(
        self, opened: "OpenedSpaces", space: str, slot: str, secret: str | None, seen: dict
    ) -> None:
        path = self.space_path(space)
        codec = _PLAIN
        at_least = None
        if self.space_is_sealed(space):
            from reflect.storage.sealed import SealedSpace, SealedTampered, is_recovery_slot, is_sealed

            plain_sibling = self.layout.space_file(space)
            if not path.exists() and plain_sibling.exists():
                raise SpaceTampered(plain_sibling, PLAIN_WHERE_SEALED)
            blob = read_private_bytes_or_damaged(path)
            if blob and not is_sealed(blob):
                raise SpaceTampered(path, PLAIN_WHERE_SEALED)
            owner = opened.profile if space == opened.profile.space else None
            try:
                seal, _ = SealedSpace.unlock(blob, slot, secret or "", expect=self._identity(space, owner))
            except SealedTampered as error:
                raise SpaceTampered(path, error.user_message) from None
            opened.seals[space] = seal
            if space == self.household.shared_space:
                members = {s for s in seal.slot_ids if not is_recovery_slot(s)}
                if members != {p.slot_id for p in self.household.profiles}:
                    raise SpaceTampered(path, MEMBERS_DIFFER)
            record = seen.get(space)
            if record is not None and seal.check_counter_proof(record.counter, record.proof):
                # Checked by the store, once its change log is counted too.
                at_least = record.counter
            elif seal.needs_upgrade and record is not None:
                # This space was already in the new format once: an old-format
                # file now is a copy from before, or a forgery.
                raise SpaceTampered(path, OLD_FORMAT_AGAIN)
            codec = seal
        opened.stores[space] = SpaceStore.open(
            path,
            space=space,
            codec=codec,
            at_least=at_least,
            # Only the unprotected journal of a folder not yet set up is made on
            # first use, and only by a copy of reflect that holds the lock.
            create=not self.is_set_up and self._lock is not None,
            now=self.now,
            read_only=self._lock is None,
        )

    def _back_up_once(self, stores: Iterable[SpaceStore]) -> None:
        """One rotating backup of each space per session, taken when it is first opened.

        A backup that cannot be written is not a reason to refuse someone
        their journal; ``reflect check`` lists what backups exist.
        """
        stores = list(stores)
        for path in [self.layout.household_file, *(store.path for store in stores)]:
            if path in self._backed_up or not self._lock:
                continue
            try:
                store = next((s for s in stores if s.path == path), None)
                if store is not None and backup_due(path, self.layout.backups_dir, self.now()):
                    store.compact()  # a backup is one whole file
                make_backup(path, self.layout.backups_dir, self.now())
            except (OSError, StoreError):
                continue
            self._backed_up.add(path)

    def _opens_shared(self, opened: "OpenedSpaces", slot: str, secret: str | None) -> bool:
        """True if ``secret`` opens the shared space (asked only after the journal refused it)."""
        shared = self.household.shared_space
        if shared is None or not secret:
            return False
        from reflect.storage.sealed import SealedSpace

        try:
            seal, _ = SealedSpace.unlock(
                read_private_bytes_or_damaged(self.space_path(shared)), slot, secret, expect=self._identity(shared)
            )
        except (StoreError, OSError):
            return False
        seal.forget()
        return True

    def _load_seen(self) -> dict:
        from reflect.storage.seen import load_seen

        return load_seen(self.layout.seen_file)

    def _remember_counters(self) -> None:
        """Keep the save counters of the open sealed spaces outside their files.

        Only a copy of reflect that holds the folder lock writes them. A record
        that cannot be written is not a reason to refuse someone their journal.
        """
        if self._lock is None:
            return
        from reflect.storage.seen import Seen, record_seen

        updates = {
            space: Seen(seal.counter, seal.counter_proof(seal.counter))
            for space, seal in self._seals.items()
            if seal.is_unlocked
        }
        try:
            record_seen(self.layout.seen_file, updates)
        except OSError:
            pass

    def _upgrade_old_formats(self, opened: "OpenedSpaces") -> None:
        """Bring spaces sealed by format 1 up to date, after a backup copy.

        A format 1 file, or a format 1 slot (one not yet re-bound since the
        upgrade), does not say which space it opens, so a space opened that way
        is taken as the person's own only if it has a key of its own: not the
        shared space's key, which is what a partner would forge one with.
        """
        shared = self.household.shared_space
        if shared in opened.seals:
            # Every space has a key of its own; checked for every space, as a
            # second line behind the binding of slots to their space.
            for space, seal in opened.seals.items():
                if space != shared and seal.same_key_as(opened.seals[shared]):
                    raise SpaceTampered(self.space_path(space), SAME_KEY_AS_SHARED)
        unbound = [space for space, seal in opened.seals.items() if seal.opened_unbound or seal.needs_upgrade]
        if not unbound:
            return
        for space in unbound:
            if space != shared and shared is not None and shared not in opened.seals:
                # Without the shared space's key, a forgery cannot be ruled out.
                raise SpaceDamaged(self.space_path(space), OLD_FORMAT_UNCHECKED)
        if self._lock is None:
            return  # a reader without the lock upgrades nothing
        for space in unbound:
            seal = opened.seals[space]
            path = self.space_path(space)
            blob = read_private_bytes_or_damaged(path)
            if seal.needs_upgrade:
                make_backup(path, self.layout.backups_dir, self.now(), force=True)
            _write(path, seal.rewrap(blob))

    def lock(self) -> None:
        """Close every open space and drop the keys held in memory."""
        self._remember_counters()
        for store in self._stores.values():
            store.close()
        for seal in self._seals.values():
            seal.forget()
        self._stores = {}
        self._seals = {}
        self.unavailable = {}
        self.current = None
        self.active_space = None

    def open_without_passphrase(self) -> None:
        """Before setup, or for a lone unprotected profile: open its journal."""
        self.adopt(self.open_unprotected())

    def open_unprotected(self) -> "OpenedSpaces":
        """The lone unprotected person's spaces, opened (see :meth:`open_for`)."""
        profiles = self.household.profiles
        if len(profiles) == 1 and not profiles[0].protected:
            return self.open_for(profiles[0], None)
        raise NotUnlocked("a passphrase is needed")

    def change_passphrase(self, new_passphrase: str) -> "KeyChange":
        """Give the current person a new passphrase, and their journal a new data key.

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
            lambda seal: seal.change_passphrase(profile.slot_id, new_passphrase, self.kdf),
            recovery=False,
        )

    def add_recovery_key(self) -> str:
        """Make a recovery key that opens every sealed space of the current person.

        Like a passphrase change, the private space gets a new data key and its
        backups are sealed again, so an earlier recovery key opens nothing.
        """
        return self.change_recovery_key().recovery_key or ""

    def change_recovery_key(self) -> "KeyChange":
        """:meth:`add_recovery_key`, with a sentence that says what changed."""
        profile = self._require_current()
        if not self._seals:
            raise ProfileError("This journal has no passphrase, so it has no recovery key.")
        self._require_every_space_open()
        keys: list[str] = []

        def add(seal: SealedSpace) -> None:
            keys.append(seal.add_recovery_key(self.kdf, slot_id=recovery_slot(profile), key=keys[0] if keys else None))

        change = self._change_keys(add, recovery=True)
        return KeyChange(
            recovery=True,
            shared=change.shared,
            recovery_dropped=False,
            recovery_key=keys[0],
        )

    def _change_keys(self, change: Callable[[SealedSpace], None], *, recovery: bool) -> "KeyChange":
        """Apply a key change to every open sealed space and its backups, saved all together.

        Private spaces get a new data key; backups sealed under the old key are
        sealed again under the new one (a backup that cannot be is removed).
        On any failure before the files are swapped in, nothing changes on
        disk or in memory.
        """
        from reflect.storage.sealed import is_recovery_slot

        profile = self._require_current()
        shared = self.household.shared_space
        snapshots = {space: seal.slots_snapshot() for space, seal in self._seals.items()}
        files: list[tuple[Path, bytes]] = []
        stale: list[Path] = []
        olds = {space: seal.clone() for space, seal in self._seals.items()}
        try:
            dropped: set[str] = set()
            for space, seal in self._seals.items():
                change(seal)
                if space != shared:
                    lost = seal.rekey()
                    if profile.slot_id in lost:
                        raise ProfileError("Your passphrase is needed again for this change. Lock and unlock, then try again.")
                    dropped.update(lost)
            dropped_recovery = {slot for slot in dropped if is_recovery_slot(slot)}
            for space, seal in self._seals.items():
                for slot in dropped_recovery & set(seal.slot_ids):
                    seal.remove_slot(slot)
            for space, seal in self._seals.items():
                path = self.space_path(space)
                old = olds[space]
                # The whole space, its change log folded in, sealed under the new key.
                files.append((path, seal.seal(self._stores[space].folded_snapshot())))
                # The rotating backups, and any copy kept before a schema upgrade.
                copies = [*backups_of(path, self.layout.backups_dir), *path.parent.glob(f"{path.name}.pre-v*.bak")]
                for backup in copies:
                    try:
                        files.append((backup, seal.reseal_from(old, read_private_bytes(backup))))
                    except (StoreError, OSError):
                        stale.append(backup)
            atomic_write_many(files)
            for space in self._seals:
                self._stores[space].snapshot_written()
        except BaseException as error:
            for space, snapshot in snapshots.items():
                self._seals[space].restore_slots(snapshot)
            if isinstance(error, OSError):
                raise SaveFailed(files[-1][0] if files else self.layout.spaces_dir, error.errno) from error
            raise
        finally:
            for old in olds.values():
                old.forget()
        for backup in stale:
            # Sealed under a key that is no longer this space's: it could only
            # ever be opened by the old passphrase.
            try:
                os.remove(backup)
            except OSError:
                pass
        self._remember_counters()
        return KeyChange(
            recovery=recovery,
            shared=shared is not None and shared in self._seals,
            recovery_dropped=bool(dropped_recovery),
        )

    def _require_every_space_open(self) -> None:
        """A passphrase or recovery key must change in all of a person's spaces at once."""
        if self.unavailable:
            raise ProfileError(
                "The shared space cannot be opened just now, so your passphrase and recovery "
                "key cannot change yet: they must stay the same for all your spaces. "
                "`reflect check` shows what is wrong with it."
            )

    def _require_current(self) -> Profile:
        if self.current is None:
            raise NotUnlocked("nobody is unlocked")
        return self.current

    # spaces

    @property
    def open_spaces(self) -> list[str]:
        return list(self._stores)

    def store(self, space: str) -> SpaceStore:
        if space not in self._stores:
            raise NotUnlocked(space)
        return self._stores[space]

    def switch_space(self, space: str) -> None:
        self.store(space)
        self.active_space = space

    @property
    def journal(self) -> SpaceStore:
        """The space being written in now (opening the unprotected one if that is all there is)."""
        if self.current is None:
            self.open_without_passphrase()
        return self.store(self.active_space)

    def space_label(self, space: str | None = None) -> str:
        return self.household.space_label(space or self.active_space or "")

    # content

    @property
    def all_packs(self) -> list[Pack]:
        return list(self.packs.packs)

    def sections(self) -> list[tuple[Pack, Section]]:
        return [(pack, section) for pack in self.packs.packs for section in pack.sections]

    def step_titles(self) -> dict[str, str]:
        """Each step's title by its section id, for exports that name a reflection's step."""
        return {section.id: section.title for _, section in self.sections()}

    def find_section(self, section_id: str) -> Section | None:
        return next((s for _, s in self.sections() if s.id == section_id), None)

    def find_prompt(self, prompt_id: str) -> Prompt | None:
        for pack in self.packs.packs:
            prompt = pack.prompt(prompt_id)
            if prompt is not None:
                return prompt
        return None

    def explored(self) -> set[str]:
        return explored_sections(self.journal.entries())

    # journal

    def write(
        self,
        text: str,
        *,
        prompt_id: str = "",
        tags: Iterable[str] = (),
        space: str | None = None,
        clearing_draft: str | None = None,
    ) -> Entry:
        """Save a new reflection in the active space, answering ``prompt_id`` if given.

        The prompt's words are kept with the entry, so it still makes sense
        if the pack changes later. In the shared space the entry also keeps
        who wrote it (their profile id), so that person can take it along to
        a session; their partner's shared entries never go with them.
        ``clearing_draft`` is dropped in the same save.
        """
        prompt = self.find_prompt(prompt_id) if prompt_id else None
        if prompt_id and prompt is None:
            raise UnknownPrompt(prompt_id)
        store = self.store(space) if space else self.journal
        entry = new_entry(
            text,
            space=store.space,
            now=self.now(),
            prompt_id=prompt.id if prompt else "",
            prompt_text=prompt.text if prompt else "",
            section_id=prompt.section_id if prompt else "",
            tags=list(tags),
            author=self.author_in(store.space),
        )
        store.add(entry, clearing_draft=clearing_draft)
        return entry

    def author_in(self, space: str) -> str:
        """Who is recorded as the author of what is written in ``space`` now.

        Only entries of the shared space carry an author: the person who is
        unlocked. Private entries do not need one.
        """
        shared = self.household.shared_space
        if self.current is None or shared is None or space != shared:
            return ""
        return self.current.id

    def search(self, flt: EntryFilter | None = None) -> list[Entry]:
        return self.journal.search(flt or EntryFilter())

    def save_settings(self) -> None:
        save_settings(self.layout.settings_file, self.settings)


@dataclass(frozen=True)
class KeyChange:
    """What a passphrase or recovery-key change did, to be told exactly."""

    recovery: bool
    shared: bool
    recovery_dropped: bool
    recovery_key: str | None = None

    @property
    def message(self) -> str:
        from reflect import messages

        parts = [messages.RECOVERY_KEY_CHANGED if self.recovery else messages.PASSPHRASE_CHANGED]
        if self.shared:
            parts.append(messages.SHARED_KEEPS_ITS_KEY)
        if self.recovery_dropped:
            parts.append(messages.RECOVERY_KEY_DROPPED)
        return " ".join(parts)


class OpenedSpaces:
    """Spaces opened for one person but not yet in use (see ``Workspace.open_for``)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.stores: dict[str, SpaceStore] = {}
        self.seals: dict[str, SealedSpace] = {}
        self.unavailable: dict[str, str] = {}

    def discard(self) -> None:
        """Close everything and drop the keys: this unlock is not wanted after all."""
        for store in self.stores.values():
            store.close()
        for seal in self.seals.values():
            seal.forget()
        self.stores, self.seals = {}, {}


class UnknownPrompt(LookupError):
    """A prompt id that no loaded pack has."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(prompt_id)
        self.prompt_id = prompt_id


def read_private_bytes_or_damaged(path: Path) -> bytes:
    if not path.exists():
        raise SpaceMissing(path)
    try:
        return read_private_bytes(path)
    except OSError as exc:
        raise SpaceDamaged(path, f"The file could not be opened ({exc.strerror}).") from exc


def _sweep_unfinished_saves(layout: DataLayout) -> None:
    """Remove temp files left by a save that was killed half-way.

    Only called with the folder lock held, so no save can be in progress.
    The real files were never touched by such a save.
    """
    for folder in (layout.root, layout.spaces_dir):
        for leftover in folder.glob(".*.tmp"):
            try:
                leftover.unlink()
            except OSError:
                pass


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise SaveFailed(path, exc.errno) from exc

