"""Where the ladder lives and how it is saved: the shared space for a couple, the hurt partner's own alone."""

from __future__ import annotations

import pytest

from reflect.domain.ladder import PaceRefused, pause, record_try, set_pace, suggest_step
from reflect.domain.profiles import Role
from reflect.storage.exercise_records import LADDER_TABLE, ladder_from_record, ladder_to_record
from reflect.usecases.ladder import LadderBook, LadderUnreadable, ladder_space
from tests.helpers import PASS_A, PASS_B


def test_a_couples_ladder_lives_in_the_shared_space_and_both_see_it(couple):
    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    book = LadderBook.for_workspace(ws)
    assert book.space == ws.household.shared_space
    assert not book.saved() and book.load().steps  # the pack's steps, nothing saved yet
    first = book.load().steps[0].id
    book.change(set_pace, alex, first)
    ws.lock()
    ws.unlock(sam, PASS_B)
    seen = LadderBook.for_workspace(ws).load()
    assert seen.pace.id == first
    with pytest.raises(PaceRefused):
        LadderBook.for_workspace(ws).change(set_pace, sam, None)
    assert LadderBook.for_workspace(ws).load().pace.id == first
    # A suggestion from Sam is saved and waits.
    LadderBook.for_workspace(ws).change(suggest_step, sam, "Walking side by side")
    assert LadderBook.for_workspace(ws).load().suggestions[0].text == "Walking side by side"


def test_alone_a_hurt_partner_keeps_a_private_ladder_and_anyone_else_reads_only(solo_ws):
    person = solo_ws.current
    assert person.role is Role.HURT
    book = LadderBook.for_workspace(solo_ws)
    assert book.space == person.space
    involved = person.__class__(**{**person.__dict__, "role": Role.INVOLVED})
    assert ladder_space(solo_ws.household, involved, solo_ws.open_spaces) is None


def test_the_ladder_and_its_log_round_trip_without_loss(solo_ws, clock):
    person = solo_ws.current
    book = LadderBook.for_workspace(solo_ws)
    ladder = book.change(set_pace, person, book.load().steps[2].id)
    ladder = book.change(record_try, ladder.steps[1].id, "sess", by=person.id, stop_signal="the word 'tea'")
    ladder = book.change(pause, person)
    assert book.load() == ladder
    assert ladder_from_record(ladder_to_record(ladder, book.space)) == ladder


def test_a_damaged_ladder_is_never_overwritten(solo_ws):
    journal = solo_ws.journal
    journal.insert_record(LADDER_TABLE, {"space": journal.space, "steps": "nope"})
    book = LadderBook.for_workspace(solo_ws)
    with pytest.raises(LadderUnreadable):
        book.load()
    with pytest.raises(LadderUnreadable):
        book.change(set_pace, solo_ws.current, None)
    assert journal.table_records(LADDER_TABLE) == [{"space": journal.space, "steps": "nope"}]


def test_a_tries_next_time_waits_sealed_until_the_session_is_over_and_only_the_hurt_choice_counts(couple):
    from reflect.domain.ladder import NextTime
    from reflect.usecases import couple_sessions as cs
    from reflect.usecases.ladder_tries import NEXT_TIME_TABLE, begin_try, keep_next_time, settle_next_time

    ws, alex, sam = couple
    ws.unlock(alex, PASS_A)
    ws.join(ws.open_for(sam, PASS_B))
    book = LadderBook.for_workspace(ws)
    steps = book.load().steps
    book.change(set_pace, alex, steps[2].id)
    with pytest.raises(PaceRefused):
        begin_try(ws, steps[3].id, "", starter=alex.id)  # beyond the pace: no session begins
    assert cs.unfinished(ws) == []
    session = begin_try(ws, steps[2].id, "the word tea", starter=alex.id)
    assert book.load().find_try(session.id).stop_signal == "the word tea"
    keep_next_time(ws, session.id, alex.id, NextTime.PAUSE)
    cs.save_answer(ws, session.id, alex.id, "calm enough")
    keep_next_time(ws, session.id, sam.id, NextTime.SMALLER)
    cs.save_answer(ws, session.id, sam.id, "glad")
    # The choices are in each writer's own space, never in the shared one.
    assert ws.session.sealed_journal_of(alex.id).table_records(NEXT_TIME_TABLE)
    assert not ws.store(ws.household.shared_space).table_records(NEXT_TIME_TABLE)
    assert settle_next_time(ws) == []  # still open: nothing moves
    assert not book.load().paused
    cs.end(ws, session.id, sam.id)
    assert settle_next_time(ws) == ["The ladder is resting for now."]
    after = book.load()
    assert after.paused and after.pace == steps[2]  # Sam's "smaller" moved nothing
    assert settle_next_time(ws) == []  # applied once


def test_both_hurt_one_limit_alone_does_not_set_the_pace(tmp_path, clock):
    from reflect.usecases.workspace import NewPerson
    from tests.helpers import open_fresh

    ws = open_fresh(tmp_path / "data", clock)
    try:
        ws.set_up([NewPerson("Ana", Role.HURT, PASS_A), NewPerson("Ben", Role.HURT, PASS_B)])
        ana, ben = ws.household.profiles
        ws.unlock(ana, PASS_A)
        book = LadderBook.for_workspace(ws)
        steps = book.load().steps
        assert book.change(set_pace, ana, steps[2].id).pace is None  # Ben's limit: not begun
        assert book.load().pace is None
        assert book.change(set_pace, ben, steps[1].id).pace == steps[1]
    finally:
        ws.close()
