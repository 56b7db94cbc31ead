"""The command line: ``reflect.cli:run`` is the console entry point (``main(argv)``
returns the exit code without ending the process)."""

from reflect.cli.commands import CommandError, build_parser, main, read_passphrase, run

__all__ = ["CommandError", "build_parser", "main", "read_passphrase", "run"]
