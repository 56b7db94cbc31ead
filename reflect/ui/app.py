"""The reflect app: built from a workspace, so tests can hand it a temporary one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from time import monotonic

from textual import events, on, work
from textual.worker import Worker, get_current_worker
from textual.app import App, SystemCommand
from textual.content import Content
from rich.text import Text
from textual.screen import Screen

from reflect.usecases import wording as messages
from reflect.domain.display import shown
from reflect.domain.entries import Entry
from reflect.storage.errors import StoreError
from reflect.ui.commands import (
    ANYWHERE,
    NOT_TOGETHER,
    PRIVATE_ACTIONS,
    SAFETY_COMMANDS,
    TOGETHER_ONLY,
    ReflectCommands,
    bindings_for,
)
from reflect.ui.header_words import DEMO_NOTE, header_words
from reflect.ui.lock_state import Clock, LockState
from reflect.ui.screens.dialogs import ProblemScreen
from reflect.ui.screens.hidden import HiddenScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.preferences import PreferencesScreen
from reflect.ui.screens.setup import SetupScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.usecases.workspace import Workspace

# Textual's screenshot command writes an SVG of the screen (with whatever
# private text is on it) to the Downloads folder. reflect never offers it.
HIDDEN_SYSTEM_COMMANDS = frozenset({"Screenshot"})
IDLE_CHECK_SECONDS = 5.0
OLDER_UNREADABLE = (
    "reflect could not read your older reflections this time. Nothing was changed. "
    "`reflect check` verifies the data files."
)
"""Said when reading the older part of a space fails in a way no storage sentence covers."""
OLDER_STILL_OPENING = "Older reflections are still opening. This comes up as soon as they are in."
OLDER_LOCKED = "Your older reflections could not be read, so reflect locked."
NEVER_LOCKS_BY_ITSELF = (
    "reflect will not lock by itself: automatic locking is set to never in Preferences. "
    "If you did not choose that, choose a time there. Ctrl+L locks at any time."
)
"""Said before the storage's own sentence when that locks reflect after the first screen was shown."""
WORDS_ONLY_ON_SCREEN = (
    "Some unsaved words could not be kept on disk, so quitting now would lose them. "
    "Save them first if you can (Ctrl+S), or press Ctrl+Q again to quit without them."
)
"""Said at the first Ctrl+Q when words being written could not be kept as a draft (a full disk)."""
APP_STOPPED = (
    "reflect stopped because of a problem it did not expect ({kind}). Everything you saved "
    "is safe, and words you were typing are usually kept as a draft. "
    "`reflect check` verifies the data files."
)


def help_screen() -> Screen:
    """The help, made only when first asked for (as toad registers its screens)."""
    from reflect.ui.screens.help import HelpScreen

    return HelpScreen()


def resources_screen() -> Screen:
    """Crisis lines and where to find support, made only when first asked for."""
    from reflect.ui.screens.resources import ResourcesScreen

    return ResourcesScreen()


def _sentences(*parts: str) -> str:
    """Plain sentences said together, the empty ones left out."""
    return " ".join(part for part in parts if part)


MOVE_FOCUS = ("focus_next", "focus_previous")
"""Moving between the buttons of a screen: allowed on every curtain screen."""


