"""The on-disk shape of the two exercises: the touch ladder and the sentence builder.

Both live beside the entries, in tables of their own, in whichever space
they belong to (see :mod:`reflect.usecases.ladder` and
:mod:`reflect.usecases.sentences`)::

    "ladder":    {"1": {"space": "...", "steps": [{"id": "...", "text": "..."}, ...],
                        "limits": [["<profile id>", "<step id>" or null], ...],
                        "paused_by": ["<profile id>", ...],
                        "suggestions": [{"id", "text", "by", "at"}, ...],
                        "log": [{"kind", "by", "at", "words", "step_id", "session_id",
                                 "stop_signal"}, ...]}}
    "sentences": {"1": {"id", "space", "created", "speaker", "starter_id", "beginning",
                        "ending", "would_help", "listener", "received_at",
                        "receiving_id", "receiving_beginning", "receiving_ending",
                        "reflection", "reflection_words"}, ...}

A space holds at most one ladder. Datetimes are ISO-8601 with a time zone.
The export writes the same records, so an import reads them back without loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reflect.domain.content import LadderStep
from reflect.domain.ladder import EVENT_KINDS, Ladder, LadderEvent, Suggestion
from reflect.domain.sentences import Reflection, Said, Sentence

LADDER_TABLE = "ladder"
SENTENCES_TABLE = "sentences"


def _when(value: datetime) -> str:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError("A date must have a time zone.")
    return value.isoformat()


def _parse_when(value: object, what: str) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
    raise ValueError(f"{what}: a date is not a date and time with a time zone.")


def _text(record: Mapping, name: str, what: str, *, required: bool = False) -> str:
    value = record.get(name, "")
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"{what}: '{name}' is missing or not text.")
    return value


def ladder_to_record(ladder: Ladder, space: str) -> dict[str, Any]:
    """The JSON-ready record of a space's ladder."""
    return {
        "space": space,
        "steps": [{"id": s.id, "text": s.text} for s in ladder.steps],
        "limits": [[person, step] for person, step in ladder.limits],
        "paused_by": sorted(ladder.paused_by),
        "suggestions": [
            {"id": s.id, "text": s.text, "by": s.by, "at": _when(s.at)} for s in ladder.suggestions
        ],
        "log": [
            {
                "kind": e.kind,
                "by": e.by,
                "at": _when(e.at),
                "words": e.words,
                "step_id": e.step_id,
                "session_id": e.session_id,
                "stop_signal": e.stop_signal,
            }
            for e in ladder.log
        ],
    }


def ladder_from_record(record: object) -> Ladder:
    """Rebuild a ladder, or ``ValueError`` naming what is wrong (never quoting the words)."""
    what = "The ladder"
    if not isinstance(record, Mapping):
        raise ValueError(f"{what} is not a record of fields.")
    steps_raw, limits_raw = record.get("steps"), record.get("limits", [])
    paused_raw, suggestions_raw = record.get("paused_by", []), record.get("suggestions", [])
    log_raw = record.get("log", [])
    for name, value in (("steps", steps_raw), ("limits", limits_raw), ("paused_by", paused_raw),
                        ("suggestions", suggestions_raw), ("log", log_raw)):
        if not isinstance(value, list):
            raise ValueError(f"{what}: '{name}' is not a list.")
    steps = []
    for raw in steps_raw:
        if not isinstance(raw, Mapping):
            raise ValueError(f"{what}: a step is not a record.")
        steps.append(LadderStep(_text(raw, "id", what, required=True), _text(raw, "text", what, required=True)))
    if len({s.id for s in steps}) != len(steps):
        raise ValueError(f"{what}: two steps have the same id.")
    limits = []
    for raw in limits_raw:
        if (
            not isinstance(raw, list) or len(raw) != 2 or not isinstance(raw[0], str)
            or not (raw[1] is None or isinstance(raw[1], str))
        ):
            raise ValueError(f"{what}: a limit is not a person and a step.")
        limits.append((raw[0], raw[1]))
    if not all(isinstance(p, str) for p in paused_raw):
        raise ValueError(f"{what}: 'paused_by' is not a list of people.")
    suggestions = []
    for raw in suggestions_raw:
        if not isinstance(raw, Mapping):
            raise ValueError(f"{what}: a suggestion is not a record.")
        suggestions.append(
            Suggestion(
                id=_text(raw, "id", what, required=True),
                text=_text(raw, "text", what, required=True),
                by=_text(raw, "by", what),
                at=_parse_when(raw.get("at"), what),
            )
        )
    log = []
    for raw in log_raw:
        if not isinstance(raw, Mapping):
            raise ValueError(f"{what}: a line of its log is not a record.")
        kind = _text(raw, "kind", what, required=True)
        if kind not in EVENT_KINDS:
            raise ValueError(f"{what}: a line of its log is of an unknown kind.")
        log.append(
            LadderEvent(
                kind=kind,
                by=_text(raw, "by", what),
                at=_parse_when(raw.get("at"), what),
                words=_text(raw, "words", what),
                step_id=_text(raw, "step_id", what),
                session_id=_text(raw, "session_id", what),
                stop_signal=_text(raw, "stop_signal", what),
            )
        )
    return Ladder(
        steps=tuple(steps),
        limits=tuple(limits),
        paused_by=frozenset(paused_raw),
        suggestions=tuple(suggestions),
        log=tuple(log),
    )


