"""Rough edges a newcomer hit (issue 13), each held by a test through the app."""

from __future__ import annotations

import reflect.storage.space_store as space_store_module
from reflect.ui.app import ReflectApp
from reflect.ui.screens.write import WriteScreen
from tests.test_app_journeys import SIZE, open_workspace


async def test_saving_writes_the_entry_and_clears_its_draft_in_one_save(data_dir, clock, monkeypatch):
    """A crash right after Ctrl+S can never leave a draft of words already saved."""
    ws = open_workspace(data_dir, clock)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WriteScreen)
        screen.editor.insert("words kept as a draft first")
        screen.keep_draft()
        assert ws.journal.get_draft(screen.draft_key) == "words kept as a draft first"
        saves = []
        real = space_store_module.atomic_write_bytes

        def counted(path, data):
            saves.append(path)
            return real(path, data)

        monkeypatch.setattr(space_store_module, "atomic_write_bytes", counted)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(saves) == 1
        assert ws.journal.get_draft(screen.draft_key) is None
        [entry] = ws.journal.entries()
        assert entry.text == "words kept as a draft first"


def test_an_edit_and_its_draft_are_one_save_and_read_back_as_saved(data_dir, clock, monkeypatch):
    ws = open_workspace(data_dir, clock)
    entry = ws.write("first words", tags=["evening"])
    ws.journal.save_draft("robin/edit:x", "first words, and more")
    saves = []
    real = space_store_module.atomic_write_bytes
    monkeypatch.setattr(
        space_store_module, "atomic_write_bytes", lambda path, data: (saves.append(path), real(path, data))
    )
    edited = entry.edited("first words, and more", clock())
    ws.journal.update(edited, clearing_draft="robin/edit:x")
    assert len(saves) == 1
    profile = ws.current
    ws.lock()
    ws.unlock(profile, "a long enough passphrase")
    assert [e.text for e in ws.journal.entries()] == ["first words, and more"]
    assert ws.journal.entries()[0].tags == ("evening",)
    assert ws.journal.get_draft("robin/edit:x") is None
    ws.journal.save_draft("robin/free", "later")  # the store keeps working after the one-write save
    assert ws.journal.get_draft("robin/free") == "later"
