"""What a person can do with reflect, without any UI: one module per concept.

The app (``reflect.ui``) and the command line (``reflect.cli``) come through
here; nothing in this package imports textual or rich.
"""