def sentence_to_record(sentence: Sentence) -> dict[str, Any]:
    """The JSON-ready record of one sentence and how it was received."""
    received = sentence.received
    return {
        "id": sentence.id,
        "space": sentence.space,
        "created": _when(sentence.created),
        "speaker": sentence.speaker,
        "starter_id": sentence.spoken.starter_id,
        "beginning": sentence.spoken.beginning,
        "ending": sentence.spoken.ending,
        "would_help": sentence.would_help,
        "listener": sentence.listener,
        "received_at": _when(sentence.received_at) if sentence.received_at else "",
        "receiving_id": received.starter_id if received else "",
        "receiving_beginning": received.beginning if received else "",
        "receiving_ending": received.ending if received else "",
        "reflection": sentence.reflection.value if sentence.reflection else "",
        "reflection_words": sentence.reflection_words,
    }


def sentence_from_record(record: object) -> Sentence:
    """Rebuild a sentence, or ``ValueError`` naming what is wrong (never quoting the words)."""
    if not isinstance(record, Mapping):
        raise ValueError("A sentence is not a record of fields.")
    sentence_id = record.get("id")
    if not isinstance(sentence_id, str) or not sentence_id:
        raise ValueError("A sentence has no id.")
    what = f"Sentence {sentence_id[:12]}"
    fields = {
        name: _text(record, name, what)
        for name in ("space", "speaker", "starter_id", "beginning", "ending", "would_help", "listener",
                     "receiving_id", "receiving_beginning", "receiving_ending", "reflection",
                     "reflection_words")
    }
    if not fields["space"] or not fields["beginning"]:
        raise ValueError(f"{what}: 'space' or 'beginning' is missing.")
    received = None
    received_at = None
    if fields["receiving_beginning"]:
        received = Said(fields["receiving_id"], fields["receiving_beginning"], fields["receiving_ending"])
        received_at = _parse_when(record.get("received_at"), what)
    try:
        reflection = Reflection(fields["reflection"]) if fields["reflection"] else None
    except ValueError:
        raise ValueError(f"{what}: 'reflection' is not one of the answers.") from None
    return Sentence(
        id=sentence_id,
        space=fields["space"],
        created=_parse_when(record.get("created"), what),
        spoken=Said(fields["starter_id"], fields["beginning"], fields["ending"]),
        would_help=fields["would_help"],
        speaker=fields["speaker"],
        received=received,
        listener=fields["listener"],
        received_at=received_at,
        reflection=reflection,
        reflection_words=fields["reflection_words"],
    )
