"""Use cases: what a person can do with their data folder, without any UI.

The app and the command line both go through a :class:`Workspace`, so the
rules live in one place. It holds the folder lock (one writer at a time), the
packs, the settings and the open journal space.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

from reflect.content.packs import load_packs
from reflect.domain.content import Pack, PackLoad, Prompt, Section
from reflect.domain.entries import Entry, EntryFilter, explored_sections, new_entry
from reflect.paths import DataLayout, builtin_packs_dir
from reflect.settings import Settings, load_settings, save_settings
from reflect.storage.lock import DataFolderLock
from reflect.storage.space_store import SpaceStore

DEFAULT_SPACE = "journal"

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """The current time, timezone-aware, in the machine's local zone."""
    return datetime.now(timezone.utc).astimezone()


class Workspace:
    """One data folder, opened for use."""

    def __init__(
        self,
        layout: DataLayout,
        *,
        packs: PackLoad,
        settings: Settings,
        now: Clock,
        lock: DataFolderLock | None,
    ) -> None:
        self.layout = layout
        self.packs = packs
        self.settings = settings
        self.now = now
        self._lock = lock
        self._journal: SpaceStore | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        now: Clock = local_now,
        pack_dirs: Iterable[Path] | None = None,
        take_lock: bool = True,
    ) -> "Workspace":
        """Open a data folder, creating it privately if needed.

        ``take_lock`` is False only for read-only commands; anything that
        writes holds the folder lock so a second copy of reflect cannot
        overwrite the first one's work.
        """
        layout = DataLayout(data_dir).ensure()
        lock = None
        if take_lock:
            lock = DataFolderLock(layout.lock_file)
            lock.acquire()
        try:
            dirs = list(pack_dirs) if pack_dirs is not None else [builtin_packs_dir(), layout.root / "packs"]
            packs = load_packs(dirs)
            settings = load_settings(layout.settings_file)
        except BaseException:
            if lock:
                lock.release()
            raise
        return cls(layout, packs=packs, settings=settings, now=now, lock=lock)

    @property
    def journal(self) -> SpaceStore:
        """The person's journal space, opened on first use."""
        if self._journal is None:
            self._journal = SpaceStore.open(
                self.layout.space_file(DEFAULT_SPACE), space=DEFAULT_SPACE, now=self.now
            )
        return self._journal

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # content

    @property
    def all_packs(self) -> list[Pack]:
        return list(self.packs.packs)

    def sections(self) -> list[tuple[Pack, Section]]:
        return [(pack, section) for pack in self.packs.packs for section in pack.sections]

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

    def write(self, text: str, *, prompt_id: str = "", tags: Iterable[str] = ()) -> Entry:
        """Save a new reflection, answering ``prompt_id`` if given.

        The prompt's words are kept with the entry, so it still makes sense
        if the pack changes later.
        """
        prompt = self.find_prompt(prompt_id) if prompt_id else None
        if prompt_id and prompt is None:
            raise UnknownPrompt(prompt_id)
        entry = new_entry(
            text,
            space=DEFAULT_SPACE,
            now=self.now(),
            prompt_id=prompt.id if prompt else "",
            prompt_text=prompt.text if prompt else "",
            section_id=prompt.section_id if prompt else "",
            tags=list(tags),
        )
        self.journal.add(entry)
        return entry

    def search(self, flt: EntryFilter | None = None) -> list[Entry]:
        return self.journal.search(flt or EntryFilter())

    def save_settings(self) -> None:
        save_settings(self.layout.settings_file, self.settings)


class UnknownPrompt(LookupError):
    """A prompt id that no loaded pack has."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(prompt_id)
        self.prompt_id = prompt_id
