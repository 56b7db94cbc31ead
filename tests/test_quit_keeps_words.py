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


def disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device")


async def typed_with_no_room(pilot, app, monkeypatch) -> WriteScreen:
    """WORDS typed in a new reflection, on a disk that takes no draft."""
    screen = await writing(pilot, app)
    screen.editor.insert(WORDS)
    monkeypatch.setattr(app.workspace.drafts, "save", disk_full)
    return screen


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


async def test_words_that_cannot_be_kept_stop_a_ctrl_q_once(solo_app, solo_ws, monkeypatch):
    async with solo_app.run_test(size=SIZE) as pilot:
        real_save = solo_ws.drafts.save
        screen = await typed_with_no_room(pilot, solo_app, monkeypatch)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert solo_app.is_running and solo_app.screen is screen and screen.editor.text == WORDS
        told = [n.message for n in solo_app._notifications]
        assert told == [WORDS_ONLY_ON_SCREEN] and WORDS not in told[0]
        # More words, still nowhere to keep them: said again, for them.
        screen.editor.insert(" and more")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert solo_app.is_running and len(solo_app._notifications) == 2
        # Saved once the disk takes it: nothing is held to come back later as unsaved.
        monkeypatch.setattr(solo_ws.drafts, "save", real_save)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [e.text for e in solo_ws.journal.entries()] == [WORDS + " and more"]
        assert solo_app._held_drafts.get(solo_ws.current.id, {}) == {}
        monkeypatch.setattr(solo_ws.drafts, "save", disk_full)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not solo_app.is_running


async def test_said_once_the_same_words_quit_at_the_next_ctrl_q(solo_app, solo_ws, monkeypatch):
    async with solo_app.run_test(size=SIZE) as pilot:
        await typed_with_no_room(pilot, solo_app, monkeypatch)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert solo_app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not solo_app.is_running


async def test_being_told_to_stop_keeps_the_words_and_ends(solo_app, solo_ws):
    """What SIGTERM runs in the real app."""
    async with solo_app.run_test(size=SIZE) as pilot:
        screen = await writing(pilot, solo_app)
        screen.editor.insert(WORDS)
        key = screen.draft_key
        solo_app.told_to_stop()
        await pilot.pause()
        assert not solo_app.is_running
    assert solo_ws.journal.get_draft(key) == WORDS


async def test_sigterm_reaches_the_real_app_and_sighup_is_left_to_python(solo_ws, seconds):
    """The handler is the event loop's, set up as the app starts when asked
    (the command line asks; see the next test). SIGHUP (the terminal gone)
    keeps Python's own ending: Textual's ending can hang on a terminal that is gone."""
    import asyncio
    import os
    import signal

    from reflect.ui.app import ReflectApp

    app = ReflectApp(solo_ws, clock=seconds, handle_signals=True)
    loop = asyncio.get_running_loop()
    hang_up_before = signal.getsignal(signal.SIGHUP)  # SIG_IGN under nohup, else SIG_DFL
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await writing(pilot, app)
            screen.editor.insert(WORDS)
            key = screen.draft_key
            assert signal.getsignal(signal.SIGHUP) is hang_up_before
            # Only sent once caught: Python's own handling would end the test run itself.
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(50):
                await pilot.pause(0.01)
                if not app.is_running:
                    break
            assert not app.is_running
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
    assert solo_ws.journal.get_draft(key) == WORDS


def test_the_command_line_opens_the_app_with_sigterm_handled(tmp_path, monkeypatch):
    import sys

    from reflect.cli import commands
    from reflect.ui.app import ReflectApp

    made: list[ReflectApp] = []
    monkeypatch.setattr(ReflectApp, "run", lambda app: made.append(app))
    for stream in ("stdin", "stdout"):
        monkeypatch.setattr(getattr(sys, stream), "isatty", lambda: True, raising=False)
    assert commands._open_app(tmp_path / "d", demo=None) == 0
    assert [app._handle_signals for app in made] == [True]


async def test_a_lock_forgets_the_words_a_ctrl_q_could_not_keep(solo_app, solo_ws, monkeypatch):
    """Compared, never shown, but not kept in memory past a lock either."""
    async with solo_app.run_test(size=SIZE) as pilot:
        await typed_with_no_room(pilot, solo_app, monkeypatch)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert solo_app._unkept_told_of == {WORDS}
        solo_app.lock_now()
        await pilot.pause()
        assert solo_app._unkept_told_of == frozenset()
