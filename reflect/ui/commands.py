"""Every action reflect offers, written once.

Each ``Command`` says its keys in each place, its footer label, one help
line, whether it shows or changes private writing and whether it shows in
the footer. The screens' bindings (``bindings_for``), the command palette
(``ReflectCommands``) and the help screen (``help_markdown``) are all made
from ``COMMANDS``, so a key cannot be added in one and forgotten in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

ANYWHERE = "anywhere"
PATH = "path"
STEP = "step"
WRITING = "writing"
JOURNAL = "journal"
TREND = "trend"
PREP = "prep"
PREVIEW = "preview"
LADDER = "ladder"
AFTER_TRY = "after-try"
SENTENCE = "sentence"
DOOR = "door"
CURTAIN = "curtain"
TOGETHER = "together"
DIALOG = "dialog"

PLACE_TITLES: dict[str, str] = {
    ANYWHERE: "Anywhere",
    PATH: "On the path",
    STEP: "In a step",
    WRITING: "Writing",
    JOURNAL: "In the journal",
    TREND: "The trend",
    PREP: "Session prep",
    PREVIEW: "The prep, before it is saved",
    LADDER: "The touch ladder",
    AFTER_TRY: "After a try, on your turn",
    SENTENCE: "The sentence builder",
    DOOR: "At the lock",
    TOGETHER: "Together sessions",
    CURTAIN: "At the curtain between turns",
    DIALOG: "In a dialog",
}
"""The help's headings, in the order the help shows them."""

PLACE_NOTES: dict[str, str] = {
    ANYWHERE: (
        "reflect also locks itself after a quiet while: five minutes, unless you\n"
        "choose otherwise in Preferences (P on the path)."
    ),
    WRITING: "Drafts are kept as you type, so nothing you write is lost if you stop.",
    LADDER: (
        "Only the partner who was hurt moves the ladder, pauses it or changes its steps.\n"
        "The other partner sees where it is, and may suggest a step."
    ),
    CURTAIN: "The curtain shows nobody's words. Only the safety keys work behind it.",
}
"""A sentence or two said after a place's keys."""


@dataclass(frozen=True)
class Command:
    """One action: what it is called, what it does, and its key in each place."""

    name: str
    """Names the action; the binding id comes from it."""
    label: str
    """The footer's word for it."""
    help: str
    """One line, for the help screen, the palette and the tooltip."""
    keys: dict[str, str] = field(default_factory=dict)
    """Place -> Textual key names ("f2,ctrl+g"). Empty: the palette only."""
    action: str | None = None
    """The action a binding runs; default ``app.<name>``. None with ``described_only``."""
    footer: frozenset[str] = frozenset()
    """Places where its key shows in the footer."""
    private: bool = False
    """Shows or changes private writing: offered only while someone is unlocked."""
    palette: str | None = None
    """Its title in the command palette; None keeps it out of the palette."""
    more: str = ""
    """Said after the help line on the help screen only."""
    couple_only: bool = False
    """Only a couple has it (the shared space); the help leaves it out for one person."""
    described_only: bool = False
    """A key a widget or Textual already handles: described in the help, never bound."""
    screen_actions: frozenset[str] = frozenset()
    """Places where the screen itself runs the action (``name``), not the app."""
    priority: bool = False
    """Runs even when a field has focus (always so for the keys that work anywhere)."""
    while_together: bool = True
    """Offered while both partners are here. False for what belongs to one person
    (their preferences, their prep, an import into the shared space)."""

    def action_in(self, place: str) -> str:
        if self.action is not None:
            return self.action
        # The app's own keys run its actions directly; a screen's key names the app.
        return self.name if place in self.screen_actions or place == ANYWHERE else f"app.{self.name}"

    def binding_id(self, place: str) -> str:
        base = self.name.replace("_", "-")
        # The app-wide key keeps the plain id (the footer finds the safety keys by it).
        if place == ANYWHERE or ANYWHERE not in self.keys:
            return base
        return f"{place}-{base}"


def _places(*places: str) -> frozenset[str]:
    return frozenset(places)


