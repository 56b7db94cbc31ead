"""The trend: each day's check-ins, a smoothed line through them, and plain words beside.

The words always come first in meaning: ups and downs are normal, and the
question is whether, over time, there are more moments of connection and
fewer of distance. When the line has been falling for weeks, or level with
no more connection than distance, they say so gently and point to the
Resources screen. Nothing here predicts a
date, scores a person or counts days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, Static

from reflect.usecases.checkins import UNREADABLE_TABLE, checkins_to_csv, read_checkins
from reflect.domain.checkins import (
    CheckIn,
    checked_in_by,
    TrendPoint,
    direction,
    latest_smoothed_balance,
    trend,
    trend_words,
)
from reflect.usecases.exports import (
    default_export_name,
    exports_dir,
    name_for_file,
    write_export,
)
from reflect.domain.display import shown
from reflect.storage.errors import StoreError
from reflect.usecases.journal import Journal
from reflect.usecases.trend_picture import trend_svg
from reflect.usecases.wording import NOT_ENCRYPTED_WORDS
from reflect.ui.widgets.trend_chart import TrendChart
from reflect.ui.widgets.safety_footer import SafetyFooter
from reflect.ui.commands import TREND, bindings_for
from reflect.ui.screens.saving import SavesToFile

if TYPE_CHECKING:
    from reflect.ui.app import ReflectApp

# Below this width the words go under the chart instead of beside it.
NARROW_WIDTH = 100



@dataclass(frozen=True)
class TimeSpan:
    """How far back the chart looks; ``days`` is None for everything."""

    label: str
    days: int | None


TIME_SPANS = (
    TimeSpan("everything", None),
    TimeSpan("the last year", 365),
    TimeSpan("the last three months", 91),
)

LEGEND = Content.from_markup(
    "[$text-primary]━━[/] moments of connection   "
    "[$text-warning]━━[/] moments of distance   "
    "[on $primary 22%]  [/][on $warning 22%]  [/] the ordinary swing   "
    "[$foreground 55%]· each day[/]"
)


def describe_dates(points: list[TrendPoint]) -> str:
    """Which dates the chart covers, in words."""
    if not points:
        return ""
    first, last = points[0].date, points[-1].date
    if first == last:
        return f"{first:%A} {first.day} {first:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


class TrendScreen(Screen[None]):
    """The chart of check-ins with its words, and ways to save both."""

    if TYPE_CHECKING:  # a type checker sees reflect's app; at run time, any host app will do
        app = getters.app(ReflectApp)

    CSS_PATH = "trend.tcss"
    BINDINGS = bindings_for(TREND)

    chart = getters.query_one("#chart", TrendChart)

    def __init__(self) -> None:
        super().__init__()
        self.span_index = 0
        self.whose: str | None = None
        """In the shared space, whose check-ins are shown: a profile id, or None for both of you."""
        self._points: list[TrendPoint] = []
        self._checkins: list[CheckIn] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("More moments of connection, fewer of distance", classes="screen-title")
        with Horizontal(id="trend-body"):
            with Vertical(id="chart-pane"):
                yield Static(LEGEND, id="legend")
                yield TrendChart(id="chart")
                yield Static("", id="dates", classes="muted")
            with VerticalScroll(id="words-pane"):
                yield Static("", id="words")
                yield Static("", id="problems", classes="muted")
        yield SafetyFooter()

    def checkin_store(self) -> Journal:
        """The space whose check-ins are shown: the one place that decides it."""
        return self.app.workspace.journal

    def on_mount(self) -> None:
        self.sub_title = "check-ins"
        self.refresh_trend()

    def on_screen_resume(self) -> None:
        self.refresh_trend()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "narrow")

    @property
    def span(self) -> TimeSpan:
        """How far back the chart is looking now."""
        return TIME_SPANS[self.span_index]

    def refresh_trend(self) -> None:
        """Read the check-ins again and redraw the chart and its words."""
        try:
            checkins, problems = read_checkins(self.checkin_store())
        except StoreError as error:
            self.notify(error.user_message, severity="error", markup=False, timeout=10)
            checkins, problems = [], []
        now = self.app.workspace.now()
        if not self.in_shared_space:
            self.whose = None
        checkins = checked_in_by(checkins, self.whose)
        self._checkins = checkins
        all_points = trend(checkins, tz=now.tzinfo)
        heading = direction(all_points, today=now.date())
        self._points = self._in_span(all_points, now.date())
        self.chart.points = tuple(self._points)
        balance = latest_smoothed_balance(all_points, today=now.date())
        self.query_one("#words", Static).update(Content(trend_words(heading, recent_balance=balance)))
        self.query_one("#dates", Static).update(self._dates_words())
        self.query_one("#problems", Static).update(Content(self._problem_words(problems)))

    @staticmethod
    def _problem_words(problems: list[str]) -> str:
        if problems == [UNREADABLE_TABLE]:
            return f"{UNREADABLE_TABLE} They are still in the data file, unchanged."
        if problems:
            return (
                f"Some saved check-ins ({len(problems)}) could not be read and are left out. "
                "They are still in the data file, unchanged."
            )
        return ""

    def _in_span(self, points: list[TrendPoint], today: date) -> list[TrendPoint]:
        if self.span.days is None:
            return points
        since = today - timedelta(days=self.span.days)
        return [p for p in points if p.date > since]

    def _dates_words(self) -> Content:
        whose = f"{self.whose_words()}. " if self.in_shared_space else ""
        if self._points:
            words = f"{whose}Showing {self.span.label}: {describe_dates(self._points)}. Press t to change."
        elif self._checkins:
            words = f"{whose}No check-ins in {self.span.label}. Press t to see more."
        elif self.whose is not None:
            words = f"{whose}No check-ins from {self.whose_name()} yet. Press w to see both of you."
        else:
            words = ""
        if self.in_shared_space and words:
            words += " Press w for whose check-ins."
        return Content(shown(words))

    @property
    def in_shared_space(self) -> bool:
        workspace = self.app.workspace
        shared = workspace.household.shared_space
        return shared is not None and workspace.active_space == shared

    def whose_name(self) -> str:
        return self.app.workspace.name_of(self.whose) if self.whose else ""

    def whose_words(self) -> str:
        """Whose check-ins the chart shows, in words (the shared space only)."""
        if self.whose is None:
            return "Both of you together"
        return f"{self.whose_name()}'s check-ins"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_whose":
            return self.in_shared_space
        return True

    def action_cycle_whose(self) -> None:
        """In the shared space: both of you together, then each of you on your own."""
        if not self.in_shared_space:
            return
        people = [None, *(p.id for p in self.app.workspace.household.profiles)]
        self.whose = people[(people.index(self.whose) + 1) % len(people)] if self.whose in people else None
        self.refresh_trend()

    def action_cycle_span(self) -> None:
        """Look back over everything, the last year, or the last three months."""
        self.span_index = (self.span_index + 1) % len(TIME_SPANS)
        self.refresh_trend()

    def _default_path(self, suffix: str) -> Path:
        workspace = self.app.workspace
        name = default_export_name(workspace.now().date(), suffix, person=self._whose())
        return exports_dir(workspace.layout.root) / name

    def _whose(self) -> str:
        # Partners who share an account share the exports folder too; the
        # name keeps one partner from saving over, or opening by mistake,
        # the other's file.
        workspace = self.app.workspace
        person = workspace.current
        if person is None or not workspace.household.is_couple:
            return ""
        if name_for_file(person.name):
            return person.name
        return f"person {workspace.household.profiles.index(person) + 1}"

    def action_export_chart(self) -> None:
        """Ask where to save the chart as an SVG picture, then save it."""
        whose = shown(self.whose_words()) if self.in_shared_space else ""
        svg = trend_svg(self._points, subtitle=describe_dates(self._points), whose=whose)
        self.app.push_screen(
            SaveExportScreen(
                "Save the chart as a picture (SVG)",
                f"It holds the chart as shown ({whose[0].lower() + whose[1:] if self.whose is None else whose}) "
                "and its dates, none of the notes."
                if whose
                else "It holds the chart and its dates only, none of your notes.",
                self._default_path("svg"),
                svg.encode("utf-8"),
            )
        )

    def action_export_data(self) -> None:
        """Ask where to save the check-ins as CSV, then save them."""
        workspace = self.app.workspace
        tz = workspace.now().tzinfo
        name_of = workspace.name_of if self.in_shared_space else None
        data = checkins_to_csv(self._checkins, tz, name_of=name_of).encode("utf-8")
        if self.in_shared_space:
            held = "both of you, each row naming who checked in" if self.whose is None else self.whose_words()
            detail = f"It holds the check-ins shown ({held}), with their notes. Keep it somewhere private."
        else:
            detail = "It holds every check-in, with your notes. Keep it somewhere private."
        self.app.push_screen(
            SaveExportScreen(
                "Save your check-ins as a spreadsheet file (CSV)",
                shown(detail),
                self._default_path("csv"),
                data,
            )
        )


class SaveExportScreen(SavesToFile, ModalScreen[Path | None]):
    """Ask for a path, offering one in the exports folder; never replace a file unasked.

    The dialog always says that the file is not encrypted.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#export-path"
    CSS_PATH = "trend.tcss"

    def __init__(self, title: str, detail: str, default_path: Path, data: bytes) -> None:
        super().__init__()
        self.title_words = title
        self.detail = detail
        self.default_path = default_path
        self.data = data

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_words, id="export-title")
            yield Static(Content(self.detail), classes="muted")
            yield Static(NOT_ENCRYPTED_WORDS, id="export-not-encrypted", classes="muted")
            yield Input(str(self.default_path), id="export-path", select_on_focus=False)
            yield Static("", id="export-problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        # The file name is the part worth seeing; start at the end of the path.
        field = self.query_one("#export-path", Input)
        field.cursor_position = len(field.value)

    def chosen_path(self) -> Path | None:
        """The typed path, made absolute: a relative one is inside the exports folder."""
        return self.typed_path(self.query_one("#export-path", Input).value)

    def _say(self, problem: str) -> None:
        self.query_one("#export-problem", Static).update(Content(problem))

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save to the chosen path, asking first if a file is already there."""
        path = self.chosen_path()
        if path is None:
            self._say("Type where to save the file.")
            return
        def done(_: None) -> None:
            self.app.notify(f"Saved to {path}", markup=False, timeout=8)
            self.dismiss(path)

        self.save_to(
            path, lambda replace: write_export(path, self.data, replace=replace, private_folder=self.private_folder), done
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Leave without saving."""
        self.dismiss(None)
