"""The ladder and the sentence builder, as people use them: Pilot journeys."""

from __future__ import annotations

from reflect.domain.ladder import set_pace
from reflect.domain.sentences import Reflection
from reflect.ui.commands import LADDER, bindings_for
from reflect.usecases.ladder import LadderBook
from reflect.usecases.sentences import read_sentences
from tests.helpers import PASS_A, PASS_B, SMALL, prove, searched, settle, shown_text


def ladder_of(ws):
    return LadderBook.for_workspace(ws).load()


async def open_step(pilot, app, section_id: str) -> None:
    from reflect.ui.screens.section import SectionScreen

    section = app.workspace.find_section(section_id)
    app.push_screen(SectionScreen(section))
    await pilot.pause()


async def test_the_hurt_partner_moves_the_pace_up_and_back_from_step_3(solo_app):
    from reflect.ui.screens.dialogs import ConfirmScreen
    from reflect.ui.screens.ladder import LadderScreen

    app, ws = solo_app, solo_app.workspace
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await open_step(pilot, app, "touch-ladder")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LadderScreen)
        assert "The ladder has not begun." in shown_text(app.screen)
        steps = ladder_of(ws).steps
        for expected in (steps[0], steps[1]):
            await pilot.press("u")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)  # going further is asked once more, gently
            await pilot.click("#confirm")
            await pilot.pause()
            assert ladder_of(ws).pace == expected
        await pilot.press("d")  # going back needs no question
        await pilot.pause()
        assert ladder_of(ws).pace == steps[0]
        assert f"The ladder is at: {steps[0].text}" in shown_text(app.screen)
        assert ladder_of(ws).log[-1].words == f"The pace is now: {steps[0].text}"
        await pilot.press("space")
        await pilot.pause()
        assert ladder_of(ws).paused and "resting" in shown_text(app.screen)
        await pilot.press("space")
        await pilot.pause()
        assert not ladder_of(ws).paused


async def test_the_involved_partner_presses_every_key_and_nothing_moves(couple_app, unlock_as):
    from textual.screen import ModalScreen

    from reflect.ui.screens.ladder import LadderScreen

    app, ws = couple_app, couple_app.workspace
    alex, sam = ws.household.profiles
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, alex, book.load().steps[2].id)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 1, PASS_B)
        assert ws.current == sam
        before = ladder_of(ws)
        await app.run_action("ladder")
        await pilot.pause()
        assert isinstance(app.screen, LadderScreen)
        text = shown_text(app.screen)
        assert f"The ladder is at: {before.pace.text}" in text
        assert "Only Alex moves the ladder" in text and "While you wait" in text
        for word in ("%", "next goal", "days", "tries", "streak"):
            assert word not in text.lower()
        keys = [key for b in bindings_for(LADDER) for key in b.key.split(",")]
        keys += ["enter", "down", "enter", "up", "a", "e", "x", "u", "d", "space", "t", "shift+down", "shift+up"]
        for key in keys:
            if key == "escape":
                continue
            await pilot.press(key)
            await pilot.pause()
            while isinstance(app.screen, ModalScreen):
                await pilot.press("escape")
                await pilot.pause()
            assert isinstance(app.screen, LadderScreen), key
        after = ladder_of(ws)
        assert (after.steps, after.pace, after.paused, after.limits) == (
            before.steps, before.pace, before.paused, before.limits
        )
        # The one thing Sam can do: suggest a step, which waits for Alex's choice.
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"walking side by side", "enter")
        await pilot.pause()
        assert ladder_of(ws).suggestions[0].text == "walking side by side"
        assert ladder_of(ws).steps == before.steps
        assert "waits for Alex's choice" in shown_text(app.screen)


async def drive(pilot, app, *, answer: str, next_time: str, reveal: bool = True, until: str = "RevealScreen"):
    """Walk a couple session through its curtains: each turn answers and chooses alike."""
    for _ in range(40):
        name = type(app.screen).__name__
        if name == until:
            return
        if name == "CurtainScreen":
            await pilot.press("enter")
        elif name == "SafetyNoteScreen":
            await pilot.click("#go-on")
        elif name == "PassphraseTurnScreen":
            await prove(pilot)  # whose turn it is: their own passphrase, after the curtain
        elif name == "TryAnswerScreen":
            # Nobody's answer is on screen during the other's turn.
            assert "SECRET" not in shown_text(app.screen)
            app.screen.editor.insert(answer.replace("{who}", app.screen.person))
            await pilot.click(f"#next-{next_time}")
            await pilot.press("ctrl+s")
        elif name == "ChoiceScreen":
            await pilot.click("#reveal" if reveal else "#keep")
        else:
            raise AssertionError(f"unexpected screen {name}")
        await pilot.pause()
    raise AssertionError("the session did not end")


