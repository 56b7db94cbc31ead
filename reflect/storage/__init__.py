"""Where spaces are kept: one private file per space, saved atomically.

Nothing here imports textual or rich. Only :mod:`reflect.storage.space_store`
knows that TinyDB is underneath.
"""

from reflect.storage.atomic import atomic_write_bytes, read_private_bytes
from reflect.storage.codec import Codec, PlainCodec
from reflect.storage.errors import (
    DataFolderBusy,
    SaveFailed,
    SpaceDamaged,
    SpaceMissing,
    SpaceTooNew,
    StoreError,
    WrongPassphrase,
)
from reflect.storage.lock import DataFolderLock
from reflect.storage.space_store import SpaceStore

__all__ = [
    "Codec",
    "DataFolderBusy",
    "DataFolderLock",
    "PlainCodec",
    "SaveFailed",
    "SpaceDamaged",
    "SpaceMissing",
    "SpaceStore",
    "SpaceTooNew",
    "StoreError",
    "WrongPassphrase",
    "atomic_write_bytes",
    "read_private_bytes",
]
