"""Small modal questions: leave unsaved work, confirm a deletion, edit tags."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from reflect.domain.display import shown


AnswerT = TypeVar("AnswerT")


class LeaveChoice(str, Enum):
    KEEP_DRAFT = "keep"
    DISCARD = "discard"
    STAY = "stay"


class LeaveUnsavedScreen(ModalScreen[LeaveChoice]):
    """Asked when leaving the writing screen with words not yet saved."""

    BINDINGS = [Binding("escape", "stay", "Keep writing")]
    AUTO_FOCUS = "#keep"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("You have words that are not saved yet.")
            yield Static(
                "Keep them as a draft and they will be waiting here next time.",
                classes="muted",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep writing", id="stay")
                yield Button("Discard", id="discard", variant="error")
                yield Button("Keep as draft", id="keep", variant="primary")

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(LeaveChoice(event.button.id))

    def action_stay(self) -> None:
        self.dismiss(LeaveChoice.STAY)


class QuestionScreen(ModalScreen[AnswerT]):
    """A short question in a dialog: the question, a plain line under it, and a button per answer.

    Subclasses give the buttons (:meth:`buttons`), what a button answers
    (:meth:`answer`) and what Esc answers (:attr:`NO_ANSWER`). Both are shown literally.
    """

    NO_ANSWER: object = None

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(shown(self.question)))
            if self.detail:
                yield Static(Content(shown(self.detail)), classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield from self.buttons()

    def buttons(self) -> Iterable[Button]:
        raise NotImplementedError

    def answer(self, button_id: str) -> AnswerT:
        raise NotImplementedError

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(self.answer(event.button.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(self.NO_ANSWER)  # type: ignore[arg-type]


class ConfirmScreen(QuestionScreen[bool]):
    """A yes/no question; the safe answer is the default."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#cancel"
    NO_ANSWER = False

    def __init__(self, question: str, detail: str = "", confirm_label: str = "Yes") -> None:
        super().__init__(question, detail)
        self.confirm_label = confirm_label

    def buttons(self) -> Iterable[Button]:
        yield Button("Cancel", id="cancel")
        yield Button(self.confirm_label, id="confirm", variant="error")

    def answer(self, button_id: str) -> bool:
        return button_id == "confirm"


class TagsScreen(ModalScreen[tuple[str, ...] | None]):
    """Edit the tags of one reflection."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#tags"

    def __init__(self, tags: tuple[str, ...]) -> None:
        super().__init__()
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Tags for this reflection, separated by spaces.")
            # The tags it has stay, the cursor after them: typing adds a tag, never replaces them all.
            current = shown(" ".join(self.tags))
            yield Input(current + " " if current else "", id="tags", select_on_focus=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save tags", id="save", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        from reflect.ui.screens.write import parse_tags

        self.dismiss(parse_tags(self.query_one("#tags", Input).value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ProblemScreen(ModalScreen[None]):
    """Something is wrong with the saved data: say so plainly, change nothing."""

    BINDINGS = [Binding("escape,q", "app.quit", "Quit")]
    AUTO_FOCUS = "#quit"

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(shown(self.message)))
            yield Static(
                "reflect will not write anything until this is sorted out. "
                "Run `reflect check` in a terminal to see what it found.",
                classes="muted",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Quit", id="quit", variant="primary")

    @on(Button.Pressed, "#quit")
    def quit(self) -> None:
        self.app.exit()