async def test_a_try_together_both_answers_sealed_then_revealed_and_only_the_hurt_choice_moves(couple_app):
    from reflect.ui.screens.ladder import LadderScreen
    from reflect.ui.screens.couple import RevealScreen
    from reflect.usecases import couple_sessions as cs

    app, ws = couple_app, couple_app.workspace
    alex, sam = ws.household.profiles
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.enter_together(ws.open_for(alex, PASS_A), ws.open_for(sam, PASS_B))
        await pilot.pause()
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, alex, book.load().steps[2].id)
        await app.run_action("ladder")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("tab", *"a raised hand", "enter")
        await pilot.pause()
        # The first time, each reads the safety note alone; then the try is written on the ladder.
        await drive(pilot, app, answer="", next_time="same", until="TryAnswerScreen")
        tried = ladder_of(ws).tries()[-1]
        assert tried.stop_signal == "a raised hand" and tried.step_id == book.load().steps[2].id
        # Before anyone reveals, the shared space holds no answer's words.
        await drive(pilot, app, answer="SECRET felt {who}", next_time="smaller", until="ChoiceScreen")
        shared = ws.store(ws.household.shared_space)
        assert not any("SECRET" in e.text for e in shared.entries())
        assert ladder_of(ws).pace == book.load().steps[2]  # nothing moves before the session is over
        await drive(pilot, app, answer="", next_time="smaller")
        assert isinstance(app.screen, RevealScreen)
        session = cs.find(ws, tried.session_id)
        assert session.stage.value == "revealed"
        revealed = [e.text for e in shared.entries() if e.session_id == tried.session_id]
        assert len(revealed) == 2 and all("Next time: a smaller step." in t for t in revealed)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LadderScreen)
        # Both chose a smaller step; only Alex's (hurt) choice moved the ladder, by one gentle step.
        assert ladder_of(ws).pace == ladder_of(ws).steps[1]
        assert ladder_of(ws).log[-1].words.startswith("Next time, a gentler step:")


async def test_the_sentence_builder_alone_saves_privately(solo_app):
    from reflect.ui.screens.sentence import SentencePreviewScreen, SentenceScreen

    app, ws = solo_app, solo_app.workspace
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await open_step(pilot, app, "naming-difficulty")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, SentenceScreen)
        await pilot.press("down", "enter")  # the second beginning; on to its ending
        await pilot.press("ctrl+s")  # nothing written yet: a plain sentence, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, SentenceScreen)
        await pilot.press(*"I keep [b]checking[/b] your phone", "enter", *"patience", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SentencePreviewScreen)
        whole = app.screen.query_one("#whole-sentence").render()
        assert "I keep [b]checking[/b] your phone\nWhat would help is patience" in str(whole)
        assert not app.screen.query("#pass")  # alone, nothing to pass across
        await pilot.click("#keep")
        await pilot.pause()
        found, _ = read_sentences(ws.store(ws.current.space))
        assert [s.spoken.ending for s in found] == ["I keep [b]checking[/b] your phone"]
        assert found[0].speaker == "" and found[0].received is None


