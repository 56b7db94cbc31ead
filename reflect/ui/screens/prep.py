"""Session prep: choose the days and what to take along, preview it, save it.

The screens only collect choices and show results; what a prep may hold is
decided in :mod:`reflect.usecases.session_prep`, which reads nothing but the person's
own private space and the shared space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datetime import timedelta
from pathlib import Path

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, RadioButton, RadioSet, Static, TextArea

from reflect.usecases.session_prep import (
    LAST_WEEKS,
    PrepChoices,
    PrepError,
    PrepItemKind,
    PrepSources,
    SessionPrep,
    build_prep,
    default_prep_stem,
    kinds_for,
    last_weeks,
    period_between,
    prep_markdown,
    prep_paths,
    save_prep,
)
from reflect.storage.errors import StoreError
from reflect.ui.screens.transfer import NOT_ENCRYPTED_WORDS, whose_file
from reflect.ui.commands import PREP, PREVIEW, bindings_for
from reflect.ui.screens.saving import SavesToFile

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

INTRO = (
    "Gather what you want to bring to a therapy session: a page to read from, or to print. "
    "Only your own words go in. Your partner's private journal is never read, "
    "and drafts are never included."
)
CHOOSE_DAYS = "choose"
WEEK_WORDS = {1: "The last week", 2: "The last two weeks", 4: "The last four weeks"}


class PrepScreen(Screen[None]):
    """Choose the period, what to take along, and what you want to bring up."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    CSS_PATH = "prep.tcss"
    AUTO_FOCUS = "#period"
    BINDINGS = bindings_for(PREP)

    bring_up = getters.query_one("#bring-up", TextArea)

    def __init__(self) -> None:
        super().__init__()
        self.sources: PrepSources | None = None

    def compose(self) -> ComposeResult:
        workspace = self.app.workspace
        self.sources = PrepSources.from_workspace(workspace)
        today = workspace.now().date()
        yield Header()
        with VerticalScroll(id="prep-form"):
            yield Static("Prepare for a session", classes="screen-title")
            yield Static(INTRO, classes="screen-intro")
            yield Static("Which days", classes="prep-heading")
            with RadioSet(id="period"):
                for weeks in LAST_WEEKS:
                    yield RadioButton(WEEK_WORDS[weeks], value=weeks == 2, id=f"weeks-{weeks}")
                yield RadioButton("From one day to another", id=CHOOSE_DAYS)
            with Horizontal(id="days"):
                yield Static("From", classes="day-label")
                yield Input(str(today - timedelta(days=27)), id="first-day", placeholder="2026-11-02")
                yield Static("to", classes="day-label")
                yield Input(str(today), id="last-day", placeholder="2026-11-30")
            yield Static("What to take along", classes="prep-heading")
            for kind in kinds_for(self.sources):
                yield Checkbox(kind.label, value=True, id=f"kind-{kind.kind.value}")
                yield Static(kind.detail, classes="kind-detail muted")
            yield Checkbox("Only the reflections I starred", id="starred-only")
            yield Static("What I want to bring up", classes="prep-heading")
            yield Static("A few lines, in your own words. Nothing here is kept until you save the prep.", classes="muted")
            yield TextArea(id="bring-up", soft_wrap=True)
            yield Static("", id="prep-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Preview", id="preview", variant="primary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = f"session prep · {self.app.space_caption}"
        self.query_one("#days").display = False
        # Focusing the first choice scrolls it into view; the words above it matter more.
        self.call_after_refresh(self.query_one("#prep-form", VerticalScroll).scroll_home, animate=False)

    @on(RadioSet.Changed, "#period")
    def period_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#days").display = event.pressed.id == CHOOSE_DAYS

    def choices(self) -> PrepChoices:
        """What is chosen on the screen now; :class:`PrepError` when it cannot make a prep."""
        today = self.app.workspace.now().date()
        pressed = self.query_one("#period", RadioSet).pressed_button
        if pressed is None or pressed.id == CHOOSE_DAYS:
            period = period_between(self.query_one("#first-day", Input).value, self.query_one("#last-day", Input).value)
        else:
            period = last_weeks(int((pressed.id or "weeks-2").removeprefix("weeks-")), today)
        kinds = frozenset(
            PrepItemKind(box.id.removeprefix("kind-"))
            for box in self.query(Checkbox)
            if box.id and box.id.startswith("kind-") and box.value
        )
        if not kinds and not self.bring_up.text.strip():
            raise PrepError("Choose something to take along, or write what you want to bring up.")
        return PrepChoices(
            period,
            kinds,
            starred_only=self.query_one("#starred-only", Checkbox).value,
            bring_up=self.bring_up.text,
        )

    def _say(self, problem: str) -> None:
        """Show a problem where it can be seen: the line under the choices, scrolled to."""
        line = self.query_one("#prep-problem", Static)
        line.update(Content(problem))
        self.call_after_refresh(line.scroll_visible, animate=False)

    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        problem = self.query_one("#prep-problem", Static)
        workspace = self.app.workspace
        try:
            # Read again: something may have been written since this screen opened.
            self.sources = PrepSources.from_workspace(workspace)
            prep = build_prep(self.sources, self.choices(), today=workspace.now().date())
        except PrepError as error:
            self._say(str(error))
            return
        except StoreError as error:
            self._say(error.user_message)
            return
        problem.update("")
        self.app.push_screen(PrepPreviewScreen(prep))


class PrepPreviewScreen(SavesToFile, Screen[None]):
    """The prep as it will be saved, then where to save it."""

    replace_question = "A prep with that name is already there. Replace it?"
    save_failed_words = "The prep could not be saved"

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    CSS_PATH = "prep.tcss"
    AUTO_FOCUS = "#preview-text"
    BINDINGS = bindings_for(PREVIEW)

    def __init__(self, prep: SessionPrep) -> None:
        super().__init__()
        self.prep = prep

    def compose(self) -> ComposeResult:
        workspace = self.app.workspace
        stem = default_prep_stem(workspace.now().date(), whose_file(self.app))
        yield Header()
        with VerticalScroll(id="preview-text", can_focus=True):
            # The Markdown as it will be saved, shown literally.
            yield Static(Content(prep_markdown(self.prep)), id="preview-body")
        with VerticalScroll(id="save-pane"):
            yield Static("Saved as Markdown (.md) and as a web page (.html) to read or print.", classes="muted")
            yield Static(NOT_ENCRYPTED_WORDS, id="prep-not-encrypted")
            yield Input(str(self.private_folder / stem), id="prep-path", select_on_focus=False)
            yield Static("", id="save-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Back", id="back")
                yield Button("Save", id="save", variant="primary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "session prep · preview"
        self.query_one("#save-problem").display = False
        field = self.query_one("#prep-path", Input)
        field.cursor_position = len(field.value)

    def _say(self, problem: str) -> None:
        line = self.query_one("#save-problem", Static)
        line.update(Content(problem))
        line.display = bool(problem)

    @on(Button.Pressed, "#back")
    def go_back(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted, "#prep-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        chosen = self.typed_path(self.query_one("#prep-path", Input).value)
        if chosen is None:
            self._say("Type where to save the prep.")
            return
        def write(replace: bool) -> tuple[Path, Path]:
            return save_prep(self.prep, chosen, replace=replace, private_folder=self.private_folder)

        def done(saved: tuple[Path, Path]) -> None:
            markdown, page = saved
            self._say("")
            self.app.notify(
                f"Saved {markdown.name} and {page.name} in {page.parent}. They are not encrypted.",
                markup=False,
                timeout=10,
            )
            # Back to where the prep was started from.
            self.app.pop_screen()
            if isinstance(self.app.screen, PrepScreen):
                self.app.pop_screen()

        self.save_to(chosen, write, done)

    def replace_detail(self, path: Path) -> str:
        markdown, page = prep_paths(path)
        return f"{markdown}\n{page}"
