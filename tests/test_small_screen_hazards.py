"""What a newcomer at 80x24 tripped over, each held by a test through the app at that size."""

from __future__ import annotations

from reflect.ui.app import ReflectApp
from reflect.ui.screens.setup import PersonFormScreen, RecoveryOfferScreen
from tests.helpers import PASSPHRASE, SMALL, in_view, visible_footer_actions


async def _the_form_filled_in(pilot, app) -> None:
    """Setup for one person, name and role chosen, both passphrases typed; focus on the last one."""
    await pilot.click("#just-me")
    await pilot.pause()
    assert isinstance(app.screen, PersonFormScreen)
    await pilot.press(*"Sam", "tab", "enter", "tab", *PASSPHRASE, "tab", *PASSPHRASE)
    await pilot.pause()


async def _tabbed_past_the_passphrases(pilot, app) -> None:
    """The setup form filled in, then Tab once more: onto "Use no passphrase"."""
    await pilot.pause()
    await _the_form_filled_in(pilot, app)
    await pilot.press("tab")
    await pilot.pause()


async def test_enter_after_the_last_passphrase_field_never_ticks_no_passphrase(workspaces):
    """Tab after the repeated passphrase lands on "Use no passphrase"; Enter there means Continue."""
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await _tabbed_past_the_passphrases(pilot, app)
        assert app.screen.focused.id == "no-passphrase"
        assert in_view(app, "#no-passphrase")
        box = app.screen.query_one("#no-passphrase")
        await pilot.press("enter")
        await pilot.pause()
        assert box.value is False
        assert isinstance(app.screen, RecoveryOfferScreen)  # went on, with the passphrase
    [sam] = ws.household.profiles
    assert sam.name == "Sam" and sam.protected


async def test_no_passphrase_is_ticked_only_in_sight(workspaces):
    """Even when the form was scrolled away from it, Space ticks the box and brings the warning into view."""
    ws = workspaces.fresh()
    app = ReflectApp(ws)
    async with app.run_test(size=SMALL) as pilot:
        await _tabbed_past_the_passphrases(pilot, app)
        app.screen.query_one(".dialog-body").scroll_home(animate=False)  # a mouse wheel, say
        await pilot.pause()
        assert not in_view(app, "#no-passphrase")
        await pilot.press("space")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#no-passphrase").value
        assert in_view(app, "#no-passphrase") and in_view(app, "#no-passphrase-warning")


async def test_the_journals_footer_offers_search_undo_export_and_prep_at_80x24(solo_app):
    """Even an empty journal shows where search, undo, export and session prep are."""
    from reflect.ui.screens.journal import JournalScreen

    app = solo_app
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert not app.workspace.journal.entries()
        wanted = {"focus_search", "undo", "app.export_space", "app.session_prep", "star", "tags", "delete", "back"}
        assert wanted <= visible_footer_actions(app)


async def test_typing_in_the_tag_dialog_adds_to_the_tags_it_has(solo_app):
    """The dialog opens with the cursor after the tags, nothing selected: typing adds a tag."""
    from reflect.ui.screens.dialogs import TagsScreen

    app = solo_app
    entry = app.workspace.write("A walk after work.", tags=["body", "evening"])
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        field = app.screen.query_one("#tags")
        assert field.selection.is_empty and field.cursor_position == len(field.value)
        await pilot.press(*"walks", "enter")
        await pilot.pause()
        [saved] = app.workspace.journal.entries()
        assert saved.id == entry.id and saved.tags == ("body", "evening", "walks")
        said = " ".join(str(n.message) for n in app._notifications)
        assert "#walks" in said and "Before: #body #evening" in said


async def test_a_failed_saves_notice_leaves_the_status_line_readable(solo_app, monkeypatch):
    """At 80x24 the error's notice used to sit right over "Not saved. Your words are still here"."""
    from textual.widgets._toast import Toast

    from reflect.storage.errors import SaveFailed
    from reflect.ui.screens.write import WriteScreen

    app = solo_app

    def full_disk(*args, **kwargs):
        raise SaveFailed(app.workspace.layout.spaces_dir, 28)

    monkeypatch.setattr(app.workspace, "write", full_disk)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        app.screen.editor.insert("words that could not be saved")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        status = app.screen.query_one("#status")
        said = str(status.render())
        assert "disk is full" in said and "Not saved. Your words are still here" in said
        assert in_view(app, "#status")
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(status.region)


def header_said(app) -> str:
    """What the header says, whole; it must fit its width (else the end is cut off with "…")."""
    from textual.widgets._header import HeaderTitle

    title = app.screen.query_one(HeaderTitle)
    said = str(title.render())
    assert len(said) <= title.region.width, said
    return said


def test_a_header_drops_whole_words_before_cutting_any():
    from reflect.ui.header_words import header_words

    sub = "journal · demo · your private journal (sample data, nothing is kept)"
    assert header_words("reflect", sub, 120) == ("reflect", sub)
    assert header_words("reflect", sub, 80) == ("reflect", "journal · demo · your private journal (sample data)")
    together = "demo · shared space (Alex & Sam) · Alex and Sam, together (sample data, nothing is kept)"
    assert header_words("reflect", together, 80) == ("", "demo · shared space (Alex & Sam) · Alex and Sam, together")


async def test_the_demos_headers_fit_at_80x24(workspaces):
    from reflect.ui.screens.journal import JournalScreen

    app = ReflectApp(workspaces.solo(), demo=True)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        said = header_said(app)
        assert "your private journal (sample data)" in said


async def test_the_together_header_fits_at_80x24(workspaces):
    from tests.helpers import both_here

    app = ReflectApp(workspaces.couple(), demo=True)
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.pause()
        said = header_said(app)
        assert "Alex and Sam, together" in said


async def test_a_header_fits_again_after_the_terminal_narrows(workspaces):
    app = ReflectApp(workspaces.solo(), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert "(sample data, nothing is kept)" in header_said(app)
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        await pilot.pause()
        assert "your private journal (sample data)" in header_said(app)


def test_a_header_counts_columns_not_characters():
    """Found by the review: twenty CJK letters take forty columns, not twenty."""
    from reflect.ui.header_words import header_words

    wide = "\u6f22" * 20 + "'s private journal"
    assert header_words("reflect", f"journal · {wide}", 80) == ("", f"journal · {wide}")
    assert header_words("reflect", f"journal · {wide}", 120) == ("reflect", f"journal · {wide}")
