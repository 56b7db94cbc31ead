"""The sentence builder's curtains trust nobody's Enter, and stepping back from them leaves the app usable.

Both are here. Sam speaks; the curtain says "Pass the keyboard to Alex",
and Sam (still holding it) presses Enter. Sam must not receive his own
sentence in Alex's name, nor say "that's it" in his own place to Alex's
words: each curtain asks the person it names for their passphrase.
"""

from __future__ import annotations

import asyncio

from reflect.domain.sentences import Reflection
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.together import PassphraseTurnScreen
from reflect.usecases.sentences import read_sentences
from tests.helpers import PASS_A, PASS_B, SMALL, settle, shown_text, type_passphrase

SAID = "the evenings are the hardest"


async def builder_together(pilot, app) -> None:
    """Both here (unlocked directly), the sentence builder, past the safety notes."""
    ws = app.workspace
    alex, sam = ws.household.profiles
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


async def test_each_sentence_curtain_asks_the_person_it_names(couple_app):
    from reflect.ui.screens.sentence import SentenceScreen
    from reflect.ui.screens.sentence_together import ReceiveScreen, ReflectBackScreen

    app, ws = couple_app, couple_app.workspace
    alex, sam = ws.household.profiles
    async with app.run_test(size=SMALL) as pilot:
        await builder_together(pilot, app)
        await pilot.click("#person-1")  # Sam speaks
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Sam"
        await pilot.press("enter")
        await settle(pilot)
        # The sentence goes out under Sam's name: Sam proves it is him first.
        assert isinstance(app.screen, PassphraseTurnScreen) and app.screen.profile.id == sam.id
        await type_passphrase(pilot, PASS_A)
        assert isinstance(app.screen, PassphraseTurnScreen), "Alex's passphrase is not Sam's"
        await type_passphrase(pilot, PASS_B)
        assert isinstance(app.screen, SentenceScreen)
        await pilot.press("enter", *SAID, "enter", "enter")
        await pilot.pause()
        await pilot.click("#pass")
        await pilot.pause()

        # The curtain names Alex; Sam still holds the keyboard and presses Enter.
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Alex"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReceiveScreen)
        assert isinstance(app.screen, PassphraseTurnScreen) and app.screen.profile.id == alex.id
        await type_passphrase(pilot, PASS_B)  # Sam's own: refused, nothing received in Alex's name
        assert isinstance(app.screen, PassphraseTurnScreen)
        assert "That is not Alex's passphrase" in shown_text(app.screen)
        await pilot.press("escape")  # back to the curtain, still naming Alex
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Alex"
        await pilot.press("enter")
        await settle(pilot)
        await type_passphrase(pilot, PASS_A)
        assert isinstance(app.screen, ReceiveScreen)
        assert SAID in shown_text(app.screen)
        await pilot.press("enter", *"you dread the evenings", "enter")
        await pilot.pause()

        # Back to Sam: Alex may not answer "that's it" in his place.
        assert isinstance(app.screen, CurtainScreen) and app.screen.to == "Sam"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReflectBackScreen)
        await type_passphrase(pilot, PASS_A)
        assert isinstance(app.screen, PassphraseTurnScreen) and app.screen.profile.id == sam.id
        await type_passphrase(pilot, PASS_B)
        assert isinstance(app.screen, ReflectBackScreen)
        await pilot.click("#thats-it")
        await pilot.pause()
        found, _ = read_sentences(ws.store(ws.household.shared_space))
        assert len(found) == 1 and found[0].authors == (sam.id, alex.id)
        assert found[0].reflection is Reflection.THATS_IT


async def test_esc_at_the_speakers_curtain_goes_back_and_every_key_still_works(couple_app):
    """Before: Esc there popped the builder from inside its own handler, and reflect stopped answering keys."""
    from reflect.ui.screens.help import HelpScreen
    from reflect.ui.screens.home import HomeScreen

    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await builder_together(pilot, app)
        await pilot.click("#person-0")
        await pilot.pause()
        assert isinstance(app.screen, CurtainScreen)
        # A guard, not a timing check: on the old code this press never returned.
        await asyncio.wait_for(pilot.press("escape"), timeout=60)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await asyncio.wait_for(pilot.press("f1"), timeout=60)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
