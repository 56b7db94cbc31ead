"""A prompt made of parts shown one under another, each wrapping within its own indent.

An OptionList prompt that is one Content wraps every line back to column 1, so
an indented second line loses its indent when it is long. ``Stacked(title,
Padding(summary, Spacing(0, 0, 0, 4)))`` keeps the summary's wrapped lines
under its first one (a hanging indent), and keeps Content's theme variables.
"""

from __future__ import annotations

from textual.css.styles import RulesMap
from textual.geometry import Spacing
from textual.strip import Strip
from textual.style import Style
from textual.visual import Padding, RenderOptions, Visual


class Stacked(Visual):
    """Visuals shown one under another, all at the same width."""

    def __init__(self, *parts: Visual) -> None:
        self.parts = parts

    def __str__(self) -> str:
        """The plain text, one part a line (as the single Content it replaces read)."""
        return "\n".join(str(part) for part in self.parts)

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        strips: list[Strip] = []
        for part in self.parts:
            strips.extend(part.render_strips(width, None, style, options))
        rich_style = style.rich_style
        strips = [strip.crop_pad(width, 0, 0, rich_style) for strip in strips]
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((part.get_optimal_width(rules, container_width) for part in self.parts), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(part.get_height(rules, width) for part in self.parts)


class Indented(Padding):
    """``visual`` with every line, wrapped ones too, some cells in from the left."""

    def __init__(self, visual: Visual, cells: int) -> None:
        super().__init__(visual, Spacing(0, 0, 0, cells))
        self._text = " " * cells + str(visual)

    def __str__(self) -> str:
        return self._text


def indented(visual: Visual, cells: int) -> Indented:
    """``visual`` with every line, wrapped ones too, ``cells`` in from the left."""
    return Indented(visual, cells)
