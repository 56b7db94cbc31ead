"""Ctrl+Q straight after typing keeps the words (a draft is otherwise kept only
at a pause in typing, which such a quit comes before)."""

from __future__ import annotations

from reflect.ui.app import WORDS_ONLY_ON_SCREEN
from reflect.ui.screens.write import WriteScreen
from tests.helpers import SIZE

WORDS = "what I could not say out loud tonight"


async def writing(pilot, app) -> WriteScreen:
    """The path, then N: a new reflection's screen."""
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, WriteScreen)
    return app.screen


async def test_ctrl_q_right_after_typing_keeps_the_words_as_a_draft(solo_app, solo_ws):
    async with solo_app.run_test(size=SIZE) as pilot:
        screen = await writing(pilot, solo_app)
        await pilot.press(*WORDS)
        key = screen.draft_key
        assert solo_ws.journal.get_draft(key) is None  # the pause that keeps a draft has not come
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not solo_app.is_running
    assert solo_ws.journal.get_draft(key) == WORDS


async def test_words_that_cannot_be_kept_stop_the_first_ctrl_q(solo_app, solo_ws, monkeypatch):
    async with solo_app.run_test(size=SIZE) as pilot:
        screen = await writing(pilot, solo_app)
        screen.editor.insert(WORDS)

        def disk_full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(solo_ws.drafts, "save", disk_full)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert solo_app.is_running and solo_app.screen is screen and screen.editor.text == WORDS
        assert WORDS_ONLY_ON_SCREEN in [n.message for n in solo_app._notifications]
        assert WORDS not in " ".join(n.message for n in solo_app._notifications)
        await pilot.press("ctrl+q")  # said once: the second quits without them
        await pilot.pause()
        assert not solo_app.is_running


async def test_the_terminal_closing_keeps_the_words_and_ends(solo_app, solo_ws):
    """What SIGHUP (the terminal window closed) and SIGTERM run in the real app."""
    async with solo_app.run_test(size=SIZE) as pilot:
        screen = await writing(pilot, solo_app)
        screen.editor.insert(WORDS)
        key = screen.draft_key
        solo_app.ended_from_outside()
        await pilot.pause()
        assert not solo_app.is_running
    assert solo_ws.journal.get_draft(key) == WORDS


async def test_a_hang_up_signal_reaches_it(solo_app, solo_ws):
    """The handlers are the event loop's (set up as the real app starts; a
    headless test app does not, so they are set up here by hand)."""
    import asyncio
    import os
    import signal

    loop = asyncio.get_running_loop()
    try:
        async with solo_app.run_test(size=SIZE) as pilot:
            screen = await writing(pilot, solo_app)
            screen.editor.insert(WORDS)
            key = screen.draft_key
            solo_app._end_when_told_from_outside()
            # Only sent once caught: Python's own handling would end the test run itself.
            assert signal.getsignal(signal.SIGHUP) is not signal.SIG_DFL
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
            os.kill(os.getpid(), signal.SIGHUP)
            for _ in range(50):
                await pilot.pause(0.01)
                if not solo_app.is_running:
                    break
            assert not solo_app.is_running
    finally:
        for number in (signal.SIGHUP, signal.SIGTERM):
            loop.remove_signal_handler(number)
    assert solo_ws.journal.get_draft(key) == WORDS
