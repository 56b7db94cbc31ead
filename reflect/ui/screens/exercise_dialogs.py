"""Small questions the ladder and the sentence builder ask: a few words, a try, after a try.

Every dialog closes with Esc and changes nothing then. None of them shows a
count, a percentage or a "next goal"; the ladder's rules are in the domain,
and these screens only hand back what was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from reflect.domain.content import LadderStep
from reflect.domain.display import shown
from reflect.domain.ladder import MAX_STEP_CHARS, MAX_STOP_SIGNAL_CHARS, NextTime, Suggestion


class AskTextScreen(ModalScreen[str | None]):
    """A question answered in a few words: a new step, its new words, a suggestion."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#answer"

    def __init__(self, question: str, detail: str = "", value: str = "", confirm_label: str = "Save",
                 max_length: int = MAX_STEP_CHARS) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.value = value
        self.confirm_label = confirm_label
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(shown(self.question)))
            if self.detail:
                yield Static(Content(shown(self.detail)), classes="muted")
            yield Input(shown(self.value), id="answer", max_length=self.max_length)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm_label, id="save", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        self.dismiss(self.query_one("#answer", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class SuggestionAnswer:
    suggestion_id: str
    accept: bool


class SuggestionsScreen(ModalScreen[SuggestionAnswer | None]):
    """The steps suggested to the partner who was hurt, one at a time: add it, or set it aside."""

    BINDINGS = [Binding("escape", "cancel", "Not now")]
    AUTO_FOCUS = "#suggested"

    def __init__(self, suggestions: tuple[Suggestion, ...], names: dict[str, str]) -> None:
        super().__init__()
        self.suggestions = suggestions
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Suggested steps, waiting for your choice")
            yield Static(
                "Add one to the end of the ladder, or set it aside. Nobody is told why, "
                "and it is fine to leave them waiting.",
                classes="muted",
            )
            yield OptionList(
                *(
                    Option(Content.assemble(shown(s.text), ("  suggested by " + shown(self.names.get(s.by, "")), "dim"))
                           if self.names.get(s.by) else Content(shown(s.text)), id=s.id)
                    for s in self.suggestions
                ),
                id="suggested",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Not now", id="cancel")
                yield Button("Set it aside", id="decline")
                yield Button("Add it to the ladder", id="accept", variant="primary")

    def _chosen(self) -> str | None:
        options = self.query_one("#suggested", OptionList)
        index = options.highlighted
        if index is None:
            return None
        return options.get_option_at_index(index).id

    @on(Button.Pressed, "#accept")
    @on(Button.Pressed, "#decline")
    def answer(self, event: Button.Pressed) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.dismiss(SuggestionAnswer(chosen, accept=event.button.id == "accept"))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class TryAgreement:
    step_id: str
    stop_signal: str


class TryScreen(ModalScreen[TryAgreement | None]):
    """Agree on a step to try (at or below where the ladder is) and, if you like, a way to stop."""

    DEFAULT_CSS = """
    TryScreen #try-steps { height: auto; max-height: 8; }
    """

    BINDINGS = [Binding("escape", "cancel", "Not now")]
    AUTO_FOCUS = "#try-steps"

    def __init__(self, steps: tuple[LadderStep, ...], pace_id: str) -> None:
        super().__init__()
        self.steps = steps
        self.pace_id = pace_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -fill"):
            yield Static("Which step will you try?")
            with VerticalScroll(classes="dialog-body"):
                yield Static(
                    "Any step up to where the ladder is now. A gentler one is always fine.",
                    classes="muted",
                )
                yield OptionList(*(Option(Content(shown(s.text)), id=s.id) for s in self.steps), id="try-steps")
                yield Static("A word or gesture that means \u201cstop\u201d, if you want one:")
                yield Input(id="stop-signal", max_length=MAX_STOP_SIGNAL_CHARS,
                            placeholder="for example: a hand raised, or the word \u201cpause\u201d")
                yield Static("Using it needs no explanation. Either of you can stop at any moment.",
                             classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Not now", id="cancel")
                yield Button("We agree", id="agree", variant="primary")

    def on_mount(self) -> None:
        options = self.query_one("#try-steps", OptionList)
        options.highlighted = next((i for i, s in enumerate(self.steps) if s.id == self.pace_id), 0)

    @on(OptionList.OptionSelected, "#try-steps")
    def to_signal(self) -> None:
        self.query_one("#stop-signal", Input).focus()

    @on(Input.Submitted, "#stop-signal")
    @on(Button.Pressed, "#agree")
    def agree(self) -> None:
        options = self.query_one("#try-steps", OptionList)
        if options.highlighted is None:
            return
        step = self.steps[options.highlighted]
        self.dismiss(TryAgreement(step.id, self.query_one("#stop-signal", Input).value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class AfterTry:
    felt: str
    next_time: NextTime | None
    """None: nothing picked, so nothing moves."""


def picked_next_time(choices: RadioSet) -> NextTime | None:
    """The "next time" a person picked in ``choices``; None when they picked none (never assumed)."""
    pressed = choices.pressed_button
    if pressed is None or not (pressed.id or "").startswith("next-"):
        return None
    return NextTime(pressed.id.removeprefix("next-"))


class AfterTryScreen(ModalScreen[AfterTry | None]):
    """After a try, alone: how it felt, and what you would like next time. Kept in your journal."""

    DEFAULT_CSS = """
    AfterTryScreen #felt { height: 5; }
    """

    BINDINGS = [Binding("escape", "cancel", "Not now")]
    AUTO_FOCUS = "#felt"

    def __init__(self, step_text: str, *, moves_pace: bool) -> None:
        super().__init__()
        self.step_text = step_text
        self.moves_pace = moves_pace

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -fill"):
            yield Static(Content.assemble("After trying: ", (shown(self.step_text), "italic")))
            with VerticalScroll(classes="dialog-body"):
                yield Static("How did it feel? One word is enough.", classes="muted")
                yield TextArea(id="felt", soft_wrap=True)
                yield Static("Next time:", classes="muted")
                with RadioSet(id="next-time"):
                    for choice in NextTime:
                        yield RadioButton(choice.label, id=f"next-{choice.value}")
                if self.moves_pace:
                    yield Static(
                        "A smaller step or a pause changes the ladder; the same step, or no pick, leaves it as it is.",
                        classes="muted",
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Not now", id="cancel")
                yield Button("Keep it", id="keep", variant="primary")

    @on(Button.Pressed, "#keep")
    def keep(self) -> None:
        choice = picked_next_time(self.query_one("#next-time", RadioSet))
        self.dismiss(AfterTry(self.query_one("#felt", TextArea).text, choice))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
