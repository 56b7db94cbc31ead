"""The command line: ``reflect.cli:main`` is the console entry point."""

from reflect.cli.commands import CommandError, build_parser, main, read_passphrase

__all__ = ["CommandError", "build_parser", "main", "read_passphrase"]
