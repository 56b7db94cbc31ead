"""Command palette entries for the main actions."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (title, help, app action)
PALETTE_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Journal", "Read, search and edit your reflections", "journal"),
    ("New reflection", "Write freely, without a prompt", "free_write"),
    ("Check in", "Count moments of connection and of distance", "checkin"),
    ("Trend", "Your check-ins over time, and a line through them", "trend"),
    ("Session prep", "Gather what to bring to a therapy session, and save it", "session_prep"),
    ("Export", "Save a copy of this space: Markdown, JSON or CSV", "export_space"),
    ("Import", "Bring in a reflect export, or a journal from jrnl or Day One", "import_journal"),
    ("Pause and breathe", "A short grounding exercise; nothing is saved", "pause"),
    ("Resources", "Crisis lines and where to find a therapist", "resources"),
    ("Path", "Back to the guided path", "home"),
    ("Help", "The keys reflect understands", "help"),
    ("Switch space", "Your private journal or the shared space", "switch_space"),
    ("Preferences", "When reflect locks itself; change your passphrase", "preferences"),
    ("Lock", "Lock reflect now", "lock"),
    ("Switch person", "Lock, so the other partner can unlock", "switch_person"),
    ("Hide the screen", "Something neutral at once, and lock", "quick_hide"),
)


class ReflectCommands(Provider):
    """reflect's own commands. They never show any journal text."""

    def _callback(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run

    def _available(self):
        """Only what can be done now: nothing private while locked, no switch for one space."""
        for title, help_text, action in PALETTE_ACTIONS:
            if self.app.check_action(action, ()):
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
