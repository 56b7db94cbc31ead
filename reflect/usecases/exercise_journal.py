"""The two exercises as the journal shows them: sentences, and the ladder's tries and changes of pace.

They are kept in tables of their own (see :mod:`reflect.storage.exercise_records`);
here they become read-only rows the journal lists beside the reflections,
found by the same search and filters. They are changed only on their own
screens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from reflect.domain.entries import EntryFilter
from reflect.domain.ladder import Ladder
from reflect.domain.sentences import Sentence

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal

SENTENCE = "sentence"
LADDER = "ladder"
LADDER_KINDS_SHOWN = frozenset({"pace", "pause", "resume", "try", "next", "added", "renamed", "removed"})
"""Log lines of the ladder that the journal lists: its tries, changes of pace and of steps."""


@dataclass(frozen=True)
class ExerciseRecord:
    """One read-only row of the journal that an exercise wrote."""

    id: str
    kind: str
    created: datetime
    title: str
    text: str
    heading: str
    section_id: str = ""


def sentence_words(sentence: Sentence, names: Mapping[str, str]) -> str:
    """A sentence and how it was received, as a reader sees them."""
    speaker = names.get(sentence.speaker, "")
    lines = [f"{speaker}:" if speaker else "", sentence.text]
    if sentence.received is not None:
        listener = names.get(sentence.listener, "")
        lines += ["", f"{listener} received it:" if listener else "Received:", sentence.received.text]
    if sentence.reflection is not None:
        lines += ["", f"{sentence.reflection.label}." + (f" {sentence.reflection_words}" if sentence.reflection_words else "")]
    return "\n".join(line for line in lines if line or line == "").strip("\n")


def exercise_records(
    sentences: list[Sentence],
    ladder: Ladder | None,
    names: Mapping[str, str],
    *,
    sentence_section: str = "",
    ladder_section: str = "",
) -> list[ExerciseRecord]:
    """Every sentence and every shown line of the ladder's log, newest first."""
    rows = [
        ExerciseRecord(
            id=f"{SENTENCE}:{s.id}",
            kind=SENTENCE,
            created=s.created,
            title=s.title,
            text=sentence_words(s, names),
            heading="From the sentence builder",
            section_id=sentence_section,
        )
        for s in sentences
    ]
    if ladder is not None:
        for index, event in enumerate(ladder.log):
            if event.kind not in LADDER_KINDS_SHOWN:
                continue
            words = event.words
            if event.kind == "try" and event.stop_signal:
                words += f"\nThe stop signal agreed: {event.stop_signal}"
            rows.append(
                ExerciseRecord(
                    id=f"{LADDER}:{index}",
                    kind=LADDER,
                    created=event.at,
                    title=event.words.splitlines()[0][:80],
                    text=words,
                    heading="From the touch ladder",
                    section_id=ladder_section,
                )
            )
    rows.sort(key=lambda r: (r.created, r.id), reverse=True)
    return rows


def matching(records: list[ExerciseRecord], flt: EntryFilter) -> list[ExerciseRecord]:
    """The rows a journal filter finds: words and step match; tags and stars belong to reflections."""
    if flt.tags or flt.starred_only:
        return []
    found = []
    for record in records:
        if flt.section_id and record.section_id != flt.section_id:
            continue
        if flt.contains and flt.contains.casefold() not in record.text.casefold():
            continue
        found.append(record)
    return found


def records_of(journal: Journal, workspace) -> list[ExerciseRecord]:
    """The exercise rows of one open space (an unreadable table adds nothing)."""
    from reflect.domain.content import LADDER as LADDER_INCLUDE
    from reflect.domain.content import STARTERS
    from reflect.usecases.ladder import hurt_partners, saved_ladder
    from reflect.usecases.sentences import read_sentences

    sentences, _ = read_sentences(journal)
    ladder = saved_ladder(journal, hurt_partners(workspace.household))
    sections = [s for _, s in workspace.sections()]
    names = {p.id: p.name for p in workspace.household.profiles}
    return exercise_records(
        sentences,
        ladder,
        names,
        sentence_section=next((s.id for s in sections if STARTERS in s.includes), ""),
        ladder_section=next((s.id for s in sections if LADDER_INCLUDE in s.includes), ""),
    )
