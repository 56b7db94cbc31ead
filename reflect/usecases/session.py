"""The session: who is at the screen, which spaces are open, unlock, lock, switch.

Today one person unlocks at a time. The session already speaks of
:class:`~reflect.domain.sessions.Presence` (one person, or both partners at
one screen) and asks :func:`~reflect.domain.sessions.spaces_on_screen` which
spaces may be shown, so two people at one screen joins here, not in the UI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.profiles import Profile
from reflect.domain.sessions import Presence, spaces_on_screen
from reflect.storage.codec import PlainCodec
from reflect.storage.errors import (
    JOURNAL_REPLACED,
    JOURNAL_UNVERIFIED,
    MEMBERS_DIFFER,
    NOT_BOTH_OPEN,
    OLD_FORMAT_AGAIN,
    OLD_FORMAT_UNCHECKED,
    PLAIN_WHERE_SEALED,
    ROLES_DIFFER,
    SAME_KEY_AS_SHARED,
    SHARED_REPLACED,
    SpaceDamaged,
    SpaceReplacedWhileOpen,
    SpaceTampered,
    StoreError,
    WrongPassphrase,
)
from reflect.storage.atomic import read_space_bytes
from reflect.storage.space_store import SpaceStore
from reflect.storage.spaces import rewrap_space
from reflect.usecases import wording
from reflect.usecases.data_folder import DataFolder
from reflect.usecases.journal import Journal

if TYPE_CHECKING:  # the cryptography loads only when a sealed space is opened
    from reflect.storage.sealed import SealedSpace
    from reflect.usecases.seen_doubt import SeenDoubt

_PLAIN = PlainCodec()


class NotUnlocked(RuntimeError):
    """A space was used before anyone unlocked it."""


class WhoIsWriting(NotUnlocked):
    """Both partners are here and nobody has said which of them is writing in the shared space."""


NOBODY_NAMED = "?"
"""Who changes shared entries while together before anyone said: nobody's id, so nothing authored changes."""


def recovery_slot(profile: Profile) -> str:
    return f"recovery-{profile.id}"


class OpenedSpaces:
    """Spaces opened for one person but not yet in use (see :meth:`Session.open_for`)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.stores: dict[str, SpaceStore] = {}
        self.seals: dict[str, SealedSpace] = {}
        self.unavailable: dict[str, str] = {}
        self.seen_doubt: SeenDoubt | None = None
        """Spaces opened whose last save could not be confirmed (see :mod:`reflect.usecases.seen_doubt`)."""
        self.vouched_names: dict[str, str] | None = None
        """The names the shared space vouches for, when it was opened (see :mod:`reflect.usecases.couple_names`)."""

    def as_vouched(self, person: Profile) -> Profile:
        """``person``, called by the name the shared space vouches for, once it was opened
        (profiles.json's name may have been changed; see :mod:`reflect.usecases.couple_names`)."""
        from reflect.domain.profiles import Household

        return Household((person,)).with_names(self.vouched_names or {}).profiles[0]

    def discard(self) -> None:
        """Close everything and drop the keys: this unlock is not wanted after all."""
        for store in self.stores.values():
            store.close()
        for seal in self.seals.values():
            seal.forget()
        self.stores, self.seals = {}, {}


class OlderReflections:
    """The older part of one open space, still to be read (see :meth:`Session.older_to_read`).

    :meth:`read` may run in a worker thread: it reads, verifies and parses the
    file and changes nothing that is open. What it returns is handed back to
    :meth:`Session.take_older` on the main thread, which takes it only if this
    same space is still open for the same people.
    """

    def __init__(self, space: str, store: SpaceStore) -> None:
        self.space = space
        self._store = store

    def read(self) -> object:
        """Read the older part (slow; raises StoreError subclasses such as SpaceDamaged)."""
        return self._store.read_older()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OlderReflections) and other._store is self._store

    def __hash__(self) -> int:
        return id(self._store)


