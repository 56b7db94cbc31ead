"""Couple sessions at one screen: the list, each turn, the choice, the reveal, the safety note.

The screens only follow the rules of :mod:`reflect.domain.sessions` through
the use cases of :mod:`reflect.usecases.couple_sessions`. A :class:`SessionFlow`
walks one session forward: a curtain before every turn, each partner's answer
on their own, each one's choice on their own, then the reveal with both
looking. It can be left at any point (Esc, a lock, a hide) and picked up
again from the list, where it stands.

Behind a curtain and on a turn, the app answers nothing but the safety keys
(``ONLY_SAFETY_KEYS``), so no key leads from someone's turn anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from reflect.domain.content import Audience, Prompt
from reflect.domain.display import shown
from reflect.domain.sessions import CoupleSession, Reveal, RevealChoice, SessionExercise, SessionRefused, Stage
from reflect.storage.errors import StoreError
from reflect.ui.commands import TOGETHER, WRITING, bindings_for
from reflect.ui.screens.curtain import CurtainScreen
from reflect.ui.screens.dialogs import QuestionScreen
from reflect.ui.screens.hand_over import proved_after_curtain
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.usecases import couple_sessions as cs

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

DRAFT_DELAY_SECONDS = 2.0

SAFETY_NOTE = (
    "Doing these exercises side by side can bring a lot to the surface. "
    "They are not the right place to start if you are afraid of your partner, "
    "or if you do not feel safe with them. If that is true for you, it is fine "
    "to stop here, and to talk to someone on your own first."
)
SAFETY_NOTE_PRIVATE = "Only you see this. Nothing records what you choose."
NOT_TODAY = "Not today, then. The questions will be here whenever you both like."
PROVE_IT = "So that only you see your answer, type your passphrase."
ENDED = "The session has ended. Each answer stays in its writer's own journal."


def kept_line(name: str) -> str:
    """The one neutral sentence a partner sees about a kept answer. Nothing asks why."""
    return f"{name} kept this one private."


def status_line(session: CoupleSession, name: Callable[[str], str]) -> str:
    """Where a session stands, in words the shared space may know (never an answer)."""
    first, second = session.partners
    if session.stage is Stage.ANSWERING:
        if not session.answered:
            return f"Nobody has written yet. {name(first)} begins."
        (done,) = tuple(session.answered)
        return f"{name(done)} has written. Next: {name(session.partner_of(done))}."
    if session.stage is Stage.CHOOSING:
        return "You have both written. Next: each of you chooses, on your own, to show or to keep."
    return "You have both chosen. Your answers can be shown, side by side."


def together_prompts(app: ReflectApp) -> list[tuple[Prompt, str]]:
    """Every prompt marked ``together`` in the loaded packs, with its step's title."""
    found = []
    for _, section in app.workspace.sections():
        for prompt in section.prompts:
            if Audience.TOGETHER in prompt.audiences:
                found.append((prompt, section.title))
    return found


def name_of(app: ReflectApp, person: str) -> str:
    profile = next((p for p in app.workspace.household.profiles if p.id == person), None)
    return profile.name if profile else "your partner"


