"""The ladder's words: where the couple's ladder lives, and "next time" only when someone picked it."""

from __future__ import annotations

from reflect.domain.ladder import set_pace
from reflect.usecases.ladder import LadderBook
from tests.helpers import PASS_A, PASS_B, SMALL, prove, shown_text


async def test_alone_the_couples_ladder_header_names_the_shared_space_not_a_private_journal(couple_app, unlock_as):
    from reflect.ui.screens.ladder import LadderScreen

    app, ws = couple_app, couple_app.workspace
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        assert "private journal" in app.space_caption  # Alex alone, in her own journal
        await app.run_action("ladder")
        await pilot.pause()
        assert isinstance(app.screen, LadderScreen)
        assert app.screen.book.space == ws.household.shared_space
        assert "shared space (Alex & Sam)" in app.screen.sub_title
        assert "private journal" not in app.screen.sub_title


async def test_a_partner_who_picks_no_next_time_is_not_said_to_want_the_same_step(couple_app):
    from reflect.ui.screens.couple import RevealScreen

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
        await pilot.click("#agree")  # the step at the pace, no stop signal
        await pilot.pause()
        for _ in range(40):
            name = type(app.screen).__name__
            if name == "RevealScreen":
                break
            if name == "CurtainScreen":
                await pilot.press("enter")
            elif name == "SafetyNoteScreen":
                await pilot.click("#go-on")
            elif name == "PassphraseTurnScreen":
                await prove(pilot)
            elif name == "TryAnswerScreen":
                assert app.screen.next_time is None  # nothing is picked for anyone
                app.screen.editor.insert(f"felt {app.screen.person}")
                if app.screen.person == sam.id:
                    await pilot.click("#next-smaller")  # only Sam picks; Alex (hurt) picks nothing
                await pilot.press("ctrl+s")
            elif name == "ChoiceScreen":
                await pilot.click("#reveal")
            else:
                raise AssertionError(name)
            await pilot.pause()
        assert isinstance(app.screen, RevealScreen)
        shown = shown_text(app.screen)
        assert f"felt {sam.id}\n\nNext time: a smaller step." in shown
        assert "the same step again" not in shown
        assert "Next time" not in next(e.text for e in ws.store(ws.household.shared_space).entries()
                                       if e.author == alex.id and e.session_id)
        assert LadderBook.for_workspace(ws).load().pace == book.load().steps[2]  # nothing moved


async def test_alone_a_try_with_no_pick_moves_nothing_and_says_no_next_time(solo_app):
    from reflect.ui.screens.exercise_dialogs import AfterTryScreen

    app, ws = solo_app, solo_app.workspace
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, ws.current, book.load().steps[2].id)
        await app.run_action("ladder")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.click("#agree")  # the step at the pace, no stop signal
        await pilot.pause()
        assert isinstance(app.screen, AfterTryScreen)
        app.screen.query_one("#felt").insert("calm enough")
        await pilot.click("#keep")
        await pilot.pause()
        written = max(ws.journal.entries(), key=lambda e: e.created)
        assert "calm enough" in written.text and "Next time" not in written.text
        assert LadderBook.for_workspace(ws).load().pace == book.load().steps[2]
