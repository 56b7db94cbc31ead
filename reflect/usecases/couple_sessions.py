"""Couple sessions, kept on disk: begin, answer, choose, reveal or keep, end, resume.

The rules are the pure functions of :mod:`reflect.domain.sessions`; this
module keeps what they decide, in the right place:

- The **shared space** keeps each session as the rules allow (table
  ``couple_sessions``): its exercise, when it began, who has answered, each
  person's reveal choice, who ended it. Never the text of a pending answer.
- Each **pending answer** is kept in its writer's **private** space (table
  ``session_answers``), sealed with their key, so neither the partner's
  passphrase nor the shared space's key opens it. So is the draft of an
  answer still being typed (in that space's drafts).
- At the reveal, only the answers their writers chose to reveal become
  entries of the shared space, with their author and the session id. A kept
  answer, and every answer of a session that ended, becomes an ordinary
  entry of its writer's private journal, noting the session.

Every function is generic over the exercise: ``SessionExercise(kind="prompt",
ref=<prompt id>)`` for a together prompt, ``SessionExercise(kind="ladder-try",
ref=<step id>)`` for a try on the touch ladder, and so on. A ``person`` is a
profile id. A step the rules refuse raises
:class:`~reflect.domain.sessions.SessionRefused` with a sentence fit to show,
and nothing changes; a failed save raises the store's ``SaveFailed``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reflect.domain import sessions as rules
from reflect.domain.entries import Entry, new_entry
from reflect.domain.sessions import (
    CoupleSession,
    Reveal,
    RevealChoice,
    SessionExercise,
    SessionRefused,
    Stage,
)
from reflect.usecases.session import NotUnlocked

if TYPE_CHECKING:
    from reflect.usecases.journal import Journal
    from reflect.usecases.workspace import Workspace

__all__ = [
    "PENDING_TABLE",
    "SESSIONS_TABLE",
    "CoupleSession",
    "Reveal",
    "RevealChoice",
    "SessionExercise",
    "SessionRefused",
    "Stage",
    "answer_entry_id",
    "asks_passphrase",
    "begin",
    "choose",
    "draft_of",
    "end",
    "find",
    "has_begun_any",
    "is_their_passphrase",
    "keep_draft",
    "next_turn",
    "own_answer",
    "reveal",
    "revealed",
    "save_answer",
    "settle",
    "unfinished",
]

SESSIONS_TABLE = "couple_sessions"
"""Table of the shared space: one record per session, never an answer's text."""
PENDING_TABLE = "session_answers"
"""Table of a private space: its owner's pending answers, one per session."""

NO_SHARED_SPACE = "A session needs the shared space, and it is not open."
NOT_HERE = "That person's journal is not open, so their answer cannot be kept now."
NOT_FOUND = "This session could not be found in the shared space."
BOTH_NEEDED = "The answers are shown only when both of you are here."


# Reading and writing the records


def _shared(workspace: Workspace) -> Journal:
    shared = workspace.household.shared_space
    if shared is None:
        raise SessionRefused(NO_SHARED_SPACE)
    try:
        return workspace.session.journal_of(shared)
    except NotUnlocked:
        raise SessionRefused(NO_SHARED_SPACE) from None


def _private(workspace: Workspace, person: str) -> Journal:
    try:
        return workspace.session.sealed_journal_of(person)
    except NotUnlocked:
        raise SessionRefused(NOT_HERE) from None


