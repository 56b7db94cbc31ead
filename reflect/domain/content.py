"""What a prompt pack holds: sections with a reading, prompts and exercises.

These are plain values. Parsing and validating the files lives in
``reflect.content``; this module only says what a valid pack *is*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from reflect.domain.profiles import Role


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

ROLE_AUDIENCES: dict[Role, Audience] = {
    Role.HURT: Audience.HURT,
    Role.INVOLVED: Audience.INVOLVED,
    Role.INDIVIDUAL: Audience.SOLO,
}

LADDER = "ladder"
STARTERS = "starters"
INCLUDES = (LADDER, STARTERS)
"""What a section may ask to show from its pack, after its reading."""


@dataclass(frozen=True)
class Prompt:
    """One reflection prompt, with a stable id that entries refer to."""

    id: str
    text: str
    audiences: tuple[Audience, ...]
    section_id: str = ""


def prompt_fits(prompt: Prompt, role: Role | None, *, shared: bool) -> bool:
    """True when ``prompt`` is written for this person in this space.

    The shared space is for the two partners together. In a private space a
    prompt fits when it names the person's role, or when it is for writing on
    one's own and names neither partner role but theirs: "involved partner,
    solo" speaks to the partner who caused the hurt, writing alone, and would
    land wrongly on the partner who was hurt.
    """
    if shared:
        return Audience.TOGETHER in prompt.audiences
    own = ROLE_AUDIENCES[role] if role is not None else Audience.SOLO
    if own in prompt.audiences:
        return True
    other_partners = {Audience.HURT, Audience.INVOLVED} - {own}
    return Audience.SOLO in prompt.audiences and not other_partners.intersection(prompt.audiences)


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
    includes: tuple[str, ...] = ()
    """Parts of the pack shown after the reading: ``LADDER``, ``STARTERS``."""

    def prompts_for(self, audience: Audience) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if audience in p.audiences)

    def prompts_fitting(self, role: Role | None, *, shared: bool) -> tuple[Prompt, ...]:
        """The prompts that fit a person in a space (``prompt_fits``), in pack order.

        All of them if none fit: an empty list would leave someone with
        nothing to write to, which is worse than a question written for
        somebody else.
        """
        fitting = tuple(p for p in self.prompts if prompt_fits(p, role, shared=shared))
        return fitting or self.prompts


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