COMMANDS: tuple[Command, ...] = (
    # The safety keys, on every screen.
    Command("help", "Help", "The keys reflect understands", {ANYWHERE: "f1"}, footer=_places(ANYWHERE),
            palette="Help"),
    Command("pause", "Pause", "Pause: a short breathing exercise. Nothing is saved.", {ANYWHERE: "f2,ctrl+g"},
            footer=_places(ANYWHERE), palette="Pause and breathe"),
    Command("resources", "Resources", "Resources: crisis lines and where to find support",
            {ANYWHERE: "f3", PATH: "r", TREND: "r"}, footer=_places(ANYWHERE), palette="Resources"),
    # The path: choose a step, or go elsewhere.
    Command("choose", "Open", "Choose a step and open it", {PATH: "up,down,enter"}, described_only=True),
    # Both of us at the screen.
    Command("together", "Both of us", "Both of us are here: each unlocks with their own passphrase, "
            "and only the shared space is shown", {PATH: "b"}, footer=_places(PATH), private=True,
            palette="Both of us are here", couple_only=True, while_together=False),
    Command("couple_sessions", "Together", "Questions to answer together, and sessions to pick up again",
            {PATH: "s"}, footer=_places(PATH), palette="Together sessions", couple_only=True),
    Command("leave_together", "Done together", "We are done together: reflect locks",
            palette="We are done together", couple_only=True,
            more="Each of you opens your own journal again with your own passphrase."),
    Command("journal", "Journal", "Your journal: read, search and edit your reflections", {PATH: "j"},
            footer=_places(PATH), private=True, palette="Journal"),
    Command("free_write", "Write", "Write freely, without a prompt", {PATH: "n", STEP: "n", JOURNAL: "n"},
            footer=_places(PATH), private=True, palette="New reflection"),
    Command("checkin", "Check in", "Check in: moments of connection and of distance",
            {ANYWHERE: "f4", PATH: "c", JOURNAL: "c", TREND: "c"}, footer=_places(PATH), private=True,
            palette="Check in"),
    Command("trend", "Trend", "The trend of your check-ins, and a line through them", {ANYWHERE: "f5", PATH: "t"},
            private=True, palette="Trend"),
    Command("switch_space", "Space", "Your private journal or the shared space", {ANYWHERE: "f6"},
            footer=_places(ANYWHERE), palette="Switch space", couple_only=True,
            more="From the shared space it goes to a private journal: it asks whose, and that person's passphrase."),
    Command("lock", "Lock", "Lock reflect now", {ANYWHERE: "ctrl+l"}, footer=_places(ANYWHERE), palette="Lock"),
    Command("quick_hide", "Hide", "Hide the screen at once, and lock", {ANYWHERE: "f12"}, footer=_places(ANYWHERE),
            palette="Hide the screen",
            more="It looks like an idle terminal prompt; press Enter on its empty prompt to come back."),
    Command("command_palette", "Search", "Search for any action", {ANYWHERE: "ctrl+p"}, described_only=True),
    Command("quit_anywhere", "Quit", "Quit", {ANYWHERE: "ctrl+q"}, described_only=True),
    Command("quit", "Quit", "Quit", {PATH: "q"}, action="app.quit"),
    Command("preferences", "Preferences", "Preferences: when reflect locks itself; your passphrase; adding a partner", {PATH: "p"},
            private=True, palette="Preferences", while_together=False),
    Command("home", "Path", "Back to the guided path", private=True, palette="Path"),
    Command("switch_person", "Switch person", "Lock, so the other partner can unlock", palette="Switch person"),
    # In a step.
    Command("back", "Back", "Back", {STEP: "escape", TREND: "escape", PREP: "escape", LADDER: "escape"},
            action="app.pop_screen", footer=_places(STEP, TREND, PREP, LADDER)),
    Command("write_to_prompt", "Write", "Write to the highlighted question", {STEP: "enter"}, described_only=True),
    Command("all_questions", "All questions", "Show all the questions, or only those written for you",
            {STEP: "a"}, footer=_places(STEP), screen_actions=_places(STEP)),
    Command("fewer_questions", "Fewer questions", "Just the questions written for you", {STEP: "a"},
            footer=_places(STEP), screen_actions=_places(STEP)),
    Command("move_focus", "Next", "Move between the reading and the questions", {STEP: "tab"}, described_only=True),
    Command("ladder", "Ladder", "The touch ladder: its steps, and where it is now", {STEP: "l"},
            footer=_places(STEP), private=True, palette="Touch ladder", screen_actions=_places(STEP),
            more="(In a step, only in the step on the touch ladder.)"),
    Command("sentence_builder", "Sentence", "The sentence builder: say what is hard, in one sentence",
            {STEP: "b"}, footer=_places(STEP), private=True, palette="Sentence builder",
            screen_actions=_places(STEP), more="(In a step, only in the step on saying what is hard.)"),
    # The touch ladder. The screen offers each key only to whoever may use it.
    Command("pace_here", "Here", "The partner who was hurt: set the pace at the highlighted step",
            {LADDER: "enter"}, described_only=True),
    Command("step_further", "A step further", "The partner who was hurt: move the ladder one step further",
            {LADDER: "u"}, action="step_further", footer=_places(LADDER)),
    Command("step_back", "A step back", "The partner who was hurt: move the ladder back a step",
            {LADDER: "d"}, action="step_back", footer=_places(LADDER)),
    Command("pause_ladder", "Pause it", "The partner who was hurt: rest the ladder for now", {LADDER: "space"},
            action="pause_ladder", footer=_places(LADDER)),
    Command("resume_ladder", "Open it", "The partner who was hurt: open the ladder again", {LADDER: "space"},
            action="resume_ladder", footer=_places(LADDER)),
    Command("try_step", "A try", "Agree on a step to try, and a stop word or gesture", {LADDER: "t"},
            action="try_step", footer=_places(LADDER)),
    Command("suggestions", "Suggest", "Suggest a step, which waits for the choice of the partner who was hurt; "
            "they see the waiting ones here", {LADDER: "s"}, action="suggestions", footer=_places(LADDER)),
    Command("add_step", "Add", "The partner who was hurt: add a step after the highlighted one", {LADDER: "a"},
            action="add_step"),
    Command("rename_step", "Rename", "The partner who was hurt: change the words of the highlighted step",
            {LADDER: "e"}, action="rename_step"),
    Command("remove_step", "Remove", "The partner who was hurt: take the highlighted step off the ladder",
            {LADDER: "x"}, action="remove_step"),
    Command("move_step_up", "Move up", "The partner who was hurt: move the highlighted step up the list",
            {LADDER: "shift+up"}, action="move_step_up"),
    Command("move_step_down", "Move down", "The partner who was hurt: move the highlighted step down the list",
            {LADDER: "shift+down"}, action="move_step_down"),
    Command("ladder_questions", "Questions", "Move between the steps and the questions beside them",
            {LADDER: "tab"}, described_only=True),
    # A turn after a try: how it felt, and next time. Only the safety keys reach the app here.
    Command("keep_try_answer", "Keep it", "Keep your answer, sealed until you have both written",
            {AFTER_TRY: "ctrl+s"}, action="save", footer=_places(AFTER_TRY), priority=True),
    Command("to_choices", "Next time", "Move to next time: the same step, a smaller one, or a pause",
            {AFTER_TRY: "tab"}, action="to_choices", footer=_places(AFTER_TRY)),
    Command("to_words", "How it felt", "Back to how it felt", {AFTER_TRY: "shift+tab"}, action="to_words"),
    Command("leave_try_answer", "Back", "Step back for now; what you typed is kept as a draft",
            {AFTER_TRY: "escape"}, action="leave", footer=_places(AFTER_TRY)),
    # The sentence builder.
    Command("see_sentence", "See it whole", "See the whole sentence before you save it or pass it on",
            {SENTENCE: "ctrl+s"}, action="see_sentence", footer=_places(SENTENCE), priority=True),
    Command("sentence_back", "Back", "Back (nothing is kept until you save it)", {SENTENCE: "escape"},
            action="app.pop_screen", footer=_places(SENTENCE)),
    # Writing.
    Command("save", "Save", "Save this reflection", {WRITING: "ctrl+s"}, action="save", footer=_places(WRITING),
            priority=True),
    Command("to_tags", "Tags", "Move to the tags", {WRITING: "tab"}, described_only=True),
    Command("leave", "Back", "Back (you will be asked about words not yet saved)", {WRITING: "escape"},
            action="leave", footer=_places(WRITING)),
    # The journal.
    Command("journal_back", "Back", "Back", {JOURNAL: "escape"}, action="back", footer=_places(JOURNAL)),
    # Search, undo, export and prep show in the journal's footer too: a newcomer finds them
    # there (two footer lines at 80 columns hold them), not only in the help.
    Command("focus_search", "Search", "Search", {JOURNAL: "slash"}, action="focus_search",
            footer=_places(JOURNAL)),
    Command("open_entry", "Open", "Open and edit the highlighted reflection", {JOURNAL: "enter"},
            described_only=True),
    Command("star", "Star", "Star or unstar it", {JOURNAL: "s"}, action="star", footer=_places(JOURNAL)),
    Command("tags", "Tags", "Edit its tags", {JOURNAL: "t"}, action="tags", footer=_places(JOURNAL)),
    Command("delete", "Delete", "Delete it (you will be asked first)", {JOURNAL: "d,delete"}, action="delete",
            footer=_places(JOURNAL)),
    Command("undo", "Undo", "Undo the last delete", {JOURNAL: "u"}, action="undo", footer=_places(JOURNAL)),
    Command("session_prep", "Session prep", "Session prep: gather what to bring to a therapy session, and save it",
            {STEP: "p", JOURNAL: "p"}, private=True, palette="Session prep", screen_actions=_places(STEP),
            footer=_places(JOURNAL),
            more="(In a step, only in the step on couples therapy.)", while_together=False),
    Command("export_space", "Export", "Save a copy of this space: Markdown, JSON or CSV", {JOURNAL: "e"},
            private=True, palette="Export", footer=_places(JOURNAL)),
    Command("import_journal", "Import", "Import a reflect export, or a journal from jrnl or Day One",
            {JOURNAL: "i"}, private=True, palette="Import", while_together=False),
    # The trend.
    Command("cycle_span", "Span", "Change the time span shown: everything, the last year, or three months",
            {TREND: "t"}, action="cycle_span", footer=_places(TREND)),
    Command("cycle_whose", "Whose", "In the shared space: both of you together, or one of you at a time",
            {TREND: "w"}, action="cycle_whose", footer=_places(TREND), couple_only=True),
    Command("export_chart", "Chart", "Save the chart as a picture (SVG), to a place you choose", {TREND: "e"},
            action="export_chart", footer=_places(TREND)),
    Command("export_data", "Data", "Save the check-ins as a spreadsheet file (CSV)", {TREND: "x"},
            action="export_data", footer=_places(TREND)),
    # Session prep, and its preview.
    Command("preview", "Preview", "See the prep before saving it", {PREP: "ctrl+s"}, action="preview",
            footer=_places(PREP)),
    Command("back_to_choices", "Back to choices", "Back to the choices", {PREVIEW: "escape"},
            action="app.pop_screen", footer=_places(PREVIEW)),
    Command("save_prep", "Save", "Save as Markdown and as a web page", {PREVIEW: "ctrl+s"}, action="save",
            footer=_places(PREVIEW)),
    # The lock.
    Command("recover", "Forgot passphrase", "Open with your recovery key, and choose a new passphrase",
            {DOOR: "f7"}, action="recover", footer=_places(DOOR)),
    # Together sessions.
    Command("begin_session", "Begin", "Begin a session on the highlighted question, or pick it up again",
            {TOGETHER: "enter"}, described_only=True),
    Command("end_session", "End session", "End the highlighted session; each answer stays in its writer's journal",
            {TOGETHER: "e"}, action="end_session", footer=_places(TOGETHER)),
    Command("together_back", "Back", "Back", {TOGETHER: "escape"}, action="app.pop_screen",
            footer=_places(TOGETHER)),
    # The curtain.
    Command("curtain_ready", "Ready", "The person named is ready: lift the curtain", {CURTAIN: "enter"},
            action="ready", footer=_places(CURTAIN), priority=True),
    Command("curtain_back", "Step back", "Step back (not on every curtain)", {CURTAIN: "escape"},
            action="step_back", footer=_places(CURTAIN)),
    # Dialogs keep their own Esc; described once here.
    Command("close_dialog", "Close", "Close a dialog, this help, the pause or the resources, and change nothing",
            {DIALOG: "escape"}, described_only=True),
    Command("close_again", "Close", "The help's or the pause's own key closes it again",
            {DIALOG: "f1,f2,ctrl+g"}, described_only=True),
    Command("quit_on_problem", "Quit", "Quit, when reflect cannot go on", {DIALOG: "q"}, described_only=True),
    Command("form_continue", "Continue", "In a form, go on; on a tick box Enter goes on too, only Space ticks it",
            {DIALOG: "enter"}, described_only=True),
)

