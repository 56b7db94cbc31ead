"""Journal entries and how they are found again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

MAX_TAG_LENGTH = 40


def clean_text(text: str) -> str:
    """Text that can be saved: broken characters (lone surrogates) become U+FFFD.

    They can arrive from a paste and cannot be written as UTF-8; everything
    else is kept exactly as typed.
    """
    if not _has_surrogates(text):
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def normalise_tag(tag: str) -> str:
    """Tags are case-insensitive words: trimmed, lower case, inner spaces as '-'.

    A leading '#' is how tags are shown, so people type it too: '#Fear' is 'fear'.
    """
    return clean_text("-".join(tag.strip().lstrip("#").lower().split())[:MAX_TAG_LENGTH])


def normalise_tags(tags: object) -> tuple[str, ...]:
    """Turn any iterable of strings into sorted, unique, non-empty tags."""
    if isinstance(tags, str):
        tags = [tags]
    cleaned = {normalise_tag(t) for t in tags if isinstance(t, str)} if tags else set()
    return tuple(sorted(t for t in cleaned if t))


@dataclass(frozen=True)
class Entry:
    """One reflection somebody wrote, in exactly one space.

    ``prompt_text`` keeps the words of the prompt as they were when the entry
    was written, so an edited or removed pack never orphans a reflection.
    """

    id: str
    space: str
    text: str
    created: datetime
    updated: datetime
    prompt_id: str = ""
    prompt_text: str = ""
    section_id: str = ""
    tags: tuple[str, ...] = ()
    starred: bool = False
    author: str = ""
    """The profile id of who wrote it, kept for entries of the shared space
    written since authors were recorded; empty otherwise (a private entry's
    author is its space's owner)."""
    session_id: str = ""
    """The couple session it was written in, if any: a revealed answer in the
    shared space, or an answer its writer kept (or a session that ended) in
    their private journal."""

    @property
    def title(self) -> str:
        """The first line of the text, for lists."""
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first[:80]

    def edited(self, text: str, now: datetime) -> "Entry":
        return replace(self, text=clean_text(text), updated=now)

    def with_tags(self, tags: object, now: datetime) -> "Entry":
        return replace(self, tags=normalise_tags(tags), updated=now)

    def toggled_star(self) -> "Entry":
        return replace(self, starred=not self.starred)


def new_entry(
    text: str,
    *,
    space: str,
    now: datetime,
    prompt_id: str = "",
    prompt_text: str = "",
    section_id: str = "",
    tags: object = (),
    author: str = "",
    session_id: str = "",
    entry_id: str | None = None,
) -> Entry:
    """Create a fresh entry with a new random id (or ``entry_id``)."""
    return Entry(
        id=entry_id or uuid.uuid4().hex,
        space=space,
        text=clean_text(text),
        created=now,
        updated=now,
        prompt_id=prompt_id,
        prompt_text=prompt_text,
        section_id=section_id,
        tags=normalise_tags(tags),
        author=author,
        session_id=session_id,
    )


@dataclass(frozen=True)
class EntryFilter:
    """What a person is looking for in the journal. Empty fields match all."""

    contains: str = ""
    tags: tuple[str, ...] = ()
    section_id: str = ""
    starred_only: bool = False

    def matches(self, entry: Entry) -> bool:
        if self.starred_only and not entry.starred:
            return False
        if self.section_id and entry.section_id != self.section_id:
            return False
        if self.tags and not set(self.tags) <= set(entry.tags):
            return False
        if self.contains:
            needle = self.contains.casefold()
            return needle in entry.text.casefold() or needle in entry.prompt_text.casefold()
        return True


def newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.created, e.id), reverse=True)


def explored_sections(entries: list[Entry]) -> set[str]:
    """Sections someone has written at least one reflection for.

    Progress is shown as what has been explored, never as a percentage.
    """
    return {e.section_id for e in entries if e.section_id}
