"""Command palette entries for the main actions."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (title, help, app action)
PALETTE_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Journal", "Read, search and edit your reflections", "journal"),
    ("New reflection", "Write freely, without a prompt", "free_write"),
    ("Check in", "Count moments of connection and of distance", "checkin"),
    ("Trend", "Your check-ins over time, and a line through them", "trend"),
    ("Pause and breathe", "A short grounding exercise; nothing is saved", "pause"),
    ("Resources", "Crisis lines and where to find a therapist", "resources"),
    ("Path", "Back to the guided path", "home"),
    ("Help", "The keys reflect understands", "help"),
)


class ReflectCommands(Provider):
    """reflect's own commands. They never show any journal text."""

    def _callback(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run

    async def discover(self) -> Hits:
        for title, help_text, action in PALETTE_ACTIONS:
            yield DiscoveryHit(title, self._callback(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in PALETTE_ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._callback(action), help=help_text)
