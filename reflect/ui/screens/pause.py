"""Pause: a short paced-breathing exercise, reachable from anywhere. Saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

TICK_SECONDS = 0.1
BAR_WIDTH = 40


@dataclass(frozen=True)
class BreathPhase:
    words: str
    seconds: float
    grows: bool | None  # True: the bar fills, False: it empties, None: it rests


# In for four, rest for two, out for six: a longer out-breath helps the body settle.
BREATH_CYCLE: tuple[BreathPhase, ...] = (
    BreathPhase("Breathe in, slowly", 4.0, True),
    BreathPhase("Rest", 2.0, None),
    BreathPhase("Breathe out, slower still", 6.0, False),
    BreathPhase("Rest", 1.0, None),
)

GROUNDING = (
    "There is nothing to do here and nothing to get right.\n"
    "Feel your feet on the floor. Notice three things you can see, "
    "two things you can hear, one thing you can touch.\n"
    "Stay as long as you like. Esc takes you back to where you were."
)


def breath_at(elapsed: float) -> tuple[BreathPhase, float]:
    """The phase of the cycle at ``elapsed`` seconds, and how full the bar is (0..1)."""
    cycle = sum(p.seconds for p in BREATH_CYCLE)
    t = elapsed % cycle
    fullness = 0.0
    for phase in BREATH_CYCLE:
        if t < phase.seconds:
            progress = t / phase.seconds
            if phase.grows is True:
                fullness = progress
            elif phase.grows is False:
                fullness = 1.0 - progress
            return phase, fullness
        t -= phase.seconds
        fullness = 1.0 if phase.grows else 0.0 if phase.grows is False else fullness
    return BREATH_CYCLE[0], 0.0


class PauseScreen(ModalScreen[None]):
    """A breathing bar that fills and empties, and a few grounding words."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back"),
        Binding("f2,ctrl+g", "dismiss", "Back", show=False),
    ]
    CSS_PATH = "pause.tcss"

    def __init__(self, clock: Callable[[], float] = monotonic) -> None:
        """``clock`` gives seconds, like ``time.monotonic``; a clock that stands still holds the first breath."""
        super().__init__()
        self._clock = clock
        self._started = clock()

    def compose(self) -> ComposeResult:
        with Vertical(id="pause"):
            yield Static("", id="phase")
            yield Static("", id="bar")
            yield Static(GROUNDING, id="grounding")

    def on_mount(self) -> None:
        self._show()
        self.set_interval(TICK_SECONDS, self._tick)

    def _tick(self) -> None:
        self._show()

    def _show(self) -> None:
        phase, fullness = breath_at(self._clock() - self._started)
        filled = round(fullness * BAR_WIDTH)
        self.query_one("#phase", Static).update(phase.words)
        self.query_one("#bar", Static).update("█" * filled + "░" * (BAR_WIDTH - filled))
