"""What a prompt pack holds: sections with a reading, prompts and exercises.

These are plain values. Parsing and validating the files lives in
``reflect.content``; this module only says what a valid pack *is*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Audience(str, Enum):
    """Who a prompt is written for."""

    SOLO = "solo"
    HURT = "hurt"
    INVOLVED = "involved"
    TOGETHER = "together"

    @property
    def label(self) -> str:
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS: dict[Audience, str] = {
    Audience.SOLO: "on your own",
    Audience.HURT: "for the partner who was hurt",
    Audience.INVOLVED: "for the partner who caused the hurt",
    Audience.TOGETHER: "together",
}


@dataclass(frozen=True)
class Prompt:
    """One reflection prompt, with a stable id that entries refer to."""

    id: str
    text: str
    audiences: tuple[Audience, ...]
    section_id: str = ""


@dataclass(frozen=True)
class Exercise:
    """An optional, practical exercise attached to a section."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Section:
    """One step of the guided path: a reading, its prompts, its exercises."""

    id: str
    title: str
    order: int
    reading: str
    prompts: tuple[Prompt, ...]
    exercises: tuple[Exercise, ...] = ()
    summary: str = ""

    def prompts_for(self, audience: Audience) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if audience in p.audiences)


@dataclass(frozen=True)
class LadderStep:
    """A small, non-sexual step of the touch ladder, as the pack suggests it."""

    id: str
    text: str


@dataclass(frozen=True)
class SentenceStarter:
    """A starter phrase for the sentence builder ("I want to be close ...")."""

    id: str
    text: str
    kind: str = "naming"  # "naming" for the speaker, "receiving" for the listener


@dataclass(frozen=True)
class Pack:
    """A validated prompt pack."""

    id: str
    title: str
    description: str
    sections: tuple[Section, ...]
    ladder: tuple[LadderStep, ...] = ()
    starters: tuple[SentenceStarter, ...] = ()
    source: str = ""

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def prompt(self, prompt_id: str) -> Prompt | None:
        for section in self.sections:
            for prompt in section.prompts:
                if prompt.id == prompt_id:
                    return prompt
        return None

    @property
    def prompt_count(self) -> int:
        return sum(len(s.prompts) for s in self.sections)


@dataclass(frozen=True)
class PackProblem:
    """Why (part of) a pack could not be used: ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class PackLoad:
    """The packs that loaded, and the problems with those that did not."""

    packs: list[Pack] = field(default_factory=list)
    problems: list[PackProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