PRIVATE_ACTIONS = frozenset(c.name for c in COMMANDS if c.private)
"""Actions that show or change private writing: only while someone is unlocked."""

NOT_TOGETHER = frozenset(c.name for c in COMMANDS if not c.while_together)
"""Actions never offered while both partners are here (they belong to one person)."""

TOGETHER_ONLY = frozenset({"couple_sessions", "leave_together"})
"""Actions offered only while both partners are here."""

SAFETY_COMMANDS = ("help", "pause", "resources", "lock", "quick_hide")
"""The keys the footer keeps visible on every screen."""


def bindings_for(place: str) -> list[Binding]:
    """The bindings of one place, in the table's order."""
    bindings = []
    for command in COMMANDS:
        keys = command.keys.get(place)
        if keys is None or command.described_only:
            continue
        bindings.append(
            Binding(
                keys,
                command.action_in(place),
                command.label,
                show=place in command.footer,
                priority=place == ANYWHERE or command.priority,
                tooltip=command.help,
                id=command.binding_id(place),
            )
        )
    return bindings


KEY_NAMES = {"escape": "Esc", "space": "Space", "slash": "/", "up": "Up", "down": "Down", "enter": "Enter", "tab": "Tab",
             "delete": "Delete"}


def key_display(keys: str) -> str:
    """'f2,ctrl+g' -> 'F2 or Ctrl+G', as the help writes keys."""

    def one(key: str) -> str:
        if key in KEY_NAMES:
            return KEY_NAMES[key]
        return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))

    names = [one(key) for key in keys.split(",")]
    if len(names) > 2 or keys == "up,down,enter":
        return ", ".join(names)
    return " or ".join(names)