class SessionFlow:
    """Walks one session forward from where it stands, one turn at a time.

    Each step reads the session back from the shared space, so a flow left
    by Esc, a lock or a crash resumes exactly where it was.
    """

    def __init__(self, app: ReflectApp, session_id: str, *, done: Callable[[], None] | None = None) -> None:
        self.app = app
        self.session_id = session_id
        self.done = done or (lambda: None)
        self.generation = app.lock_generation

    def _current(self) -> bool:
        return self.app.lock_state.is_current(self.generation) and self.app.workspace.together

    def _problem(self, error: Exception) -> None:
        message = error.user_message if isinstance(error, StoreError) else str(error)
        self.app.notify(message, severity="warning", markup=False)

    def step(self, *_: object) -> None:
        """Show whatever comes next: a curtain and a turn, or the reveal."""
        if not self._current():
            return
        try:
            session = cs.find(self.app.workspace, self.session_id)
        except (SessionRefused, StoreError) as error:
            self._problem(error)
            return
        if session is None or not session.is_open:
            self.done()
            return
        def name(person: str) -> str:
            return name_of(self.app, person)

        turn = cs.next_turn(session)
        if session.stage is Stage.READY or turn is None:
            self.app.push_screen(
                CurtainScreen(
                    name(session.partners[0]),
                    heading="Together now",
                    line="You can both look at the screen. Press Enter to see your answers, side by side.",
                ),
                self._reveal,
            )
            return
        other = session.partner_of(turn)
        if session.stage is Stage.ANSWERING:
            note = "Next: your passphrase, then your answer, written on your own."
            after = self._answer_turn(session, turn)
        else:
            note = "Next: your passphrase, then you choose whether to show your answer or to keep it."
            after = self._choice_turn(session, turn)
        self.app.push_screen(CurtainScreen(name(turn), name(other), note=note), self._proved(turn, after))

    def _proved(self, person: str, then: Callable[[bool | None], None]) -> Callable[[bool | None], None]:
        """After the curtain: ``person`` types their passphrase before their own turn or choice.

        A turn shows that person's own draft or pending answer, a choice lets
        them show or keep it, so the passphrase comes first at every hand-over
        (see :mod:`reflect.ui.screens.hand_over`). Esc on it: the curtain again.
        """
        return proved_after_curtain(self.app, person, then, again=self.step, current=self._current, intro=PROVE_IT)

    def answer_screen(self, session: CoupleSession, person: str) -> Screen[bool]:
        """The screen of one person's turn; a kind of session with its own questions overrides it."""
        return AnswerScreen(session, person)

    def _answer_turn(self, session: CoupleSession, person: str) -> Callable[[bool | None], None]:
        def lifted(ready: bool | None) -> None:
            if ready and self._current():
                self.app.push_screen(self.answer_screen(session, person), self._after_answer)
            else:
                self.done()

        return lifted

    def _after_answer(self, saved: bool | None) -> None:
        if saved:
            self.step()
        else:
            self.done()

    def _choice_turn(self, session: CoupleSession, person: str) -> Callable[[bool | None], None]:
        def lifted(ready: bool | None) -> None:
            if ready and self._current():
                self.app.push_screen(ChoiceScreen(session, person), chosen)
            else:
                self.done()

        def chosen(choice: str | None) -> None:
            if not self._current():
                return
            if choice == "change":
                self.app.push_screen(AnswerScreen(session, person), changed)
                return
            if choice not in (RevealChoice.REVEAL.value, RevealChoice.KEEP.value):
                self.done()
                return
            try:
                cs.choose(self.app.workspace, session.id, person, RevealChoice(choice))
            except (SessionRefused, StoreError) as error:
                self._problem(error)
                self.done()
                return
            self.step()

        def changed(saved: bool | None) -> None:
            if self._current():
                self.app.push_screen(ChoiceScreen(session, person), chosen)

        return lifted

    def _reveal(self, ready: bool | None) -> None:
        if not ready or not self._current():
            self.done()
            return
        try:
            outcome = cs.reveal(self.app.workspace, self.session_id)
        except (SessionRefused, StoreError) as error:
            self._problem(error)
            self.done()
            return
        self.app.push_screen(RevealScreen(outcome), lambda _: self.done())


