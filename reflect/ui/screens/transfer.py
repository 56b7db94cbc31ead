"""Your data in and out, from the app: save a copy of the open space, or bring a journal in.

Both dialogs use the same functions as ``reflect export`` and ``reflect
import`` (:func:`reflect.usecases.exports.export_space`, :func:`reflect.usecases.imports.read_import`
and :func:`reflect.usecases.imports.import_into`), so the rules are the same: files are
private and never replaced unasked, importing twice adds nothing, and records
that cannot be read are counted, never quoted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from reflect.usecases.exports import (
    default_space_export_name,
    export_space,
    name_for_file,
    write_export,
)
from reflect.usecases.imports import ImportRefused, import_into, import_report, import_warnings, read_import
from reflect.usecases.ladder import hurt_partners
from reflect.usecases.wording import NOT_ENCRYPTED_WORDS
from reflect.storage.errors import StoreError
from reflect.domain.display import shown
from reflect.ui.screens.saving import SavesToFile

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

FORMATS = (
    ("md", "Markdown: your reflections, to read"),
    ("json", "JSON: everything, to keep or to import again"),
    ("csv", "CSV: your check-ins, for a spreadsheet"),
)
WHAT_CAN_COME_IN = (
    "A reflect JSON export, a jrnl journal (made with `jrnl --export json`), "
    "or a Day One JSON export (the zip, or the Journal.json inside it). "
    "Dates, tags and stars come along; the words stay exactly as they were. "
    "Importing the same file twice adds nothing."
)


def whose_file(app) -> str:
    """The name to put in a file name: partners who share an account share its exports folder."""
    workspace = app.workspace
    person = workspace.current
    if person is None or not workspace.household.is_couple:
        return ""
    if name_for_file(person.name):
        return person.name
    return f"person {workspace.household.profiles.index(person) + 1}"


class ExportSpaceScreen(SavesToFile, ModalScreen[Path | None]):
    """Save the open space as Markdown, JSON or CSV, to a path the person chooses."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#export-format"
    CSS_PATH = "transfer.tcss"

    def compose(self) -> ComposeResult:
        workspace = self.app.workspace
        with Vertical(classes="dialog"):
            yield Static(Content(shown(f"Save a copy of {workspace.space_label()}")), classes="dialog-title")
            with RadioSet(id="export-format"):
                for index, (fmt, label) in enumerate(FORMATS):
                    yield RadioButton(label, value=index == 0, id=f"format-{fmt}")
            yield Static(NOT_ENCRYPTED_WORDS, id="export-not-encrypted", classes="muted")
            yield Input(str(self.default_path("md")), id="export-path", select_on_focus=False)
            yield Static("", id="export-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        # The file name is the part worth seeing; start at the end of the path.
        field = self.query_one("#export-path", Input)
        field.cursor_position = len(field.value)
        self._say("")

    def default_path(self, fmt: str) -> Path:
        workspace = self.app.workspace
        shared = workspace.active_space == workspace.household.shared_space
        name = default_space_export_name(workspace.now().date(), fmt, person=whose_file(self.app), shared=shared)
        return self.private_folder / name

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return (pressed.id or "format-md").removeprefix("format-") if pressed else "md"

    @on(RadioSet.Changed, "#export-format")
    def format_changed(self) -> None:
        """Follow the format in the file's ending, keeping the rest of what was typed."""
        field = self.query_one("#export-path", Input)
        path = Path(field.value.strip() or str(self.default_path(self.fmt)))
        if path.suffix.lower() in (".md", ".json", ".csv"):
            path = path.with_suffix(f".{self.fmt}")
        field.value = str(path)
        field.cursor_position = len(field.value)

    def _say(self, problem: str) -> None:
        line = self.query_one("#export-problem", Static)
        line.update(Content(problem))
        line.display = bool(problem)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save to the chosen path, asking first if a file is already there."""
        path = self.typed_path(self.query_one("#export-path", Input).value)
        if path is None:
            self._say("Type where to save the file.")
            return
        workspace = self.app.workspace
        try:
            text, skipped = export_space(
                workspace.journal,
                self.fmt,
                workspace.now().tzinfo,
                workspace.step_titles(),
                workspace.authors_in(workspace.journal.space),
                hurt=hurt_partners(workspace.household),
            )
        except StoreError as error:
            self._say(error.user_message)
            return
        def done(_: None) -> None:
            note = f" {skipped} check-ins could not be read and were left out; they are still in the data file." if skipped else ""
            self.app.notify(f"Saved to {path}. It is not encrypted.{note}", markup=False, timeout=10)
            self.dismiss(path)

        data = text.encode("utf-8")
        self.save_to(
            path, lambda replace: write_export(path, data, replace=replace, private_folder=self.private_folder), done
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportScreen(ModalScreen[int]):
    """Bring a reflect export, or a journal from jrnl or Day One, into the open space.

    Dismissed with how many records were added.
    """

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    BINDINGS = [Binding("escape", "close", "Close")]
    AUTO_FOCUS = "#import-path"
    CSS_PATH = "transfer.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.added = 0
        self._busy = False

    def compose(self) -> ComposeResult:
        workspace = self.app.workspace
        with Vertical(classes="dialog"):
            yield Static(Content(shown(f"Import into {workspace.space_label()}")), classes="dialog-title")
            yield Static(WHAT_CAN_COME_IN, classes="muted")
            yield Input(placeholder="Where the file is, e.g. ~/Downloads/Journal.zip", id="import-path")
            yield Static("", id="import-problem")
            yield Static("", id="import-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close")
                yield Button("Import", id="import", variant="primary")

    def on_mount(self) -> None:
        self._say()

    def _say(self, problem: str = "", result: str = "") -> None:
        for selector, words in (("#import-problem", problem), ("#import-result", result)):
            line = self.query_one(selector, Static)
            line.update(Content(words))
            line.display = bool(words)

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import")
    def action_import(self) -> None:
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            self._say("Type where the file is.")
            return
        if self._busy:
            return
        self._busy = True
        self._say(result="Reading the file…")
        self.read_file(Path(text).expanduser(), self.app.lock_generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def read_file(self, path: Path, generation: int) -> None:
        """Read and check the file away from the screen; only the main thread saves."""
        try:
            contents = read_import(path)
        except ImportRefused as refused:
            self.app.call_from_thread(self._refused, refused.user_message)
            return
        except Exception as error:  # never a traceback, and never the file's words
            self.app.call_from_thread(self._refused, f"{path.name} could not be read ({type(error).__name__}).")
            return
        self.app.call_from_thread(self._apply, contents, generation)

    def _refused(self, message: str) -> None:
        self._busy = False
        if self.is_attached:
            self._say(message)

    def _apply(self, contents, generation: int) -> None:
        self._busy = False
        workspace = self.app.workspace
        if generation != self.app.lock_generation or not workspace.is_unlocked or not self.is_attached:
            return  # locked meanwhile: nothing is imported behind the lock
        try:
            store = workspace.journal
            result = import_into(store, contents, author=workspace.author_in(store.space))
        except StoreError as error:
            self._say(error.user_message)
            return
        self.added += result.entries_added + result.checkins_added
        source = "" if contents.source == "reflect" else f"From {contents.source}: "
        self._say(result=source + " ".join(import_report(result) + import_warnings(result)))

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.added)
