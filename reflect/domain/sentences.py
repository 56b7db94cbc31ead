"""The sentence builder and its receiving step, as plain values and rules.

The speaker picks a beginning from the pack, finishes it in their own words,
and may add a line of what would help. Alone, that is the whole record.
Together, the partner reads only that sentence and answers with a receiving
beginning of their own choice, finished in their words; there is no field
for anything else. The speaker may then say "that's it" or "not quite", with
a few words if they like, and nothing asks for more. The whole exchange is
one record with both authors (``COUPLE.md``, "The sentence builder and the
receiving step").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from reflect.domain.content import SentenceStarter
from reflect.domain.entries import clean_text

NAMING = "naming"
RECEIVING = "receiving"
HELP_LEAD = "What would help is"
"""The second, optional line begins with these words."""
MAX_ENDING_CHARS = 2000
MAX_ANSWER_WORDS_CHARS = 500


class SentenceRefused(ValueError):
    """A step of the sentence builder the rules do not allow now; the message is for people."""


class Reflection(str, Enum):
    """What the speaker says after hearing the receiving line."""

    THATS_IT = "thats-it"
    NOT_QUITE = "not-quite"

    @property
    def label(self) -> str:
        return "That's it" if self is Reflection.THATS_IT else "Not quite"


def _ending(text: str, what: str, *, required: bool, limit: int = MAX_ENDING_CHARS) -> str:
    cleaned = clean_text(text).strip()
    if required and not cleaned:
        raise SentenceRefused(f"{what} needs a few words of your own.")
    if len(cleaned) > limit:
        raise SentenceRefused(f"{what} can be at most {limit} characters.")
    return cleaned


def joined(beginning: str, ending: str) -> str:
    """A beginning and its ending as one sentence, kept as the person typed it."""
    return f"{beginning.rstrip()} {ending.strip()}".strip()


@dataclass(frozen=True)
class Said:
    """One person's part: the beginning they chose and how they finished it."""

    starter_id: str
    beginning: str
    ending: str

    @property
    def text(self) -> str:
        return joined(self.beginning, self.ending)


@dataclass(frozen=True)
class Sentence:
    """One named difficulty, and, together, how it was received. One record, both authors."""

    id: str
    space: str
    created: datetime
    spoken: Said
    would_help: str = ""
    speaker: str = ""
    """The speaker's profile id in the shared space; empty in a private journal."""
    received: Said | None = None
    listener: str = ""
    received_at: datetime | None = None
    reflection: Reflection | None = None
    reflection_words: str = ""

    @property
    def text(self) -> str:
        """The whole sentence the speaker built, both lines."""
        if not self.would_help:
            return self.spoken.text
        return f"{self.spoken.text}\n{joined(HELP_LEAD, self.would_help)}"

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(p for p in (self.speaker, self.listener) if p)

    @property
    def awaiting_receiving(self) -> bool:
        return self.received is None

    @property
    def title(self) -> str:
        return self.spoken.text.splitlines()[0][:80] if self.spoken.text else ""

    def all_words(self) -> str:
        """Every word of the record, for search."""
        parts = [self.text]
        if self.received is not None:
            parts.append(self.received.text)
        if self.reflection is not None:
            parts.append(self.reflection.label)
        parts.append(self.reflection_words)
        return "\n".join(p for p in parts if p)


def build_sentence(
    starter: SentenceStarter,
    ending: str,
    would_help: str = "",
    *,
    space: str,
    now: datetime,
    speaker: str = "",
) -> Sentence:
    """The speaker's sentence, ready to preview and save."""
    if starter.kind != NAMING:
        raise SentenceRefused("Choose one of the beginnings for saying what is hard.")
    return Sentence(
        id=uuid.uuid4().hex,
        space=space,
        created=now,
        spoken=Said(starter.id, starter.text, _ending(ending, "The sentence", required=True)),
        would_help=_ending(would_help, "What would help", required=False),
        speaker=speaker,
    )


def receive(sentence: Sentence, listener: str, starter: SentenceStarter, ending: str, *, now: datetime) -> Sentence:
    """The partner's receiving line. Only once, only by the other person, only a receiving beginning."""
    if not sentence.speaker or not listener or listener == sentence.speaker:
        raise SentenceRefused("The receiving line is written by the partner who listened.")
    if sentence.received is not None:
        raise SentenceRefused("This sentence has been received already.")
    if starter.kind != RECEIVING:
        raise SentenceRefused("Choose one of the beginnings for receiving it.")
    # A receiving beginning may be whole already ("I heard you."): an ending is optional.
    said = Said(starter.id, starter.text, _ending(ending, "The receiving line", required=False))
    return replace(sentence, received=said, listener=listener, received_at=now)


def reflect_back(sentence: Sentence, by: str, reflection: Reflection, words: str = "") -> Sentence:
    """The speaker's "that's it" or "not quite", with a few words if they like. Only once."""
    if by != sentence.speaker:
        raise SentenceRefused("Only the person who spoke says whether that was it.")
    if sentence.received is None:
        raise SentenceRefused("This comes after the receiving line.")
    if sentence.reflection is not None:
        raise SentenceRefused("You have said this already; nothing more is asked.")
    return replace(
        sentence,
        reflection=Reflection(reflection),
        reflection_words=_ending(words, "A few words", required=False, limit=MAX_ANSWER_WORDS_CHARS),
    )


def naming_starters(starters: tuple[SentenceStarter, ...]) -> tuple[SentenceStarter, ...]:
    return tuple(s for s in starters if s.kind == NAMING)


def receiving_starters(starters: tuple[SentenceStarter, ...]) -> tuple[SentenceStarter, ...]:
    return tuple(s for s in starters if s.kind == RECEIVING)
