"""The rules of a couple session (COUPLE.md), without a terminal or a disk."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.domain.sessions import (
    SessionExercise,
    Presence,
    RevealChoice,
    SessionRefused,
    Stage,
    answers_that_stay_private,
    begin_session,
    can_reveal,
    choose,
    end_session,
    may_change_answer,
    record_answer,
    reveal_when_both_answered,
    spaces_on_screen,
    whose_turn,
)

ANA, BEN = "ana", "ben"
NOW = datetime(2026, 11, 30, 20, 0, tzinfo=timezone.utc)
BOTH = Presence.both(ANA, BEN)
PROMPT = SessionExercise(kind="prompt", ref="together-1", title="What helped this week?")


def fresh():
    return begin_session(PROMPT, (ANA, BEN), now=NOW)


def ready(ana=RevealChoice.REVEAL, ben=RevealChoice.REVEAL):
    s = record_answer(record_answer(fresh(), ANA), BEN)
    return choose(choose(s, ANA, ana), BEN, ben)


def test_a_session_needs_two_different_people():
    with pytest.raises(SessionRefused):
        begin_session(PROMPT, (ANA, ANA), now=NOW)


def test_turns_go_answer_answer_choose_choose_starting_with_the_starter():
    s = fresh()
    assert whose_turn(s, starter=BEN) == BEN
    s = record_answer(s, BEN)
    assert whose_turn(s, starter=BEN) == ANA
    s = record_answer(s, ANA)
    assert s.stage is Stage.CHOOSING
    assert whose_turn(s, starter=BEN) == BEN
    s = choose(s, BEN, RevealChoice.KEEP)
    assert whose_turn(s, starter=BEN) == ANA
    s = choose(s, ANA, RevealChoice.REVEAL)
    assert s.stage is Stage.READY
    assert whose_turn(s) is None


def test_choosing_waits_until_both_have_written():
    s = record_answer(fresh(), ANA)
    with pytest.raises(SessionRefused):
        choose(s, ANA, RevealChoice.REVEAL)


def test_an_answer_can_change_until_its_writer_has_chosen():
    s = record_answer(record_answer(fresh(), ANA), BEN)
    assert may_change_answer(s, ANA)
    s = record_answer(s, ANA)  # rewritten: still allowed
    s = choose(s, ANA, RevealChoice.REVEAL)
    assert not may_change_answer(s, ANA)
    assert may_change_answer(s, BEN)
    with pytest.raises(SessionRefused):
        record_answer(s, ANA)


def test_nobody_else_takes_part():
    with pytest.raises(SessionRefused):
        record_answer(fresh(), "someone")


def test_reveal_needs_both_present_and_shows_both_in_one_frame():
    s = ready()
    pending = {ANA: "Ana's words", BEN: "Ben's words"}
    assert not can_reveal(s, Presence.alone(ANA))
    with pytest.raises(SessionRefused):
        reveal_when_both_answered(s, Presence.alone(ANA), pending, now=NOW)
    reveal = reveal_when_both_answered(s, BOTH, pending, now=NOW)
    assert reveal.shown == ((ANA, "Ana's words"), (BEN, "Ben's words"))
    assert reveal.kept == ()
    assert reveal.session.stage is Stage.REVEALED


def test_a_kept_answer_is_never_read_and_stays_private():
    s = ready(ben=RevealChoice.KEEP)

    class Untouchable(dict):
        def __getitem__(self, key):
            if key == BEN:
                raise AssertionError("a kept answer was read")
            return super().__getitem__(key)

    reveal = reveal_when_both_answered(s, BOTH, Untouchable({ANA: "a", BEN: "b"}), now=NOW)
    assert reveal.shown == ((ANA, "a"),)
    assert reveal.kept == (BEN,)
    assert answers_that_stay_private(reveal.session) == {BEN}


def test_nothing_is_revealed_twice_or_after_an_end():
    s = ready()
    done = reveal_when_both_answered(s, BOTH, {ANA: "a", BEN: "b"}, now=NOW).session
    with pytest.raises(SessionRefused):
        reveal_when_both_answered(done, BOTH, {ANA: "a", BEN: "b"}, now=NOW)
    ended = end_session(record_answer(fresh(), ANA), BEN)
    with pytest.raises(SessionRefused):
        record_answer(ended, BEN)
    assert answers_that_stay_private(ended) == {ANA}


def test_together_only_the_shared_space_is_open():
    private = {ANA: "private-ana", BEN: "private-ben"}
    assert spaces_on_screen(BOTH, private, "shared") == {"shared"}
    assert spaces_on_screen(Presence.alone(ANA), private, "shared") == {"private-ana", "shared"}
    assert spaces_on_screen(Presence.alone(BEN), private, None) == {"private-ben"}


# An interleaving of everything that can happen to a session: answers, choices,
# locks and hides (who is present changes), a crash (the session is read back
# from what the shared space recorded), ends and reveals.
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["answer", "choose", "reveal", "end", "lock", "hide", "crash", "join"]),
        st.sampled_from([ANA, BEN]),
        st.sampled_from(list(RevealChoice)),
        st.text(max_size=8),
    ),
    max_size=40,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(ACTIONS)
def test_no_text_is_revealed_early_and_no_answer_is_lost(actions):
    session = fresh()
    private_pending: dict[str, str] = {}  # what each writer's private space holds
    private_journal: dict[str, list[str]] = {ANA: [], BEN: []}
    shared_texts: list[tuple[str, str]] = []
    presence = BOTH
    clock = NOW
    for verb, person, choice, text in actions:
        clock += timedelta(minutes=1)
        try:
            if verb == "answer":
                session = record_answer(session, person)
                private_pending[person] = f"{person}:{text}"
            elif verb == "choose":
                session = choose(session, person, choice)
            elif verb == "reveal":
                reveal = reveal_when_both_answered(session, presence, private_pending, now=clock)
                # Text reaches the shared space only now, and only when both had answered.
                assert session.answered == {ANA, BEN}
                assert presence.together
                shared_texts.extend(reveal.shown)
                session = reveal.session
            elif verb == "end":
                session = end_session(session, person)
            elif verb in ("lock", "hide"):
                presence = Presence.alone(person)
            elif verb == "join":
                presence = BOTH
            elif verb == "crash":
                presence = Presence.alone(person)
                # The shared record survives a crash; the session value is that record.
        except SessionRefused:
            pass
        if not session.is_open:
            for author in answers_that_stay_private(session):
                if author in private_pending:
                    private_journal[author].append(private_pending.pop(author))
            for author, _ in shared_texts:
                private_pending.pop(author, None)
            break
    # Every answer that was written is somewhere its writer can read it.
    for author in (ANA, BEN):
        written = [t for t in private_pending.values() if t.startswith(author)]
        kept = private_journal[author]
        shown = [t for a, t in shared_texts if a == author]
        if author in session.answered:
            assert len(written) + len(kept) + len(shown) == 1
    # And nothing was shown unless both chose, both were there, both had written.
    if shared_texts:
        assert session.stage is Stage.REVEALED
        assert all(session.choice_of[a] is RevealChoice.REVEAL for a, _ in shared_texts)