class SessionsScreen(Screen[None]):
    """Together: questions for the two of you, and sessions to pick up again."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "couple.tcss"
    AUTO_FOCUS = "#sessions"
    BINDINGS = bindings_for(TOGETHER)

    sessions = getters.query_one("#sessions", OptionList)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Together", classes="screen-title")
        yield Static(
            "Each of you answers on your own while the other looks away. Your answers stay "
            "sealed until you have both written, and each of you chooses to show yours or keep it. "
            "You can stop at any point and pick it up another day.",
            classes="screen-intro",
        )
        yield OptionList(id="sessions")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.app.space_caption
        self.refresh_list()

    def on_screen_resume(self) -> None:
        if self.app.workspace.together:
            self.refresh_list()

    def refresh_list(self) -> None:
        workspace = self.app.workspace
        try:
            open_sessions = cs.unfinished(workspace)
        except (SessionRefused, StoreError):
            open_sessions = []
        highlighted = self.sessions.highlighted
        self.sessions.clear_options()
        if open_sessions:
            self.sessions.add_option(Option(Content.styled("Pick up where you left off", "bold"), disabled=True))
            for session in open_sessions:
                line = status_line(session, lambda p: name_of(self.app, p))
                self.sessions.add_option(
                    Option(
                        Content.assemble(session.exercise.title or "A session", "\n", (line, "dim")),
                        id=f"open:{session.id}",
                    )
                )
                self.sessions.add_option(None)
        self.sessions.add_option(Option(Content.styled("Questions for the two of you", "bold"), disabled=True))
        started = {s.exercise.ref for s in open_sessions if s.exercise.kind == "prompt"}
        for prompt, step in together_prompts(self.app):
            if prompt.id in started:
                continue
            self.sessions.add_option(
                Option(Content.assemble(prompt.text, "\n", (step, "dim italic")), id=f"prompt:{prompt.id}")
            )
            self.sessions.add_option(None)
        count = self.sessions.option_count
        wanted = highlighted if highlighted is not None else 1
        self.sessions.highlighted = min(max(wanted, 1), count - 1) if count else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end_session":
            return self._highlighted_session() is not None
        return True

    def _highlighted_session(self) -> str | None:
        index = self.sessions.highlighted
        if index is None:
            return None
        option_id = self.sessions.get_option_at_index(index).id or ""
        return option_id.removeprefix("open:") if option_id.startswith("open:") else None

    @on(OptionList.OptionHighlighted, "#sessions")
    def highlighted_changed(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#sessions")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("open:"):
            resume_session(self.app, option_id.removeprefix("open:"), done=self.refresh_list)
        elif option_id.startswith("prompt:"):
            prompt = self.app.workspace.find_prompt(option_id.removeprefix("prompt:"))
            if prompt is not None:
                start_prompt_session(self.app, prompt, done=self.refresh_list)

    def action_end_session(self) -> None:
        session_id = self._highlighted_session()
        if session_id is None:
            return
        people = self.app.workspace.people_here

        def ending(person: str | None) -> None:
            if person is None:
                return
            try:
                cs.end(self.app.workspace, session_id, person)
            except (SessionRefused, StoreError) as error:
                message = error.user_message if isinstance(error, StoreError) else str(error)
                self.app.notify(message, severity="warning", markup=False)
                return
            self.app.notify(ENDED, timeout=6)
            self.refresh_list()

        self.app.push_screen(
            PickPersonScreen(
                "Who is ending this session?",
                "No reason is asked. What each of you wrote stays in your own journal.",
                [(p.id, p.name) for p in people],
            ),
            ending,
        )


def resume_session(app: ReflectApp, session_id: str, *, done: Callable[[], None] | None = None) -> None:
    """Pick a session up where it stands, with its own exercise's turns (a ladder try's ask what next time)."""
    from reflect.usecases.ladder_tries import TRY_KIND

    try:
        session = cs.find(app.workspace, session_id)
    except (SessionRefused, StoreError):
        session = None  # the flow says what is wrong
    if session is not None and session.exercise.kind == TRY_KIND:
        from reflect.ui.screens.ladder_try import resume_try

        resume_try(app, session_id, done=done)
        return
    SessionFlow(app, session_id, done=done).step()


def start_prompt_session(app: ReflectApp, prompt: Prompt, *, done: Callable[[], None] | None = None) -> None:
    """Begin (or pick up) a session on a together prompt: the safety note first, the first time."""
    workspace = app.workspace
    done = done or (lambda: None)
    try:
        existing = cs.unfinished(workspace, kind="prompt", ref=prompt.id)
    except (SessionRefused, StoreError) as error:
        app.notify(error.user_message if isinstance(error, StoreError) else str(error), severity="warning")
        return
    if existing:
        SessionFlow(app, existing[0].id, done=done).step()
        return
    exercise = SessionExercise(kind="prompt", ref=prompt.id, title=prompt.text)

    def begin(starter: str | None) -> None:
        if starter is None or not workspace.together:
            return
        try:
            session = cs.begin(workspace, exercise, starter=starter)
        except (SessionRefused, StoreError) as error:
            app.notify(error.user_message if isinstance(error, StoreError) else str(error), severity="warning")
            return
        SessionFlow(app, session.id, done=done).step()

    def who_first(go_on: bool) -> None:
        if not go_on:
            app.notify(NOT_TODAY, timeout=8)
            done()
            return
        app.push_screen(
            PickPersonScreen(
                "Who would like to write first?",
                "The other looks away. Then you change places.",
                [(p.id, p.name) for p in workspace.people_here],
            ),
            begin,
        )

    before_first_together(app, who_first)


def before_first_together(app: ReflectApp, then: Callable[[bool], None]) -> None:
    """The one way into a together exercise: before a couple's very first, each reads the safety note.

    Prompt sessions, a try on the ladder and the sentence builder together
    all come through here. ``then(go_on)`` follows: True to begin.
    """
    try:
        first_time = not cs.has_begun_any(app.workspace)
    except (SessionRefused, StoreError):
        first_time = True  # when in doubt, the note: it costs a moment, and records nothing
    if first_time:
        safety_notes(app, then)
    else:
        then(True)


def safety_notes(app: ReflectApp, then: Callable[[bool], None]) -> None:
    """Each partner reads the safety note alone, behind the curtain; nothing records their choice.

    Both always see it, whatever the first chose, so neither can tell what
    the other chose; the session begins only if both go on.
    """
    people = list(app.workspace.people_here)
    answers: list[bool] = []
    generation = app.lock_generation

    def show(index: int) -> None:
        person, other = people[index], people[1 - index]

        def lifted(ready: bool | None) -> None:
            if not ready or not app.lock_state.is_current(generation):
                return
            app.push_screen(SafetyNoteScreen(person.name), answered)

        def answered(go_on: bool | None) -> None:
            if not app.lock_state.is_current(generation):
                return
            answers.append(bool(go_on))
            if index + 1 < len(people):
                show(index + 1)
            else:
                then(all(answers))

        app.push_screen(
            CurtainScreen(person.name, other.name, note="Next: a short note, for you alone."), lifted
        )

    show(0)


class AnswerScreen(Screen[bool]):
    """One partner writes their answer, on their own. Ctrl+S keeps it sealed in their own journal."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "couple.tcss"
    AUTO_FOCUS = "#answer"
    BINDINGS = bindings_for(WRITING)
    ONLY_SAFETY_KEYS = True
    """Nothing but the safety keys leads anywhere from someone's turn."""

    editor = getters.query_one("#answer", TextArea)

    def __init__(self, session: CoupleSession, person: str) -> None:
        super().__init__()
        self.session = session
        self.person = person
        self._draft_timer: Timer | None = None
        self._kept_text = ""

    def compose(self) -> ComposeResult:
        name = name_of(self.app, self.person)
        partner = name_of(self.app, self.session.partner_of(self.person))
        start = ""
        try:
            start = cs.draft_of(self.app.workspace, self.session.id, self.person) or (
                cs.own_answer(self.app.workspace, self.session.id, self.person) or ""
            )
        except (SessionRefused, StoreError):
            pass
        self._kept_text = start
        yield Header()
        with Vertical(id="answer-room"):
            yield Static(Content(shown(self.session.exercise.title or "Your answer")), id="answer-prompt")
            yield Static(
                Content(
                    shown(
                        f"{name}, this is your answer. It stays sealed in your own journal: {partner} "
                        "sees it only if you both choose to show your answers."
                    )
                ),
                classes="muted",
            )
            yield TextArea(
                shown(start),
                id="answer",
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
                placeholder="Take your time. Ctrl+S keeps your answer; Esc steps back.",
            )
            yield Static("", id="answer-status", classes="muted")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "your turn"
        self.editor.move_cursor(self.editor.document.end)  # back to where they stopped

    @property
    def unsaved_text(self) -> str | None:
        text = self.editor.text
        return text if text != self._kept_text else None

    @on(TextArea.Changed, "#answer")
    def typed(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_SECONDS, self.keep_draft_quietly)

    def keep_draft_quietly(self) -> bool:
        """Keep what is typed as a draft in the writer's own journal; False if it could not be."""
        text = self.unsaved_text
        if text is None:
            return True
        try:
            cs.keep_draft(self.app.workspace, self.session.id, self.person, text)
        except (SessionRefused, StoreError, OSError):
            return False
        self._kept_text = text
        return True

    def action_save(self) -> None:
        text = self.editor.text
        if not text.strip():
            self.query_one("#answer-status", Static).update(
                "Write a few words first, or press Esc to step back for now."
            )
            return
        try:
            cs.save_answer(self.app.workspace, self.session.id, self.person, text)
        except (SessionRefused, StoreError) as error:
            message = error.user_message if isinstance(error, StoreError) else str(error)
            self.query_one("#answer-status", Static).update(Content(shown(message)))
            return
        self._kept_text = text
        self.dismiss(True)

    def action_leave(self) -> None:
        self.keep_draft_quietly()
        self.dismiss(False)

    def on_unmount(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()


class ChoiceScreen(Screen[str]):
    """Behind the curtain, one partner chooses: show their answer together, or keep it."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "couple.tcss"
    # Nothing is chosen by the key that lifted the curtain: a second Enter (a
    # hurried or held key) must not show an answer its writer has not chosen to.
    AUTO_FOCUS = "#choice-room"
    BINDINGS = [Binding("escape", "step_back", "Step back", id="choice-back")]
    ONLY_SAFETY_KEYS = True

    def __init__(self, session: CoupleSession, person: str) -> None:
        super().__init__()
        self.session = session
        self.person = person

    def compose(self) -> ComposeResult:
        workspace = self.app.workspace
        partner = name_of(self.app, self.session.partner_of(self.person))
        try:
            mine = cs.own_answer(workspace, self.session.id, self.person) or ""
        except (SessionRefused, StoreError):
            mine = ""
        yield Header()
        with VerticalScroll(id="choice-room"):
            yield Static(Content(shown(self.session.exercise.title or "Your answer")), id="answer-prompt")
            yield Static(
                Content(shown(f"{name_of(self.app, self.person)}, your answer, as you wrote it:")), classes="muted"
            )
            yield Static(Content(shown(mine)), id="own-answer")
            yield Static(
                Content(
                    shown(
                        f"Would you like to show it to {partner} when you both look, or keep it for "
                        "yourself? If you keep it, it stays in your own journal, and nobody asks why."
                    )
                ),
                id="choice-question",
            )
            yield Static("Tab moves between the choices, and Enter makes one.", classes="muted")
            with Horizontal(id="choice-buttons"):
                yield Button("Show it together", id="reveal", variant="primary")
                yield Button("Keep it for myself", id="keep")
                yield Button("Change my answer", id="change")  # allowed until the choice is made
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "your choice"

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_step_back(self) -> None:
        self.dismiss(None)


class RevealScreen(Screen[None]):
    """Both answers at once, side by side, in the same frame. Nobody goes first."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "couple.tcss"
    BINDINGS = [Binding("escape", "close", "Back", id="reveal-back")]

    def __init__(self, outcome: Reveal) -> None:
        super().__init__()
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        shown_by = dict(self.outcome.shown)
        yield Header()
        yield Static(Content(shown(self.outcome.session.exercise.title or "Your answers")), classes="screen-title")
        yield Static("Your answers, side by side, shown at the same moment.", classes="screen-intro")
        with Horizontal(id="reveal-row"):
            for person in self.outcome.session.partners:
                name = name_of(self.app, person)
                with VerticalScroll(classes="reveal-answer"):
                    yield Static(Content(shown(name)), classes="reveal-name")
                    if person in shown_by:
                        yield Static(Content(shown(shown_by[person])), classes="reveal-text")
                    else:
                        yield Static(Content(shown(kept_line(name))), classes="reveal-kept muted")
        yield Static(
            "What you showed is saved in the shared space, with your names. Esc goes back.",
            classes="muted",
            id="reveal-after",
        )
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.app.space_caption

    def action_close(self) -> None:
        self.dismiss(None)


class SafetyNoteScreen(Screen[bool]):
    """Before a couple's first session: a short note for one partner, alone."""

    if TYPE_CHECKING:
        app = getters.app(ReflectApp)

    CSS_PATH = "couple.tcss"
    AUTO_FOCUS = "#go-on"
    BINDINGS = [Binding("escape", "not_now", "Not now", id="note-back")]
    ONLY_SAFETY_KEYS = True

    def __init__(self, name: str) -> None:
        super().__init__()
        self.person_name = name

    def compose(self) -> ComposeResult:
        with Center(id="note-middle"):
            with Vertical(id="note"):
                yield Static(Content(shown(f"{self.person_name}, before you begin together")), classes="screen-title")
                yield Static(SAFETY_NOTE, id="note-text")
                yield Static(
                    "F3 (or the button below) shows support for unsafe relationships.", classes="muted"
                )
                yield Static(SAFETY_NOTE_PRIVATE, classes="muted")
                with Horizontal(id="note-buttons"):
                    yield Button("Support lines", id="support")
                    yield Button("Not now", id="not-now")
                    yield Button("Go on", id="go-on", variant="primary")
        yield SafetyFooter()

    def on_mount(self) -> None:
        self.sub_title = "a note for you alone"

    @on(Button.Pressed, "#support")
    async def support(self) -> None:
        await self.app.run_action("resources")
        resources = self.app.screen
        from textual.widgets import Markdown

        def to_unsafe() -> None:
            for markdown in resources.query(Markdown):
                markdown.goto_anchor("if-the-relationship-is-unsafe")

        self.app.call_after_refresh(to_unsafe)

    @on(Button.Pressed, "#go-on")
    def go_on(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#not-now")
    def action_not_now(self) -> None:
        self.dismiss(False)


class PickPersonScreen(QuestionScreen[str | None]):
    """Which of the two of you: a button per name, and Back. Dismisses with their id, or None."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="pick-back")]

    def __init__(self, question: str, detail: str, people: list[tuple[str, str]]) -> None:
        super().__init__(question, detail)
        self.people = people

    def buttons(self) -> Iterable[Button]:
        yield Button("Back", id="cancel")
        for index, (_, name) in enumerate(self.people):
            yield Button(Content(shown(name)), id=f"person-{index}", variant="primary")

    def answer(self, button_id: str) -> str | None:
        if button_id.startswith("person-"):
            return self.people[int(button_id.removeprefix("person-"))][0]
        return None