class ReflectApp(App[None]):
    """A guided path through the article, and a private journal."""

    TITLE = "reflect"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ReflectCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = bindings_for(ANYWHERE)
    SCREENS = {"help": help_screen, "resources": resources_screen}
    """Screens that hold nothing private: made once, on first use, and kept."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        demo: bool = False,
        clock: Clock = monotonic,
        demo_passphrases: dict[str, str] | None = None,
        handle_signals: bool = False,
    ) -> None:
        """``clock`` (seconds, like ``time.monotonic``) times the idle lock and the pause.

        ``demo_passphrases`` (the couple demo) are shown on the lock screen, by name.
        ``handle_signals``: SIGTERM ends the app as Ctrl+Q does (the real app, not tests).
        """
        super().__init__()
        self.workspace = workspace
        self.demo = demo
        self.demo_passphrases = dict(demo_passphrases or {}) if demo else {}
        self.clock = clock
        self._theme_restored = False
        self.lock_state = LockState(clock)
        """The idle lock, the lock generation and quick hide."""
        self.last_deleted: Entry | None = None
        """The last reflection deleted in this session, so it can be restored."""
        self._run = secrets.token_hex(8)
        """Names this run of reflect: an undo kept at a lock is offered back only in it."""
        self._held_drafts: dict[str, dict[tuple, tuple]] = {}
        self._unkept_told_of: frozenset[str] = frozenset()
        """The words on screen a Ctrl+Q said it could not keep: the next Ctrl+Q quits without them."""
        self._handle_signals = handle_signals
        # Spaces open head first: the path and the newest reflections at once,
        # the older ones read in a worker (see read_older_reflections).
        workspace.open_head_first()
        # The day's backup of each space is taken on a worker too (see back_up_in_background).
        workspace.back_up_later()
        self._backup_worker: Worker | None = None
        self._older_worker: tuple[Worker | None, int] = (None, 0)
        """The worker reading older reflections, and the lock generation it began in."""
        self._waiting_for_older: tuple[int, Callable[[], None]] | None = None
        self._unsaid = ""
        """What a lock behind a quick hide found, said at the door once back (see lock_now)."""
        self._to_tell: dict[str, str] = {}
        """What locks found, by space, told to whoever next opens that space (see after_unlock)."""

    def on_mount(self) -> None:
        if self.workspace.settings.theme in self.available_themes:
            self.theme = self.workspace.settings.theme
        self._theme_restored = True
        self.lock_state.touch()
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        if self._handle_signals:
            self._end_when_told_to_stop()
        for path in self.workspace.packs.skipped:
            self.notify(
                messages.PACK_SKIPPED.format(path=path),
                title="Pack skipped",
                severity="warning",
                markup=False,
                timeout=12,
            )
        self.show_the_door()
        if not self.workspace.settings.first_run_acknowledged:
            from reflect.ui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(), self._acknowledged)

    @property
    def lock_generation(self) -> int:
        """Goes up at every lock: work begun before it must not count after it."""
        return self.lock_state.generation

    def show_the_door(self, door: str = "locked", *, problem: str = "") -> None:
        """Setup for a new folder; the lock for protected spaces; else straight in.

        ``problem``: a plain sentence saying why reflect locked, or what it
        found as it locked: shown on the lock screen (and what a lock found is
        told again once that space is open: see :meth:`_report_unavailable`)."""
        workspace = self.workspace
        if workspace.is_unlocked:
            self.after_unlock()
        elif not workspace.is_set_up and not self.demo:
            self.push_screen(SetupScreen())
        elif self.needs_passphrase:
            self.push_screen(UnlockScreen(door=door, problem=problem))
        else:
            # No passphrase to ask for: show the path at once and open the journal
            # behind it (a large journal takes a moment to read).
            from reflect.ui.screens.home import HomeScreen

            self.push_screen(HomeScreen())
            # After the first frame: reading a large journal holds the interpreter
            # lock, and the path should be on screen before that starts.
            self.call_after_refresh(self.open_unprotected_journal, self.lock_generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="unlock")
    def open_unprotected_journal(self, generation: int) -> None:
        """Read the journal in a thread; only the main thread makes it the open one."""
        try:
            opened = self.workspace.open_unprotected()
        except StoreError as error:
            self.call_from_thread(self.push_screen, ProblemScreen(error.user_message))
            return
        self.call_from_thread(self.journal_opened, generation, opened)

    def journal_opened(self, generation: int, opened) -> None:
        """The journal behind the path is ready: mark what has been explored."""
        from reflect.ui.screens.home import HomeScreen

        if not self.lock_state.is_current(generation):
            opened.discard()
            return
        self.workspace.adopt(opened)
        self._take_back_undo()
        self.update_space_title()
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_path()
        self._report_unavailable()
        self._resume_writing()
        self.read_older_reflections()

    @property
    def needs_passphrase(self) -> bool:
        return any(p.protected for p in self.workspace.household.profiles)

    @on(SetupScreen.Done)
    def setup_done(self, event: SetupScreen.Done) -> None:
        self.after_setup(event.profiles, event.solo_passphrase)

    def after_setup(self, profiles, solo_passphrase: str | None = None) -> None:
        """Setup is done. One person goes straight in; a couple chooses who is here."""
        self.reset_screens()
        if len(profiles) == 1 and solo_passphrase:
            try:
                self.workspace.unlock(profiles[0], solo_passphrase)
            except StoreError as error:
                self.notify(error.user_message, severity="error", markup=False)
        self.show_the_door(door="new")

    @on(UnlockScreen.Opened)
    def unlock_opened(self, event: UnlockScreen.Opened) -> None:
        self.finish_unlock(event.generation, event.opened)

    @on(UnlockScreen.Recovered)
    def recovered(self) -> None:
        """Opened with a recovery key, and the new passphrase is set."""
        self.after_unlock()

    @on(HiddenScreen.ComeBack)
    def come_back(self) -> None:
        self.come_back_from_hiding()

    @on(JournalScreen.Deleted)
    def remember_delete(self, event: JournalScreen.Deleted) -> None:
        self.last_deleted = event.entry

    @on(JournalScreen.Restored)
    def forget_delete(self) -> None:
        self.last_deleted = None

    @on(PreferencesScreen.SettingsChanged)
    def settings_changed(self) -> None:
        self.save_settings_quietly()

    @on(PreferencesScreen.AddPartner)
    def add_partner(self, event: PreferencesScreen.AddPartner) -> None:
        """Lock, hand the keyboard over behind a full screen, and let the partner set themselves up."""
        from reflect.ui.screens.add_partner import AddingPartner

        AddingPartner(self, event.passphrase).start()

    def finish_unlock(self, generation: int, opened) -> None:
        """Let the person in, unless reflect was locked or hidden while the key was derived.

        The worker only prepared ``opened``; it becomes the unlocked state here,
        on the main thread, so a late unlock can never replace what a lock did.
        """
        if not self.lock_state.is_current(generation):
            opened.discard()
            return
        self.workspace.adopt(opened)
        self.after_unlock()

    def after_unlock(self) -> None:
        from reflect.ui.screens.home import HomeScreen

        self._settle_sessions()
        self._take_back_undo()
        self.reset_screens()
        self.update_space_title()
        self.push_screen(HomeScreen())
        self._report_unavailable()
        self._resume_writing()
        self.read_older_reflections()

    # Spaces opened head first: the older reflections come in behind the first screen

    def read_older_reflections(self) -> None:
        """Read the older part of every space opened head first, in a worker, after the next frame.

        One worker reads them one by one (the space on screen first) and asks
        for the next when one is in, so a space opened later (the partner's,
        when both are here) joins the same queue. A lock starts a new
        generation: whatever the old worker still brings is dropped.
        """
        self.back_up_in_background()  # of the spaces already read whole
        worker, began = self._older_worker
        if worker is not None and worker.is_running and began == self.lock_generation:
            return  # the running worker picks up every space still waiting
        if not self.workspace.older_to_read():
            return
        generation = self.lock_generation

        def start() -> None:
            if self.lock_state.is_current(generation) and self.workspace.older_to_read():
                self._older_worker = (self._read_older(generation), generation)

        self.call_after_refresh(start)

    @work(thread=True, exclusive=True, exit_on_error=False, group="older")
    def _read_older(self, generation: int) -> None:
        """Read older reflections in a thread; only the main thread takes them in (or drops them)."""
        worker = get_current_worker()
        tried: set = set()  # each space once: one that will not take its part is not read again
        try:
            while not worker.is_cancelled:
                older = self.call_from_thread(self._next_older, generation, tried)
                if older is None:
                    return
                tried.add(older)
                try:
                    part = older.read()
                except StoreError as error:
                    self.call_from_thread(self._older_failed, generation, older, error.user_message)
                except Exception:  # a surprise is said plainly too, never as a traceback
                    self.call_from_thread(self._older_failed, generation, older, OLDER_UNREADABLE)
                else:
                    self.call_from_thread(self._older_read, generation, older, part)
                    del part
        except RuntimeError:
            return  # reflect is closing: nothing more to hand over

    def _next_older(self, generation: int, tried: set):
        """The next space whose older part is waiting and not ``tried``, or None (nothing left, or locked)."""
        if not self.lock_state.is_current(generation):
            return None
        older = next((older for older in self.workspace.older_to_read() if older not in tried), None)
        if older is None:
            self._older_worker = (None, 0)  # done: a space opened from now on starts a new worker
        return older

    def _older_read(self, generation: int, older, part) -> None:
        """Older reflections of one space are in: take them, and refresh the screens that showed part."""
        if not self.lock_state.is_current(generation) or not self.workspace.take_older(older, part):
            return  # locked, hidden or someone else unlocked meanwhile: dropped
        for screen in self.screen_stack:
            refresh = getattr(screen, "older_reflections_in", None)
            if refresh is not None:
                refresh()
        self._run_waiting_for_older()
        self.back_up_in_background()

    # The day's backup, its slow parts on a worker (usecases/day_backup.py)

    def back_up_in_background(self) -> None:
        """Take the day's backup of each space read whole, its slow parts in a worker.

        Saves go on meanwhile: a snapshot folded while one was made is dropped
        (see ``DayBackup``), never written over it. A backup that cannot be
        taken is not said, as at any opening; the next opening tries again.
        """
        running = self._backup_worker is not None and not self._backup_worker.is_finished
        if running or not self.workspace.day_backups():
            return  # a running worker asks for every backup still due before it ends
        self._backup_worker = self._take_day_backups(self.lock_generation)

    @work(thread=True, exit_on_error=False, group="backup")
    def _take_day_backups(self, generation: int) -> None:
        tried: set = set()
        try:
            while True:
                job = self.call_from_thread(self._next_backup, generation, tried)
                if job is None:
                    return
                try:
                    job.write()
                    if self.call_from_thread(job.swap_in):
                        job.copy()
                        self.call_from_thread(job.done)
                except (OSError, StoreError):
                    pass  # not said, as at any opening: tried again on the next one
                finally:
                    job.drop()
        except RuntimeError:
            return  # reflect is closing

    def _next_backup(self, generation: int, tried: set):
        """The next day's backup to take (its first step taken here), or None: the worker ends."""
        if self.lock_state.is_current(generation):
            for job in self.workspace.day_backups():
                if job.path not in tried:
                    tried.add(job.path)
                    if job.begin():
                        return job
        else:
            self.call_later(self.back_up_in_background)  # locked meanwhile: whoever is in now gets a new worker
        self._backup_worker = None
        return None

    def _older_failed(self, generation: int, older, problem: str) -> None:
        """The older part of a space could not be read: say so plainly; nothing is written over."""
        from reflect.ui.screens.home import HomeScreen
        from reflect.usecases.session import OlderFailed

        if not self.lock_state.is_current(generation):
            return
        outcome = self.workspace.older_failed(older)
        if outcome == OlderFailed.IGNORED:
            return
        if outcome == OlderFailed.CLOSE:
            # The shared space is closed, as an unlock that found it damaged leaves
            # it; words being written are kept first, and screens start again from
            # the path of the person's own journal.
            self.keep_drafts(resume=True)
            self.workspace.close_unreadable(older, problem)
            self.reset_screens()
            self.update_space_title()
            self.push_screen(HomeScreen())
            self._resume_writing()
            self.notify(
                f"The {self.workspace.space_label(older.space)} could not be opened. {problem}",
                severity="error",
                timeout=15,
            )
            self._run_waiting_for_older()
            return
        if self.needs_passphrase:
            self.lock_now(problem=f"{OLDER_LOCKED} {problem}")
            return
        # No passphrase to ask for: the journal cannot be shown whole, and opening
        # it again would only find the same thing. Words being written are kept first.
        self.lock_state.lock()
        self.keep_drafts(resume=False)
        self.workspace.lock()
        self.reset_screens()
        self.update_space_title()
        self.push_screen(ProblemScreen(problem))

    def waits_for_older(self, again: Callable[[], None], *, quietly: bool = False) -> bool:
        """True if older reflections are still opening: ``again()`` then runs once they are in.

        For the screens that gather a whole space (a session prep, an export, an
        import): they never start from part of it, and never freeze the screen
        waiting for the rest. ``again`` is the action itself, so it checks
        everything anew; a lock in between drops it. ``quietly``: the caller says
        so itself (nothing is notified).
        """
        if self.workspace.complete:
            return False
        self._waiting_for_older = (self.lock_generation, again)
        if not quietly:
            self.notify(OLDER_STILL_OPENING, timeout=5)
        return True

    def _run_waiting_for_older(self) -> None:
        waiting, self._waiting_for_older = self._waiting_for_older, None
        if waiting is None:
            return
        generation, then = waiting
        if not self.lock_state.is_current(generation):
            return
        if not self.workspace.complete:
            self._waiting_for_older = waiting
            return
        then()

    def _report_unavailable(self) -> None:
        self._tell_notice()
        self._tell_if_never_locks()
        for space in [space for space in self._to_tell if space in self.workspace.open_spaces]:
            self.notify(self._to_tell.pop(space), severity="warning", markup=False, timeout=30)
        for space, problem in self.workspace.unavailable.items():
            self.notify(
                f"The {self.workspace.space_label(space)} could not be opened. {problem}",
                severity="error",
                markup=False,
                timeout=15,
            )

    def _tell_if_never_locks(self) -> None:
        """Say so at every unlock when reflect will not lock by itself: the setting
        lives in a plain file anyone with the folder could have changed, and a
        person who leaves the screen counting on it should know."""
        if self.workspace.settings.idle_lock_minutes == 0 and self.needs_passphrase:
            self.notify(NEVER_LOCKS_BY_ITSELF, timeout=10, markup=False)

    def _tell_notice(self) -> None:
        """What the person who just unlocked must know (a space reflect cannot vouch for), once."""
        generation = self.lock_generation

        def tell() -> None:  # after the screens the unlock opens, so that it is on top of them
            from reflect.ui.screens.notice import NoticeScreen

            if not self.lock_state.is_current(generation) or not self.workspace.is_unlocked:
                return
            notice = self.workspace.session.take_notice()
            if notice:
                self.push_screen(NoticeScreen(notice))

        self.call_after_refresh(tell)

    def _resume_writing(self) -> None:
        """Reopen the writing this person left when reflect locked, each in its own space."""
        from reflect.ui.screens.write import WriteScreen

        person = self.workspace.current
        if self.workspace.together:
            return  # private writing comes back when its writer is alone again
        held = self._held_drafts.pop(person.id if person else "", {})
        for (space, _, _), (prompt, entry, text) in held.items():
            if space in self.workspace.open_spaces:
                self.push_screen(WriteScreen(prompt=prompt, entry=entry, held_text=text, space=space))

    def reset_screens(self) -> None:
        """Drop every screen above the empty base, and with them any text they held."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def update_space_title(self) -> None:
        self.sub_title = self.space_caption

    @property
    def demo_note(self) -> str:
        """For the lock screen of the couple demo: each sample person's passphrase."""
        if not self.demo_passphrases:
            return ""
        said = ", and ".join(
            f"{name}'s passphrase is \u201c{passphrase}\u201d" for name, passphrase in self.demo_passphrases.items()
        )
        return f"This is the demo, with invented people. {said}. Nothing here is kept."

    @property
    def space_caption(self) -> str:
        """Whose space is open, for every header: people always see where they write."""
        workspace = self.workspace
        if workspace.current is None:
            return "locked"
        caption = workspace.space_label()  # shown safely by format_title, like every header
        if workspace.together:
            first, second = workspace.people_here
            caption = f"{caption} · {first.name} and {second.name}, together"
        return f"demo · {caption}{DEMO_NOTE}" if self.demo else caption

    def _acknowledged(self, understood: bool | None) -> None:
        if understood and not self.demo:
            self.workspace.settings.first_run_acknowledged = True
            self.save_settings_quietly()

    def save_settings_quietly(self) -> None:
        """Settings are a convenience: failing to save them is said, not fatal."""
        try:
            self.workspace.save_settings()
        except (OSError, StoreError):
            self.notify("Your preferences could not be saved this time.", severity="warning")

    def watch_theme(self, theme: str) -> None:
        if self._theme_restored and self.workspace.settings.theme != theme:
            self.workspace.settings.theme = theme
            self.save_settings_quietly()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in HIDDEN_SYSTEM_COMMANDS:
                yield command

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.lock_state.touch()
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # A clipboard can hold terminal escapes (a web page can put them there):
            # what lands in a field is what the field can show.
            event.text = shown(event.text)
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock when nobody has touched reflect for the chosen quiet while (checked every few seconds)."""
        if self.lock_state.idle_lock_due(
            minutes=self.workspace.settings.idle_lock_minutes,
            unlocked=self.workspace.is_unlocked,
            protected=self.needs_passphrase,
        ):
            self.lock_now()
            self.notify("reflect locked itself after a quiet while.", timeout=6)

    @property
    def screen_in_use(self) -> Screen:
        """The screen people are at: under the command palette, the one it was opened over."""
        from textual.command import CommandPalette

        for screen in reversed(self.screen_stack):
            if not isinstance(screen, CommandPalette):
                return screen
        return self.screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, HiddenScreen):
            return False  # the neutral screen answers nothing but Enter
        if getattr(self.screen_in_use, "ONLY_SAFETY_KEYS", False) and action not in SAFETY_COMMANDS:
            # A curtain: nobody's words, and no way around it but the safety keys.
            # Tab and Shift+Tab stay, so a keyboard reaches every button on the
            # screen (without them only a mouse could keep an answer).
            return action in MOVE_FOCUS
        workspace = self.workspace
        if workspace.together and action in NOT_TOGETHER:
            return False  # both are here: nothing that belongs to one of them
        if action in TOGETHER_ONLY:
            return workspace.together
        if action == "together":
            shared = workspace.household.shared_space
            return (
                workspace.is_unlocked
                and not workspace.together
                and shared is not None
                and shared in workspace.session.stores
            )
        if action == "switch_space":
            # Only a couple has a shared space; from it, F6 asks whose journal.
            workspace = self.workspace
            shared = workspace.household.shared_space
            return workspace.is_unlocked and shared is not None and (
                workspace.active_space == shared or shared in workspace.open_spaces
            )
        if action == "lock":
            return self.workspace.is_unlocked and self.needs_passphrase
        if action == "switch_person":
            return self.workspace.is_unlocked and self.workspace.household.is_couple
        if action == "session_prep":
            # Only from the person's own private journal: whoever holds the keyboard
            # in the shared space may not be the person who unlocked.
            workspace = self.workspace
            person = workspace.current
            return workspace.is_unlocked and person is not None and workspace.active_space == person.space
        if action in PRIVATE_ACTIONS:
            return self.workspace.is_unlocked
        return True

    def _end_when_told_to_stop(self) -> None:
        """The system asking reflect to stop (SIGTERM: a shutdown, ``kill``) ends it
        as Ctrl+Q does, with the words being written kept first
        (:meth:`told_to_stop`); Python's own handling ended the process at once,
        losing the words typed since the last pause and leaving the demo's
        throw-away folder behind.

        Not the terminal closing (SIGHUP): Textual's output thread then dies on
        the terminal that is gone, and an ending that waits for it can hang
        for good, holding the data folder; Python's own ending stays."""
        import asyncio
        import signal

        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.told_to_stop)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not on this system: Python's own ending, as before

    def told_to_stop(self) -> None:
        """Keep the words being written as drafts, then end (nobody is there to ask)."""
        if self.workspace.is_unlocked:
            self.keep_drafts(resume=False, hold=False)
        self.exit()

    async def action_quit(self) -> None:
        """Quit (Ctrl+Q, q, the palette's Quit), keeping first any words not yet
        saved as drafts.

        A draft is kept at every pause in typing; Ctrl+Q straight after the
        last words comes before that pause, and quitting used to leave those
        words behind. Words on screen that cannot be kept on disk (a full
        disk) stop a Ctrl+Q once (they are still on screen, and it says so);
        the next Ctrl+Q with no new such words quits.
        """
        unkept = self.keep_drafts(resume=False, hold=False) if self.workspace.is_unlocked else frozenset()
        if unkept - self._unkept_told_of:
            self._unkept_told_of = unkept
            self.notify(WORDS_ONLY_ON_SCREEN, severity="warning", markup=False, timeout=10)
            return
        self.exit()

    def keep_drafts(self, *, resume: bool, hold: bool = True) -> frozenset[str]:
        """Keep any words not yet saved as drafts, each inside its own space.

        When a draft cannot be written (a full disk), its words are held in
        memory for the same person only, and given back when they unlock.
        They are never shown to anyone else, and never dropped. With
        ``resume`` (locking), the writing screens also come back after unlock.
        Without ``hold`` (quitting: memory is about to go) nothing is held.
        Returns the words on screen that could not be kept on disk.
        """
        from reflect.ui.screens.write import WriteScreen

        person = self.workspace.current
        if person is None:
            return frozenset()
        unkept = set()
        for screen in self.screen_stack:
            keep_answer = getattr(screen, "keep_draft_quietly", None)
            if keep_answer is not None and not isinstance(screen, WriteScreen):
                text = screen.unsaved_text
                if not keep_answer():  # a couple session's answer: kept in its writer's own journal
                    unkept.add(text)
        for screen in self.screen_stack:
            if not isinstance(screen, WriteScreen) or screen.unsaved_text is None:
                continue
            # Held for whoever wrote them (both here: the one who said so), never for the other.
            held = self._held_drafts.setdefault(screen.writer or person.id, {})
            key = (screen.space, screen.prompt.id if screen.prompt else "", screen.entry.id if screen.entry else "")
            if not screen.keep_draft_quietly():
                unkept.add(screen.unsaved_text)
                if hold:
                    held[key] = (screen.prompt, screen.entry, screen.unsaved_text)
            elif resume:
                held[key] = (screen.prompt, screen.entry, None)
        return frozenset(unkept)

    def lock_now(self, *, hide: bool = False, door: str = "locked", problem: str = "") -> None:
        """Drop the keys and every screen that showed private text.

        ``door`` says what the unlock screen asks (see ``UnlockScreen``);
        ``problem``, a plain sentence it shows, says why reflect locked.
        """
        self.lock_state.lock(hide=hide)
        if self.workspace.is_unlocked:
            self.keep_drafts(resume=True)
            self._keep_undo()
        # A file removed or replaced while it was open is said at the door (after a hide, once back),
        # and again to whoever next opens that space: the next person at the door may be the one who did it.
        problem = _sentences(problem, *self.workspace.lock())
        self._to_tell.update(self.workspace.session.found_at_lock)
        self._waiting_for_older = None
        self.last_deleted = None
        self._clipboard = ""  # a copy must not cross to the next person who unlocks
        self._unkept_told_of = frozenset()  # nor words a Ctrl+Q could not keep
        self.clear_notifications()
        self.reset_screens()
        self.update_space_title()
        if hide:
            self._unsaid = _sentences(self._unsaid, problem)
            self.push_screen(HiddenScreen())
        else:
            self.show_the_door(door, problem=problem)

    def _keep_undo(self) -> None:
        """Keep the last delete undoable across this lock, in the person's own space."""
        from reflect.usecases.undo_keeping import keep_for_undo

        entry, person = self.last_deleted, self.workspace.current
        if entry is None or person is None or person.space not in self.workspace.open_spaces:
            return
        try:
            keep_for_undo(self.workspace.store(person.space), entry, run=self._run, person=person.id)
        except (StoreError, OSError):
            pass  # the reflection stays deleted; only the undo is lost, as before

    def _take_back_undo(self) -> None:
        """After an unlock: the undo this person had before the lock, if any."""
        from reflect.usecases.undo_keeping import take_back_for_undo

        person = self.workspace.current
        if person is None or person.space not in self.workspace.open_spaces:
            return
        try:
            kept = take_back_for_undo(self.workspace.store(person.space), run=self._run, person=person.id)
        except (StoreError, OSError):
            return  # still in the file: offered again at the next unlock
        if kept is not None:
            self.last_deleted = kept

    def action_lock(self) -> None:
        self.lock_now()

    # Both of us at the screen

    def _settle_sessions(self) -> None:
        """Answers of sessions that ended (or were kept) while their writer was away come home."""
        from reflect.usecases import couple_sessions

        try:
            couple_sessions.settle(self.workspace)
        except (StoreError, OSError):
            pass  # still pending in the writer's own space: settled at a later unlock

    def action_together(self) -> None:
        """One partner is in: the other unlocks too, behind a curtain, and only the shared space stays."""
        from reflect.ui.screens.curtain import CurtainScreen
        from reflect.ui.screens.home import HomeScreen
        from reflect.ui.screens.together import PassphraseTurnScreen

        if not self.check_action("together", ()):
            return
        workspace = self.workspace
        person = workspace.current
        partner = workspace.household.partner_of(person) if person else None
        if person is None or partner is None:
            return
        # Nothing private stays behind the curtain: words kept, screens closed, the shared space open.
        self.keep_drafts(resume=False)
        self._keep_undo()  # a private delete stays undoable for its writer, after this
        self.reset_screens()
        self.last_deleted = None
        workspace.switch_space(workspace.household.shared_space)
        self.update_space_title()
        self.push_screen(HomeScreen())
        generation = self.lock_generation

        # Once this curtain is down the keyboard may have changed hands, and nobody
        # at it is known: stepping back (Esc here, or at the partner's passphrase)
        # locks, as "Both of us" at the lock screen does. It never hands
        # the first person's unlocked session to whoever holds the keyboard.
        def stepped_back() -> None:
            if self.lock_state.is_current(generation) and self.workspace.is_unlocked:
                self.lock_now()

        def partner_typed(opened) -> None:
            if opened is None:
                stepped_back()
                return
            if not self.lock_state.is_current(generation) or self.workspace.current is None:
                opened.discard()
                return
            self.enter_together(None, opened)

        def lifted(ready: bool | None) -> None:
            if not ready:
                stepped_back()
            elif self.lock_state.is_current(generation):
                self.push_screen(PassphraseTurnScreen(partner), partner_typed)

        self.push_screen(
            CurtainScreen(
                partner.name,
                person.name,
                note=f"Next: {partner.name}'s passphrase, so you are both here. Stepping back locks reflect.",
            ),
            lifted,
        )

    def together_at_the_door(self) -> None:
        """At the lock screen, "Both of us": each types their passphrase in turn, behind a curtain."""
        from reflect.ui.screens.curtain import CurtainScreen
        from reflect.ui.screens.together import PassphraseTurnScreen

        household = self.workspace.household
        if not household.is_couple or self.workspace.is_unlocked:
            return
        first, second = household.profiles[0], household.profiles[1]
        generation = self.lock_state.begin_attempt()
        opened_first: list = []

        def still_wanted(opened) -> bool:
            if opened is not None and self.lock_state.is_current(generation) and not self.workspace.is_unlocked:
                return True
            for spaces in [*opened_first, opened]:
                if spaces is not None:
                    spaces.discard()
            opened_first.clear()
            return False

        def second_typed(opened) -> None:
            if still_wanted(opened):
                self.enter_together(opened_first.pop(), opened)

        def second_ready(ready: bool | None) -> None:
            if ready and self.lock_state.is_current(generation):
                self.push_screen(PassphraseTurnScreen(second), second_typed)
            else:
                still_wanted(None)

        def first_typed(opened) -> None:
            nonlocal first, second
            if still_wanted(opened):
                # From here on, the names the shared space vouches for, not profiles.json's.
                first, second = opened.as_vouched(first), opened.as_vouched(second)
                opened_first.append(opened)
                self.push_screen(
                    CurtainScreen(second.name, first.name, note=f"Next: {second.name}'s passphrase."), second_ready
                )

        def first_ready(ready: bool | None) -> None:
            if ready and self.lock_state.is_current(generation):
                self.push_screen(PassphraseTurnScreen(first), first_typed)

        self.push_screen(
            CurtainScreen(first.name, second.name, note=f"Next: {first.name}'s passphrase, then {second.name}'s."),
            first_ready,
        )

    def enter_together(self, first, second) -> None:
        """Both have typed their passphrase: only the shared space and the couple screens from now.

        ``first`` is None when one partner was already unlocked.
        """
        from reflect.ui.screens.home import HomeScreen
        from reflect.usecases.session import NotUnlocked

        if first is not None:
            self.workspace.adopt(first)
        try:
            self.workspace.join(second)
        except NotUnlocked:
            self.notify("reflect could not open the shared space for both of you.", severity="error")
            if first is not None:
                self.lock_now()
            return
        self.last_deleted = None
        self.clear_notifications()
        self._settle_sessions()
        self.reset_screens()
        self.update_space_title()
        self.push_screen(HomeScreen())
        self._tell_notice()
        self._tell_if_never_locks()
        self.read_older_reflections()
        first_name, second_name = (p.name for p in self.workspace.people_here)
        self.notify(
            f"{first_name} and {second_name}, you are both here. Only the shared space is open.",
            markup=False,
            timeout=6,
        )

    def action_leave_together(self) -> None:
        """Leaving together locks: each opens their own journal again with their own passphrase."""
        if self.workspace.together:
            self.lock_now()

    def action_couple_sessions(self) -> None:
        from reflect.ui.screens.couple import SessionsScreen

        if self.check_action("couple_sessions", ()) and not isinstance(self.screen, SessionsScreen):
            self.push_screen(SessionsScreen())

    def action_switch_person(self) -> None:
        """Switching person locks: the other partner unlocks with their own passphrase."""
        self.lock_now()

    def action_quick_hide(self) -> None:
        if not isinstance(self.screen, HiddenScreen):
            self.lock_now(hide=True)

    def come_back_from_hiding(self) -> None:
        self.lock_state.come_back()
        found = self.workspace.lock()  # whatever finished behind the hide stays locked
        self._to_tell.update(self.workspace.session.found_at_lock)
        unsaid, self._unsaid = _sentences(self._unsaid, *found), ""
        self.reset_screens()
        self.show_the_door(problem=unsaid)

    def action_switch_space(self) -> None:
        """From a private journal to the shared space; from the shared space, a door.

        Whoever holds the keyboard in the shared space may not be the person
        who unlocked: going into a private journal locks everything, asks whose
        journal it is, and wants that person's passphrase.
        """
        from reflect.ui.screens.home import HomeScreen

        shared = self.workspace.household.shared_space
        if not self.check_action("switch_space", ()) or shared is None:
            return
        if self.workspace.active_space == shared:
            self.lock_now(door="private")
            return
        self.keep_drafts(resume=False)
        self.workspace.switch_space(shared)
        self.update_space_title()
        self.reset_screens()
        self.push_screen(HomeScreen())
        self.notify(f"Now in {self.workspace.space_label()}.", markup=False, timeout=4)

    def _handle_exception(self, error: Exception) -> None:
        """Never print a traceback: its local variables could hold someone's writing.

        Textual's own handler prints a traceback with locals after the app
        exits. reflect prints one plain sentence instead (REFLECT_DEBUG=1
        keeps Textual's behaviour for developers).
        """
        if os.environ.get("REFLECT_DEBUG"):
            super()._handle_exception(error)
            return
        self._return_code = 1
        if self._exception is None:  # lets Pilot tests re-raise it
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.append(Text(APP_STOPPED.format(kind=type(error).__name__)))
        self._close_messages_no_wait()

    def on_resize(self) -> None:
        # A header's words are chosen for the width (``header_words``); Textual
        # writes them only when a title changes, so choose again at the new width.
        self.call_after_refresh(self._refit_headers)

    def _refit_headers(self) -> None:
        from textual.widgets import Header
        from textual.widgets._header import HeaderTitle

        for header in self.screen.query(Header):
            for title in header.query(HeaderTitle):
                title.update(header.format_title())

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every header is shown safely too: a sub-title may name a person or a step.

        On a narrow screen the least needed words go first, whole (``header_words``).
        """
        title, sub_title = header_words(shown(title), shown(sub_title), self.size.width)
        if not title:
            return Content(sub_title).stylize("dim")
        return super().format_title(title, sub_title)

    def notify(self, message: str, *, title: str = "", **options) -> None:
        """Every notification is shown safely: it may carry a name, a tag or a path.

        Literal by default (Textual's own default is markup), so no call site can
        forget it; a notification that wants markup says ``markup=True``.
        """
        options.setdefault("markup", False)
        super().notify(shown(message), title=shown(title), **options)

    def copy_to_clipboard(self, text: str) -> None:
        """Copies stay inside reflect and are forgotten at lock.

        Textual would also hand them to the terminal's clipboard (OSC 52),
        where they would outlive the lock and reach the next person.
        """
        self._clipboard = text

    def action_preferences(self) -> None:
        if not isinstance(self.screen, PreferencesScreen):
            self.push_screen(PreferencesScreen())

    def action_help(self) -> None:
        if self.screen is not self.get_screen("help"):
            self.push_screen("help")

    def action_pause(self) -> None:
        from reflect.ui.screens.pause import PauseScreen

        if not isinstance(self.screen, PauseScreen):
            self.push_screen(PauseScreen(clock=self.clock))

    def action_resources(self) -> None:
        if self.screen is not self.get_screen("resources"):
            self.push_screen("resources")

    def ask_who_is_writing(self, then, *, cancelled=None, changing: bool = False) -> None:
        """Both here and in the shared space: ask which of the two is writing, then ``then()``.

        What is written there is saved under that person's name, and only
        they change it later; reflect never guesses. One person alone, or a
        private journal: ``then()`` at once.
        """
        from reflect.ui.screens.couple import PickPersonScreen

        workspace = self.workspace
        if not workspace.together or workspace.active_space != workspace.household.shared_space:
            then()
            return
        generation = self.lock_generation

        def chosen(person: str | None) -> None:
            if person is None or not self.lock_state.is_current(generation) or not workspace.together:
                if cancelled is not None:
                    cancelled()
                return
            workspace.writing_as(person)
            then()

        self.push_screen(
            PickPersonScreen(
                messages.WHO_IS_CHANGING if changing else messages.WHO_IS_WRITING,
                messages.WHO_IS_CHANGING_DETAIL if changing else messages.WHO_IS_WRITING_DETAIL,
                [(p.id, p.name) for p in workspace.people_here],
            ),
            chosen,
        )

    def action_checkin(self) -> None:
        from textual.screen import ModalScreen

        from reflect.ui.screens.checkin import CheckInScreen

        # Not over another dialog (the first-run notice, a question, a pause).
        if not isinstance(self.screen, ModalScreen):
            self.ask_who_is_writing(lambda: self.push_screen(CheckInScreen()))

    def action_trend(self) -> None:
        from textual.screen import ModalScreen

        from reflect.ui.screens.trend import TrendScreen

        if not isinstance(self.screen, (ModalScreen, TrendScreen)):
            self.push_screen(TrendScreen())

    def action_journal(self) -> None:
        if not isinstance(self.screen, JournalScreen):
            self.push_screen(JournalScreen())

    def action_free_write(self) -> None:
        from reflect.ui.screens.write import WriteScreen

        self.push_screen(WriteScreen())

    def action_home(self) -> None:
        from reflect.ui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_session_prep(self) -> None:
        """Gather what to bring to a therapy session."""
        from textual.screen import ModalScreen

        from reflect.ui.screens.prep import PrepPreviewScreen, PrepScreen

        if not self.check_action("session_prep", ()):
            return
        if not isinstance(self.screen, (ModalScreen, PrepScreen, PrepPreviewScreen)):
            if not self.waits_for_older(self.action_session_prep):
                self.push_screen(PrepScreen())

    def action_ladder(self) -> None:
        """The touch ladder: its steps, and where it is now."""
        from textual.screen import ModalScreen

        from reflect.ui.screens.ladder import LadderScreen

        if not isinstance(self.screen, (ModalScreen, LadderScreen)):
            self.push_screen(LadderScreen())

    def action_sentence_builder(self) -> None:
        """The sentence builder: say what is hard, in one sentence."""
        from textual.screen import ModalScreen

        from reflect.ui.screens.sentence import SentenceScreen

        if not isinstance(self.screen, (ModalScreen, SentenceScreen)):
            self.push_screen(SentenceScreen())

    def action_export_space(self) -> None:
        """Save a copy of the open space: Markdown, JSON or CSV."""
        from textual.screen import ModalScreen

        from reflect.ui.screens.transfer import ExportSpaceScreen

        if not isinstance(self.screen, ModalScreen):
            if not self.waits_for_older(self.action_export_space):
                self.push_screen(ExportSpaceScreen())

    def action_import_journal(self) -> None:
        """Bring in a reflect export, or a journal from jrnl or Day One."""
        from textual.screen import ModalScreen

        from reflect.ui.screens.transfer import ImportScreen

        if not isinstance(self.screen, ModalScreen):
            if not self.waits_for_older(self.action_import_journal):
                self.push_screen(ImportScreen())
