"""The Textual interface. Only this package (and the command line) imports textual or rich."""
