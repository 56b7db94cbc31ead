"""Demo mode: a throw-away data folder filled with sample reflections."""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from reflect.usecases.checkins import add_checkins
from reflect.usecases.demo_content import SAMPLE_ENTRIES
from reflect.domain.checkins import CheckIn, new_checkin
from reflect.paths import ensure_private_dir
from reflect.usecases.workspace import Workspace


def make_demo_folder() -> Path:
    """A fresh private temporary folder; the caller removes it afterwards."""
    return ensure_private_dir(Path(tempfile.mkdtemp(prefix="reflect-demo-")))


def remove_demo_folder(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


DEMO_KINDS = ("solo", "couple")
"""What ``reflect --demo`` can show: one person's journal, or a couple."""


def seed_demo(workspace: Workspace) -> None:
    """Fill an empty workspace with the sample entries, dated in the past."""
    now = workspace.now()
    for sample in SAMPLE_ENTRIES:
        _write_sample(workspace, sample, now)
    add_checkins(workspace.journal, sample_checkins(workspace.journal.space, now))
    workspace.settings.first_run_acknowledged = False


def _write_sample(workspace: Workspace, sample: dict, now: datetime, *, space: str | None = None) -> None:
    prompt_id = sample.get("prompt_id", "")
    if prompt_id and workspace.find_prompt(prompt_id) is None:
        prompt_id = ""
    journal = workspace.store(space) if space else workspace.journal
    entry = workspace.write(sample["text"], prompt_id=prompt_id, tags=sample.get("tags", ()), space=journal.space)
    when = now - timedelta(days=int(sample.get("days_ago", 1)))
    entry = replace(entry, created=when, updated=when, starred=bool(sample.get("starred")))
    journal.update(entry)


def seed_demo_couple(workspace: Workspace) -> dict[str, str]:
    """Set up the demo couple (Ana and Ben) in an empty workspace, and fill their spaces.

    Each has a private journal with a few entries and check-ins; the shared
    space holds reflections and check-ins from both, each with its author,
    two sample couple sessions (see :func:`seed_demo_sessions`) and a touch
    ladder with one try (see :func:`seed_demo_ladder`).
    Everything is written by unlocking as that person, the way the app would,
    and the workspace is left locked. Returns each person's demo passphrase
    by name, for the lock screen to show.
    """
    from reflect.domain.profiles import Role
    from reflect.usecases.demo_content import COUPLE_PRIVATE, COUPLE_SHARED, DEMO_COUPLE
    from reflect.usecases.workspace import NewPerson

    now = workspace.now()
    profiles = workspace.set_up([NewPerson(name, Role(role), passphrase) for name, role, passphrase in DEMO_COUPLE])
    passphrases = {name: passphrase for name, _, passphrase in DEMO_COUPLE}
    shared = workspace.household.shared_space
    for number, profile in enumerate(profiles):
        workspace.unlock(profile, passphrases[profile.name])
        try:
            for sample in COUPLE_PRIVATE.get(profile.name, ()):
                _write_sample(workspace, sample, now, space=profile.space)
            for sample in COUPLE_SHARED:
                if sample["author"] == profile.name:
                    _write_sample(workspace, sample, now, space=shared)
            add_checkins(workspace.store(profile.space), sample_checkins(profile.space, now, seed=number + 1))
            add_checkins(
                workspace.store(shared),
                sample_checkins(shared, now, seed=number + 11, author=profile.id, notes=False),
            )
        finally:
            workspace.lock()
    seed_demo_sessions(workspace, passphrases)
    workspace.settings.first_run_acknowledged = False
    return passphrases


def seed_demo_sessions(workspace: Workspace, passphrases: dict[str, str]) -> None:
    """Two sample couple sessions, through the sessions' own use cases, with both partners present.

    One is revealed (both chose to show their answer); in the other the first
    partner has answered and it waits for the second, whose answer is not
    there yet. The workspace is left locked.
    """
    from reflect.domain.sessions import RevealChoice, SessionExercise
    from reflect.usecases import couple_sessions
    from reflect.usecases.demo_content import COUPLE_SESSIONS

    first, second = workspace.household.profiles
    workspace.unlock(first, passphrases[first.name])
    try:
        workspace.join(workspace.open_for(second, passphrases[second.name]))
        for sample in COUPLE_SESSIONS:
            prompt = workspace.find_prompt(sample["prompt_id"])
            if prompt is None:
                continue  # a pack without that prompt: no sample session for it
            session = couple_sessions.begin(
                workspace, SessionExercise("prompt", prompt.id, prompt.text), starter=first.id
            )
            for person in (first, second):
                words = sample["answers"].get(person.name)
                if words:
                    couple_sessions.save_answer(workspace, session.id, person.id, words)
            if sample["revealed"]:
                for person in (first, second):
                    couple_sessions.choose(workspace, session.id, person.id, RevealChoice.REVEAL)
                couple_sessions.reveal(workspace, session.id)
        seed_demo_ladder(workspace)
    finally:
        workspace.lock()


def seed_demo_ladder(workspace: Workspace) -> None:
    """The couple's touch ladder, through its own rules, with both partners present.

    Ana (hurt) moves the pace up twice and one step back, adds a step of her
    own; Ben suggests one, which waits for her choice. Then one try, agreed
    together, whose "how it felt" both wrote and showed (next time: the same).
    """
    from reflect.domain.ladder import NextTime, add_step, set_pace, suggest_step
    from reflect.domain.profiles import Role
    from reflect.domain.sessions import RevealChoice
    from reflect.usecases import couple_sessions
    from reflect.usecases.demo_content import DEMO_LADDER
    from reflect.usecases.ladder import LadderBook
    from reflect.usecases.ladder_tries import begin_try, keep_next_time, settle_next_time

    people = workspace.people_here
    hurt = next((p for p in people if p.role is Role.HURT), None)
    book = LadderBook.for_workspace(workspace)
    if hurt is None or book is None or len(book.load().steps) < 3:
        return  # a pack without ladder steps: no sample ladder
    other = next(p for p in people if p.id != hurt.id)
    steps = book.load().steps
    book.change(set_pace, hurt, steps[1].id)
    book.change(set_pace, hurt, steps[2].id)
    book.change(set_pace, hurt, steps[1].id)  # a step back, in the ladder's neutral words
    book.change(add_step, hurt, DEMO_LADDER["own_step"], after=steps[1].id)
    book.change(suggest_step, other, DEMO_LADDER["suggested"])
    session = begin_try(workspace, steps[1].id, DEMO_LADDER["stop"], starter=hurt.id)
    same = NextTime.SAME
    for person in (hurt, other):
        keep_next_time(workspace, session.id, person.id, same)
        felt = DEMO_LADDER["felt"].get(person.name, "")
        couple_sessions.save_answer(workspace, session.id, person.id, f"{felt}\n\nNext time: {same.label.lower()}.")
    for person in (hurt, other):
        couple_sessions.choose(workspace, session.id, person.id, RevealChoice.REVEAL)
    couple_sessions.reveal(workspace, session.id)
    settle_next_time(workspace)


SAMPLE_NOTES = {
    58: "We talked for an hour without it turning into a fight.",
    51: "A bad night. I checked the phone again.",
    44: "Walked to the market together, holding hands for a bit.",
    37: "The anniversary. Hard, hard day.",
    33: "Still raw after the weekend.",
    23: "Laughed at something silly at dinner.",
    15: "First session with the therapist.",
    9: "Sat close on the sofa, watched a film.",
    3: "Quiet evening, felt near each other.",
}


def sample_checkins(
    space: str, now: datetime, days: int = 60, *, seed: int = 0, author: str = "", notes: bool = True
) -> list[CheckIn]:
    """About two months of plausible check-ins ending today: ups, downs and skipped days.

    Connection drifts up and distance down, but slowly and not evenly: there
    is a hard stretch about five weeks ago, and about one day in four is
    skipped. The same every time, so the demo always looks the same.
    """
    rng = random.Random(20240601 + seed)
    checkins = []
    for days_ago in range(days, -1, -1):
        note = SAMPLE_NOTES.get(days_ago, "") if notes else ""
        if not note and rng.random() < 0.25:
            continue
        progress = (days - days_ago) / days
        hard_stretch = 2.5 if 33 <= days_ago <= 38 else 0.0
        connection = round(rng.gauss(1.0 + 2.5 * progress - hard_stretch / 2, 1.2))
        distance = round(rng.gauss(4.0 - 2.2 * progress + hard_stretch, 1.2))
        when = min(now, (now - timedelta(days=days_ago)).replace(hour=21, minute=rng.randrange(0, 60)))
        checkins.append(
            new_checkin(
                min(99, max(0, connection)),
                min(99, max(0, distance)),
                space=space,
                now=when,
                note=note,
                author=author,
            )
        )
    return checkins
