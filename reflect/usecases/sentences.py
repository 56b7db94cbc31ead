"""Use cases for the sentence builder: save a sentence, add how it was received, read them back.

Alone, a sentence is saved in the speaker's private journal. Together, the
whole exchange (the sentence, the receiving line, "that's it" or "not
quite") is one record in the shared space with both authors. Records live
in the ``sentences`` table; one that cannot be read is left out of what is
shown and counted, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from reflect.domain.content import SentenceStarter
from reflect.domain.sentences import Sentence
from reflect.storage.exercise_records import SENTENCES_TABLE, sentence_from_record, sentence_to_record

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal
    from reflect.usecases.workspace import Workspace


def pack_starters(workspace: Workspace) -> tuple[SentenceStarter, ...]:
    """The beginnings for both sides: the first loaded pack that has any."""
    return next((pack.starters for pack in workspace.packs.packs if pack.starters), ())


def save_sentence(store: Journal, sentence: Sentence) -> Sentence:
    """Save a new sentence, or the same one once it has been received or answered."""
    if sentence.space != store.space:
        raise ValueError("a sentence belongs to another space")
    records = _readable_table(store)
    replaced = False
    kept = []
    for record in records:
        if isinstance(record, dict) and record.get("id") == sentence.id:
            kept.append(sentence_to_record(sentence))
            replaced = True
        else:
            kept.append(record)
    if replaced:
        store.replace_records(SENTENCES_TABLE, kept)
    else:
        store.insert_record(SENTENCES_TABLE, sentence_to_record(sentence))
    return sentence


def read_sentences(store: Journal) -> tuple[list[Sentence], list[str]]:
    """Every readable sentence, oldest first, and what was wrong with the rest (never quoted)."""
    try:
        records = store.table_records(SENTENCES_TABLE)
    except (ValueError, TypeError, KeyError):
        return [], ["The saved sentences could not be read as a list, so none of them can be shown."]
    sentences: list[Sentence] = []
    problems: list[str] = []
    seen: set[str] = set()
    for record in records:
        try:
            sentence = sentence_from_record(record)
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(str(exc) if isinstance(exc, ValueError) else "A sentence could not be read.")
            continue
        if sentence.space != store.space or sentence.id in seen:
            problems.append(f"Sentence {sentence.id[:12]} is out of place or saved twice.")
            continue
        seen.add(sentence.id)
        sentences.append(sentence)
    sentences.sort(key=lambda s: s.created)
    return sentences, problems


def add_sentences(store: Journal, sentences: Iterable[Sentence]) -> int:
    """Add sentences the space does not have yet, in one save; return how many were added."""
    current = _readable_table(store)
    known = {r.get("id") for r in current if isinstance(r, dict)}
    added = []
    for sentence in sentences:
        if sentence.space != store.space:
            raise ValueError("a sentence belongs to another space")
        if sentence.id not in known:
            known.add(sentence.id)
            added.append(sentence_to_record(sentence))
    if added:
        store.replace_records(SENTENCES_TABLE, [*current, *added])
    return len(added)


def _readable_table(store: Journal) -> list:
    try:
        return store.table_records(SENTENCES_TABLE)
    except (ValueError, TypeError, KeyError):
        raise ValueError("The saved sentences cannot be read, so nothing new is added to them.") from None