def _when(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError("a moment without a time zone")
    return moment


def _to_record(session: CoupleSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "kind": session.exercise.kind,
        "ref": session.exercise.ref,
        "title": session.exercise.title,
        "partners": list(session.partners),
        "began": session.began.isoformat(),
        "answered": sorted(session.answered),
        "choices": [[person, choice.value] for person, choice in session.choices],
        "ended_by": session.ended_by,
        "revealed_at": session.revealed_at.isoformat() if session.revealed_at else None,
    }


def _from_record(record: object) -> CoupleSession:
    """A session from its record, or ``ValueError``/``TypeError``/``KeyError``."""
    if not isinstance(record, Mapping):
        raise ValueError("not a record")
    partners = record["partners"]
    if not (isinstance(partners, list) and len(partners) == 2 and all(isinstance(p, str) for p in partners)):
        raise ValueError("partners")
    began = _when(record["began"])
    if began is None:
        raise ValueError("began")
    answered = record.get("answered", [])
    if not isinstance(answered, list) or not set(answered) <= set(partners):
        raise ValueError("answered")
    choices = tuple((str(p), RevealChoice(c)) for p, c in record.get("choices", []))
    if not {p for p, _ in choices} <= set(partners):
        raise ValueError("choices")
    ended_by = record.get("ended_by")
    if ended_by is not None and ended_by not in partners:
        raise ValueError("ended_by")
    exercise = SessionExercise(kind=str(record["kind"]), ref=str(record["ref"]), title=str(record.get("title", "")))
    return CoupleSession(
        id=str(record["id"]),
        exercise=exercise,
        partners=(partners[0], partners[1]),
        began=began,
        answered=frozenset(answered),
        choices=choices,
        ended_by=ended_by,
        revealed_at=_when(record.get("revealed_at")),
    )


def _all_sessions(shared: Journal) -> list[CoupleSession]:
    """Every readable session record; one that cannot be read is left out (never deleted)."""
    found: list[CoupleSession] = []
    try:
        saved = shared.table_records(SESSIONS_TABLE)
    except (ValueError, TypeError, KeyError):
        return []
    for record in saved:
        try:
            found.append(_from_record(record))
        except (ValueError, TypeError, KeyError):
            continue
    return found


def _put(shared: Journal, session: CoupleSession) -> None:
    """Save ``session`` over its earlier record (or as a new one), in one save."""
    saved = shared.table_records(SESSIONS_TABLE)
    record = _to_record(session)
    replaced = [record if isinstance(r, Mapping) and r.get("id") == session.id else r for r in saved]
    if record not in replaced:
        replaced.append(record)
    shared.replace_records(SESSIONS_TABLE, replaced)


def _get(shared: Journal, session_id: str) -> CoupleSession:
    for session in _all_sessions(shared):
        if session.id == session_id:
            return session
    raise SessionRefused(NOT_FOUND)


def _pending_records(journal: Journal) -> list[dict[str, Any]]:
    try:
        return [r for r in journal.table_records(PENDING_TABLE) if isinstance(r, dict)]
    except (ValueError, TypeError, KeyError):
        return []


def _draft_key(session_id: str) -> str:
    return f"session:{session_id}"


def answer_entry_id(session_id: str, person: str) -> str:
    """The entry id an answer of ``person`` in this session gets, wherever it lands.

    The same every time, so an answer moved twice (a crash in between) is
    still one entry.
    """
    return "s-" + hashlib.sha256(f"{session_id}\n{person}".encode()).hexdigest()[:32]


def _answer_entry(workspace: Workspace, journal: Journal, record: Mapping[str, Any], person: str, author: str) -> Entry:
    """An answer as an ordinary entry of ``journal``, noting its session and prompt."""
    session_id = str(record.get("session", ""))
    kind, ref, title = str(record.get("kind", "")), str(record.get("ref", "")), str(record.get("title", ""))
    prompt = workspace.catalogue.find_prompt(ref) if kind == "prompt" and ref else None
    written = _when(record.get("written")) or workspace.now()
    return new_entry(
        str(record.get("text", "")),
        space=journal.space,
        now=written,
        prompt_id=prompt.id if prompt else "",
        prompt_text=prompt.text if prompt else title,
        section_id=prompt.section_id if prompt else "",
        author=author,
        session_id=session_id,
        entry_id=answer_entry_id(session_id, person),
    )


# The use cases


def begin(workspace: Workspace, exercise: SessionExercise, *, starter: str) -> CoupleSession:
    """Begin a session on ``exercise`` for the couple; ``starter`` (a profile id) writes first.

    The session is recorded in the shared space at once, with no answer in it.
    Its ``partners`` are ``(starter, the other partner)``: that is also the
    order of turns and of the answers at the reveal.
    """
    household = workspace.household
    shared = _shared(workspace)
    person = household.find(starter)
    other = household.partner_of(person) if person else None
    if person is None or other is None:
        raise SessionRefused("A session needs the two partners of a couple.")
    session = rules.begin_session(exercise, (person.id, other.id), now=workspace.now())
    _put(shared, session)
    return session


def find(workspace: Workspace, session_id: str) -> CoupleSession | None:
    """The session with this id as the shared space records it, or None."""
    return next((s for s in _all_sessions(_shared(workspace)) if s.id == session_id), None)


def unfinished(workspace: Workspace, *, kind: str | None = None, ref: str | None = None) -> list[CoupleSession]:
    """Sessions neither revealed nor ended, oldest first, to resume (optionally of one ``kind``/``ref``)."""
    found = [
        s
        for s in _all_sessions(_shared(workspace))
        if s.is_open and (kind is None or s.exercise.kind == kind) and (ref is None or s.exercise.ref == ref)
    ]
    return sorted(found, key=lambda s: s.began)


def asks_passphrase(workspace: Workspace, person: str) -> bool:
    """True when ``person`` proves it is them (their passphrase) before their own turn or choice.

    Everyone together has a passphrase; a journal without one has nothing to prove it with.
    """
    profile = next((p for p in workspace.session.people_here if p.id == person), None)
    return profile is not None and profile.space in workspace.session.seals


def is_their_passphrase(workspace: Workspace, person: str, typed: str) -> bool:
    """True if ``typed`` opens the private space of ``person`` (someone at the screen), as it is in memory.

    For the curtain: whoever presses Enter there is not always the person it
    names, so before a screen shows someone's own pending answer or draft,
    or lets them choose, that person types their passphrase. Nothing is
    reopened; this runs the key derivation once (call it from a thread).
    """
    profile = next((p for p in workspace.session.people_here if p.id == person), None)
    if profile is None or not isinstance(typed, str) or not typed:
        return False
    seal = workspace.session.seals.get(profile.space)
    return seal is not None and seal.passphrase_opens(profile.slot_id, typed)


def has_begun_any(workspace: Workspace) -> bool:
    """True once this couple has begun a together exercise (the safety note comes before the first).

    A session of any kind counts, and so does a sentence passed across the curtain.
    """
    from reflect.usecases.sentences import read_sentences

    shared = _shared(workspace)
    return bool(_all_sessions(shared)) or any(s.speaker for s in read_sentences(shared)[0])


def next_turn(session: CoupleSession) -> str | None:
    """Who should take the keyboard next (a profile id), or None when only the reveal is left."""
    return rules.whose_turn(session, starter=session.partners[0])


def save_answer(workspace: Workspace, session_id: str, person: str, text: str) -> CoupleSession:
    """Keep (or replace) ``person``'s pending answer in their own private space.

    The text goes only into the writer's private space (with the draft of it
    dropped in the same save); the shared space then records that they have
    answered, never what. Refused once they have made their reveal choice.
    """
    shared = _shared(workspace)
    session = _get(shared, session_id)
    updated = rules.record_answer(session, person)
    private = _private(workspace, person)
    record = {
        "session": session.id,
        "kind": session.exercise.kind,
        "ref": session.exercise.ref,
        "title": session.exercise.title,
        "text": text,
        "written": workspace.now().isoformat(),
    }
    others = [r for r in _pending_records(private) if r.get("session") != session.id]
    private.replace_records(PENDING_TABLE, [*others, record])
    if private.get_draft(_draft_key(session.id)) is not None:
        private.clear_draft(_draft_key(session.id))
    if updated != session:
        _put(shared, updated)
    return updated


def own_answer(workspace: Workspace, session_id: str, person: str) -> str | None:
    """``person``'s own pending answer in this session, read from their private space, or None."""
    private = _private(workspace, person)
    for record in _pending_records(private):
        if record.get("session") == session_id and isinstance(record.get("text"), str):
            return record["text"]
    return None


def keep_draft(workspace: Workspace, session_id: str, person: str, text: str) -> None:
    """Keep words still being typed for this session in ``person``'s private space (a lock, a hide)."""
    _private(workspace, person).save_draft(_draft_key(session_id), text)


def draft_of(workspace: Workspace, session_id: str, person: str) -> str | None:
    """Words ``person`` was typing for this session when it was left, if any."""
    return _private(workspace, person).get_draft(_draft_key(session_id))


def choose(workspace: Workspace, session_id: str, person: str, choice: RevealChoice) -> CoupleSession:
    """Record ``person``'s choice to reveal or keep their answer (both must have answered).

    Only the choice is written, in the shared space. After it, their answer
    can no longer be changed.
    """
    shared = _shared(workspace)
    session = _get(shared, session_id)
    if own_answer(workspace, session_id, person) is None:
        raise SessionRefused("Your answer could not be found in your journal, so nothing was chosen yet.")
    updated = rules.choose(session, person, choice)
    _put(shared, updated)
    return updated


def reveal(workspace: Workspace, session_id: str) -> Reveal:
    """The reveal: both present, both chosen. Returns what to show in one frame.

    The answers their writers chose to reveal become entries of the shared
    space, each with its author and the session id; a kept answer becomes an
    ordinary entry of its writer's private journal, and its text is never
    read here. ``Reveal.shown`` is ``((author, text), ...)`` in partner order,
    ``Reveal.kept`` the authors who kept theirs.
    """
    shared = _shared(workspace)
    session = _get(shared, session_id)
    presence = workspace.session.presence
    if presence is None or not presence.together:
        raise SessionRefused(BOTH_NEEDED)
    choices = session.choice_of
    pending: dict[str, str] = {}
    records: dict[str, Mapping[str, Any]] = {}
    for person in session.partners:
        if choices.get(person) is RevealChoice.REVEAL:
            for record in _pending_records(_private(workspace, person)):
                if record.get("session") == session.id and isinstance(record.get("text"), str):
                    pending[person] = record["text"]
                    records[person] = record
    outcome = rules.reveal_when_both_answered(session, presence, pending, now=workspace.now())
    shared.add_many(
        _answer_entry(workspace, shared, records[author], author, author) for author, _ in outcome.shown
    )
    _put(shared, outcome.session)
    _settle_people(workspace, shared, [outcome.session])
    return outcome


def revealed(workspace: Workspace, session_id: str) -> Reveal | None:
    """A past reveal read back from the shared space (to show it again), or None if not revealed."""
    shared = _shared(workspace)
    session = next((s for s in _all_sessions(shared) if s.id == session_id), None)
    if session is None or session.stage is not Stage.REVEALED:
        return None
    choices = session.choice_of
    shown: list[tuple[str, str]] = []
    for person in session.partners:
        if choices.get(person) is RevealChoice.REVEAL:
            entry = shared.get(answer_entry_id(session.id, person))
            if entry is not None:
                shown.append((person, entry.text))
    kept = tuple(p for p in session.partners if choices.get(p) is RevealChoice.KEEP)
    return Reveal(shown=tuple(shown), kept=kept, session=session)


def end(workspace: Workspace, session_id: str, person: str) -> CoupleSession:
    """``person`` ends the session, no reason asked. Nothing is deleted.

    Each pending answer whose writer is at the screen becomes an ordinary
    entry of their private journal now; a partner who is not here finds
    theirs there after their next unlock (see :func:`settle`).
    """
    shared = _shared(workspace)
    session = _get(shared, session_id)
    updated = rules.end_session(session, person)
    _put(shared, updated)
    _settle_people(workspace, shared, [updated])
    return updated


def settle(workspace: Workspace) -> None:
    """Finish what a lock, a crash or an absence left half done, for everyone at the screen.

    A pending answer of a session that has ended, or that was kept at a
    reveal, becomes an ordinary private entry; one already revealed into the
    shared space is dropped from the private space. Safe to call at every
    unlock: doing it twice changes nothing more.
    """
    try:
        shared = _shared(workspace)
    except SessionRefused:
        return  # without the shared space nothing can be known: everything stays as it is
    _settle_people(workspace, shared, [s for s in _all_sessions(shared) if not s.is_open])
    _bring_home_unknown(workspace, shared)


def _known_session_ids(shared: Journal) -> set[str] | None:
    """The id of every session record of the shared space, one that cannot be read too;
    None when the table itself cannot be read (then nothing is known to be missing)."""
    try:
        saved = shared.table_records(SESSIONS_TABLE)
    except (ValueError, TypeError, KeyError):
        return None
    return {str(r.get("id")) for r in saved if isinstance(r, Mapping) and r.get("id") is not None}


def _bring_home_unknown(workspace: Workspace, shared: Journal) -> None:
    """A pending answer of a session the shared space does not know (an older copy of it put
    back, say) becomes an ordinary entry of its writer's private journal, saying so: it can no
    longer be revealed or kept, and must not wait where no screen or export shows it. Only its
    writer sees it; nothing moves to the shared space."""
    known = _known_session_ids(shared)
    if known is None:
        return
    from reflect.usecases.wording import UNKNOWN_SESSION_ANSWER

    for profile in workspace.people_here:
        try:
            private = _private(workspace, profile.id)
        except SessionRefused:
            continue
        records = _pending_records(private)
        keep = [r for r in records if str(r.get("session", "")) in known]
        if len(keep) == len(records):
            continue
        entries = []
        for record in records:
            if str(record.get("session", "")) in known:
                continue
            entry = _answer_entry(workspace, private, record, profile.id, "")
            title = str(record.get("title", "")) or entry.prompt_text
            note = UNKNOWN_SESSION_ANSWER
            entries.append(replace(entry, prompt_text=f"{title} ({note})" if title else note.capitalize()))
        # The entries first: if the second save fails, the answer is in two places, never in none.
        private.add_many([e for e in entries if private.get(e.id) is None])
        private.replace_records(PENDING_TABLE, keep)


def _settle_people(workspace: Workspace, shared: Journal, closed: list[CoupleSession]) -> None:
    by_id = {s.id: s for s in closed if not s.is_open}
    if not by_id:
        return
    for profile in workspace.people_here:
        try:
            private = _private(workspace, profile.id)
        except SessionRefused:
            continue
        records = _pending_records(private)
        keep: list[dict[str, Any]] = []
        entries: list[Entry] = []
        for record in records:
            session = by_id.get(str(record.get("session", "")))
            if session is None:
                keep.append(record)
                continue
            in_shared = shared.get(answer_entry_id(session.id, profile.id)) is not None
            if session.stage is Stage.REVEALED and in_shared:
                continue  # revealed: its text now lives in the shared space
            entries.append(_answer_entry(workspace, private, record, profile.id, ""))
        if len(keep) == len(records):
            continue
        # The entries first: if the second save fails, the answer is in two places, never in none.
        private.add_many(entries)
        private.replace_records(PENDING_TABLE, keep)
