"""The smallest Textual app that looks like reflect's home screen, as a yardstick.

The benchmarks time it to its first frame the same way as reflect, so the
part of reflect's start-up that is Textual's own can be told apart from the
part that is reflect's.
"""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, OptionList, Static


class MinimalApp(App[None]):
    """A header, a title, a list of eight steps and a footer; nothing else."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The path")
        yield OptionList(*[f"Step {n}" for n in range(1, 9)])
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
