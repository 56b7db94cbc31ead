"""The sentence builder together: the partner reads only the sentence, and receives it.

The speaker builds their sentence on :class:`~reflect.ui.screens.sentence.SentenceScreen`
while the other looks away. Passed across, it is saved in the shared space
with its speaker; the curtain comes down, and the partner sees that sentence
and nothing else, and answers with a receiving beginning from the pack,
finished in their words. There is no other field. The curtain again, and the
speaker sees what was heard and may say "that's it" or "not quite", with a
few words if they like; nothing asks for more. The whole exchange is one
record with both authors (:mod:`reflect.domain.sentences`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from reflect.domain.content import SentenceStarter
from reflect.domain.display import shown
from reflect.domain.sentences import (
    MAX_ANSWER_WORDS_CHARS,
    MAX_ENDING_CHARS,
    Reflection,
    Sentence,
    SentenceRefused,
    joined,
    receive,
    receiving_starters,
    reflect_back,
)
from reflect.storage.errors import StoreError
from reflect.ui.screens.hand_over import hand_keyboard_to
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.usecases.sentences import pack_starters, save_sentence

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

SAVED_TOGETHER = "Saved in the shared space, with both your names."
WAITS = "The sentence waits in the shared space, to be received another time."


def name_of(app: ReflectApp, person: str) -> str:
    found = app.workspace.household.find(person)
    return found.name if found else "your partner"


class ReceiveScreen(Screen[Sentence | None]):
    """The partner reads only the sentence and answers with a receiving line. Nothing else."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "sentence.tcss"
    AUTO_FOCUS = "#receiving"
    BINDINGS = [Binding("escape", "not_now", "Not now", id="receive-back")]
    ONLY_SAFETY_KEYS = True

    def __init__(self, sentence: Sentence, listener: str) -> None:
        super().__init__()
        self.sentence = sentence
        self.listener = listener
        self.starters: tuple[SentenceStarter, ...] = ()

    def compose(self) -> ComposeResult:
        speaker = name_of(self.app, self.sentence.speaker)
        yield Header()
        with VerticalScroll(id="builder"):
            yield Static(Content(shown(f"{speaker} said:")), classes="field-label")
            yield Static(Content(shown(self.sentence.text)), id="their-sentence")
            yield Static(
                "Let it land first. Then say back what you heard, in your own words, and stop there. "
                "You do not have to fix, explain or agree with every word.",
                classes="screen-intro",
            )
            yield OptionList(id="receiving")
            yield Static("Finish it, if it needs finishing:", classes="field-label")
            yield Input(id="heard", max_length=MAX_ENDING_CHARS, placeholder="… in your own words")
            yield Static("", id="received-preview", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Give it back", id="give-back", variant="primary")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "receiving"
        self.starters = receiving_starters(pack_starters(self.app.workspace))
        options = self.query_one("#receiving", OptionList)
        options.add_options(Option(Content(shown(s.text)), id=s.id) for s in self.starters)
        if self.starters:
            options.highlighted = 0
        self.show_preview()

    @property
    def chosen(self) -> SentenceStarter | None:
        index = self.query_one("#receiving", OptionList).highlighted
        return self.starters[index] if index is not None and 0 <= index < len(self.starters) else None

    @on(OptionList.OptionHighlighted)
    @on(Input.Changed)
    def show_preview(self) -> None:
        starter = self.chosen
        words = joined(starter.text, self.query_one("#heard", Input).value) if starter else ""
        self.query_one("#received-preview", Static).update(Content(shown(words)))

    @on(OptionList.OptionSelected)
    def to_words(self) -> None:
        self.query_one("#heard", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#give-back")
    def give_back(self) -> None:
        starter = self.chosen
        if starter is None:
            return
        workspace = self.app.workspace
        try:
            received = receive(self.sentence, self.listener, starter, self.query_one("#heard", Input).value,
                               now=workspace.now())
            save_sentence(workspace.store(received.space), received)
        except (SentenceRefused, StoreError, ValueError) as error:
            self.notify(getattr(error, "user_message", str(error)), markup=False, timeout=6)
            return
        self.dismiss(received)

    def action_not_now(self) -> None:
        self.dismiss(None)


class ReflectBackScreen(Screen[Sentence | None]):
    """The speaker sees what was heard, and may say "that's it" or "not quite". Nothing asks for more."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "sentence.tcss"
    AUTO_FOCUS = "#thats-it"
    BINDINGS = [Binding("escape", "leave_it", "Leave it there", id="reflect-back")]
    ONLY_SAFETY_KEYS = True

    def __init__(self, sentence: Sentence) -> None:
        super().__init__()
        self.sentence = sentence

    def compose(self) -> ComposeResult:
        listener = name_of(self.app, self.sentence.listener)
        assert self.sentence.received is not None
        yield Header()
        with VerticalScroll(id="builder"):
            yield Static("You said:", classes="field-label")
            yield Static(Content(shown(self.sentence.text)), id="their-sentence")
            yield Static(Content(shown(f"What {listener} heard:")), classes="field-label")
            yield Static(Content(shown(self.sentence.received.text)), id="preview")
            yield Static(
                "Is that it? You can say so, or say it was not quite, with a few words if you like. "
                "Or leave it here. Nothing more is asked of either of you.",
                classes="screen-intro",
            )
            yield Input(id="few-words", max_length=MAX_ANSWER_WORDS_CHARS, placeholder="(a few words, if you like)")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Leave it here", id="leave")
                yield Button("Not quite", id="not-quite")
                yield Button("That's it", id="thats-it", variant="primary")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "what was heard"

    @on(Button.Pressed, "#thats-it")
    @on(Button.Pressed, "#not-quite")
    def answered(self, event: Button.Pressed) -> None:
        reflection = Reflection.THATS_IT if event.button.id == "thats-it" else Reflection.NOT_QUITE
        workspace = self.app.workspace
        try:
            done = reflect_back(self.sentence, self.sentence.speaker, reflection,
                                self.query_one("#few-words", Input).value)
            save_sentence(workspace.store(done.space), done)
        except (SentenceRefused, StoreError, ValueError) as error:
            self.notify(getattr(error, "user_message", str(error)), markup=False, timeout=6)
            return
        self.dismiss(done)

    @on(Button.Pressed, "#leave")
    def action_leave_it(self) -> None:
        self.dismiss(self.sentence)


def pass_across(app: ReflectApp, sentence: Sentence, *, done: Callable[[], None]) -> None:
    """Save the sentence in the shared space, then the curtain, the receiving turn, the curtain, the answer."""
    workspace = app.workspace
    people = {p.id: p for p in workspace.people_here}
    others = [p for p in people if p != sentence.speaker]
    if not workspace.together or not others:
        return
    listener = others[0]
    try:
        save_sentence(workspace.store(sentence.space), sentence)
    except (StoreError, ValueError) as error:
        app.notify(getattr(error, "user_message", str(error)), severity="error", markup=False, timeout=10)
        return
    hand_over(app, sentence, listener, done=done)


def waiting_to_be_received(app: ReflectApp) -> list[Sentence]:
    """Sentences passed across in the shared space whose receiving was left for another time."""
    from reflect.usecases.sentences import read_sentences

    workspace = app.workspace
    shared = workspace.household.shared_space
    if not workspace.together or shared is None:
        return []
    here = {p.id for p in workspace.people_here}
    found, _ = read_sentences(workspace.store(shared))
    return [s for s in found if s.speaker in here and s.received is None]


def hand_over(app: ReflectApp, sentence: Sentence, listener: str, *, done: Callable[[], None]) -> None:
    """The curtain, the partner's receiving turn, the curtain, the speaker's answer.

    At each curtain the person it names types their own passphrase before
    anything is shown (:mod:`reflect.ui.screens.hand_over`): the sentence is
    for the listener alone to receive, and only the speaker says whether it
    was heard.
    """
    workspace = app.workspace
    generation = app.lock_generation
    speaker_name, listener_name = name_of(app, sentence.speaker), name_of(app, listener)

    def current() -> bool:
        return app.lock_state.is_current(generation) and workspace.together

    def to_listener(ready: bool | None) -> None:
        if ready and current():
            app.push_screen(ReceiveScreen(sentence, listener), received)
        else:
            app.notify(WAITS, timeout=6)
            done()

    def received(result: Sentence | None) -> None:
        if result is None or not current():
            app.notify(WAITS, timeout=6)
            done()
            return

        def to_speaker(ready: bool | None) -> None:
            if ready and current():
                app.push_screen(ReflectBackScreen(result), finished)
            else:
                done()

        hand_keyboard_to(
            app, sentence.speaker, listener, to_speaker, note=f"Next: what {listener_name} heard.", may_step_back=False
        )

    def finished(_: Sentence | None) -> None:
        app.notify(SAVED_TOGETHER, timeout=6)
        done()

    hand_keyboard_to(
        app, listener, sentence.speaker, to_listener, note=f"Next: a sentence from {speaker_name}, to read and receive."
    )
