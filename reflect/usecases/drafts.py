"""Drafts: unfinished words, kept where only their writer can read them.

A draft for a private journal is kept in that journal. A draft for the
couple's shared space is kept in its writer's *private* journal, under a key
that names the space it is for (``for:<space>/...``): the shared space's key,
which the partner's passphrase opens, never opens an unsent word. Nothing is
ever written as a draft into the shared space.

Older versions of reflect kept shared-space drafts in the shared space, under
keys that begin with the writer's profile id (``<id>/prompt:...``).
:meth:`Drafts.move_home` moves each person's own into their private journal
when they unlock: copied first, read back, and only then removed from the
shared space, so a crash in between leaves the words in both places and never
in neither. A shared-space draft whose writer cannot be told (a key from
before drafts were kept per person) is left exactly where it is: it is
nobody's to move, since placing it in either journal could hand one
partner's words to the other, and leaving it loses nothing. reflect never
shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.usecases.journal import Journal
from reflect.usecases.session import NotUnlocked

if TYPE_CHECKING:
    from reflect.usecases.session import Session


class NoPlaceForDraft(NotUnlocked):
    """Nobody is known to be writing in the shared space, so there is no private journal to keep a draft in."""


def kept_key(space: str, key: str) -> str:
    """The key a draft for ``space`` has in its writer's private journal."""
    return f"for:{space}/{key}"


class Drafts:
    """Where each draft lives, for whoever is unlocked in ``session``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _shared(self) -> str | None:
        return self.session.folder.household.shared_space

    def home(self, space: str, key: str) -> tuple[Journal, str]:
        """The journal a draft for ``space`` is kept in, and its key there."""
        if space != self._shared():
            return self.session.journal_of(space), key
        writer = self.session.author_in(space)  # while together: who said they are writing
        if not writer:
            raise NoPlaceForDraft(space)
        # While together the writer's private journal is closed to the screens,
        # yet still theirs to keep their own unsent words in.
        return self.session.sealed_journal_of(writer), kept_key(space, key)

    def lives_with(self, space: str) -> bool:
        """True when a draft for ``space`` is kept in ``space`` itself (so one save can drop it)."""
        return space != self._shared()

    def get(self, space: str, key: str) -> str | None:
        journal, kept = self.home(space, key)
        return journal.get_draft(kept)

    def save(self, space: str, key: str, text: str) -> None:
        journal, kept = self.home(space, key)
        journal.save_draft(kept, text)

    def clear(self, space: str, key: str) -> None:
        journal, kept = self.home(space, key)
        journal.clear_draft(kept)

    def move_home(self) -> bool:
        """Move the unlocked person's own drafts out of the shared space into their private journal.

        Returns True when every one of them moved (or there were none). A
        draft that cannot be moved now (a full disk, a copy of reflect that
        only reads) stays in the shared space and is tried again at the next
        unlock; its words are never dropped.
        """
        from reflect.storage.errors import StoreError

        session, shared = self.session, self._shared()
        person = session.current
        if person is None or shared is None or not session.folder.writable:
            return True
        if shared not in session.open_spaces or person.space not in session.open_spaces:
            return True
        source, home = session.journal_of(shared), session.journal_of(person.space)
        moved_all = True
        try:
            keys = [k for k in source.draft_keys() if k.startswith(f"{person.id}/")]
        except (StoreError, OSError, ValueError):
            return False
        for key in keys:
            try:
                text = source.get_draft(key)
                if text is None:
                    continue
                target = kept_key(shared, key)
                already = home.get_draft(target)
                if already is not None and already != text:
                    moved_all = False  # never write over other words: leave this one where it is
                    continue
                home.save_draft(target, text)
                if home.get_draft(target) != text:
                    moved_all = False
                    continue
                source.clear_draft(key)
            except (StoreError, OSError, ValueError):
                moved_all = False
        return moved_all
