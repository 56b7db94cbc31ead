"""Where spaces are kept: one private file per space, saved atomically.

Nothing here imports textual or rich. Only :mod:`reflect.storage.space_store`
knows that TinyDB is underneath, and nothing is re-exported here, so that
importing a light module (``reflect.storage.settings``, ``reflect.storage.errors``)
never loads TinyDB or the cryptography: import each module by its own name.
"""
