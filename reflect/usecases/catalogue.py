"""The catalogue of prompt packs: the built-in ones and any a person added.

Packs are read on first use, so a quick ``reflect write`` never parses them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reflect.domain.content import Pack, PackLoad, Prompt, Section
from reflect.paths import builtin_packs_dir


class Catalogue:
    """The packs found in some folders, loaded lazily."""

    def __init__(self, pack_dirs: Iterable[Path]) -> None:
        self._pack_dirs = list(pack_dirs)
        self._packs: PackLoad | None = None

    @classmethod
    def for_folder(cls, root: Path) -> "Catalogue":
        """The built-in packs and those in the data folder's ``packs/``."""
        return cls([builtin_packs_dir(), root / "packs"])

    @property
    def packs(self) -> PackLoad:
        """The prompt packs, read on first use (a quick `reflect write` never needs them)."""
        if self._packs is None:
            from reflect.content.packs import load_packs

            self._packs = load_packs(self._pack_dirs)
        return self._packs

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


def check_pack(path: Path) -> tuple[Pack | None, list[object], str]:
    """A pack folder read as ``reflect packs validate`` reads it: the pack, its problems, a summary."""
    from reflect.content.packs import summarise, validate_path

    pack, problems = validate_path(path)
    return pack, list(problems), summarise(pack) if pack is not None else ""
