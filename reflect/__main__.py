"""Allow ``python -m reflect``."""

from reflect.cli import run

run()
