"""The journal of one open space: write, edit, star, tag, delete, restore, search, drafts.

A :class:`Journal` hands back domain values (:class:`~reflect.domain.entries.Entry`)
and keeps the storage underneath to itself: screens and the command line
never see a ``SpaceStore``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from reflect.domain.authorship import may_change
from reflect.domain.clock import Clock
from reflect.domain.entries import Entry, EntryFilter, new_entry

if TYPE_CHECKING:
    from reflect.storage.space_store import SpaceStore
    from reflect.usecases.catalogue import Catalogue


class SearchSnapshot(Protocol):
    """The reflections as they were at one moment, to search from any thread."""

    def __len__(self) -> int: ...

    def matching(self, flt: EntryFilter) -> Iterator[Entry]:
        """The reflections ``flt`` finds, newest first, found as they are asked for."""
        ...

    def prepare(self) -> None:
        """Do the slow part of the first search now."""
        ...


class UnknownPrompt(LookupError):
    """A prompt id that no loaded pack has."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(prompt_id)
        self.prompt_id = prompt_id


class NotTheAuthor(Exception):
    """Someone tried to change or delete a shared reflection their partner wrote.

    ``user_message`` is a plain sentence naming the author; nothing was changed.
    """

    def __init__(self, author: str, name: str) -> None:
        from reflect.usecases import wording

        super().__init__(author)
        self.author = author
        self.user_message = wording.NOT_THE_AUTHOR.format(name=name or wording.SOMEONE)


class Journal:
    """The reflections, drafts and records of one open space.

    ``changed_by`` says who is making a change now (a profile id), where
    authors are recorded (the shared space); elsewhere it is empty.
    A reflection someone else wrote is then never changed or deleted here,
    whichever screen or command asks: :class:`NotTheAuthor` is raised.
    ``name_of`` turns a profile id into the name that sentence uses.
    """

    def __init__(
        self,
        store: SpaceStore,
        *,
        changed_by: Callable[[], str] | None = None,
        name_of: Callable[[str], str] | None = None,
    ) -> None:
        self._store = store
        self._changed_by = changed_by or (lambda: "")
        self._name_of = name_of or (lambda _: "")

    @property
    def changer(self) -> str:
        """Who would be making a change now: a profile id in the shared space, else empty."""
        return self._changed_by()

    def may_change(self, entry: Entry) -> bool:
        """Whether the person here now may edit, tag, star or delete ``entry``."""
        return may_change(entry.author, self.changer)

    def _check_may_change(self, entry: Entry) -> None:
        if not self.may_change(entry):
            raise NotTheAuthor(entry.author, self._name_of(entry.author))

    @property
    def space(self) -> str:
        """Which space this is."""
        return self._store.space

    @property
    def path(self) -> Path:
        """The file the space is kept in."""
        return self._store.path

    # reflections

    def entries(self) -> list[Entry]:
        """Every reflection, newest first (older ones still opening are read first: that waits)."""
        return self._store.entries()

    @property
    def complete(self) -> bool:
        """False while older reflections of a space opened head first are still to be read."""
        return self._store.complete

    def newest(self, count: int) -> list[Entry] | None:
        """The newest ``count`` reflections, newest first, without waiting for older ones.

        None when that cannot be said for sure before the older ones are in.
        """
        return self._store.newest(count)

    def newest_so_far(self, count: int) -> list[Entry]:
        """Up to ``count`` of the newest reflections, newest first, never waiting for older ones.

        While older ones are still opening, as many as can be said for sure
        (a space opened head first holds at least a few hundred of its newest,
        fewer only after deletions); once :attr:`complete`, exactly ``count``
        or all of them.
        """
        while True:
            newest = self._store.newest(count)
            if newest is not None:
                return newest
            count //= 2  # newest(0) always answers

    def get(self, entry_id: str) -> Entry | None:
        return self._store.get(entry_id)

    def search(self, flt: EntryFilter | None = None) -> list[Entry]:
        return self._store.search(flt or EntryFilter())

    def search_snapshot(self) -> SearchSnapshot:
        """The reflections as they are now, to search in a worker thread.

        Take it on the thread that changes the journal; searching it (its
        ``matching(flt)`` finds the newest first, as they are asked for) never
        reads the journal again, so the journal may change meanwhile.
        """
        return self._store.search_snapshot()

    def add(self, entry: Entry, *, clearing_draft: str | None = None) -> None:
        self._store.add(entry, clearing_draft=clearing_draft)

    def add_many(self, entries: Iterable[Entry]) -> int:
        return self._store.add_many(entries)

    def update(self, entry: Entry, *, clearing_draft: str | None = None) -> None:
        """Save an edited, starred or re-tagged reflection (only its author's, in the shared space).

        Who wrote it never changes: the saved author is kept, whatever ``entry`` says.
        """
        saved = self._store.get(entry.id)
        if saved is not None:
            self._check_may_change(saved)
            entry = replace(entry, author=saved.author)
        self._store.update(entry, clearing_draft=clearing_draft)

    def delete(self, entry_id: str) -> Entry:
        """Delete a reflection (only its author's, in the shared space) and hand it back for undo."""
        saved = self._store.get(entry_id)
        if saved is not None:
            self._check_may_change(saved)
        return self._store.delete(entry_id)

    def restore(self, entry: Entry) -> None:
        """Put back a reflection deleted a moment ago (by its author)."""
        self._check_may_change(entry)
        self._store.restore(entry)

    # drafts

    def get_draft(self, key: str) -> str | None:
        return self._store.get_draft(key)

    def draft_keys(self) -> list[str]:
        return self._store.draft_keys()

    def save_draft(self, key: str, text: str) -> None:
        self._store.save_draft(key, text)

    def clear_draft(self, key: str) -> None:
        self._store.clear_draft(key)

    # other tables of the space (check-ins, the undo keep), for the use cases beside this one

    def table_records(self, name: str) -> list[dict[str, Any]]:
        return self._store.table_records(name)

    def insert_record(self, table: str, record: Mapping[str, Any]) -> None:
        self._store.insert_record(table, record)

    def replace_records(self, table: str, new_records: Iterable[Mapping[str, Any]]) -> None:
        self._store.replace_records(table, new_records)

    def close(self) -> None:
        self._store.close()


def write_reflection(
    journal: Journal,
    catalogue: Catalogue,
    text: str,
    *,
    now: Clock,
    author: str = "",
    prompt_id: str = "",
    tags: Iterable[str] = (),
    clearing_draft: str | None = None,
) -> Entry:
    """Save a new reflection in ``journal``, answering ``prompt_id`` if given.

    The prompt's words are kept with the entry, so it still makes sense if the
    pack changes later. ``clearing_draft`` is dropped in the same save.
    """
    prompt = catalogue.find_prompt(prompt_id) if prompt_id else None
    if prompt_id and prompt is None:
        raise UnknownPrompt(prompt_id)
    entry = new_entry(
        text,
        space=journal.space,
        now=now(),
        prompt_id=prompt.id if prompt else "",
        prompt_text=prompt.text if prompt else "",
        section_id=prompt.section_id if prompt else "",
        tags=list(tags),
        author=author,
    )
    journal.add(entry, clearing_draft=clearing_draft)
    return entry
