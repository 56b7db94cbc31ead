"""reflect: a private, local-first companion for rebuilding closeness after infidelity."""

__version__ = "0.1.0"