def help_line(command: Command, *, together: bool = False) -> str:
    """What the help says of ``command``: its line, then its ``more``; while together, its together words."""
    line, more = command.help, command.more
    if together and command.name in TOGETHER_WORDS:
        line, more = TOGETHER_WORDS[command.name][2], ""
    if not more:
        return line
    return f"{line}{'' if line.endswith(('.', '?', '!', ')')) else '.'} {more}"


def help_rows(place: str, *, couple: bool, together: bool = False) -> list[tuple[str, str]]:
    """(keys, what they do) for one place; Esc last, as a way out.

    ``together``: both partners are here, so what belongs to one person is
    left out, and a key whose words change then says what it does then.
    """
    rows: list[tuple[str, str, bool]] = []
    seen: set[str] = set()
    for command in COMMANDS:
        keys = command.keys.get(place)
        if keys is None or keys in seen or (command.couple_only and not couple):
            continue
        if together and not command.while_together:
            continue
        seen.add(keys)  # one row per key: "a" shows all or fewer questions
        rows.append((key_display(keys), help_line(command, together=together), keys == "escape"))
    rows.sort(key=lambda row: row[2])
    return [(keys, line) for keys, line, _ in rows]


def help_markdown(*, couple: bool, together: bool = False) -> str:
    """The help screen, made from ``COMMANDS``."""
    parts = ["# Keys\n"]
    for place, title in PLACE_TITLES.items():
        parts.append(f"**{title}**\n")
        parts.append("| Key | What it does |\n|---|---|")
        parts.extend(f"| {keys} | {line} |" for keys, line in help_rows(place, couple=couple, together=together))
        parts.append("")
        if place in PLACE_NOTES:
            parts.append(PLACE_NOTES[place] + "\n")
    parts.append("Press Esc to close this help.\n")
    return "\n".join(parts)


PALETTE_ACTIONS: tuple[tuple[str, str, str], ...] = tuple(
    (c.palette, c.help, c.name) for c in COMMANDS if c.palette is not None
)
"""(title, help, app action) of every palette entry."""

TOGETHER_WORDS: dict[str, tuple[str, str, str]] = {
    "switch_space": (
        "Own journal",
        "One of us to our own journal",
        "Each to their own journal: reflect locks, then asks whose journal and that person's passphrase",
    ),
}
"""(footer label, palette title, help) of a key whose words change while both partners are here."""


class ReflectCommands(Provider):
    """reflect's own commands. They never show any journal text."""

    def _callback(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run

    def _available(self):
        """Only what can be done now: nothing private while locked, no switch for one space."""
        together = self.app.workspace.together
        for title, help_text, action in PALETTE_ACTIONS:
            if self.app.check_action(action, ()):
                if together and action in TOGETHER_WORDS:
                    _, title, help_text = TOGETHER_WORDS[action]
                yield title, help_text, action

    async def discover(self) -> Hits:
        for title, help_text, action in self._available():
            yield DiscoveryHit(title, self._callback(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._available():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._callback(action), help=help_text)
