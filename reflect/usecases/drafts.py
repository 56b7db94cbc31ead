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

Drafts kept alone and drafts kept together are kept apart. While both are
at the screen, "Who is writing?" takes the person's word for it and asks no
passphrase, so a draft kept while its writer was on their own is never
shown then: whoever is at the keyboard could read, change or save it under
its writer's name. While together, each writer's draft lives under a key of
its own (``for:<space>/together/...``) that both may see, since both were at
the screen when it was written. Alone, a person gets their own draft kept
alone, or else the one they kept together (their own words, and only they
are here); keeping or clearing a draft alone acts on the one that was shown,
so neither is ever lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.usecases.journal import Journal
from reflect.usecases.session import NotUnlocked

if TYPE_CHECKING:
    from reflect.usecases.session import Session


class NoPlaceForDraft(NotUnlocked):
    """Nobody is known to be writing in the shared space, so there is no private journal to keep a draft in."""


def kept_key(space: str, key: str, *, together: bool = False) -> str:
    """The key a draft for ``space`` has in its writer's private journal (kept alone, or together)."""
    return f"for:{space}/together/{key}" if together else f"for:{space}/{key}"


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
        # yet still theirs to keep their own unsent words in. Nobody proved who
        # is writing, so it is a key apart from the drafts kept alone (see above).
        return self.session.sealed_journal_of(writer), kept_key(space, key, together=self.session.together)

    def _kept_together(self, space: str, key: str) -> tuple[Journal, str] | None:
        """Alone in the shared space: where this person's draft kept while together is, else None."""
        if space != self._shared() or self.session.together:
            return None
        journal, _ = self.home(space, key)
        return journal, kept_key(space, key, together=True)

    def waits_alone(self, space: str, key: str) -> bool:
        """While together: True when the writer has a draft of this kept alone, which waits for then."""
        if space != self._shared() or not self.session.together:
            return False
        journal, _ = self.home(space, key)
        return journal.get_draft(kept_key(space, key)) is not None

    def lives_with(self, space: str) -> bool:
        """True when a draft for ``space`` is kept in ``space`` itself (so one save can drop it)."""
        return space != self._shared()

    def get(self, space: str, key: str) -> str | None:
        journal, kept = self.home(space, key)
        text = journal.get_draft(kept)
        other = self._kept_together(space, key)
        if text is None and other is not None:
            text = other[0].get_draft(other[1])
        return text

    def save(self, space: str, key: str, text: str) -> None:
        journal, kept = self.home(space, key)
        other = self._kept_together(space, key)
        was_shown_instead = other is not None and journal.get_draft(kept) is None
        journal.save_draft(kept, text)
        if was_shown_instead and other is not None:
            other[0].clear_draft(other[1])  # its words are now kept alone, and stay alone

    def clear(self, space: str, key: str) -> None:
        journal, kept = self.home(space, key)
        other = self._kept_together(space, key)
        if other is not None and journal.get_draft(kept) is None:
            other[0].clear_draft(other[1])  # the draft that was shown (see get)
            return
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
