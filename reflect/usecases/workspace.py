"""One data folder, opened for use: the door the app and the command line share.

A :class:`Workspace` is a short composition of the use cases beside it: the
:class:`~reflect.usecases.data_folder.DataFolder`, the
:class:`~reflect.usecases.catalogue.Catalogue` of packs, the
:class:`~reflect.usecases.session.Session` (who is unlocked, which spaces are
open) and :class:`~reflect.usecases.keys.Keys`. Its methods keep the names
the screens have always called; each one hands the work to its service.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reflect.domain.clock import Clock, local_now
from reflect.domain.entries import Entry, EntryFilter, explored_sections
from reflect.domain.profiles import Household, Profile, Role, check_passphrase
from reflect.storage.records import HEAD_MIN_ENTRIES
from reflect.usecases.catalogue import Catalogue
from reflect.usecases.drafts import Drafts
from reflect.usecases.data_folder import LEGACY_PROFILE, DataFolder
from reflect.usecases.journal import Journal, UnknownPrompt, write_reflection
from reflect.usecases.keys import KeyChange, Keys
from reflect.usecases.session import (
    NotUnlocked,
    OlderFailed,
    OlderReflections,
    OpenedSpaces,
    Session,
    WhoIsWriting,
    recovery_slot,
)
from reflect.usecases.setup import NewPerson, add_person, check_partner_may_join, set_up

if TYPE_CHECKING:
    from reflect.storage.sealed import KdfParams
    from reflect.storage.settings import Settings

__all__ = [
    "LEGACY_PROFILE",
    "KeyChange",
    "NewPerson",
    "NotUnlocked",
    "OlderFailed",
    "OlderReflections",
    "OpenedSpaces",
    "UnknownPrompt",
    "WhoIsWriting",
    "Workspace",
    "local_now",
    "recovery_slot",
]


class Workspace:
    """One data folder, opened for use."""

    def __init__(self, folder: DataFolder, catalogue: Catalogue) -> None:
        self.folder = folder
        self.catalogue = catalogue
        self.session = Session(folder)
        self.keys = Keys(folder, self.session)
        self.drafts = Drafts(self.session)
        """Where unfinished words are kept: a shared-space draft in its writer's private journal."""
        self.found_at_close: list[str] = []
        """What the last close found (see :meth:`close`): files removed or replaced while open."""

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
        """Open a data folder (see :meth:`DataFolder.open`) with its packs."""
        folder = DataFolder.open(data_dir, now=now, take_lock=take_lock, kdf=kdf)
        catalogue = Catalogue(pack_dirs) if pack_dirs is not None else Catalogue.for_folder(folder.layout.root)
        return cls(folder, catalogue)

    def close(self) -> None:
        """Lock and let go of the data folder; what the lock found (see
        :meth:`Session.lock`) is kept in ``found_at_close`` to be said."""
        self.found_at_close = self.session.lock()
        self.folder.release()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # the data folder

    @property
    def layout(self):
        return self.folder.layout

    @property
    def settings(self) -> Settings:
        return self.folder.settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self.folder.settings = settings

    @property
    def now(self) -> Clock:
        return self.folder.now

    @property
    def kdf(self) -> KdfParams:
        return self.folder.kdf

    @property
    def is_set_up(self) -> bool:
        return self.folder.is_set_up

    @property
    def household(self) -> Household:
        return self.folder.household

    def space_is_sealed(self, space: str) -> bool:
        return self.folder.space_is_sealed(space)

    def space_path(self, space: str) -> Path:
        return self.folder.space_path(space)

    def save_settings(self) -> None:
        self.folder.save_settings()

    # setup

    def set_up(self, people: Sequence[NewPerson]) -> list[Profile]:
        # Setup changes which files hold the spaces (a journal written before it
        # is sealed and its readable file removed): nothing stays open across it.
        self.session.lock()
        return set_up(self.folder, people)

    def check_partner_may_join(self) -> None:
        """Raise ``ProfileError`` now if a partner cannot be added (see :func:`check_partner_may_join`)."""
        check_partner_may_join(self.folder)

    def add_profile(
        self, name: str, role: Role, passphrase: str | None, *, partner_passphrase: str | None = None
    ) -> Profile:
        return add_person(self.folder, self.session, name, role, passphrase, partner_passphrase=partner_passphrase)

    # the session

    @property
    def current(self) -> Profile | None:
        return self.session.current

    @property
    def active_space(self) -> str | None:
        return self.session.active_space

    @property
    def unavailable(self) -> dict[str, str]:
        return self.session.unavailable

    @property
    def is_unlocked(self) -> bool:
        return self.session.is_unlocked

    @property
    def _seals(self) -> dict:
        return self.session.seals

    def unlock(self, profile: Profile, passphrase: str | None) -> None:
        self.session.unlock(profile, passphrase)
        self.drafts.move_home()

    def open_for(self, profile: Profile, passphrase: str | None, *, slot: str | None = None) -> OpenedSpaces:
        return self.session.open_for(profile, passphrase, slot=slot)

    def adopt(self, opened: OpenedSpaces) -> None:
        self.session.adopt(opened)
        self.drafts.move_home()

    def lock(self) -> list[str]:
        """Close every space and drop the keys; a sentence for each space found
        removed or replaced while it was open (see :meth:`Session.lock`)."""
        return self.session.lock()

    @property
    def together(self) -> bool:
        """Both partners are at the screen, each unlocked with their own passphrase."""
        return self.session.together

    @property
    def partner_here(self) -> Profile | None:
        """The second person at the screen while together, else None."""
        return self.session.partner

    @property
    def people_here(self) -> tuple[Profile, ...]:
        return self.session.people_here

    def join(self, opened: OpenedSpaces) -> None:
        """The partner unlocked too: together mode (see :meth:`Session.join`)."""
        self.session.join(opened)

    def open_without_passphrase(self) -> None:
        self.session.open_without_passphrase()

    def open_unprotected(self) -> OpenedSpaces:
        return self.session.open_unprotected()

    @property
    def open_spaces(self) -> list[str]:
        return self.session.open_spaces

    def store(self, space: str) -> Journal:
        """The journal of an open space (the name screens have always used)."""
        return self.session.journal_of(space)

    def switch_space(self, space: str) -> None:
        self.session.switch_space(space)

    @property
    def journal(self) -> Journal:
        return self.session.journal

    def space_label(self, space: str | None = None) -> str:
        return self.session.space_label(space)

    def author_in(self, space: str) -> str:
        return self.session.author_in(space)

    def writing_as(self, person_id: str) -> None:
        """While together: which of the two is writing in the shared space now (see :meth:`Session.writing_as`)."""
        self.session.writing_as(person_id)

    @property
    def writer(self) -> Profile | None:
        """Who is writing in the shared space now: the one unlocked, or the one who said so while together."""
        return self.session.writer if self.session.together else self.session.current

    def authors_in(self, space: str) -> dict[str, str] | None:
        """Profile id to name, for what is shown or saved of ``space``: only the shared space records authors."""
        if space != self.household.shared_space:
            return None
        return {p.id: p.name for p in self.household.profiles}

    def name_of(self, person: str) -> str:
        """The name of a person (a profile id, as entries and check-ins record it); empty if unknown."""
        return self.session.name_of(person)

    # spaces opened head first: the newest reflections at once, the older ones later

    def open_head_first(self) -> None:
        """From now on spaces open head first: their newest reflections and small tables
        at once, the older reflections read later through :meth:`older_to_read` (the app
        does that in a worker). Whatever needs a whole space still gets it whole."""
        self.session.lazily = True

    def back_up_later(self) -> None:
        """From now on the day's backup of each space is left to :meth:`day_backups`
        (the app takes them on a worker thread, see ``usecases/day_backup.py``)."""
        self.session.backups_later = True

    def day_backups(self) -> list:
        """The day's backups still to take of the open spaces read whole (see ``usecases/day_backup.py``)."""
        return self.session.day_backups()

    @property
    def complete(self) -> bool:
        """Every open space is read whole: nothing older is still opening."""
        return self.session.complete

    def older_to_read(self) -> list[OlderReflections]:
        """The open spaces whose older reflections are still to be read, the one on screen first."""
        return self.session.older_to_read()

    def take_older(self, older: OlderReflections, part: object) -> bool:
        """Take in what ``older.read()`` returned; False if that space was closed meanwhile (see :meth:`Session.take_older`)."""
        return self.session.take_older(older, part)

    def older_failed(self, older: OlderReflections) -> str:
        """Reading ``older`` failed: what that means now (see :meth:`Session.older_failed`)."""
        return self.session.older_failed(older)

    def close_unreadable(self, older: OlderReflections, problem: str) -> None:
        """Close a shared space that cannot be read whole (see :meth:`Session.close_unreadable`)."""
        self.session.close_unreadable(older, problem)

    # keys

    def check_current_passphrase(self, typed: str) -> None:
        self.keys.check_current_passphrase(typed)

    def change_passphrase(self, new_passphrase: str, *, current: str) -> KeyChange:
        return self.keys.change_passphrase(new_passphrase, current=current)

    def add_recovery_key(self, *, current: str) -> str:
        return self.keys.add_recovery_key(current=current)

    def change_recovery_key(self, *, current: str) -> KeyChange:
        return self.keys.change_recovery_key(current=current)

    def unlock_with_recovery(self, profile: Profile, recovery_key: str, new_passphrase: str) -> None:
        """Open with the one-time recovery key, and set a new passphrase at once.

        If the new passphrase cannot be saved, nothing stays open.
        """
        check_passphrase(new_passphrase)
        self.adopt(self.session.open_with_recovery_key(profile, recovery_key))
        try:
            self.keys.set_passphrase(new_passphrase)
        except BaseException:
            self.lock()
            raise

    # the catalogue

    @property
    def packs(self):
        return self.catalogue.packs

    @property
    def all_packs(self):
        return self.catalogue.all_packs

    def sections(self):
        return self.catalogue.sections()

    def step_titles(self) -> dict[str, str]:
        return self.catalogue.step_titles()

    def find_section(self, section_id: str):
        return self.catalogue.find_section(section_id)

    def find_prompt(self, prompt_id: str):
        return self.catalogue.find_prompt(prompt_id)

    # the journal

    def explored(self) -> set[str]:
        return explored_sections(self.journal.entries())

    def explored_so_far(self) -> tuple[set[str], bool]:
        """The sections explored in the active space, from what is read so far, and whether that is all of it.

        Never waits for older reflections still opening: the second value is then False.
        """
        journal = self.journal
        if journal.complete:
            return explored_sections(journal.entries()), True
        return explored_sections(journal.newest_so_far(HEAD_MIN_ENTRIES)), False

    def write(
        self,
        text: str,
        *,
        prompt_id: str = "",
        tags: Iterable[str] = (),
        space: str | None = None,
        clearing_draft: str | None = None,
    ) -> Entry:
        """Save a new reflection in the active space (or ``space``); see :func:`write_reflection`.

        In the shared space the entry also keeps who wrote it, so that person
        can take it along to a session; their partner's shared entries never
        go with them.
        """
        if prompt_id and self.catalogue.find_prompt(prompt_id) is None:
            raise UnknownPrompt(prompt_id)
        journal = self.store(space) if space else self.journal
        return write_reflection(
            journal,
            self.catalogue,
            text,
            now=self.now,
            author=self.author_in(journal.space),
            prompt_id=prompt_id,
            tags=tags,
            clearing_draft=clearing_draft,
        )

    def search(self, flt: EntryFilter | None = None) -> list[Entry]:
        """The open journal's entries that match ``flt``, newest first, for a
        command that searches once: the words are matched entry by entry and
        nothing is kept for a next search. (The journal screen searches as
        someone types, through :meth:`Journal.search`, which keeps every
        entry's text folded between keystrokes; building that for one search
        would cost more than the search.)"""
        flt = flt or EntryFilter()
        if not flt.contains:
            return self.journal.search(flt)
        needle = flt.contains.casefold()
        found = [e for e in self.journal.entries() if needle in e.text.casefold() or needle in e.prompt_text.casefold()]
        rest = replace(flt, contains="")  # the same rule as EntryFilter.matches, the words tested first
        return found if rest == EntryFilter() else [e for e in found if rest.matches(e)]