class OlderFailed:
    """What a failure to read a space's older part means for the session (see :meth:`Session.older_failed`)."""

    IGNORED = "ignored"
    """The space was closed, or its whole load finished some other way, meanwhile: nothing to say."""
    CLOSE = "close"
    """The shared space is to be closed and listed as unavailable (:meth:`Session.close_unreadable`);
    the person's own journal stays open."""
    LOCK = "lock"
    """A space on screen cannot be read whole: lock, and say why."""


class Session:
    """Who is unlocked in one data folder, and the spaces open for them."""

    def __init__(self, folder: DataFolder) -> None:
        self.folder = folder
        self.lazily = False
        """Open spaces head first: only their newest reflections and small tables, the rest later.

        Set by the app, which reads the older part in a worker (:meth:`older_to_read`);
        everything else reads whole spaces, and a whole-space call on a space
        opened lazily reads the rest first anyway.
        """
        self.backups_later = False
        """Leave the day's backups (each space's and the household file's) to
        :meth:`day_backups`: the app takes them on a worker thread."""
        self.found_at_lock: dict[str, str] = {}
        """What the last lock found, by space (see :meth:`lock`): for whoever next opens that space."""
        self.current: Profile | None = None
        self.active_space: str | None = None
        self.stores: dict[str, SpaceStore] = {}
        self.seals: dict[str, SealedSpace] = {}
        self._journals: dict[str, Journal] = {}
        self.unavailable: dict[str, str] = {}
        """Spaces this person may open that could not be opened, with the reason."""
        self.partner: Profile | None = None
        """The second person at the screen while both are here (together mode)."""
        self.writer: Profile | None = None
        """While together, who said they are writing in the shared space now (asked, never guessed)."""
        self.seen_doubt: SeenDoubt | None = None
        """Open spaces whose last save could not be confirmed: told once (:meth:`take_notice`)."""
        self.names_renamed: tuple[tuple[str, str], ...] = ()
        """Names profiles.json shows that the shared space does not vouch for: (shown, vouched).
        The session uses the vouched ones; told once per unlock (:meth:`take_notice`)."""

    # who is here

    @property
    def is_unlocked(self) -> bool:
        return self.current is not None

    @property
    def presence(self) -> Presence | None:
        """Who is at the screen now (None while locked)."""
        if self.current is None:
            return None
        if self.partner is not None:
            return Presence.both(self.current.id, self.partner.id)
        return Presence.alone(self.current.id)

    @property
    def together(self) -> bool:
        """Both partners have unlocked with their own passphrase: only the shared space is shown."""
        return self.current is not None and self.partner is not None

    @property
    def people_here(self) -> tuple[Profile, ...]:
        """The profiles of who is at the screen, the one who unlocked first first."""
        return tuple(p for p in (self.current, self.partner) if p is not None)

    def spaces_on_screen(self) -> frozenset[str]:
        """The spaces that may be shown for who is here (never a partner's private one)."""
        if self.presence is None:
            return frozenset()
        household = self.folder.household
        return spaces_on_screen(
            self.presence, {p.id: p.space for p in household.profiles}, household.shared_space
        )

    def author_in(self, space: str) -> str:
        """Who is recorded as the author of what is written in ``space`` now.

        Only entries of the shared space carry an author: the person who is
        unlocked, or, while both are here, the one who said they are writing
        (:meth:`writing_as`). Private entries do not need one. Raises
        :class:`WhoIsWriting` while together before anyone said.
        """
        shared = self.folder.household.shared_space
        if self.current is None or shared is None or space != shared:
            return ""
        if self.partner is not None:
            if self.writer is None:
                raise WhoIsWriting(space)
            return self.writer.id
        return self.current.id

    def writing_as(self, person_id: str) -> None:
        """While together: ``person_id`` (one of the two here) is writing in the shared space now."""
        person = next((p for p in self.people_here if p.id == person_id), None)
        if person is None:
            raise NotUnlocked(person_id)
        self.writer = person

    def _changer_in(self, space: str) -> str:
        try:
            return self.author_in(space)
        except WhoIsWriting:
            return NOBODY_NAMED

    # open spaces

    @property
    def open_spaces(self) -> list[str]:
        """The open spaces that may be on screen (while together, the shared one only)."""
        if self.together:
            return [s for s in self.stores if s in self.spaces_on_screen()]
        return list(self.stores)

    def journal_of(self, space: str) -> Journal:
        """The journal of an open space that may be on screen for who is here.

        While both partners are here, that is the shared space only: a private
        space held open for a couple session is reached through
        :meth:`sealed_journal_of`, never through this door.
        """
        if space not in self.stores or (self.together and space not in self.spaces_on_screen()):
            raise NotUnlocked(space)
        return self._journal(space)

    def sealed_journal_of(self, person_id: str) -> Journal:
        """The private journal of someone at the screen, for keeping their own pending answer.

        Only for the couple-session use cases, which write and read one
        person's own answer in it; screens never show it while together.
        """
        person = next((p for p in self.people_here if p.id == person_id), None)
        if person is None or person.space not in self.stores:
            raise NotUnlocked(person_id)
        return self._journal(person.space)

    def _journal(self, space: str) -> Journal:
        if space not in self._journals:
            # In the shared space, only the person who wrote a reflection changes it.
            self._journals[space] = Journal(
                self.stores[space], changed_by=lambda: self._changer_in(space), name_of=self.name_of
            )
        return self._journals[space]

    def name_of(self, person: str) -> str:
        """The name of the person with profile id ``person``; empty if nobody here has it."""
        profile = next((p for p in self.folder.household.profiles if p.id == person), None)
        return profile.name if profile else ""

    def switch_space(self, space: str) -> None:
        self.journal_of(space)
        self.active_space = space

    def join(self, opened: OpenedSpaces) -> None:
        """The partner has unlocked too: both are here, and only the shared space is shown.

        ``opened`` holds the partner's spaces (from :meth:`open_for`). Their
        private space stays open only so a couple session can keep their own
        pending answer in it; the shared space is already open and its second
        copy is closed. Raises NotUnlocked (and discards ``opened``) when the
        partner is not the other person of this couple or the shared space
        is not open.
        """
        household = self.folder.household
        shared = household.shared_space
        person = opened.profile
        if (
            self.current is None
            or shared is None
            or shared not in self.stores
            or person.id == self.current.id
            or household.partner_of(self.current) is None
            or household.partner_of(self.current).id != person.id
            or person.space not in opened.stores
        ):
            opened.discard()
            raise NotUnlocked("both partners")
        store = opened.stores.pop(person.space)
        seal = opened.seals.pop(person.space, None)
        copy = opened.stores.get(shared)
        if copy is not None:
            # The partner's unlock may have saved the shared space again (its slot
            # brought up to date): not a file replaced behind the open one's back.
            self.stores[shared].follow_rewrite(copy)
        opened.discard()  # the partner's copy of the shared space
        self.stores[person.space] = store
        if seal is not None:
            self.seals[person.space] = seal
        self.partner = self._trust_names(opened)
        self.active_space = shared
        if opened.seen_doubt is not None:
            self.seen_doubt = opened.seen_doubt.joined(self.seen_doubt)
        self._back_up_read_whole([store])
        self.remember_counters()

    @property
    def journal(self) -> Journal:
        """The space being written in now (opening the unprotected one if that is all there is)."""
        if self.current is None:
            self.open_without_passphrase()
        return self.journal_of(self.active_space)

    def space_label(self, space: str | None = None) -> str:
        return self.folder.household.space_label(space or self.active_space or "")

    # spaces opened head first

    @property
    def complete(self) -> bool:
        """Every open space is read whole (nothing older is still to be read)."""
        return all(store.complete for store in self.stores.values())

    def older_to_read(self) -> list[OlderReflections]:
        """The open spaces whose older reflections are still to be read, the one on screen first."""
        waiting = [
            OlderReflections(space, store)
            for space, store in self.stores.items()
            if not store.complete
        ]
        waiting.sort(key=lambda older: older.space != self.active_space)
        return waiting

    def take_older(self, older: OlderReflections, part: object) -> bool:
        """Merge what :meth:`OlderReflections.read` returned (main thread only).

        Taken only if that same space is still open and still waiting for it:
        after a lock, or another person's unlock, it is dropped. Returns True
        when it was taken. The day's backup of that space, put off while it
        was partly read, is taken now.
        """
        store = self.stores.get(older.space)
        if store is None or store is not older._store or not store.take_older(part):
            return False
        self._back_up_read_whole([store])
        return True

    def day_backups(self) -> list:
        """The day's backups still to take of the open spaces read whole, as
        :class:`~reflect.usecases.day_backup.DayBackup` steps (see :attr:`backups_later`)."""
        from reflect.usecases.day_backup import DayBackup

        return DayBackup.due(self.folder, self.stores.values())

    def read_whole(self) -> None:
        """Read the older part of every open space now, on this thread (it waits).

        For what must hold whole spaces before it changes them (a key change):
        raises what :meth:`OlderReflections.read` raises, changing nothing.
        """
        for older in self.older_to_read():
            self.take_older(older, older.read())

    def older_failed(self, older: OlderReflections) -> str:
        """Reading a space's older part failed: what now (an :class:`OlderFailed` value).

        Nothing is written. A shared space that cannot be read whole is closed
        and listed as unavailable (as at an unlock that finds it damaged), while
        the person's own journal stays open; any other space, or the shared one
        while both are here, means a lock.
        """
        store = self.stores.get(older.space)
        if store is None or store is not older._store or store.complete:
            return OlderFailed.IGNORED
        shared = self.folder.household.shared_space
        if older.space != shared or self.together or self.current is None:
            return OlderFailed.LOCK
        return OlderFailed.CLOSE

    def close_unreadable(self, older: OlderReflections, problem: str) -> None:
        """Close the shared space whose older part could not be read, and keep ``problem`` for it."""
        store = self.stores.get(older.space)
        if store is None or store is not older._store or self.current is None:
            return
        self.remember_counters()
        del self.stores[older.space]
        self._journals.pop(older.space, None)
        store.close()
        seal = self.seals.pop(older.space, None)
        if seal is not None:
            seal.forget()
        self.unavailable[older.space] = problem
        if self.active_space == older.space:
            self.active_space = self.current.space

    # unlock and lock

    def unlock(self, profile: Profile, passphrase: str | None) -> None:
        """Open every space this person may open, with their passphrase.

        Raises WrongPassphrase, SpaceDamaged and friends; on any failure
        nothing stays open.
        """
        self.adopt(self.open_for(profile, passphrase))

    def open_for(self, profile: Profile, passphrase: str | None, *, slot: str | None = None) -> OpenedSpaces:
        """Derive the keys and open this person's spaces, without touching what is open now.

        Safe to run in a worker thread: the result is adopted (or discarded)
        afterwards on the main thread, so a lock that happens meanwhile can
        never be undone by an unlock that finishes late. The private space is
        required; a damaged or missing shared space is left closed and its
        problem kept in ``unavailable``.
        """
        folder = self.folder
        opened = OpenedSpaces(profile)
        try:
            folder.refuse_downgrade()
            seen = folder.load_seen()
            for space in folder.household.spaces_for(profile):
                try:
                    self._open_space(opened, space, slot or profile.slot_id, passphrase, seen)
                except StoreError as error:
                    # One passphrase opens all of a person's spaces (it only ever
                    # changes in all of them at once), so when it opens one and not
                    # the other, a file was replaced: never say they mistyped.
                    if space == profile.space:
                        if isinstance(error, WrongPassphrase) and self._opens_shared(
                            slot or profile.slot_id, passphrase
                        ):
                            raise SpaceTampered(folder.space_path(space), JOURNAL_REPLACED) from None
                        if isinstance(error, WrongPassphrase) and slot is None and self.current is None:
                            # (At the door only: while one partner is in, the other's turn has no name to choose.)
                            self._refuse_partners_passphrase(profile, passphrase)
                        raise
                    if isinstance(error, WrongPassphrase) and profile.space in opened.seals:
                        if slot is None:
                            # An older copy of the journal put back (its line in seen.json
                            # removed) opens with an older passphrase, which the shared
                            # space no longer takes: open nothing, write nothing.
                            raise SpaceTampered(folder.space_path(space), NOT_BOTH_OPEN) from None
                        error = SpaceTampered(folder.space_path(space), SHARED_REPLACED)
                    elif slot is None and not self._journal_vouched_for(opened, seen):
                        # The shared space cannot be opened to check the journal against,
                        # and there is no record of the journal's last save either: an
                        # older copy put back (with its seen.json line removed) would look
                        # just like this. Writing into it could hand the words to whoever
                        # knows an older passphrase, so nothing is opened.
                        raise SpaceTampered(folder.space_path(profile.space), JOURNAL_UNVERIFIED) from None
                    opened.unavailable[space] = error.user_message
            if seen.doubted:
                from reflect.usecases.seen_doubt import SeenDoubt

                opened.seen_doubt = SeenDoubt.of(seen, opened.seals)
            self._upgrade_old_formats(opened)
        except BaseException:
            opened.discard()
            raise
        return opened

    def adopt(self, opened: OpenedSpaces) -> None:
        """Make ``opened`` the unlocked state (main thread only)."""
        self.lock()
        self.stores, self.seals = opened.stores, opened.seals
        self.unavailable = dict(opened.unavailable)
        self.current = self._trust_names(opened)
        self.active_space = opened.profile.space
        self.seen_doubt = opened.seen_doubt
        self._back_up_read_whole()
        self.remember_counters()

    def _back_up_read_whole(self, stores=None) -> None:
        """The day's backup of each space read whole; one still partly read is backed up once it is in
        (:meth:`take_older`): a backup folds the change log in, which needs the whole space."""
        stores = self.stores.values() if stores is None else stores
        if not self.backups_later:
            self.folder.back_up_once([s for s in stores if s.complete])

    def lock(self) -> list[str]:
        """Close every open space and drop the keys held in memory.

        A space whose files were removed or replaced while it was open is first
        written again from memory, so no save made since is lost with them
        (see ``SpaceStore.rescue_if_replaced``; ``reflect check`` names what
        was kept aside). Locking never fails on it; it returns a sentence for
        each such space, to be said to the person (empty: nothing was found).
        """
        found: dict[str, str] = {}
        for space, store in self.stores.items():
            # Said at the door, to whoever comes next: a couple's journal by its owner's name.
            where = self.folder.household.space_in_words(space)
            try:
                kept = store.rescue_if_replaced()
            except SpaceReplacedWhileOpen:
                found[space] = wording.REPLACED_FOUND_AT_LOCK.format(where=where)
                continue
            except (StoreError, OSError):
                continue
            if kept is not None:
                aside = wording.REPLACED_KEPT_ASIDE.format(kept=", ".join(kept)) if kept else ""
                found[space] = wording.REPLACED_WRITTEN_AT_LOCK.format(where=where, kept=aside)
        self.found_at_lock = found
        self.remember_counters()
        for store in self.stores.values():
            store.close()
        for seal in self.seals.values():
            seal.forget()
        self.stores = {}
        self.seals = {}
        self._journals = {}
        self.names_renamed = ()
        self.unavailable = {}
        self.current = None
        self.partner = None
        self.writer = None
        self.active_space = None
        self.seen_doubt = None
        return list(found.values())

    def open_without_passphrase(self) -> None:
        """Before setup, or for a lone unprotected profile: open its journal."""
        self.adopt(self.open_unprotected())

    def open_unprotected(self) -> OpenedSpaces:
        """The lone unprotected person's spaces, opened (see :meth:`open_for`)."""
        profiles = self.folder.household.profiles
        if len(profiles) == 1 and not profiles[0].protected:
            return self.open_for(profiles[0], None)
        raise NotUnlocked("a passphrase is needed")

    def open_with_recovery_key(self, profile: Profile, typed: str) -> OpenedSpaces:
        """Try every reading of a hand-typed key (0 or O, 1 or I or L); say what is really wrong."""
        from reflect.domain import recovery_keys

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

    def remember_counters(self) -> None:
        """Keep the save counters of the open sealed spaces outside their files.

        Only a copy of reflect that holds the folder lock writes them. A record
        that cannot be written is not a reason to refuse someone their journal.
        A note found changed at the unlock (:attr:`seen_doubt`) is moved aside
        first, never written over.
        """
        if not self.folder.writable:
            return
        from reflect.storage.seen import Seen, record_seen

        updates = {
            space: Seen(seal.counter, seal.counter_proof(seal.counter))
            for space, seal in self.seals.items()
            if seal.is_unlocked
        }
        doubt = self.seen_doubt
        set_aside = doubt is not None and doubt.to_set_aside and not doubt.kept
        try:
            kept = record_seen(self.folder.layout.seen_file, updates, set_aside=set_aside, now=self.folder.now())
        except OSError:
            return
        if kept is not None and doubt is not None:
            doubt.kept.append(kept)

    def take_notice(self) -> str | None:
        """What the person who unlocked must be told about the spaces just opened, once, or None.

        Today: that profiles.json's names are not the ones the shared space
        vouches for (see :mod:`reflect.usecases.couple_names`), and that reflect
        cannot tell whether a space is its newest copy (see
        :mod:`reflect.usecases.seen_doubt`).
        """
        if self.current is None:
            return None
        said: list[str] = []
        if self.names_renamed:
            from reflect.usecases.couple_names import names_changed_notice

            you = None if self.together else self.current.name
            said.append(names_changed_notice(self.names_renamed, self.folder.household, you))
            self.names_renamed = ()
        doubt = self.seen_doubt
        if doubt is not None and not doubt.told:
            doubt.told = True
            said.append(
                doubt.notice(
                    self.folder.household,
                    own_space=None if self.together else self.current.space,
                    writable=self.folder.writable,
                )
            )
        return "\n\n".join(said) or None

    def _trust_names(self, opened: OpenedSpaces) -> Profile:
        """Go on with the names the shared space vouches for, not profiles.json's; the
        person who unlocked, called by their vouched name. A difference is kept to be told."""
        if opened.vouched_names is not None:
            renamed = self.folder.trust_names(opened.vouched_names)
            if renamed:
                self.names_renamed = renamed
        return next((p for p in self.folder.household.profiles if p.id == opened.profile.id), opened.profile)

    # opening one space

    def _open_space(self, opened: OpenedSpaces, space: str, slot: str, secret: str | None, seen: dict) -> None:
        if self.lazily and self.folder.space_is_sealed(space):
            try:
                if self._open_sealed_head_first(opened, space, slot, secret, seen):
                    return
            except StoreError:
                pass  # anything unusual: the whole unlock below says what, in its usual words
            self._drop_space(opened, space)
        folder = self.folder
        path = folder.space_path(space)
        codec = _PLAIN
        at_least = None
        if folder.space_is_sealed(space):
            from reflect.storage.sealed import SealedSpace, SealedTampered, is_sealed

            plain_sibling = folder.layout.space_file(space)
            if not path.exists() and plain_sibling.exists():
                raise SpaceTampered(plain_sibling, PLAIN_WHERE_SEALED)
            blob = read_space_bytes(path)
            if blob and not is_sealed(blob):
                raise SpaceTampered(path, PLAIN_WHERE_SEALED)
            owner = opened.profile if space == opened.profile.space else None
            try:
                seal = SealedSpace.unlock(blob, slot, secret or "", expect=folder.identity(space, owner))[0]
            except SealedTampered as error:
                raise SpaceTampered(path, error.user_message) from None
            # Neither the file nor its body is kept while the store reads it again
            # (at 100,000 entries, 80 MB each).
            del blob
            opened.seals[space] = seal
            at_least = self._check_seal(space, path, seal, seen)
            codec = seal
        opened.stores[space] = SpaceStore.open(
            path,
            space=space,
            codec=codec,
            at_least=at_least,
            # Only the unprotected journal of a folder not yet set up is made on
            # first use, and only by a copy of reflect that holds the lock.
            create=not folder.is_set_up and folder.writable,
            now=folder.now,
            read_only=not folder.writable,
            lazy=self.lazily,
        )
        if space == folder.household.shared_space:
            self._check_roles(opened, space, path)

    def _open_sealed_head_first(
        self, opened: OpenedSpaces, space: str, slot: str, secret: str | None, seen: dict
    ) -> bool:
        """Unlock a sealed space from its header and head part alone (see ``SealedSpace.unlock_head``).

        False when the file does not allow it (another format, a wrong
        passphrase, anything unexpected): the caller unlocks it whole, which
        tells those apart. The checks are the whole unlock's; what is left to
        the older part's read (the rest of the body, the whole-file checksum)
        is made when it is read (:meth:`OlderReflections.read`).
        """
        from reflect.storage.sealed import SealedSpace

        folder = self.folder
        path = folder.space_path(space)
        owner = opened.profile if space == opened.profile.space else None
        found = SealedSpace.unlock_head(path, slot, secret or "", expect=folder.identity(space, owner))
        if found is None:
            return False
        seal, head = found
        opened.seals[space] = seal
        at_least = self._check_seal(space, path, seal, seen)
        store = opened.stores[space] = SpaceStore.open(
            path,
            space=space,
            codec=seal,
            at_least=at_least,
            create=False,
            now=folder.now,
            read_only=not folder.writable,
            lazy=True,
            head=head,  # decrypted once: the lazy open does not read it again
        )
        if store.complete:
            # Nothing older to read later, where the rest of the file and its
            # checksum would be checked: they are checked now, as a whole unlock does.
            seal.read_rest(path, head)
        if space == folder.household.shared_space:
            self._check_roles(opened, space, path)
        return True

    def _drop_space(self, opened: OpenedSpaces, space: str) -> None:
        store = opened.stores.pop(space, None)
        if store is not None:
            store.close()
        seal = opened.seals.pop(space, None)
        if seal is not None:
            seal.forget()

    def _check_seal(self, space: str, path, seal: SealedSpace, seen: dict) -> int | None:
        """The checks an unlocked seal must pass; the save counter last seen, for the store to check."""
        from reflect.storage.sealed import is_recovery_slot

        folder = self.folder
        if space == folder.household.shared_space:
            members = {s for s in seal.slot_ids if not is_recovery_slot(s)}
            if members != {p.slot_id for p in folder.household.profiles}:
                raise SpaceTampered(path, MEMBERS_DIFFER)
        record = seen.get(space)
        if record is not None and seal.check_counter_proof(record.counter, record.proof):
            # Checked by the store, once its change log is counted too.
            return record.counter
        if seal.needs_upgrade and record is not None:
            # This space was already in the new format once: an old-format
            # file now is a copy from before, or a forgery.
            raise SpaceTampered(path, OLD_FORMAT_AGAIN)
        if not seal.needs_upgrade:
            # reflect notes every save of a space in this format, from setup's
            # first one on (a folder from before seen.json holds format 1 files,
            # noted once upgraded). So the note was removed, or changed by
            # something other than reflect: an older copy put back would look
            # just like this. Said at the unlock (see usecases/seen_doubt.py).
            note_doubt = getattr(seen, "doubted", None)
            if note_doubt is not None:
                note_doubt.add(space)
        return None

    def _check_roles(self, opened: OpenedSpaces, space: str, path) -> None:
        """The roles of profiles.json must be the ones the shared space vouches for."""
        from reflect.usecases.couple_roles import RolesDiffer, check_roles

        from reflect.usecases.couple_names import vouched_names

        store = opened.stores[space]
        try:
            check_roles(store, self.folder.household, self.folder.now, writable=self.folder.writable)
            opened.vouched_names = vouched_names(
                store, self.folder.household, self.folder.now, writable=self.folder.writable
            )
        except RolesDiffer:
            del opened.stores[space]
            store.close()
            seal = opened.seals.pop(space, None)
            if seal is not None:
                seal.forget()
            raise SpaceTampered(path, ROLES_DIFFER) from None

    def _journal_vouched_for(self, opened: OpenedSpaces, seen: dict) -> bool:
        """True if the record of the journal's last save (``seen.json``) is there and genuine."""
        seal = opened.seals.get(opened.profile.space)
        if seal is None:
            return True  # a journal without a passphrase has no key to vouch with
        record = seen.get(opened.profile.space)
        return record is not None and seal.check_counter_proof(record.counter, record.proof)

    def _refuse_partners_passphrase(self, profile: Profile, secret: str | None) -> None:
        """Raise :class:`PartnersPassphrase` if ``secret`` is the partner's passphrase.

        Choosing a name and typing one's own passphrase under it is the usual
        way a person meets names swapped in profiles.json (the lock screen has
        nothing to check them against), so the refusal says which name is
        theirs instead of "wrong passphrase". It tells nobody anything new:
        the passphrase would open as the partner if chosen so.
        """
        partner = self.folder.household.partner_of(profile)
        if partner is not None and self._opens_shared(partner.slot_id, secret):
            from reflect.usecases.couple_names import PartnersPassphrase

            raise PartnersPassphrase(profile, partner)

    def _opens_shared(self, slot: str, secret: str | None) -> bool:
        """True if ``secret`` opens the shared space (asked only after the journal refused it)."""
        shared = self.folder.household.shared_space
        if shared is None or not secret:
            return False
        from reflect.storage.sealed import SealedSpace

        try:
            seal, _ = SealedSpace.unlock(
                read_space_bytes(self.folder.space_path(shared)), slot, secret, expect=self.folder.identity(shared)
            )
        except (StoreError, OSError):
            return False
        seal.forget()
        return True

    def _upgrade_old_formats(self, opened: OpenedSpaces) -> None:
        """Bring spaces sealed by format 1 up to date, after a backup copy.

        A format 1 file, or a format 1 slot (one not yet re-bound since the
        upgrade), does not say which space it opens, so a space opened that way
        is taken as the person's own only if it has a key of its own: not the
        shared space's key, which is what a partner would forge one with.
        """
        folder = self.folder
        shared = folder.household.shared_space
        if shared in opened.seals:
            # Every space has a key of its own; checked for every space, as a
            # second line behind the binding of slots to their space.
            for space, seal in opened.seals.items():
                if space != shared and seal.same_key_as(opened.seals[shared]):
                    raise SpaceTampered(folder.space_path(space), SAME_KEY_AS_SHARED)
        unbound = [space for space, seal in opened.seals.items() if seal.opened_unbound or seal.needs_upgrade]
        if not unbound:
            return
        for space in unbound:
            if space != shared and shared is not None and shared not in opened.seals:
                # Without the shared space's key, a forgery cannot be ruled out.
                raise SpaceDamaged(folder.space_path(space), OLD_FORMAT_UNCHECKED)
        if not folder.writable:
            return  # a reader without the lock upgrades nothing
        for space in unbound:
            seal = opened.seals[space]
            path = folder.space_path(space)
            if seal.needs_upgrade:
                read_space_bytes(path)  # missing or unreadable: said before a backup is taken
                folder.back_up_before_upgrade(path)
            rewrap_space(path, seal)
            if space in opened.stores:
                opened.stores[space].file_rewritten()  # saved by this reflect: not "replaced while open"