async def test_the_sentence_builder_together_one_record_with_both_authors(couple_app):
    from reflect.ui.screens.sentence_together import ReceiveScreen, ReflectBackScreen

    app, ws = couple_app, couple_app.workspace
    alex, sam = ws.household.profiles
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.enter_together(ws.open_for(alex, PASS_A), ws.open_for(sam, PASS_B))
        await pilot.pause()
        await app.run_action("sentence_builder")
        await pilot.pause()
        for _ in range(2):  # their first together exercise: each reads the safety note alone
            await pilot.press("enter")
            await pilot.pause()
            await pilot.click("#go-on")
            await pilot.pause()
        await pilot.click("#person-1")  # Sam speaks
        await pilot.pause()
        await pilot.press("enter")  # the curtain: Sam ready, Alex looks away
        await settle(pilot)
        await prove(pilot)  # Sam's passphrase: the sentence goes out under his name
        await pilot.press("enter", *"I am ashamed", "enter", "enter")
        await pilot.pause()
        await pilot.click("#pass")
        await pilot.pause()
        await pilot.press("escape")  # not now: the sentence waits in the shared space
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await app.run_action("sentence_builder")  # picked up again, before anything new
        await pilot.pause()
        await pilot.press("enter")  # the curtain: Alex takes the keyboard
        await settle(pilot)
        await prove(pilot)
        assert isinstance(app.screen, ReceiveScreen)
        text = shown_text(app.screen)
        assert "I am ashamed" in text
        assert not app.screen.query("TextArea")  # no field for a rebuttal
        assert [w.id for w in app.screen.query("Input")] == ["heard"]
        await pilot.press("enter", *"you feel ashamed", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the curtain: back to Sam
        await settle(pilot)
        await prove(pilot)
        assert isinstance(app.screen, ReflectBackScreen)
        assert "What I heard is you feel ashamed" in shown_text(app.screen)
        await pilot.click("#not-quite")
        await pilot.pause()
        found, _ = read_sentences(ws.store(ws.household.shared_space))
        assert len(found) == 1
        sentence = found[0]
        assert sentence.authors == (sam.id, alex.id)
        assert sentence.reflection is Reflection.NOT_QUITE


async def test_alone_the_involved_partner_reads_the_steps_and_the_questions(tmp_path, clock, seconds):
    from textual.screen import ModalScreen

    from reflect.domain.profiles import Role
    from reflect.storage.exercise_records import LADDER_TABLE
    from reflect.ui.app import ReflectApp
    from reflect.ui.screens.ladder import LadderScreen
    from reflect.usecases.workspace import NewPerson
    from tests.helpers import PASSPHRASE, open_fresh

    ws = open_fresh(tmp_path / "data", clock)
    ws.set_up([NewPerson("Sam", Role.INVOLVED, PASSPHRASE)])
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    app = ReflectApp(ws, clock=seconds)
    try:
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            await app.run_action("ladder")
            await pilot.pause()
            assert isinstance(app.screen, LadderScreen)
            text = shown_text(app.screen)
            assert "The ladder itself belongs to the partner who was hurt" in text
            for key in ("u", "d", "space", "t", "s", "a", "e", "x", "enter"):
                await pilot.press(key)
                await pilot.pause()
                assert not isinstance(app.screen, ModalScreen), key
            assert ws.journal.table_records(LADDER_TABLE) == []
            # The questions beside the steps are for Sam to write to.
            await pilot.press("tab", "enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "WriteScreen"
    finally:
        ws.close()


async def test_the_journal_lists_a_sentence_and_the_ladders_notes_to_read_and_search(solo_app):
    from textual.widgets import Input

    from reflect.domain.sentences import build_sentence
    from reflect.ui.screens.journal import JournalScreen
    from reflect.usecases.sentences import pack_starters, save_sentence

    app, ws = solo_app, solo_app.workspace
    book = LadderBook.for_workspace(ws)
    book.change(set_pace, ws.current, book.load().steps[0].id)
    save_sentence(ws.journal, build_sentence(pack_starters(ws)[0], "the [b]nights[/b]", space=ws.journal.space,
                                             now=ws.now()))
    ws.write("an ordinary reflection")
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        rows = [str(o.prompt) for o in screen.entry_list.options]
        assert any("Sentence · " in r for r in rows) and any("Ladder · " in r for r in rows)
        screen.query_one("#search", Input).value = "NIGHTS"
        await searched(pilot)
        assert [str(o.prompt) for o in screen.entry_list.options][0].endswith("the [b]nights[/b]")
        assert "From the sentence builder" in shown_text(screen)
        screen.entry_list.focus()
        await pilot.press("d")  # a row written by an exercise is read here, not deleted
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert "changed there" in " ".join(n.message for n in app._notifications)


async def test_both_hurt_and_both_here_each_moves_only_their_own_limit(tmp_path, clock, seconds):
    from reflect.domain.profiles import Role
    from reflect.ui.app import ReflectApp
    from reflect.ui.screens.dialogs import ConfirmScreen
    from reflect.usecases.workspace import NewPerson
    from tests.helpers import open_fresh

    ws = open_fresh(tmp_path / "data", clock)
    ws.set_up([NewPerson("Ana", Role.HURT, PASS_A), NewPerson("Ben", Role.HURT, PASS_B)])
    ana, ben = ws.household.profiles
    app = ReflectApp(ws, clock=seconds)
    try:
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            app.enter_together(ws.open_for(ana, PASS_A), ws.open_for(ben, PASS_B))
            await pilot.pause()
            book = LadderBook.for_workspace(ws)
            steps = book.load().steps
            book.change(set_pace, ana, steps[1].id)
            book.change(set_pace, ben, steps[3].id)
            await app.run_action("ladder")
            await pilot.pause()
            await pilot.click("#person-1")  # Ben's limit, for now
            await pilot.pause()
            assert "Ben's own limit" in shown_text(app.screen)
            await pilot.press("u")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            # Together, the question names whose limit it moves.
            assert "Ben, move the ladder to this step?" in shown_text(app.screen)
            await pilot.click("#confirm")
            await pilot.pause()
            ladder = ladder_of(ws)
            assert ladder.limit_of(ben.id) == steps[4] and ladder.limit_of(ana.id) == steps[1]
            assert ladder.pace == steps[1]  # the gentler of the two
    finally:
        ws.close()
