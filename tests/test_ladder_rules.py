"""The touch ladder's pace rules (COUPLE.md), without a terminal or a disk."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.domain.content import LadderStep
from reflect.domain.ladder import (
    Ladder,
    NextTime,
    PaceRefused,
    add_step,
    answer_suggestion,
    ladder_from_pack,
    move_step,
    next_time,
    pause,
    record_try,
    remove_step,
    rename_step,
    resume,
    set_pace,
    suggest_step,
)
from reflect.domain.profiles import Profile, Role

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc)
SAM = Profile(id="sam", name="Sam", role=Role.HURT, space="private-sam")
ALEX = Profile(id="alex", name="Alex", role=Role.INVOLVED, space="private-alex")
ROBIN = Profile(id="robin", name="Robin", role=Role.HURT, space="private-robin")
STEPS = tuple(LadderStep(id=f"s{i}", text=f"Step {i}") for i in range(1, 6))


def fresh() -> Ladder:
    return ladder_from_pack(STEPS)


def test_a_new_ladder_has_the_packs_steps_and_no_pace():
    ladder = fresh()
    assert [s.id for s in ladder.steps] == ["s1", "s2", "s3", "s4", "s5"]
    assert ladder.pace is None
    assert not ladder.paused


def test_the_hurt_partner_moves_the_pace_up_and_back_in_the_same_words():
    ladder = set_pace(fresh(), SAM, "s3", now=NOW)
    assert ladder.pace.id == "s3"
    ladder = set_pace(ladder, SAM, "s2", now=NOW)
    assert ladder.pace.id == "s2"
    up, down = ladder.log[-2:]
    assert up.words == "The pace is now: Step 3"
    assert down.words == "The pace is now: Step 2"
    for event in ladder.log:
        assert not any(w in event.words.lower() for w in ("fail", "setback", "behind", "only"))


@pytest.mark.parametrize(
    "action",
    [
        lambda l: set_pace(l, ALEX, "s2", now=NOW),
        lambda l: pause(l, ALEX, now=NOW),
        lambda l: resume(l, ALEX, now=NOW),
        lambda l: add_step(l, ALEX, "new", now=NOW),
        lambda l: rename_step(l, ALEX, "s1", "renamed", now=NOW),
        lambda l: remove_step(l, ALEX, "s1", now=NOW),
        lambda l: move_step(l, ALEX, "s1", 1, now=NOW),
    ],
)
def test_the_involved_partner_is_refused_with_a_plain_reason(action):
    with pytest.raises(PaceRefused, match="partner who was hurt"):
        action(fresh())


def test_when_both_are_hurt_the_pace_is_the_lower_limit():
    ladder = set_pace(fresh(), SAM, "s4", now=NOW)
    assert ladder.pace.id == "s4"
    ladder = set_pace(ladder, ROBIN, "s2", now=NOW)
    assert ladder.pace.id == "s2"
    ladder = set_pace(ladder, ROBIN, "s5", now=NOW)
    assert ladder.pace.id == "s4"
    assert ladder.limit_of("robin").id == "s5"
    # One of them back at the start means the ladder has not begun.
    assert set_pace(ladder, SAM, None, now=NOW).pace is None


def test_when_both_are_hurt_a_limit_not_yet_set_counts_as_not_begun():
    # COUPLE.md: the pace is the lower of the two limits; one never set is the lowest.
    ladder = replace(fresh(), hurt=frozenset({"sam", "robin"}))
    ladder = set_pace(ladder, SAM, "s3", now=NOW)
    assert ladder.pace is None
    assert ladder.within_pace() == ()
    with pytest.raises(PaceRefused):
        record_try(ladder, "s1", "sess", by="sam", now=NOW)
    ladder = set_pace(ladder, ROBIN, "s2", now=NOW)
    assert ladder.pace.id == "s2"


def test_a_limit_left_by_someone_no_longer_hurt_does_not_count():
    ladder = set_pace(set_pace(fresh(), SAM, "s4", now=NOW), ROBIN, "s1", now=NOW)
    assert ladder.pace.id == "s1"
    assert replace(ladder, hurt=frozenset({"sam"})).pace.id == "s4"


def test_either_hurt_partner_can_pause_and_both_must_resume():
    ladder = pause(pause(set_pace(fresh(), SAM, "s2", now=NOW), SAM, now=NOW), ROBIN, now=NOW)
    assert ladder.paused
    ladder = resume(ladder, SAM, now=NOW)
    assert ladder.paused
    assert not resume(ladder, ROBIN, now=NOW).paused


def test_removing_the_step_that_is_the_pace_moves_it_to_the_gentler_one():
    ladder = remove_step(set_pace(fresh(), SAM, "s3", now=NOW), SAM, "s3", now=NOW)
    assert ladder.pace.id == "s2"
    ladder = remove_step(set_pace(ladder, SAM, "s1", now=NOW), SAM, "s1", now=NOW)
    assert ladder.pace is None


def test_steps_can_be_added_renamed_and_reordered_by_the_hurt_partner():
    ladder = add_step(fresh(), SAM, "  Making tea   for each other ", now=NOW, after="s1")
    assert ladder.steps[1].text == "Making tea for each other"
    new_id = ladder.steps[1].id
    ladder = rename_step(ladder, SAM, new_id, "Making tea", now=NOW)
    ladder = move_step(ladder, SAM, new_id, -1, now=NOW)
    assert ladder.steps[0] == LadderStep(id=new_id, text="Making tea")
    with pytest.raises(PaceRefused):
        add_step(ladder, SAM, "   ", now=NOW)


def test_a_suggestion_waits_for_the_hurt_partners_choice():
    ladder = suggest_step(fresh(), ALEX, "Walking side by side", now=NOW)
    assert [s.text for s in ladder.steps] == [s.text for s in STEPS]
    suggestion = ladder.suggestions[0]
    with pytest.raises(PaceRefused):
        answer_suggestion(ladder, ALEX, suggestion.id, accept=True, now=NOW)
    accepted = answer_suggestion(ladder, SAM, suggestion.id, accept=True, now=NOW)
    assert accepted.steps[-1].text == "Walking side by side"
    assert accepted.suggestions == ()
    assert accepted.log[-1].kind == "accepted"
    declined = answer_suggestion(ladder, SAM, suggestion.id, accept=False, now=NOW)
    assert declined.steps == ladder.steps and declined.suggestions == ()


def test_a_try_stays_within_the_pace_and_not_while_resting():
    with pytest.raises(PaceRefused):
        record_try(fresh(), "s1", "sess", by="alex", now=NOW)
    ladder = set_pace(fresh(), SAM, "s2", now=NOW)
    with pytest.raises(PaceRefused):
        record_try(ladder, "s3", "sess", by="alex", now=NOW)
    tried = record_try(ladder, "s1", "sess", by="alex", now=NOW)
    assert tried.log[-1].kind == "try" and tried.log[-1].session_id == "sess"
    with pytest.raises(PaceRefused):
        record_try(pause(ladder, SAM, now=NOW), "s1", "sess", by="sam", now=NOW)


def test_editing_steps_while_a_try_is_pending_keeps_the_try_readable():
    ladder = record_try(set_pace(fresh(), SAM, "s2", now=NOW), "s2", "sess", by="sam", now=NOW)
    ladder = remove_step(ladder, SAM, "s2", now=NOW)
    assert ladder.log[-2].words == "A try: Step 2"
    assert ladder.pace.id == "s1"


INVOLVED_ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["pace", "pause", "resume", "add", "rename", "remove", "move", "suggest", "answer", "next"]),
        st.sampled_from([None, "s1", "s2", "s3", "s4", "s5", "nope"]),
        st.integers(-3, 3),
        st.text(max_size=10),
    ),
    max_size=30,
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.sampled_from([None, "s1", "s3", "s5"]), st.booleans(), INVOLVED_ACTIONS)
def test_nothing_the_involved_partner_does_moves_the_pace_or_the_steps(start, paused, actions):
    ladder = set_pace(fresh(), SAM, start, now=NOW)
    if start is not None:
        ladder = record_try(ladder, "s1", "tried", by="sam", now=NOW)
    if paused:
        ladder = pause(ladder, SAM, now=NOW)
    before = (ladder.steps, ladder.pace, ladder.paused, ladder.limits)
    clock = NOW
    for verb, step, offset, text in actions:
        clock += timedelta(minutes=1)
        try:
            if verb == "pace":
                ladder = set_pace(ladder, ALEX, step, now=clock)
            elif verb == "pause":
                ladder = pause(ladder, ALEX, now=clock)
            elif verb == "resume":
                ladder = resume(ladder, ALEX, now=clock)
            elif verb == "add":
                ladder = add_step(ladder, ALEX, text or "x", now=clock, after=step)
            elif verb == "rename":
                ladder = rename_step(ladder, ALEX, step or "s1", text or "x", now=clock)
            elif verb == "remove":
                ladder = remove_step(ladder, ALEX, step or "s1", now=clock)
            elif verb == "move":
                ladder = move_step(ladder, ALEX, step or "s1", offset, now=clock)
            elif verb == "suggest":
                ladder = suggest_step(ladder, ALEX, text or "x", now=clock)
            elif verb == "answer" and ladder.suggestions:
                ladder = answer_suggestion(ladder, ALEX, ladder.suggestions[0].id, accept=offset > 0, now=clock)
            elif verb == "next" and ladder.tries():
                ladder = next_time(ladder, ALEX, ladder.tries()[-1].session_id, list(NextTime)[offset % 3],
                                   now=clock)
        except PaceRefused:
            pass
    assert (ladder.steps, ladder.pace, ladder.paused, ladder.limits) == before


# After a try: only the hurt partner's choice moves anything.


def tried(step: str = "s3", pace: str = "s3") -> Ladder:
    return record_try(set_pace(fresh(), SAM, pace, now=NOW), step, "sess", by="sam", now=NOW,
                      stop_signal="  a hand   up ")


def test_a_try_keeps_its_stop_signal_in_plain_words():
    ladder = tried()
    assert ladder.find_try("sess").stop_signal == "a hand up"
    with pytest.raises(PaceRefused):
        record_try(set_pace(fresh(), SAM, "s1", now=NOW), "s1", "x", by="sam", now=NOW, stop_signal="w" * 81)


@pytest.mark.parametrize("choice", list(NextTime))
def test_the_involved_partners_choice_after_a_try_moves_nothing(choice):
    ladder = tried()
    assert next_time(ladder, ALEX, "sess", choice, now=NOW) == ladder


def test_the_hurt_partner_chooses_a_smaller_step_and_it_reads_as_neutral():
    ladder = next_time(tried(), SAM, "sess", NextTime.SMALLER, now=NOW)
    assert ladder.pace.id == "s2"
    assert ladder.log[-1].words == "Next time, a gentler step: Step 2"
    assert not any(w in ladder.log[-1].words.lower() for w in ("fail", "setback", "back to", "only"))
    assert next_time(tried(), SAM, "sess", NextTime.SAME, now=NOW).pace.id == "s3"
    paused = next_time(tried(), SAM, "sess", NextTime.PAUSE, now=NOW)
    assert paused.paused and paused.pace.id == "s3"


def test_a_smaller_step_never_raises_a_limit_and_the_first_step_goes_back_to_the_start():
    # The try was of s3, but the pace is at s1 already: nothing goes up.
    ladder = record_try(set_pace(fresh(), SAM, "s3", now=NOW), "s3", "sess", by="sam", now=NOW)
    ladder = set_pace(ladder, SAM, "s1", now=NOW)
    assert next_time(ladder, SAM, "sess", NextTime.SMALLER, now=NOW).pace.id == "s1"
    first = record_try(set_pace(fresh(), SAM, "s1", now=NOW), "s1", "one", by="sam", now=NOW)
    assert next_time(first, SAM, "one", NextTime.SMALLER, now=NOW).pace is None


def test_both_hurt_each_choice_after_a_try_moves_only_their_own_limit():
    ladder = set_pace(set_pace(fresh(), SAM, "s3", now=NOW), ROBIN, "s4", now=NOW)
    ladder = record_try(ladder, "s3", "sess", by="sam", now=NOW)
    ladder = next_time(ladder, ROBIN, "sess", NextTime.SMALLER, now=NOW)
    assert ladder.limit_of("robin").id == "s2" and ladder.limit_of("sam").id == "s3"
    assert ladder.pace.id == "s2"


def test_a_try_pending_while_its_step_is_removed_or_renamed():
    ladder = tried()
    renamed = rename_step(ladder, SAM, "s3", "Sitting very close", now=NOW)
    assert renamed.find_try("sess").words == "A try: Step 3"  # what was tried, as it was then
    removed = remove_step(ladder, SAM, "s3", now=NOW)
    assert removed.pace.id == "s2"
    # The answer to that try still arrives and moves nothing further up or down twice.
    assert next_time(removed, SAM, "sess", NextTime.SMALLER, now=NOW).pace.id == "s2"
    with pytest.raises(PaceRefused):
        next_time(removed, SAM, "no-such-try", NextTime.SAME, now=NOW)


def test_a_new_ladder_offers_no_step_for_a_try_and_within_pace_is_the_gentle_end():
    assert fresh().within_pace() == ()
    assert [s.id for s in set_pace(fresh(), SAM, "s2", now=NOW).within_pace()] == ["s1", "s2"]


def test_a_suggestion_from_the_hurt_partner_also_waits_and_a_missing_one_is_refused():
    ladder = suggest_step(fresh(), SAM, "Tea", now=NOW)
    assert ladder.steps == STEPS
    with pytest.raises(PaceRefused):
        answer_suggestion(ladder, SAM, "nope", accept=True, now=NOW)
